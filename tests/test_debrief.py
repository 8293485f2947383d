"""The debrief of an exercise: paths, splits, overrides and minutes per track, the teams compared,
and the exported JSON read back into the same debrief."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from polling.core.exercise import Exercise
from polling.core.session import Session
from polling.core.tracks import Decide, Member, Mode
from polling.reports.debrief import DebriefError, debrief, load_debrief, render_scenario
from polling.store.base import ScenarioRows
from tests.scenariodata import SCENARIO, scenario_bank

MINUTE = 60_000
INFO = {"id": "s-1", "code": "KM7RA", "screen_key": "secret", "screen_url": "http://x/screen/secret"}


def two_teams() -> tuple[Exercise, list[dict[str, Any]], list[tuple[int, str, int, str, str]]]:
    """North lets the lorry go; south inspects, then the facilitator overrides its vote to seize."""
    start = {"kind": "start", "mode": "teams", "teams": ["north", "south"], "decide": "majority", "at": 0}
    exercise = Exercise.started(SCENARIO, start)
    events, votes = [start], []
    for team in ("north", "south"):
        for n in range(2):
            exercise.set_member(f"{team}-{n}", Member(team, False))

    def apply(event: dict[str, Any] | None) -> None:
        assert event is not None
        exercise.apply(event)
        events.append(event)

    def vote(phone: str, option: str, at: int) -> None:
        track = exercise.track_of(phone)
        assert track is not None
        exercise.vote(track.name, track.visit, phone, option)
        votes.append((1, track.name, track.visit, phone, option))
        settled = exercise.settled(track.name, at)
        if settled:
            apply(settled)

    apply(exercise.next("north", 2 * MINUTE))
    apply(exercise.next("south", 3 * MINUTE))
    vote("north-0", "release", 5 * MINUTE)
    vote("north-1", "release", 6 * MINUTE)
    vote("south-0", "inspect", 7 * MINUTE)
    vote("south-1", "inspect", 8 * MINUTE)
    apply(exercise.next("south", 10 * MINUTE))
    vote("south-0", "return", 11 * MINUTE)
    apply(exercise.choose("south", "keep", 12 * MINUTE))
    return exercise, events, votes


def test_the_debrief_shows_each_path_split_override_and_minutes() -> None:
    """Per track: the path, each decision's split, the overrides and minutes; compared side by side."""
    exercise, _, _ = two_teams()
    data = debrief(SCENARIO, exercise, INFO)
    assert "screen_key" not in data["session"] and "screen_url" not in data["session"]
    north, south = data["tracks"]
    assert north["path"] == ["arrival", "papers", "released"]
    assert south["path"] == ["arrival", "papers", "inspection", "seize", "seized"]
    assert [v["minutes"] for v in north["visits"]] == [2, 4, 0]
    assert north["visits"][1]["split"] == {"inspect": 0, "release": 2, "call": 0}
    seize = south["visits"][3]
    assert (seize["choice"], seize["override"], seize["by"], seize["split"]) == (
        "keep",
        True,
        "facilitator",
        {"keep": 0, "return": 1},
    )
    assert (north["overrides"], south["overrides"], south["minutes"]) == (0, 1, 12)
    compared = data["comparison"]
    assert compared["endings"] == {"north": "released", "south": "seized"}
    assert compared["parted_after"] == "papers"
    assert compared["decisions"][0] == {
        "step": "papers",
        "choices": {"north": ["release"], "south": ["inspect"]},
        "differ": True,
    }


def test_a_track_still_running_shows_where_it_stands() -> None:
    """A track not ended lists its current step last, not left yet and without minutes."""
    exercise = Exercise(SCENARIO, Mode.ROOM, ["room"], None, at=0)
    exercise.apply(exercise.next("room", MINUTE))
    (room,) = debrief(SCENARIO, exercise)["tracks"]
    assert room["path"] == ["arrival", "papers"]
    assert (room["visits"][-1]["left"], room["visits"][-1]["minutes"], room["status"]) == (None, None, "open")
    assert debrief(SCENARIO, None)["tracks"] == [] and debrief(SCENARIO, None)["status"] == "waiting"


def test_the_exported_json_loads_back_into_the_same_debrief() -> None:
    """scenario.json, from the stored events and votes, reads back equal to the debrief it holds."""
    exercise, events, votes = two_teams()
    session = Session(
        id="s-1", code="KM7RA", bank=scenario_bank(), screen_key="k", created="2026-12-01T09:00Z"
    )
    members = [(p, m.team, m.spokesperson) for p, m in exercise.members.items()]
    document = render_scenario("scenario_json", session, INFO, ScenarioRows(events, votes, members))
    assert document.filename == "exercise-2026-12-01-KM7RA-scenario.json"
    assert load_debrief(document.body) == debrief(SCENARIO, exercise, INFO)
    assert load_debrief(document.body.encode()) == json.loads(document.body)


def test_the_csv_has_one_row_per_visit() -> None:
    """scenario.csv: a row per visit of each track, with titles and labels in the default language."""
    exercise, events, votes = two_teams()
    session = Session(
        id="s-1", code="KM7RA", bank=scenario_bank(), screen_key="k", created="2026-12-01T09:00Z"
    )
    document = render_scenario("scenario_csv", session, INFO, ScenarioRows(events, votes, []))
    assert document.body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(document.body[1:], newline="")))
    assert len(rows) == 8
    papers = rows[1]
    assert (papers["track"], papers["step"], papers["title"], papers["choice_label"]) == (
        "north",
        "papers",
        "What do you do?",
        "Let it go",
    )
    assert (papers["split"], papers["votes"], papers["minutes"], papers["override"]) == (
        "inspect=0; release=2; call=0",
        "2",
        "4",
        "0",
    )
    assert rows[-2]["override"] == "1" and rows[-2]["by"] == "facilitator"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{not json", "not a JSON file"),
        ('{"format": "polling-export"}', "not an exercise debrief"),
        ('{"format": "polling-debrief", "version": 99}', "version 99"),
        (
            '{"format": "polling-debrief", "version": 1, "scenario": {"start": "a", "steps": []}}',
            "incomplete",
        ),
    ],
)
def test_a_file_that_is_not_a_debrief_is_refused_with_the_reason(text: str, reason: str) -> None:
    """Loading another file, a later version or a broken debrief says what is wrong."""
    with pytest.raises(DebriefError, match=reason):
        load_debrief(text)


def test_a_spokesperson_run_records_its_rule() -> None:
    """The debrief names the mode and the rule the teams decided by."""
    exercise = Exercise(SCENARIO, Mode.TEAMS, ["a", "b"], Decide.SPOKESPERSON, at=0)
    data = debrief(SCENARIO, exercise)
    assert (data["mode"], data["decide"], [t["name"] for t in data["tracks"]]) == (
        "teams",
        "spokesperson",
        ["a", "b"],
    )
