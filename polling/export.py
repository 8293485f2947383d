"""Results for the training report: CSV tables and the whole session as JSON. Pure."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from polling.model import Question, QuestionType
from polling.session import Session
from polling.store import AnswerRow

ANSWER_COLUMNS = [
    "session",
    "question_id",
    "question",
    "type",
    "answer",
    "language",
    "minute",
    "status",
]
SUMMARY_COLUMNS = [
    "session",
    "question_id",
    "question",
    "type",
    "responses",
    "item",
    "count",
    "share",
    "mean",
]


def _csv(columns: list[str], rows: Iterable[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(_safe(row) for row in rows)
    return buffer.getvalue()


def _safe(row: list[Any]) -> list[Any]:
    """Neutralise cells a spreadsheet would run as a formula (answers are typed by anyone)."""
    return ["'" + c if isinstance(c, str) and c[:1] in ("=", "+", "-", "@") else c for c in row]


def answer_text(question: Question, value: Any, lang: str) -> Any:
    """An answer as a person reads it: option labels rather than ids; numbers stay numbers."""
    labels = {o.id: o.label.get(lang, o.id) for o in question.options}
    if question.type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        chosen = value if isinstance(value, list) else [value]
        return "; ".join(labels.get(v, str(v)) for v in chosen)
    return value


def answers_csv(session: Session, answers: Iterable[AnswerRow]) -> str:
    """One row per answer: the last answer of each participant to each question."""
    lang = session.bank.default_language
    rows = []
    for answer in answers:
        question = session.bank.question(answer.question_id)
        if question is None:
            continue
        rows.append(
            [
                session.id,
                question.id,
                question.prompt[lang],
                str(question.type),
                answer_text(question, answer.value, lang),
                answer.language,
                answer.minute,
                answer.status or "",
            ]
        )
    return _csv(ANSWER_COLUMNS, rows)


def summary_rows(session: Session) -> list[list[Any]]:
    """One row per question and item (option, scale point, word, bin or moderation status)."""
    lang = session.bank.default_language
    rows: list[list[Any]] = []
    for question in session.bank.questions:
        tally = session.tallies[question.id]
        results = tally.results()
        responses = tally.responses
        mean = results.get("mean")
        items: list[tuple[str, int]]
        match question.type:
            case QuestionType.SINGLE | QuestionType.MULTIPLE:
                items = [(o.label[lang], results["counts"][o.id]) for o in question.options]
            case QuestionType.SCALE:
                items = list(results["counts"].items())
            case QuestionType.NUMBER:
                items = [(f"{b['from']}–{b['to']}", b["count"]) for b in results["bins"]]
            case QuestionType.WORDCLOUD:
                items = [(word, count) for word, count in results["words"]]
            case QuestionType.TEXT:
                items = list(results.items())
        base = [session.id, question.id, question.prompt[lang], str(question.type), responses]
        if not items:
            rows.append([*base, "", 0, "", _blank(mean)])
        for item, count in items:
            share = round(count / responses, 4) if responses else ""
            rows.append([*base, item, count, share, _blank(mean)])
    return rows


def _blank(value: Any) -> Any:
    return "" if value is None else value


def summary_csv(session: Session) -> str:
    """The per-question summary table."""
    return _csv(SUMMARY_COLUMNS, summary_rows(session))


def session_json(session: Session, info: dict[str, Any], answers: Iterable[AnswerRow]) -> dict[str, Any]:
    """The whole session: its info, bank snapshot, states, results and every answer."""
    return {
        "session": info,
        "bank": session.bank.to_dict(),
        "states": session.control_state(),
        "results": {q.id: session.tallies[q.id].results() for q in session.bank.questions},
        "answers": [
            {
                "question": a.question_id,
                "value": a.value,
                "language": a.language,
                "minute": a.minute,
                "status": a.status,
            }
            for a in answers
        ],
    }
