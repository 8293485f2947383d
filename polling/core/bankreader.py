"""The reading of a bank's YAML: problems at their lines, and the reader's shared machinery.

Each part of a bank (questions, a scenario's steps) is read by a subclass of `Reader` in a module
of its own; polling.core.banks puts them together and is the entry for everyone else."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import PurePosixPath

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from polling.core.model import Bank, Image, Text

ERROR = "error"
WARNING = "warning"

# Ids end up in URLs and CSV headers, so they stay plain ASCII.
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]+")
ID_RULE = "may only contain letters A-Z and a-z, digits, '_' and '-'"
TEXT_KIND = "a text (a string or a mapping of language to string)"
# Numbers in a bank stay exact as floats and small enough for every JSON reader.
MAX_NUMBER = 10**15
MERGE_TAG = "tag:yaml.org,2002:merge"
# Seconds to answer a timed question: under 5 nobody reads the question; an hour is no timer.
MIN_TIME_LIMIT = 5
MAX_TIME_LIMIT = 3600
# A picture: its file, and what it shows in words for those who cannot see it.
PICTURE_KEYS = ("image", "alt")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
# Checked in order: bool before int, since YAML's `yes` is a bool and a bool is an int.
KINDS: tuple[tuple[type, str], ...] = (
    (bool, "a boolean"),
    (int, "an integer"),
    (float, "a decimal number"),
    (date, "a date"),
    (str, "a string"),
)

Fields = dict[str, tuple[Node, Node]]


@dataclass(frozen=True)
class Problem:
    """Something wrong in a bank file, at a 1-based line."""

    path: str
    line: int
    message: str
    severity: str  # "error" or "warning"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"


Loaded = tuple[Bank | None, list[Problem]]


class BankError(Exception):
    """Raised with the problems of a bank that has errors."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


_BROKEN = object()  # a scalar YAML could not construct; its error is already reported


def _describe(node: Node, value: object) -> str:
    """What a value is, in the words of someone who writes YAML by hand."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if value is None:
        return "an empty value"
    return next((kind for cls, kind in KINDS if isinstance(value, cls)), type(value).__name__)


def suggest(word: str, choices: Iterable[str]) -> str:
    """A 'did you mean' hint for a likely typo, or nothing."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def line_of(node: Node) -> int:
    """The 1-based line where a node starts."""
    return int(node.start_mark.line) + 1


