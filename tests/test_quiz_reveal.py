"""The live quiz end to end, on each engine: each phone's own feedback at the reveal, scores
per phone token that survive a restart, and a leaderboard that keeps no nickname unless on."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from polling.store import open_store
from tests.conftest import TEST_BANKS, LiveServer
from tests.wsclient import Peer, facilitator, participant

pytestmark = pytest.mark.usefixtures("close_connections")


@pytest.fixture
def database(both_engines: str | Path) -> str | Path:
    """Every test here runs once on a SQLite file and once on a PostgreSQL database."""
    return both_engines


@pytest.fixture
def banks_dir(banks_dir: Path) -> Path:
    """The bundled banks plus tests/banks/quiz.yaml (English and Arabic, a speed bonus)."""
    shutil.copy(TEST_BANKS / "quiz.yaml", banks_dir / "quiz.yaml")
    return banks_dir


async def stored_players(database: str | Path, session: str) -> list[Any]:
    """The nicknames the database holds for a session, read with the server stopped."""
    store = open_store(database)
    await store.open()
    try:
        return await store.players(session)
    finally:
        await store.close()


async def feedback_of(phone: Peer) -> dict[str, Any]:
    """The phone's own feedback: the first `question` message that carries one."""
    while True:
        message = await phone.expect("question")
        if message["feedback"] is not None:
            feedback: dict[str, Any] = message["feedback"]
            return feedback


async def run_treaty(server: LiveServer, info: dict[str, Any], boss: Peer, phones: list[Peer]) -> None:
    """Show and open the `treaty` question and wait until every phone sees it open."""
    await boss.send({"type": "show", "question": "treaty"})
    await boss.send({"type": "open"})
    for phone in phones:
        await phone.expect("question", state="open")


async def test_each_phone_gets_its_own_feedback_at_the_reveal(server_factory: Any) -> None:
    """After close and reveal, a right phone, a wrong one and a silent one each get their own
    result, the right answer, the explanation in every language and their points; the screen
    gets the answer key; scores per phone come back after a restart."""
    server: LiveServer = server_factory()
    server.start()
    info = server.create_session("quiz")
    boss, _ = await facilitator(server.ws_url, info["id"], server.token)
    screen, _ = await Peer.connect(server.ws_url, role="screen", session=info["id"], key=info["screen_key"])
    right, hello = await participant(server.ws_url, info["code"])
    wrong, _ = await participant(server.ws_url, info["code"], lang="ar")
    silent, _ = await participant(server.ws_url, info["code"])
    await run_treaty(server, info, boss, [right, wrong, silent])
    await right.answer("treaty", "uncac")
    await wrong.answer("treaty", "local", lang="ar")
    await boss.send({"type": "close"})
    closed = await wrong.expect("question", state="closed")
    assert closed["feedback"] is None, "no feedback before the reveal"
    assert (await screen.expect("state", state="closed"))["answer_key"] is None
    await boss.send({"type": "reveal"})

    mine = await feedback_of(right)
    assert mine["correct"] is True and mine["answer"] == "uncac" and mine["right"] == "uncac"
    assert mine["points"] == 1 and mine["explanation"]["ar"].startswith("تضم")
    theirs = await feedback_of(wrong)
    assert theirs["correct"] is False and theirs["answer"] == "local" and theirs["points"] == 0
    assert theirs["right"] == "uncac"
    none = await feedback_of(silent)
    assert none["answered"] is False and none["points"] == 0 and none["right"] == "uncac"
    assert (await right.expect("score"))["score"] == 1
    assert (await wrong.expect("score"))["score"] == 0
    revealed = await screen.expect("state", revealed=True)
    key = revealed["answer_key"]
    assert key["correct"] == "uncac" and key["explanation"]["en"].startswith("UNCAC")
    assert revealed["leaderboard"] is None  # off by default

    server.stop(kill=True)
    server.start()
    again, welcome = await participant(server.ws_url, info["code"], token=hello["participant"])
    assert welcome["feedback"]["correct"] is True and welcome["feedback"]["points"] == 1
    score = await again.expect("score")
    assert score["score"] == 1 and score["rank"] is None  # no rank while the leaderboard is off


