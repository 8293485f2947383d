"""The live service: sessions in memory, the store behind them, the hub in front of them."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from polling.core.access import OPERATOR, Principal, Role, token_hash
from polling.core.answers import AnswerError, Value
from polling.core.banks import ERROR, Problem, load_banks
from polling.core.deadline import LimitError, open_limit
from polling.core.model import Bank, QuestionType
from polling.core.scores import Scores
from polling.core.segments import DEFAULT_MIN_GROUP, check_min_group
from polling.core.session import NotOpenError, Session, SessionStatus, TimeUpError, TransitionError
from polling.core.tally import Moderation
from polling.live import quizview, views
from polling.live.courses import Courses
from polling.live.hub import Client, Coalescer, Hub, encode
from polling.live.joining import new_code
from polling.live.leaderboards import Leaderboards
from polling.live.limits import RateLimit
from polling.live.pictures import snapshot
from polling.live.qna import Questions
from polling.live.refusals import Refused
from polling.live.relay import Relay, RelayError
from polling.live.scenarios import Exercises
from polling.live.timers import Timers
from polling.live.views import FACILITATOR, PARTICIPANT, SCREEN
from polling.media.renditions import Renditions
from polling.store.base import AnswerRow, CourseRow, SessionRow, Store, StoreError

MAX_REV = 2**53
# New phones a session lets in a second, after a burst: a room of 300 joins at once, while a
# script that says hello as a new phone again and again is slowed to this pace.
JOIN_RATE = 30.0
JOIN_BURST = 300.0


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


def phone_view(session: Session) -> tuple[Any, ...]:
    """What the phones' `question` message depends on: when it changes, they are told."""
    current = session.current
    return (
        current,
        session.state,
        session.deadline(current),
        session.status,
        session.results_for_phones(),
        session.feedback_due(),
        session.leaderboard,
        tuple(session.teams),
    )


@dataclass(frozen=True)
class BankListing:
    """A bank file as the home page lists it."""

    id: str
    bank: Bank | None
    problems: list[Problem]

    def to_dict(self) -> dict[str, Any]:
        bank = self.bank
        return {
            "id": self.id,
            "title": bank.title if bank else {"en": self.id},
            "languages": list(bank.languages) if bank else [],
            "questions": len(bank.questions) if bank else 0,
            "ok": bank is not None,
            "problems": [str(p) for p in self.problems],
            # Apart, so that the home page shows warnings as warnings and errors as errors.
            "errors": [str(p) for p in self.problems if p.severity == ERROR],
            "warnings": [str(p) for p in self.problems if p.severity != ERROR],
        }


