"""A source file to a bank: the format's reader, then the writer."""

from __future__ import annotations

from collections.abc import Callable

from polling.reports.imports import FORMATS, Conversion, Notice, aiken, gift, moodle
from polling.reports.imports.writer import bank_yaml

READERS: dict[str, Callable[[str], Conversion]] = {
    "gift": gift.read,
    "aiken": aiken.read,
    "moodle-xml": moodle.read,
}
NAMES = {"gift": "GIFT", "aiken": "Aiken", "moodle-xml": "Moodle XML"}
assert set(READERS) == set(FORMATS)


def title_of(stem: str) -> str:
    """A bank title from the source's file name: `border-checks_2024` -> `Border checks 2024`."""
    words = " ".join(stem.replace("_", " ").replace("-", " ").split())
    return words[:1].upper() + words[1:] if words else "Imported questions"


def convert(text: str, fmt: str, lang: str, source: str, title: str) -> tuple[str | None, list[Notice]]:
    """The bank's YAML (None when no question could be converted) and every notice, by line.

    Raises SourceError when the file cannot be read as the format at all."""
    conversion = READERS[fmt](text)
    if not conversion.drafts:
        return None, sorted(conversion.notices, key=lambda n: n.line)
    bank, stand_ins = bank_yaml(conversion, title, lang, source, NAMES[fmt])
    return bank, sorted([*conversion.notices, *stand_ins], key=lambda notice: notice.line)