async def test_no_nickname_is_accepted_or_stored_unless_the_leaderboard_is_on(
    server_factory: Any, database: str | Path
) -> None:
    """With the leaderboard off a nickname is refused and nothing is stored; on, nicknames are
    checked, shown in the top 10 with team averages after the reveal, hidden by the facilitator,
    and deleted from the database when it is turned off again."""
    server: LiveServer = server_factory()
    server.start()
    info = server.create_session("quiz")
    boss, _ = await facilitator(server.ws_url, info["id"], server.token)
    phone, _ = await participant(server.ws_url, info["code"])
    other, _ = await participant(server.ws_url, info["code"])
    await phone.send({"type": "nickname", "nickname": "Ana"})
    assert (await phone.expect("error"))["code"] == "leaderboard_off"
    state = server.api("GET", f"/api/sessions/{info['id']}").json()
    assert state["nicknames"] == [] and state["leaderboard_on"] is False
    server.stop()
    assert await stored_players(database, info["id"]) == []
    server.start()
    boss, _ = await facilitator(server.ws_url, info["id"], server.token)
    phone, _ = await participant(server.ws_url, info["code"], token=None)
    other, _ = await participant(server.ws_url, info["code"])

    body = {"enabled": True, "teams": ["North", "South"]}
    state = server.api("POST", f"/api/sessions/{info['id']}/leaderboard", body).json()
    assert state["leaderboard_on"] is True and state["teams"] == ["North", "South"]
    told = await phone.expect("question", leaderboard_on=True)
    assert told["teams"] == ["North", "South"]
    for bad, code in [
        ("x" * 25, "nickname_too_long"),
        ("   ", "nickname_empty"),
        ("A\u202eB", "nickname_invalid"),
    ]:
        await phone.send({"type": "nickname", "nickname": bad})
        assert (await phone.expect("error"))["code"] == code
    await phone.send({"type": "nickname", "nickname": "Lima", "team": "East"})
    assert (await phone.expect("error"))["code"] == "team_unknown"
    await phone.send({"type": "nickname", "nickname": "  Ana  ", "team": "North"})
    assert await phone.expect("player") == {"type": "player", "nickname": "Ana", "team": "North"}
    await other.send({"type": "nickname", "nickname": "Bo", "team": "South"})
    await other.expect("player")
    listed = await boss.expect("players")
    while len(listed["nicknames"]) < 2:
        listed = await boss.expect("players")
    assert [n["nickname"] for n in listed["nicknames"]] == ["Ana", "Bo"]

    await run_treaty(server, info, boss, [phone, other])
    await phone.answer("treaty", "uncac")
    await other.answer("treaty", "local")
    await boss.send({"type": "close"})
    await boss.send({"type": "reveal"})
    state = await boss.expect("state", revealed=True)
    assert state["leaderboard"] == [
        {"rank": 1, "nickname": "Ana", "score": 1},
        {"rank": 2, "nickname": "Bo", "score": 0},
    ]
    assert state["team_scores"] == [
        {"team": "North", "average": 1.0, "members": 1},
        {"team": "South", "average": 0.0, "members": 1},
    ]
    mine = await phone.expect("score")
    assert (mine["score"], mine["rank"], mine["of"], mine["nickname"]) == (1, 1, 2, "Ana")

    bo = next(n for n in state["nicknames"] if n["nickname"] == "Bo")
    state = server.api(
        "POST", f"/api/sessions/{info['id']}/nicknames", {"id": bo["id"], "hidden": True}
    ).json()
    assert [p["nickname"] for p in state["leaderboard"]] == ["Ana"]

    server.api("POST", f"/api/sessions/{info['id']}/leaderboard", {"enabled": False})
    state = server.api("GET", f"/api/sessions/{info['id']}").json()
    assert state["nicknames"] == [] and state["leaderboard"] is None
    server.stop()
    assert await stored_players(database, info["id"]) == []
