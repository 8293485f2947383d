"""A report of one session or several side by side, as a file: the one entry point of the
command line and the HTTP API. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from polling.core.qna import Board
from polling.core.session import Session
from polling.reports import html
from polling.reports.exports import report_filename
from polling.reports.tables import report_language
from polling.store.base import AnswerRow

# The kinds of report, as `--format` and the end of their HTTP path name them.
KINDS = ("xlsx", "html")


@dataclass(frozen=True)
class Report:
    """A report ready to be written or served."""

    filename: str
    media_type: str
    body: bytes


def build(
    kind: str,
    sessions: Sequence[Session],
    answers: Sequence[Sequence[AnswerRow]],
    lang: str | None,
    boards: Sequence[Board] = (),
) -> Report:
    """The report `kind` of `sessions` (each with its answers and, where given, its Q&A board)
    in `lang`, by default the first bank's default language; LanguageError when no bank nor the
    report speaks `lang`."""
    language = report_language(list(sessions), lang)
    name = report_filename(list(sessions), kind)
    if kind == "html":
        return Report(name, html.MEDIA_TYPE, html.report(list(sessions), language, boards).encode())
    # openpyxl is a fifth of the server's start-up time: loaded with the first workbook asked for.
    from polling.reports import xlsx

    return Report(name, xlsx.MEDIA_TYPE, xlsx.workbook(sessions, answers, language, boards))
