"""Hints that let a page fetch what it will need before its scripts ask for it."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Sequence
from pathlib import Path


def match_language(wanted: Sequence[str], available: Sequence[str]) -> str | None:
    """The first of `available` that serves one of `wanted` (in order): the same rule as
    matchLanguage in static/js/text.js (exact, then the longest prefix, then the base language)."""
    lower = [code.lower() for code in available]
    for want in wanted:
        code = want.strip().lower()
        if not code:
            continue
        if code in lower:
            return available[lower.index(code)]
        prefixed = [i for i, item in enumerate(lower) if code.startswith(f"{item}-")]
        if prefixed:
            return available[max(prefixed, key=lambda i: len(lower[i]))]
        base = [i for i, item in enumerate(lower) if item.split("-")[0] == code.split("-")[0]]
        if base:
            return available[base[0]]
    return None


def catalogue_link(accept_language: str, catalogues: Path) -> str:
    """A `Link` header that preloads the interface catalogue the page will load for a browser
    with this Accept-Language (English when none matches), as its scripts fetch it."""
    languages = sorted(path.stem for path in catalogues.glob("*.json"))
    wanted = [part.split(";")[0] for part in accept_language.split(",")]
    code = match_language(wanted, languages) or "en"
    return f"</static/i18n/{code}.json>; rel=preload; as=fetch; crossorigin"


INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def inline_script_hashes(*pages: Path) -> list[str]:
    """The Content-Security-Policy sources (`'sha256-…'`) that allow exactly the inline
    scripts of these pages, and no other inline script."""
    sources = []
    for page in pages:
        for body in INLINE_SCRIPT.findall(page.read_text(encoding="utf-8")):
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            sources.append(f"'sha256-{digest}'")
    return sources
