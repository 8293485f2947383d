"""A small protocol client over the real `websockets` library, for end-to-end tests."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection

TIMEOUT = 10.0

# Every connection a test opens, so that the test's teardown can close the ones it left open.
OPEN: list[Peer] = []


class Peer:
    """One WebSocket connection speaking docs/protocol.md."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.seen: list[dict[str, Any]] = []
        OPEN.append(self)

    @classmethod
    async def connect(cls, ws_url: str, **hello: Any) -> tuple[Peer, dict[str, Any]]:
        """Connect, say hello and return the peer with its welcome."""
        peer = cls(await websockets.connect(ws_url, max_size=2**22))
        await peer.send({"type": "hello", **hello})
        return peer, await peer.expect("welcome")

    async def send(self, message: dict[str, Any] | str) -> None:
        await self.connection.send(message if isinstance(message, str) else json.dumps(message))

    async def recv(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(self.connection.recv(), timeout))
        self.seen.append(message)
        return message

    async def expect(self, kind: str, timeout: float = TIMEOUT, **fields: Any) -> dict[str, Any]:
        """The next message of this type (and these field values), skipping others."""

        async def find() -> dict[str, Any]:
            while True:
                message = await self.recv(timeout)
                if message["type"] == kind and all(message.get(k) == v for k, v in fields.items()):
                    return message
                if message["type"] == "error" and kind != "error":
                    raise AssertionError(f"unexpected error while waiting for {kind}: {message}")

        return await asyncio.wait_for(find(), timeout)

    async def answer(self, question: str, value: Any, rev: int = 1, lang: str = "en") -> dict[str, Any]:
        """Answer and return the acknowledgement."""
        await self.send({"type": "answer", "question": question, "value": value, "rev": rev, "lang": lang})
        return await self.expect("ack", question=question)

    async def close(self) -> None:
        await self.connection.close()


async def participant(
    ws_url: str, code: str, token: str | None = None, lang: str = "en"
) -> tuple[Peer, dict[str, Any]]:
    """A participant connected to a session by its join code."""
    return await Peer.connect(ws_url, role="participant", code=code, participant=token, lang=lang)


async def facilitator(ws_url: str, session: str, token: str) -> tuple[Peer, dict[str, Any]]:
    """The facilitator connected to a session."""
    return await Peer.connect(ws_url, role="facilitator", session=session, token=token)
