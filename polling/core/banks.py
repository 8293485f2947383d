"""Question banks: YAML files read into `Bank` values, with every problem at its line."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from polling.core import scenario as graph
from polling.core.confidence import companion, companion_id
from polling.core.model import (
    ASK_JOIN,
    DEFAULT_POINTS,
    DEFAULT_SCALE,
    DEFAULT_TEXT_LENGTH,
    DEFAULT_WORD_LENGTH,
    MAX_RANKING_OPTIONS,
    OPTION_TYPES,
    Bank,
    Choice,
    Correct,
    Image,
    Option,
    Question,
    QuestionType,
    QuizSettings,
    Scenario,
    Step,
    StepKind,
    Text,
)

ERROR = "error"
WARNING = "warning"

# Ids end up in URLs and CSV headers, so they stay plain ASCII.
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]+")
ID_RULE = "may only contain letters A-Z and a-z, digits, '_' and '-'"
LANGUAGE_PATTERN = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
LANGUAGE_KIND = "a language code such as en, ru or sr-Latn"
TEXT_KIND = "a text (a string or a mapping of language to string)"
MAX_SCALE_POINTS = 11
MAX_LENGTH_LIMIT = 5000
# Numbers in a bank stay exact as floats and small enough for every JSON reader.
MAX_NUMBER = 10**15
MERGE_TAG = "tag:yaml.org,2002:merge"
# Seconds to answer a timed question: under 5 nobody reads the question; an hour is no timer.
MIN_TIME_LIMIT = 5
MAX_TIME_LIMIT = 3600
MAX_POINTS = 1000

BANK_KEYS = ("title", "languages", "questions", "quiz", "scenario")
QUIZ_KEYS = ("time_limit", "speed_bonus")
# A picture: its file, and what it shows in words for those who cannot see it.
PICTURE_KEYS = ("image", "alt")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
OPTION_KEYS = ("id", "label", *PICTURE_KEYS)
OPTION_REQUIRED = ("id", "label")
COMMON_KEYS = ("id", "type", "prompt")
# Optional keys that every type of question accepts (a slide is not asked: see SLIDE_KEYS).
ANY_TYPE_KEYS = ("explanation", "time_limit", *PICTURE_KEYS)
# A slide has a title where a question has a prompt, and no answer of any kind.
SLIDE_KEYS = ("id", "type", "title", "body", *PICTURE_KEYS)
# The keys each type accepts besides COMMON_KEYS and ANY_TYPE_KEYS.
TYPE_KEYS: dict[QuestionType, tuple[str, ...]] = {
    QuestionType.SINGLE: ("options", "correct", "points", "confidence", "segment", "ask"),
    QuestionType.MULTIPLE: ("options", "max_choices", "correct", "points", "confidence"),
    QuestionType.SCALE: ("min", "max", "min_label", "max_label"),
    QuestionType.NUMBER: ("min", "max", "correct", "tolerance", "points", "confidence"),
    QuestionType.WORDCLOUD: ("max_length",),
    QuestionType.TEXT: ("max_length",),
    QuestionType.RANKING: ("options", "correct", "points", "confidence"),
    QuestionType.SLIDE: ("title", "body"),
}
# The opinion keys first, then the quiz ones, then those of segments, in the order the docs list them.
QUIZ_QUESTION_KEYS = ("correct", "tolerance", "points", "explanation", "time_limit", "confidence")
SEGMENT_KEYS = ("segment", "ask")
QUESTION_KEYS = (
    tuple(
        key
        for key in dict.fromkeys(COMMON_KEYS + sum(TYPE_KEYS.values(), ()) + PICTURE_KEYS)
        if key not in QUIZ_QUESTION_KEYS + SEGMENT_KEYS
    )
    + QUIZ_QUESTION_KEYS
    + SEGMENT_KEYS
)
TYPE_NAMES = [str(kind) for kind in QuestionType]
# A table-top scenario: its steps, and which one it starts at (the first by default).
SCENARIO_KEYS = ("start", "steps")
# A step is an inject or a decision: the key that says which holds its title.
STEP_KINDS = tuple(str(kind) for kind in StepKind)
STEP_KEYS = ("id", *STEP_KINDS, "body", *PICTURE_KEYS, "after", "next", "options")
# Keys that only one kind of step takes: an inject leads on by itself, a decision by its options.
STEP_ONLY: dict[StepKind, tuple[str, ...]] = {
    StepKind.INJECT: ("after", "next"),
    StepKind.DECISION: ("options",),
}
CHOICE_KEYS = ("id", "label", "next")
CHOICE_REQUIRED = ("id", "label")
# Seconds before an inject leads on by itself: as a question's time_limit, at least 5.
MIN_AFTER = MIN_TIME_LIMIT
MAX_AFTER = MAX_TIME_LIMIT
# Checked in order: bool before int, since YAML's `yes` is a bool and a bool is an int.
KINDS: tuple[tuple[type, str], ...] = (
    (bool, "a boolean"),
    (int, "an integer"),
    (float, "a decimal number"),
    (date, "a date"),
    (str, "a string"),
)

Fields = dict[str, tuple[Node, Node]]


def allowed_keys(qtype: QuestionType) -> tuple[str, ...]:
    """The keys a question of this type may have."""
    if qtype is QuestionType.SLIDE:
        return SLIDE_KEYS
    return COMMON_KEYS + ANY_TYPE_KEYS + TYPE_KEYS[qtype]


def heading_key(qtype: QuestionType | None) -> str:
    """The key of the text a question is shown under: a slide's title, else the prompt."""
    return "title" if qtype is QuestionType.SLIDE else "prompt"


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


