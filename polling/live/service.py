"""The live service: sessions in memory, the store behind them, the hub in front of them."""

from __future__ import annotations

import contextlib
import hmac
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from polling.core.access import OPERATOR, Principal, Role, token_hash
from polling.core.banks import ERROR, Problem, load_banks
from polling.core.deadline import LimitError, open_limit
from polling.core.model import Bank, QuestionType
from polling.core.scores import Scores
from polling.core.segments import DEFAULT_MIN_GROUP, check_min_group
from polling.core.session import Session, TransitionError
from polling.core.tally import Moderation
from polling.live import views
from polling.live.answering import Answering
from polling.live.courses import Courses
from polling.live.hub import Client, Coalescer, Hub
from polling.live.joining import new_code
from polling.live.leaderboards import Leaderboards
from polling.live.limits import RateLimit
from polling.live.peers import Peers
from polling.live.pictures import snapshot
from polling.live.pushes import Pushes
from polling.live.qna import Questions
from polling.live.refusals import Refused
from polling.live.relay import Relay, RelayError
from polling.live.scenarios import Exercises
from polling.live.stored import resume, utc_minute
from polling.live.timers import Timers
from polling.live.views import FACILITATOR, PARTICIPANT, SCREEN, phone_view
from polling.media.renditions import Renditions
from polling.store.base import CourseRow, SessionRow, Store, StoreError

