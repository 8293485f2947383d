"""Benchmarks of a server of several processes, and of many rooms at once.

The crash test over several processes kills one worker of `serve --workers N` mid-burst.

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
import secrets
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import websockets

from polling.bench.bench import (
    BENCH_BANK,
    Clients,
    Presenter,
    Server,
    api,
    cpu_seconds,
    free_port,
    percentile,
    postgres_commits,
    project_command,
    worker_pids,
    workers_command,
)
from polling.bench.loadgen import raise_file_limit
from polling.live.stored import participant_key


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
            info = await api(http, "POST", base, json={"bank": "bench"}, headers=headers)
            await api(http, "POST", f"{base}/{info['id']}/show", json={"question": "q"}, headers=headers)
            clients = Clients(url, info["code"], participants, processes, spread=2.0)
            await clients.ask("join")
            presenter = Presenter(await websockets.connect(url, compression=None), target=participants // 4)
            hello = {"type": "hello", "role": "facilitator", "session": info["id"], "token": token}
            await presenter.ws.send(json.dumps(hello))
            listener = asyncio.create_task(presenter.listen())
            await api(http, "POST", f"{base}/{info['id']}/open", headers=headers)
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


async def rooms(
    count: int, per_room: int, processes: int, workers: int, db: str | None, redis: str | None, workdir: Path
) -> dict[str, Any]:
    """Many sessions at once: every room opens its question within the same moment and every
    phone answers at once; per-room rounds, durable answers a second, and the cost per answer."""
    port = free_port()
    url = f"ws://127.0.0.1:{port}/ws"
    token = secrets.token_urlsafe(12)
    log = workdir / "rooms.log"
    if workers > 1:
        assert db is not None and redis is not None
        command = workers_command(workdir, port, db, redis, workers)
    else:
        command = project_command(workdir, port, workdir / "rooms.sqlite3", token)
        if db is not None:
            command[command.index("--db") + 1] = db
    server = Server(command, port)
    os.environ["POLLING_TOKEN"] = token
    try:
        server.start(log)
    finally:
        del os.environ["POLLING_TOKEN"]
    pids = worker_pids(log) if workers > 1 else [server.process.pid if server.process else 0]
    headers = {"Authorization": f"Bearer {token}"}
    base = f"http://127.0.0.1:{port}/api/sessions"
    clients: Clients | None = None
    try:
        async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=32)) as http:
            sessions = [
                await api(http, "POST", base, json={"bank": "bench"}, headers=headers) for _ in range(count)
            ]
            await asyncio.gather(
                *(
                    api(http, "POST", f"{base}/{s['id']}/show", json={"question": "q"}, headers=headers)
                    for s in sessions
                )
            )
            clients = Clients(url, [s["code"] for s in sessions], count * per_room, processes)
            await clients.ask("join")
            cpu_before, commits_before = cpu_seconds(pids), await postgres_commits(db)

            async def open_room(session: dict[str, Any]) -> tuple[str, float]:
                # From the moment the command leaves: phones may answer before its reply returns.
                asked = time.monotonic()
                await api(http, "POST", f"{base}/{session['id']}/open", headers=headers)
                return session["code"], asked

            opened = dict(await asyncio.gather(*(open_room(s) for s in sessions)))
            replies = await clients.ask("answers")
            ended = time.monotonic()
            cpu, commits = cpu_seconds(pids) - cpu_before, await postgres_commits(db) - commits_before
            counted = [
                (await api(http, "GET", f"{base}/{s['id']}", headers=headers))["responses"] for s in sessions
            ]
    finally:
        if clients is not None:
            await clients.stop()
        server.stop()
    last_ack: dict[str, float] = {}
    for reply in replies:
        for code, acked in zip(reply["codes"], reply["acked_at"], strict=True):
            last_ack[code] = max(last_ack.get(code, 0.0), acked)
    rounds = [last_ack[code] - opened[code] for code in opened]
    acks = [(a - s) * 1000 for r in replies for s, a in zip(r["sent_at"], r["acked_at"], strict=True)]
    answers = count * per_room
    elapsed = ended - min(opened.values())
    return {
        "rooms": count,
        "per_room": per_room,
        "workers": workers,
        "engine": "postgresql" if db else "sqlite",
        "room_round_p50_s": round(percentile(rounds, 0.50), 3),
        "room_round_p99_s": round(percentile(rounds, 0.99), 3),
        "ack_p50_ms": round(percentile(acks, 0.50)),
        "ack_p99_ms": round(percentile(acks, 0.99)),
        "answers_per_s": round(answers / elapsed),
        "cpu_us_per_answer": round(cpu / answers * 1e6),
        "commits_per_s": round(commits / elapsed) if db else None,
        "answers_counted": sum(counted),
        "answers_sent": answers,
    }


def run_rooms(
    count: int, per_room: int, processes: int, workers: int, db: str | None, redis: str | None
) -> dict[str, Any]:
    """The many-rooms benchmark: print a line of figures, then one JSON object."""
    raise_file_limit()
    with tempfile.TemporaryDirectory(prefix="polling-rooms-") as workdir:
        (Path(workdir) / "banks").mkdir()
        (Path(workdir) / "banks" / "bench.yaml").write_text(BENCH_BANK)
        try:
            result = asyncio.run(rooms(count, per_room, processes, workers, db, redis, Path(workdir)))
        except Exception:
            log = Path(workdir) / "rooms.log"
            print(log.read_text()[-20_000:] if log.exists() else "(no server log)", file=sys.stderr)
            raise
    print(
        f"{count} rooms of {per_room} on {workers} process(es), {result['engine']}: room round p50 "
        f"{result['room_round_p50_s']} s, p99 {result['room_round_p99_s']} s; ack p99 "
        f"{result['ack_p99_ms']} ms; {result['answers_per_s']} "
        f"durable answers/s; {result['cpu_us_per_answer']} µs server CPU per answer; "
        f"{result['answers_counted']} of {result['answers_sent']} counted"
    )
    print(json.dumps(result))
    return result