def _suggest(word: str, choices: Iterable[str]) -> str:
    """A 'did you mean' hint for a likely typo, or nothing."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


class _Reader:
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
        line = where if isinstance(where, int) else _line(where)
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
            seen[value] = _line(node)
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
                first = _line(fields[key][0])
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
                known = f"{_suggest(key, allowed)}; allowed: {', '.join(allowed)}"
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

    def bank(self, root: Node, bank_id: str) -> Bank | None:
        if not ID_PATTERN.fullmatch(bank_id):
            self.error(1, f"bank id {bank_id!r} (the file name) {ID_RULE}: rename the file")
        fields = self.mapping(root, "the bank", BANK_KEYS, ("title",))
        if isinstance(root, MappingNode) and "questions" not in fields and "scenario" not in fields:
            message = "the bank is missing required key 'questions' (or 'scenario'): it needs at least one"
            self.error(root, message)
        if "languages" in fields:
            self.languages = self.language_list(*fields["languages"])
        title = self.text(fields["title"], "title") if "title" in fields else None
        quiz = self.quiz(fields["quiz"][1]) if "quiz" in fields else None
        questions = self.questions(*fields["questions"]) if "questions" in fields else []
        scenario = self.scenario(*fields["scenario"]) if "scenario" in fields else None
        if self.errors() or title is None or self.languages is None:
            return None
        return Bank(bank_id, title, self.languages, tuple(questions), quiz, scenario)

    def reference(self, node: Node, what: str) -> str | None:
        """The id of a step named by `start` or `next`: whether the step exists is the graph's."""
        value = self.string(node, what, "a step id")
        if value is not None and not ID_PATTERN.fullmatch(value):
            self.error(node, f"{what} {value!r} {ID_RULE}")
            return None
        return value

    def scenario(self, key_node: Node, node: Node) -> Scenario | None:
        """A table-top scenario: its steps in bank order; the graph is checked by core/scenario."""
        fields = self.mapping(node, "scenario", SCENARIO_KEYS, ("steps",))
        if not fields:
            return None
        before = self.errors()
        steps: list[Step] = []
        if "steps" in fields:
            steps_key, steps_node = fields["steps"]
            if not isinstance(steps_node, SequenceNode):
                self.wrong(steps_node, self.value(steps_node), "steps", "a list of steps", quote=False)
            elif not steps_node.value:
                self.error(steps_key, "steps must not be empty: a scenario needs at least one step")
            else:
                seen: dict[str, int] = {}
                steps = [step for item in steps_node.value if (step := self.step(item, seen)) is not None]
        start, line = (steps[0].id if steps else None), _line(key_node)
        if "start" in fields:
            start_node = fields["start"][1]
            start, line = self.reference(start_node, "start"), _line(start_node)
        if self.errors() > before or start is None:
            return None
        scenario = Scenario(start, tuple(steps), line)
        # Only a scenario whose every step was read: a step left out would make false flaws.
        for flaw in graph.flaws(scenario):
            self.error(flaw.line, flaw.message)
        return None if self.errors() > before else scenario

    def step_kind(self, node: Node, fields: Fields) -> StepKind | None:
        """Whether a step is an inject or a decision: exactly one of the two keys."""
        kinds = [StepKind(key) for key in STEP_KINDS if key in fields]
        if not kinds:
            self.error(node, "a step needs inject (a development of the story) or decision (a choice)")
            return None
        if len(kinds) > 1:
            message = "a step is an inject or a decision, not both: make them two steps"
            self.error(fields[str(kinds[1])][0], message)
            return None
        return kinds[0]

    def step(self, node: Node, seen: dict[str, int]) -> Step | None:
        before = self.errors()
        fields = self.mapping(node, "step", STEP_KEYS, ("id",))
        sid = self.ident(fields["id"][1], "step id", seen) if "id" in fields else None
        owner = f" of step {sid!r}" if sid else ""
        kind = self.step_kind(node, fields) if fields else None
        title = self.text(fields[str(kind)], str(kind), owner) if kind is not None else None
        body = self.text(fields["body"], "body", owner) if "body" in fields else None
        image = self.picture(fields, owner)
        for other, keys in STEP_ONLY.items():
            for key in keys:
                if kind is not None and other is not kind and key in fields:
                    message = f"{key} does not apply to {'an' if kind is StepKind.INJECT else 'a'} {kind}"
                    self.error(fields[key][0], f"{message} (only to {other} steps)")
        after = next_id = None
        if kind is StepKind.INJECT and "next" in fields:
            next_id = self.reference(fields["next"][1], "next")
        if kind is StepKind.INJECT and "after" in fields:
            after_key, after_node = fields["after"]
            after = self.integer(after_node, "after", MIN_AFTER, MAX_AFTER)
            if "next" not in fields:
                message = "after leads on by itself, but this inject has no next: it is an ending"
                self.error(after_key, message)
        options: tuple[Choice, ...] = ()
        if kind is StepKind.DECISION:
            if "options" in fields:
                options = self.choices(*fields["options"], sid)
            else:
                self.error(node, "a decision needs options, each naming the step it leads to with next")
        if self.errors() > before or sid is None or kind is None or title is None:
            return None
        return Step(sid, kind, title, body, image, after, next_id, options, _line(node))

    def choices(self, key_node: Node, node: Node, sid: str | None) -> tuple[Choice, ...]:
        """The options of a decision; how many there must be is the graph's rule (core/scenario)."""
        if not isinstance(node, SequenceNode):
            self.wrong(node, self.value(node), "options", "a list of options", quote=False)
            return ()
        seen: dict[str, int] = {}
        found: list[Choice] = []
        for item in node.value:
            fields = self.mapping(item, "option", CHOICE_KEYS, CHOICE_REQUIRED)
            oid = self.ident(fields["id"][1], "option id", seen) if "id" in fields else None
            owner = (f" of option {oid!r}" if oid else "") + (f" in step {sid!r}" if sid else "")
            label = self.text(fields["label"], "label", owner) if "label" in fields else None
            target = self.reference(fields["next"][1], "next") if "next" in fields else None
            if oid is not None and label is not None:
                found.append(Choice(oid, label, target, _line(item)))
        return tuple(found)

    def quiz(self, node: Node) -> QuizSettings:
        fields = self.mapping(node, "quiz", QUIZ_KEYS, ())
        limit = self.time_limit(fields["time_limit"][1]) if "time_limit" in fields else None
        bonus = False
        if "speed_bonus" in fields:
            value_node = fields["speed_bonus"][1]
            value = self.value(value_node)
            if isinstance(value, bool):
                bonus = value
            else:
                self.wrong(value_node, value, "speed_bonus", "true or false", quote=False)
        return QuizSettings(limit, bonus)

    def time_limit(self, node: Node) -> int | None:
        seconds = self.integer(node, "time_limit", None, None)
        if seconds is not None and not MIN_TIME_LIMIT <= seconds <= MAX_TIME_LIMIT:
            limits = f"from {MIN_TIME_LIMIT} to {MAX_TIME_LIMIT} seconds"
            self.error(node, f"time_limit must be {limits}, got {seconds}")
            return None
        return seconds

    def language_list(self, key_node: Node, node: Node) -> tuple[str, ...] | None:
        kind = "a list of language codes, e.g. [en, ru]"
        if not isinstance(node, SequenceNode) or not node.value:
            self.wrong(node, self.value(node), "languages", kind, quote=False)
            return None
        found: list[str] = []
        for item in node.value:
            code = self.string(item, "a language", LANGUAGE_KIND)
            if code is not None and not LANGUAGE_PATTERN.fullmatch(code):
                self.error(item, f"{code!r} is not {LANGUAGE_KIND}")
            elif code is not None and code in found:
                self.error(item, f"language {code!r} is listed twice")
            elif code is not None:
                found.append(code)
        return tuple(found) if len(found) == len(node.value) else None

    def questions(self, key_node: Node, node: Node) -> list[Question]:
        if not isinstance(node, SequenceNode):
            self.wrong(node, self.value(node), "questions", "a list of questions", quote=False)
            return []
        if not node.value:
            self.error(key_node, "questions must not be empty: a bank needs at least one question")
        seen: dict[str, int] = {}
        found: list[Question] = []
        for item in node.value:
            question = self.question(item, seen)
            if question is None:
                continue
            found.append(question)
            if self.confidence_line is not None:
                found.extend(self.confidence_item(question, seen))
        return found

    def confidence_item(self, question: Question, seen: dict[str, int]) -> list[Question]:
        """The "how sure are you?" item that `confidence: true` adds after `question`."""
        line = self.confidence_line or 0
        added = companion_id(question.id)
        if added in seen:
            self.error(
                line, f"confidence adds the question {added!r}, an id already used on line {seen[added]}"
            )
            return []
        seen[added] = line
        return [companion(question, self.languages or ())]

    def question(self, node: Node, seen: dict[str, int]) -> Question | None:
        before = self.errors()
        self.untranslated = set()
        self.confidence_line = None
        fields = self.mapping(node, "question", QUESTION_KEYS, ("id", "type"))
        if "confidence" in fields:
            value_node = fields["confidence"][1]
            value = self.value(value_node)
            if not isinstance(value, bool):
                self.wrong(value_node, value, "confidence", "true or false", quote=False)
            elif value:
                self.confidence_line = _line(value_node)  # a "how sure are you?" item follows
        qid = self.ident(fields["id"][1], "question id", seen) if "id" in fields else None
        owner = f" of question {qid!r}" if qid else ""
        qtype = self.question_type(fields["type"][1]) if "type" in fields else None
        heading = heading_key(qtype)
        if heading not in fields:
            self.error(node, f"question is missing required key {heading!r}")
        prompt = self.text(fields[heading], heading, owner) if heading in fields else None
        if qtype is None:
            return None
        for key, (key_node, _) in fields.items():
            if key in allowed_keys(qtype):
                continue
            if qtype is QuestionType.SLIDE:
                self.error(key_node, f"{key} does not apply to a slide (a slide has {', '.join(SLIDE_KEYS)})")
            else:
                users = ", ".join(t for t, keys in TYPE_KEYS.items() if key in keys)
                self.error(key_node, f"{key} does not apply to {qtype} questions (only {users})")
        if qtype in OPTION_TYPES:
            values = self.choice_fields(node, qtype, fields, qid)
        elif qtype is QuestionType.SCALE:
            values = self.scale_fields(node, fields, owner)
        elif qtype is QuestionType.NUMBER:
            values = self.number_fields(fields)
        elif qtype is QuestionType.SLIDE:
            values = {"body": self.text(fields["body"], "body", owner)} if "body" in fields else {}
        else:
            default = DEFAULT_WORD_LENGTH if qtype is QuestionType.WORDCLOUD else DEFAULT_TEXT_LENGTH
            values = {"max_length": default}
            if "max_length" in fields:
                length = self.integer(fields["max_length"][1], "max_length", 1, MAX_LENGTH_LIMIT)
                values["max_length"] = length
        if qtype is not QuestionType.SLIDE:
            values |= self.quiz_fields(fields, qtype, values, owner)
        values["image"] = self.picture(fields, owner)
        values |= self.segment_fields(fields, qtype)
        if self.errors() > before or qid is None or prompt is None:
            return None
        missing = tuple(lang for lang in self.languages or () if lang in self.untranslated)
        return Question(qid, qtype, prompt, **values, missing=missing)

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
        return None if alt is None else Image(str(path), alt, line=_line(value_node))

    def quiz_fields(
        self, fields: Fields, qtype: QuestionType, values: dict[str, Any], owner: str
    ) -> dict[str, Any]:
        """`correct`, `tolerance`, `points`, `explanation` and `time_limit` of a question whose
        type-specific `values` are read (the options and bounds its answer is checked against)."""
        quiz: dict[str, Any] = {}
        if "explanation" in fields:
            quiz["explanation"] = self.text(fields["explanation"], "explanation", owner)
        if "time_limit" in fields:
            quiz["time_limit"] = self.time_limit(fields["time_limit"][1])
        if "correct" in fields and "correct" in TYPE_KEYS[qtype]:
            quiz["correct"] = self.correct(fields["correct"][1], qtype, values)
            quiz["points"] = DEFAULT_POINTS
        for key in ("points", "tolerance"):
            if key not in fields or key not in TYPE_KEYS[qtype]:
                continue
            key_node, value_node = fields[key]
            if "correct" not in fields:
                self.error(key_node, f"{key} needs a correct answer: add correct to the question")
            elif key == "points":
                quiz["points"] = self.integer(value_node, "points", 0, MAX_POINTS)
            elif (tolerance := self.number(value_node, "tolerance")) is not None and tolerance < 0:
                self.error(value_node, f"tolerance must not be negative, got {value_node.value}")
            else:
                quiz["tolerance"] = tolerance
        return quiz

    def segment_fields(self, fields: Fields, qtype: QuestionType) -> dict[str, Any]:
        """`segment` and `ask` of a single choice question (other types are refused before)."""
        found: dict[str, Any] = {}
        if "segment" in fields and qtype is QuestionType.SINGLE:
            value_node = fields["segment"][1]
            value = self.value(value_node)
            if isinstance(value, bool):
                found["segment"] = value
            else:
                self.wrong(value_node, value, "segment", "true or false", quote=False)
        if "ask" in fields and qtype is QuestionType.SINGLE:
            key_node, value_node = fields["ask"]
            ask = self.string(value_node, "ask", f"{ASK_JOIN!r}")
            if ask is not None and ask != ASK_JOIN:
                self.error(value_node, f"ask must be {ASK_JOIN!r} (asked as a phone joins), got {ask!r}")
            elif ask is not None and not found.get("segment"):
                self.error(key_node, "ask: join needs segment: true: only segments are asked at join")
            elif ask is not None and "correct" in fields:
                self.error(key_node, "ask: join does not go with correct: a segment question is not a quiz")
            else:
                found["ask"] = ask
        if found.get("segment") and "correct" in fields:
            message = "segment: true does not go with correct: groups have no right answer"
            self.error(fields["segment"][0], message)
        return found

    def not_an_option(self, node: Node, chosen: str, known: list[str]) -> None:
        hint = _suggest(chosen, known)
        self.error(node, f"correct {chosen!r} is not an option id{hint}; options: {', '.join(known)}")

    def correct(self, node: Node, qtype: QuestionType, values: dict[str, Any]) -> Correct | None:
        """The right answer, checked against the question's options or bounds."""
        if qtype is QuestionType.NUMBER:
            number = self.number(node, "correct")
            low, high = values.get("min"), values.get("max")
            if number is not None and (
                (low is not None and number < low) or (high is not None and number > high)
            ):
                bounds = f"{'' if low is None else f'{low:g}'}..{'' if high is None else f'{high:g}'}"
                self.error(node, f"correct ({node.value}) is outside min..max ({bounds})")
                return None
            return number
        known = [option.id for option in values.get("options", ())]
        if qtype is QuestionType.SINGLE:
            chosen = self.string(node, "correct", "an option id")
            if chosen is not None and chosen not in known:
                self.not_an_option(node, chosen, known)
                return None
            return chosen
        if not isinstance(node, SequenceNode) or not node.value:
            kind = (
                "the option ids in the expected order"
                if qtype is QuestionType.RANKING
                else "a list of option ids"
            )
            self.wrong(
                node, self.value(node), "correct", f"{kind}, e.g. [{', '.join(known[:2])}]", quote=False
            )
            return None
        ids: list[str] = []
        for item in node.value:
            chosen = self.string(item, "an option id in correct", "an option id")
            if chosen is not None and chosen not in known:
                self.not_an_option(item, chosen, known)
            elif chosen is not None and chosen in ids:
                self.error(item, f"option {chosen!r} is listed twice in correct")
            elif chosen is not None:
                ids.append(chosen)
        if len(ids) != len(node.value):
            return None
        if qtype is QuestionType.RANKING and len(ids) != len(known):
            left_out = ", ".join(o for o in known if o not in ids)
            self.error(
                node, f"correct of a ranking question must put every option in order; missing: {left_out}"
            )
            return None
        limit = values.get("max_choices")
        if qtype is QuestionType.MULTIPLE and limit is not None and len(ids) > limit:
            self.error(
                node, f"correct has {len(ids)} options, more than max_choices ({limit}) lets anyone choose"
            )
            return None
        # A multiple choice set is kept in bank order, as answers are, so that the two compare.
        return [o for o in known if o in ids] if qtype is QuestionType.MULTIPLE else ids

    def question_type(self, node: Node) -> QuestionType | None:
        names = ", ".join(TYPE_NAMES)
        name = self.string(node, "type", f"one of {names}")
        if name is not None and name not in TYPE_NAMES:
            hint = _suggest(name, TYPE_NAMES)
            self.error(node, f"type must be one of {names}, got {name!r}{hint}")
            return None
        return None if name is None else QuestionType(name)

    def choice_fields(
        self, node: Node, qtype: QuestionType, fields: Fields, qid: str | None
    ) -> dict[str, Any]:
        if "options" not in fields:
            self.error(node, f"a {qtype} question needs options")
            return {}
        key_node, options_node = fields["options"]
        options = self.options(key_node, options_node, qtype, qid)
        if qtype is not QuestionType.MULTIPLE or "max_choices" not in fields:
            return {"options": options}
        count = len(options_node.value) if isinstance(options_node, SequenceNode) else None
        choices = self.integer(fields["max_choices"][1], "max_choices", 1, count)
        return {"options": options, "max_choices": choices}

    def scale_fields(self, node: Node, fields: Fields, owner: str) -> dict[str, Any]:
        values: dict[str, Any] = dict(zip(("min", "max"), DEFAULT_SCALE, strict=True))
        for key in ("min", "max"):
            if key in fields:
                values[key] = self.integer(fields[key][1], key, None, None)
        for key in ("min_label", "max_label"):
            if key in fields:
                values[key] = self.text(fields[key], key, owner)
        low, high = values["min"], values["max"]
        where = fields.get("max", fields.get("min", (node, node)))[1]
        if low is not None and high is not None and low >= high:
            self.error(where, f"min ({low}) must be less than max ({high})")
        elif low is not None and high is not None and high - low >= MAX_SCALE_POINTS:
            points = f"{MAX_SCALE_POINTS} points, but {low}..{high} has {high - low + 1}"
            self.error(where, f"a scale has at most {points}")
        return values

    def number_fields(self, fields: Fields) -> dict[str, Any]:
        values: dict[str, Any] = {k: self.number(fields[k][1], k) for k in ("min", "max") if k in fields}
        low, high = values.get("min"), values.get("max")
        if low is not None and high is not None and low > high:
            self.error(fields["max"][1], f"min ({low}) must not be more than max ({high})")
        return values

    def options(self, key_node: Node, node: Node, qtype: QuestionType, qid: str | None) -> tuple[Option, ...]:
        if not isinstance(node, SequenceNode):
            self.wrong(node, self.value(node), "options", "a list of options", quote=False)
            return ()
        if len(node.value) < 2:
            count = len(node.value)
            self.error(key_node, f"a {qtype} question needs at least 2 options, got {count}")
        elif qtype is QuestionType.RANKING and len(node.value) > MAX_RANKING_OPTIONS:
            count = len(node.value)
            self.error(key_node, f"a ranking question has at most {MAX_RANKING_OPTIONS} options, got {count}")
        seen: dict[str, int] = {}
        result = []
        for item in node.value:
            fields = self.mapping(item, "option", OPTION_KEYS, OPTION_REQUIRED)
            oid = self.ident(fields["id"][1], "option id", seen) if "id" in fields else None
            owner = f" of option {oid!r}" if oid else ""
            owner += f" in question {qid!r}" if qid else ""
            label = self.text(fields["label"], "label", owner) if "label" in fields else None
            image = self.picture(fields, owner)
            if oid is not None and label is not None:
                result.append(Option(oid, label, image))
        return tuple(result)


