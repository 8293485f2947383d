"""A polling session as a pure state machine: commands, answers and results, no I/O."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from polling.core.answers import Value, check_answer
from polling.core.deadline import Clock, deadline_after, elapsed, is_late, wall_clock
from polling.core.model import ASK_JOIN, Bank, Question, QuestionType
from polling.core.players import Players
from polling.core.segments import DEFAULT_MIN_GROUP, Partition, Withheld, breakdown, publish
from polling.core.tally import Moderation, Tally


class QuestionState(StrEnum):
    """Where a question stands in the session."""

    PENDING = "pending"
    SHOWN = "shown"
    OPEN = "open"
    CLOSED = "closed"


class SessionStatus(StrEnum):
    """Where the session stands as a whole."""

    WAITING = "waiting"
    RUNNING = "running"
    ENDED = "ended"


class TransitionError(Exception):
    """A facilitator command that does not apply now; the message says why."""


class NotOpenError(Exception):
    """An answer to a question that is not open for voting."""


class TimeUpError(NotOpenError):
    """An answer that came at or after the question's deadline."""


# The fields of a session's info that open its screen: for the facilitator alone, never sent
# to a screen nor written in an export.
SCREEN_SECRETS = ("screen_key", "screen_url")

MAX_DISPLAY_LANGUAGES = 2
SELF_PACED_REFUSAL = "A self-paced session has no current question: each phone moves at its own pace"
COMMANDS = ("show", "open", "close", "reveal", "hide", "next", "previous", "end")


