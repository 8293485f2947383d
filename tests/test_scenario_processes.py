"""A table-top exercise served by two processes over one PostgreSQL and one Redis: team choices,
votes and moves made on one process reach the other, and a team's decision is settled once."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TEST_BANKS, LiveServer, wait_until
from tests.test_processes import pair
from tests.wsclient import Peer, facilitator, participant

pytestmark = pytest.mark.usefixtures("close_connections")


async def scenario_until(peer: Peer, check: Any) -> dict[str, Any]:
    """The first `scenario` message from now on that passes `check`."""
    while True:
        message = await peer.expect("scenario")
        if check(message):
            return message


async def test_a_team_split_over_two_processes_decides_once(
    server_factory: Any, banks_dir: Path, postgres_url: str, redis_url: str
) -> None:
    """Two members of a team on different processes: the one's continue moves the other, their two
    votes settle the decision once, and both facilitators and both debriefs agree."""
    shutil.copy(TEST_BANKS / "exercise.yaml", banks_dir / "exercise.yaml")
    first, second = pair(server_factory, postgres_url, redis_url)
    info: dict[str, Any] = first.create_session("exercise")
    wait_until(lambda: second.api("GET", f"/api/sessions/{info['id']}/scenario").status_code == 200)
    boss_a, _ = await facilitator(first.ws_url, info["id"], first.token)
    boss_b, _ = await facilitator(second.ws_url, info["id"], second.token)
    await boss_a.send({"type": "scenario_start", "mode": "teams", "teams": ["north", "south"]})
    await scenario_until(boss_b, lambda m: m["status"] == "running")
    one, _ = await participant(first.ws_url, info["code"], token="scenario-phone-first-01")
    two, _ = await participant(second.ws_url, info["code"], token="scenario-phone-second-1")
    for peer in (one, two):
        await peer.send({"type": "scenario_team", "team": "north"})
        await peer.expect("scenario_member")
    await scenario_until(boss_b, lambda m: m["tracks"]["north"]["members"] == 2)
    await one.send({"type": "scenario_continue", "step": "arrival", "visit": 1})
    moved = await scenario_until(two, lambda m: m["tracks"]["north"]["step"] == "papers")
    visit = moved["tracks"]["north"]["visit"]
    await one.send({"type": "scenario_vote", "step": "papers", "visit": visit, "option": "inspect"})
    await one.expect("scenario_voted")
    await two.send({"type": "scenario_vote", "step": "papers", "visit": visit, "option": "inspect"})
    await two.expect("scenario_voted")
    for boss in (boss_a, boss_b):
        seen = await scenario_until(boss, lambda m: m["tracks"]["north"]["step"] == "inspection")
        assert seen["tracks"]["north"]["split"] == {"inspect": 2, "release": 0, "call": 0}
    servers: list[LiveServer] = [first, second]
    debriefs = [s.api("GET", f"/api/sessions/{info['id']}/scenario").json()["tracks"] for s in servers]
    assert debriefs[0] == debriefs[1]
    assert debriefs[0][0]["path"] == ["arrival", "papers", "inspection"]
    settled = [v for v in debriefs[0][0]["visits"] if v["step"] == "papers"]
    assert len(settled) == 1 and settled[0]["choice"] == "inspect"
