"""A session's pictures: kept with its snapshot when it starts, served by content hash."""

from __future__ import annotations

import asyncio
from pathlib import Path

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from polling.core.banks import ERROR, Problem, bank_files
from polling.core.model import Bank
from polling.live.refusals import Refused
from polling.media.images import check_images, with_digests
from polling.media.renditions import Renditions

# A copy's URL names its content hash: it never changes, so a phone keeps it a year.
IMMUTABLE = "public, max-age=31536000, immutable"


def _keep(bank: Bank, file: Path, renditions: Renditions) -> Bank:
    problems = check_images(bank, file)
    if problems:
        raise Refused("bank_invalid", "The bank has errors", problems=[str(p) for p in problems])
    hashed, files = with_digests(bank, file)
    for image in hashed.images():
        assert image.digest is not None
        try:
            renditions.keep(image.digest, files[image.digest])
        except (OSError, ValueError, SyntaxError) as exc:  # the file changed since it was checked
            message = f"image {image.src!r} cannot be re-encoded: {exc}"
            problem = Problem(str(file), image.line, message, ERROR)
            raise Refused("bank_invalid", "The bank has errors", problems=[str(problem)]) from exc
    return hashed


async def snapshot(bank: Bank, banks_dir: Path, renditions: Renditions) -> Bank:
    """The bank as a new session keeps it: each picture checked, named by its content hash,
    and re-encoded into `renditions` (once per picture, off the event loop). Raises Refused
    `bank_invalid` with FILE:LINE problems for a picture that cannot be served."""
    if not bank.images():
        return bank
    file = next(f for f in bank_files([banks_dir]) if f.stem == bank.id)
    return await asyncio.to_thread(_keep, bank, file, renditions)


async def serve(renditions: Renditions, request: Request) -> Response:
    """GET /images/{hash}/{size}.webp: one re-encoded copy of a session's picture."""
    digest, size = request.path_params["hash"], request.path_params["size"]
    # From memory when a phone already asked for it; the disk is read off the event loop.
    data = renditions.cached(digest, size) or await asyncio.to_thread(renditions.read, digest, size)
    if data is None:
        return JSONResponse({"error": "not_found", "message": "No such picture"}, status_code=404)
    return Response(data, media_type="image/webp", headers={"Cache-Control": IMMUTABLE})
