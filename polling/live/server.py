"""Running an app under uvicorn, the same way for the real server and the benchmark's baseline."""

from __future__ import annotations

import asyncio
import gc
import resource
import socket
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

# Ten thousand connections are millions of long-lived objects; with the default thresholds the
# collector walks them all every few thousand answers, which made each answer cost more the more
# phones were connected. Young collections stay frequent; full ones become rare.
GC_THRESHOLDS = (50_000, 20, 100)


# A connection must have sent its request headers this many seconds after it opened (or after
# its previous request was answered): idle sockets and slowloris requests hold file handles.
HEADER_TIMEOUT = 5.0


class GuardedH11Protocol(H11Protocol):
    """HTTP/1.1 that closes a connection whose request headers do not arrive in time.

    uvicorn times out an idle keep-alive connection, but not one that never sends a request
    or sends its headers a byte at a time; each would hold a file handle for ever.
    """

    header_timeout = HEADER_TIMEOUT
    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._header_timer is None and self._awaiting_headers():
            self._arm()  # a new request begins on a kept-alive connection
        super().data_received(data)
        if not self._awaiting_headers():
            self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _awaiting_headers(self) -> bool:
        # Upgraded to a WebSocket, the connection is the socket's to time out (hello).
        upgraded = self.transport.get_protocol() is not self
        return not upgraded and (self.cycle is None or self.cycle.response_complete)

    def _arm(self) -> None:
        self._header_timer = self.loop.call_later(self.header_timeout, self._headers_late)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_late(self) -> None:
        self._header_timer = None
        if self._awaiting_headers() and not self.transport.is_closing():
            self.transport.close()


def raise_open_file_limit() -> tuple[int, int]:
    """Raise this process's open-file limit as far as the system allows: (before, after).

    Every connection is a file handle; a common default of 1,024 runs out long before
    memory or CPU do."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 1_048_576)
    if wanted > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        except (ValueError, OSError):
            return soft, soft
    return soft, resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def run(app: Any, host: str, port: int, ping_interval: float = 20.0, reuse_port: bool = False) -> None:
    """Serve `app` until interrupted; a connection that answers no ping for `ping_interval`
    seconds after one is sent (a phone that vanished without closing) is closed.

    With `reuse_port`, several processes listen on the same port and the kernel spreads
    new connections between them; when one dies, the others take its reconnecting phones.
    """
    gc.set_threshold(*GC_THRESHOLDS)
    config = uvicorn.Config(
        app,
        http=GuardedH11Protocol,
        host=host,
        port=port,
        # No access log: it would record participants' addresses.
        access_log=False,
        log_level="warning",
        ws_max_size=64 * 1024,
        # Compression costs tens of kilobytes per connection and our messages are small.
        ws_per_message_deflate=False,
        ws_ping_interval=ping_interval,
        ws_ping_timeout=ping_interval,
        server_header=False,
        backlog=4096,
        # A phone that stopped reading must not hold up a restart.
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    if reuse_port:
        server.run(sockets=[shared_socket(host, port)])
    else:
        server.run()


def shared_socket(host: str, port: int) -> socket.socket:
    """A listening socket that other processes may open on the same address and port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listener.bind((host, port))
    listener.listen(4096)
    listener.set_inheritable(True)
    return listener
