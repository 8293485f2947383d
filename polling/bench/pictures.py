"""A room fetching a picture at once: N phones ask for the same phone-sized copy together.

A real server runs the bundled cultural-property bank; a session of it makes the copies,
one fetch warms the cache, then N clients, each on a connection of its own, as N phones
on a Wi-Fi are, ask for the picture of a slide at the same moment. What counts is the time
until the last phone has the whole picture.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from polling import data
from polling.bench.bench import Server, free_port, percentile, project_command

BANK = "cultural-property"


async def fetch_all(url: str, phones: int) -> list[tuple[float, bytes]]:
    """Each phone's time to the whole picture (ms from the common start) and what it got."""
    clients = [httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=1)) for _ in range(phones)]
    try:
        start = time.perf_counter()

        async def one(client: httpx.AsyncClient) -> tuple[float, bytes]:
            response = await client.get(url)
            response.raise_for_status()
            return (time.perf_counter() - start) * 1000, response.content

        return await asyncio.gather(*(one(client) for client in clients))
    finally:
        await asyncio.gather(*(client.aclose() for client in clients))


def run_pictures(phones: int) -> dict[str, Any]:
    """Measure the room; print the summary, one JSON object, as the last line."""
    with tempfile.TemporaryDirectory(prefix="polling-pictures-") as name:
        workdir = Path(name)
        (workdir / "banks").mkdir()
        shutil.copy(data.BANKS / f"{BANK}.yaml", workdir / "banks")
        shutil.copytree(data.BANKS / "images", workdir / "banks" / "images")
        port, token = free_port(), secrets.token_urlsafe(12)
        server = Server(project_command(workdir, port, workdir / "pictures.sqlite3", token), port)
        server.start(workdir / "pictures.log")
        try:
            base = f"http://127.0.0.1:{port}"
            headers = {"Authorization": f"Bearer {token}"}
            info = httpx.post(f"{base}/api/sessions", json={"bank": BANK}, headers=headers, timeout=60).json()
            state = httpx.get(f"{base}/api/sessions/{info['id']}", headers=headers).json()
            image = next(q["image"] for q in state["questions"] if q.get("image"))
            url = base + image["urls"]["phone"]
            warm = httpx.get(url).content  # the cache is warm: the room never pays for the encoding
            times = asyncio.run(fetch_all(url, phones))
        finally:
            server.stop()
    elapsed = [ms for ms, _ in times]
    summary = {
        "phones": phones,
        "bytes": len(warm),
        "all_received": all(content == warm for _, content in times),
        "last_phone_ms": round(max(elapsed), 1),
        "median_ms": round(percentile(elapsed, 0.5), 1),
        "p99_ms": round(percentile(elapsed, 0.99), 1),
    }
    print(json.dumps({"pictures": summary}), flush=True)
    return summary
