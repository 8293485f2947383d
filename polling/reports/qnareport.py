"""The room's Q&A in the reports: a sheet of the workbook and a section of the HTML report. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from polling.core.qna import SHOWN, Board
from polling.core.session import Session
from polling.reports.labels import Labels


def qna_header(labels: Labels) -> list[str]:
    """The columns of a Q&A table, in the report's language."""
    return [
        labels("question"),
        labels("language"),
        labels("minute"),
        labels("status"),
        labels("votes"),
        labels("pinned"),
    ]


def qna_rows(board: Board, labels: Labels, everything: bool) -> list[list[Any]]:
    """One row per question in the presenter's order: every one (the workbook, like the answers
    sheet) or only those the room saw (the HTML report, like approved open answers)."""
    return [
        [
            q.text,
            q.language,
            q.minute,
            labels(f"status_{q.status}"),
            q.votes,
            "✓" if board.settings.pinned == q.id else "",
        ]
        for q in board.listed(everything=everything)
    ]


def qna_section(sessions: Sequence[Session], boards: Sequence[Board], labels: Labels) -> str:
    """The HTML report's Q&A section: the questions the room saw, each as written (`dir="auto"`),
    with its votes; nothing when no session had any."""
    shown = [
        (s, b)
        for s, b in zip(sessions, boards, strict=True)
        if any(q.status in SHOWN for q in b.questions.values())
    ]
    if not shown:
        return ""
    parts = ['<section class="qna" id="qna">\n', f"<h2>{escape(labels('qna'))}</h2>\n"]
    for session, board in shown:
        if len(sessions) > 1:
            parts.append(f"<h3>{escape(session.code)}</h3>\n")
        head = "".join(f'<th scope="col">{escape(h)}</th>' for h in qna_header(labels))
        rows = "".join(
            f'<tr><td dir="auto">{escape(row[0])}</td><td>{escape(row[1])}</td><td>{escape(row[2])}</td>'
            f'<td>{escape(row[3])}</td><td class="number">{row[4]}</td><td>{row[5]}</td></tr>\n'
            for row in qna_rows(board, labels, everything=False)
        )
        parts.append(f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}</tbody>\n</table>\n")
    parts.append("</section>\n")
    return "".join(parts)
