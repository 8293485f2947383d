"""The values of a table-top exercise's run: its modes and rules, each track's place and the
visits it made, and the checks of a new run's settings. Pure: times are milliseconds passed in."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from polling.core.model import Scenario

ROOM = "room"  # the one track of room mode
MAX_TEAMS = 12
MAX_TEAM_NAME = 40


def minute_of(ms: int) -> str:
    """A time in ms as its UTC minute, no finer: how the project shows and exports times."""
    return datetime.fromtimestamp(ms // 60_000 * 60, UTC).strftime("%Y-%m-%dT%H:%MZ")


def minutes_between(entered: int, left: int) -> int:
    """The whole minutes a step took, rounded to the nearest."""
    return (left - entered + 30_000) // 60_000


class ExerciseError(Exception):
    """A request refused, with the protocol's error code and a message for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Mode(StrEnum):
    """Who decides: the whole room as one track, or each team on its own track."""

    ROOM = "room"
    TEAMS = "teams"


class Decide(StrEnum):
    """How a team settles a decision (teams mode)."""

    MAJORITY = "majority"
    SPOKESPERSON = "spokesperson"


class Status(StrEnum):
    """Where a track stands at its step."""

    OPEN = "open"  # a decision taking votes
    TIED = "tied"  # a decision closed on a tie (or no vote): waiting for the facilitator's pick
    READING = "reading"  # an inject, waiting to move on
    HELD = "held"  # at the step the facilitator holds every track at, until release
    ENDED = "ended"  # the scenario ended for this track


@dataclass
class Visit:
    """A step a track went through: when it entered and left (ms), and how a decision was settled.

    `by` says who moved the track on: `votes` (the room's or team's vote), `facilitator`, or for
    an inject `team` (a member said continue) or `timer` (its `after` seconds passed); None for
    the step a track ended at."""

    step: str
    visit: int
    entered: int
    left: int
    choice: str | None = None
    split: dict[str, int] | None = None
    override: bool = False
    by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "visit": self.visit,
            "entered": self.entered,
            "left": self.left,
            "choice": self.choice,
            "split": self.split,
            "override": self.override,
            "by": self.by,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Visit:
        return cls(
            str(data["step"]),
            int(data["visit"]),
            int(data["entered"]),
            int(data["left"]),
            data.get("choice"),
            data.get("split"),
            bool(data.get("override", False)),
            data.get("by"),
        )


@dataclass
class Track:
    """The room's or one team's way through the scenario."""

    name: str
    step: str
    visit: int = 0  # +1 each time the track enters a step: a vote names the visit it is for
    entered: int = 0  # ms, when it entered the step
    since: int = 0  # ms, when the step became active (entered, or released from a hold)
    status: Status = Status.READING
    votes: dict[str, str] = field(default_factory=dict)  # phone -> option, of this visit
    history: list[Visit] = field(default_factory=list)

    def counts(self, options: Iterable[str]) -> dict[str, int]:
        """The votes of this visit per option, every option present."""
        tally = Counter(self.votes.values())
        return {option: tally.get(option, 0) for option in options}


def leaders(split: dict[str, int]) -> list[str]:
    """The options with the most votes (none when nobody voted)."""
    top = max(split.values(), default=0)
    return [option for option, n in split.items() if n == top] if top > 0 else []


def check_start(scenario: Scenario | None, mode: Any, teams: Any, decide: Any) -> dict[str, Any]:
    """The settings of a new run (`mode`, `teams`, `decide`), checked, or ExerciseError."""
    if scenario is None:
        raise ExerciseError("scenario_off", "This session's bank has no scenario")
    try:
        chosen = Mode(mode)
    except ValueError:
        raise ExerciseError("bad_request", "mode must be room or teams") from None
    if chosen is Mode.ROOM:
        return {"mode": str(chosen), "teams": [ROOM], "decide": None}
    if not isinstance(teams, list) or not all(isinstance(t, str) for t in teams):
        raise ExerciseError("bad_request", "teams must be a list of team names")
    names = [" ".join(t.split()) for t in teams]
    if not 1 <= len(names) <= MAX_TEAMS or any(not n or len(n) > MAX_TEAM_NAME for n in names):
        raise ExerciseError(
            "bad_request", f"Give 1 to {MAX_TEAMS} team names of 1 to {MAX_TEAM_NAME} characters"
        )
    if len(set(names)) != len(names):
        raise ExerciseError("bad_request", "Each team needs its own name")
    try:
        rule = Decide(decide if decide is not None else Decide.MAJORITY)
    except ValueError:
        raise ExerciseError("bad_request", "decide must be majority or spokesperson") from None
    return {"mode": str(chosen), "teams": names, "decide": str(rule)}


@dataclass
class Member:
    """A phone's team in teams mode, and whether it speaks for it."""

    team: str
    spokesperson: bool = False
