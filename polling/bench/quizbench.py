"""The quiz benchmark (`polling bench --quiz`): N phones in a timed quiz question.

Most phones answer as soon as the question opens; one in twenty waits until the server has
closed the question by itself at its deadline and answers then, and must be refused with
`time_up`. Every phone picks a nickname first (the leaderboard is on). The coordinator
reveals the question and measures, on the clock every process shares, how long until each
phone has its own feedback and its rank. The raw baseline's push round runs in the same
run, for comparison.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import websockets

from polling.bench.bench import Clients, Server, free_port, measure, percentile, project_command
from polling.bench.loadgen import Phone, Worker, raise_file_limit

QUIZ_BANK = """\
title: Quiz benchmark
quiz: {speed_bonus: true}
questions:
  - id: q
    type: single
    prompt: Which one?
    options:
      - {id: a, label: A}
      - {id: b, label: B}
      - {id: c, label: C}
    correct: a
    points: 10
    explanation: A is right.
"""
LATE_EVERY = 20  # one phone in this many answers after the deadline


def time_limit(participants: int) -> float:
    """Seconds the question stays open: enough for every on-time phone to answer on a busy machine."""
    return 5 + participants / 1000


class QuizWorker(Worker):
    """Phones that pick a nickname, answer on time (or late, on purpose), then await feedback."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.late = {p.index for p in self.phones if p.index % LATE_EVERY == LATE_EVERY - 1}
        self.settled: dict[int, asyncio.Event] = {p.index: asyncio.Event() for p in self.phones}
        self.named: dict[int, asyncio.Event] = {p.index: asyncio.Event() for p in self.phones}
        self.refused: set[int] = set()
        self.acked: set[int] = set()
        self.feedback_at: dict[int, float] = {}
        self.score_at: dict[int, float] = {}
        self.points: dict[int, int] = {}
        self.revealed: dict[int, asyncio.Event] = {p.index: asyncio.Event() for p in self.phones}

    async def handle(self, phone: Phone, message: dict[str, Any]) -> None:
        kind = message.get("type")
        index = phone.index
        if kind == "question":
            state = message.get("state")
            if message.get("feedback") is not None and index not in self.feedback_at:
                self.feedback_at[index] = time.monotonic()
                self.points[index] = int(message["feedback"]["points"])
                self.check_revealed(index)
            if message.get("question"):
                phone.question = message["question"]["id"]
            if state == "open" and index not in self.late and not phone.opened.is_set():
                phone.opened.set()
                phone.question_at = time.monotonic()
                await self.send_answer(phone, 1)
            elif state == "closed" and index in self.late and not phone.opened.is_set():
                phone.opened.set()  # closed by the server at the deadline: now answer, too late
                await self.send_answer(phone, 1)
        elif kind == "ack":
            self.acked.add(index)
            self.settled[index].set()
        elif kind == "error" and message.get("code") == "time_up":
            self.refused.add(index)
            self.settled[index].set()
        elif kind == "player":
            self.named[index].set()
        elif kind == "score" and index not in self.score_at:  # sent once a question is scored
            self.score_at[index] = time.monotonic()
            self.check_revealed(index)

    def check_revealed(self, index: int) -> None:
        if index in self.feedback_at and index in self.score_at:
            self.revealed[index].set()

    async def nicknames(self) -> int:
        """Every phone picks a nickname; returns how many were kept."""
        for phone in self.phones:
            assert phone.ws is not None
            await phone.ws.send(json.dumps({"type": "nickname", "nickname": f"phone {phone.index}"}))
        for phone in self.phones:
            await self.named[phone.index].wait()
        return len(self.phones)

    async def quiz_answers(self) -> dict[str, Any]:
        """Wait until each phone's answer was acknowledged or refused as late."""
        for phone in self.phones:
            await self.settled[phone.index].wait()
        return {"acked": len(self.acked), "refused": len(self.refused), "late": len(self.late)}

    async def reveal(self) -> dict[str, Any]:
        """Wait until each phone has its own feedback and its rank; report when."""
        for phone in self.phones:
            await self.revealed[phone.index].wait()
        return {
            "feedback_at": list(self.feedback_at.values()),
            "score_at": list(self.score_at.values()),
            "points": sum(self.points.values()),
        }


def quiz_worker_main(conn: Any, url: str, code: str, count: int, first: int, spread: float) -> None:
    """Entry point of a quiz client process."""
    raise_file_limit()
    asyncio.run(QuizWorker(conn, url, [code], count, first, spread).run())


