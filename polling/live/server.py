"""Running an app under uvicorn, the same way for the real server and the benchmark's baseline."""

from __future__ import annotations

import gc
import socket
from typing import Any

import uvicorn

# Ten thousand connections are millions of long-lived objects; with the default thresholds the
# collector walks them all every few thousand answers, which made each answer cost more the more
# phones were connected. Young collections stay frequent; full ones become rare.
GC_THRESHOLDS = (50_000, 20, 100)


def run(app: Any, host: str, port: int, ping_interval: float = 20.0, reuse_port: bool = False) -> None:
    """Serve `app` until interrupted; a connection that answers no ping for `ping_interval`
    seconds after one is sent (a phone that vanished without closing) is closed.

    With `reuse_port`, several processes listen on the same port and the kernel spreads
    new connections between them; when one dies, the others take its reconnecting phones.
    """
    gc.set_threshold(*GC_THRESHOLDS)
    config = uvicorn.Config(
        app,
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