# New phones a session lets in a second, after a burst: a room of 300 joins at once, while a
# script that says hello as a new phone again and again is slowed to this pace.
JOIN_RATE = 30.0
JOIN_BURST = 300.0


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
        self.pushes = Pushes(self)
        self.coalescer = Coalescer(self.pushes.tally)
        self.timers = Timers(self._expire, lambda session_id: session_id in self.sessions)
        self.courses = Courses(self)
        self.qna = Questions(self, utc_minute)
        self.scenarios = Exercises(self)  # table-top exercises
        self.scores: dict[str, Scores] = {}  # each session's points per question, kept between reveals
        self.quiz = Leaderboards(self)
        self.peers = Peers(self)  # the other processes' changes
        self.answering = Answering(self)  # the phones' answers
        self.join_rate = join_rate
        # k of breakdowns by group in sessions created without their own.
        self.min_group = min_group
        self._joins: dict[str, RateLimit] = {}  # new phones let in, per session
        # Why the last write failed, while the database refuses writes; None when healthy.
        self.storage_problem: str | None = None
        # Why the other processes cannot be told of changes; None when they can (or there are none).
        self.relay_problem: str | None = None

    async def start(self) -> None:
        """Resume every stored session with its tallies rebuilt from the stored answers.

        Listening to the other processes comes first; what they say meanwhile is applied once
        the database is read (live/peers.py)."""
        self.peers.hold()
        await self.relay.start(self.peers.hear, self.relay_health)
        await self.courses.load()
        for row in await self.store.sessions():
            self.add(await self.load(row))
        await self.peers.release()
        for session in self.sessions.values():
            self.timers.follow(session)  # a deadline passed while stopped closes at once
            self.scenarios.follow(session)  # so does an inject's `after`

    async def load(self, row: SessionRow) -> Session:
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

    def add(self, session: Session) -> None:
        """Serve a session from memory, by its id and its join code."""
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
            self.relay_health(f"The other server processes cannot be reached: {error}")
        return lookup(key)

    def by_code(self, code: Any) -> Session:
        """The session with this join code, or Refused."""
        session_id = self.codes.get(code.strip().upper()) if isinstance(code, str) else None
        if session_id is None:
            raise Refused("not_found", "No session with this code")
        return self.sessions[session_id]

    async def durably(self, write: Awaitable[None]) -> None:
        """Await a store write; a failure is refused as `unavailable` and shown to facilitators."""
        try:
            await write
        except StoreError as error:
            self.storage_failed(error)
            raise Refused("unavailable", "Could not save: the server's disk has a problem") from None
        if self.storage_problem is not None:
            self.storage_recovered()

    def storage_failed(self, error: StoreError) -> None:
        """The database refused a write: the facilitators are told, once."""
        if self.storage_problem is None:
            self.storage_problem = f"The database refuses writes: {error}"
            self.pushes.health()

    def storage_recovered(self) -> None:
        """A write worked again after a refusal: the facilitators are told."""
        self.storage_problem = None
        self.pushes.health()

    def relay_health(self, problem: str | None) -> None:
        """Whether the other processes can be reached (None: they can); facilitators see changes."""
        if problem != self.relay_problem:
            self.relay_problem = problem
            self.pushes.health()

    async def share(self, event: dict[str, Any]) -> None:
        """Tell the other processes of a stored change; when they cannot be told, it is refused
        as `unavailable` (the change is stored, and every process reloads once Redis is back)."""
        if not self.relay.shared:
            return
        try:
            await self.relay.publish(event)
        except RelayError as error:
            self.relay_health(f"The other server processes cannot be told of changes: {error}")
            raise Refused("unavailable", "Could not share the change with the other servers") from None
        self.relay_health(None)

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
            self.storage_failed(error)
        session.joined.add(participant)
        self.coalescer.touch(session.id)
        await self.share({"event": "joined", "session": session.id, "participant": participant})

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
        await self.durably(self.store.create_session(row))
        self.add(session)
        await self.share({"event": "session", "session": session.id})
        if qna:
            await self.qna.configure(session.id, qna)
        return session

    async def create_course(self, name: Any, principal: Principal = OPERATOR) -> CourseRow:
        """Start a course, to which sessions are then added with a role."""
        return await self.courses.create(name, principal, utc_minute())

    async def set_limit(self, session_id: Any, max_participants: int | None) -> Session:
        """Set how many phones may join a session (None: no limit); those in stay."""
        session = self.session(session_id)
        async with self.exclusive(session):
            before = session.control_state()
            session.max_participants = max_participants
            await self.save_control(session, before)
        self.pushes.state(session)
        return session

    @contextlib.asynccontextmanager
    async def exclusive(self, session: Session) -> AsyncIterator[None]:
        """One facilitator change of a session at a time, across processes, on its latest state."""
        try:
            async with self.relay.exclusive(session.id):
                yield
        except RelayError as error:
            self.relay_health(f"The other server processes cannot be reached: {error}")
            raise Refused("unavailable", "Could not reach the other servers: try again") from None

    async def save_control(self, session: Session, before: dict[str, Any]) -> None:
        """Store where a session stands, then tell the other processes; unstored, it goes back to `before`."""
        try:
            await self.durably(self.store.save_control(session.id, session.control_state()))
        except Refused:
            session.restore(before)
            raise
        await self.share({"event": "control", "session": session.id, "control": session.control_state()})

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
        async with self.exclusive(session):
            before = session.control_state()
            try:
                choose(session)
            except TransitionError as error:
                raise Refused("bad_request", str(error)) from None
            await self.save_control(session, before)
        self.pushes.state(session)
        return session

    async def purge(self, session_id: Any) -> None:
        """Delete a session and its answers for good; its connections are told it ended."""
        session = self.session(session_id)
        # Out of service first: no phone joins or answers it while its rows are deleted.
        del self.sessions[session.id]
        del self.codes[session.code]
        try:
            await self.durably(self.store.purge(session.id))
        except Refused:
            self.add(session)  # nothing was deleted: it serves again
            raise
        self.forget(session)
        await self.share({"event": "purge", "session": session.id})

    def forget(self, session: Session) -> None:
        """Take a deleted session out of memory and end its connections."""
        self.sessions.pop(session.id, None)
        self.codes.pop(session.code, None)
        self.timers.cancel(session.id)
        self.qna.forget(session.id)
        self.scenarios.forget(session.id)
        self.scores.pop(session.id, None)
        self.pushes.forget(session.id)
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
        async with self.exclusive(session):
            before = phone_view(session)
            control = session.control_state()
            try:
                session.command(action, question_id if isinstance(question_id, str) else None, limit)
            except TransitionError as error:
                raise Refused("invalid_transition", str(error)) from None
            await self.save_control(session, control)
        self.changed(session, before)
        return session

    async def _expire(self, session_id: str, question_id: str, deadline: int) -> bool:
        """The timer's close of a question at its deadline; False when it could not be stored
        or shared yet. Under the session's command lock, on its latest state: of several
        processes whose timers fire, the first closes and the others find it closed."""
        session = self.sessions.get(session_id)
        if session is None:
            return True
        try:
            async with self.exclusive(session):
                before = phone_view(session)
                control = session.control_state()
                if not session.expire(question_id, deadline):
                    return True
                await self.save_control(session, control)
        except Refused:
            return False
        self.changed(session, before)
        return True

    def changed(self, session: Session, before: tuple[Any, ...]) -> None:
        """Tell everyone a session moved, and arm its timer for where it stands now."""
        self.pushes.state(session)
        if phone_view(session) != before:
            self.pushes.question(session)
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
        await self.durably(self.store.save_status(session.id, question.id, author, status))
        tally.moderate(answer_id, Moderation(status))
        self.pushes.texts(session, question.id)
        await self.share(
            {
                "event": "status",
                "session": session.id,
                "question": question.id,
                "answer": answer_id,
                "status": status,
            }
        )

    # -- participants --------------------------------------------------------------------

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
