"""The relay between server processes: what others change while one starts is kept, and a
fault in publishing or hearing does not stop it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from polling.live.relay import RedisRelay, Relay, RelayError
from polling.live.service import Polling
from polling.live.stored import resume
from polling.store import open_store
from polling.store.base import AnswerRow


class HeardWhileReading(Relay):
    """A relay of another process that speaks once: while the starting process reads a
    session's answers, the other process's `event` arrives."""

    shared = True

    def __init__(self, event: dict[str, Any]) -> None:
        self.event = event
        self.deliver: Callable[[dict[str, Any]], Awaitable[None]] | None = None

    async def start(self, deliver: Callable[[dict[str, Any]], Awaitable[None]], problem: Any) -> None:
        self.deliver = deliver

    async def speak(self) -> None:
        if self.deliver is not None:
            deliver, self.deliver = self.deliver, None
            await deliver(self.event)


async def test_a_command_heard_while_a_process_starts_is_applied_once_the_session_is_loaded(
    tmp_path: Path, banks_dir: Path
) -> None:
    """A `show` made on another process while this one reads the session from the database is
    applied once the session is loaded, not dropped (which left the session behind for good)."""
    first = open_store(tmp_path / "db.sqlite3")
    await first.open()
    creator = Polling(first, banks_dir, "token", "http://x")
    await creator.start()
    made = await creator.create_session("e2e")
    await first.close()

    stored = await reread(tmp_path, made.id)
    assert stored.control["current"] is None  # the database has the session before the show
    elsewhere = resume(stored, [])
    elsewhere.command("show", "pace")
    relay = HeardWhileReading({"event": "control", "session": made.id, "control": elsewhere.control_state()})

    store = open_store(tmp_path / "db.sqlite3")
    await store.open()
    reading = store.answers

    async def answers_then_the_event(session_id: str) -> list[AnswerRow]:
        rows = await reading(session_id)
        await relay.speak()  # the other process's show arrives while this one loads the session
        return rows

    store.answers = answers_then_the_event  # type: ignore[method-assign]
    polling = Polling(store, banks_dir, "token", "http://x", relay=relay)
    try:
        await polling.start()
        assert relay.deliver is None  # the event was heard during the start
        assert polling.sessions[made.id].current == "pace"
    finally:
        await polling.stop()
        await store.close()


async def reread(folder: Path, session_id: str) -> Any:
    """The stored row of a session, as a process reads it at its start."""
    store = open_store(folder / "db.sqlite3")
    await store.open()
    try:
        return next(row for row in await store.sessions() if row.id == session_id)
    finally:
        await store.close()


async def test_an_event_that_cannot_be_sent_is_refused_and_the_next_one_is_heard(redis_url: str) -> None:
    """An event the relay cannot even encode is refused with RelayError (so the change is
    refused as `unavailable`), and the relay goes on: the next event reaches the other process."""
    speaker, listener = RedisRelay(redis_url), RedisRelay(redis_url)
    heard: list[dict[str, Any]] = []

    async def hear(event: dict[str, Any]) -> None:
        heard.append(event)

    await listener.start(hear, lambda problem: None)
    await speaker.start(hear, lambda problem: None)
    try:
        unencodable = {"event": "joined", "session": "s", "participant": {"a set"}}
        with pytest.raises(RelayError):
            await asyncio.wait_for(speaker.publish(unencodable), 10)
        # Were the sending task stopped by the fault, this would wait for ever.
        await asyncio.wait_for(speaker.publish({"event": "joined", "session": "s", "participant": "p"}), 10)
        await listener.catch_up()  # what the speaker published before the listener's marker is heard
        assert heard == [{"event": "joined", "session": "s", "participant": "p"}]
    finally:
        await speaker.stop()
        await listener.stop()
