"""Attacks from outside against a real server: each reproduces a weakness found by probing the
server as an attacker would, and proves it closed (docs/security.md names each one)."""

from __future__ import annotations

import asyncio
import json
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import websockets

from tests.conftest import LiveServer
from tests.wsclient import Peer, facilitator, participant

pytestmark = pytest.mark.usefixtures("close_connections")

# JSON that Python's json module parses into a string UTF-8 cannot encode, or recurses on.
LONE_SURROGATE = b'"\\ud800"'
DEEP = b"[" * 5000
BODY_ENDPOINTS = [
    ("/api/sessions", "bank"),
    ("/api/sessions/{session}/show", "question"),
    ("/api/sessions/{session}/limit", "max_participants"),
    ("/api/sessions/{session}/languages", "languages"),
    ("/api/sessions/{session}/moderate", "answer"),
]


async def test_hostile_json_bodies_get_a_documented_400(live_server: LiveServer) -> None:
    """A lone surrogate or 5,000 nested brackets in any body, sent with the token, answer
    400 bad_request, never a 500, and the server goes on serving."""
    info = live_server.create_session("e2e")
    assert live_server.http is not None
    headers = {"Authorization": f"Bearer {live_server.token}", "Content-Type": "application/json"}
    for path, field in BODY_ENDPOINTS:
        url = live_server.url + path.replace("{session}", info["id"])
        for body in (b'{"' + field.encode() + b'": ' + LONE_SURROGATE + b"}", DEEP, b'{"x": ' + DEEP):
            response = live_server.http.post(url, content=body, headers=headers)
            assert response.status_code == 400, (path, body[:20], response.text)
            assert response.json()["error"] == "bad_request"
    assert live_server.api("GET", f"/api/sessions/{info['id']}").status_code == 200


async def test_hostile_json_messages_get_a_documented_error(live_server: LiveServer) -> None:
    """A lone surrogate or deep nesting in any WebSocket message gets `bad_json` on that
    connection, which stays open."""
    info = live_server.create_session("e2e")
    peer = Peer(await websockets.connect(live_server.ws_url))
    depth = 2000  # deeper than the parser takes, within the 4096-byte limit
    for frame in (
        '{"type": "hello", "role": "screen", "session": "\\ud800", "key": "x"}',
        '{"type": "answer", "question": "pace", "value": "\\udfff"}',
        '{"type": "hello", "role": "participant", "code": ' + "[" * depth + "]" * depth + "}",
        "[" * depth,
    ):
        await peer.send(frame)
        assert (await peer.expect("error"))["code"] == "bad_json"
    hello = {"type": "hello", "role": "participant", "code": info["code"], "participant": None}
    await peer.send(hello)
    assert (await peer.expect("welcome"))["session"]["id"] == info["id"]


async def test_the_screen_hello_does_not_tell_which_sessions_exist(live_server: LiveServer) -> None:
    """A screen's hello with a wrong key for a real session and one for a made-up session get
    the same `unauthorized` refusal."""
    info = live_server.create_session("e2e")
    replies: list[dict[str, Any]] = []
    for session in (info["id"], "0123456789", "made-up"):
        peer = Peer(await websockets.connect(live_server.ws_url))
        await peer.send({"type": "hello", "role": "screen", "session": session, "key": "guess"})
        replies.append(await peer.expect("error"))
        await peer.close()
    assert {(r["code"], r["message"]) for r in replies} == {("unauthorized", "The screen link is wrong")}


async def test_api_answers_and_exports_are_never_cached(live_server: LiveServer) -> None:
    """API answers and exports carry Cache-Control: no-store, so no browser or proxy keeps them."""
    info = live_server.create_session("e2e")
    for path in ("/api/sessions", f"/api/sessions/{info['id']}/answers.csv", f"/api/join/{info['code']}"):
        response = live_server.api("GET", path)
        assert response.status_code == 200
        assert response.headers["cache-control"] == "no-store", path


async def answer_until_refused(phone: Peer, question: str, text: str) -> list[dict[str, Any]]:
    """Answer again and again until the server refuses (the session was deleted); the replies."""
    replies: list[dict[str, Any]] = []
    rev = 1
    while True:
        try:
            await phone.send({"type": "answer", "question": question, "value": f"{text} {rev}", "rev": rev})
            reply = await phone.recv()
        except websockets.ConnectionClosed:
            return replies
        replies.append(reply)
        if reply["type"] in ("error", "ended"):
            return replies
        rev += 1


