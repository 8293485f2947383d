"""Nothing lost, nobody let in: origins, limits, a full disk, purging, and a reconnect storm."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import websockets
from starlette.testclient import TestClient

from polling.live.app import create_app
from tests.conftest import ROOT, LiveServer, wait_until
from tests.wsclient import Peer, facilitator, participant

TEST_BANK = Path(__file__).parent / "banks" / "e2e.yaml"
TOKEN = "safety-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

pytestmark = pytest.mark.usefixtures("close_connections")


async def open_pace(server: LiveServer, **options: Any) -> dict[str, Any]:
    info = server.create_session("e2e", **options)
    server.command(info["id"], "show", question="pace")
    server.command(info["id"], "open")
    return info


async def test_a_page_of_another_site_cannot_open_a_socket(live_server: LiveServer) -> None:
    """A WebSocket whose Origin is another host is refused at the handshake; this server's own is served."""
    with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
        await websockets.connect(live_server.ws_url, origin="http://evil.example")  # type: ignore[arg-type]
    assert refused.value.response.status_code == 403
    own = f"http://127.0.0.1:{live_server.port}"
    async with websockets.connect(live_server.ws_url, origin=own) as connection:  # type: ignore[arg-type]
        peer = Peer(connection)
        await peer.send({"type": "ping"})
        assert (await peer.expect("error"))["code"] == "hello_required"  # served, waiting for hello


async def test_a_flood_is_rate_limited_on_its_own_connection(live_server: LiveServer) -> None:
    """A connection that floods gets rate_limited errors, the others are served, and it recovers."""
    info = await open_pace(live_server)
    flooder, _ = await participant(live_server.ws_url, info["code"])
    calm, _ = await participant(live_server.ws_url, info["code"])
    for _ in range(100):
        await flooder.send({"type": "ping"})
    replies = [await flooder.recv() for _ in range(100)]
    codes = {r.get("code") for r in replies if r["type"] == "error"}
    assert codes == {"rate_limited"}
    assert 20 <= sum(r["type"] == "pong" for r in replies) < 100
    await calm.answer("pace", "right")

    async def recovered() -> None:
        while True:
            await flooder.send({"type": "answer", "question": "pace", "value": "slow", "rev": 1})
            reply = await flooder.recv()
            if reply["type"] == "ack":
                return

    await asyncio.wait_for(recovered(), timeout=10)
    state = live_server.api("GET", f"/api/sessions/{info['id']}").json()
    assert state["results"]["counts"] == {"slow": 1, "right": 1, "fast": 0}


async def test_the_facilitator_caps_how_many_phones_join(live_server: LiveServer) -> None:
    """Beyond max_participants a phone gets `full`; raising the limit lets it in."""
    info = live_server.create_session("e2e", max_participants=2)
    assert info["max_participants"] == 2
    phones = [(await participant(live_server.ws_url, info["code"]))[0] for _ in range(2)]
    third = Peer(await websockets.connect(live_server.ws_url))
    await third.send({"type": "hello", "role": "participant", "code": info["code"], "participant": None})
    assert (await third.expect("error"))["code"] == "full"
    bad = live_server.api("POST", f"/api/sessions/{info['id']}/limit", {"max_participants": 0})
    assert bad.status_code == 400
    raised = live_server.api("POST", f"/api/sessions/{info['id']}/limit", {"max_participants": 3})
    assert raised.json()["max_participants"] == 3
    await third.send({"type": "hello", "role": "participant", "code": info["code"], "participant": None})
    assert (await third.expect("welcome"))["session"]["id"] == info["id"]
    for peer in [*phones, third]:
        await peer.close()


@pytest.fixture
def app_client(tmp_path: Path) -> Iterator[TestClient]:
    banks = tmp_path / "banks"
    banks.mkdir()
    shutil.copy(TEST_BANK, banks / "e2e.yaml")
    app = create_app(tmp_path / "db.sqlite3", banks, TOKEN, "http://testserver", rate_limit=10_000)
    with TestClient(app) as client:
        yield client


