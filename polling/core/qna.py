"""Audience Q&A: the room's questions, their votes and their moderation, as pure rules.

A board holds one session's questions. Phones ask (within a length and a rate), vote once
per question and take the vote back; the facilitator moderates each question through
guarded states and pins one. Nothing here awaits or touches a clock of its own: the time
is passed in, so the rate limit is plain arithmetic.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from polling.core.answers import clean_text

MAX_LENGTH = 280  # characters of a question, once cleaned
ASK_LIMIT = 3  # questions a phone may ask ...
ASK_WINDOW = 60.0  # ... in this many seconds


class QnaError(Exception):
    """A Q&A request refused, with the protocol's error code and a message for people."""

    def __init__(self, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.extra = extra


class Status(StrEnum):
    """Where a question stands: only approved and answered ones reach the room."""

    PENDING = "pending"  # waiting for the facilitator (pre-moderation)
    APPROVED = "approved"
    HIDDEN = "hidden"
    ANSWERED = "answered"


# The moves the facilitator may make; anything else is refused with the reason.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.PENDING: frozenset({Status.APPROVED, Status.HIDDEN}),
    Status.APPROVED: frozenset({Status.HIDDEN, Status.ANSWERED}),
    Status.HIDDEN: frozenset({Status.APPROVED}),
    Status.ANSWERED: frozenset({Status.APPROVED, Status.HIDDEN}),
}
SHOWN = frozenset({Status.APPROVED, Status.ANSWERED})  # what the room sees


class Order(StrEnum):
    """How the presenter sorts the questions."""

    VOTES = "votes"
    NEWEST = "newest"


def transition(current: Status, target: Any) -> Status:
    """The new status of a question moved from `current` to `target`, or QnaError saying why not."""
    try:
        wanted = Status(target)
    except ValueError:
        allowed = ", ".join(s.value for s in Status)
        raise QnaError("bad_request", f"status must be one of {allowed}") from None
    if wanted is current:
        return current  # asked twice (a double click, a retry): no change, no error
    if wanted not in TRANSITIONS[current]:
        raise QnaError("invalid_transition", f"A question that is {current} cannot become {wanted}")
    return wanted


def wait_before_asking(
    times: Sequence[float], now: float, limit: int = ASK_LIMIT, window: float = ASK_WINDOW
) -> float:
    """Seconds a phone that asked at `times` must wait before asking again at `now`; 0: it may."""
    recent = sorted(t for t in times if now - t < window)
    if len(recent) < limit:
        return 0.0
    return recent[-limit] + window - now


def toggled(voted: bool, up: bool | None) -> bool:
    """Whether a phone votes for a question after its tap: `up` when it says, else the opposite."""
    return (not voted) if up is None else up


def check_text(text: Any) -> str:
    """A question's text, cleaned, or QnaError when it is empty or too long."""
    if not isinstance(text, str):
        raise QnaError("bad_request", "text must be a string")
    cleaned = clean_text(text)
    if not cleaned:
        raise QnaError("question_empty", "Write a question first")
    if len(cleaned) > MAX_LENGTH:
        raise QnaError(
            "question_too_long", f"A question is limited to {MAX_LENGTH} characters", max_length=MAX_LENGTH
        )
    return cleaned


@dataclass
class Question:
    """A question of the room; `author` and `voters` are anonymous keys, never sent out."""

    id: str
    author: str
    text: str
    language: str
    minute: str
    status: Status
    seq: int = 0  # the order in which this process learnt of it: "newest" sorts by it
    voters: set[str] = field(default_factory=set)

    @property
    def votes(self) -> int:
        return len(self.voters)

    def to_dict(self) -> dict[str, Any]:
        """The question as clients see it: never who asked or voted."""
        return {
            "id": self.id,
            "text": self.text,
            "language": self.language,
            "minute": self.minute,
            "status": str(self.status),
            "votes": self.votes,
        }


def ordered(questions: Iterable[Question], order: Order) -> list[Question]:
    """Questions as the presenter lists them: open ones first (by votes, ties oldest first, so
    a new question never jumps above an equal one; or newest first), answered ones after."""

    def key(q: Question) -> tuple[bool, int, int]:
        return (
            q.status is Status.ANSWERED,
            -q.votes if order is Order.VOTES else 0,
            q.seq if order is Order.VOTES else -q.seq,
        )

    return sorted(questions, key=key)


