"""Table-top exercises against a real server: room and teams mode, errors, the timer, and a restart
in the middle that resumes every track at its step with its history."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from polling.core.model import Scenario
from polling.core.session import Session
from polling.reports.debrief import load_debrief
from polling.store import open_store
from polling.store.base import SessionRow
from tests.conftest import ROOT, TEST_BANKS, LiveServer
from tests.scenariodata import SCENARIO, scenario_bank
from tests.wsclient import Peer, facilitator, participant

pytestmark = pytest.mark.usefixtures("close_connections")


@pytest.fixture
def database(both_engines: str | Path) -> str | Path:
    """Every test here runs once on a SQLite file and once on a PostgreSQL database."""
    return both_engines


async def seed(database: str | Path, scenario: Scenario) -> dict[str, str]:
    """A session whose bank holds the scenario, written into the database before the server
    starts: so a test may give an inject an `after` shorter than a bank file allows."""
    store = open_store(database)
    await store.open()
    bank = replace(scenario_bank(), scenario=scenario)
    created = "2026-12-01T09:00Z"
    control = Session(
        id="sx", code="EXRCS", bank=bank, screen_key="screen-key", created=created
    ).control_state()
    await store.create_session(SessionRow("sx", "EXRCS", bank, "screen-key", False, created, control))
    await store.close()
    return {"id": "sx", "code": "EXRCS"}


def started(server_factory: Any, banks_dir: Path) -> tuple[LiveServer, dict[str, Any]]:
    """A server with tests/banks/exercise.yaml and a session of it."""
    shutil.copy(TEST_BANKS / "exercise.yaml", banks_dir / "exercise.yaml")
    server: LiveServer = server_factory()
    server.start()
    return server, server.create_session("exercise")


async def phone(server: LiveServer, code: str, n: int) -> tuple[Peer, dict[str, Any]]:
    return await participant(server.ws_url, code, token=f"scenario-phone-{n:08d}")


async def until(peer: Peer, check: Any) -> dict[str, Any]:
    """The first `scenario` message (from now on) that passes `check`."""
    while True:
        message = await peer.expect("scenario")
        if check(message):
            return message


def at(message: dict[str, Any], track: str, step: str, status: str | None = None) -> bool:
    state = message["tracks"].get(track)
    return state is not None and state["step"] == step and (status is None or state["status"] == status)


async def vote(peer: Peer, step: str, visit: int, option: str) -> dict[str, Any]:
    await peer.send({"type": "scenario_vote", "step": step, "visit": visit, "option": option})
    return await peer.expect("scenario_voted")


async def error(peer: Peer, message: dict[str, Any]) -> str:
    await peer.send(message)
    code: str = (await peer.expect("error"))["code"]
    return code


async def test_room_mode_runs_and_resumes_after_a_restart(server_factory: Any, banks_dir: Path) -> None:
    """Room mode: the facilitator moves on and closes; votes, the step and the history survive a kill."""
    server, info = started(server_factory, banks_dir)
    boss, welcome = await facilitator(server.ws_url, info["id"], server.token)
    assert welcome["scenario"]["status"] == "waiting" and len(welcome["scenario"]["steps"]) == 7
    assert (
        welcome["scenario"]["layout"]["arrival"] == [0, 0] and welcome["scenario"]["layout"]["papers"][0] == 1
    )
    phones = [await phone(server, info["code"], n) for n in range(3)]
    assert phones[0][1]["scenario"]["steps"] == [] and phones[0][1]["scenario"]["tracks"] == {}
    peers = [p for p, _ in phones]
    assert await error(peers[0], {"type": "scenario_vote", "step": "papers", "visit": 2, "option": "x"}) == (
        "scenario_off"
    )
    assert await error(peers[0], {"type": "scenario_start", "mode": "room"}) == "unauthorized"
    await boss.send({"type": "scenario_start", "mode": "room"})
    seen = await until(peers[0], lambda m: at(m, "room", "arrival", "reading"))
    assert [s["id"] for s in seen["steps"]] == ["arrival"]  # a phone sees no step ahead of the room
    await boss.send({"type": "scenario_next", "team": "room"})
    for peer in peers:
        message = await until(peer, lambda m: at(m, "room", "papers", "open"))
    visit = message["tracks"]["room"]["visit"]
    assert (
        await error(
            peers[0], {"type": "scenario_vote", "step": "papers", "visit": visit - 1, "option": "inspect"}
        )
        == "step_moved"
    )
    assert (
        await error(peers[0], {"type": "scenario_vote", "step": "papers", "visit": visit, "option": "x"})
        == "invalid_option"
    )
    assert await error(peers[0], {"type": "scenario_team", "team": "north"}) == "invalid_transition"
    for peer, option in zip(peers, ["inspect", "inspect", "release"], strict=True):
        assert (await vote(peer, "papers", visit, option))["option"] == option
    counts = await until(
        boss, lambda m: m["tracks"]["room"]["counts"] == {"inspect": 2, "release": 1, "call": 0}
    )
    assert counts["tracks"]["room"]["voters"] == 3
    for peer in [boss, *peers]:
        await peer.close()
    server.stop(kill=True)

    server.start()
    boss, welcome = await facilitator(server.ws_url, info["id"], server.token)
    room = welcome["scenario"]["tracks"]["room"]
    assert (room["step"], room["visit"], room["status"]) == ("papers", visit, "open")
    assert room["counts"] == {"inspect": 2, "release": 1, "call": 0}
    assert [(v["step"], v["by"]) for v in room["history"]] == [("arrival", "facilitator")]
    again, back = await phone(server, info["code"], 2)
    assert back["scenario"]["vote"] == "release" and back["scenario"]["tracks"]["room"]["visit"] == visit
    await boss.send({"type": "scenario_close", "team": "room"})
    moved = await until(again, lambda m: at(m, "room", "inspection"))
    assert moved["tracks"]["room"]["split"] == {"inspect": 2, "release": 1, "call": 0}
    await boss.send({"type": "scenario_next", "team": "room"})
    await until(again, lambda m: at(m, "room", "seize", "open"))
    await boss.send({"type": "scenario_choose", "team": "room", "option": "keep"})
    ended = await until(boss, lambda m: at(m, "room", "seized", "ended"))
    history = ended["tracks"]["room"]["history"]
    assert [(v["step"], v["choice"], v["override"]) for v in history] == [
        ("arrival", None, False),
        ("papers", "inspect", False),
        ("inspection", None, False),
        ("seize", "keep", False),
        ("seized", None, False),
    ]
    assert await error(boss, {"type": "scenario_next", "team": "room"}) == "invalid_transition"


async def test_teams_end_in_different_places_across_a_restart(
    server_factory: Any, banks_dir: Path, tmp_path: Path
) -> None:
    """Two teams of two decide by majority at their own pace; after a kill each resumes with its
    history; the debrief, its exports and `polling export --scenario` show where they parted."""
    server, info = started(server_factory, banks_dir)
    boss, _ = await facilitator(server.ws_url, info["id"], server.token)
    await boss.send(
        {"type": "scenario_start", "mode": "teams", "teams": ["north", "south"], "decide": "majority"}
    )
    await until(boss, lambda m: m["status"] == "running")
    peers = [(await phone(server, info["code"], n))[0] for n in range(4)]
    teams = {0: "north", 1: "north", 2: "south", 3: "south"}
    assert await error(peers[0], {"type": "scenario_continue", "step": "arrival", "visit": 1}) == "no_team"
    assert await error(peers[0], {"type": "scenario_team", "team": "west"}) == "team_unknown"
    for n, peer in enumerate(peers):
        await peer.send({"type": "scenario_team", "team": teams[n]})
        assert await peer.expect("scenario_member") == {
            "type": "scenario_member",
            "team": teams[n],
            "spokesperson": False,
        }
        mine = await until(peer, lambda m: m["member"] is not None)
        assert list(mine["tracks"]) == [teams[n]]
    await peers[0].send({"type": "scenario_continue", "step": "arrival", "visit": 1})
    north = await until(peers[1], lambda m: at(m, "north", "papers", "open"))
    await vote(peers[0], "papers", north["tracks"]["north"]["visit"], "release")
    await vote(peers[1], "papers", north["tracks"]["north"]["visit"], "release")
    await until(peers[0], lambda m: at(m, "north", "released", "ended"))
    await peers[3].send({"type": "scenario_continue", "step": "arrival", "visit": 1})
    south = await until(peers[2], lambda m: at(m, "south", "papers", "open"))
    await vote(peers[2], "papers", south["tracks"]["south"]["visit"], "inspect")
    for peer in [boss, *peers]:
        await peer.close()
    server.stop(kill=True)

    server.start()
    boss, welcome = await facilitator(server.ws_url, info["id"], server.token)
    tracks = welcome["scenario"]["tracks"]
    assert (tracks["north"]["step"], tracks["north"]["status"]) == ("released", "ended")
    assert (tracks["south"]["step"], tracks["south"]["status"]) == ("papers", "open")
    assert tracks["south"]["counts"] == {"inspect": 1, "release": 0, "call": 0}
    assert [v["step"] for v in tracks["north"]["history"]] == ["arrival", "papers", "released"]
    last, back = await phone(server, info["code"], 3)
    assert back["scenario"]["member"] == {"team": "south", "spokesperson": False}
    await vote(last, "papers", south["tracks"]["south"]["visit"], "inspect")  # two of two: settled
    moved = await until(last, lambda m: at(m, "south", "inspection", "reading"))
    await last.send(
        {"type": "scenario_continue", "step": "inspection", "visit": moved["tracks"]["south"]["visit"]}
    )
    seize = await until(last, lambda m: at(m, "south", "seize", "open"))
    visit = seize["tracks"]["south"]["visit"]
    await vote(last, "seize", visit, "return")
    other, _ = await phone(server, info["code"], 2)
    await vote(other, "seize", visit, "return")
    done = await until(boss, lambda m: m["tracks"]["south"]["status"] == "ended")
    assert done["tracks"]["south"]["step"] == "seize"  # the option leads nowhere: it ends there
    assert [v["step"] for v in done["tracks"]["south"]["history"]] == [
        "arrival",
        "papers",
        "inspection",
        "seize",
    ]
    assert done["tracks"]["south"]["split"] == {"keep": 0, "return": 2}
    assert done["tracks"]["north"]["step"] == "released"

    debriefed = server.api("GET", f"/api/sessions/{info['id']}/scenario").json()
    paths = {t["name"]: t["path"] for t in debriefed["tracks"]}
    assert paths == {
        "north": ["arrival", "papers", "released"],
        "south": ["arrival", "papers", "inspection", "seize"],
    }
    assert debriefed["comparison"]["endings"] == {"north": "released", "south": "seize"}
    assert debriefed["comparison"]["parted_after"] == "papers"
    assert server.api("GET", f"/api/sessions/{info['id']}/scenario", token=None).status_code == 401
    exported = server.api("GET", f"/api/sessions/{info['id']}/scenario.json")
    assert load_debrief(exported.content) == debriefed
    table = server.api("GET", f"/api/sessions/{info['id']}/scenario.csv")
    rows = list(csv.DictReader(io.StringIO(table.content.decode("utf-8-sig"), newline="")))
    assert [(r["track"], r["step"], r["choice"]) for r in rows if r["choice"]] == [
        ("north", "papers", "release"),
        ("south", "papers", "inspect"),
        ("south", "seize", "return"),
    ]
    plain = server.create_session("e2e")
    assert server.api("GET", f"/api/sessions/{plain['id']}/scenario").status_code == 404
    for peer in (boss, last, other):
        await peer.close()
    server.stop()
    out = tmp_path / "out"
    done_cli = subprocess.run(
        [sys.executable, "-m", "polling", "export", info["code"], "--scenario", "--format", "json",
         "--out", str(out), "--db", str(server.db)],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert done_cli.returncode == 0, done_cli.stderr
    written = out / f"exercise-{info['created'][:10]}-{info['code']}-scenario.json"
    assert load_debrief(written.read_text(encoding="utf-8"))["tracks"] == debriefed["tracks"]


async def test_an_inject_moves_on_by_itself_even_after_a_restart(
    server_factory: Any, database: str | Path
) -> None:
    """An inject with `after` moves on by the timer, armed again when the server comes back."""
    short = Scenario(
        SCENARIO.start, tuple(replace(s, after=1) if s.id == "arrival" else s for s in SCENARIO.steps)
    )
    info = await seed(database, short)
    server: LiveServer = server_factory()
    server.start()
    boss, _ = await facilitator(server.ws_url, info["id"], server.token)
    await boss.send({"type": "scenario_start", "mode": "room"})
    first = await until(boss, lambda m: m["status"] == "running")
    assert first["tracks"]["room"]["deadline"] is not None
    await boss.close()
    server.stop(kill=True)
    server.start()
    boss, welcome = await facilitator(server.ws_url, info["id"], server.token)
    room = welcome["scenario"]["tracks"]["room"]
    if room["step"] == "arrival":  # not due yet when the server came back
        room = (await until(boss, lambda m: at(m, "room", "papers")))["tracks"]["room"]
    assert room["step"] == "papers" and room["history"][0]["by"] == "timer"
