"""The benchmark's raw baseline: the least a WebSocket poll server can do.

It speaks just enough of docs/protocol.md for the benchmark's clients (hello, open, answer)
and keeps counts in memory: no database, no validation, no presenter updates beyond the
count. The project's figures are read against it, measured in the same run.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

QUESTION = {"id": "q", "type": "single", "prompt": {"en": "?"}, "options": []}


def create_raw_app() -> Starlette:
    """A Starlette app that pushes one question and counts answers in memory."""
    participants: set[WebSocket] = set()
    presenters: set[WebSocket] = set()
    answered: dict[str, Any] = {}

    async def serve(websocket: WebSocket) -> None:
        await websocket.accept()
        me = ""
        try:
            while True:
                message = json.loads(await websocket.receive_text())
                kind = message.get("type")
                if kind == "hello" and message.get("role") == "participant":
                    me = message.get("participant") or str(id(websocket))
                    participants.add(websocket)
                    await websocket.send_text(
                        json.dumps({"type": "welcome", "participant": me, "question": None})
                    )
                elif kind == "hello":
                    presenters.add(websocket)
                    await websocket.send_text(json.dumps({"type": "welcome", "responses": len(answered)}))
                elif kind == "open":
                    text = json.dumps({"type": "question", "question": QUESTION, "state": "open"})
                    for peer in list(participants):
                        await peer.send_text(text)
                elif kind == "answer":
                    answered[me] = message.get("value")
                    await websocket.send_text(
                        json.dumps(
                            {
                                "type": "ack",
                                "question": "q",
                                "value": message.get("value"),
                                "rev": message.get("rev"),
                            }
                        )
                    )
                    tally = json.dumps({"type": "tally", "responses": len(answered)})
                    for presenter in list(presenters):
                        await presenter.send_text(tally)
        except WebSocketDisconnect:
            pass
        finally:
            participants.discard(websocket)
            presenters.discard(websocket)

    return Starlette(routes=[WebSocketRoute("/ws", serve)])


if __name__ == "__main__":
    import sys

    from polling.live.server import run

    run(create_raw_app(), "127.0.0.1", int(sys.argv[1]))
