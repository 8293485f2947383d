"""The server's quiz timer end to end, on each engine: deadlines, `time_up`, the close by itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import LiveServer, wait_until
from tests.wsclient import facilitator, participant

pytestmark = pytest.mark.usefixtures("close_connections")

# Short enough to wait for, long enough for a phone to answer on a busy machine first.
LIMIT = 2


@pytest.fixture
def database(both_engines: str | Path) -> str | Path:
    """Every test here runs once on a SQLite file and once on a PostgreSQL database."""
    return both_engines


def closed(server: LiveServer, session: str) -> dict[str, Any] | None:
    """The presenter state once the server reports the current question closed, else None."""
    state: dict[str, Any] = server.api("GET", f"/api/sessions/{session}").json()
    return state if state["state"] == "closed" else None


async def test_an_answer_before_the_deadline_counts_and_one_after_is_time_up(live_server: LiveServer) -> None:
    """Phones get the deadline and the server's clock; the server closes at the deadline by itself;
    an answer acknowledged before counts, one after is refused with time_up and never acknowledged."""
    info = live_server.create_session("e2e")
    boss, _ = await facilitator(live_server.ws_url, info["id"], live_server.token)
    early, _ = await participant(live_server.ws_url, info["code"])
    late, _ = await participant(live_server.ws_url, info["code"], lang="ru")
    await boss.send({"type": "show", "question": "pace"})
    await early.expect("question", state="shown")
    await boss.send({"type": "open", "time_limit": LIMIT})
    opened = await early.expect("question", state="open")
    assert opened["deadline"] is not None and opened["now"] <= opened["deadline"]
    assert opened["deadline"] - opened["now"] <= LIMIT * 1000
    state = await boss.expect("state", state="open")
    assert state["deadline"] == opened["deadline"]

    ack = await early.answer("pace", "fast")
    assert ack["rev"] == 1

    await boss.expect("state", state="closed", timeout=LIMIT + 10)
    shut = await early.expect("question", state="closed")
    assert shut["deadline"] is None and shut["answer"] == "fast"
    await late.send({"type": "answer", "question": "pace", "value": "slow", "rev": 1, "lang": "ru"})
    refused = await late.expect("error")
    assert refused["code"] == "time_up" and refused["question"] == "pace"
    assert not [m for m in late.seen if m["type"] == "ack"]

    state = live_server.api("GET", f"/api/sessions/{info['id']}").json()
    assert state["responses"] == 1
    assert state["results"]["counts"] == {"slow": 0, "right": 0, "fast": 1}


async def test_the_close_at_the_deadline_survives_a_restart(server_factory: Any) -> None:
    """A server killed while a timed question is open closes it by itself after its restart, from the
    stored deadline, keeping the answers acknowledged before."""
    server: LiveServer = server_factory()
    server.start()
    info = server.create_session("e2e")
    server.command(info["id"], "show", question="pace")
    state = server.command(info["id"], "open", time_limit=LIMIT + 1)
    deadline = state["deadline"]
    phone, _ = await participant(server.ws_url, info["code"])
    await phone.answer("pace", "right")
    server.stop(kill=True)

    server.start()
    state = wait_until(lambda: closed(server, info["id"]), timeout=LIMIT + 20)
    assert state["deadline"] is None
    assert state["states"]["pace"] == "closed"
    assert state["results"]["counts"] == {"slow": 0, "right": 1, "fast": 0}
    phone, welcome = await participant(server.ws_url, info["code"])
    assert welcome["state"] == "closed" and welcome["now"] >= deadline
    await phone.send({"type": "answer", "question": "pace", "value": "slow", "rev": 1})
    assert (await phone.expect("error"))["code"] == "time_up"


async def test_a_bad_time_limit_is_refused(live_server: LiveServer) -> None:
    """An `open` with a time limit out of range is a bad request and opens nothing."""
    info = live_server.create_session("e2e")
    live_server.command(info["id"], "show", question="pace")
    response = live_server.api("POST", f"/api/sessions/{info['id']}/open", {"time_limit": 0.2})
    assert response.status_code == 400 and response.json()["error"] == "bad_request"
    state = live_server.api("GET", f"/api/sessions/{info['id']}").json()
    assert state["state"] == "shown" and state["deadline"] is None
