"""The crash test over several processes: kill one worker of `serve --workers N` mid-burst.

The server runs on PostgreSQL with Redis between its workers. Phones spread over the workers
answer within two seconds; a quarter of the way through, one worker is killed with SIGKILL.
Its phones reconnect through the same port (to a surviving worker, or to the one the
supervisor starts again) and resend what was not acknowledged. Then the database, the
phones' acknowledgements and every worker's presenter count must agree.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import websockets

from polling.bench.bench import BENCH_BANK, Clients, Presenter, Server, free_port
from polling.bench.loadgen import raise_file_limit
from polling.live.service import participant_key


def workers_command(workdir: Path, port: int, db: str, redis: str, workers: int) -> list[str]:
    """`polling serve --workers N` on this port, database and Redis."""
    return [sys.executable, "-m", "polling", "serve", "--host", "127.0.0.1", "--port", str(port),
            "--db", db, "--redis", redis, "--workers", str(workers),
            "--banks", str(workdir / "banks"), "--public-url", f"http://127.0.0.1:{port}",
            # Simulated phones change answers far faster than people do.
            "--rate-limit", "1000000"]  # fmt: skip


def worker_pids(log: Path) -> list[int]:
    """The workers the supervisor last reported running."""
    lines = re.findall(r"^Workers: ([\d, ]+)$", log.read_text(), re.M)
    return [int(pid) for pid in lines[-1].split(", ")] if lines else []


async def stored_answers(db: str, session_id: str) -> list[tuple[str, Any]]:
    """Every stored answer of the session: (participant, value)."""
    connection = await asyncpg.connect(db)
    try:
        rows = await connection.fetch(
            "SELECT participant, value FROM answers WHERE session_id = $1", session_id
        )
    finally:
        await connection.close()
    return [(row["participant"], json.loads(row["value"])) for row in rows]


async def crash_workers(
    participants: int, processes: int, workers: int, db: str, redis: str, workdir: Path
) -> dict[str, Any]:
    """Kill one worker with SIGKILL during an answer burst, and count what survived."""
    port = free_port()
    url = f"ws://127.0.0.1:{port}/ws"
    token = secrets.token_urlsafe(12)
    log = workdir / "workers.log"
    server = Server(workers_command(workdir, port, db, redis, workers), port)
    os.environ["POLLING_TOKEN"] = token
    try:
        server.start(log)
    finally:
        del os.environ["POLLING_TOKEN"]
    headers = {"Authorization": f"Bearer {token}"}
    base = f"http://127.0.0.1:{port}/api/sessions"
    clients: Clients | None = None
    try:
        async with httpx.AsyncClient(timeout=30) as http:
            info = (await http.post(base, json={"bank": "bench"}, headers=headers)).json()
            await http.post(f"{base}/{info['id']}/show", json={"question": "q"}, headers=headers)
            clients = Clients(url, info["code"], participants, processes, spread=2.0)
            await clients.ask("join")
            presenter = Presenter(await websockets.connect(url, compression=None), target=participants // 4)
            hello = {"type": "hello", "role": "facilitator", "session": info["id"], "token": token}
            await presenter.ws.send(json.dumps(hello))
            listener = asyncio.create_task(presenter.listen())
            await http.post(f"{base}/{info['id']}/open", headers=headers)
            await asyncio.wait_for(presenter.done.wait(), timeout=120)
            victim = worker_pids(log)[0]
            os.kill(victim, signal.SIGKILL)
            listener.cancel()
            rounds = await clients.ask("answers")
            stored = await stored_answers(db, info["id"])
            counts = await presenter_counts(base, info["id"], headers, len({p for p, _ in stored}))
    finally:
        if clients is not None:
            await clients.stop()
        server.stop()
    tokens = [t for r in rounds for t in r["tokens"]]
    values = [v for r in rounds for v in r["values"]]
    by_phone = dict(stored)
    expected = {participant_key(info["id"], t): v for t, v in zip(tokens, values, strict=True)}
    return {
        "participants": participants,
        "workers": workers,
        "killed_worker": victim,
        "acked": len(tokens),
        "acked_before_crash": sum(a for r in rounds for a in r["acked_live"]),
        "reconnects": sum(r["reconnects"] for r in rounds),
        "stored": len(by_phone),
        "lost": sum(by_phone.get(key) != value for key, value in expected.items()),
        "duplicates": len(stored) - len(by_phone),
        "presenter_counts": sorted(counts),
        "counts_agree": counts == {len(by_phone)},
    }


async def presenter_counts(base: str, session_id: str, headers: dict[str, str], stored: int) -> set[int]:
    """The response counts that the workers show, asked over many fresh connections (the kernel
    spreads them over the workers), until they all agree with the database or ten seconds pass."""
    seen: set[int] = set()
    for _ in range(100):
        seen = set()
        for _ in range(20):
            async with httpx.AsyncClient(timeout=30) as fresh:
                reply = await fresh.get(f"{base}/{session_id}", headers=headers)
                seen.add(reply.json()["responses"])
        if seen == {stored}:
            break
        await asyncio.sleep(0.1)
    return seen


def run_crash_workers(participants: int, processes: int, workers: int, db: str, redis: str) -> dict[str, Any]:
    """The crash test over several workers: print a line of figures, then one JSON object."""
    raise_file_limit()
    with tempfile.TemporaryDirectory(prefix="polling-crash-") as workdir:
        (Path(workdir) / "banks").mkdir()
        (Path(workdir) / "banks" / "bench.yaml").write_text(BENCH_BANK)
        result = asyncio.run(crash_workers(participants, processes, workers, db, redis, Path(workdir)))
    print(
        f"{result['participants']} participants on {workers} workers; SIGKILL of worker "
        f"{result['killed_worker']} after {result['acked_before_crash']} acknowledgements; "
        f"{result['reconnects']} reconnections; {result['stored']} stored, {result['lost']} lost, "
        f"{result['duplicates']} counted twice; presenters show {result['presenter_counts']}"
    )
    print(json.dumps(result))
    return result
