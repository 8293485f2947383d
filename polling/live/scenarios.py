"""Table-top exercises in the live service: each session's run, stored before it is acknowledged,
replayed at start, shared with the other processes, moved on by its injects' `after` timers,
and pushed to every role as `scenario` messages."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

from polling.core.deadline import Clock, wall_clock
from polling.core.exercise import Exercise, replay
from polling.core.session import Session, SessionStatus
from polling.core.tracks import ExerciseError, Member, Mode, check_start
from polling.live.hub import Client, Coalescer
from polling.live.refusals import Refused
from polling.live.scenarioview import member_message, scenario_message, scenario_view, voted_message
from polling.live.views import FACILITATOR, PARTICIPANT, SCREEN
from polling.reports.debrief import debrief

if TYPE_CHECKING:
    from polling.live.service import Polling

# Presenters see the live counts within a quarter of a second; a track that moves is pushed at once.
PRESENTER_INTERVAL = 0.25
RETRY = 0.5  # seconds before a timer's move that could not be stored is tried again


def refused(error: ExerciseError) -> Refused:
    """An exercise rule's refusal as the protocol's error."""
    return Refused(error.code, error.message)


class Exercises:
    """Every session's exercise, kept in memory after the store."""

    def __init__(self, polling: Polling, clock: Clock = wall_clock) -> None:
        self.polling = polling
        self.clock = clock
        self.runs: dict[str, Exercise] = {}
        self._presenters = Coalescer(self._push_presenters, PRESENTER_INTERVAL)
        self._alarms: dict[str, tuple[int, asyncio.TimerHandle]] = {}
        self._ticking: set[asyncio.Task[None]] = set()

    async def load(self, session: Session) -> None:
        """Replay a session's stored exercise (at start, and after missing shared changes)."""
        scenario = session.bank.scenario
        if scenario is None:
            return
        rows = await self.polling.store.scenario(session.id)
        exercise = replay(scenario, rows.events, rows.votes, rows.members)
        if exercise is None:
            self.runs.pop(session.id, None)
        else:
            self.runs[session.id] = exercise

    def forget(self, session_id: str) -> None:
        """Drop the run of a deleted session."""
        self.runs.pop(session_id, None)
        self._disarm(session_id)

    async def stop(self) -> None:
        """Disarm every alarm and wait for the moves under way."""
        for session_id in list(self._alarms):
            self._disarm(session_id)
        for task in list(self._ticking):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _running(self, session: Session) -> Exercise:
        exercise = self.runs.get(session.id)
        if exercise is None or session.bank.scenario is None:
            raise Refused("scenario_off", "No exercise is running in this session")
        return exercise

    # -- storing and applying an event ------------------------------------------------------

    async def _record(self, session: Session, exercise: Exercise, event: dict[str, Any]) -> None:
        """Store an event, then apply it and tell the other processes and every role."""
        await self.polling.durably(self.polling.store.add_scenario_event(session.id, event))
        exercise.apply(event)
        await self.polling.share({"event": "scenario_event", "session": session.id, "scenario": event})
        self.changed(session)

    # -- facilitator -------------------------------------------------------------------------

    async def start(self, session_id: Any, message: dict[str, Any]) -> None:
        """Begin a run of the session's scenario in room or teams mode."""
        session = self.polling.session(session_id)
        if session.status is SessionStatus.ENDED:
            raise Refused("ended", "The session has ended")
        async with self.polling.exclusive(session):
            current = self.runs.get(session.id)
            if current is not None and not current.stopped:
                raise Refused("invalid_transition", "An exercise is running: stop it first")
            try:
                settings = check_start(
                    session.bank.scenario, message.get("mode"), message.get("teams"), message.get("decide")
                )
            except ExerciseError as error:
                raise refused(error) from None
            scenario = session.bank.scenario
            assert scenario is not None
            event = {"kind": "start", **settings, "at": self.clock()}
            await self.polling.durably(self.polling.store.add_scenario_event(session.id, event))
            exercise = Exercise.started(scenario, event, current.run + 1 if current else 1)
            if current is not None and exercise.mode is Mode.TEAMS:
                for participant, member in current.members.items():  # the tables stay where they sat
                    exercise.set_member(participant, Member(member.team, member.spokesperson))
            self.runs[session.id] = exercise
            await self.polling.share({"event": "scenario_event", "session": session.id, "scenario": event})
        self.changed(session)

    async def command(self, session_id: Any, kind: str, message: dict[str, Any]) -> None:
        """A facilitator's `scenario_close`, `_choose`, `_next`, `_hold`, `_release` or `_stop`."""
        session = self.polling.session(session_id)
        async with self.polling.exclusive(session):
            exercise = self._running(session)
            at = self.clock()
            try:
                if kind == "scenario_close":
                    event = exercise.close(message.get("team"), at)
                elif kind == "scenario_choose":
                    event = exercise.choose(message.get("team"), message.get("option"), at)
                elif kind == "scenario_next":
                    event = exercise.next(message.get("team"), at)
                elif kind == "scenario_hold":
                    event = exercise.check_hold(message.get("step"), at)
                elif kind == "scenario_release":
                    event = exercise.check_release(at)
                else:
                    event = exercise.check_stop(at)
            except ExerciseError as error:
                raise refused(error) from None
            await self._record(session, exercise, event)

    # -- phones ------------------------------------------------------------------------------

    def _phone(self, client: Client) -> tuple[Session, Exercise, str]:
        session = self.polling.session(client.session_id)
        if session.status is SessionStatus.ENDED:
            raise Refused("ended", "The session has ended")
        participant = client.participant
        assert participant is not None
        return session, self._running(session), participant

    async def join(self, client: Client, message: dict[str, Any]) -> None:
        """A phone chooses its team: stored, then acknowledged with `scenario_member`."""
        session, exercise, participant = self._phone(client)
        try:
            member = exercise.join(participant, message.get("team"), message.get("spokesperson"))
        except ExerciseError as error:
            raise refused(error) from None
        await self.polling.durably(
            self.polling.store.save_scenario_member(session.id, participant, member.team, member.spokesperson)
        )
        before = exercise.members.get(participant)
        exercise.set_member(participant, member)
        await self.polling.share(
            {"event": "scenario_member", "session": session.id, "participant": participant,
             "team": member.team, "spokesperson": member.spokesperson}
        )  # fmt: skip
        await client.reply(member_message(member.team, member.spokesperson))
        client.send(scenario_message(self.for_phone(session, participant) or {}))
        self._presenters.touch(session.id)
        if before is not None:  # a member fewer may settle the team it left
            await self._settle(session, exercise, before.team)

    async def vote(self, client: Client, message: dict[str, Any]) -> None:
        """A phone's vote on its track's decision: stored, counted, then acknowledged; a team's
        vote that settles its decision moves the team on."""
        session, exercise, participant = self._phone(client)
        step, visit, option = message.get("step"), message.get("visit"), message.get("option")
        try:
            track = exercise.check_vote(participant, step, visit, option)
        except ExerciseError as error:
            raise refused(error) from None
        name, run, option = track.name, exercise.run, str(option)
        await self.polling.durably(
            self.polling.store.save_scenario_vote(session.id, run, name, track.visit, participant, option)
        )
        exercise.vote(name, track.visit, participant, option)
        if self.polling.relay.shared:
            await self.polling.share(
                {"event": "scenario_vote", "session": session.id, "run": run, "track": name,
                 "visit": track.visit, "participant": participant, "option": option}
            )  # fmt: skip
        self._presenters.touch(session.id)
        await client.reply(voted_message(str(step), track.visit, str(option)))
        await self._settle(session, exercise, name)

    async def _settle(self, session: Session, exercise: Exercise, track: str) -> None:
        """Store the event that settles a team's decision by its votes, if they do now."""
        if exercise.settled(track, self.clock()) is None:
            return
        async with self.polling.exclusive(session):
            event = exercise.settled(track, self.clock())  # again, on the latest state
            if event is not None:
                await self._record(session, exercise, event)

    async def proceed(self, client: Client, message: dict[str, Any]) -> None:
        """A team member moves the team's inject on (teams mode)."""
        session, exercise, participant = self._phone(client)
        async with self.polling.exclusive(session):
            try:
                step, visit = message.get("step"), message.get("visit")
                event = exercise.check_continue(participant, step, visit, self.clock())
            except ExerciseError as error:
                raise refused(error) from None
            await self._record(session, exercise, event)

    # -- the `after` timers ------------------------------------------------------------------

    def follow(self, session: Session, delay: float | None = None) -> None:
        """Arm the session's alarm for its earliest inject deadline, or disarm it when there is none."""
        exercise = self.runs.get(session.id)
        deadlines = exercise.deadlines().values() if exercise else ()
        soonest = min(deadlines, default=None)
        armed = self._alarms.get(session.id)
        if armed is not None and armed[0] == soonest and delay is None:
            return
        self._disarm(session.id)
        if soonest is None:
            return
        wait = max(0.0, (soonest - self.clock()) / 1000) if delay is None else delay
        handle = asyncio.get_running_loop().call_later(wait, self._fire, session)
        self._alarms[session.id] = (soonest, handle)

    def _disarm(self, session_id: str) -> None:
        armed = self._alarms.pop(session_id, None)
        if armed is not None:
            armed[1].cancel()

    def _fire(self, session: Session) -> None:
        self._alarms.pop(session.id, None)
        task = asyncio.create_task(self._tick(session), name="scenario-timer")
        self._ticking.add(task)
        task.add_done_callback(self._ticking.discard)

    async def _tick(self, session: Session) -> None:
        """Move on every inject whose `after` has passed; several processes may fire: under the
        session's lock, on its latest state, the first moves it and the others find it moved."""
        if session.id not in self.polling.sessions:
            return
        try:
            async with self.polling.exclusive(session):
                exercise = self.runs.get(session.id)
                if exercise is not None:
                    for event in exercise.due(self.clock()):
                        await self._record(session, exercise, event)
        except Refused:
            self.follow(session, RETRY)  # not stored (or not shared): tried again shortly
            return
        self.follow(session)

    # -- the other processes' changes ------------------------------------------------------

    def apply(self, session: Session, event: dict[str, Any]) -> None:
        """Apply an exercise change another process stored."""
        scenario = session.bank.scenario
        if scenario is None:
            return
        kind = event["event"]
        exercise = self.runs.get(session.id)
        if kind == "scenario_event":
            change = event["scenario"]
            if change["kind"] == "start":
                started = Exercise.started(scenario, change, exercise.run + 1 if exercise else 1)
                if exercise is not None and started.mode is Mode.TEAMS:
                    for participant, member in exercise.members.items():
                        started.set_member(participant, Member(member.team, member.spokesperson))
                self.runs[session.id] = started
            elif exercise is not None:
                exercise.apply(change)
        elif exercise is None:
            return
        elif kind == "scenario_vote":
            if event["run"] == exercise.run:
                exercise.vote(event["track"], event["visit"], event["participant"], event["option"])
        elif kind == "scenario_member":
            exercise.set_member(event["participant"], Member(event["team"], event["spokesperson"]))
        if kind == "scenario_vote":
            self._presenters.touch(session.id)
        else:
            self.changed(session)

    # -- views and pushes ------------------------------------------------------------------

    def view(self, session: Session, role: str) -> dict[str, Any] | None:
        """SCENARIO for a presenter (None when the bank has no scenario)."""
        return scenario_view(session.bank.scenario, self.runs.get(session.id), role, self.clock())

    def for_phone(self, session: Session, participant: str) -> dict[str, Any] | None:
        """SCENARIO for one phone."""
        scenario = session.bank.scenario
        return scenario_view(scenario, self.runs.get(session.id), PARTICIPANT, self.clock(), participant)

    def debrief(self, session: Session, info: dict[str, Any]) -> dict[str, Any] | None:
        """DEBRIEF of the session's run as it stands (None when the bank has no scenario)."""
        scenario = session.bank.scenario
        return None if scenario is None else debrief(scenario, self.runs.get(session.id), info)

    def changed(self, session: Session) -> None:
        """A track moved or the run changed: every role is told now, and the timer follows."""
        self._push_phones(session)
        self._presenters.touch(session.id)
        self.follow(session)

    def _push_phones(self, session: Session) -> None:
        """One message per kind of phone: by track, team choice and own vote, each encoded once."""
        if session.bank.scenario is None:
            return
        groups: dict[tuple[Any, ...], tuple[str, list[Client]]] = {}
        exercise = self.runs.get(session.id)
        for client in list(self.polling.hub.clients(session.id, PARTICIPANT)):
            participant = client.participant
            if participant is None:
                continue
            track = exercise.track_of(participant) if exercise else None
            member = exercise.members.get(participant) if exercise else None
            key = (
                track.name if track else None,
                (member.team, member.spokesperson) if member else None,
                track.votes.get(participant) if track else None,
            )
            groups.setdefault(key, (participant, []))[1].append(client)
        for participant, alike in groups.values():
            view = self.for_phone(session, participant)
            if view is not None:
                self.polling.hub.broadcast(alike, scenario_message(view))

    async def _push_presenters(self, session_id: str) -> None:
        session = self.polling.sessions.get(session_id)
        if session is None or session.bank.scenario is None:
            return
        hub = self.polling.hub
        for role in (FACILITATOR, SCREEN):
            clients = hub.clients(session_id, role)
            view = self.view(session, role)
            if clients and view is not None:
                hub.broadcast(clients, scenario_message(view))
