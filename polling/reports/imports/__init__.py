"""Questions from where trainers already keep them (GIFT, Aiken, Moodle XML), as a bank. Pure.

Each format's module reads its text into a `Conversion`: the questions it could convert, as
`Draft`s, and a `Notice` for everything it could not, each at its line in the source file.
`writer.bank_yaml` then writes the drafts as a readable bank.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# A text as the source gives it: one string for every language, or language -> string.
Label = str | dict[str, str]

FORMATS = ("gift", "aiken", "moodle-xml")


@dataclass
class Draft:
    """One converted question, not yet given its id."""

    line: int
    source: str  # what it was in the source, e.g. "GIFT true/false"
    type: str  # the bank's question type
    prompt: Label
    name: str = ""  # its name or title in the source, for the id
    options: list[Label] = field(default_factory=list)
    true_false: bool = False  # options True and False, in the bank's languages
    correct: list[int] | float | None = None  # option indexes (in order, for ranking), or a number
    tolerance: float | None = None
    accepted: list[str] = field(default_factory=list)  # short answers a quiz would accept
    explanation: Label | None = None
    notes: list[str] = field(default_factory=list)  # kept as comments above the question


@dataclass(frozen=True)
class Notice:
    """Something of the source that was left out or changed, at its line."""

    line: int
    message: str


@dataclass
class Conversion:
    """What a reader made of a source file."""

    drafts: list[Draft] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    def skip(self, line: int, message: str) -> None:
        self.notices.append(Notice(line, message))


class SourceError(Exception):
    """A source that cannot be read at all (not well-formed, not the format asked for), at a line."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


def guess_format(name: str, text: str) -> str:
    """The format of a source file, from its extension and then from its content."""
    suffix = name.lower().rpartition(".")[2]
    if suffix == "gift":
        return "gift"
    if suffix == "xml" or re.match(r"\s*(<\?xml|<quiz\b)", text):
        return "moodle-xml"
    if re.search(r"^\s*ANSWER\s*:", text, re.IGNORECASE | re.MULTILINE) and not re.search(r"[^\\]\{", text):
        return "aiken"
    return "gift"
