"""What each role is sent of a session's table-top exercise: pure builders of the `scenario` object.

The facilitator and the screen see every track and every step (the map); a phone sees only
its own track and the steps that track has reached, so that nobody reads a branch before the
room or the team takes it. Only the facilitator sees the live vote counts.
"""

from __future__ import annotations

from typing import Any

from polling.core.exercise import Exercise
from polling.core.model import Scenario, StepKind
from polling.core.scenario import layout
from polling.core.tracks import Status, Track, minute_of
from polling.live.views import FACILITATOR, PARTICIPANT
from polling.reports.debrief import visit_dict


def track_view(exercise: Exercise, track: Track, role: str) -> dict[str, Any]:
    """TRACK of docs/protocol.md for `role`."""
    step = exercise.current(track)
    decision = step.kind is StepKind.DECISION
    options = [c.id for c in step.options]
    if track.status is Status.TIED:
        split: dict[str, int] | None = track.counts(options)
    else:  # the decision it ended at, else the one it just came from
        recent = [v.split for v in track.history[-2:] if v.visit >= track.visit - 1 and v.split is not None]
        split = recent[-1] if recent else None
    return {
        "step": track.step,
        "visit": track.visit,
        "status": str(track.status),
        "entered": minute_of(track.entered),
        "deadline": exercise.deadlines().get(track.name),
        "history": [visit_dict(v) for v in track.history],
        "split": split,
        "counts": track.counts(options) if role == FACILITATOR and decision else None,
        "voters": len(track.votes) if role == FACILITATOR else None,
        "members": sum(1 for m in exercise.members.values() if m.team == track.name),
    }


def reached(scenario: Scenario, track: Track) -> list[str]:
    """The ids of the steps a track went through or stands at, in scenario order."""
    seen = {v.step for v in track.history} | {track.step}
    return [s.id for s in scenario.steps if s.id in seen]


def scenario_view(
    scenario: Scenario | None,
    exercise: Exercise | None,
    role: str,
    now: int,
    participant: str | None = None,
) -> dict[str, Any] | None:
    """SCENARIO of docs/protocol.md as `role` may see it (None when the bank has no scenario)."""
    if scenario is None:
        return None
    data: dict[str, Any] = {
        "status": "waiting" if exercise is None else "stopped" if exercise.stopped else "running",
        "run": exercise.run if exercise else 0,
        "mode": str(exercise.mode) if exercise else None,
        "decide": str(exercise.decide) if exercise and exercise.decide else None,
        "teams": exercise.teams if exercise else [],
        "hold": exercise.hold if exercise else None,
        "start": scenario.start,
        "now": now,
    }
    if role != PARTICIPANT:
        tracks = exercise.tracks.values() if exercise else []
        return {
            **data,
            "steps": [s.to_dict() for s in scenario.steps],
            "layout": {step: list(place) for step, place in layout(scenario).items()},
            "tracks": {t.name: track_view(exercise, t, role) for t in tracks if exercise},
        }
    assert participant is not None
    track = exercise.track_of(participant) if exercise else None
    member = exercise.members.get(participant) if exercise else None
    shown = set(reached(scenario, track)) if track else set()
    return {
        **data,
        "steps": [s.to_dict() for s in scenario.steps if s.id in shown],
        "layout": None,
        "tracks": {track.name: track_view(exercise, track, role)} if track and exercise else {},
        "member": {"team": member.team, "spokesperson": member.spokesperson} if member else None,
        "vote": track.votes.get(participant) if track else None,
    }


def scenario_message(view: dict[str, Any]) -> dict[str, Any]:
    """The `scenario` push: the exercise as it stands now for one role."""
    return {"type": "scenario", **view}


def voted_message(step: str, visit: int, option: str) -> dict[str, Any]:
    """The `scenario_voted` acknowledgement of a stored vote."""
    return {"type": "scenario_voted", "step": step, "visit": visit, "option": option}


def member_message(team: str, spokesperson: bool) -> dict[str, Any]:
    """The `scenario_member` acknowledgement of a stored team choice."""
    return {"type": "scenario_member", "team": team, "spokesperson": spokesperson}
