"""What each role is sent of a session's audience Q&A: pure builders of the protocol's messages."""

from __future__ import annotations

from typing import Any

from polling.core.qna import Board, Question
from polling.live.views import FACILITATOR


def qna_view(board: Board, role: str) -> dict[str, Any]:
    """QNA of docs/protocol.md: the settings and the questions `role` may see, in the presenter's
    order (the facilitator: every question; the screen and phones: approved and answered ones)."""
    settings = board.settings
    return {
        "open": settings.open,
        "premoderate": settings.premoderate,
        "order": str(settings.order),
        "pinned": settings.pinned,
        "questions": [q.to_dict() for q in board.listed(everything=role == FACILITATOR)],
        "counts": board.counts() if role == FACILITATOR else None,
    }


def qna_message(board: Board, role: str) -> dict[str, Any]:
    """The `qna` message: Q&A as it stands now for `role`."""
    return {"type": "qna", **qna_view(board, role)}


def phone_qna(board: Board, role: str, participant: str) -> dict[str, Any]:
    """The `qna` of a phone's welcome: the room's Q&A, with what this phone voted for and asked."""
    return {
        **qna_view(board, role),
        "voted": board.voted(participant),
        "mine": [q.to_dict() for q in board.mine(participant)],
    }


def asked_message(question: Question) -> dict[str, Any]:
    """The `asked` acknowledgement: the question as stored, with its status."""
    return {"type": "asked", "question": question.to_dict()}


def voted_message(question: Question, up: bool) -> dict[str, Any]:
    """The `voted` acknowledgement: whether the phone now votes for the question, and its count."""
    return {"type": "voted", "id": question.id, "up": up, "votes": question.votes}