async def test_deleting_sessions_while_another_takes_answers_hurts_nobody(server_factory: Any) -> None:
    """Eight sessions whose phones keep answering are deleted while forty phones answer in
    another: every delete succeeds, the doomed answers are nowhere in the files, and the other
    session loses no answer, raises no alarm and stays healthy."""
    server: LiveServer = server_factory(extra_args=["--rate-limit", "1000"])
    server.start()
    busy = server.create_session("e2e")
    doomed = [server.create_session("e2e") for _ in range(8)]
    for info in (busy, *doomed):
        server.command(info["id"], "show", question="remarks")
        server.command(info["id"], "open")
    boss, _ = await facilitator(server.ws_url, busy["id"], server.token)
    phones = [(await participant(server.ws_url, busy["code"]))[0] for _ in range(40)]
    victims = [(await participant(server.ws_url, info["code"]))[0] for info in doomed]
    secret = "vanishing-heron"
    for victim in victims:
        await victim.answer("remarks", secret)

    async def honest(phone: Peer) -> list[dict[str, Any]]:
        return [await phone.answer("remarks", f"honest {rev}", rev=rev) for rev in range(1, 31)]

    def delete_all() -> list[int]:
        return [server.api("DELETE", f"/api/sessions/{info['id']}").status_code for info in doomed]

    stuffing = [answer_until_refused(v, "remarks", secret) for v in victims]
    results = await asyncio.gather(asyncio.to_thread(delete_all), *map(honest, phones), *stuffing)
    assert results[0] == [200] * len(doomed)
    acks = [ack for replies in results[1 : 1 + len(phones)] for ack in replies]
    assert len(acks) == 40 * 30 and all(ack["type"] == "ack" for ack in acks)
    for replies in results[1 + len(phones) :]:
        assert all(r["type"] in ("ack", "ended") or r.get("code") == "not_found" for r in replies), replies
    assert server.api("GET", "/healthz").status_code == 200
    await boss.send({"type": "ping"})
    await boss.expect("pong")
    assert not [m for m in boss.seen if m["type"] == "health"]
    state = server.api("GET", f"/api/sessions/{busy['id']}").json()
    assert state["responses"] == 40
    files = b"".join(p.read_bytes() for p in server.db.parent.glob(server.db.name + "*"))
    assert secret.encode() not in files


