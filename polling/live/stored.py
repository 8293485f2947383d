"""A session as the database keeps it: its row and its answers, resumed into memory; the
anonymous key a phone's answers are kept under, and the minute they are stamped with."""

from __future__ import annotations

import functools
import hashlib
import time
from datetime import UTC, datetime

from polling.core.session import Session
from polling.core.tally import Moderation
from polling.store.base import AnswerRow, SessionRow


def resume(row: SessionRow, answers: list[AnswerRow]) -> Session:
    """A stored session as it stood, its tallies rebuilt from its stored answers."""
    session = Session(
        id=row.id,
        code=row.code,
        bank=row.bank,
        screen_key=row.screen_key,
        created=row.created,
        hide_results=row.hide_results,
        owner=row.owner,
        course=row.course,
        course_role=row.course_role,
    )
    session.restore(row.control)
    for answer in answers:
        status = Moderation(answer.status) if answer.status else None
        session.record(
            answer.participant, answer.question_id, answer.value, answer.rev, status, answer.elapsed
        )
    return session


def utc_minute() -> str:
    """The current UTC time, to the minute and no finer."""
    return _minute_text(int(time.time()) // 60)


@functools.lru_cache(maxsize=1)
def _minute_text(minute: int) -> str:
    # Cached: formatted once a minute rather than once an answer.
    return datetime.fromtimestamp(minute * 60, UTC).strftime("%Y-%m-%dT%H:%MZ")


def participant_key(session_id: str, token: str) -> str:
    """The anonymous key under which a phone's answers are kept: not reversible to its token."""
    return hashlib.sha256(f"{session_id}:{token}".encode()).hexdigest()[:24]
