"""Fan-out to connections: each has its own bounded queue and writer, so none waits on another."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import orjson
from starlette.websockets import WebSocket

QUEUE_SIZE = 256
# Characters a connection may have queued (under 4 MiB of memory, at most 4 bytes each): a
# count of messages alone let a connection that stopped reading hold 256 large lists. A single
# message larger than this (a welcome with a long list) still goes out on an empty queue.
QUEUE_CHARS = 1 << 20
SLOW_CLIENT_CLOSE = 4008  # a private-use close code: "you fell behind, reconnect"


def encode(message: dict[str, Any]) -> str:
    """A message as sent on the wire."""
    return orjson.dumps(message).decode()


class Client:
    """One WebSocket connection with its role and an outgoing queue drained by its own task.

    The queue and its task exist only while something waits to be sent: ten thousand idle
    phones would otherwise hold ten thousand empty queues and sleeping tasks (about 4 KB each).
    """

    __slots__ = ("websocket", "on_cut_off", "role", "session_id", "participant", "lang",
                 "queue_size", "_queue", "_queued_chars", "_writer", "_sending", "closed")  # fmt: skip

    def __init__(
        self,
        websocket: WebSocket,
        queue_size: int = QUEUE_SIZE,
        on_cut_off: Callable[[Client], None] | None = None,
    ) -> None:
        self.websocket = websocket
        # Told at once when the client is cut off: its polite close may wait on a full pipe.
        self.on_cut_off = on_cut_off
        self.role: str | None = None
        self.session_id: str | None = None
        self.participant: str | None = None
        self.lang: str | None = None
        self.queue_size = queue_size
        # None in the queue means: close once everything before it is sent.
        self._queue: deque[str | None] | None = None
        self._queued_chars = 0  # the length of the texts in the queue
        self._writer: asyncio.Task[None] | None = None
        self._sending = False
        self.closed = False

    def send(self, message: dict[str, Any] | str) -> None:
        """Queue a message; a client whose queue is full is cut off and will reconnect."""
        if self.closed:
            return
        self._enqueue(message if isinstance(message, str) else encode(message))

    def _enqueue(self, text: str | None) -> None:
        size = 0 if text is None else len(text)
        if self._queue is None:
            self._queue = deque()
            self._queued_chars = 0
        elif len(self._queue) >= self.queue_size or (self._queue and self._queued_chars + size > QUEUE_CHARS):
            self.cut_off()
            return
        self._queue.append(text)
        self._queued_chars += size
        if self._writer is None:
            self._writer = asyncio.create_task(self._drain())

    async def reply(self, message: dict[str, Any] | str) -> None:
        """Send directly when nothing is queued before it, else queue it.

        Saves a hand-over to the writer (a turn of the loop) on the answer path and for the
        presenters' tallies; a client that does not read blocks only this call, and the
        messages after it go to its queue, which still cuts it off.
        """
        if self._sending or self._queue or self.closed:
            self.send(message)
            return
        self._sending = True
        try:
            await self.websocket.send_text(message if isinstance(message, str) else encode(message))
        finally:
            self._sending = False

    def finish(self) -> None:
        """Close the connection once what is queued has been sent."""
        if not self.closed:
            self._enqueue(None)

    def cut_off(self) -> None:
        """Drop a client that fell behind; its page reconnects and resumes."""
        if self.closed:
            return
        self.closed = True
        self._stop_writer()
        if self.on_cut_off is not None:
            self.on_cut_off(self)
        asyncio.create_task(self._close(SLOW_CLIENT_CLOSE))

    async def _close(self, code: int) -> None:
        with contextlib.suppress(Exception):
            await self.websocket.close(code)

    async def _drain(self) -> None:
        """Send what is queued, in order, then end: the next message starts a new writer."""
        queue = self._queue
        try:
            while queue:
                text = queue.popleft()
                self._queued_chars -= 0 if text is None else len(text)
                if text is None:
                    self.closed = True
                    await self._close(1000)
                    return
                self._sending = True
                await self.websocket.send_text(text)
                self._sending = False
        except asyncio.CancelledError:
            raise
        except Exception:
            # The peer went away; the reader side notices and removes the client.
            self.closed = True
        finally:
            self._sending = False
            if self._writer is asyncio.current_task():
                self._writer = None
                self._queue = None

    def _stop_writer(self) -> None:
        if self._writer is not None:
            self._writer.cancel()
        self._queue = None

    async def stop(self) -> None:
        """Stop the writer once the connection is over."""
        self.closed = True
        writer = self._writer
        self._stop_writer()
        if writer is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await writer


class Hub:
    """Who is connected to which session, in which role."""

    def __init__(self) -> None:
        self._groups: dict[tuple[str, str], set[Client]] = {}

    def join(self, client: Client) -> None:
        """Add a client that said hello to its session's group for its role."""
        assert client.session_id is not None and client.role is not None
        self._groups.setdefault((client.session_id, client.role), set()).add(client)

    def leave(self, client: Client) -> None:
        """Forget a client whose connection is over."""
        if client.session_id is None or client.role is None:
            return
        group = self._groups.get((client.session_id, client.role))
        if group is not None:
            group.discard(client)

    def clients(self, session_id: str, role: str) -> set[Client]:
        """The clients of a session in one role."""
        return self._groups.get((session_id, role), set())

    def count(self, session_id: str, role: str) -> int:
        """How many clients of a session have this role."""
        return len(self.clients(session_id, role))

    @staticmethod
    def broadcast(clients: Iterable[Client], message: dict[str, Any]) -> None:
        """Send one message to many: encoded once, only queued, never awaited."""
        text = encode(message)
        for client in list(clients):
            client.send(text)


class Coalescer:
    """Runs `flush(key)` soon after `touch(key)`, at most once per `interval` for each key.

    A touch an interval after the last flush starts one at once, as a task: started from the
    store's commit, it runs before the acknowledgements of that commit go out, so presenters
    are not kept behind the loop's backlog of socket reads and replies. Touches within the
    interval are gathered into one flush at its end.
    """

    def __init__(self, flush: Callable[[str], Awaitable[None]], interval: float = 0.1) -> None:
        self._flush = flush
        self._interval = interval
        self._scheduled: set[str] = set()
        self._last: dict[str, float] = {}
        self._running: set[asyncio.Task[None]] = set()  # held: the loop keeps tasks only weakly

    def touch(self, key: str) -> None:
        """Note that `key` changed."""
        if key in self._scheduled:
            return
        self._scheduled.add(key)
        delay = self._last.get(key, -self._interval) + self._interval - time.monotonic()
        if delay <= 0:
            self._start(key)
        else:
            asyncio.get_running_loop().call_later(delay, self._start, key)

    def _start(self, key: str) -> None:
        task = asyncio.create_task(self._fire(key))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _fire(self, key: str) -> None:
        # Unmarked before flushing: a flush held up by one slow presenter must not stop the next.
        self._scheduled.discard(key)
        self._last[key] = time.monotonic()
        try:
            await self._flush(key)
        except Exception as error:
            asyncio.get_running_loop().call_exception_handler(
                {"message": "coalesced flush failed", "exception": error}
            )
