"""A request turned down, with the protocol's error code: raised by the service, sent by the routes."""

from __future__ import annotations

from typing import Any


class Refused(Exception):
    """A request that the service turns down, with a protocol error code."""

    def __init__(self, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.extra = extra

    def to_message(self) -> dict[str, Any]:
        return {"type": "error", "code": self.code, "message": self.message, **self.extra}
