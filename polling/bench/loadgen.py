"""Benchmark clients: one process drives many participants over real WebSockets.

A worker is told, through a pipe, to join, answer and keep changing answers; it reports its
timings back. Times are `time.monotonic()`, which every process on the machine shares.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import resource
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection

CONNECT_CONCURRENCY = 64
CHOICES = ("a", "b", "c")
# A round that makes no progress for this long has failed: it is reported, never waited on for ever.
STALL_S = 90.0
WELCOME_S = 60.0  # how long a phone waits for the answer to its hello before it tries again
# Refusals after which a phone sends its answer again, as the participant page does.
RESEND = frozenset({"unavailable", "rate_limited"})
RESEND_DELAY_S = 0.25


@dataclass
class Phone:
    """One simulated participant and what it saw."""

    index: int
    code: str = ""  # the join code of the phone's session
    ws: ClientConnection | None = None
    token: str | None = None
    question: str | None = None
    rev: int = 0
    joined: float = 0.0
    question_at: float = 0.0
    sent_at: float = 0.0
    acked_at: float = 0.0
    acked_rev: int = 0
    ack_waiters: dict[int, asyncio.Future[float]] = field(default_factory=dict)
    opened: asyncio.Event = field(default_factory=asyncio.Event)
    first_ack: asyncio.Event = field(default_factory=asyncio.Event)
    reconnects: int = 0
    acked_live: bool = False  # the first answer's ack arrived on its own connection
    refused: str | None = None  # the code of the last error the server sent this phone

    def state(self) -> str:
        """Where this phone stands, for the report of a round that stalled."""
        if not self.opened.is_set():
            return "never saw the question open"
        if not self.rev:
            return "saw the question, sent nothing yet"
        refused = f", last refused with {self.refused}" if self.refused else ""
        return f"sent rev {self.rev}, acknowledged rev {self.acked_rev}{refused}"


class Worker:
    """Runs a share of the participants and answers the coordinator's commands."""

    def __init__(
        self, conn: Connection, url: str, codes: list[str], count: int, first: int, spread: float
    ) -> None:
        self.conn = conn
        self.spread = spread  # answers come within this many seconds of the question, not at once
        self.url = url
        # Phone i joins the session codes[i % len(codes)]: one room, or many rooms at once.
        self.phones = [Phone(first + i, codes[(first + i) % len(codes)]) for i in range(count)]
        self.readers: list[asyncio.Task[None]] = []
        self.stopping = False

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            command, args = await loop.run_in_executor(None, self.conn.recv)
            if command == "stop":
                await self.close()
                self.conn.send(("stopped", None))
                return
            result = await getattr(self, command)(*args)
            self.conn.send((command, result))

    async def join(self) -> dict[str, Any]:
        """Connect every phone and say hello; report when each was welcomed."""
        gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
        started = time.monotonic()

        retries = 0

        async def join_one(phone: Phone) -> None:
            nonlocal retries
            async with gate:
                # A server too busy to read a hello in time closes the connection; a page then
                # connects again, and so does a simulated phone.
                trying = time.monotonic()
                while await self.connect_or_wait(phone, 0.05) is None:
                    retries += 1
                    if time.monotonic() - trying > STALL_S:
                        raise RuntimeError(f"phone {phone.index} could not join in {STALL_S:.0f} s")
                phone.joined = time.monotonic()
            self.readers.append(asyncio.create_task(self.read(phone)))

        await asyncio.gather(*(join_one(p) for p in self.phones))
        return {"started": started, "joined": [p.joined for p in self.phones], "retries": retries}

    async def connect_or_wait(self, phone: Phone, delay: float) -> dict[str, Any] | None:
        """Connect and say hello; on failure wait `delay` seconds and return None."""
        try:
            return await self.connect(phone)
        except (TimeoutError, OSError, websockets.WebSocketException):
            await asyncio.sleep(delay)
            return None

    async def connect(self, phone: Phone) -> dict[str, Any]:
        """Open a connection and say hello with the phone's token, as a page does."""
        phone.ws = await websockets.connect(
            self.url, compression=None, ping_interval=None, max_size=2**20, open_timeout=120
        )
        hello = {"type": "hello", "role": "participant", "code": phone.code, "participant": phone.token}
        try:
            await phone.ws.send(json.dumps(hello))
            welcome: dict[str, Any] = json.loads(await asyncio.wait_for(phone.ws.recv(), WELCOME_S))
        except TimeoutError:
            await phone.ws.close()
            raise
        if welcome.get("type") != "welcome":
            raise RuntimeError(f"phone {phone.index} was refused: {welcome}")
        phone.token = welcome["participant"]
        return welcome

    async def read(self, phone: Phone) -> None:
        """Handle what the server pushes; when the connection drops, come back and resume."""
        while True:
            assert phone.ws is not None
            try:
                async for raw in phone.ws:
                    await self.handle(phone, json.loads(raw))
            except websockets.ConnectionClosed:
                pass
            if self.stopping:
                return
            await self.reconnect(phone)

    async def handle(self, phone: Phone, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "question" and message.get("state") == "open" and not phone.opened.is_set():
            phone.question_at = time.monotonic()
            phone.question = message["question"]["id"]
            phone.opened.set()
            if self.spread:
                asyncio.get_running_loop().call_later(
                    random.uniform(0, self.spread), lambda: asyncio.ensure_future(self.send_if_open(phone))
                )
            else:
                await self.send_answer(phone, 1)
        elif kind == "ack":
            self.acknowledged(phone, int(message["rev"]), live=True)
        elif kind == "error":
            phone.refused = message.get("code")
            if phone.refused in RESEND and phone.rev > phone.acked_rev:
                # Nothing was kept: send the answer again in a moment, as the page does.
                asyncio.get_running_loop().call_later(
                    RESEND_DELAY_S, lambda: asyncio.ensure_future(self.resend(phone))
                )

    def acknowledged(self, phone: Phone, rev: int, live: bool) -> None:
        now = time.monotonic()
        phone.acked_rev = max(phone.acked_rev, rev)
        if not phone.first_ack.is_set():
            phone.acked_at = now
            phone.acked_live = live and phone.reconnects == 0
            phone.first_ack.set()
        waiter = phone.ack_waiters.pop(rev, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(now)

    async def reconnect(self, phone: Phone) -> None:
        """Come back with the same token; resend an answer the server does not have."""
        delay = 0.05
        while not self.stopping:
            welcome = await self.connect_or_wait(phone, delay)
            if welcome is not None:
                break
            delay = min(1.0, delay * 2)
        else:
            return
        phone.reconnects += 1
        stored_rev = int(welcome.get("rev") or 0)
        if phone.rev and stored_rev >= phone.rev:
            self.acknowledged(phone, stored_rev, live=False)
        elif welcome.get("state") == "open" and welcome.get("question"):
            if not phone.opened.is_set():
                await self.handle(phone, {**welcome, "type": "question"})
            elif phone.rev:
                with contextlib.suppress(websockets.ConnectionClosed):
                    await self.send_answer(phone, phone.rev)

    async def send_if_open(self, phone: Phone) -> None:
        """Send a late answer; if the connection is down, reconnecting sends it."""
        phone.rev = 1
        with contextlib.suppress(websockets.ConnectionClosed):
            await self.send_answer(phone, 1)

    async def resend(self, phone: Phone) -> None:
        """Send the latest answer again, unless it was acknowledged meanwhile."""
        if phone.rev > phone.acked_rev and not self.stopping:
            with contextlib.suppress(websockets.ConnectionClosed):
                await self.send(phone, phone.rev)

    async def send_answer(self, phone: Phone, rev: int) -> asyncio.Future[float]:
        waiter: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        phone.ack_waiters[rev] = waiter
        phone.rev = rev
        if rev == 1:
            phone.sent_at = time.monotonic()
        await self.send(phone, rev)
        return waiter

    async def send(self, phone: Phone, rev: int) -> None:
        assert phone.ws is not None
        value = CHOICES[(phone.index + rev) % len(CHOICES)]
        await phone.ws.send(
            json.dumps({"type": "answer", "question": phone.question, "value": value, "rev": rev})
        )

    async def all_acknowledged(self, acknowledged: Callable[[Phone], bool]) -> None:
        """Return once `acknowledged` holds for every phone; raise, naming where the phones
        that lag stand, when none has moved on for STALL_S seconds."""
        waiting = [p for p in self.phones if not acknowledged(p)]
        progress = time.monotonic()
        while waiting:
            await asyncio.sleep(0.05)
            still = [p for p in waiting if not acknowledged(p)]
            if len(still) < len(waiting):
                progress = time.monotonic()
            elif time.monotonic() - progress > STALL_S:
                states = Counter(f"{p.code}: {p.state()}" for p in still)
                raise RuntimeError(
                    f"{len(still)} phones had no acknowledgement for {STALL_S:.0f} s: "
                    + "; ".join(f"{n} × {state}" for state, n in states.most_common(8))
                )
            waiting = still

    async def answers(self) -> dict[str, Any]:
        """Wait until every phone's first answer is acknowledged; report the timings."""
        await self.all_acknowledged(lambda p: p.first_ack.is_set())
        return {
            "question_at": [p.question_at for p in self.phones],
            "sent_at": [p.sent_at for p in self.phones],
            "acked_at": [p.acked_at for p in self.phones],
            "tokens": [p.token for p in self.phones],
            "values": [CHOICES[(p.index + 1) % len(CHOICES)] for p in self.phones],
            "acked_live": [p.acked_live for p in self.phones],
            "reconnects": sum(p.reconnects for p in self.phones),
            "codes": [p.code for p in self.phones],
        }

    async def ingest(self, changes: int) -> dict[str, Any]:
        """Each phone changes its answer `changes` times, each after the last was acknowledged."""

        async def change(phone: Phone) -> None:
            for _ in range(changes):
                await (await self.send_answer(phone, phone.rev + 1))

        started = time.monotonic()
        final = {p.index: p.rev + changes for p in self.phones}
        changing = asyncio.gather(*(change(p) for p in self.phones))
        try:
            await self.all_acknowledged(lambda p: changing.done() or p.acked_rev >= final[p.index])
        except BaseException:
            changing.cancel()  # stalled: the phones still waiting for an acknowledgement give up
            raise
        await changing  # every change is acknowledged: their waits end within this turn
        return {"started": started, "ended": time.monotonic(), "acked": len(self.phones) * changes,
                "final": {p.token: p.acked_rev for p in self.phones}}  # fmt: skip

    async def close(self) -> None:
        self.stopping = True
        for reader in self.readers:
            reader.cancel()
        await asyncio.gather(*(p.ws.close() for p in self.phones if p.ws is not None), return_exceptions=True)


def raise_file_limit() -> None:
    """Thousands of sockets need thousands of file descriptors."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def worker_main(
    conn: Connection, url: str, codes: str | list[str], count: int, first: int, spread: float
) -> None:
    """Entry point of a client process; its phones join the session `codes` names (or one each of `codes`)."""
    raise_file_limit()
    worker = Worker(conn, url, [codes] if isinstance(codes, str) else codes, count, first, spread)
    try:
        import uvloop
    except ImportError:
        asyncio.run(worker.run())
    else:
        uvloop.run(worker.run())
