"""The room's Q&A as files: every question with its votes and status, as CSV or JSON."""

from __future__ import annotations

import json
from typing import Any

from polling.core.qna import Board, Question, Settings, Status
from polling.core.session import Session
from polling.reports.exports import BYTE_ORDER_MARK, SECRETS, Document, _csv
from polling.store.base import QnaRows

# Each Q&A export by kind, named as the last part of its HTTP path and at the end of its file name.
QNA_FILES = {"qna_csv": "qna.csv", "qna_json": "qna.json"}
QNA_COLUMNS = ["session", "id", "question", "language", "minute", "status", "votes", "pinned"]


def board_of(rows: QnaRows) -> Board:
    """A session's Q&A board as stored: its settings, questions in the order asked, and votes."""
    board = Board(Settings.from_dict(rows.settings) if rows.settings else None)
    for row in rows.questions:
        board.add(Question(row.id, row.participant, row.text, row.language, row.minute, Status(row.status)))
    for question_id, participant in rows.votes:
        board.vote(question_id, participant, True)
    return board


def qna_rows(session: Session, board: Board) -> list[list[Any]]:
    """One row per question, every status, in the presenter's order (by votes unless newest)."""
    return [
        [
            session.code,
            q.id,
            q.text,
            q.language,
            q.minute,
            str(q.status),
            q.votes,
            int(board.settings.pinned == q.id),
        ]
        for q in board.listed(everything=True)
    ]


def qna_json(session: Session, info: dict[str, Any], board: Board) -> dict[str, Any]:
    """The Q&A of a session: its info (without secrets), settings, and every question."""
    return {
        "session": {key: value for key, value in info.items() if key not in SECRETS},
        "settings": board.settings.to_dict(),
        "questions": [
            {**q.to_dict(), "pinned": board.settings.pinned == q.id} for q in board.listed(everything=True)
        ],
    }


def render_qna(kind: str, session: Session, info: dict[str, Any], rows: QnaRows) -> Document:
    """A Q&A export: `qna_csv` (with a byte order mark, like every CSV) or `qna_json`."""
    name = f"{session.bank.id}-{session.created[:10]}-{session.code}-{QNA_FILES[kind]}"
    board = board_of(rows)
    if kind == "qna_csv":
        return Document(name, "text/csv", BYTE_ORDER_MARK + _csv(QNA_COLUMNS, qna_rows(session, board)))
    document = json.dumps(qna_json(session, info, board), ensure_ascii=False, indent=1)
    return Document(name, "application/json", document)