def test_a_full_disk_refuses_answers_tells_the_facilitator_and_recovers(app_client: TestClient) -> None:
    """While the database cannot grow, answers get `unavailable` (never an ack), the facilitator
    is told, /healthz says so; when space returns, answers are stored again."""
    client = app_client
    info = client.post("/api/sessions", json={"bank": "e2e"}, headers=AUTH).json()
    client.post(f"/api/sessions/{info['id']}/show", json={"question": "remarks"}, headers=AUTH)
    client.post(f"/api/sessions/{info['id']}/open", headers=AUTH)
    store = app_client.app.state.polling.store  # type: ignore[attr-defined]

    async def pages(limit: int | None) -> None:
        # A page limit is how SQLite reports a full disk: SQLITE_FULL on the next write.
        if limit is None:
            await store.db.execute("PRAGMA max_page_count = 1073741823")
        else:
            cursor = await store.db.execute("PRAGMA page_count")
            (count,) = await cursor.fetchone()
            await store.db.execute(f"PRAGMA max_page_count = {count}")

    def answer_as_new_phone(text: str) -> dict[str, Any]:
        with client.websocket_connect("/ws") as phone:
            phone.send_json(
                {"type": "hello", "role": "participant", "code": info["code"], "participant": None}
            )
            phone.receive_json()
            phone.send_json({"type": "answer", "question": "remarks", "value": text})
            reply: dict[str, Any] = phone.receive_json()
            return reply

    with client.websocket_connect("/ws") as boss:
        boss.send_json({"type": "hello", "role": "facilitator", "session": info["id"], "token": TOKEN})
        assert boss.receive_json()["storage"] is None
        client.portal.call(pages, 0)  # type: ignore[union-attr]
        # New answers need new pages; the database may not grow, so one is soon refused.
        replies = []
        while not replies or replies[-1]["type"] == "ack":
            assert len(replies) < 500, "the database never filled up"
            replies.append(answer_as_new_phone("x" * 180))
        refused = replies[-1]
        assert refused["code"] == "unavailable" and refused["question"] == "remarks"
        health = receive_until(boss, "health")
        assert "full" in health["storage"]
        assert client.get("/healthz").status_code == 503

        client.portal.call(pages, None)  # type: ignore[union-attr]
        ack = answer_as_new_phone("stored at last")
        assert (ack["type"], ack["value"]) == ("ack", "stored at last")
        assert receive_until(boss, "health")["storage"] is None
    assert client.get("/healthz").json() == {"ok": True, "storage": None}
    rows = client.get(f"/api/sessions/{info['id']}/answers.csv", headers=AUTH).text.splitlines()
    assert len(rows) == len(replies) + 1  # a header, the acknowledged answers, the last one
    assert "stored at last" in rows[-1] and not any("unavailable" in row for row in rows)


def receive_until(connection: Any, kind: str) -> dict[str, Any]:
    while True:
        message: dict[str, Any] = connection.receive_json()
        if message["type"] == kind:
            return message


def test_a_refused_command_is_undone_when_it_cannot_be_stored(app_client: TestClient) -> None:
    """A command that cannot be saved is refused and the session stays where it was."""
    client = app_client
    info = client.post("/api/sessions", json={"bank": "e2e"}, headers=AUTH).json()
    store = app_client.app.state.polling.store  # type: ignore[attr-defined]

    async def fail_writes(sql: str, params: Any) -> None:
        from polling.store.base import StoreError

        raise StoreError("disk I/O error")

    original = store._write
    store._write = fail_writes
    try:
        response = client.post(f"/api/sessions/{info['id']}/next", headers=AUTH)
    finally:
        store._write = original
    assert response.status_code == 400 and response.json()["error"] == "unavailable"
    state = client.get(f"/api/sessions/{info['id']}", headers=AUTH).json()
    assert state["current"] is None and state["session"]["status"] == "waiting"


