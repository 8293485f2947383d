"""Audience Q&A under load: a room of phones asks questions and votes on them at once.

A real server runs a session with Q&A open; the first phones each ask one question, then
every phone votes for several questions (each vote a different question, so every vote
counts), as fast as acknowledgements come back. What counts: every acknowledged vote is
stored (`votes_stored` equals `votes_acked`), how far behind the facilitator's live list is
(the time from a vote's acknowledgement until a `qna` message counts it), and the server's
CPU time per vote.
"""

from __future__ import annotations

import asyncio
import bisect
import json
import random
import secrets
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import websockets

from polling import data
from polling.bench.bench import Server, free_port, percentile, project_command
from polling.bench.loadgen import CONNECT_CONCURRENCY

BANK = "workshop-evaluation"
VOTES_PER_PHONE = 10


async def _hello(url: str, **hello: Any) -> Any:
    """A connection whose hello was welcomed; a phone turned away while many join tries again."""
    while True:
        try:
            socket = await websockets.connect(url, max_size=2**24)
        except websockets.InvalidStatus:
            # Too many connections waiting for their hello (`--max-pending`): as a page does.
            await asyncio.sleep(0.2)
            continue
        await socket.send(json.dumps({"type": "hello", **hello}))
        reply = json.loads(await socket.recv())
        if reply["type"] == "welcome":
            return socket
        await socket.close()
        if reply.get("code") != "rate_limited":
            raise RuntimeError(f"hello refused: {reply}")
        await asyncio.sleep(0.5)


async def _reply(socket: Any, kind: str) -> dict[str, Any]:
    while True:
        message: dict[str, Any] = json.loads(await socket.recv())
        if message["type"] in (kind, "error"):
            return message


async def room(url: str, session: str, code: str, token: str, phones: int, questions: int) -> dict[str, Any]:
    """Run the room; the acknowledgement times of the votes and what the facilitator was shown."""
    shown: list[tuple[float, int]] = []  # (when, votes counted) of each `qna` the facilitator got
    boss = await _hello(url, role="facilitator", session=session, token=token)

    async def watch() -> None:
        async for raw in boss:
            message = json.loads(raw)
            if message["type"] == "qna":
                shown.append((time.perf_counter(), sum(q["votes"] for q in message["questions"])))

    watcher = asyncio.create_task(watch())
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def join() -> Any:
        async with gate:  # as the main benchmark's phones connect: a few dozen at a time
            return await _hello(url, role="participant", code=code, participant=None)

    sockets = await asyncio.gather(*(join() for _ in range(phones)))
    ids = []
    for n, socket in enumerate(sockets[:questions]):
        await socket.send(json.dumps({"type": "ask", "text": f"Question {n} from the room?"}))
        ids.append((await _reply(socket, "asked"))["question"]["id"])
    acked: list[float] = []
    sent = 0

    async def vote(socket: Any) -> None:
        nonlocal sent
        for question in random.sample(ids, min(VOTES_PER_PHONE, len(ids))):
            await socket.send(json.dumps({"type": "vote", "id": question, "up": True}))
            sent += 1
            if (await _reply(socket, "voted"))["type"] == "voted":
                acked.append(time.perf_counter())

    await asyncio.gather(*(vote(socket) for socket in sockets))
    deadline = time.perf_counter() + 10
    while (not shown or shown[-1][1] < len(acked)) and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    watcher.cancel()
    await asyncio.gather(*(s.close() for s in [boss, *sockets]), return_exceptions=True)
    return {"acked": sorted(acked), "shown": shown, "sent": sent, "questions": len(ids)}


def presenter_lags(acked: list[float], shown: list[tuple[float, int]]) -> list[float]:
    """For the k-th acknowledged vote, ms until the facilitator was shown at least k votes."""
    counts = [count for _, count in shown]
    lags = []
    for k, when in enumerate(acked, 1):
        first = bisect.bisect_left(counts, k)  # counts only grow: the votes are never taken back
        if first < len(shown):
            lags.append(max(0.0, (shown[first][0] - when) * 1000))
    return lags


def run_qna(phones: int) -> dict[str, Any]:
    """Measure the room; print the summary, one JSON object, as the last line."""
    questions = max(1, phones // 10)
    with tempfile.TemporaryDirectory(prefix="polling-qna-") as name:
        workdir = Path(name)
        (workdir / "banks").mkdir()
        shutil.copy(data.BANKS / f"{BANK}.yaml", workdir / "banks")
        port, token = free_port(), secrets.token_urlsafe(12)
        server = Server(project_command(workdir, port, workdir / "qna.sqlite3", token), port)
        server.start(workdir / "qna.log")
        try:
            base = f"http://127.0.0.1:{port}"
            headers = {"Authorization": f"Bearer {token}"}
            info = httpx.post(
                f"{base}/api/sessions", json={"bank": BANK, "qna": True}, headers=headers, timeout=60
            ).json()
            cpu_before = server.cpu_seconds()
            outcome = asyncio.run(
                room(f"ws://127.0.0.1:{port}/ws", info["id"], info["code"], token, phones, questions)
            )
            cpu = server.cpu_seconds() - cpu_before
            stored = httpx.get(f"{base}/api/sessions/{info['id']}/qna", headers=headers, timeout=60).json()
        finally:
            server.stop()
    lags = presenter_lags(outcome["acked"], outcome["shown"])
    summary = {
        "participants": phones,
        "questions": outcome["questions"],
        "votes_sent": outcome["sent"],
        "votes_acked": len(outcome["acked"]),
        "votes_stored": sum(q["votes"] for q in stored["questions"]),
        "presenter_lag_p99_ms": round(percentile(lags, 0.99), 1) if lags else None,
        "cpu_us_per_vote": round(cpu * 1e6 / max(1, len(outcome["acked"])), 1),
    }
    print(json.dumps(summary), flush=True)
    return summary
