"""Hints that let a page fetch what it will need before its scripts ask for it."""

from __future__ import annotations

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