def test_purging_deletes_a_session_for_good(app_client: TestClient, tmp_path: Path) -> None:
    """After DELETE, the session is gone and its answers are nowhere in the database files."""
    client = app_client
    info = client.post("/api/sessions", json={"bank": "e2e"}, headers=AUTH).json()
    client.post(f"/api/sessions/{info['id']}/show", json={"question": "remarks"}, headers=AUTH)
    client.post(f"/api/sessions/{info['id']}/open", headers=AUTH)
    secret = "purple-elephant-4417"
    with client.websocket_connect("/ws") as phone:
        phone.send_json({"type": "hello", "role": "participant", "code": info["code"], "participant": None})
        phone.receive_json()
        phone.send_json({"type": "answer", "question": "remarks", "value": secret})
        assert phone.receive_json()["type"] == "ack"
        assert secret.encode() in b"".join(p.read_bytes() for p in tmp_path.glob("db.sqlite3*"))
        assert client.delete(f"/api/sessions/{info['id']}").status_code == 401
        assert client.delete(f"/api/sessions/{info['id']}", headers=AUTH).json() == {"ok": True}
        assert phone.receive_json()["type"] == "ended"
    assert client.get(f"/api/sessions/{info['id']}", headers=AUTH).status_code == 404
    assert client.get(f"/api/join/{info['code']}").status_code == 404
    assert secret.encode() not in b"".join(p.read_bytes() for p in tmp_path.glob("db.sqlite3*"))


def test_sessions_past_the_retention_period_are_purged(app_client: TestClient) -> None:
    """purge_expired removes sessions older than the retention period and keeps the rest."""
    client = app_client
    old = client.post("/api/sessions", json={"bank": "e2e"}, headers=AUTH).json()
    new = client.post("/api/sessions", json={"bank": "e2e"}, headers=AUTH).json()
    polling = app_client.app.state.polling  # type: ignore[attr-defined]
    polling.sessions[old["id"]].created = "2020-01-01T00:00Z"
    purged = client.portal.call(polling.purge_expired, 30)  # type: ignore[union-attr]
    assert purged == [old["id"]]
    listed = [s["id"] for s in client.get("/api/sessions", headers=AUTH).json()["sessions"]]
    assert listed == [new["id"]]


