"""The pictures a bank names, checked on disk: each problem at the line that names it.

polling.core.banks reads a bank without touching the disk; this module opens the files it
names, so `polling check` and the server (when a session takes its snapshot) refuse a
picture that is missing, unreadable, too big, or outside the banks folder.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from PIL import Image as Pillow
from PIL import UnidentifiedImageError

from polling.core.banks import ERROR, Problem
from polling.core.model import Bank, Image

MAX_BYTES = 10 * 1024 * 1024
MAX_SIDE = 8000
FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}


def image_path(bank_file: Path, image: Image) -> Path:
    """Where a picture of a bank is on disk: relative to the bank file."""
    return bank_file.parent / image.src


def problem_of(bank_file: Path, image: Image) -> str | None:
    """What is wrong with one picture's file, or None when it can be served."""
    folder = bank_file.parent.resolve()
    path = image_path(bank_file, image)
    if not path.resolve().is_relative_to(folder):
        return f"image {image.src!r} leaves the banks folder (a link to {path.resolve()})"
    if not path.is_file():
        return f"image file {image.src!r} not found (looked for {path})"
    size = path.stat().st_size
    if size > MAX_BYTES:
        return f"image {image.src!r} is {size / 1024 / 1024:.1f} MB: at most {MAX_BYTES // 1024 // 1024} MB"
    try:
        with Pillow.open(path) as picture:
            kind, (width, height) = picture.format, picture.size
            if kind not in FORMATS:
                return f"image {image.src!r} is {kind}, not a JPEG, PNG or WebP picture"
            if max(width, height) > MAX_SIDE:
                return f"image {image.src!r} is {width}×{height} px: at most {MAX_SIDE} px on a side"
            picture.verify()  # checks a PNG's checksums
        with Pillow.open(path) as picture:
            # Decoded whole, as the copies will be: a JPEG cut short passes verify() but not this.
            picture.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Pillow.DecompressionBombError) as exc:
        return f"image {image.src!r} cannot be read as a picture: {exc}"
    return None


def check_images(bank: Bank, bank_file: Path) -> list[Problem]:
    """Every problem of the bank's pictures, at the line that names each."""
    problems = []
    for image in bank.images():
        message = problem_of(bank_file, image)
        if message is not None:
            problems.append(Problem(str(bank_file), image.line, message, ERROR))
    return problems


def digest_of(data: bytes) -> str:
    """The content hash that names a picture's copies and URLs."""
    return hashlib.sha256(data).hexdigest()


def with_digests(bank: Bank, bank_file: Path) -> tuple[Bank, dict[str, bytes]]:
    """The bank with each picture's content hash set, and the bytes of each picture by hash:
    what a session's snapshot keeps. The pictures must have passed `check_images`."""
    files: dict[str, bytes] = {}

    def hashed(image: Image) -> Image:
        data = image_path(bank_file, image).read_bytes()
        digest = digest_of(data)
        files[digest] = data
        return replace(image, digest=digest)

    return bank.with_images(hashed), files
