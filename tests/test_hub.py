"""Fan-out: a client that stops reading is cut off and never delays the others."""

from __future__ import annotations

import asyncio
from typing import Any

from polling.live.hub import QUEUE_CHARS, QUEUE_SIZE, SLOW_CLIENT_CLOSE, Client, Coalescer, Hub


class FakeSocket:
    """Stands in for a Starlette WebSocket; `stuck` makes every send hang like a full pipe."""

    def __init__(self, stuck: bool = False) -> None:
        self.stuck = stuck
        self.sent: list[str] = []
        self.closed_with: int | None = None
        self.arrived = asyncio.Event()

    async def send_text(self, text: str) -> None:
        if self.stuck:
            await asyncio.Event().wait()
        self.sent.append(text)
        self.arrived.set()

    async def close(self, code: int = 1000) -> None:
        self.closed_with = code


async def wait_for(predicate: Any, timeout: float = 5.0) -> None:
    async def poll() -> None:
        while not predicate():
            await asyncio.sleep(0.001)

    await asyncio.wait_for(poll(), timeout)


async def test_a_stuck_client_is_cut_off_while_the_others_get_everything() -> None:
    """A client whose sends hang fills its own bounded queue and is closed; a healthy one gets all."""
    stuck_socket, healthy_socket = FakeSocket(stuck=True), FakeSocket()
    stuck, healthy = Client(stuck_socket), Client(healthy_socket)  # type: ignore[arg-type]
    total = QUEUE_SIZE + 50
    for number in range(total):
        Hub.broadcast([stuck, healthy], {"type": "tally", "n": number})
        await asyncio.sleep(0)  # updates come over time: a healthy client keeps up
    await wait_for(lambda: len(healthy_socket.sent) == total)
    await wait_for(lambda: stuck_socket.closed_with == SLOW_CLIENT_CLOSE)
    assert stuck.closed and not healthy.closed
    assert healthy_socket.sent[-1] == f'{{"type":"tally","n":{total - 1}}}'
    await stuck.stop()
    await healthy.stop()


async def test_a_broadcast_is_encoded_once_and_only_queued() -> None:
    """Broadcast returns before any send happens: it never awaits a client."""
    sockets = [FakeSocket() for _ in range(3)]
    clients = [Client(s) for s in sockets]  # type: ignore[arg-type]
    Hub.broadcast(clients, {"type": "question", "question": None})
    assert all(s.sent == [] for s in sockets)
    await wait_for(lambda: all(len(s.sent) == 1 for s in sockets))
    assert {s.sent[0] for s in sockets} == {'{"type":"question","question":null}'}
    for client in clients:
        await client.stop()


async def test_updates_are_coalesced_to_the_interval() -> None:
    """Many touches within one interval give one flush at once and one more after it."""
    flushed: list[str] = []

    async def flush(key: str) -> None:
        flushed.append(key)

    coalescer = Coalescer(flush, interval=0.05)
    for _ in range(100):
        coalescer.touch("s1")
    await wait_for(lambda: len(flushed) == 1)
    for _ in range(100):
        coalescer.touch("s1")
    await wait_for(lambda: len(flushed) == 2)
    assert flushed == ["s1", "s1"]


async def test_idle_clients_hold_no_writer_task() -> None:
    """Once its messages are sent a client keeps no task alive, and the next message still arrives."""
    before = len(asyncio.all_tasks())
    sockets = [FakeSocket() for _ in range(50)]
    clients = [Client(s) for s in sockets]  # type: ignore[arg-type]
    Hub.broadcast(clients, {"type": "tally", "n": 1})
    assert len(asyncio.all_tasks()) == before + 50  # one writer each while there is something to send
    await wait_for(lambda: all(len(s.sent) == 1 for s in sockets))
    await wait_for(lambda: len(asyncio.all_tasks()) == before + 1)  # + 1: the polling task itself
    Hub.broadcast(clients, {"type": "tally", "n": 2})
    await wait_for(lambda: all(s.sent[-1] == '{"type":"tally","n":2}' for s in sockets))
    for client in clients:
        await client.stop()


async def test_a_stuck_client_holds_a_bounded_amount_of_text() -> None:
    """A client that stops reading is cut off once its queue holds QUEUE_CHARS characters,
    long before QUEUE_SIZE large messages: what it can hold is bounded in size, not only in count."""
    stuck_socket = FakeSocket(stuck=True)
    stuck = Client(stuck_socket)  # type: ignore[arg-type]
    big = {"type": "texts", "texts": ["x" * 100_000]}
    sent = 0
    while not stuck.closed:
        assert sent < QUEUE_SIZE, "cut off only when the count of messages ran out"
        stuck.send(big)
        sent += 1
    assert sent * 100_000 <= QUEUE_CHARS + 2 * 100_000
    await wait_for(lambda: stuck_socket.closed_with == SLOW_CLIENT_CLOSE)
    await stuck.stop()


async def test_one_large_message_still_reaches_a_client_that_reads() -> None:
    """One message over the budget (a welcome with a long list) is sent when the queue is empty."""
    socket = FakeSocket()
    client = Client(socket)  # type: ignore[arg-type]
    client.send({"type": "welcome", "texts": ["y" * (QUEUE_CHARS + 10)]})
    await wait_for(lambda: len(socket.sent) == 1)
    assert not client.closed
    await client.stop()
