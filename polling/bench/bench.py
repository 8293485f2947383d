"""The benchmark: one round of N participants against the real server and a raw baseline.

Each server runs in its own process; the participants run in separate client processes
(polling/bench/loadgen.py), speaking docs/protocol.md over real WebSockets. The coordinator plays
the facilitator and watches the presenter's tally.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import os
import platform
import re
import secrets
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import websockets

from polling.bench.loadgen import raise_file_limit, worker_main
from polling.live.stored import participant_key
from polling.store import is_server_url

BENCH_BANK = """\
title: Benchmark
questions:
  - id: q
    type: single
    prompt: Which one?
    options:
      - {id: a, label: A}
      - {id: b, label: B}
      - {id: c, label: C}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def api(http: httpx.AsyncClient, method: str, url: str, **kwargs: Any) -> Any:
    """A facilitator's API call that must succeed: its JSON reply, or an error saying what the
    server answered (a round driven by a refused command would otherwise wait for ever)."""
    response = await http.request(method, url, **kwargs)
    if not response.is_success:
        raise RuntimeError(f"{method} {url} answered {response.status_code}: {response.text[:500]}")
    return response.json()


def percentile(values: Sequence[float], share: float) -> float:
    """The value below which `share` of `values` lie (nearest rank)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered)) - 1))
    return ordered[rank]


@dataclass
class Server:
    """A server process on a free port of 127.0.0.1."""

    command: list[str]
    port: int
    process: subprocess.Popen[bytes] | None = None
    # The processes that serve, when they are not `process` itself (the workers of a supervisor).
    serving: list[int] = field(default_factory=list)

    def pids(self) -> list[int]:
        assert self.process is not None
        return self.serving or [self.process.pid]

    def start(self, log: Path) -> None:
        with log.open("ab") as output:
            self.process = subprocess.Popen(self.command, stdout=output, stderr=output)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited:\n{log.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("server did not start within 60 s")

    def rss(self) -> int:
        """Resident memory of the serving processes together, in bytes."""
        total = 0
        for pid in self.pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        return total

    def cpu_seconds(self) -> float:
        """CPU time the serving processes have used so far, all their threads together."""
        return cpu_seconds(self.pids())

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def cpu_seconds(pids: list[int]) -> float:
    """CPU time these processes have used so far, all their threads together."""
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


@dataclass(frozen=True)
class Engines:
    """Several workers over PostgreSQL and Redis: the server measured beside the SQLite one."""

    db: str
    redis: str
    workers: int


@dataclass
class Presenter:
    """The facilitator's connection: sends commands, records every tally it sees."""

    ws: Any
    seen: list[tuple[float, int]] = field(default_factory=list)
    target: int = 0
    done: asyncio.Event = field(default_factory=asyncio.Event)

    async def listen(self) -> None:
        async for raw in self.ws:
            message = json.loads(raw)
            if message.get("type") == "tally" and message.get("responses") is not None:
                self.seen.append((time.monotonic(), int(message["responses"])))
                if self.target and message["responses"] >= self.target:
                    self.done.set()

    def seen_at(self, count: int) -> float:
        """When the presenter first showed at least `count` responses."""
        return next(t for t, n in self.seen if n >= count)