def _yaml_problem(exc: yaml.YAMLError, text: str, path: str) -> Problem:
    """A YAML syntax error as a Problem at the line where the parser gave up."""
    line, message = 1, f"invalid YAML: {exc}"
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        message = f"invalid YAML: {exc.problem or exc}"
        if exc.problem == "but found another document":
            message = "a bank file holds one YAML document, but another one starts here"
        elif exc.context and exc.context_mark is not None:
            message += f" ({exc.context} on line {exc.context_mark.line + 1})"
        if "'\\t'" in message:
            message += ": indent with spaces, YAML does not allow tabs"
        elif "flow" in (exc.context or ""):
            message += ": inside { } or [ ], quote texts that contain , : ? [ ] { } or #"
    elif isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        message = f"invalid YAML: the character U+{char:04X} is not allowed"
    return Problem(path, line, message, ERROR)


def parse_bank(text: str, path: str, bank_id: str) -> Loaded:
    """Read a bank from YAML text; the bank is None when there is any error."""
    try:
        loader = yaml.SafeLoader(text)
        try:
            root = loader.get_single_node()
            if root is None:
                message = "the file is empty: a bank needs a title and questions"
                return None, [Problem(path, 1, message, ERROR)]
            reader = _Reader(path, loader)
            bank = reader.bank(root, bank_id)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        return None, [_yaml_problem(exc, text, path)]
    except RecursionError:
        return None, [Problem(path, 1, "the file is nested too deeply to be a bank", ERROR)]
    return bank, sorted(reader.problems, key=lambda problem: problem.line)


