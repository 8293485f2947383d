"""Between server processes: what one process changes, the others learn, through Redis.

A process stores a change first (answers, commands, moderation, new and deleted sessions),
then publishes it; every other process applies it to its own copy of the session and tells
its own connections. Publishing is batched like the store's group commit: the events of one
burst go out as one Redis message. Phones connected to each process are counted by a
heartbeat, so every presenter shows the same total.

The default relay, for one process, tells nobody and costs nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import orjson

logger = logging.getLogger("polling.relay")

CHANNEL = "polling:events"
BEAT = 1.0  # seconds between heartbeats that carry each process's connected phones
GONE = 3 * BEAT  # a process not heard from for this long no longer counts

Deliver = Callable[[dict[str, Any]], Awaitable[None]]


class RelayError(Exception):
    """The other processes could not be told: the change is stored, but not yet shared."""


class Relay:
    """One process alone: nothing to tell anyone, nobody else's phones to count."""

    shared = False

    async def start(self, deliver: Deliver, problem: Callable[[str | None], None]) -> None:
        """Start listening; `deliver` applies another process's event, `problem` reports health."""

    async def stop(self) -> None:
        """Stop listening and publishing."""

    async def publish(self, event: dict[str, Any]) -> None:
        """Tell the other processes about a stored change; raises RelayError if they cannot be told."""

    @contextlib.asynccontextmanager
    async def exclusive(self, session_id: str) -> AsyncIterator[None]:
        """Hold the session's facilitator commands to one at a time, across processes."""
        yield

    async def catch_up(self) -> None:
        """Return once every event the other processes published before now is applied here."""

    def connected_elsewhere(self, session_id: str) -> int:
        """Phones of a session connected to the other processes."""
        return 0

    def report_connected(self, session_id: str, phones: int) -> None:
        """This process's connected phones of a session, for the others' presenters."""