@dataclass
class Session:
    """One run of a bank: which question is current, its state, and the answers so far."""

    id: str
    code: str
    bank: Bank
    screen_key: str
    created: str
    hide_results: bool = False
    # Whether phones also see a question's results once voting is closed and the room sees them.
    phone_results: bool = False
    max_participants: int | None = None
    owner: str | None = None  # the facilitator who created it; None: the operator
    # Self-paced: every question is open at once and each phone moves at its own pace, until
    # the facilitator ends the session; `live_results` lets the screen show results before that.
    self_paced: bool = False
    live_results: bool = False
    course: str | None = None  # the course this session belongs to, if any
    course_role: str | None = None  # its role in the course: "pre" or "post"
    display_languages: list[str] = field(default_factory=list)
    # Breakdowns by group: the smallest group shown (k), and the segment the presenter shows
    # the current question broken down by (None: no breakdown).
    min_group: int = DEFAULT_MIN_GROUP
    segment_view: str | None = None
    status: SessionStatus = SessionStatus.WAITING
    current: str | None = None
    states: dict[str, QuestionState] = field(default_factory=dict)
    revealed: set[str] = field(default_factory=set)
    tallies: dict[str, Tally] = field(default_factory=dict)
    # Phones that gave at least one counted answer, over the whole session: what a report
    # means by its participants, unlike the phones connected at this moment.
    answered: set[str] = field(default_factory=set, repr=False)
    # Phones that joined, over the whole session (those that answered among them): the
    # facilitator's limit counts these, so a new key for each hello cannot stuff the vote.
    joined: set[str] = field(default_factory=set, repr=False)
    # Self-paced: the phones that submitted their questionnaire.
    finished: set[str] = field(default_factory=set, repr=False)
    # The keyed hash of each phone's course token, which pairs its answers across the
    # sessions of a course; never the token itself.
    course_keys: dict[str, str] = field(default_factory=dict, repr=False)
    _revs: dict[str, dict[str, int]] = field(default_factory=dict, repr=False)
    # The quiz timer, on the server's clock (ms since the epoch): when each question was last
    # opened, and the deadline of those opened with a time limit. Kept in the control state.
    opened: dict[str, int] = field(default_factory=dict)
    deadlines: dict[str, int] = field(default_factory=dict)
    limits: dict[str, float] = field(default_factory=dict)  # seconds each was last opened for
    clock: Clock = field(default=wall_clock, repr=False, compare=False)
    # Quiz questions whose right answer the room has seen (closed and revealed): they count
    # in the scores, and phones get their own feedback on them.
    scored: set[str] = field(default_factory=set)
    # The leaderboard, off by default: phones may pick a nickname (and a team) only while on.
    leaderboard: bool = False
    teams: list[str] = field(default_factory=list)
    players: Players = field(default_factory=Players, repr=False)
    # Milliseconds from a question's opening to each phone's counted answer: the speed bonus.
    _elapsed: dict[str, dict[str, int]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not self.display_languages:
            self.display_languages = [self.bank.default_language]
        for question in self.bank.questions:
            self.states.setdefault(question.id, QuestionState.PENDING)
            self.tallies.setdefault(question.id, Tally(question))
            self._revs.setdefault(question.id, {})
        if self.self_paced and self.status is SessionStatus.WAITING:
            self.status = SessionStatus.RUNNING  # open from the start: phones begin when they join

    # -- commands -----------------------------------------------------------------------

    def command(self, action: str, question_id: str | None = None, time_limit: float | None = None) -> None:
        """Apply a facilitator command by name; raises TransitionError when it does not apply.

        `time_limit` (seconds) is the facilitator's own limit for an `open`, over the bank's."""
        handlers: dict[str, Callable[[], None]] = {
            "open": lambda: self.open(time_limit),
            "close": self.close,
            "reveal": self.reveal,
            "hide": self.hide,
            "next": self.next,
            "previous": self.previous,
            "end": self.end,
        }
        if self.self_paced and action in SELF_PACED_COMMANDS:
            SELF_PACED_COMMANDS[action](self)
        elif action == "show":
            self.show(question_id)
        elif action in handlers:
            handlers[action]()
        else:
            raise TransitionError(f'Unknown command "{action}"')

    def show(self, question_id: str | None = None) -> None:
        """Make a question current; showing another question closes the open one."""
        self._require_not_ended()
        target = question_id if question_id is not None else self.current
        if target is None:
            raise TransitionError("Say which question to show")
        if self.bank.question(target) is None:
            raise TransitionError(f'No question "{target}" in this session')
        if self.current is not None and self.current != target:
            self._close_if_open(self.current)
        self.current = target
        self.status = SessionStatus.RUNNING
        if self.states[target] is QuestionState.PENDING:
            self.states[target] = QuestionState.SHOWN

    def open(self, time_limit: float | None = None) -> None:
        """Open voting on the current question; with a time limit (the facilitator's, else the
        bank's), the server's clock sets its deadline."""
        question = self._require_current()
        if self._is_slide(question):
            raise TransitionError(f'"{question}" is a slide: it takes no answers, so it cannot be opened')
        if self.states[question] is QuestionState.OPEN:
            raise TransitionError(f'Voting is already open on question "{question}"')
        self.states[question] = QuestionState.OPEN
        now = self.clock()
        self.opened[question] = now
        self.scored.discard(question)  # answers may change again: no feedback until the next reveal
        limit = time_limit if time_limit is not None else self.time_limit(question)
        deadline = deadline_after(now, limit)
        if deadline is None or limit is None:
            self.deadlines.pop(question, None)
            self.limits.pop(question, None)
        else:
            self.deadlines[question] = deadline
            self.limits[question] = limit

    def close(self) -> None:
        """Close voting on the current question."""
        question = self._require_current()
        if self.states[question] is not QuestionState.OPEN:
            raise TransitionError(f'Voting is not open on question "{question}"')
        self._close_if_open(question)
        self._settle(question)

    def expire(self, question_id: str, deadline: int) -> bool:
        """Close a question whose deadline has come, if it is still open with that very
        deadline; True if it closed. Doing it again, or after a facilitator's close, changes nothing."""
        if (
            self.states.get(question_id) is not QuestionState.OPEN
            or self.deadlines.get(question_id) != deadline
            or not is_late(deadline, self.clock())
        ):
            return False
        self.states[question_id] = QuestionState.CLOSED
        self._settle(question_id)
        return True

    def is_quiz(self, question_id: str | None) -> bool:
        """Whether a question has a right answer (a quiz question)."""
        question = self.bank.question(question_id) if question_id is not None else None
        return question is not None and question.correct is not None

    def _settle(self, question_id: str) -> None:
        """A quiz question closed and revealed is scored: the room has seen its answer."""
        if (
            self.is_quiz(question_id)
            and self.states[question_id] is QuestionState.CLOSED
            and question_id in self.revealed
        ):
            self.scored.add(question_id)

    def feedback_due(self) -> bool:
        """Whether phones get their own result on the current question: it is scored."""
        return self.current is not None and self.current in self.scored

    def time_limit(self, question_id: str) -> float | None:
        """The bank's time limit of a question in seconds: its own, else the bank's quiz default."""
        question = self.bank.question(question_id)
        limit = self.bank.time_limit(question) if question is not None else None
        return float(limit) if limit is not None else None

    def deadline(self, question_id: str | None) -> int | None:
        """The deadline of a question while it is open with a time limit, else None."""
        if question_id is None or self.states.get(question_id) is not QuestionState.OPEN:
            return None
        return self.deadlines.get(question_id)

    def reveal(self) -> None:
        """Show the results of the current question on the presenter screen."""
        question = self._require_current()
        self.revealed.add(question)
        self._settle(question)

    def hide(self) -> None:
        """Hide the results of the current question from the presenter screen."""
        self.revealed.discard(self._require_current())

    def next(self) -> None:
        """One step forward, as a presentation clicker expects."""
        self._require_not_ended()
        if self.current is None:
            if not self.bank.questions:  # a bank with a scenario alone: the exercise leads on
                raise TransitionError("This bank has no questions, only a scenario")
            self.show(self.bank.questions[0].id)
            return
        state = self.states[self.current]
        # Nothing to open or reveal on a slide: the click goes on to what follows.
        slide = self._is_slide(self.current)
        if state is QuestionState.SHOWN and not slide:
            self.open()
        elif state is QuestionState.OPEN:
            self.close()
        elif (
            (self.hide_results or self.is_quiz(self.current))
            and self.current not in self.revealed
            and not slide
        ):
            self.reveal()
        else:
            following = self._neighbour(+1)
            if following is None:
                raise TransitionError("This is the last question: end the session to finish")
            self.show(following)

    def previous(self) -> None:
        """Show the previous question; from the first, go back to the join screen."""
        self._require_not_ended()
        if self.current is None:
            raise TransitionError("Already at the join screen")
        before = self._neighbour(-1)
        if before is None:
            self._close_if_open(self.current)
            self.current = None
        else:
            self.show(before)

    def end(self) -> None:
        """Close voting and end the session for good."""
        self._require_not_ended()
        if self.current is not None:
            self._close_if_open(self.current)
        self.status = SessionStatus.ENDED

    def show_segment(self, segment: Any) -> None:
        """Choose the segment the presenter breaks the current question down by (None: none)."""
        if segment is not None and (
            not isinstance(segment, str) or segment not in {q.id for q in self.bank.segments()}
        ):
            choices = ", ".join(q.id for q in self.bank.segments()) or "none in this bank"
            raise TransitionError(f"Choose a segment question of this bank, or null: {choices}")
        self.segment_view = segment

    def show_languages(self, languages: Any) -> None:
        """Choose the language, or two side by side, that the presenter screen shows."""
        if (
            not isinstance(languages, list)
            or not 1 <= len(languages) <= MAX_DISPLAY_LANGUAGES
            or len(set(map(str, languages))) != len(languages)
            or any(lang not in self.bank.languages for lang in languages)
        ):
            choices = ", ".join(self.bank.languages)
            raise TransitionError(f"Choose one or two different languages of this bank: {choices}")
        self.display_languages = list(languages)

    # -- answers ------------------------------------------------------------------------

    def check(self, question_id: Any, value: Any) -> tuple[Question, Value]:
        """The canonical answer to an open question; raises NotOpenError or AnswerError."""
        if self.status is SessionStatus.ENDED:
            raise NotOpenError("The session has ended")
        question = self.bank.question(question_id) if isinstance(question_id, str) else None
        if question is None:
            raise NotOpenError("There is no such question")
        if question.is_slide:
            raise NotOpenError("A slide takes no answers")
        if is_late(self.deadlines.get(question_id), self.clock()):
            # Checked first: a question the timer has not closed yet is as late as a closed one.
            raise TimeUpError("Time is up for this question")
        if self.self_paced or question.ask == ASK_JOIN:
            # A segment question asked at join is answered whenever the phone arrives.
            return question, check_answer(question, value)
        if question_id != self.current or self.states[question_id] is not QuestionState.OPEN:
            raise NotOpenError("Voting is not open on this question")
        return question, check_answer(question, value)

    def rev_of(self, participant: str, question_id: str) -> int:
        """The revision of a participant's stored answer, 0 when there is none."""
        return self._revs[question_id].get(participant, 0)

    def record(
        self,
        participant: str,
        question_id: str,
        value: Value,
        rev: int,
        status: Moderation | None = None,
        elapsed: int | None = None,
    ) -> bool:
        """Count a stored answer unless a newer one is already counted; True if it counted."""
        revs = self._revs[question_id]
        if rev <= revs.get(participant, 0):
            return False
        revs[participant] = rev
        if elapsed is not None:
            self._elapsed.setdefault(question_id, {})[participant] = elapsed
        self.tallies[question_id].add(participant, value, status)
        self.answered.add(participant)
        self.joined.add(participant)
        return True

    def adopt_counts(self, stored: Session) -> None:
        """Take the answers of `stored`, the same session as read from the database, keeping
        each answer counted here that is newer than the stored one: it was committed while
        the database was being read. Phones that joined or finished on either side count."""
        for question_id, tally in stored.tallies.items():
            mine, revs = self.tallies[question_id], stored._revs[question_id]
            elapsed = stored._elapsed.setdefault(question_id, {})
            for participant, rev in self._revs[question_id].items():
                if rev > revs.get(participant, 0):
                    tally.add(participant, mine.answers[participant], mine.status_of(participant))
                    revs[participant] = rev
                    if participant in self._elapsed.get(question_id, {}):
                        elapsed[participant] = self._elapsed[question_id][participant]
            self.tallies[question_id], self._revs[question_id] = tally, revs
            self._elapsed[question_id] = elapsed
        self.answered |= stored.answered
        self.joined |= stored.joined
        self.finished |= stored.finished
        self.course_keys.update(stored.course_keys)

    def finish(self, participant: str) -> None:
        """A phone submitted its self-paced questionnaire; raises NotOpenError when that does not apply."""
        if not self.self_paced:
            raise NotOpenError("Only a self-paced questionnaire is submitted")
        if self.status is SessionStatus.ENDED:
            raise NotOpenError("The session has ended")
        self.finished.add(participant)
        self.joined.add(participant)

    def admits(self, participant: str) -> bool:
        """Whether a phone may join: one that joined before always may (it comes back), a new
        one while fewer distinct phones than the facilitator's limit have joined."""
        limit = self.max_participants
        return participant in self.joined or limit is None or len(self.joined) < limit

    def elapsed_now(self, question_id: str) -> int | None:
        """Milliseconds since a quiz question with a speed bonus opened: what its answer keeps
        (None otherwise, so that no finer time than needed is stored)."""
        speed = self.bank.quiz is not None and self.bank.quiz.speed_bonus
        if not speed or not self.is_quiz(question_id):
            return None
        return elapsed(self.opened.get(question_id), self.clock())

    def elapsed_of(self, participant: str, question_id: str) -> int | None:
        """Milliseconds from the question's opening to a phone's counted answer, if known."""
        return self._elapsed.get(question_id, {}).get(participant)

    def answer_of(self, participant: str, question_id: str) -> Value | None:
        """A participant's counted answer to a question."""
        return self.tallies[question_id].answers.get(participant)

    # -- views --------------------------------------------------------------------------

    @property
    def state(self) -> QuestionState | None:
        """The state of the current question."""
        return self.states[self.current] if self.current is not None else None

    def results_visible(self) -> bool:
        """Whether the presenter screen may show the current question's results (self-paced:
        every question's, once the session ended or while the facilitator shows them live)."""
        if self.self_paced:
            return self.live_results or self.status is SessionStatus.ENDED
        return not self.hide_results or self.current in self.revealed

    def results_for_phones(self) -> bool:
        """Whether phones may see the current question's results: the facilitator allows it,
        voting on it is closed, the room sees them, and they are counts (not free text)."""
        current = self.current
        return (
            self.phone_results
            and current is not None
            and self.states[current] is QuestionState.CLOSED
            and self.results_visible()
            and self.tallies[current].question.type is not QuestionType.TEXT
        )

    def publication(self, question_id: str) -> dict[str, Partition | Withheld]:
        """`publish` for one of its questions, by each of its bank's segments in bank order."""
        tally = self.tallies[question_id]
        segments = [(q, self.tallies[q.id].answers) for q in self.bank.segments()]
        return publish(tally.question, tally.answers, segments, self.min_group)

    def breakdowns(self, question_id: str) -> dict[str, dict[str, Any]]:
        """Every segment's BREAKDOWN of one of its questions, by segment id."""
        tally = self.tallies[question_id]
        return {
            segment: breakdown(tally.question, tally.answers, split, self.min_group)
            for segment, split in self.publication(question_id).items()
        }

    def control_state(self) -> dict[str, Any]:
        """What a restart needs to resume the session where it was."""
        return {
            "status": str(self.status),
            "current": self.current,
            "states": {q: str(s) for q, s in self.states.items()},
            "revealed": sorted(self.revealed),
            "max_participants": self.max_participants,
            "display_languages": list(self.display_languages),
            "phone_results": self.phone_results,
            "opened": dict(self.opened),
            "deadlines": dict(self.deadlines),
            "self_paced": self.self_paced,
            "live_results": self.live_results,
            "min_group": self.min_group,
            "segment_view": self.segment_view,
            "limits": dict(self.limits),
            "scored": sorted(self.scored),
            "leaderboard": self.leaderboard,
            "teams": list(self.teams),
            "hidden_nicknames": sorted(self.players.hidden),
        }

    def restore(self, control: dict[str, Any]) -> None:
        """Resume from `control_state` output."""
        self.status = SessionStatus(control["status"])
        self.current = control["current"]
        for question_id, state in control["states"].items():
            if question_id in self.states:
                self.states[question_id] = QuestionState(state)
        self.revealed = set(control["revealed"])
        self.max_participants = control.get("max_participants")
        self.phone_results = bool(control.get("phone_results", False))
        self.self_paced = bool(control.get("self_paced", False))
        self.live_results = bool(control.get("live_results", False))
        self.min_group = int(control.get("min_group", self.min_group))
        self.segment_view = control.get("segment_view")
        self.display_languages = control.get("display_languages") or [self.bank.default_language]
        self.opened = dict(control.get("opened", {}))
        self.deadlines = dict(control.get("deadlines", {}))
        self.limits = dict(control.get("limits", {}))
        self.scored = set(control.get("scored", ()))
        self.leaderboard = bool(control.get("leaderboard", False))
        self.teams = list(control.get("teams", ()))
        self.players.hidden = set(control.get("hidden_nicknames", ()))
        if not self.leaderboard:
            self.players.clear()

    # -- helpers ------------------------------------------------------------------------

    def _require_not_ended(self) -> None:
        if self.status is SessionStatus.ENDED:
            raise TransitionError("The session has ended")

    def _require_current(self) -> str:
        self._require_not_ended()
        if self.current is None:
            raise TransitionError("No question is shown yet")
        return self.current

    def _is_slide(self, question_id: str) -> bool:
        question = self.bank.question(question_id)
        return question is not None and question.is_slide

    def _close_if_open(self, question_id: str) -> None:
        if self.states[question_id] is QuestionState.OPEN:
            self.states[question_id] = QuestionState.CLOSED
            # Closed by the facilitator, not by the timer: a later answer is `not_open`.
            deadline = self.deadlines.get(question_id)
            if deadline is not None and not is_late(deadline, self.clock()):
                del self.deadlines[question_id]

    def _neighbour(self, step: int) -> str | None:
        ids = [q.id for q in self.bank.questions]
        index = ids.index(self.current) + step if self.current is not None else 0
        return ids[index] if 0 <= index < len(ids) else None


def _refuse_self_paced(session: Session) -> None:
    raise TransitionError(SELF_PACED_REFUSAL)


def _live_results(shown: bool) -> Callable[[Session], None]:
    def apply(session: Session) -> None:
        session._require_not_ended()
        session.live_results = shown

    return apply


# What the commands do in a self-paced session: `reveal` and `hide` show or hide every
# question's results live; `end` closes it as ever; stepping through questions does not apply.
SELF_PACED_COMMANDS: dict[str, Callable[[Session], None]] = {
    "show": _refuse_self_paced,
    "open": _refuse_self_paced,
    "close": _refuse_self_paced,
    "next": _refuse_self_paced,
    "previous": _refuse_self_paced,
    "reveal": _live_results(True),
    "hide": _live_results(False),
}