def load_bank(path: str | Path) -> Loaded:
    """Read a bank file (UTF-8); its id is the file name without the extension."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(str(path), 1, f"cannot read the file: {exc.strerror}", ERROR)]
    try:
        text = data.decode("utf-8-sig")  # editors on Windows often start the file with a BOM
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = "the file is not UTF-8 text: save it with the UTF-8 encoding"
        return None, [Problem(str(path), line, message, ERROR)]
    return parse_bank(text, str(path), path.stem)


def bank_files(paths: Iterable[str | Path]) -> list[Path]:
    """The files to read: a directory gives its *.yaml and *.yml files, sorted."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = [p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()]
            files.extend(sorted(found, key=lambda p: p.name))
        else:
            files.append(path)
    return files


def load_banks(directory: str | Path) -> dict[str, Loaded]:
    """Every bank of a directory by id, sorted by id; a missing directory has none."""
    banks: dict[str, Loaded] = {}
    if not Path(directory).is_dir():
        return banks
    for file in bank_files([directory]):
        bank, problems = load_bank(file)
        if file.stem in banks:
            # a.yaml and a.yml: neither can be trusted to be the bank the trainer meant.
            message = f"bank id {file.stem!r} is used by two files: rename one of them"
            problems = [*banks[file.stem][1], *problems, Problem(str(file), 1, message, ERROR)]
            bank = None
        banks[file.stem] = (bank, problems)
    return dict(sorted(banks.items()))


# What a bank's files on disk add to its problems (its pictures: see polling.media.images).
FileCheck = Callable[[Bank, Path], list[Problem]]


def check(
    paths: Iterable[str | Path], strict: bool = False, files: FileCheck | None = None
) -> tuple[list[Problem], bool]:
    """All problems of the given files and directories, and whether they pass; `files` checks
    what a bank that loads names on disk."""
    given = [Path(path) for path in paths]
    problems = [
        Problem(str(path), 1, "no .yaml or .yml files in this directory", ERROR)
        for path in given
        if path.is_dir() and not bank_files([path])
    ]
    for file in bank_files(given):
        bank, found = load_bank(file)
        if bank is not None and files is not None:
            found = sorted([*found, *files(bank, file)], key=lambda problem: problem.line)
        problems.extend(found)
    failing = (ERROR, WARNING) if strict else (ERROR,)
    return problems, not any(problem.severity in failing for problem in problems)
