"""A source file to a bank: the format's reader, then the writer."""

from __future__ import annotations

import math
from collections.abc import Callable

from polling.core.banks import MAX_NUMBER
from polling.core.model import MAX_RANKING_OPTIONS
from polling.reports.imports import FORMATS, Conversion, Draft, Label, Notice, aiken, gift, moodle
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
    conversion.drafts = [draft for draft in conversion.drafts if _sound(draft, conversion)]
    if not conversion.drafts:
        return None, sorted(conversion.notices, key=lambda n: n.line)
    bank, stand_ins = bank_yaml(conversion, title, lang, source, NAMES[fmt])
    return bank, sorted([*conversion.notices, *stand_ins], key=lambda notice: notice.line)


def _filled(label: Label | None) -> bool:
    if isinstance(label, dict):
        return any(text.strip() for text in label.values())
    return bool(label and label.strip())


def _exact(number: float | None) -> bool:
    return number is None or (math.isfinite(number) and abs(number) <= MAX_NUMBER)


def _sound(draft: Draft, conversion: Conversion) -> bool:
    """Whether a draft makes a question the loader takes; a notice says why not, or what was dropped.

    The readers check what their format can get wrong; this catches what is left, so that the
    bank always passes `polling check`."""
    reason = ""
    if not _filled(draft.prompt):
        reason = "a question with no text: skipped"
    elif draft.options and len(draft.options) < 2:
        reason = "a question with fewer than 2 answers: skipped"
    elif any(not _filled(option) for option in draft.options):
        reason = "an answer with no text: question skipped"
    elif draft.type == "ranking" and len(draft.options) > MAX_RANKING_OPTIONS:
        reason = f"an ordering of more than {MAX_RANKING_OPTIONS} items: skipped"
    if reason:
        conversion.skip(draft.line, reason)
        return False
    number = draft.correct if isinstance(draft.correct, float | int) else None
    if not (_exact(number) and _exact(draft.tolerance)):
        conversion.skip(draft.line, f"the number {number} is beyond what a bank holds: kept without it")
        draft.correct, draft.tolerance = None, None
    if not _filled(draft.explanation):
        draft.explanation = None
    return True
