"""What every store promises: the rows it keeps and the calls the live service makes.

A store owns its database alone; every write is durable when its awaitable returns, and
a write that could not be made durable raises StoreError with nothing of it kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from polling.core.model import Bank


class StoreError(Exception):
    """A write that could not be made durable; nothing of it was kept."""


@dataclass(frozen=True)
class SessionRow:
    """A session as stored."""

    id: str
    code: str
    bank: Bank
    screen_key: str
    hide_results: bool
    created: str
    control: dict[str, Any]
    owner: str | None = None  # the facilitator who created it; None: the operator
    course: str | None = None  # the course it belongs to, if any
    course_role: str | None = None  # its role in that course: "pre" or "post"


@dataclass(frozen=True)
class CourseRow:
    """A course: sessions grouped so that a phone's answers pair up across them.

    `key` is the secret of the keyed hash of phones' course tokens: never sent or exported."""

    id: str
    name: str
    key: str
    created: str
    owner: str | None = None


@dataclass(frozen=True)
class PhoneRow:
    """What a session keeps of a phone beyond its answers: its course key and whether it
    submitted a self-paced questionnaire."""

    participant: str
    course_key: str | None
    finished: bool


@dataclass(frozen=True)
class AnswerRow:
    """A participant's last answer to a question, as stored."""

    session_id: str
    question_id: str
    participant: str
    value: Any
    language: str
    minute: str
    rev: int
    status: str | None = None
    elapsed: int | None = None  # ms from the question's opening (quiz questions), for the speed bonus


@dataclass(frozen=True)
class PlayerRow:
    """The nickname and team a phone chose while the leaderboard was on (None: not chosen)."""

    participant: str
    nickname: str | None
    team: str | None


@dataclass(frozen=True)
class QnaQuestionRow:
    """A question of the room's Q&A, as stored; `participant` is the asking phone's anonymous key."""

    session_id: str
    id: str
    participant: str
    text: str
    language: str
    minute: str  # UTC, to the minute: no finer, for anonymity
    status: str


@dataclass(frozen=True)
class QnaRows:
    """A session's Q&A as stored: its settings (None: never set), questions in the order they
    were asked, and votes as (question id, voter's anonymous key)."""

    settings: dict[str, Any] | None
    questions: list[QnaQuestionRow]
    votes: list[tuple[str, str]]


@dataclass(frozen=True)
class ScenarioRows:
    """A session's table-top exercise as stored: its events in the order they were made (JSON
    objects, see core/exercise.py), the phones' votes as (run, track, visit, phone, option) and
    their team choices as (phone, team, spokesperson). Phones are anonymous keys."""

    events: list[dict[str, Any]]
    votes: list[tuple[int, str, int, str, str]]
    members: list[tuple[str, str, bool]]


@dataclass(frozen=True)
class AccountRow:
    """A facilitator's or organiser's account: a name, a role and the hash of their token."""

    name: str
    role: str
    token_hash: str
    created: str


class Store(Protocol):
    """The one interface over the database, whichever engine holds it."""

    async def open(self) -> None:
        """Connect, create or upgrade the schema, and start accepting writes."""

    async def close(self) -> None:
        """Finish pending writes and let go of the database."""

    async def save_answer(self, answer: AnswerRow, committed: Callable[[], None] | None = None) -> None:
        """Store a participant's answer unless a newer one (higher rev) is stored; `committed` is
        called once it is, before the callers of the answers committed with it resume."""

    async def create_session(self, row: SessionRow) -> None:
        """Store a new session with its bank snapshot."""

    async def save_control(self, session_id: str, control: dict[str, Any]) -> None:
        """Store where a session stands, so that a restart resumes it there."""

    async def save_status(self, session_id: str, question_id: str, participant: str, status: str) -> None:
        """Store the moderation of an open-text answer."""

    async def purge(self, session_id: str) -> None:
        """Delete a session and its answers for good."""

    async def save_player(self, session_id: str, player: PlayerRow) -> None:
        """Store a phone's nickname and team; with neither, forget it."""

    async def clear_players(self, session_id: str) -> None:
        """Forget every nickname and team of a session (the leaderboard was turned off)."""

    async def players(self, session_id: str) -> list[PlayerRow]:
        """The nicknames and teams the phones of a session chose."""

    async def add_participant(self, session_id: str, participant: str) -> None:
        """Remember that a phone (its anonymous key) joined a session; again is no change."""

    async def participants(self, session_id: str) -> list[str]:
        """The anonymous keys of the phones that joined a session."""

    async def save_phone(
        self, session_id: str, participant: str, course_key: str | None, finished: bool
    ) -> None:
        """Store a phone's course key and whether it finished (a phone not joined yet is added)."""

    async def phones(self, session_id: str) -> list[PhoneRow]:
        """The phones of a session that have a course key or finished."""

    async def create_course(self, row: CourseRow) -> None:
        """Store a new course."""

    async def courses(self) -> list[CourseRow]:
        """Every course, oldest first."""

    async def sessions(self) -> list[SessionRow]:
        """Every session, oldest first."""

    async def answers(self, session_id: str) -> list[AnswerRow]:
        """A session's answers in the order they were first given."""

    async def save_qna_settings(self, session_id: str, settings: dict[str, Any]) -> None:
        """Store how a session runs its Q&A (open, pre-moderation, order, pinned question)."""

    async def add_qna_question(self, row: QnaQuestionRow) -> None:
        """Store a question a phone asked."""

    async def save_qna_status(self, session_id: str, question_id: str, status: str) -> None:
        """Store the moderation status of a question."""

    async def save_qna_vote(self, session_id: str, question_id: str, participant: str, up: bool) -> None:
        """Store a phone's vote for a question (`up`) or take it back; again is no change."""

    async def qna(self, session_id: str) -> QnaRows:
        """A session's Q&A settings, questions and votes."""

    async def add_scenario_event(self, session_id: str, event: dict[str, Any]) -> None:
        """Append an event to a session's exercise log (never changed afterwards)."""

    async def save_scenario_vote(
        self, session_id: str, run: int, track: str, visit: int, participant: str, option: str
    ) -> None:
        """Store a phone's vote at a visit of a track (a new vote of the same phone replaces it)."""

    async def save_scenario_member(
        self, session_id: str, participant: str, team: str, spokesperson: bool
    ) -> None:
        """Store a phone's team; a new spokesperson replaces the team's previous one."""

    async def scenario(self, session_id: str) -> ScenarioRows:
        """A session's exercise events in order, its votes and its team choices."""

    async def add_account(self, row: AccountRow) -> None:
        """Store a new account; StoreError if the name or the token is taken."""

    async def revoke_account(self, name: str) -> bool:
        """Delete an account (its sessions stay); False if there was none of that name."""

    async def accounts(self) -> list[AccountRow]:
        """Every account, oldest first."""

    async def account(self, token_hash: str) -> AccountRow | None:
        """The account whose token has this hash, if any."""