class Reader:
    """Builds model values from YAML nodes, collecting problems instead of raising."""

    def __init__(self, path: str, loader: yaml.SafeLoader) -> None:
        self.path = path
        self.loader = loader
        self.problems: list[Problem] = []
        # None when `languages` itself is wrong: texts are then checked only for their shape.
        self.languages: tuple[str, ...] | None = ("en",)
        # Languages whose translation is missing somewhere in the question being read.
        self.untranslated: set[str] = set()
        # The line of the question's `confidence: true`, or None: whether a confidence item follows.
        self.confidence_line: int | None = None

    def error(self, where: Node | int, message: str, severity: str = ERROR) -> None:
        line = where if isinstance(where, int) else line_of(where)
        self.problems.append(Problem(self.path, line, message, severity))

    def errors(self) -> int:
        return sum(problem.severity == ERROR for problem in self.problems)

    def value(self, node: Node) -> object:
        """A scalar as YAML 1.1 reads it (so `yes` is a boolean); None for a collection."""
        if not isinstance(node, ScalarNode):
            return None
        try:
            return self.loader.construct_object(node)
        except Exception as exc:  # noqa: BLE001 - an explicit tag (!!bool maybe) can raise anything
            problem = getattr(exc, "problem", None) or f"not a valid {node.tag.rpartition(':')[2]}"
            self.error(node, f"cannot read {node.value!r}: {problem}")
            return _BROKEN

    def wrong(self, node: Node, value: object, what: str, kind: str, quote: bool) -> None:
        """Report a value of the wrong kind, saying how to fix it when quoting is the fix."""
        if value is _BROKEN:
            return
        message = f"{what} must be {kind}, got {_describe(node, value)}"
        if isinstance(node, ScalarNode) and value is not None:
            shown = repr(value) if isinstance(value, str) else node.value
            message += f': quote it, e.g. "{node.value}"' if quote else f" ({shown})"
        self.error(node, message)

    def string(self, node: Node, what: str, kind: str = "a string") -> str | None:
        value = self.value(node)
        if not isinstance(value, str):
            self.wrong(node, value, what, kind, quote=True)
            return None
        if not value.strip():
            self.error(node, f"{what} must not be empty")
            return None
        return value.strip()

    def ident(self, node: Node, what: str, seen: dict[str, int]) -> str | None:
        """An id that is well formed and not yet in `seen` (id -> line)."""
        value = self.string(node, what, "an id (letters, digits, '_' and '-')")
        if value is not None and not ID_PATTERN.fullmatch(value):
            self.error(node, f"{what} {value!r} {ID_RULE}")
            return None
        if value is not None and value in seen:
            self.error(node, f"duplicate {what} {value!r} (first on line {seen[value]})")
            return None
        if value is not None:
            seen[value] = line_of(node)
        return value

    def integer(self, node: Node, what: str, low: int | None, high: int | None) -> int | None:
        value = self.value(node)
        if not isinstance(value, int) or isinstance(value, bool):
            self.wrong(node, value, what, "a whole number", quote=False)
            return None
        if abs(value) > MAX_NUMBER:
            self.error(node, f"{what} must be between -{MAX_NUMBER:,} and {MAX_NUMBER:,}, got {node.value}")
            return None
        if low is not None and (value < low or (high is not None and value > high)):
            limits = f"from {low} to {high}" if high is not None else f"at least {low}"
            self.error(node, f"{what} must be {limits}, got {value}")
            return None
        return value

    def number(self, node: Node, what: str) -> float | None:
        value = self.value(node)
        if not isinstance(value, int | float) or isinstance(value, bool):
            self.wrong(node, value, what, "a number", quote=False)
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.error(node, f"{what} must be a finite number, got {node.value}")
            return None
        if abs(value) > MAX_NUMBER:
            self.error(node, f"{what} must be between -{MAX_NUMBER:,} and {MAX_NUMBER:,}, got {node.value}")
            return None
        return value

    def pairs(self, node: Node, what: str, kind: str) -> Fields | None:
        """The entries of a mapping by key, reporting keys that are not strings or repeat."""
        if not isinstance(node, MappingNode):
            self.wrong(node, self.value(node), what, kind, quote=False)
            return None
        fields: Fields = {}
        for key_node, value_node in node.value:
            key = None if key_node.tag == MERGE_TAG else self.value(key_node)
            if key_node.tag == MERGE_TAG:
                self.error(key_node, "merge keys (<<) are not supported: write the keys out")
            elif not isinstance(key, str):
                self.wrong(key_node, key, f"a key in {what}", "a string", quote=True)
            elif key in fields:
                first = line_of(fields[key][0])
                self.error(key_node, f"duplicate key {key!r} in {what} (first on line {first})")
            else:
                fields[key] = (key_node, value_node)
        return fields

    def mapping(self, node: Node, what: str, allowed: tuple[str, ...], required: tuple[str, ...]) -> Fields:
        """The entries of a mapping, reporting unknown and missing keys."""
        fields = self.pairs(node, what, f"a mapping with keys {', '.join(allowed)}")
        if fields is None:
            return {}
        for key, (key_node, _) in list(fields.items()):
            if key not in allowed:
                known = f"{suggest(key, allowed)}; allowed: {', '.join(allowed)}"
                self.error(key_node, f"unknown key {key!r} in {what}{known}")
                del fields[key]
        for key in required:
            if key not in fields:
                self.error(node, f"{what} is missing required key {key!r}")
        return fields

    def text(self, field: tuple[Node, Node], what: str, owner: str = "") -> Text | None:
        """A text in every language of the bank, gaps filled from the default language."""
        # Problems with the text as a whole point at its key: a block mapping starts below it.
        where, node = field
        languages = self.languages
        if isinstance(node, ScalarNode):
            value = self.string(node, what, TEXT_KIND)
            return None if value is None else dict.fromkeys(languages or (), value)
        pairs = self.pairs(node, what, TEXT_KIND)
        if not pairs:
            if pairs is not None:
                self.error(where, f"{what} must have a text in at least one language")
            return None
        texts: Text = {}
        for lang, (key_node, value_node) in pairs.items():
            if languages is not None and lang not in languages:
                known = ", ".join(languages)
                self.error(key_node, f"{what} is in {lang!r}, which is not in languages ({known})")
            elif (value := self.string(value_node, f"{what} ({lang})")) is not None:
                texts[lang] = value
        if languages is None:
            return texts
        default = languages[0]
        if default not in pairs:
            self.error(where, f"{what}{owner} has no text in {default!r}, the default language")
        if default not in texts:
            return None
        for lang in languages[1:]:
            if lang not in pairs:
                self.error(where, f"missing translation {lang!r} for {what}{owner}", WARNING)
                self.untranslated.add(lang)
        return {lang: texts.get(lang, texts[default]) for lang in languages}

    def time_limit(self, node: Node) -> int | None:
        seconds = self.integer(node, "time_limit", None, None)
        if seconds is not None and not MIN_TIME_LIMIT <= seconds <= MAX_TIME_LIMIT:
            limits = f"from {MIN_TIME_LIMIT} to {MAX_TIME_LIMIT} seconds"
            self.error(node, f"time_limit must be {limits}, got {seconds}")
            return None
        return seconds

    def picture(self, fields: Fields, owner: str) -> Image | None:
        """The `image` and `alt` of a question, option or slide. Only the path is checked here:
        whether the file exists and is a picture is polling.media's (it reads the disk)."""
        if "image" not in fields:
            if "alt" in fields:
                self.error(fields["alt"][0], f"alt{owner} describes a picture, but there is no image")
            return None
        key_node, value_node = fields["image"]
        src = self.string(value_node, "image", "a file path relative to the bank file")
        if "alt" not in fields:
            message = f"image{owner} needs alt: what the picture shows, for those who cannot see it"
            self.error(key_node, message)
        start = len(self.problems)
        alt = self.text(fields["alt"], "alt", owner) if "alt" in fields else None
        # A missing translation of any other text is a warning; a picture nobody can read about is not.
        for index in range(start, len(self.problems)):
            if self.problems[index].severity == WARNING:
                problem = self.problems[index]
                message = f"{problem.message}: a picture needs alt in every language"
                self.problems[index] = replace(problem, severity=ERROR, message=message)
        if src is None:
            return None
        path = PurePosixPath(src.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts or ":" in src:
            self.error(value_node, f"image {src!r} leaves the banks folder: give a path below the bank file")
            return None
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            kinds = ", ".join(IMAGE_SUFFIXES)
            self.error(value_node, f"image {src!r} must be a JPEG, PNG or WebP file ({kinds})")
            return None
        return None if alt is None else Image(str(path), alt, line=line_of(value_node))
