"""Running an app under uvicorn, the same way for the real server and the benchmark's baseline."""

from __future__ import annotations

from typing import Any

import uvicorn


def run(app: Any, host: str, port: int) -> None:
    """Serve `app` until interrupted."""
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
        server_header=False,
        backlog=4096,
    )
    uvicorn.Server(config).run()
