"""Facilitators and organisers on a shared server, on each engine: each role's limits over HTTP
and WebSocket, tokens kept only as hashes, and revocation."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from polling.store import open_store
from tests.conftest import ROOT, LiveServer


@pytest.fixture
def database(both_engines: str | Path) -> str | Path:
    """Every test here runs once on a SQLite file and once on a PostgreSQL database."""
    return both_engines


def polling(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "polling", *args], capture_output=True, text=True, cwd=ROOT, timeout=60
    )


def add(role: str, name: str, database: str | Path) -> str:
    """Add an account with the command line and return the token it printed once."""
    done = polling(role, "add", name, "--db", str(database))
    assert done.returncode == 0, done.stderr
    match = re.search(r"token (\S+)", done.stdout)
    assert match is not None, done.stdout
    return match.group(1)


def call(server: LiveServer, token: str, method: str, path: str, body: Any = None) -> httpx.Response:
    return server.api(method, path, body, token=token)


async def hello(server: LiveServer, token: str, session: str) -> dict[str, Any]:
    """The server's first reply to a facilitator's hello with this token."""
    async with websockets.connect(server.ws_url) as raw:
        await raw.send(
            json.dumps({"type": "hello", "role": "facilitator", "session": session, "token": token})
        )
        reply: dict[str, Any] = json.loads(await raw.recv())
    return reply


async def test_each_role_sees_and_drives_what_it_may(server_factory: Any, database: str | Path) -> None:
    """A facilitator sees and drives only their own sessions, an organiser lists and exports every
    session but drives and starts none, the operator's token keeps its full power; a revoked token
    is refused; nothing but the hash of a token is stored."""
    alice = add("facilitator", "alice", database)
    bob = add("facilitator", "bob", database)
    olga = add("organiser", "olga", database)
    listed = polling("facilitator", "list", "--db", str(database))
    assert listed.stdout.split()[::2] == ["alice", "bob"]
    assert polling("facilitator", "add", "alice", "--db", str(database)).returncode == 1  # taken

    server: LiveServer = server_factory()
    server.start()
    made = call(server, alice, "POST", "/api/sessions", {"bank": "e2e"})
    assert made.status_code == 201
    mine = made.json()["id"]
    operators = server.create_session("e2e")["id"]

    def listed_by(token: str) -> set[str]:
        return {s["id"] for s in call(server, token, "GET", "/api/sessions").json()["sessions"]}

    assert listed_by(alice) == {mine}
    assert listed_by(bob) == set()
    assert listed_by(olga) == listed_by(server.token) == {mine, operators}

    # Bob cannot even learn that Alice's session exists.
    for method, path in (("GET", ""), ("POST", "/next"), ("GET", "/answers.csv"), ("DELETE", "")):
        assert call(server, bob, method, f"/api/sessions/{mine}{path}").status_code == 404
    assert call(server, alice, "POST", f"/api/sessions/{mine}/next").status_code == 200
    assert call(server, alice, "POST", f"/api/sessions/{operators}/next").status_code == 404

    # The organiser reads and exports everything, and drives and starts nothing.
    assert call(server, olga, "GET", f"/api/sessions/{mine}").status_code == 200
    assert call(server, olga, "GET", f"/api/sessions/{mine}/export.json").status_code == 200
    for method, path in (("POST", "/next"), ("POST", "/limit"), ("DELETE", "")):
        refused = call(server, olga, method, f"/api/sessions/{mine}{path}", {})
        assert (refused.status_code, refused.json()["error"]) == (403, "forbidden")
    assert call(server, olga, "POST", "/api/sessions", {"bank": "e2e"}).status_code == 403
    assert call(server, server.token, "POST", f"/api/sessions/{mine}/next").status_code == 200

    # Over the WebSocket: the owner is welcome, the others are not.
    assert (await hello(server, alice, mine))["type"] == "welcome"
    assert (await hello(server, bob, mine))["code"] == "not_found"
    assert (await hello(server, olga, mine))["code"] == "forbidden"
    assert (await hello(server, "x" * 24, mine))["code"] == "unauthorized"

    server.stop()
    assert polling("facilitator", "revoke", "alice", "--db", str(database)).returncode == 0
    server.start()
    assert call(server, alice, "GET", "/api/sessions").status_code == 401
    assert listed_by(server.token) == {mine, operators}  # her sessions stay

    stored = await stored_text(database)
    for token in (alice, bob, olga):
        assert token not in stored


async def stored_text(database: str | Path) -> str:
    """The accounts and sessions tables as text, from whichever engine holds them."""
    store = open_store(database)
    await store.open()
    try:
        return repr(await store.accounts()) + repr(await store.sessions())
    finally:
        await store.close()