async def test_the_purge_command_deletes_a_stored_session(server_factory: Any) -> None:
    """`polling purge CODE` on a stopped server's database removes the session and its answers."""
    server: LiveServer = server_factory()
    server.start()
    info = await open_pace(server)
    phone, _ = await participant(server.ws_url, info["code"])
    await phone.answer("pace", "fast")
    await phone.close()
    server.stop()
    command = [sys.executable, "-m", "polling"]
    done = subprocess.run(
        [*command, "purge", info["code"], "--db", str(server.db)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    listing = subprocess.run(
        [*command, "sessions", "--db", str(server.db)], capture_output=True, text=True, cwd=ROOT
    )
    assert info["id"] not in listing.stdout
    again = subprocess.run(
        [*command, "purge", info["code"], "--db", str(server.db)], capture_output=True, text=True
    )
    assert again.returncode == 1 and "no session" in again.stderr


async def test_a_reconnect_storm_loses_nothing_and_counts_never_go_back(live_server: LiveServer) -> None:
    """Two hundred phones drop at once and come back: each resumes with its own answer, none
    counted twice, and the presenter's count never decreases."""
    info = await open_pace(live_server)
    boss, _ = await facilitator(live_server.ws_url, info["id"], live_server.token)
    choices = ["slow", "right", "fast"]
    phones: list[tuple[Peer, str, str]] = []
    for index in range(200):
        phone, welcome = await participant(live_server.ws_url, info["code"])
        phones.append((phone, welcome["participant"], choices[index % 3]))
    await asyncio.gather(*(phone.answer("pace", choice) for phone, _, choice in phones))
    # Every connection drops at once, without a closing handshake, as when the Wi-Fi fails.
    for phone, _, _ in phones:
        phone.connection.transport.abort()

    async def come_back(token: str, choice: str) -> None:
        phone, welcome = await participant(live_server.ws_url, info["code"], token=token)
        assert (welcome["answer"], welcome["rev"]) == (choice, 1)
        ack = await phone.answer("pace", choice, rev=1)  # resent, as an unsure phone does
        assert ack["rev"] == 1
        await phone.close()

    await asyncio.gather(*(come_back(token, choice) for _, token, choice in phones))
    state = live_server.api("GET", f"/api/sessions/{info['id']}").json()
    assert state["responses"] == 200
    assert state["results"]["counts"] == {"slow": 67, "right": 67, "fast": 66}
    await boss.expect("tally", responses=200, participants=0)  # read every update up to the end
    tallies = [m for m in boss.seen if m["type"] == "tally" and m["question"] == "pace"]
    await boss.close()
    counts = [m["responses"] for m in tallies]
    assert counts and counts == sorted(counts)


def big_bank(banks_dir: Path) -> None:
    """Two questions whose every message is about 20 KB, so that buffers fill in a few hundred."""
    long = "x" * 1600
    options = "\n".join(f"      - {{id: o{i}, label: {long}{i}}}" for i in range(12))
    questions = "".join(
        f"  - id: {qid}\n    type: single\n    prompt: {qid} {long}\n    options:\n{options}\n"
        for qid in ("one", "two")
    )
    (banks_dir / "big.yaml").write_text(f"title: Big\nquestions:\n{questions}", encoding="utf-8")


async def test_a_phone_that_stops_reading_is_cut_off_and_can_come_back(
    server_factory: Any, banks_dir: Path
) -> None:
    """A phone that stops reading never holds up the others: its queue fills, it is cut off,
    the others keep receiving and answering, and it comes back with its answer."""
    big_bank(banks_dir)
    server: LiveServer = server_factory()
    server.start()
    info = server.create_session("big")
    server.command(info["id"], "show", question="one")
    server.command(info["id"], "open")
    stuck, welcome = await participant(server.ws_url, info["code"])
    token = welcome["participant"]
    await stuck.answer("one", "o1")
    # The phone stops reading, as a frozen browser tab does: its socket buffers fill up.
    stuck.connection.transport.pause_reading()
    healthy, _ = await participant(server.ws_url, info["code"])
    received: list[dict[str, Any]] = []

    async def keep_reading() -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            while True:
                received.append(await healthy.recv(timeout=60))

    reader = asyncio.create_task(keep_reading())

    def participants() -> int:
        return int(server.api("GET", f"/api/sessions/{info['id']}").json()["session"]["participants"])

    shown = 0
    # Stop after an odd count, with "two" shown last, so that showing "one" below is a change.
    while shown % 25 or shown % 2 == 0 or participants() == 2:
        assert shown < 2000, "the phone that stopped reading was never cut off"
        await asyncio.to_thread(server.command, info["id"], "show", question=("two", "one")[shown % 2])
        shown += 1
    await asyncio.to_thread(server.command, info["id"], "show", question="one")
    await asyncio.to_thread(server.command, info["id"], "open")
    # The healthy phone got every question the facilitator showed, and can still answer.
    await wait_for_count(received, lambda m: m["type"] == "question" and m["state"] == "open", 1)
    assert sum(m["type"] == "question" for m in received) == shown + 2
    reader.cancel()
    await healthy.answer("one", "o2")

    back, welcome = await participant(server.ws_url, info["code"], token=token)
    assert (welcome["answer"], welcome["rev"]) == ("o1", 1)
    counts = server.api("GET", f"/api/sessions/{info['id']}").json()["results"]["counts"]
    assert (counts["o1"], counts["o2"], sum(counts.values())) == (1, 1, 2)
    stuck.connection.transport.abort()  # the frozen tab is finally closed
    await asyncio.gather(back.close(), healthy.close())


async def wait_for_count(messages: list[dict[str, Any]], match: Any, count: int) -> None:
    """Poll until `count` of the collected messages match."""

    async def poll() -> None:
        while sum(1 for m in messages if match(m)) < count:
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), timeout=30)


async def test_a_phone_that_vanishes_without_closing_is_let_go_and_can_come_back(server_factory: Any) -> None:
    """A phone that vanishes without closing (no reply to pings) is closed and stops counting;
    it comes back with its answer when it reconnects."""
    server: LiveServer = server_factory(extra_args=["--ping-interval", "0.5"])
    server.start()
    info = await open_pace(server)
    gone, welcome = await participant(server.ws_url, info["code"])
    await gone.answer("pace", "right")
    # Out of Wi-Fi range: nothing more is read or answered, and no close is ever sent.
    gone.connection.transport.pause_reading()
    if gone.connection.keepalive_task is not None:
        gone.connection.keepalive_task.cancel()

    def participants() -> int:
        return int(server.api("GET", f"/api/sessions/{info['id']}").json()["session"]["participants"])

    assert participants() == 1
    wait_until(lambda: participants() == 0, timeout=20)
    gone.connection.transport.abort()
    back, welcome = await participant(server.ws_url, info["code"], token=welcome["participant"])
    assert (welcome["answer"], welcome["rev"]) == ("right", 1)
    assert participants() == 1
    await back.close()