@dataclass
class Settings:
    """How the facilitator runs Q&A in a session."""

    open: bool = False
    premoderate: bool = False
    order: Order = Order.VOTES
    pinned: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "open": self.open,
            "premoderate": self.premoderate,
            "order": str(self.order),
            "pinned": self.pinned,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        return cls(
            bool(data.get("open", False)),
            bool(data.get("premoderate", False)),
            Order(data.get("order", Order.VOTES)),
            data.get("pinned"),
        )

    def changed(self, changes: dict[str, Any]) -> Settings:
        """These settings with `changes` (`open`, `premoderate`, `order`) applied, or QnaError."""
        result = Settings(self.open, self.premoderate, self.order, self.pinned)
        for name in ("open", "premoderate"):
            if name in changes:
                if not isinstance(changes[name], bool):
                    raise QnaError("bad_request", f"{name} must be true or false")
                setattr(result, name, changes[name])
        if "order" in changes:
            try:
                result.order = Order(changes["order"])
            except ValueError:
                raise QnaError("bad_request", "order must be votes or newest") from None
        return result


class Board:
    """One session's questions and votes, with the rules of asking, voting and moderating."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.questions: dict[str, Question] = {}
        self.asked: dict[str, list[float]] = {}  # when each phone asked, for the rate limit
        self._seq = 0

    # -- phones ----------------------------------------------------------------------------

    def check_ask(self, participant: str, text: Any, now: float) -> str:
        """The cleaned text of a question a phone may ask now, or QnaError."""
        if not self.settings.open:
            raise QnaError("qna_closed", "Questions are not open")
        cleaned = check_text(text)
        wait = wait_before_asking(self.asked.get(participant, ()), now)
        if wait > 0:
            raise QnaError(
                "ask_rate_limited",
                f"At most {ASK_LIMIT} questions a minute: ask again in {int(wait) + 1} s",
                retry_after=int(wait) + 1,
            )
        return cleaned

    def first_status(self) -> Status:
        """The status of a newly asked question: pending under pre-moderation."""
        return Status.PENDING if self.settings.premoderate else Status.APPROVED

    def add(self, question: Question, now: float | None = None) -> Question:
        """Take in a question (asked here, told by another process, or read back); `now` counts it
        against its author's rate. A question already held is left as it is."""
        held = self.questions.get(question.id)
        if held is not None:
            return held
        self._seq += 1
        question.seq = self._seq
        self.questions[question.id] = question
        if now is not None:
            times = self.asked.setdefault(question.author, [])
            times.append(now)
            del times[:-ASK_LIMIT]  # only the last few matter to the rate
        return question

    def check_vote(self, question_id: Any, participant: str, up: Any) -> tuple[Question, bool]:
        """The question a phone votes on and whether it now votes for it, or QnaError."""
        if not self.settings.open:
            raise QnaError("qna_closed", "Questions are not open")
        if up is not None and not isinstance(up, bool):
            raise QnaError("bad_request", "up must be true, false or left out")
        question = self.questions.get(question_id) if isinstance(question_id, str) else None
        if question is None or question.status not in SHOWN:
            raise QnaError("not_found", "No such question")
        return question, toggled(participant in question.voters, up)

    def vote(self, question_id: str, participant: str, up: bool) -> bool:
        """Record a phone's vote (or take it back); True if that changed anything."""
        question = self.questions.get(question_id)
        if question is None or (participant in question.voters) == up:
            return False
        if up:
            question.voters.add(participant)
        else:
            question.voters.discard(participant)
        return True

    def voted(self, participant: str) -> list[str]:
        """The questions a phone votes for."""
        return [q.id for q in self.questions.values() if participant in q.voters]

    def mine(self, participant: str) -> list[Question]:
        """The questions a phone asked, whatever their status."""
        return [q for q in self.questions.values() if q.author == participant]

    # -- facilitator -----------------------------------------------------------------------

    def question(self, question_id: Any) -> Question:
        """The question with this id, or QnaError."""
        question = self.questions.get(question_id) if isinstance(question_id, str) else None
        if question is None:
            raise QnaError("not_found", "No such question")
        return question

    def moderate(self, question_id: str, status: Status) -> None:
        """Set a question's status (already checked by `transition`); hiding it unpins it."""
        question = self.questions.get(question_id)
        if question is None:
            return
        question.status = status
        if status not in SHOWN and self.settings.pinned == question_id:
            self.settings.pinned = None

    def check_pin(self, question_id: Any) -> str | None:
        """The id of the question to pin (None: unpin), or QnaError if the room cannot see it."""
        if question_id is None:
            return None
        if self.question(question_id).status not in SHOWN:
            raise QnaError("invalid_transition", "Only an approved question can be pinned")
        return str(question_id)

    # -- views -----------------------------------------------------------------------------

    def listed(self, everything: bool) -> list[Question]:
        """The questions in the presenter's order: every one (the facilitator) or the room's."""
        chosen = (
            self.questions.values()
            if everything
            else (q for q in self.questions.values() if q.status in SHOWN)
        )
        return ordered(chosen, self.settings.order)

    def counts(self) -> dict[str, int]:
        """How many questions are in each status."""
        counts = {str(s): 0 for s in Status}
        for question in self.questions.values():
            counts[str(question.status)] += 1
        return counts
