"""What each role is sent: the protocol's messages built from a session, with no I/O.

The service gathers what only it knows (how many phones are connected, whether the disk
is healthy) and passes it in; everything else comes from the pure session.
"""

from __future__ import annotations

from typing import Any

from polling.core.model import QuestionType
from polling.core.session import SCREEN_SECRETS, Session

PARTICIPANT, FACILITATOR, SCREEN = "participant", "facilitator", "screen"


def info(session: Session, join_base: str, participants: int) -> dict[str, Any]:
    """SESSION_INFO of docs/protocol.md."""
    return {
        "id": session.id,
        "code": session.code,
        "bank": session.bank.id,
        "title": session.bank.title,
        "languages": list(session.bank.languages),
        "status": str(session.status),
        "created": session.created,
        "join_url": f"{join_base}/j/{session.code}",
        "screen_key": session.screen_key,
        # From the same base as the join link, so the console's link agrees with the QR code.
        "screen_url": f"{join_base}/screen/{session.id}/{session.screen_key}",
        "hide_results": session.hide_results,
        "phone_results": session.phone_results,
        "max_participants": session.max_participants,
        "participants": participants,
        "answered": len(session.answered),
    }


def presenter_state(
    session: Session, role: str, join_base: str, participants: int, storage: str | None
) -> dict[str, Any]:
    """PRESENTER_STATE of docs/protocol.md, for the facilitator or the screen."""
    current = session.current
    tally = session.tallies[current] if current is not None else None
    about = info(session, join_base, participants)
    if role == SCREEN:
        for secret in SCREEN_SECRETS:
            about.pop(secret)
    return {
        "session": about,
        "questions": [q.to_dict() for q in session.bank.questions],
        "states": {q: str(s) for q, s in session.states.items()},
        "display_languages": list(session.display_languages),
        "current": current,
        "state": str(session.state) if session.state else None,
        "revealed": current in session.revealed,
        "responses": tally.responses if tally else 0,
        "results": results(session, role),
        "texts": texts(session, current, role),
        "storage": storage if role == FACILITATOR else None,
    }


def participant_question(session: Session, participant: str | None) -> dict[str, Any]:
    """The `question` message for one participant (their own answer included)."""
    current = session.current
    question = session.bank.question(current) if current is not None else None
    answer = session.answer_of(participant, current) if participant and current else None
    return {
        "type": "question",
        "question": question.to_dict() if question else None,
        "state": str(session.state) if session.state else None,
        "answer": answer,
        "rev": session.rev_of(participant, current) if participant and current else 0,
        "results": phone_results(session),
    }


def phone_results(session: Session) -> dict[str, Any] | None:
    """The current question's results for phones, where the facilitator lets phones see them."""
    if session.current is None or not session.results_for_phones():
        return None
    return session.tallies[session.current].results()


def results(session: Session, role: str) -> dict[str, Any] | None:
    """The current question's results as `role` may see them: none for a screen before the reveal."""
    if session.current is None or (role == SCREEN and not session.results_visible()):
        return None
    return session.tallies[session.current].results()


def texts(session: Session, question_id: str | None, role: str) -> list[dict[str, str]]:
    """A text question's answers for `role`: all of them for the facilitator, approved for screens."""
    if question_id is None:
        return []
    tally = session.tallies[question_id]
    if tally.question.type is not QuestionType.TEXT:
        return []
    return [t.to_dict() for t in tally.texts(approved_only=role == SCREEN)]


def tally_message(session: Session, role: str, participants: int) -> dict[str, Any]:
    """The `tally` message: the current question's count and results."""
    tally = session.tallies[session.current] if session.current else None
    return {
        "type": "tally",
        "question": session.current,
        "responses": tally.responses if tally else 0,
        "results": results(session, role),
        "participants": participants,
        "answered": len(session.answered),
    }


def texts_message(session: Session, question_id: str, role: str) -> dict[str, Any]:
    """The `texts` message: a text question's answers as `role` may see them."""
    return {"type": "texts", "question": question_id, "texts": texts(session, question_id, role)}


def health_message(storage: str | None) -> dict[str, Any]:
    """The `health` message: why the database refuses writes, or None when it is healthy."""
    return {"type": "health", "storage": storage}
