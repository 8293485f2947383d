"""Files sent as they are stored: pages, scripts, styles and plotly.js, compressed once each.

plotly.js alone is 4.8 MB, sent to the presenter and to every read-only screen over the room's
Wi-Fi. Each file is compressed (Brotli and gzip) the first time it is asked for, in a thread,
and kept in memory until it changes on disk; a request only picks the coding its client takes.
Every answer has an ETag, so a client that has the file gets `304 Not Modified` instead.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import mimetypes
import os
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import brotli
from starlette.requests import Request
from starlette.responses import Response
from starlette.staticfiles import StaticFiles

# Content codings we make, the client's favourite first when it takes several equally.
CODINGS = ("br", "gzip")
ETAG_SUFFIX = {"br": "-br", "gzip": "-gz", "identity": ""}
# Below this size the coding's own overhead eats the gain.
MIN_SIZE = 512
# Brotli's best quality takes half a minute for plotly.js on a laptop; a faster one for big
# files still beats gzip by a seventh, in about a second, once per file and start.
BIG_FILE = 256 * 1024
BROTLI_QUALITY, BROTLI_QUALITY_BIG = 11, 6
COMPRESSIBLE = ("text/", "application/json", "application/javascript", "image/svg+xml")


@dataclass(frozen=True)
class Asset:
    """A file's bytes in each content coding worth sending, and the tag of its content."""

    media_type: str
    etag: str
    bodies: dict[str, bytes]

    def tag(self, coding: str) -> str:
        """The quoted ETag of this file in one coding: each representation has its own."""
        return f'"{self.etag}{ETAG_SUFFIX[coding]}"'


def compressed(data: bytes, media_type: str) -> dict[str, bytes]:
    """`data` as sent uncompressed, and in each coding that makes it smaller."""
    bodies = {"identity": data}
    if len(data) < MIN_SIZE or not media_type.startswith(COMPRESSIBLE):
        return bodies
    quality = BROTLI_QUALITY if len(data) < BIG_FILE else BROTLI_QUALITY_BIG
    # mtime=0: the same file always compresses to the same bytes.
    for coding, body in (
        ("br", brotli.compress(data, quality=quality)),
        ("gzip", gzip.compress(data, compresslevel=9, mtime=0)),
    ):
        if len(body) < len(data):
            bodies[coding] = body
    return bodies


def load(path: Path, media_type: str) -> Asset:
    """Read and compress a file: blocking, so run in a thread."""
    data = path.read_bytes()
    etag = hashlib.sha256(data).hexdigest()[:24]
    return Asset(media_type, etag, compressed(data, media_type))


def choose_coding(accept_encoding: str, available: Collection[str]) -> str:
    """The content coding to send for an Accept-Encoding header: the one the client weighs
    highest among those available (Brotli before gzip on a tie), else `identity`."""
    weights: dict[str, float] = {}
    for part in accept_encoding.split(","):
        name, _, parameters = part.partition(";")
        weight = 1.0
        for parameter in parameters.split(";"):
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if name.strip():
            weights[name.strip().lower()] = weight
    best, best_weight = "identity", 0.0
    for coding in CODINGS:
        weight = weights.get(coding, weights.get("*", 0.0))
        if coding in available and weight > best_weight:
            best, best_weight = coding, weight
    return best


def not_modified(if_none_match: str | None, asset: Asset) -> bool:
    """Whether the client already holds this content, in any coding (`*` holds anything)."""
    if not if_none_match:
        return False
    held = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in held or any(asset.tag(coding) in held for coding in asset.bodies)


class Assets:
    """The files served so far, each loaded and compressed once per version on disk."""

    def __init__(self) -> None:
        self._loaded: dict[Path, tuple[tuple[int, int], asyncio.Future[Asset]]] = {}

    async def get(self, path: Path, media_type: str) -> Asset:
        """The file at `path`, compressed; reloaded only when its size or time changes."""
        stat = os.stat(path)
        version = (stat.st_mtime_ns, stat.st_size)
        entry = self._loaded.get(path)
        if entry is None or entry[0] != version:
            # One task per file: requests that arrive while it runs wait for the same one.
            task = asyncio.ensure_future(asyncio.to_thread(load, path, media_type))
            entry = self._loaded[path] = (version, task)
        try:
            # Shielded: a client that leaves must not cancel the work the others wait for.
            return await asyncio.shield(entry[1])
        except Exception:
            # Not kept: the next request tries again rather than failing for good.
            if self._loaded.get(path) is entry:
                del self._loaded[path]
            raise

    async def response(
        self, request: Request, path: Path, cache_control: str, media_type: str = ""
    ) -> Response:
        """The file for this request: in the coding it takes, or 304 when it has it already."""
        asset = await self.get(path, media_type or guess_type(path))
        coding = choose_coding(request.headers.get("accept-encoding", ""), asset.bodies)
        headers = {"ETag": asset.tag(coding), "Cache-Control": cache_control, "Vary": "Accept-Encoding"}
        if not_modified(request.headers.get("if-none-match"), asset):
            return Response(status_code=304, headers=headers)
        if coding != "identity":
            headers["Content-Encoding"] = coding
        return Response(asset.bodies[coding], media_type=asset.media_type, headers=headers)


def guess_type(path: Path) -> str:
    """The media type of a file by its name (text types are served as UTF-8 by Starlette)."""
    if path.suffix in (".js", ".mjs"):
        return "text/javascript"
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


class CompressedStaticFiles(StaticFiles):
    """StaticFiles (its path checks, 404 and 405) that sends each file through `Assets`."""

    def __init__(self, directory: Path, assets: Assets, cache_control: str) -> None:
        super().__init__(directory=directory)
        self.assets = assets
        self.cache_control = cache_control

    def file_response(
        self, full_path: Any, stat_result: os.stat_result, scope: Any, status_code: int = 200
    ) -> Response:
        return _Deferred(self.assets, Request(scope), Path(full_path), self.cache_control)


class _Deferred(Response):
    """A response made when it is sent, since StaticFiles asks for one without awaiting."""

    def __init__(self, assets: Assets, request: Request, path: Path, cache_control: str) -> None:
        super().__init__()
        self.assets, self.request, self.path, self.cache_control = assets, request, path, cache_control

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        response = await self.assets.response(self.request, self.path, self.cache_control)
        await response(scope, receive, send)