class Clients:
    """The client processes, each running a share of the participants."""

    def __init__(
        self,
        url: str,
        code: str | list[str],
        participants: int,
        processes: int,
        spread: float = 0.0,
        target: Callable[..., None] = worker_main,
    ) -> None:
        context = multiprocessing.get_context("spawn")
        self.pipes = []
        self.processes = []
        shares = [participants // processes + (i < participants % processes) for i in range(processes)]
        first = 0
        for share in shares:
            parent, child = context.Pipe()
            process = context.Process(
                target=target, args=(child, url, code, share, first, spread), daemon=True
            )
            process.start()
            child.close()  # so that a client process that dies is an EOFError here, not a hang
            self.pipes.append(parent)
            self.processes.append(process)
            first += share

    async def ask(self, command: str, *args: Any) -> list[Any]:
        """Send a command to every client process and gather their answers."""
        loop = asyncio.get_running_loop()
        for pipe in self.pipes:
            pipe.send((command, args))
        replies = await asyncio.gather(*(loop.run_in_executor(None, pipe.recv) for pipe in self.pipes))
        return [result for _, result in replies]

    async def stop(self) -> None:
        """Stop every client process; one that already died (its error was raised) is not asked."""
        loop = asyncio.get_running_loop()
        alive = [pipe for pipe, process in zip(self.pipes, self.processes, strict=True) if process.is_alive()]
        for pipe in alive:
            with contextlib.suppress(BrokenPipeError, OSError):
                pipe.send(("stop", ()))
        for pipe in alive:
            with contextlib.suppress(EOFError, OSError):
                await loop.run_in_executor(None, pipe.recv)
        for process in self.processes:
            process.join(timeout=10)


async def measure(
    target: str,
    participants: int,
    processes: int,
    changes: int,
    workdir: Path,
    engines: Engines | None = None,
) -> dict[str, Any]:
    """One round against a server: "raw" (the baseline), "project" (one process on SQLite) or
    "workers" (`serve --workers N` on PostgreSQL and Redis, as `engines` says)."""
    """One round against `target` ("project" or "raw"); returns its figures."""
    port = free_port()
    url = f"ws://127.0.0.1:{port}/ws"
    token = secrets.token_urlsafe(12)
    db = workdir / f"{target}.sqlite3"
    if target != "raw":
        banks = workdir / "banks"
        banks.mkdir(exist_ok=True)
        (banks / "bench.yaml").write_text(BENCH_BANK)
    if target == "workers":
        assert engines is not None
        command = workers_command(workdir, port, engines.db, engines.redis, engines.workers)
    elif target == "project":
        command = project_command(workdir, port, db, token)
    else:
        command = [sys.executable, "-m", "polling.bench.rawserver", str(port)]
    server = Server(command, port)
    os.environ["POLLING_TOKEN"] = token  # read by the workers, whose command line names no token
    try:
        server.start(workdir / f"{target}.log")
    finally:
        del os.environ["POLLING_TOKEN"]
    try:
        if target == "workers":
            server.serving = worker_pids(workdir / f"{target}.log")
        session_id, code = "raw", "RAW"
        if target != "raw":
            headers = {"Authorization": f"Bearer {token}"}
            info = httpx.post(
                f"http://127.0.0.1:{port}/api/sessions", json={"bank": "bench"}, headers=headers
            ).json()
            session_id, code = info["id"], info["code"]
        ws = await websockets.connect(url, compression=None, max_size=2**24)
        await ws.send(
            json.dumps({"type": "hello", "role": "facilitator", "session": session_id, "token": token})
        )
        await ws.recv()
        presenter = Presenter(ws, target=participants)
        listener = asyncio.create_task(presenter.listen())
        if target != "raw":
            await ws.send(json.dumps({"type": "show", "question": "q"}))
        rss_before = server.rss()

        clients = Clients(url, code, participants, processes)
        joined = await clients.ask("join")
        started = min(r["started"] for r in joined)
        join_s = max(max(r["joined"]) for r in joined) - started
        join_retries = sum(r["retries"] for r in joined)
        rss_after = server.rss()

        opened = time.monotonic()
        await ws.send(json.dumps({"type": "open"}))
        rounds = await clients.ask("answers")
        await asyncio.wait_for(presenter.done.wait(), timeout=600)
        round_s = presenter.seen_at(participants) - opened
        question_at = [t for r in rounds for t in r["question_at"]]
        sent_at = [t for r in rounds for t in r["sent_at"]]
        acked_at = [t for r in rounds for t in r["acked_at"]]
        pushes = [(t - opened) * 1000 for t in question_at]
        acks = [(a - s) * 1000 for s, a in zip(sent_at, acked_at, strict=True)]
        lags = [
            (presenter.seen_at(rank) - acked) * 1000 for rank, acked in enumerate(sorted(acked_at), start=1)
        ]
        stored_db = str(db) if target == "project" else engines.db if engines else None
        stored = len(await stored_revs(stored_db, session_id)) if stored_db else None

        cpu_before = server.cpu_seconds()
        commits_before = await postgres_commits(stored_db)
        ingest = await clients.ask("ingest", changes)
        cpu_per_answer = (server.cpu_seconds() - cpu_before) / max(1, changes * participants)
        ingest_s = max(r["ended"] for r in ingest) - min(r["started"] for r in ingest)
        commits = await postgres_commits(stored_db) - commits_before
        acked_changes = sum(r["acked"] for r in ingest)
        final = {token: rev for r in ingest for token, rev in r["final"].items()}
        consistent = None
        if stored_db:
            revs = await stored_revs(stored_db, session_id)
            consistent = all(revs.get(participant_key(session_id, t)) == rev for t, rev in final.items())
        await clients.stop()
        listener.cancel()
        await ws.close()
    finally:
        server.stop()
    return {
        "participants": participants,
        "join_s": join_s,
        "join_retries": join_retries,
        "push_p50_ms": percentile(pushes, 0.5),
        "push_p99_ms": percentile(pushes, 0.99),
        "ack_p50_ms": percentile(acks, 0.5),
        "ack_p99_ms": percentile(acks, 0.99),
        "round_s": round_s,
        "presenter_lag_p99_ms": percentile(lags, 0.99),
        "ingest_per_s": acked_changes / ingest_s if ingest_s > 0 else float("nan"),
        "rss_per_participant_kb": (rss_after - rss_before) / participants / 1024,
        "cpu_us_per_answer": cpu_per_answer * 1e6,
        "answers_sent": len(acks),
        "answers_stored": stored,
        "commits_per_s": commits / ingest_s if target == "workers" and ingest_s > 0 else None,
        "changes_consistent": consistent,
    }


async def crash(participants: int, processes: int, workdir: Path) -> dict[str, Any]:
    """Kill the server with SIGKILL during an answer burst, restart it, and count what survived."""
    port = free_port()
    url = f"ws://127.0.0.1:{port}/ws"
    token = secrets.token_urlsafe(12)
    db = workdir / "crash.sqlite3"
    server = Server(project_command(workdir, port, db, token), port)
    server.start(workdir / "crash.log")
    headers = {"Authorization": f"Bearer {token}"}
    base = f"http://127.0.0.1:{port}/api/sessions"
    info = httpx.post(base, json={"bank": "bench"}, headers=headers).json()
    httpx.post(f"{base}/{info['id']}/show", json={"question": "q"}, headers=headers)
    # Answers spread over two seconds, so that the kill lands in the middle of the burst.
    clients = Clients(url, info["code"], participants, processes, spread=2.0)
    try:
        await clients.ask("join")
        presenter = Presenter(await websockets.connect(url, compression=None), target=participants // 4)
        await presenter.ws.send(
            json.dumps({"type": "hello", "role": "facilitator", "session": info["id"], "token": token})
        )
        listener = asyncio.create_task(presenter.listen())
        httpx.post(f"{base}/{info['id']}/open", headers=headers)
        # A quarter of the answers are stored: the burst is under way. Pull the plug.
        await asyncio.wait_for(presenter.done.wait(), timeout=60)
        assert server.process is not None
        server.process.kill()
        server.process.wait()
        listener.cancel()
        server.start(workdir / "crash.log")
        rounds = await clients.ask("answers")
        state = httpx.get(f"{base}/{info['id']}", headers=headers).json()
        await clients.stop()
    finally:
        server.stop()
    tokens = [t for r in rounds for t in r["tokens"]]
    values = [v for r in rounds for v in r["values"]]
    live = [a for r in rounds for a in r["acked_live"]]
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        rows = connection.execute(
            "SELECT participant, value FROM answers WHERE session_id = ?", (info["id"],)
        ).fetchall()
    stored = {participant: json.loads(value) for participant, value in rows}
    expected = {participant_key(info["id"], t): v for t, v in zip(tokens, values, strict=True)}
    return {
        "participants": participants,
        "acked": len(tokens),
        "acked_before_crash": sum(live),
        "reconnects": sum(r["reconnects"] for r in rounds),
        "stored": len(stored),
        "lost": sum(stored.get(key) != value for key, value in expected.items()),
        "duplicates": len(rows) - len(stored) + max(0, state["responses"] - len(stored)),
        "resumed": state["current"] == "q" and state["state"] == "open",
        "counted": state["responses"],
    }


def run_crash(participants: int, processes: int = 2) -> dict[str, Any]:
    """The crash test: print a line of figures and return them."""
    raise_file_limit()
    with tempfile.TemporaryDirectory(prefix="polling-crash-") as workdir:
        (Path(workdir) / "banks").mkdir()
        (Path(workdir) / "banks" / "bench.yaml").write_text(BENCH_BANK)
        result = asyncio.run(crash(participants, processes, Path(workdir)))
    print(
        f"{result['participants']} participants; SIGKILL after {result['acked_before_crash']} "
        f"acknowledgements; {result['reconnects']} reconnections; {result['stored']} stored, "
        f"{result['lost']} lost, {result['duplicates']} counted twice"
    )
    print(json.dumps(result))
    return result


def workers_command(workdir: Path, port: int, db: str, redis: str, workers: int) -> list[str]:
    """`polling serve --workers N` on this port, database and Redis."""
    return [sys.executable, "-m", "polling", "serve", "--host", "127.0.0.1", "--port", str(port),
            "--db", db, "--redis", redis, "--workers", str(workers),
            "--banks", str(workdir / "banks"), "--public-url", f"http://127.0.0.1:{port}",
            # Simulated phones change answers, and thousands join, far faster than people do.
            "--rate-limit", "1000000", "--join-rate", "1000000"]  # fmt: skip


def worker_pids(log: Path) -> list[int]:
    """The workers the supervisor last reported running."""
    lines = re.findall(r"^Workers: ([\d, ]+)$", log.read_text(), re.M)
    return [int(pid) for pid in lines[-1].split(", ")] if lines else []


def project_command(workdir: Path, port: int, db: Path, token: str) -> list[str]:
    """The real server, as `polling serve` runs it, on this port and database."""
    return [sys.executable, "-m", "polling", "serve", "--host", "127.0.0.1", "--port", str(port),
            "--db", str(db), "--banks", str(workdir / "banks"), f"--token={token}",
            "--public-url", f"http://127.0.0.1:{port}",
            # Simulated phones change answers, and thousands join, far faster than people do.
            "--rate-limit", "1000000", "--join-rate", "1000000"]  # fmt: skip


async def stored_revs(db: str, session_id: str) -> dict[str, int]:
    """Each stored answer's rev by participant, from a SQLite file or a PostgreSQL URL."""
    query = "SELECT participant, rev FROM answers WHERE session_id = "
    if not is_server_url(db):
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
            return dict(connection.execute(query + "?", (session_id,)))
    connection = await asyncpg.connect(db)
    try:
        return {row["participant"]: row["rev"] for row in await connection.fetch(query + "$1", session_id)}
    finally:
        await connection.close()


async def postgres_commits(db: str | None) -> int:
    """Transactions committed so far in a PostgreSQL database (0 for SQLite or none)."""
    if db is None or not is_server_url(db):
        return 0
    connection = await asyncpg.connect(db)
    try:
        return int(
            await connection.fetchval(
                "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
            )
        )
    finally:
        await connection.close()


ROWS = [
    ("join_s", "join, s", "{:.2f}"),
    ("push_p50_ms", "push p50, ms", "{:.0f}"),
    ("push_p99_ms", "push p99, ms", "{:.0f}"),
    ("ack_p50_ms", "ack p50, ms", "{:.0f}"),
    ("ack_p99_ms", "ack p99, ms", "{:.0f}"),
    ("round_s", "round, s", "{:.2f}"),
    ("presenter_lag_p99_ms", "presenter lag p99, ms", "{:.0f}"),
    ("ingest_per_s", "ingest, answers/s", "{:.0f}"),
    ("rss_per_participant_kb", "memory per participant, KB", "{:.1f}"),
    ("cpu_us_per_answer", "server CPU per answer, µs", "{:.0f}"),
    ("answers_sent", "answers sent", "{}"),
    ("answers_stored", "answers stored", "{}"),
    ("commits_per_s", "PostgreSQL commits/s", "{:.0f}"),
]


def report(
    project: dict[str, Any], raw: dict[str, Any], workers: dict[str, Any] | None = None
) -> tuple[str, dict[str, Any]]:
    """The human table and the summary object (its last line)."""
    columns = [("project", project), ("raw", raw)] + ([("workers", workers)] if workers else [])
    lines = [f"{'':<28}" + "".join(f" {name:>10}" for name, _ in columns)]
    for key, label, form in ROWS:
        cells = [form.format(c[key]) if c[key] is not None else "-" for _, c in columns]
        lines.append(f"{label:<28}" + "".join(f" {cell:>10}" for cell in cells))
    summary = {
        **{k: v for k, v in project.items()},
        "raw_round_s": raw["round_s"],
        "round_ratio": project["round_s"] / raw["round_s"] if raw["round_s"] else None,
        "raw_ack_p99_ms": raw["ack_p99_ms"],
        "ack_p99_ratio": project["ack_p99_ms"] / raw["ack_p99_ms"] if raw["ack_p99_ms"] else None,
        "raw_push_p50_ms": raw["push_p50_ms"],
        "raw_push_p99_ms": raw["push_p99_ms"],
        "raw_ack_p50_ms": raw["ack_p50_ms"],
        "raw_join_s": raw["join_s"],
        "raw_ingest_per_s": raw["ingest_per_s"],
        "raw_rss_per_participant_kb": raw["rss_per_participant_kb"],
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    lines.append(f"{'round, project / raw':<28} {summary['round_ratio']:>10.2f}")
    lines.append(f"{'ack p99, project / raw':<28} {summary['ack_p99_ratio']:>10.2f}")
    if workers:
        summary.update({f"workers_{k}": v for k, v in workers.items() if k != "participants"})
        # Against the single process on SQLite, the server one would otherwise run.
        summary["workers_round_ratio"] = workers["round_s"] / project["round_s"]
        summary["workers_ack_p99_ratio"] = workers["ack_p99_ms"] / project["ack_p99_ms"]
        lines.append(f"{'round, workers / project':<28} {summary['workers_round_ratio']:>10.2f}")
        lines.append(f"{'ack p99, workers / project':<28} {summary['workers_ack_p99_ratio']:>10.2f}")
    return "\n".join(lines), summary


def run_once(
    participants: int, processes: int, changes: int, engines: Engines | None = None
) -> dict[str, Any]:
    """Measure the raw baseline, then the project (and its workers), in the same run; print and
    return the figures."""
    with tempfile.TemporaryDirectory(prefix="polling-bench-") as workdir:
        raw = asyncio.run(measure("raw", participants, processes, changes, Path(workdir)))
        project = asyncio.run(measure("project", participants, processes, changes, Path(workdir)))
        workers = None
        if engines is not None:
            workers = asyncio.run(
                measure("workers", participants, processes, changes, Path(workdir), engines)
            )
    table, summary = report(project, raw, workers)
    print(table, flush=True)
    return summary


def median_summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One summary of several runs: the median of each figure (ratios are each run's own,
    since the baseline drifts with the machine), correctness only if every run was correct."""
    summary: dict[str, Any] = {}
    for key, value in runs[-1].items():
        values = [run[key] for run in runs]
        if isinstance(value, bool):
            summary[key] = all(values)
        elif key.endswith("answers_stored"):
            summary[key] = min(values)  # a run that lost an answer must show
        elif isinstance(value, int | float) and all(isinstance(v, int | float) for v in values):
            summary[key] = statistics.median(values)
        else:
            summary[key] = value
    summary["runs"] = len(runs)
    summary["spread"] = {
        key: [min(run[key] for run in runs), max(run[key] for run in runs)] for key in SPREAD_KEYS
    }
    return summary


# The figures whose range across runs the summary states.
SPREAD_KEYS = ("ack_p99_ms", "raw_ack_p99_ms", "ack_p99_ratio", "round_s", "raw_round_s", "round_ratio",
               "presenter_lag_p99_ms", "rss_per_participant_kb", "cpu_us_per_answer")  # fmt: skip


def run_bench(
    participants: int, processes: int = 2, changes: int = 5, repeat: int = 1, engines: Engines | None = None
) -> dict[str, Any]:
    """Run the benchmark `repeat` times; print each run, then the medians as the last line."""
    raise_file_limit()
    runs = []
    for index in range(repeat):
        if repeat > 1:
            print(f"run {index + 1} of {repeat}", flush=True)
        runs.append(run_once(participants, processes, changes, engines))
        if repeat > 1:
            print(json.dumps(runs[-1]), flush=True)
    summary = runs[0] if repeat == 1 else median_summary(runs)
    if repeat > 1:
        print(f"median of {repeat} runs (min - max)")
        for key in SPREAD_KEYS:
            low, high = summary["spread"][key]
            print(f"  {key:<28} {summary[key]:>10.2f}   ({low:.2f} - {high:.2f})")
    print(json.dumps(summary))
    return summary