class RedisRelay(Relay):
    """Processes sharing one Redis: pub/sub for changes, a lock per session for commands."""

    shared = True

    def __init__(self, url: str) -> None:
        self.url = url
        self.origin = secrets.token_hex(8)
        self._redis: Any = None
        self._tasks: list[asyncio.Task[None]] = []
        self._outbox: list[tuple[dict[str, Any], asyncio.Future[None]]] = []
        self._wake = asyncio.Event()
        self._counts: dict[str, int] = {}
        # session id -> origin -> (phones, when last heard)
        self._elsewhere: dict[str, dict[str, tuple[int, float]]] = {}
        self._beat_now = False
        self._barriers: dict[str, asyncio.Future[None]] = {}
        self._deliver: Deliver | None = None
        self._problem: Callable[[str | None], None] = lambda _: None

    async def start(self, deliver: Deliver, problem: Callable[[str | None], None]) -> None:
        import redis.asyncio as redis

        self._deliver, self._problem = deliver, problem
        self._redis = redis.from_url(self.url, socket_timeout=5, socket_connect_timeout=5)
        try:
            await self._redis.ping()
        except (OSError, redis.RedisError) as error:
            raise RelayError(f"Cannot reach Redis at {self.url}: {error}") from error
        subscribed = asyncio.get_running_loop().create_future()
        self._tasks = [
            asyncio.create_task(self._listen(subscribed), name="relay-listen"),
            asyncio.create_task(self._send_forever(), name="relay-send"),
            asyncio.create_task(self._beat_forever(), name="relay-beat"),
        ]
        await subscribed

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._redis is not None:
            await self._redis.aclose()

    # -- publishing: batched, each caller awaits its own event ---------------------------

    async def publish(self, event: dict[str, Any]) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._outbox.append((event, done))
        self._wake.set()
        await done

    async def _send_forever(self) -> None:
        import redis.asyncio as redis

        while True:
            await self._wake.wait()
            self._wake.clear()
            batch, self._outbox = self._outbox, []
            if not batch:
                continue
            try:
                message = orjson.dumps({"origin": self.origin, "events": [event for event, _ in batch]})
                await self._redis.publish(CHANNEL, message)
            except Exception as error:  # not only Redis's: this task must outlive any fault
                if not isinstance(error, (OSError, redis.RedisError)):
                    logger.exception("could not publish to the other processes")
                self._problem(f"Redis refuses messages: {error}")
                for _, done in batch:
                    if not done.done():
                        done.set_exception(RelayError(str(error)))
                continue
            for _, done in batch:
                if not done.done():
                    done.set_result(None)

    # -- listening: apply the others' events in the order Redis delivers them ------------

    async def _listen(self, subscribed: asyncio.Future[None]) -> None:
        import redis.asyncio as redis

        lost = False
        while True:
            try:
                pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
                await pubsub.subscribe(CHANNEL)
                if not subscribed.done():
                    subscribed.set_result(None)
                if lost:
                    # Events published while we were away are gone: rebuild from the database.
                    assert self._deliver is not None
                    await self._deliver({"event": "resync"})
                    self._problem(None)
                    lost = False
                async for message in pubsub.listen():
                    await self._receive(message["data"])
            except Exception as error:  # not only Redis's: this task must outlive any fault
                if not isinstance(error, (OSError, redis.RedisError)):
                    logger.exception("stopped hearing the other processes")
                lost = True
                self._problem(f"Redis is unreachable: {error}")
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
                await asyncio.sleep(0.5)

    async def _receive(self, data: bytes) -> None:
        envelope = orjson.loads(data)
        if envelope["origin"] == self.origin:
            for event in envelope["events"]:
                if event["event"] == "barrier" and event["id"] in self._barriers:
                    self._barriers.pop(event["id"]).set_result(None)
            return
        if self._deliver is None:
            return
        for event in envelope["events"]:
            if event["event"] == "barrier":
                continue
            try:
                if event["event"] == "connected":
                    for session_id in self._heard(envelope["origin"], event["counts"]):
                        await self._deliver({"event": "connected", "session": session_id})
                else:
                    await self._deliver(event)
            except Exception:
                # One event that cannot be applied must not stop this process hearing the rest.
                logger.exception("could not apply a %s event from another process", event["event"])

    # -- phones connected to each process ----------------------------------------------

    def report_connected(self, session_id: str, phones: int) -> None:
        if self._counts.get(session_id, 0) != phones:
            if phones:
                self._counts[session_id] = phones
            else:
                self._counts.pop(session_id, None)
            self._beat_now = True

    async def _beat_forever(self) -> None:
        last = 0.0
        while True:
            await asyncio.sleep(0.1)
            now = time.monotonic()
            if self._beat_now or now - last >= BEAT:
                self._beat_now, last = False, now
                with contextlib.suppress(RelayError):
                    await self.publish({"event": "connected", "counts": dict(self._counts)})
                for session_id in self._forget_the_silent(now):
                    if self._deliver is not None:
                        await self._deliver({"event": "connected", "session": session_id})

    def _heard(self, origin: str, counts: dict[str, int]) -> set[str]:
        """Note another process's connected phones; returns the sessions whose total changed."""
        now = time.monotonic()
        changed = set()
        for session_id, by_origin in self._elsewhere.items():
            if origin in by_origin and session_id not in counts:
                del by_origin[origin]
                changed.add(session_id)
        for session_id, phones in counts.items():
            by_origin = self._elsewhere.setdefault(session_id, {})
            if by_origin.get(origin, (-1, 0.0))[0] != phones:
                changed.add(session_id)
            by_origin[origin] = (phones, now)
        return changed

    def _forget_the_silent(self, now: float) -> set[str]:
        """Drop the counts of processes not heard from lately (they died); returns the sessions changed."""
        changed = set()
        for session_id, by_origin in self._elsewhere.items():
            for origin in [o for o, (_, heard) in by_origin.items() if now - heard >= GONE]:
                del by_origin[origin]
                changed.add(session_id)
        return changed

    def connected_elsewhere(self, session_id: str) -> int:
        return sum(phones for phones, _ in self._elsewhere.get(session_id, {}).values())

    # -- one command at a time per session -----------------------------------------------

    async def catch_up(self) -> None:
        """Return once every event published before now has been applied here.

        Redis delivers a channel's messages in the order they were published, so when our
        own marker comes back, whatever the previous holder of a lock published is applied.
        """
        marker = secrets.token_hex(8)
        arrived = asyncio.get_running_loop().create_future()
        self._barriers[marker] = arrived
        try:
            await self.publish({"event": "barrier", "id": marker})
            await asyncio.wait_for(arrived, 10)
        except TimeoutError:
            raise RelayError("Redis did not deliver our own message back") from None
        finally:
            self._barriers.pop(marker, None)

    @contextlib.asynccontextmanager
    async def exclusive(self, session_id: str) -> AsyncIterator[None]:
        import redis.asyncio as redis

        lock = self._redis.lock(f"polling:lock:{session_id}", timeout=10, blocking_timeout=10)
        try:
            acquired = await lock.acquire()
        except (OSError, redis.RedisError) as error:
            raise RelayError(str(error)) from error
        if not acquired:
            raise RelayError("Another process holds this session's commands")
        try:
            await self.catch_up()
            yield
        finally:
            with contextlib.suppress(OSError, redis.RedisError):
                await lock.release()