async def quiz_round(participants: int, processes: int, workdir: Path) -> dict[str, Any]:
    """One timed quiz question against the real server; returns its figures."""
    port = free_port()
    url = f"ws://127.0.0.1:{port}/ws"
    token = secrets.token_urlsafe(12)
    db = workdir / "quiz.sqlite3"
    banks = workdir / "banks"
    banks.mkdir(exist_ok=True)
    (banks / "quiz.yaml").write_text(QUIZ_BANK)
    server = Server(project_command(workdir, port, db, token), port)
    server.start(workdir / "quiz.log")
    headers = {"Authorization": f"Bearer {token}"}
    base = f"http://127.0.0.1:{port}/api/sessions"
    try:
        info = httpx.post(base, json={"bank": "quiz", "leaderboard": True}, headers=headers).json()
        clients = Clients(url, info["code"], participants, processes, target=quiz_worker_main)
        await clients.ask("join")
        await clients.ask("nicknames")
        boss = await websockets.connect(url, compression=None, max_size=2**24)
        await boss.send(
            json.dumps({"type": "hello", "role": "facilitator", "session": info["id"], "token": token})
        )
        await boss.recv()
        await boss.send(json.dumps({"type": "show", "question": "q"}))
        await boss.send(json.dumps({"type": "open", "time_limit": time_limit(participants)}))
        settled = await clients.ask("quiz_answers")
        state = httpx.get(f"{base}/{info['id']}", headers=headers).json()
        if state["state"] != "closed":
            raise RuntimeError("the server did not close the question at its deadline")
        board_at: list[float] = []
        listener = asyncio.create_task(leaderboard_seen(boss, board_at))
        revealed = time.monotonic()
        await boss.send(json.dumps({"type": "reveal"}))
        results = await clients.ask("reveal")
        await asyncio.wait_for(listener, timeout=60)
        state = httpx.get(f"{base}/{info['id']}", headers=headers).json()
        await clients.stop()
        await boss.close()
    finally:
        server.stop()
    feedback = [(t - revealed) * 1000 for r in results for t in r["feedback_at"]]
    ranks = [(t - revealed) * 1000 for r in results for t in r["score_at"]]
    stored = count_answers(db, info["id"])
    return {
        "participants": participants,
        "time_limit_s": time_limit(participants),
        "answers_acked": sum(r["acked"] for r in settled),
        "answers_counted": state["responses"],
        "answers_stored": stored,
        "late_refused": sum(r["refused"] for r in settled),
        "late_sent": sum(r["late"] for r in settled),
        "reveal_p50_ms": percentile(feedback, 0.5),
        "reveal_p99_ms": percentile(feedback, 0.99),
        "reveal_max_ms": max(feedback),
        "leaderboard_ms": max(max(ranks), (board_at[0] - revealed) * 1000),
        "points_total": sum(r["points"] for r in results),
        "top_shown": len(state["leaderboard"] or []),
    }


async def leaderboard_seen(boss: Any, seen: list[float]) -> None:
    """Note when the facilitator's state first carries the leaderboard."""
    async for raw in boss:
        message = json.loads(raw)
        if message.get("type") == "state" and message.get("leaderboard"):
            seen.append(time.monotonic())
            return


def count_answers(db: Path, session_id: str) -> int:
    """How many answers the database holds for the session."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        row = connection.execute(
            "SELECT COUNT(*) FROM answers WHERE session_id = ?", (session_id,)
        ).fetchone()
    return int(row[0])


def run_quiz(participants: int, processes: int = 2) -> dict[str, Any]:
    """The raw baseline's push round, then the quiz round, in one run; the last line printed is
    one JSON object."""
    raise_file_limit()
    with tempfile.TemporaryDirectory(prefix="polling-quiz-") as workdir:
        raw = asyncio.run(measure("raw", participants, processes, 1, Path(workdir)))
        result = asyncio.run(quiz_round(participants, processes, Path(workdir)))
    result["raw_push_p99_ms"] = raw["push_p99_ms"]
    result["reveal_ratio"] = result["reveal_p99_ms"] / raw["push_p99_ms"] if raw["push_p99_ms"] else None
    print(
        f"{participants} phones: {result['answers_acked']} answers acknowledged, "
        f"{result['answers_counted']} counted, {result['late_refused']} of {result['late_sent']} late ones "
        f"refused; reveal p99 {result['reveal_p99_ms']:.0f} ms (raw push p99 "
        f"{result['raw_push_p99_ms']:.0f} ms), leaderboard {result['leaderboard_ms']:.0f} ms",
        flush=True,
    )
    print(json.dumps(result))
    return result
