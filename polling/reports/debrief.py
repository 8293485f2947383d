"""The debrief of a table-top exercise: per track the path, each decision's split, overrides and
the minutes at each step, and the tracks compared; as JSON (which reads back) and CSV."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from polling.core.exercise import Exercise, replay
from polling.core.model import Scenario
from polling.core.session import Session
from polling.core.tracks import Track, Visit, minute_of, minutes_between
from polling.reports.exports import BYTE_ORDER_MARK, SECRETS, Document, _csv
from polling.store.base import ScenarioRows

FORMAT = "polling-debrief"
VERSION = 1
# Each exercise export by kind, named as the last part of its HTTP path and at the end of its file name.
SCENARIO_FILES = {"scenario_csv": "scenario.csv", "scenario_json": "scenario.json"}
SCENARIO_COLUMNS = [
    "session",
    "track",
    "position",
    "step",
    "title",
    "kind",
    "visit",
    "entered",
    "left",
    "minutes",
    "choice",
    "choice_label",
    "split",
    "votes",
    "override",
    "by",
]


class DebriefError(ValueError):
    """A file that is not an exercise debrief this version can read; the message says why."""


def visit_dict(visit: Visit, current: bool = False) -> dict[str, Any]:
    """VISIT of docs/protocol.md: times to the minute, the minutes spent, how it was settled.
    The `current` step a track stands at is given with `left` and `minutes` None."""
    done = not current
    return {
        "step": visit.step,
        "visit": visit.visit,
        "entered": minute_of(visit.entered),
        "left": minute_of(visit.left) if done else None,
        "minutes": minutes_between(visit.entered, visit.left) if done else None,
        "choice": visit.choice,
        "split": visit.split,
        "override": visit.override,
        "by": visit.by,
    }


def _visits(track: Track) -> list[dict[str, Any]]:
    visits = [visit_dict(v) for v in track.history]
    if not track.history or track.history[-1].visit != track.visit:  # where it stands now
        visits.append(visit_dict(Visit(track.step, track.visit, track.entered, track.entered), current=True))
    return visits


def track_debrief(track: Track) -> dict[str, Any]:
    """One track's debrief: where it went, how each decision went, how long each step took."""
    visits = _visits(track)
    return {
        "name": track.name,
        "status": str(track.status),
        "step": track.step,
        "path": [v["step"] for v in visits],
        "visits": visits,
        "overrides": sum(1 for v in visits if v["override"]),
        "minutes": sum(v["minutes"] or 0 for v in visits),
    }


def comparison(tracks: list[dict[str, Any]]) -> dict[str, Any]:
    """The tracks side by side: where each ended (or stands), each decision's choices per track
    (a list: a loop decides a step again) and whether they differ, and the last step every
    path shared before they parted (None when they never parted, or there is one track)."""
    decisions: dict[str, dict[str, list[str]]] = {}
    for track in tracks:
        for visit in track["visits"]:
            if visit["choice"] is not None:
                decisions.setdefault(visit["step"], {}).setdefault(track["name"], []).append(visit["choice"])
    paths = [t["path"] for t in tracks]
    shared = 0
    while all(len(p) > shared for p in paths) and len({p[shared] for p in paths}) == 1:
        shared += 1
    parted = len(paths) > 1 and any(len(p) != shared for p in paths)
    return {
        "endings": {t["name"]: t["step"] for t in tracks},
        "decisions": [
            {"step": step, "choices": choices, "differ": len({tuple(c) for c in choices.values()}) > 1}
            for step, choices in decisions.items()
        ],
        "parted_after": paths[0][shared - 1] if parted and shared else None,
    }


def debrief(
    scenario: Scenario, exercise: Exercise | None, session: dict[str, Any] | None = None
) -> dict[str, Any]:
    """DEBRIEF of docs/protocol.md: the run's settings, every track, and the comparison."""
    tracks = [track_debrief(t) for t in exercise.tracks.values()] if exercise else []
    return {
        "format": FORMAT,
        "version": VERSION,
        "session": {k: v for k, v in session.items() if k not in SECRETS} if session else None,
        "scenario": scenario.to_dict(),
        "status": "waiting" if exercise is None else "stopped" if exercise.stopped else "running",
        "run": exercise.run if exercise else 0,
        "mode": str(exercise.mode) if exercise else None,
        "decide": str(exercise.decide) if exercise and exercise.decide else None,
        "tracks": tracks,
        "comparison": comparison(tracks),
    }


def load_debrief(text: str | bytes) -> dict[str, Any]:
    """An exported `scenario.json` read back into the debrief it holds, or DebriefError saying why
    not (not JSON, another kind of file, a later version, a part missing)."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as error:
        raise DebriefError(f"not a JSON file: {error}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DebriefError("not an exercise debrief (scenario.json)")
    if data.get("version") != VERSION:
        raise DebriefError(
            f"a debrief of version {data.get('version')!r}; this server reads version {VERSION}"
        )
    try:
        scenario = Scenario.from_dict(data["scenario"])
        tracks = data["tracks"]
        for track in tracks:
            for visit in track["visits"]:
                for key in ("step", "visit", "entered", "choice", "split", "override", "by"):
                    visit[key]  # noqa: B018 -- present, or the file is broken
        names = [t["name"] for t in tracks]
    except (KeyError, TypeError, ValueError) as error:
        raise DebriefError(f"the debrief is incomplete: {error!r}") from None
    if len(set(names)) != len(names):
        raise DebriefError(f"two tracks of one name in {names}")
    # The comparison is worked out again from the tracks, so that it always agrees with them.
    return {**data, "scenario": scenario.to_dict(), "tracks": tracks, "comparison": comparison(tracks)}


def exercise_of(scenario: Scenario, rows: ScenarioRows) -> Exercise | None:
    """A session's run as stored, replayed."""
    return replay(scenario, rows.events, rows.votes, rows.members)


def csv_rows(session: Session, data: dict[str, Any]) -> Iterable[list[Any]]:
    """One row per visit of each track, in order; texts in the bank's default language."""
    scenario = Scenario.from_dict(data["scenario"])
    language = session.bank.default_language
    for track in data["tracks"]:
        for position, visit in enumerate(track["visits"], start=1):
            step = scenario.step(visit["step"])
            choice = step.choice(visit["choice"]) if step and visit["choice"] else None
            split = visit["split"] or {}
            yield [
                session.code,
                track["name"],
                position,
                visit["step"],
                step.title.get(language, "") if step else "",
                str(step.kind) if step else "",
                visit["visit"],
                visit["entered"],
                visit["left"] or "",
                "" if visit["minutes"] is None else visit["minutes"],
                visit["choice"] or "",
                choice.label.get(language, "") if choice else "",
                "; ".join(f"{option}={n}" for option, n in split.items()),
                sum(split.values()) if visit["split"] is not None else "",
                int(visit["override"]),
                visit["by"] or "",
            ]


def render_scenario(kind: str, session: Session, info: dict[str, Any], rows: ScenarioRows) -> Document:
    """An exercise export: `scenario_csv` (with a byte order mark, like every CSV) or `scenario_json`
    (the debrief). The session's bank must have a scenario."""
    scenario = session.bank.scenario
    assert scenario is not None
    name = f"{session.bank.id}-{session.created[:10]}-{session.code}-{SCENARIO_FILES[kind]}"
    data = debrief(scenario, exercise_of(scenario, rows), info)
    if kind == "scenario_csv":
        return Document(name, "text/csv", BYTE_ORDER_MARK + _csv(SCENARIO_COLUMNS, csv_rows(session, data)))
    return Document(name, "application/json", json.dumps(data, ensure_ascii=False, indent=1))
