"""The run of a table-top exercise: where each track stands in a session's scenario, as pure rules.

An exercise runs the room as one track (`room`) or each team as its own track. Every change
of a track is an *event* (a plain dict, JSON as it is): the rules check a request and return
the event it makes; the live service stores it, then `apply`s it. Replaying a session's
stored events, then its stored votes, rebuilds the run exactly, so a restart resumes every
track at its step with its history. Times are milliseconds passed in; nothing here awaits.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from polling.core.model import Scenario, Step, StepKind
from polling.core.tracks import (
    ROOM,
    Decide,
    ExerciseError,
    Member,
    Mode,
    Status,
    Track,
    Visit,
    leaders,
)


class Exercise:
    """One run of a session's scenario: its tracks, the hold, the teams' members."""

    def __init__(
        self,
        scenario: Scenario,
        mode: Mode,
        teams: list[str],
        decide: Decide | None,
        at: int,
        run: int = 1,
    ) -> None:
        self.scenario = scenario
        self.mode = mode
        self.decide = decide
        self.run = run  # how many runs the session started: votes are kept per run
        self.hold: str | None = None
        self.stopped = False
        self.members: dict[str, Member] = {}
        self.tracks = {name: Track(name, scenario.start) for name in teams}
        for track in self.tracks.values():
            self._enter(track, scenario.start, at)

    @classmethod
    def started(cls, scenario: Scenario, event: dict[str, Any], run: int = 1) -> Exercise:
        """The run a `start` event begins."""
        decide = Decide(event["decide"]) if event.get("decide") else None
        return cls(scenario, Mode(event["mode"]), list(event["teams"]), decide, int(event["at"]), run)

    @property
    def teams(self) -> list[str]:
        return list(self.tracks) if self.mode is Mode.TEAMS else []

    def _step(self, step_id: str) -> Step:
        step = self.scenario.step(step_id)
        assert step is not None, step_id  # the bank's check guarantees every target exists
        return step

    def current(self, track: Track) -> Step:
        return self._step(track.step)

    # -- moving a track ----------------------------------------------------------------------

    def _enter(self, track: Track, step_id: str, at: int) -> None:
        step = self._step(step_id)
        track.step, track.visit, track.entered, track.since = step_id, track.visit + 1, at, at
        track.votes = {}
        if step.is_ending:
            track.status = Status.ENDED
            track.history.append(Visit(step_id, track.visit, at, at))
        elif self.hold == step_id:
            track.status = Status.HELD
        else:
            track.status = Status.OPEN if step.kind is StepKind.DECISION else Status.READING

    def _leave(self, track: Track, at: int, target: str | None, **settled: Any) -> None:
        track.history.append(Visit(track.step, track.visit, track.entered, at, **settled))
        if target is None:  # a decision's option that leads nowhere: the scenario ends here
            track.status = Status.ENDED
            track.votes = {}
        else:
            self._enter(track, target, at)

    def track(self, name: Any) -> Track:
        """The track of this name (room mode: the room's, whatever is named), or ExerciseError."""
        if self.mode is Mode.ROOM:
            return self.tracks[ROOM]
        track = self.tracks.get(name) if isinstance(name, str) else None
        if track is None:
            raise ExerciseError("team_unknown", f"No team named {str(name)[:40]!r}")
        return track

    # -- events ------------------------------------------------------------------------------

    def apply(self, event: dict[str, Any]) -> None:
        """Apply a stored event; one made for a visit that is no longer current changes nothing
        (two processes settled the same decision: the first one stored counts)."""
        kind = event["kind"]
        at = int(event["at"])
        if kind == "hold":
            self._hold(event["step"], at)
        elif kind == "release":
            self._release(at)
        elif kind == "stop":
            self.stopped = True
        elif kind in ("choose", "tie", "next"):
            track = self.tracks.get(event["track"])
            if track is None or track.visit != event["visit"] or track.status is Status.ENDED:
                return
            if kind == "tie":
                track.status = Status.TIED
            elif kind == "next":
                self._leave(track, at, self.current(track).next, by=event["by"])
            else:
                choice = self.current(track).choice(event["option"])
                assert choice is not None
                self._leave(
                    track,
                    at,
                    choice.next,
                    choice=choice.id,
                    split=dict(event["split"]),
                    override=bool(event["override"]),
                    by=event["by"],
                )

    def _hold(self, step: str | None, at: int) -> None:
        if self.hold is not None:
            self._release(at)
        self.hold = step
        for track in self.tracks.values():
            if track.step == step and track.status in (Status.OPEN, Status.READING):
                track.status = Status.HELD

    def _release(self, at: int) -> None:
        self.hold = None
        for track in self.tracks.values():
            if track.status is Status.HELD:
                kind = self.current(track).kind
                track.status = Status.OPEN if kind is StepKind.DECISION else Status.READING
                track.since = at

    # -- the facilitator ---------------------------------------------------------------------

    def _running(self) -> None:
        if self.stopped:
            raise ExerciseError("scenario_off", "The exercise has stopped")

    def _decision(self, track: Track, *allowed: Status) -> Step:
        step = self.current(track)
        if step.kind is not StepKind.DECISION or track.status not in allowed:
            raise ExerciseError("invalid_transition", _why_not(track, step))
        return step

    def close(self, name: Any, at: int) -> dict[str, Any]:
        """Close a track's decision: the option with most votes leads on, a tie waits for a pick."""
        self._running()
        track = self.track(name)
        step = self._decision(track, Status.OPEN)
        return self._closing(track, step, at)

    def _closing(self, track: Track, step: Step, at: int) -> dict[str, Any]:
        split = track.counts(c.id for c in step.options)
        top = leaders(split)
        if len(top) == 1:
            return self._choose(track, top[0], split, "votes", False, at)
        return {"kind": "tie", "track": track.name, "step": track.step, "visit": track.visit, "at": at}

    def _choose(
        self, track: Track, option: str, split: dict[str, int], by: str, override: bool, at: int
    ) -> dict[str, Any]:
        return {
            "kind": "choose",
            "track": track.name,
            "step": track.step,
            "visit": track.visit,
            "option": option,
            "split": split,
            "by": by,
            "override": override,
            "at": at,
        }

    def choose(self, name: Any, option: Any, at: int) -> dict[str, Any]:
        """The facilitator picks a decision's branch, on a tie or at any time; it is an override
        when the room (or team) voted and the pick is not among the options with most votes."""
        self._running()
        track = self.track(name)
        step = self._decision(track, Status.OPEN, Status.TIED, Status.HELD)
        if not isinstance(option, str) or step.choice(option) is None:
            raise ExerciseError("invalid_option", f"{str(option)[:40]!r} is not an option of {step.id!r}")
        split = track.counts(c.id for c in step.options)
        top = leaders(split)
        return self._choose(track, option, split, "facilitator", bool(top) and option not in top, at)

    def next(self, name: Any, at: int) -> dict[str, Any]:
        """The facilitator moves a track on: an inject to its next step, an open decision is closed."""
        self._running()
        track = self.track(name)
        step = self.current(track)
        if step.kind is StepKind.DECISION and track.status is Status.OPEN:
            return self._closing(track, step, at)
        if step.kind is not StepKind.INJECT or track.status is not Status.READING:
            raise ExerciseError("invalid_transition", _why_not(track, step))
        return self._moving(track, "facilitator", at)

    def _moving(self, track: Track, by: str, at: int) -> dict[str, Any]:
        return {
            "kind": "next",
            "track": track.name,
            "step": track.step,
            "visit": track.visit,
            "by": by,
            "at": at,
        }

    def check_hold(self, step: Any, at: int) -> dict[str, Any]:
        """Hold every track at `step` (those there now and those that reach it) until release."""
        self._running()
        if not isinstance(step, str) or self.scenario.step(step) is None:
            raise ExerciseError("unknown_step", f"No step named {str(step)[:40]!r}")
        return {"kind": "hold", "step": step, "at": at}

    def check_release(self, at: int) -> dict[str, Any]:
        """Let every held track go on."""
        self._running()
        if self.hold is None:
            raise ExerciseError("invalid_transition", "No step is held")
        return {"kind": "release", "at": at}

    def check_stop(self, at: int) -> dict[str, Any]:
        """End the exercise: every track stays where it is, for the debrief."""
        self._running()
        return {"kind": "stop", "at": at}

    # -- the timer ---------------------------------------------------------------------------

    def deadlines(self) -> dict[str, int]:
        """When each track reading an inject with `after` moves on by itself (ms)."""
        result = {}
        for track in self.tracks.values():
            after = self.current(track).after
            if track.status is Status.READING and after is not None and not self.stopped:
                result[track.name] = track.since + after * 1000
        return result

    def due(self, now: int) -> list[dict[str, Any]]:
        """The events of the injects whose `after` has passed at `now`."""
        return [
            self._moving(self.tracks[name], "timer", max(now, deadline))
            for name, deadline in self.deadlines().items()
            if deadline <= now
        ]

    # -- phones ------------------------------------------------------------------------------

    def join(self, participant: str, team: Any, spokesperson: Any) -> Member:
        """A phone chooses its team (and may speak for it), or ExerciseError. The last phone
        to take the spokesperson's part has it: a team whose spokesperson's phone died goes on."""
        self._running()
        if self.mode is not Mode.TEAMS:
            raise ExerciseError("invalid_transition", "The room decides together: there are no teams")
        if not isinstance(team, str) or team not in self.tracks:
            raise ExerciseError("team_unknown", f"No team named {str(team)[:40]!r}")
        if spokesperson is not None and not isinstance(spokesperson, bool):
            raise ExerciseError("bad_request", "spokesperson must be true or false")
        return Member(team, bool(spokesperson) and self.decide is Decide.SPOKESPERSON)

    def set_member(self, participant: str, member: Member) -> None:
        """Take in a phone's team choice (checked by `join`, or read back from the store)."""
        if member.team not in self.tracks:
            return  # a team of an earlier run
        old = self.members.get(participant)
        if old is not None and old.team != member.team:
            self.tracks[old.team].votes.pop(participant, None)
        if member.spokesperson:
            for other in self.members.values():
                if other.team == member.team:
                    other.spokesperson = False
        self.members[participant] = member

    def track_of(self, participant: str) -> Track | None:
        """The track a phone follows: the room's, or its team's (None before it chose one)."""
        if self.mode is Mode.ROOM:
            return self.tracks[ROOM]
        member = self.members.get(participant)
        return self.tracks[member.team] if member else None

    def _phone_track(self, participant: str, step: Any, visit: Any) -> Track:
        self._running()
        track = self.track_of(participant)
        if track is None:
            raise ExerciseError("no_team", "Choose your team first")
        if step != track.step or visit != track.visit:
            raise ExerciseError("step_moved", "This step is over: the exercise has moved on")
        if track.status is Status.HELD:
            raise ExerciseError("held", "Wait: the facilitator holds the exercise here")
        return track

    def check_vote(self, participant: str, step: Any, visit: Any, option: Any) -> Track:
        """The track a phone's vote is for, or ExerciseError."""
        track = self._phone_track(participant, step, visit)
        current = self.current(track)
        if current.kind is not StepKind.DECISION or track.status is not Status.OPEN:
            raise ExerciseError("not_open", "Voting on this step is closed")
        if not isinstance(option, str) or current.choice(option) is None:
            raise ExerciseError("invalid_option", f"{str(option)[:40]!r} is not an option of this step")
        member = self.members.get(participant)
        if self.decide is Decide.SPOKESPERSON and not (member and member.spokesperson):
            raise ExerciseError("not_spokesperson", "Your team's spokesperson votes for the team")
        return track

    def vote(self, name: str, visit: int, participant: str, option: str) -> bool:
        """Count a stored vote of a phone (its last one counts); False when its visit is over."""
        track = self.tracks.get(name)
        if track is None or track.visit != visit or track.status is Status.ENDED:
            return False
        track.votes[participant] = option
        return True

    def settled(self, name: str, at: int) -> dict[str, Any] | None:
        """The event that settles a team's decision by its votes, if they do: its spokesperson's
        vote; or an option voted by more than half the team; or, once every member voted, the
        option with most votes (a tie closes it for the facilitator's pick)."""
        track = self.tracks.get(name)
        if self.mode is not Mode.TEAMS or track is None or track.status is not Status.OPEN or self.stopped:
            return None
        step = self.current(track)
        split = track.counts(c.id for c in step.options)
        if self.decide is Decide.SPOKESPERSON:
            spoken = [track.votes[p] for p, m in self.members.items() if m.spokesperson and p in track.votes]
            return self._choose(track, spoken[0], split, "votes", False, at) if spoken else None
        team = [p for p, m in self.members.items() if m.team == name]
        majority = [o for o, n in split.items() if n * 2 > len(team)]
        if majority:
            return self._choose(track, majority[0], split, "votes", False, at)
        if team and all(p in track.votes for p in team):
            return self._closing(track, step, at)
        return None

    def check_continue(self, participant: str, step: Any, visit: Any, at: int) -> dict[str, Any]:
        """A team member moves the team's inject on (teams mode), or ExerciseError."""
        if self.mode is not Mode.TEAMS:
            raise ExerciseError("invalid_transition", "In room mode the facilitator moves the exercise on")
        track = self._phone_track(participant, step, visit)
        if self.current(track).kind is not StepKind.INJECT or track.status is not Status.READING:
            raise ExerciseError("invalid_transition", "This step is a decision: vote on it")
        return self._moving(track, "team", at)


def _why_not(track: Track, step: Step) -> str:
    if track.status is Status.ENDED:
        return f"The scenario has ended for {track.name!r}"
    if track.status is Status.HELD:
        return f"{track.name!r} is held at {step.id!r}: release it first"
    if track.status is Status.TIED:
        return f"{step.id!r} is tied: pick the option that leads on"
    if step.kind is StepKind.INJECT:
        return f"{step.id!r} is an inject: it takes no vote"
    return f"{step.id!r} is a decision: close it or pick an option"


def replay(
    scenario: Scenario,
    events: Iterable[dict[str, Any]],
    votes: Iterable[tuple[int, str, int, str, str]],
    members: Iterable[tuple[str, str, bool]],
) -> Exercise | None:
    """A session's exercise rebuilt from what was stored: its events in order (a `start`
    begins a new run), its phones' team choices, then the votes (run, track, visit, phone,
    option) of each track's current visit. None when no run ever started."""
    exercise: Exercise | None = None
    run = 0
    for event in events:
        if event["kind"] == "start":
            run += 1
            exercise = Exercise.started(scenario, event, run)
        elif exercise is not None:
            exercise.apply(event)
    if exercise is None:
        return None
    for participant, team, spokesperson in members:
        exercise.set_member(participant, Member(team, spokesperson))
    for vote_run, name, visit, participant, option in votes:
        member = exercise.members.get(participant)
        if vote_run == exercise.run and (exercise.mode is Mode.ROOM or (member and member.team == name)):
            exercise.vote(name, visit, participant, option)
    return exercise
