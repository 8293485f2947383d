"""PostgreSQL going away under a running server: nothing acknowledged that is not stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from tests.conftest import LiveServer, free_port, wait_until
from tests.pgserver import PostgresServer
from tests.test_live import open_first_question
from tests.wsclient import facilitator, participant

pytestmark = pytest.mark.usefixtures("close_connections")


@pytest.fixture
def own_postgres() -> Any:
    """A PostgreSQL server of this test's own, which the test may stop and start again."""
    server = PostgresServer(free_port())
    server.start()
    yield server
    server.stop()


def healthz(server: LiveServer) -> int:
    return httpx.get(f"{server.url}/healthz", timeout=5).status_code


async def test_answers_are_refused_while_postgres_is_down_and_stored_once_it_is_back(
    own_postgres: PostgresServer, server_factory: Any, tmp_path: Path
) -> None:
    """With PostgreSQL stopped, an answer gets `unavailable` (never an ack), the facilitator a
    `health` message and /healthz 503; once it is back, the resent answer is acknowledged and stored."""
    server: LiveServer = server_factory(db=own_postgres.url())
    server.start()
    info = await open_first_question(server)
    host, _ = await facilitator(server.ws_url, info["id"], server.token)
    phone, _ = await participant(server.ws_url, info["code"])
    await phone.answer("pace", "slow", rev=1)

    own_postgres.stop_server()
    await phone.send({"type": "answer", "question": "pace", "value": "fast", "rev": 2, "lang": "en"})
    refused = await phone.expect("error")
    assert refused["code"] == "unavailable"
    assert (await host.expect("health"))["storage"]
    assert healthz(server) == 503

    own_postgres.start_server()
    ack = await phone.answer("pace", "fast", rev=2)
    assert (ack["value"], ack["rev"]) == ("fast", 2)
    health = await host.expect("health")
    assert health["storage"] is None
    wait_until(lambda: healthz(server) == 200)
    connection = await asyncpg.connect(own_postgres.url())
    try:
        stored = await connection.fetch("SELECT value, rev FROM answers")
    finally:
        await connection.close()
    assert [(row["value"], row["rev"]) for row in stored] == [('"fast"', 2)]


async def test_the_purge_command_refuses_while_a_server_holds_the_postgres_database(
    server_factory: Any, postgres_url: str, redis_url: str
) -> None:
    """`polling purge` on PostgreSQL refuses, saying why, while a lone server or the processes of a
    server with Redis run on the database, and deletes once they are stopped."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    def purge(session: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "polling", "purge", session, "--db", postgres_url]
        return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=60)

    lone: LiveServer = server_factory(db=postgres_url)
    lone.start()
    info = lone.create_session("e2e")
    refused = purge(info["id"])
    assert refused.returncode == 1 and "in use by a running server" in refused.stderr
    lone.stop()

    worker: LiveServer = server_factory(db=postgres_url, extra_args=["--redis", redis_url])
    worker.start()
    assert "in use by a running server" in purge(info["id"]).stderr
    assert worker.api("GET", f"/api/sessions/{info['id']}").status_code == 200
    worker.stop()
    assert purge(info["id"]).returncode == 0


async def test_a_sqlite_database_moves_to_postgres_whole(
    server_factory: Any, postgres_url: str, tmp_path: Path
) -> None:
    """`polling migrate-db` copies sessions, answers (with their revisions and moderation), the
    session's state and the accounts; a server on PostgreSQL then resumes exactly where the SQLite
    one stopped, and a second copy into the now full database is refused."""
    import re
    import subprocess
    import sys

    from tests.conftest import ROOT

    def polling(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "polling", *args]
        return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)

    sqlite_file = tmp_path / "laptop.sqlite3"
    added = polling("facilitator", "add", "alice", "--db", str(sqlite_file))
    token = re.search(r"token (\S+)", added.stdout)
    assert token is not None
    laptop: LiveServer = server_factory(db=sqlite_file)
    laptop.start()
    info = await open_first_question(laptop)
    for index, choice in enumerate(("slow", "right", "right", "fast")):
        phone, _ = await participant(laptop.ws_url, info["code"])
        await phone.answer("pace", choice, rev=1)
        if index == 0:
            await phone.answer("pace", "fast", rev=2)
    before = laptop.api("GET", f"/api/sessions/{info['id']}").json()
    laptop.stop()

    moved = polling("migrate-db", "--from", str(sqlite_file), "--to", postgres_url)
    assert moved.returncode == 0, moved.stderr
    assert "copied 1 session(s), 4 answer(s) and 1 account(s)" in moved.stdout

    office: LiveServer = server_factory(db=postgres_url, token=laptop.token)
    office.start()
    after = office.api("GET", f"/api/sessions/{info['id']}").json()
    for key in ("current", "state", "states", "responses", "results"):
        assert after[key] == before[key]
    assert after["results"]["counts"] == {"slow": 0, "right": 2, "fast": 2}
    assert office.api("GET", "/api/sessions", token=token.group(1)).status_code == 200
    office.stop()

    again = polling("migrate-db", "--from", str(sqlite_file), "--to", postgres_url)
    assert again.returncode == 1 and "not empty" in again.stderr
