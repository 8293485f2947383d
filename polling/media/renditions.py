"""Each picture re-encoded once at a phone's size and a projector's, without metadata.

The copies are files named by the original's content hash, in a folder of the server's
(by default beside its SQLite database): a session's snapshot names the hash, so its
pictures stay served after the bank file changes or is deleted. Nothing from the original
file but its pixels is kept: no EXIF (a photo from the field carries its GPS position), no
XMP, no ICC profile, no comments.
"""

from __future__ import annotations

import io
import os
import re
import secrets
from pathlib import Path

from PIL import Image as Pillow
from PIL import ImageOps

from polling.core.model import IMAGE_SIZES
from polling.store import is_server_url

# The longest side of each size: a phone's screen, and a full-HD projector.
LONGEST = {"phone": 800, "screen": 1920}
# A phone's copy is made as good as fits in this many bytes, for a weak Wi-Fi.
PHONE_BYTES = 100 * 1024
QUALITIES = (80, 70, 60, 50, 40)
SCREEN_QUALITY = 85
DIGEST = re.compile(r"[0-9a-f]{64}")
# Copies kept in memory as well, up to this many bytes: a room asks for the same picture at
# once, and a phone's copy is about 100 KB, so the pictures of a day fit many times over.
MEMORY_BYTES = 64 * 1024 * 1024


def default_folder(db: str | Path) -> Path:
    """Where the copies go unless told: beside a SQLite database, or in the current folder
    for PostgreSQL (each process of a server must then be given the same --images folder)."""
    if is_server_url(db):
        return Path("polling-images")
    return Path(f"{db}.images")


def encode(data: bytes, size: str) -> bytes:
    """The picture at `size` (one of IMAGE_SIZES) as WebP, its pixels alone."""
    with Pillow.open(io.BytesIO(data)) as original:
        # The camera's orientation is applied to the pixels before the EXIF that says it goes.
        upright = ImageOps.exif_transpose(original)
        mode = "RGBA" if upright.mode in ("RGBA", "LA", "P", "PA") else "RGB"
        picture = upright.convert(mode)
    picture.thumbnail((LONGEST[size], LONGEST[size]), Pillow.Resampling.LANCZOS)
    picture.info.clear()  # no profile, comment or metadata is carried over by the encoder
    qualities = QUALITIES if size == "phone" else (SCREEN_QUALITY,)
    encoded = b""
    for quality in qualities:
        out = io.BytesIO()
        picture.save(out, "WEBP", quality=quality, method=4, exif=b"", xmp=b"", icc_profile=None)
        encoded = out.getvalue()
        if len(encoded) <= PHONE_BYTES:
            break
    return encoded


class Renditions:
    """The folder of re-encoded pictures, by content hash and size."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._memory: dict[tuple[str, str], bytes] = {}
        self._held = 0

    def path(self, digest: str, size: str) -> Path | None:
        """The file of one copy, or None for a name that is not a hash and a size."""
        if not DIGEST.fullmatch(digest) or size not in IMAGE_SIZES:
            return None
        return self.folder / digest[:2] / f"{digest}-{size}.webp"

    def keep(self, digest: str, data: bytes) -> None:
        """Make both copies of a picture, unless they exist: each is made once."""
        for size in IMAGE_SIZES:
            target = self.path(digest, size)
            if target is None or target.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            # Written aside and renamed: a reader never sees half a file.
            partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}")
            partial.write_bytes(encode(data, size))
            os.replace(partial, target)

    def cached(self, digest: str, size: str) -> bytes | None:
        """A copy's bytes if they are in memory (no disk read), else None."""
        return self._memory.get((digest, size))

    def read(self, digest: str, size: str) -> bytes | None:
        """A copy's bytes, or None when there is none; kept in memory while there is room."""
        known = self.cached(digest, size)
        if known is not None:
            return known
        target = self.path(digest, size)
        if target is None or not target.is_file():
            return None
        found = target.read_bytes()
        if self._held + len(found) <= MEMORY_BYTES:
            self._memory[(digest, size)] = found  # a copy never changes: its name is its content
            self._held += len(found)
        return found