class Polling:
    """Everything the routes call: sessions, commands, answers and live updates."""

    def __init__(
        self,
        store: Store,
        banks_dir: Path,
        token: str,
        join_base: str,
        relay: Relay | None = None,
        join_rate: float = JOIN_RATE,
        renditions: Renditions | None = None,
        min_group: int = DEFAULT_MIN_GROUP,
    ) -> None:
        self.store = store
        # The re-encoded pictures of every session's snapshot, by content hash.
        self.renditions = renditions or Renditions(Path("polling-images"))
        # The other server processes, when there are any; by default there are none.
        self.relay = relay or Relay()
        self.banks_dir = banks_dir
        self.token = token
        self.join_base = join_base.rstrip("/")
        self.hub = Hub()
        self.sessions: dict[str, Session] = {}
        self.codes: dict[str, str] = {}
        self.coalescer = Coalescer(self._push_tally)
        self.timers = Timers(self._expire, lambda session_id: session_id in self.sessions)
        self.courses = Courses(self)
        self.qna = Questions(self, utc_minute)
        self.scenarios = Exercises(self)  # table-top exercises
        self.scores: dict[str, Scores] = {}  # each session's points per question, kept between reveals
        self.quiz = Leaderboards(self)
        self.join_rate = join_rate
        # k of breakdowns by group in sessions created without their own.
        self.min_group = min_group
        self._joins: dict[str, RateLimit] = {}  # new phones let in, per session
        # The version of each text question's list (session, question) up to which this
        # process's presenters have been sent it: the next `texts` carries only what is newer.
        self._texts_sent: dict[tuple[str, str], int] = {}
        # Why the last write failed, while the database refuses writes; None when healthy.
        self.storage_problem: str | None = None
        # Why the other processes cannot be told of changes; None when they can (or there are none).
        self.relay_problem: str | None = None
        # The other processes' events heard while `start` reads the database; None once started.
        self._held: list[dict[str, Any]] | None = None

    async def start(self) -> None:
        """Resume every stored session with its tallies rebuilt from the stored answers.

        Listening to the other processes comes first, and what they say meanwhile is held and
        applied, in order, once the database is read: a change they make while this one reads
        is then read or heard, never lost between the two, and never applied to a session this
        process has not loaded yet (it would be dropped, and the session left behind)."""
        self._held = []
        await self.relay.start(self._hear, self._relay_health)
        await self.courses.load()
        for row in await self.store.sessions():
            self._add(await self._load(row))
        while self._held:
            await self.apply(self._held.pop(0))
        self._held = None
        for session in self.sessions.values():
            self.timers.follow(session)  # a deadline passed while stopped closes at once
            self.scenarios.follow(session)  # so does an inject's `after`

    async def _load(self, row: SessionRow) -> Session:
        """A stored session as it stood, with its answers and the phones that joined it."""
        session = resume(row, await self.store.answers(row.id))
        session.joined.update(await self.store.participants(row.id))
        for phone in await self.store.phones(row.id):
            if phone.course_key is not None:
                session.course_keys[phone.participant] = phone.course_key
            if phone.finished:
                session.finished.add(phone.participant)
        await self.qna.load(row.id)
        await self.scenarios.load(session)
        if session.leaderboard:
            for player in await self.store.players(row.id):
                session.players.set(player.participant, player.nickname, player.team)
        return session

    async def stop(self) -> None:
        """Stop the timers and listening to the other processes."""
        await self.timers.stop()
        await self.scenarios.stop()
        await self.relay.stop()

    @property
    def problem(self) -> str | None:
        """Why changes cannot be kept or shared right now; None when all is well."""
        return self.storage_problem or self.relay_problem

    def participants(self, session_id: str) -> int:
        """Phones of a session connected now, to this process and to the others."""
        return self.hub.count(session_id, PARTICIPANT) + self.relay.connected_elsewhere(session_id)

    def _add(self, session: Session) -> None:
        self.sessions[session.id] = session
        self.codes[session.code] = session.id

    # -- facilitator ---------------------------------------------------------------------

    def authorized(self, token: Any) -> bool:
        """Whether `token` is the operator's (the one printed at start), compared in constant time."""
        return isinstance(token, str) and hmac.compare_digest(token.encode(), self.token.encode())

    async def principal(self, token: Any) -> Principal | None:
        """Who holds `token`: the operator, a facilitator or an organiser; None for a wrong token.

        Accounts are looked up in the store each time, so one revoked on any process (or
        with `polling facilitator revoke`) is refused at its next request."""
        if self.authorized(token):
            return OPERATOR
        if not isinstance(token, str) or not 16 <= len(token) <= 128:
            return None
        try:
            account = await self.store.account(token_hash(token))
        except StoreError:
            return None
        return Principal(Role(account.role), account.name) if account else None

    def visible(self, session_id: Any, principal: Principal, drive: bool = False) -> Session:
        """The session with this id if `principal` may see it (and drive it, with `drive`), or Refused.

        A session someone may not see is `not_found`, so that nobody learns which exist."""
        session = self.session(session_id)
        if not principal.may_see(session.owner):
            raise Refused("not_found", "No such session")
        if drive and not principal.may_drive(session.owner):
            raise Refused("forbidden", "Organisers read and export sessions; they do not drive them")
        return session

    def banks(self) -> list[BankListing]:
        """The bank files as they are now on disk."""
        return [BankListing(i, b, p) for i, (b, p) in load_banks(self.banks_dir).items()]

    def session(self, session_id: Any) -> Session:
        """The session with this id, or Refused."""
        session = self.sessions.get(session_id) if isinstance(session_id, str) else None
        if session is None:
            raise Refused("not_found", "No such session")
        return session

    async def located(self, lookup: Callable[[Any], Session], key: Any) -> Session:
        """`lookup(key)`, tried once more after catching up with the other processes if it missed:
        a session made a moment ago on another process may not have reached this one yet."""
        try:
            return lookup(key)
        except Refused:
            if not self.relay.shared:
                raise
        try:
            await self.relay.catch_up()
        except RelayError as error:
            self._relay_health(f"The other server processes cannot be reached: {error}")
        return lookup(key)

    def by_code(self, code: Any) -> Session:
        """The session with this join code, or Refused."""
        session_id = self.codes.get(code.strip().upper()) if isinstance(code, str) else None
        if session_id is None:
            raise Refused("not_found", "No session with this code")
        return self.sessions[session_id]

    async def _durably(self, write: Awaitable[None]) -> None:
        """Await a store write; a failure is refused as `unavailable` and shown to facilitators."""
        try:
            await write
        except StoreError as error:
            self._storage_failed(error)
            raise Refused("unavailable", "Could not save: the server's disk has a problem") from None
        if self.storage_problem is not None:
            self._storage_recovered()

    def _storage_failed(self, error: StoreError) -> None:
        if self.storage_problem is None:
            self.storage_problem = f"The database refuses writes: {error}"
            self._push_health()

    def _storage_recovered(self) -> None:
        self.storage_problem = None
        self._push_health()

    def _relay_health(self, problem: str | None) -> None:
        if problem != self.relay_problem:
            self.relay_problem = problem
            self._push_health()

    async def _share(self, event: dict[str, Any]) -> None:
        """Tell the other processes of a stored change; when they cannot be told, it is refused
        as `unavailable` (the change is stored, and every process reloads once Redis is back)."""
        if not self.relay.shared:
            return
        try:
            await self.relay.publish(event)
        except RelayError as error:
            self._relay_health(f"The other server processes cannot be told of changes: {error}")
            raise Refused("unavailable", "Could not share the change with the other servers") from None
        self._relay_health(None)

    async def admit(self, session: Session, participant: str) -> None:
        """Let a phone join: one that joined before always, a new one within the facilitator's
        limit (distinct phones over the session's life) and the rate of new phones."""
        if participant in session.joined:
            return
        if not session.admits(participant):
            raise Refused("full", "This session is full")
        bucket = self._joins.get(session.id)
        if bucket is None:
            bucket = self._joins[session.id] = RateLimit(self.join_rate, max(JOIN_BURST, self.join_rate))
        if not bucket.allow():
            raise Refused("rate_limited", "Many phones are joining: this one is let in a moment later")
        try:
            await self.store.add_participant(session.id, participant)
        except StoreError as error:
            # Counted in memory all the same: a full disk refuses answers, not the room.
            self._storage_failed(error)
        session.joined.add(participant)
        self.coalescer.touch(session.id)
        await self._share({"event": "joined", "session": session.id, "participant": participant})

    async def create_session(
        self,
        bank_id: Any,
        hide_results: bool = False,
        max_participants: int | None = None,
        principal: Principal = OPERATOR,
        phone_results: bool = False,
        self_paced: bool = False,
        live_results: bool = False,
        course: str | None = None,
        course_role: str | None = None,
        qna: dict[str, Any] | None = None,
        min_group: Any = None,
    ) -> Session:
        """Start a session from a bank file, keeping a snapshot of the bank; `qna`: its Q&A
        settings from the start (`open`, `premoderate`, `order`); `min_group`: its own k of
        breakdowns by group (None: the server's)."""
        try:
            k = self.min_group if min_group is None else check_min_group(min_group)
        except ValueError as error:
            raise Refused("bad_request", str(error)) from None
        if not principal.may_create:
            raise Refused("forbidden", "Organisers read and export sessions; they do not start them")
        if course is not None:
            await self.courses.check_member(course, course_role, principal)
        listing = next((b for b in self.banks() if b.id == bank_id), None)
        if listing is None:
            raise Refused("not_found", f'No bank "{bank_id}"')
        if listing.bank is None:
            problems = [str(p) for p in listing.problems]
            raise Refused("bank_invalid", "The bank has errors", problems=problems)
        # The pictures are kept with the snapshot: served after the bank file changes or goes.
        bank = await snapshot(listing.bank, self.banks_dir, self.renditions)
        session = Session(
            id=secrets.token_hex(5),
            code=new_code(self.codes),
            bank=bank,
            screen_key=secrets.token_urlsafe(12),
            created=utc_minute(),
            hide_results=hide_results,
            phone_results=phone_results,
            max_participants=max_participants,
            owner=principal.owner,
            self_paced=self_paced,
            live_results=live_results,
            course=course,
            course_role=course_role if course is not None else None,
            min_group=k,
        )
        row = SessionRow(
            session.id,
            session.code,
            session.bank,
            session.screen_key,
            session.hide_results,
            session.created,
            session.control_state(),
            session.owner,
            session.course,
            session.course_role,
        )
        await self._durably(self.store.create_session(row))
        self._add(session)
        await self._share({"event": "session", "session": session.id})
        if qna:
            await self.qna.configure(session.id, qna)
        return session

    async def create_course(self, name: Any, principal: Principal = OPERATOR) -> CourseRow:
        """Start a course, to which sessions are then added with a role."""
        return await self.courses.create(name, principal, utc_minute())

    async def set_limit(self, session_id: Any, max_participants: int | None) -> Session:
        """Set how many phones may join a session (None: no limit); those in stay."""
        session = self.session(session_id)
        async with self._exclusive(session):
            before = session.control_state()
            session.max_participants = max_participants
            await self._save_control(session, before)
        self._push_state(session)
        return session

    @contextlib.asynccontextmanager
    async def _exclusive(self, session: Session) -> AsyncIterator[None]:
        """One facilitator change of a session at a time, across processes, on its latest state."""
        try:
            async with self.relay.exclusive(session.id):
                yield
        except RelayError as error:
            self._relay_health(f"The other server processes cannot be reached: {error}")
            raise Refused("unavailable", "Could not reach the other servers: try again") from None

    async def _save_control(self, session: Session, before: dict[str, Any]) -> None:
        """Store where a session stands, then tell the other processes; unstored, it goes back to `before`."""
        try:
            await self._durably(self.store.save_control(session.id, session.control_state()))
        except Refused:
            session.restore(before)
            raise
        await self._share({"event": "control", "session": session.id, "control": session.control_state()})

    async def show_languages(self, session_id: Any, languages: Any) -> Session:
        """Set the language(s) of the presenter screen, for the facilitator and every screen."""
        return await self._presenter_choice(session_id, lambda session: session.show_languages(languages))

    async def show_segment(self, session_id: Any, segment: Any) -> Session:
        """Choose the segment the presenter breaks the current question down by (None: none)."""
        return await self._presenter_choice(session_id, lambda session: session.show_segment(segment))

    async def _presenter_choice(self, session_id: Any, choose: Callable[[Session], None]) -> Session:
        """Apply a facilitator's choice of what the presenter shows, store it, tell every presenter;
        a choice the session refuses is `bad_request`."""
        session = self.session(session_id)
        async with self._exclusive(session):
            before = session.control_state()
            try:
                choose(session)
            except TransitionError as error:
                raise Refused("bad_request", str(error)) from None
            await self._save_control(session, before)
        self._push_state(session)
        return session

    async def purge(self, session_id: Any) -> None:
        """Delete a session and its answers for good; its connections are told it ended."""
        session = self.session(session_id)
        # Out of service first: no phone joins or answers it while its rows are deleted.
        del self.sessions[session.id]
        del self.codes[session.code]
        try:
            await self._durably(self.store.purge(session.id))
        except Refused:
            self._add(session)  # nothing was deleted: it serves again
            raise
        self._forget(session)
        await self._share({"event": "purge", "session": session.id})

    def _forget(self, session: Session) -> None:
        """Take a deleted session out of memory and end its connections."""
        self.sessions.pop(session.id, None)
        self.codes.pop(session.code, None)
        self.timers.cancel(session.id)
        self.qna.forget(session.id)
        self.scenarios.forget(session.id)
        self.scores.pop(session.id, None)
        for key in [key for key in self._texts_sent if key[0] == session.id]:
            del self._texts_sent[key]
        for role in (FACILITATOR, SCREEN, PARTICIPANT):
            clients = self.hub.clients(session.id, role)
            self.hub.broadcast(clients, {"type": "ended"})
            for client in list(clients):
                client.finish()

    async def purge_expired(self, days: float) -> list[str]:
        """Purge the sessions created more than `days` days ago; returns their ids."""
        cutoff = datetime.now(UTC) - timedelta(days=days)
        expired = [
            s.id
            for s in self.sessions.values()
            if datetime.strptime(s.created, "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC) < cutoff
        ]
        for session_id in expired:
            await self.purge(session_id)
        return expired

    async def command(
        self, session_id: Any, action: str, question_id: Any = None, time_limit: Any = None
    ) -> Session:
        """Apply a facilitator command, store where the session stands, and tell everyone."""
        session = self.session(session_id)
        try:
            limit = open_limit(time_limit) if action == "open" else None
        except LimitError as error:
            raise Refused("bad_request", str(error)) from None
        async with self._exclusive(session):
            before = phone_view(session)
            control = session.control_state()
            try:
                session.command(action, question_id if isinstance(question_id, str) else None, limit)
            except TransitionError as error:
                raise Refused("invalid_transition", str(error)) from None
            await self._save_control(session, control)
        self._changed(session, before)
        return session

    async def _expire(self, session_id: str, question_id: str, deadline: int) -> bool:
        """The timer's close of a question at its deadline; False when it could not be stored
        or shared yet. Under the session's command lock, on its latest state: of several
        processes whose timers fire, the first closes and the others find it closed."""
        session = self.sessions.get(session_id)
        if session is None:
            return True
        try:
            async with self._exclusive(session):
                before = phone_view(session)
                control = session.control_state()
                if not session.expire(question_id, deadline):
                    return True
                await self._save_control(session, control)
        except Refused:
            return False
        self._changed(session, before)
        return True

    def _changed(self, session: Session, before: tuple[Any, ...]) -> None:
        """Tell everyone a session moved, and arm its timer for where it stands now."""
        self._push_state(session)
        if phone_view(session) != before:
            self._push_question(session)
        self.timers.follow(session)

    async def moderate(self, session_id: Any, question_id: Any, answer_id: Any, status: Any) -> None:
        """Approve, hide or reset an open-text answer."""
        session = self.session(session_id)
        question = session.bank.question(question_id) if isinstance(question_id, str) else None
        if question is None or question.type is not QuestionType.TEXT:
            raise Refused("not_found", "No such text question")
        if status not in tuple(Moderation):
            raise Refused("bad_request", "status must be approved, hidden or pending")
        tally = session.tallies[question.id]
        author = tally.author(answer_id) if isinstance(answer_id, str) else None
        if author is None:
            raise Refused("not_found", "No such answer")
        await self._durably(self.store.save_status(session.id, question.id, author, status))
        tally.moderate(answer_id, Moderation(status))
        self._push_texts(session, question.id)
        await self._share(
            {
                "event": "status",
                "session": session.id,
                "question": question.id,
                "answer": answer_id,
                "status": status,
            }
        )

    # -- participants --------------------------------------------------------------------

    async def answer(self, client: Client, message: dict[str, Any]) -> dict[str, Any]:
        """Check, store durably, then count an answer; returns the acknowledgement."""
        session = self.session(client.session_id)
        participant = client.participant
        assert participant is not None
        question_id = message.get("question")
        try:
            question, value = session.check(question_id, message.get("value"))
        except TimeUpError as error:
            raise Refused("time_up", str(error), question=question_id) from None
        except NotOpenError as error:
            raise Refused("not_open", str(error), question=question_id) from None
        except AnswerError as error:
            raise Refused("invalid_answer", str(error), question=question_id) from None
        stored_rev = session.rev_of(participant, question.id)
        rev = message.get("rev", stored_rev + 1)
        if isinstance(rev, bool) or not isinstance(rev, int) or not 0 < rev < MAX_REV:
            raise Refused("invalid_answer", "rev must be a positive integer", question=question.id)
        if rev > stored_rev and participant in session.finished:
            raise Refused("not_open", "Your answers were submitted", question=question.id)
        if rev > stored_rev:
            lang = message.get("lang")
            if lang not in session.bank.languages:
                lang = client.lang or session.bank.default_language
            if lang in question.missing:
                lang = session.bank.default_language  # what the phone really showed
            status = self._text_status(session, participant, question.id, value)
            elapsed = session.elapsed_now(question.id)
            row = AnswerRow(
                session.id, question.id, participant, value, lang, utc_minute(), rev, status, elapsed
            )

            def committed() -> None:
                # Counted at the commit, before any acknowledgement of it goes out: the
                # presenters' next tally holds every answer a phone has seen acknowledged.
                moderation = Moderation(status) if status else None
                session.record(participant, question.id, value, rev, moderation, elapsed)
                self.coalescer.touch(session.id)

            try:
                await self.store.save_answer(row, committed)
            except StoreError as error:
                if session.id not in self.sessions:
                    # Deleted while this answer waited: not a problem of the disk.
                    raise Refused("not_found", "No such session") from None
                self._storage_failed(error)
                raise Refused(
                    "unavailable", "The answer could not be saved: send it again",
                    question=question.id,
                ) from None  # fmt: skip
            if self.storage_problem is not None:
                self._storage_recovered()
            if self.relay.shared:  # checked here: the answer path builds no event for one process
                await self._share(
                    {"event": "answer", "session": session.id, "question": question.id,
                     "participant": participant, "value": value, "rev": rev, "status": status,
                     "elapsed": elapsed}
                )  # fmt: skip
        return {
            "type": "ack",
            "question": question.id,
            "value": session.answer_of(participant, question.id),
            "rev": session.rev_of(participant, question.id),
        }

    async def submit(self, client: Client) -> dict[str, Any]:
        """A phone submits its self-paced questionnaire: stored durably, then counted."""
        session = self.session(client.session_id)
        participant = client.participant
        assert participant is not None
        if participant not in session.finished:
            try:
                session.finish(participant)
            except NotOpenError as error:
                raise Refused("not_open", str(error)) from None
            try:
                await self.save_phone(session, participant)
            except Refused:
                session.finished.discard(participant)
                raise
            self.coalescer.touch(session.id)
        return {"type": "submitted"}

    async def save_phone(self, session: Session, participant: str) -> None:
        """Store what a session keeps of a phone (course key, finished), then tell the other processes."""
        course_key = session.course_keys.get(participant)
        finished = participant in session.finished
        await self._durably(self.store.save_phone(session.id, participant, course_key, finished))
        await self._share(
            {"event": "phone", "session": session.id, "participant": participant,
             "course_key": course_key, "finished": finished}
        )  # fmt: skip

    @staticmethod
    def _text_status(session: Session, participant: str, question_id: str, value: Value) -> str | None:
        tally = session.tallies[question_id]
        if tally.question.type is not QuestionType.TEXT:
            return None
        previous = tally.status_of(participant)
        unchanged = previous is not None and tally.answers.get(participant) == value
        return str(previous if unchanged and previous else Moderation.PENDING)

    def connected(self, client: Client) -> None:
        """A client said hello: count it and tell the presenters."""
        self.hub.join(client)
        if client.session_id is not None:
            self.coalescer.touch(client.session_id)

    def disconnected(self, client: Client) -> None:
        """A connection ended."""
        self.hub.leave(client)
        if client.session_id in self.sessions:
            self.coalescer.touch(client.session_id)

    # -- the other processes' changes ----------------------------------------------------

    async def _hear(self, event: dict[str, Any]) -> None:
        """An event of another process: applied, or held while `start` reads the database."""
        if self._held is not None:
            self._held.append(event)
        else:
            await self.apply(event)

    async def apply(self, event: dict[str, Any]) -> None:
        """Apply a change another process stored, and tell this process's connections."""
        kind = event["event"]
        if kind == "resync":
            await self._resync()
            return
        if kind == "course":
            await self.courses.load()
            return
        session = self.sessions.get(event["session"])
        if kind == "session" and session is None:
            row = next((r for r in await self.store.sessions() if r.id == event["session"]), None)
            if row is not None:
                # Just created elsewhere: no phone has joined it yet, so no more to read.
                self._add(resume(row, await self.store.answers(row.id)))
        elif session is None:
            return
        elif kind.startswith("qna_"):
            self.qna.apply(session, event)
        elif kind.startswith("scenario_"):
            self.scenarios.apply(session, event)
        elif kind == "answer":
            status = Moderation(event["status"]) if event["status"] else None
            session.record(
                event["participant"],
                event["question"],
                event["value"],
                event["rev"],
                status,
                event.get("elapsed"),
            )
            self.coalescer.touch(session.id)
        elif kind == "control":
            self._restore(session, event["control"])
        elif kind == "status":
            session.tallies[event["question"]].moderate(event["answer"], Moderation(event["status"]))
            self._push_texts(session, event["question"])
        elif kind == "purge":
            self._forget(session)
        elif kind == "joined":
            session.joined.add(event["participant"])
            self.coalescer.touch(session.id)
        elif kind == "connected":
            self.coalescer.touch(session.id)
        elif kind == "phone":
            if event["course_key"] is not None:
                session.course_keys[event["participant"]] = event["course_key"]
            if event["finished"]:
                session.finished.add(event["participant"])
            self.coalescer.touch(session.id)
        elif kind == "player":
            self.quiz.apply(session, event)

    def _restore(self, session: Session, control: dict[str, Any]) -> None:
        """Move a session to a state another process stored, telling whoever sees the change."""
        before = phone_view(session)
        session.restore(control)
        self._changed(session, before)

    async def _resync(self) -> None:
        """Rebuild every session from the database, after missing the other processes' changes."""
        await self.courses.load()
        rows = await self.store.sessions()
        for row in rows:
            stored = await self._load(row)
            session = self.sessions.get(row.id)
            if session is None:
                self._add(stored)
                self.timers.follow(stored)
                self.scenarios.follow(stored)
                continue
            session.adopt_counts(stored)
            self._restore(session, row.control)
            self.coalescer.touch(session.id)
            self.scenarios.changed(session)
        for session in [s for s in self.sessions.values() if s.id not in {r.id for r in rows}]:
            self._forget(session)

    # -- views ---------------------------------------------------------------------------

    def info(self, session: Session) -> dict[str, Any]:
        """SESSION_INFO of docs/protocol.md, as it stands now."""
        return views.info(session, self.join_base, self.participants(session.id))

    def presenter_state(self, session: Session, role: str, texts_known: Any = None) -> dict[str, Any]:
        """PRESENTER_STATE of docs/protocol.md, for the facilitator or the screen, as it stands now."""
        participants = self.participants(session.id)
        state = views.presenter_state(
            session, role, self.join_base, participants, self.problem, texts_known, self.scores_of(session)
        )
        return {**state, "qna": self.qna.view(session, role)}

    def scores_of(self, session: Session) -> Scores:
        """The session's scores, kept between reveals so that each adds only its own question."""
        return self.scores.setdefault(session.id, Scores())

    def texts_delivered(self, session: Session) -> None:
        """A presenter was sent the current question's text list as it stands now."""
        tally = views.text_tally(session, session.current)
        if tally is not None:
            self._texts_sent.setdefault((session.id, tally.question.id), tally.version)

    # -- pushing to connections ------------------------------------------------------------

    def _push_state(self, session: Session) -> None:
        for role in (FACILITATOR, SCREEN):
            message = {"type": "state", **self.presenter_state(session, role)}
            self.hub.broadcast(self.hub.clients(session.id, role), message)
        tally = views.text_tally(session, session.current)
        if tally is not None:  # every presenter now holds the whole list
            self._texts_sent[session.id, tally.question.id] = tally.version
        if session.status is SessionStatus.ENDED:
            for role in (FACILITATOR, SCREEN, PARTICIPANT):
                self.hub.broadcast(self.hub.clients(session.id, role), {"type": "ended"})

    def _push_question(self, session: Session) -> None:
        """Tell every phone the current question: one shared message, and for the phones that
        already answered it (when the facilitator goes back, or at a quiz reveal with their own
        feedback) one message per group of phones alike, each encoded once."""
        shared = views.participant_question(session, None)
        answered = session.tallies[session.current].answers if session.current else {}
        plain = []
        groups: dict[tuple[Any, ...], tuple[str, list[Client]]] = {}
        # A copy: a phone cut off by a full queue leaves the set while we walk it.
        clients = list(self.hub.clients(session.id, PARTICIPANT))
        for client in clients:
            participant = client.participant
            if participant in answered:
                assert participant is not None
                group = groups.setdefault(quizview.feedback_group(session, participant), (participant, []))
                group[1].append(client)
            else:
                plain.append(client)
        self.hub.broadcast(plain, shared)
        for participant, alike in groups.values():
            self.hub.broadcast(alike, views.participant_question(session, participant))
        if session.scored:
            self.quiz.push_scores(session, clients)

    def _push_health(self) -> None:
        message = views.health_message(self.problem)
        for session_id in self.sessions:
            self.hub.broadcast(self.hub.clients(session_id, FACILITATOR), message)

    async def _push_tally(self, session_id: str) -> None:
        session = self.sessions.get(session_id)
        if session is None:
            return
        if self.relay.shared:
            self.relay.report_connected(session.id, self.hub.count(session.id, PARTICIPANT))
        participants = self.participants(session.id)
        tallies = [(r, encode(views.tally_message(session, r, participants))) for r in (FACILITATOR, SCREEN)]
        for role, text in tallies:
            # Directly, not through each writer: the few presenters are not kept a turn behind.
            for client in list(self.hub.clients(session.id, role)):
                with contextlib.suppress(Exception):  # one that went away is removed by its reader
                    await client.reply(text)
        tally = session.tallies[session.current] if session.current else None
        if tally is not None and tally.question.type is QuestionType.TEXT:
            self._push_texts(session, tally.question.id)

    def _push_texts(self, session: Session, question_id: str) -> None:
        """Send the presenters what changed in a text list since they were last sent it."""
        tally = views.text_tally(session, question_id)
        if tally is None:
            return
        key = (session.id, question_id)
        since = self._texts_sent.get(key)
        self._texts_sent[key] = tally.version
        if since is None or since == tally.version:
            return  # nobody here holds this list yet, or nothing changed
        for role in (FACILITATOR, SCREEN):
            clients = self.hub.clients(session.id, role)
            if clients:
                self.hub.broadcast(clients, views.texts_message(tally, since, role))

    # The command path, shared with the leaderboard's wiring (live/leaderboards.py).
    exclusive = _exclusive
    durably = _durably
    save_control = _save_control
    changed = _changed
    share = _share
    storage_failed = _storage_failed
