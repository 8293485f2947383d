"""The exercise part of the store, on each engine: the event log, votes and teams, kept for good."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from polling.core.exercise import replay
from polling.store import open_store
from polling.store.base import StoreError
from polling.store.copy import copy_database
from tests.scenariodata import SCENARIO
from tests.test_store import store_with_a_session

START = {"kind": "start", "mode": "teams", "teams": ["Север", "south"], "decide": "majority", "at": 0}


@pytest.fixture
def db(both_engines: str | Path) -> str | Path:
    """Every test runs on a SQLite file and on a PostgreSQL database."""
    return both_engines


async def test_events_votes_and_teams_survive_reopening_and_replay(db: str | Path) -> None:
    """The log comes back in order, each phone's last vote and team; replayed, the run stands where it was."""
    store = await store_with_a_session(db)
    events = [
        START,
        {"kind": "next", "track": "Север", "step": "arrival", "visit": 1, "by": "team", "at": 1000},
        *(
            {"kind": "hold", "step": f"step-{n}", "at": 2000 + n}  # many, to check the order
            for n in range(40)
        ),
        {"kind": "release", "at": 9000},
    ]
    for event in events:
        await store.add_scenario_event("s1", event)
    for n in range(3):
        await store.save_scenario_member("s1", f"p{n}", "Север", False)
    await asyncio.gather(
        *(store.save_scenario_vote("s1", 1, "Север", 2, f"p{n}", "release") for n in range(3))
    )
    await store.save_scenario_vote("s1", 1, "Север", 2, "p0", "inspect")  # a change of mind replaces it
    await store.close()
    store = open_store(db)
    await store.open()
    rows = await store.scenario("s1")
    assert rows.events == events
    assert sorted(rows.votes) == [
        (1, "Север", 2, "p0", "inspect"),
        (1, "Север", 2, "p1", "release"),
        (1, "Север", 2, "p2", "release"),
    ]
    exercise = replay(SCENARIO, [e for e in rows.events if e["kind"] != "hold"], rows.votes, rows.members)
    assert exercise is not None
    north = exercise.tracks["Север"]
    assert (north.step, north.visit, north.votes) == (
        "papers",
        2,
        {"p0": "inspect", "p1": "release", "p2": "release"},
    )
    await store.close()


async def test_a_new_spokesperson_replaces_the_teams_last_one(db: str | Path) -> None:
    """Only one phone speaks for a team: taking the part clears it from the others of that team alone."""
    store = await store_with_a_session(db)
    await store.save_scenario_member("s1", "a", "north", True)
    await store.save_scenario_member("s1", "z", "south", True)
    await store.save_scenario_member("s1", "b", "north", True)
    await store.save_scenario_member("s1", "a", "north", False)
    members = sorted((await store.scenario("s1")).members)
    assert members == [("a", "north", False), ("b", "north", True), ("z", "south", True)]
    await store.save_scenario_member("s1", "a", "north", True)
    assert sorted((await store.scenario("s1")).members)[:2] == [("a", "north", True), ("b", "north", False)]
    await store.close()


async def test_an_unknown_session_is_refused_and_a_purge_removes_the_exercise(db: str | Path) -> None:
    """An event for no session raises StoreError; purging a session deletes its log, votes and teams."""
    store = await store_with_a_session(db)
    with pytest.raises(StoreError):
        await store.add_scenario_event("nope", START)
    await store.add_scenario_event("s1", START)
    await store.save_scenario_member("s1", "a", "south", False)
    await store.save_scenario_vote("s1", 1, "south", 1, "a", "inspect")
    await store.purge("s1")
    rows = await store.scenario("s1")
    assert rows.events == [] and rows.votes == [] and rows.members == []
    await store.close()


async def test_moving_the_database_carries_the_exercise(db: str | Path, tmp_path: Path) -> None:
    """`migrate-db` copies a session's exercise log in order, its teams and its votes."""
    store = await store_with_a_session(db)
    await store.add_scenario_event("s1", START)
    await store.add_scenario_event("s1", {"kind": "stop", "at": 5})
    await store.save_scenario_member("s1", "a", "south", True)
    await store.save_scenario_vote("s1", 1, "south", 1, "a", "inspect")
    target = open_store(tmp_path / "copy.sqlite3")
    await target.open()
    await copy_database(store, target)
    assert await target.scenario("s1") == await store.scenario("s1")
    await target.close()
    await store.close()