async def test_the_purge_command_refuses_while_a_server_holds_the_database(live_server: LiveServer) -> None:
    """`polling purge` run beside a running server refuses and says why; the session is untouched."""
    info = live_server.create_session("e2e")
    command = [sys.executable, "-m", "polling", "purge", info["id"], "--db", str(live_server.db)]
    done = await asyncio.to_thread(subprocess.run, command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "in use by a running server" in done.stderr and "DELETE /api/sessions" in done.stderr
    assert live_server.api("GET", f"/api/sessions/{info['id']}").status_code == 200
    assert live_server.api("DELETE", f"/api/sessions/{info['id']}").json() == {"ok": True}


async def closed_by_server(reader: asyncio.StreamReader) -> bool:
    """Read until the server closes the connection."""
    while await reader.read(4096):
        pass
    return True


async def test_idle_and_slow_connections_are_let_go(live_server: LiveServer) -> None:
    """Sockets that send nothing, requests whose headers trickle in, and WebSockets that answer
    pings but never say hello are all closed by the server within seconds; the others are served."""
    silent = [await asyncio.open_connection("127.0.0.1", live_server.port) for _ in range(40)]
    slow = [await asyncio.open_connection("127.0.0.1", live_server.port) for _ in range(10)]
    for _, writer in slow:
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    mute = [await websockets.connect(live_server.ws_url) for _ in range(20)]

    async def trickle() -> None:
        # A header line now and then, as slowloris does, never the blank line that ends them.
        for step in range(40):
            for _, writer in slow:
                writer.write(f"X-Slow-{step}: 1\r\n".encode())
            await asyncio.sleep(0.5)

    trickling = asyncio.create_task(trickle())
    closed = [closed_by_server(reader) for reader, _ in silent + slow]
    waited = await asyncio.wait_for(asyncio.gather(*closed, *(m.wait_closed() for m in mute)), timeout=15)
    trickling.cancel()
    for _, writer in silent + slow:
        writer.close()
    assert all(waited[: len(closed)])
    assert {m.close_code for m in mute} == {1008}
    assert live_server.api("GET", "/healthz").status_code == 200
    info = live_server.create_session("e2e")
    phone, welcome = await participant(live_server.ws_url, info["code"])
    assert welcome["session"]["id"] == info["id"]


async def test_connections_waiting_for_hello_are_capped(server_factory: Any) -> None:
    """Past --max-pending connections that have not said hello, new ones are refused at the
    handshake; once the silent ones time out, phones get in again."""
    server: LiveServer = server_factory(extra_args=["--max-pending", "10"])
    server.start()
    info = server.create_session("e2e")
    silent = [await websockets.connect(server.ws_url) for _ in range(10)]
    with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
        await websockets.connect(server.ws_url)
    assert refused.value.response.status_code == 403
    await asyncio.wait_for(asyncio.gather(*(s.wait_closed() for s in silent)), timeout=15)
    phone, welcome = await participant(server.ws_url, info["code"])
    assert welcome["session"]["id"] == info["id"]


def test_the_open_file_limit_is_raised_at_start_up(server_factory: Any) -> None:
    """A server started under a low open-file limit raises it as far as the system allows and
    says so in its banner."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    low = min(256, soft)
    server: LiveServer = server_factory()
    resource.setrlimit(resource.RLIMIT_NOFILE, (low, hard))  # the server inherits it
    try:
        server.start()
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert server.process is not None
    limits = Path(f"/proc/{server.process.pid}/limits").read_text()
    line = next(line for line in limits.splitlines() if line.startswith("Max open files"))
    now = int(line.split()[3])
    banner = server.log.read_text()
    assert f"Open files: up to {now}" in banner
    if hard > low:
        assert now == hard and f"raised from {low}" in banner


def texts_size(peer: Peer) -> int:
    """Characters of the `texts` messages a presenter has received."""
    return sum(len(json.dumps(m)) for m in peer.seen if m["type"] == "texts")


async def test_a_facilitator_receives_what_changed_not_the_whole_list(live_server: LiveServer) -> None:
    """While 200 phones post long texts in 20 waves, the facilitator's `texts` messages add up
    to about the size of the texts themselves (the whole list each time would be ten times
    more); back after a drop, it gets only the texts that came while it was away."""
    info = live_server.create_session("e2e")
    live_server.command(info["id"], "show", question="remarks")
    live_server.command(info["id"], "open")
    boss, welcome = await facilitator(live_server.ws_url, info["id"], live_server.token)
    assert welcome["texts"] == [] and welcome["texts_version"]
    phones = [(await participant(live_server.ws_url, info["code"]))[0] for _ in range(205)]
    posted = 0
    for wave in range(20):
        sent = [f"{wave:02d}-{n:02d} " + "long remark " * 15 for n in range(10)]
        wave_phones = phones[wave * 10 : wave * 10 + 10]
        await asyncio.gather(*(p.answer("remarks", text) for p, text in zip(wave_phones, sent, strict=True)))
        posted += sum(len(text) for text in sent)
        await boss.expect("tally", responses=10 * (wave + 1))
    await boss.send({"type": "ping"})
    await boss.expect("pong")
    listed: dict[str, str] = {}
    for message in (m for m in boss.seen if m["type"] == "texts"):
        listed.update({t["id"]: t["text"] for t in message["texts"]})
    assert len(listed) == 200  # every text arrived
    assert texts_size(boss) < 2 * posted, (texts_size(boss), posted)
    version = next(m for m in reversed(boss.seen) if m["type"] == "texts")["version"]
    await boss.close()

    for phone in phones[200:]:
        await phone.answer("remarks", "while the console was away")
    back, again = await Peer.connect(
        live_server.ws_url, role="facilitator", session=info["id"], token=live_server.token,
        texts_version=version,
    )  # fmt: skip
    assert again["texts_since"] == version
    assert [t["text"] for t in again["texts"]] == ["while the console was away"] * 5
    fresh, whole = await facilitator(live_server.ws_url, info["id"], live_server.token)
    assert whole["texts_since"] is None and len(whole["texts"]) == 205


async def hello_as_new_phone(ws_url: str, code: str) -> dict[str, Any]:
    """Say hello as a phone never seen before, as a stuffing script does; the reply."""
    async with websockets.connect(ws_url) as connection:
        peer = Peer(connection)
        await peer.send({"type": "hello", "role": "participant", "code": code, "participant": None})
        return await peer.recv()


async def test_the_phone_limit_counts_distinct_phones_over_the_session(server_factory: Any) -> None:
    """With a limit of 2, a script saying hello as a new phone 60 times gets in twice; the
    limit survives a restart, phones that joined come back, and the facilitator can raise it
    while SESSION_INFO shows joins against answers."""
    server: LiveServer = server_factory()
    server.start()
    info = server.create_session("e2e", max_participants=2)
    server.command(info["id"], "show", question="pace")
    server.command(info["id"], "open")
    first, welcome = await participant(server.ws_url, info["code"])
    await first.answer("pace", "fast")
    await first.close()
    replies = [await hello_as_new_phone(server.ws_url, info["code"]) for _ in range(60)]
    assert [r["type"] for r in replies].count("welcome") == 1
    assert {r.get("code") for r in replies if r["type"] == "error"} == {"full"}
    state = server.api("GET", f"/api/sessions/{info['id']}").json()
    assert (state["session"]["joined"], state["session"]["answered"], state["responses"]) == (2, 1, 1)

    server.stop()
    server.start()
    assert (await hello_as_new_phone(server.ws_url, info["code"]))["code"] == "full"
    back, again = await participant(server.ws_url, info["code"], token=welcome["participant"])
    assert again["answer"] == "fast"  # a phone that joined before always comes back
    raised = server.api("POST", f"/api/sessions/{info['id']}/limit", {"max_participants": 3})
    assert raised.json()["joined"] == 2
    assert (await hello_as_new_phone(server.ws_url, info["code"]))["type"] == "welcome"
    assert (await hello_as_new_phone(server.ws_url, info["code"]))["code"] == "full"


async def test_new_phones_are_let_in_at_a_bounded_pace(server_factory: Any) -> None:
    """Past a burst, new phones of one session are let in at --join-rate: the rest get
    `rate_limited` and are let in when they try again; phones that joined before are not held up."""
    server: LiveServer = server_factory(extra_args=["--join-rate", "2"])
    server.start()
    info = server.create_session("e2e")
    known, welcome = await participant(server.ws_url, info["code"])
    await known.close()
    replies = await asyncio.gather(*(hello_as_new_phone(server.ws_url, info["code"]) for _ in range(400)))
    admitted = [r["type"] for r in replies].count("welcome")
    assert 299 <= admitted < 320
    assert {r.get("code") for r in replies if r["type"] == "error"} == {"rate_limited"}
    back, _ = await participant(server.ws_url, info["code"], token=welcome["participant"])

    async def let_in_later() -> None:
        while (await hello_as_new_phone(server.ws_url, info["code"]))["type"] != "welcome":
            await asyncio.sleep(0.1)

    await asyncio.wait_for(let_in_later(), timeout=10)


async def test_a_room_of_300_joins_at_once(live_server: LiveServer) -> None:
    """Three hundred phones joining together are all let in at once, with the default pace."""
    info = live_server.create_session("e2e")
    joined = await asyncio.wait_for(
        asyncio.gather(*(participant(live_server.ws_url, info["code"]) for _ in range(300))), timeout=60
    )
    assert {welcome["session"]["id"] for _, welcome in joined} == {info["id"]}
    assert live_server.api("GET", f"/api/sessions/{info['id']}").json()["session"]["joined"] == 300


async def test_a_page_on_a_rebound_name_cannot_open_a_socket(live_server: LiveServer) -> None:
    """A page on another name that resolves to this machine (DNS rebinding) sends a matching
    Host and Origin; it is refused, while this server's own address and localhost are served."""
    port = live_server.port
    rebound = f"ws://evil.example:{port}/ws"
    with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
        await websockets.connect(rebound, host="127.0.0.1", port=port, origin=f"http://evil.example:{port}")  # type: ignore[arg-type]
    assert refused.value.response.status_code == 403
    for origin in (f"http://127.0.0.1:{port}", f"http://localhost:{port}"):
        async with websockets.connect(live_server.ws_url, origin=origin) as connection:  # type: ignore[arg-type]
            peer = Peer(connection)
            await peer.send({"type": "ping"})
            assert (await peer.expect("error"))["code"] == "hello_required"
