"""Courses: sessions grouped so that one phone's pre-test and post-test answers pair up.

A phone keeps a random course token of its own; a session of a course keeps only a keyed hash
of it (HMAC-SHA256 with the course's secret key), so the pairing needs no identity, the token
itself is never stored, and the keys of two courses cannot be linked.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from typing import TYPE_CHECKING, Any, TypeGuard

from polling.core.access import Principal
from polling.core.session import Session
from polling.live.refusals import Refused
from polling.store.base import CourseRow

if TYPE_CHECKING:
    from polling.live.service import Polling

ROLES = ("pre", "post")
MAX_NAME = 120


def course_key(key: str, token: str) -> str:
    """The keyed hash under which a phone's course token is kept: not reversible, not linkable
    to another course, and not recomputable without the course's secret key."""
    return hmac.new(key.encode(), token.encode(), hashlib.sha256).hexdigest()[:24]


def course_name(name: Any) -> str:
    """A course's name as given, tidied; raises ValueError with the reason when it is unfit."""
    if not isinstance(name, str):
        raise ValueError("name must be a text")
    tidy = " ".join(unicodedata.normalize("NFC", name).split())
    if not 1 <= len(tidy) <= MAX_NAME:
        raise ValueError(f"name must have 1 to {MAX_NAME} characters")
    if any(unicodedata.category(c).startswith("C") for c in tidy):
        raise ValueError("name must not hold control characters")
    return tidy


class Courses:
    """The courses the service knows, kept in memory after the store."""

    def __init__(self, polling: Polling) -> None:
        self.polling = polling
        self.rows: dict[str, CourseRow] = {}

    async def load(self) -> None:
        """Read every course from the store (at start, and when another process made one)."""
        self.rows = {row.id: row for row in await self.polling.store.courses()}

    async def create(self, name: Any, principal: Principal, created: str) -> CourseRow:
        """A new course, owned like a session by the facilitator who creates it."""
        if not principal.may_create:
            raise Refused("forbidden", "Organisers read and export courses; they do not start them")
        try:
            tidy = course_name(name)
        except ValueError as error:
            raise Refused("bad_request", str(error)) from None
        row = CourseRow(secrets.token_hex(5), tidy, secrets.token_urlsafe(24), created, principal.owner)
        await self.polling.durably(self.polling.store.create_course(row))
        self.rows[row.id] = row
        await self.polling.share({"event": "course", "session": None, "course": row.id})
        return row

    async def visible(self, course_id: Any, principal: Principal, drive: bool = False) -> CourseRow:
        """The course with this id if `principal` may see it (and add sessions, with `drive`)."""
        if isinstance(course_id, str) and course_id not in self.rows and self.polling.relay.shared:
            await self.load()  # made a moment ago on another process
        row = self.rows.get(course_id) if isinstance(course_id, str) else None
        if row is None or not principal.may_see(row.owner):
            raise Refused("not_found", "No such course")
        if drive and not principal.may_drive(row.owner):
            raise Refused("forbidden", "Organisers read and export courses; they do not add sessions")
        return row

    async def check_member(self, course_id: Any, role: Any, principal: Principal) -> None:
        """Refused unless a new session of `principal` may join this course in this role."""
        await self.visible(course_id, principal, drive=True)
        if role not in ROLES:
            raise Refused("bad_request", "role must be pre or post")

    def sessions_of(self, course_id: str) -> list[Session]:
        """The sessions of a course, oldest first."""
        return [s for s in self.polling.sessions.values() if s.course == course_id]

    def info(self, row: CourseRow) -> dict[str, Any]:
        """COURSE_INFO of docs/protocol.md: never the course's key."""
        return {
            "id": row.id,
            "name": row.name,
            "created": row.created,
            "sessions": [
                {
                    "id": s.id,
                    "code": s.code,
                    "bank": s.bank.id,
                    "title": s.bank.title,
                    "role": s.course_role,
                    "status": str(s.status),
                    "answered": len(s.answered),
                }
                for s in self.sessions_of(row.id)
            ],  # fmt: skip
        }

    async def link(self, session: Session, participant: str, token: Any) -> None:
        """Keep the keyed hash of a phone's course token for this session, once per change."""
        row = self.rows.get(session.course) if session.course else None
        if row is None or not valid_token(token):
            return
        key = course_key(row.key, token)
        if session.course_keys.get(participant) == key:
            return
        before = session.course_keys.get(participant)
        session.course_keys[participant] = key
        try:
            await self.polling.answering.save_phone(session, participant)
        except Refused:
            # Not kept: forgotten here too, so the phone's next hello tries again. The phone is
            # let in all the same: a disk that refuses writes refuses answers, not the room.
            if before is None:
                session.course_keys.pop(participant, None)
            else:
                session.course_keys[participant] = before


TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def valid_token(token: Any) -> TypeGuard[str]:
    """Whether a phone's token (its participant or course token) looks like one its page makes:
    16 to 64 URL-safe characters."""
    return isinstance(token, str) and 16 <= len(token) <= 64 and not set(token) - TOKEN_CHARS
