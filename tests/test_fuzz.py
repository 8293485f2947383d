"""Random and hostile input at every entry point: never a crash, always a clear error, data unchanged.

Each test runs a fixed number of generated cases, prints `fuzz: N what` (shown by `pytest -s`)
and, when POLLING_FUZZ_REPORT names a file, writes every count so far to it as JSON.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import math
import os
import re
import shutil
import string
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import quote, urlsplit

import anyio
import orjson
import pytest
import yaml
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from polling.core.answers import AnswerError, Value, check_answer, clean_text, normalize_word, tidy_word
from polling.core.banks import ERROR, WARNING, parse_bank
from polling.core.model import OPTION_TYPES, Option, Question, QuestionType
from polling.live.app import create_app

ROOT = Path(__file__).resolve().parent.parent
E2E = ROOT / "tests" / "banks" / "e2e.yaml"
PROTOCOL = (ROOT / "docs" / "protocol.md").read_text(encoding="utf-8")
TOKEN = "fuzz-facilitator-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PUBLIC_BASE = "http://127.0.0.1:8000"
PHONE = "fuzz-phone-0123456789abcdef"  # a participant token as a phone's browser keeps it
MAX_MESSAGE = 4096  # docs/protocol.md: "A message over 4096 bytes ... gets an error"
REPLY_TIMEOUT = 3.0  # a reply in process takes milliseconds; a lost one must fail, not hang
NO_RATE_LIMIT = 1e9  # the fuzzer sends far faster than any phone
COMMANDS = ("show", "open", "close", "reveal", "hide", "next", "previous", "end")
ROLES = ("participant", "facilitator", "screen")
STATES = ("pending", "shown", "open", "closed")
STATUSES = ("waiting", "running", "ended")
# A message answering the client's own request; any other type is pushed by the server.
REPLY_TYPES = frozenset({"error", "ack", "pong", "welcome"})
PING = '{"type":"ping"}'


def documented(heading: str) -> frozenset[str]:
    """The backticked names in the first column of the first table under a heading of the protocol."""
    section = PROTOCOL.split(f"\n{heading}\n", 1)[1]
    names: set[str] = set()
    for line in section.splitlines():
        if line.startswith("|"):
            names.update(re.findall(r"`([a-z_]+)`", line.split("|")[1]))
        elif names:
            break
    return frozenset(names)


CLIENT_TYPES = documented("### Client to server")
TO_PARTICIPANT = documented("### Server to participant")
TO_PRESENTER = documented("### Server to facilitator and screen")
ERROR_CODES = documented("### Errors")
# `ping` is for every role and answered with `pong`, which only the participant table lists.
TO_SCREEN = (TO_PRESENTER - {"health"}) | {"pong"}
TO_FACILITATOR = TO_PRESENTER | {"pong"}
TO_ANYONE = TO_PARTICIPANT | TO_PRESENTER

# -- counting cases ----------------------------------------------------------------------

COUNTS: dict[str, int] = {}
# One process runs them all (`make test` runs the suite in two), so the report file holds every count.
pytestmark = pytest.mark.xdist_group("fuzz")


def report(what: str, count: int, expected: int) -> None:
    """Check that every case ran, print the count and add it to the JSON report."""
    assert count >= expected, f"only {count} of {expected} cases ran: {what}"
    COUNTS[what] = count
    print(f"fuzz: {count} {what}")
    target = os.environ.get("POLLING_FUZZ_REPORT")
    if target:
        Path(target).write_text(json.dumps(COUNTS, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def fuzz(examples: int, shrink: bool = True) -> settings:
    """Hypothesis settings for a fixed number of cases, leaving no example database behind."""
    phases = tuple(Phase) if shrink else (Phase.explicit, Phase.generate)
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        print_blob=True,
        phases=phases,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
            HealthCheck.function_scoped_fixture,
            HealthCheck.large_base_example,
        ],
    )


# -- value strategies --------------------------------------------------------------------

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20))
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
LANGUAGE_LISTS = st.lists(st.sampled_from(["en", "ru", "fr"]) | json_values, max_size=3) | json_values
ID_CHARS = string.ascii_letters + string.digits + "_-"
# Characters that steer YAML's parser into its corners more often than random text does.
YAML_ALPHABET = st.sampled_from(list(":-[]{},#&*!|>'\"%@`?\n\t \\") + ["a", "0", "é", "\r", "\x85"])


# -- 1. bank loader ----------------------------------------------------------------------


def check_loaded(text: str) -> None:
    """parse_bank gives a bank and no error, or no bank and an error; every problem is in the file."""
    try:
        bank, problems = parse_bank(text, "fuzz.yaml", "fuzz")
    except Exception as exc:
        shown = repr(text) if len(text) < 400 else f"{text[:200]!r} ... {text[-100:]!r}"
        raise AssertionError(f"parse_bank raised {exc!r} on {shown}") from exc
    errors = [p for p in problems if p.severity == ERROR]
    if bank is None:
        assert errors, f"no bank and no error for {text!r}: {problems}"
    else:
        assert not errors, f"a bank despite errors for {text!r}: {errors}"
    last = len(text.splitlines()) + 1  # one past the last line: problems at the end of the file
    for problem in problems:
        assert 1 <= problem.line <= last, f"line {problem.line} outside 1..{last} for {text!r}: {problem}"
        assert problem.message.strip(), f"empty message for {text!r}: {problem}"
        assert problem.severity in (ERROR, WARNING) and problem.path == "fuzz.yaml", problem


def test_bank_loader_survives_arbitrary_text() -> None:
    """Any text at all, YAML or not, loads as a bank or as problems at real lines, never an exception."""
    ran = 0

    @fuzz(300)
    @given(text=st.text(max_size=300) | st.text(alphabet=YAML_ALPHABET, max_size=300))
    def case(text: str) -> None:
        nonlocal ran
        check_loaded(text)
        ran += 1

    case()
    report("bank files of arbitrary text", ran, 300)


yaml_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.dates(), st.text(max_size=15),
    st.sampled_from(["single", "multiple", "scale", "number", "wordcloud", "text", "en", "ru", "no"]),
)  # fmt: skip
yaml_keys = st.sampled_from(
    ["title", "languages", "questions", "id", "type", "prompt", "options", "label", "max_choices",
     "min", "max", "min_label", "max_label", "max_length", "promt", "<<"]
) | st.text(max_size=8)  # fmt: skip
yaml_trees = st.recursive(
    yaml_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(yaml_keys, inner, max_size=4),
    max_leaves=20,
)
bank_shaped = st.fixed_dictionaries(
    {},
    optional={
        "title": yaml_trees,
        "languages": st.lists(st.sampled_from(["en", "ru", "no", "EN", "sr-Latn", "e"])) | yaml_trees,
        "questions": st.lists(st.dictionaries(yaml_keys, yaml_trees, max_size=6), max_size=3) | yaml_trees,
    },
)


def test_bank_loader_survives_random_yaml_documents() -> None:
    """Random YAML documents of dicts, lists and scalars load as a bank or as problems, never an exception."""
    ran = 0

    @fuzz(200)
    @given(
        document=bank_shaped | yaml_trees,
        flow=st.sampled_from([False, True, None]),
        unicode=st.booleans(),
    )
    def case(document: Any, flow: bool | None, unicode: bool) -> None:
        nonlocal ran
        text = yaml.safe_dump(document, default_flow_style=flow, allow_unicode=unicode, sort_keys=False)
        check_loaded(text)
        ran += 1

    case()
    report("random YAML documents", ran, 200)


class Plain(str):
    """A scalar written without quotes, so that YAML reads it as it would by hand (`yes` is a boolean)."""


@dataclasses.dataclass(frozen=True)
class Tagged:
    """A scalar with an explicit YAML tag."""

    tag: str
    text: str


@dataclasses.dataclass(frozen=True)
class Deep:
    """A value of `depth` nested flow collections, spliced into the text after dumping."""

    depth: int
    mapping: bool


class FuzzDumper(yaml.SafeDumper):
    """A dumper that also writes Plain, Tagged and Deep values."""


def _implicit_tag(text: str) -> str:
    """The tag YAML gives a plain scalar: `yes` is a boolean, `0x1F` an integer."""
    return str(yaml.resolver.Resolver().resolve(yaml.ScalarNode, text, (True, False)))  # type: ignore[no-untyped-call]


FuzzDumper.add_representer(Plain, lambda d, v: d.represent_scalar(_implicit_tag(str(v)), str(v)))
FuzzDumper.add_representer(Tagged, lambda d, v: d.represent_scalar(v.tag, v.text))
FuzzDumper.add_representer(
    Deep,
    lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", f"DEEP{'M' if v.mapping else 'L'}{v.depth}X"),
)


def dump(document: Any, flow: bool | None = False) -> str:
    """A document as YAML text, with Deep placeholders replaced by the nested collections."""
    text = yaml.dump(
        document, Dumper=FuzzDumper, default_flow_style=flow, allow_unicode=True, sort_keys=False
    )

    def nest(match: re.Match[str]) -> str:
        depth = int(match.group(2))
        return "{a: " * depth + "1" + "}" * depth if match.group(1) == "M" else "[" * depth + "]" * depth

    return re.sub(r"DEEP([ML])(\d+)X", nest, text)


BASE_BANK = yaml.safe_load(E2E.read_text(encoding="utf-8"))
SURPRISES = ["yes", "no", "on", "off", "True", "~", "null", "2024-05-01", "2024-05-01 10:00:00", "12:30",
             "0x1F", "0o17", "1_000", "1e3", ".nan", "-.inf", "+12", "0b101", "190:20:30", "-"]  # fmt: skip
junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=12),
    st.sampled_from([10**40, -(10**40), 2**63, 0, -1, 5001, math.nan, math.inf, "", "   "]),
    st.sampled_from(SURPRISES).map(Plain),
    st.recursive(
        scalars, lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=4), c, max_size=3)
    ),
)
HUGE = [10**100, -(10**100), 2**63, math.nan, math.inf, -math.inf, 0, -1, 5001, 1.5, True, Plain("1e3")]
TYPE_NAMES = ["single", "multiple", "scale", "number", "wordcloud", "text", "poll", "Single", ""]
LANGUAGES = st.sampled_from(["en", "ru", "EN", "e", "sr-Latn", "en "]) | st.sampled_from(["no", "on"]).map(
    Plain
)
MUTATIONS = ("drop", "replace", "duplicate_id", "unknown_key", "retype", "numbers", "languages", "odd_key")
Path_ = tuple[Any, ...]


def paths(node: Any, prefix: Path_ = ()) -> list[Path_]:
    """The path of every value inside a document, depth first."""
    keys = list(node) if isinstance(node, dict) else range(len(node)) if isinstance(node, list) else []
    found: list[Path_] = []
    for key in keys:
        found.append((*prefix, key))
        found.extend(paths(node[key], (*prefix, key)))
    return found


def parent(document: Any, path: Path_) -> Any:
    for key in path[:-1]:
        document = document[key]
    return document


def rename(mapping: dict[Any, Any], key: Any, new: Any) -> None:
    """Give a key of a mapping another name, in place and in order."""
    items = [(new if k == key else k, v) for k, v in mapping.items()]
    mapping.clear()
    mapping.update(items)


def mutate(document: dict[str, Any], kind: str, draw: Callable[..., Any]) -> None:
    """Break a bank document in one of the ways a hand-written file goes wrong."""
    every = paths(document)
    in_mappings = [p for p in every if isinstance(parent(document, p), dict)]
    # Questions and options: the mappings that carry an `id`.
    with_ids = [
        p for p in every if isinstance(parent(document, (*p, "id")), dict) and p and isinstance(p[-1], int)
    ]
    questions = [p for p in with_ids if len(p) == 2 and p[0] == "questions"]
    if kind == "drop" and in_mappings:
        path = draw(st.sampled_from(in_mappings))
        del parent(document, path)[path[-1]]
    elif kind == "replace" and every:
        path = draw(st.sampled_from(every))
        parent(document, path)[path[-1]] = draw(junk)
    elif kind == "duplicate_id" and len(with_ids) >= 2:
        first, second = draw(st.lists(st.sampled_from(with_ids), min_size=2, max_size=2, unique=True))
        parent(document, (*second, "id"))["id"] = parent(document, (*first, "id")).get("id")
    elif kind == "unknown_key" and in_mappings:
        path = draw(st.sampled_from(in_mappings))
        typo = draw(
            st.sampled_from(["promt", "option", "maxchoices", "Title", "labels"]) | st.text(max_size=6)
        )
        parent(document, path)[typo] = draw(junk)
    elif kind == "retype" and questions:
        parent(document, (*draw(st.sampled_from(questions)), "type"))["type"] = draw(
            st.sampled_from(TYPE_NAMES)
        )
    elif kind == "numbers" and questions:
        key = draw(st.sampled_from(["min", "max", "max_choices", "max_length"]))
        parent(document, (*draw(st.sampled_from(questions)), key))[key] = draw(
            st.sampled_from(HUGE) | st.integers()
        )
    elif kind == "languages":
        document["languages"] = draw(st.lists(LANGUAGES | junk, max_size=4))
    elif kind == "odd_key" and in_mappings:
        path = draw(st.sampled_from(in_mappings))
        odd = draw(st.sampled_from([1, True, None, 2.5]) | st.sampled_from(SURPRISES).map(Plain))
        rename(parent(document, path), path[-1], odd)


def mangle(text: str, kind: str, draw: Callable[..., Any]) -> str:
    """Damage the text itself: a repeated line (a duplicate key), a lost line, a tab, a stray character."""
    lines = text.split("\n")
    at = draw(st.integers(0, len(lines) - 1))
    if kind == "repeat":
        lines.insert(at, lines[at])
    elif kind == "lose":
        del lines[at]
    elif kind == "tab":
        lines[at] = "\t" + lines[at]
    else:
        column = draw(st.integers(0, len(lines[at])))
        lines[at] = (
            lines[at][:column] + draw(st.text(YAML_ALPHABET, min_size=1, max_size=3)) + lines[at][column:]
        )
    return "\n".join(lines)


def test_bank_loader_survives_mutations_of_a_valid_bank() -> None:
    """A valid bank with keys dropped, wrong kinds, duplicate ids, huge numbers or NaN fails with problems."""
    ran = 0
    assert parse_bank(dump(BASE_BANK), "fuzz.yaml", "fuzz")[0] is not None, "the starting bank is valid"

    @fuzz(300)
    @given(
        kinds=st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=4),
        damage=st.lists(st.sampled_from(["repeat", "lose", "tab", "insert"]), max_size=2),
        flow=st.sampled_from([False, None]),
        data=st.data(),
    )
    def case(kinds: list[str], damage: list[str], flow: bool | None, data: st.DataObject) -> None:
        nonlocal ran
        document = copy.deepcopy(BASE_BANK)
        for kind in kinds:
            mutate(document, kind, data.draw)
        text = dump(document, flow)
        for kind in damage:
            text = mangle(text, kind, data.draw)
        check_loaded(text)
        ran += 1

    case()
    report("mutated banks", ran, 300)


TAGS = [
    *(f"tag:yaml.org,2002:{name}" for name in ("bool", "int", "float", "timestamp", "binary", "null", "str",
                                               "set", "map", "omap", "merge", "python/object:os.system")),
    "!custom",
]  # fmt: skip


def test_bank_loader_survives_explicit_yaml_tags() -> None:
    """A value or key carrying an explicit tag (`!!bool maybe`, `!!int ""`) is a problem at its line."""
    ran = 0

    @fuzz(200, shrink=False)
    @given(
        tag=st.sampled_from(TAGS),
        text=st.sampled_from(["", "maybe", "x", "1", "0x", "2024-13-45", "==", "é"]) | st.text(max_size=10),
        on_key=st.booleans(),
        data=st.data(),
    )
    def case(tag: str, text: str, on_key: bool, data: st.DataObject) -> None:
        nonlocal ran
        document = copy.deepcopy(BASE_BANK)
        path = data.draw(st.sampled_from(paths(document)))
        container = parent(document, path)
        if on_key and isinstance(container, dict):
            rename(container, path[-1], Tagged(tag, text))
        else:
            container[path[-1]] = Tagged(tag, text)
        check_loaded(dump(document))
        ran += 1

    case()
    report("banks with explicit YAML tags", ran, 200)


def test_bank_loader_survives_deep_nesting() -> None:
    """A value nested hundreds of levels deep, in a hostile file of a few kilobytes, is a problem."""
    ran = 0

    @fuzz(40, shrink=False)
    @given(depth=st.integers(1, 1200), mapping=st.booleans(), data=st.data())
    def case(depth: int, mapping: bool, data: st.DataObject) -> None:
        nonlocal ran
        document = copy.deepcopy(BASE_BANK)
        path = data.draw(st.sampled_from(paths(document)))
        parent(document, path)[path[-1]] = Deep(depth, mapping)
        check_loaded(dump(document))
        ran += 1

    case()
    report("banks with deeply nested values", ran, 40)


# -- 2. answer checks --------------------------------------------------------------------


@st.composite
def questions(draw: st.DrawFn) -> Question:
    """A question of any type with random but valid bank fields."""
    kind = draw(st.sampled_from(list(QuestionType)))
    prompt = {"en": "Question?"}
    if kind in OPTION_TYPES:
        ids = draw(st.lists(st.text(ID_CHARS, min_size=1, max_size=6), min_size=2, max_size=5, unique=True))
        choices = draw(st.none() | st.integers(1, len(ids))) if kind is QuestionType.MULTIPLE else None
        options = tuple(Option(i, {"en": i}) for i in ids)
        return Question("q", kind, prompt, options=options, max_choices=choices)
    if kind is QuestionType.SCALE:
        low = draw(st.integers(-10, 10))
        return Question("q", kind, prompt, min=low, max=draw(st.integers(low + 1, low + 10)))
    if kind is QuestionType.NUMBER:
        bound = st.none() | st.integers(-(10**6), 10**6) | st.floats(-1e30, 1e30)
        bounds = [draw(bound), draw(bound)]
        if None not in bounds:
            bounds.sort()
        return Question("q", kind, prompt, min=bounds[0], max=bounds[1])
    return Question("q", kind, prompt, max_length=draw(st.none() | st.integers(1, 5000)))


def answer_values(question: Question) -> st.SearchStrategy[Any]:
    """Values aimed at a question: its own option ids and bounds, and junk of every JSON kind."""
    ids = question.option_ids() or ["x"]
    low = (
        question.min if question.min is not None else question.max - 200 if question.max is not None else -100
    )
    high = question.max if question.max is not None else low + 200
    low, high = math.floor(low), math.ceil(high)
    length = question.max_length or 40
    return st.one_of(
        json_values,
        st.sampled_from(ids),
        st.lists(st.sampled_from(ids), max_size=len(ids) + 2),
        st.permutations(ids),
        st.integers(low - 2, high + 2),
        st.integers(low - 2, high + 2).map(lambda n: n + 0.5),
        st.sampled_from([math.nan, math.inf, -math.inf, 1e300, 1e20, -0.0, 2.0, 2.5]),
        st.sampled_from([10**400, -(10**400), 2**63, 2**64, True, False]),
        st.sampled_from(["", " ", "\x00", "\u200b", "1e999", "NaN", "3,5", " 7 ", "0x10", "١٢", "1_0"]),
        st.builds(lambda n, c: c * n, st.integers(max(0, length - 2), length + 2), st.characters()),
    )


def clearly_valid(question: Question, value: Any) -> bool:
    """Whether the docs promise to accept `value` (a narrower test than the checks themselves)."""
    ids = question.option_ids()
    if question.type is QuestionType.SLIDE:
        return False  # a slide takes no answer at all
    if question.type is QuestionType.SINGLE:
        return isinstance(value, str) and value in ids
    if question.type is QuestionType.MULTIPLE:
        limit = question.max_choices or len(ids)
        return (
            isinstance(value, list)
            and 0 < len(value) <= limit
            and all(isinstance(v, str) and v in ids for v in value)
            and len(set(value)) == len(value)
        )
    if question.type is QuestionType.RANKING:
        return (
            isinstance(value, list)
            and all(isinstance(v, str) for v in value)
            and sorted(value) == sorted(ids)
        )
    if question.type is QuestionType.SCALE:
        return (
            type(value) is int
            and question.min is not None
            and question.max is not None
            and (question.min <= value <= question.max)
        )
    if question.type is QuestionType.NUMBER:
        return (
            type(value) in (int, float)
            and abs(value) <= 1e15  # an ordinary number, exact as a float and in JavaScript
            and (question.min is None or value >= question.min)
            and (question.max is None or value <= question.max)
        )
    return isinstance(value, str) and 0 < len(value) <= (question.max_length or 40) and value.isalnum()


def check_canonical(question: Question, value: Any, result: Value) -> None:
    """The checked answer is of the documented kind for its question type."""
    ids = question.option_ids()
    match question.type:
        case QuestionType.SINGLE:
            assert isinstance(result, str) and result == value and result in ids
        case QuestionType.MULTIPLE:
            assert isinstance(result, list) and result and len(result) <= (question.max_choices or len(ids))
            assert result == [i for i in ids if i in result] and sorted(result) == sorted(value)
        case QuestionType.RANKING:
            assert isinstance(result, list) and result == value and sorted(result) == sorted(ids)
        case QuestionType.SCALE:
            assert type(result) is int and question.min is not None and question.max is not None
            assert question.min <= result <= question.max and result == value
        case QuestionType.NUMBER:
            assert isinstance(result, int | float) and not isinstance(result, bool) and math.isfinite(result)
            assert question.min is None or result >= question.min
            assert question.max is None or result <= question.max
            if type(value) in (int, float):  # exact up to 2**53, where floats stop counting by one
                assert math.isclose(result, value, rel_tol=1e-15), (result, value)
        case QuestionType.WORDCLOUD:
            assert isinstance(result, str) and result and result == result.strip()
            assert result == tidy_word(value) and not re.search(r"\s\s", result)
            assert normalize_word(result) == normalize_word(value)
        case QuestionType.TEXT:
            assert (
                isinstance(result, str)
                and result
                and result == result.strip()
                and result == clean_text(value)
            )
            assert all(c in "\n\t" or unicodedata.category(c) != "Cc" for c in result)


def test_answer_checks_return_a_canonical_value_or_answer_error() -> None:
    """check_answer on random JSON values returns a value of the documented kind or raises AnswerError."""
    ran = 0

    @fuzz(400)
    @given(question=questions(), data=st.data())
    def case(question: Question, data: st.DataObject) -> None:
        nonlocal ran
        value = data.draw(answer_values(question))
        try:
            result = check_answer(question, value)
        except AnswerError as error:
            assert str(error).strip(), "an AnswerError needs a message for the participant"
            assert not clearly_valid(question, value), f"refused a valid answer {value!r}: {error}"
        else:
            check_canonical(question, value, result)
        ran += 1

    case()
    report("answers checked", ran, 400)


def test_checked_answers_survive_the_wire() -> None:
    """Every accepted answer can be sent back as JSON by the server's encoder (orjson) unchanged."""
    ran = 0

    # Number questions without an upper bound, or with a far one, are where big values go through.
    open_ended = st.builds(
        Question,
        st.just("q"),
        st.just(QuestionType.NUMBER),
        st.just({"en": "How many?"}),
        min=st.none() | st.just(0),
        max=st.none() | st.floats(1e15, 1e300),
    )

    @fuzz(300)
    @given(question=questions() | open_ended, data=st.data())
    def case(question: Question, data: st.DataObject) -> None:
        nonlocal ran
        value = data.draw(answer_values(question) | st.integers() | st.floats(allow_nan=False))
        try:
            result = check_answer(question, value)
        except AnswerError:
            result = None
        if result is not None:
            try:
                wire = orjson.dumps({"type": "ack", "value": result})
            except TypeError as error:  # orjson.JSONEncodeError
                shown = f"{repr(result)[:40]}... ({len(repr(result))} digits)"
                raise AssertionError(
                    f"accepted {value!r} as {shown}, which orjson cannot send: {error}"
                ) from None
            assert orjson.loads(wire)["value"] == result
        ran += 1

    case()
    report("accepted answers encoded", ran, 300)


# -- 3. WebSocket ------------------------------------------------------------------------


class Connection:
    """A WebSocket to the app whose messages are awaited with a timeout, so a lost reply fails fast."""

    def __init__(self, client: TestClient, headers: dict[str, str] | None = None) -> None:
        self.session = client.websocket_connect("/ws", headers=dict(headers or {}))
        self.ws = self.session.__enter__()
        self.closed = False
        OPEN.append(self)

    def send(self, frame: str | bytes) -> None:
        try:
            if isinstance(frame, bytes):
                self.ws.send_bytes(frame)
            else:
                self.ws.send_text(frame)
        except (anyio.BrokenResourceError, anyio.ClosedResourceError):
            self.fail("the server dropped the connection")

    def receive(self) -> dict[str, Any]:
        async def next_message() -> Any:
            with anyio.fail_after(REPLY_TIMEOUT):
                return await self.ws._send_rx.receive()

        try:
            message = self.ws.portal.call(next_message)
        except TimeoutError:
            self.fail(f"no message within {REPLY_TIMEOUT} s")
        except (anyio.EndOfStream, anyio.ClosedResourceError):
            self.fail("the server dropped the connection")
        if message["type"] != "websocket.send":
            self.fail(f"the server closed the connection: {message}")
        data = json.loads(message["text"])
        assert isinstance(data, dict) and isinstance(data.get("type"), str), f"not a typed message: {data!r}"
        return data

    def fail(self, what: str) -> NoReturn:
        raise AssertionError(what + self.close())

    def close(self) -> str:
        """Close; says which exception the server died of, if it did, for the failure message."""
        if self.closed:
            return ""
        self.closed = True
        OPEN.remove(self)
        try:
            self.session.__exit__(None, None, None)
        except Exception as exc:
            return f"; the server raised {exc!r}"
        return ""


# Every open connection: a test that fails midway leaves its own for the fixture to close,
# since the test client cannot shut down while one is open.
OPEN: list[Connection] = []


class Role:
    """A connection in one role, reopened and greeted again when a case broke it."""

    def __init__(self, client: TestClient, hello: dict[str, Any] | None) -> None:
        self.client = client
        self.hello = hello
        self.conn: Connection | None = None
        self.welcome: dict[str, Any] | None = None
        self.fresh = False  # whether the last connection() opened a new connection

    def connection(self) -> Connection:
        self.fresh = self.conn is None or self.conn.closed
        if self.conn is None or self.conn.closed:
            self.conn = Connection(self.client)
            if self.hello is not None:
                self.conn.send(json.dumps(self.hello))
                self.welcome = self.conn.receive()
                assert self.welcome["type"] == "welcome", self.welcome
        return self.conn

    def close(self) -> None:
        if self.conn is not None:
            assert not self.conn.close(), "the server failed while closing"


def check_documented(message: dict[str, Any], allowed: frozenset[str]) -> None:
    """A server message of a type documented for this role; an error with a documented code."""
    assert message["type"] in allowed, f"undocumented message for this role: {message}"
    if message["type"] == "error":
        assert message.get("code") in ERROR_CODES, f"undocumented error code: {message}"
        assert isinstance(message.get("message"), str) and message["message"].strip(), message


def exchange(
    conn: Connection, frame: str | bytes, allowed: frozenset[str], pongs: int | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Send a frame and then a ping; the replies and the pushes up to the answer to the ping.

    Without `pongs` every frame gets exactly one reply, so the second reply ends the exchange;
    with it, the exchange ends at that many pongs (a facilitator's command may get no reply).
    The answer to the ping proves that the connection still works after the frame.
    """
    conn.send(frame)
    conn.send(PING)
    replies: list[dict[str, Any]] = []
    pushes: list[dict[str, Any]] = []

    def done() -> bool:
        if pongs is None:
            return len(replies) >= 2
        return sum(1 for r in replies if r["type"] == "pong") >= pongs

    while not done():
        message = conn.receive()
        check_documented(message, allowed)
        (replies if message["type"] in REPLY_TYPES else pushes).append(message)
    return replies, pushes


def is_ping(frame: str | bytes) -> bool:
    message, code = front_door(frame, helloed=True)
    return code is None and message is not None and message["type"] == "ping"


def _no_constants(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")


def front_door(frame: str | bytes, helloed: bool) -> tuple[dict[str, Any] | None, str | None]:
    """What the server must make of a frame before any handler: the message, or the error code."""
    if isinstance(frame, bytes):
        return None, "bad_json"
    if len(frame.encode()) > MAX_MESSAGE:
        return None, "too_large"
    try:
        json.loads(frame, parse_constant=_no_constants)
        message = orjson.loads(frame)  # the server's own parser: its view decides the rest
    except (ValueError, RecursionError):  # deep nesting makes the json module recurse too far
        return None, "bad_json"
    if not isinstance(message, dict):
        return None, "bad_json"
    kind = message.get("type")
    if not isinstance(kind, str) or kind not in CLIENT_TYPES:
        return message, "unknown_type"
    if not helloed and kind != "hello":
        return message, "hello_required"
    return message, None


@dataclasses.dataclass
class WsApp:
    """The app under test and its session, on `pace` (single: slow/right/fast) open for answers."""

    client: TestClient
    info: dict[str, Any]

    def state(self, session_id: str | None = None) -> dict[str, Any]:
        response = self.client.get(f"/api/sessions/{session_id or self.info['id']}", headers=AUTH)
        assert response.status_code == 200, response.text
        state: dict[str, Any] = response.json()
        return state


def control(state: dict[str, Any]) -> tuple[Any, ...]:
    """Where a session stands: what only the facilitator may change."""
    keys = ("current", "states", "state", "revealed", "display_languages")
    return (*(state.get(key) for key in keys), state["session"]["status"])


def new_session(client: TestClient, question: str | None = "pace") -> dict[str, Any]:
    """A session of the e2e bank, with `question` shown and open when given."""
    response = client.post("/api/sessions", json={"bank": "e2e"}, headers=AUTH)
    assert response.status_code == 201, response.text
    info: dict[str, Any] = response.json()
    if question is not None:
        for action, body in (("show", {"question": question}), ("open", {})):
            response = client.post(f"/api/sessions/{info['id']}/{action}", json=body, headers=AUTH)
            assert response.status_code == 200, response.text
    return info


@pytest.fixture(scope="module")
def ws_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WsApp]:
    root = tmp_path_factory.mktemp("fuzz-ws")
    banks = root / "banks"
    banks.mkdir()
    shutil.copy(E2E, banks / "e2e.yaml")
    app = create_app(root / "db.sqlite3", banks, TOKEN, PUBLIC_BASE, rate_limit=NO_RATE_LIMIT)
    with TestClient(app) as client:
        yield WsApp(client, new_session(client))
        for conn in list(OPEN):
            conn.close()


KNOWN_FIELDS = ["type", "role", "code", "participant", "lang", "session", "token", "key", "question", "value",
                "rev", "answer", "status", "languages"]  # fmt: skip


def either(*strategies: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """One of the strategies, each as likely (one_of would weigh each branch of a nested one_of)."""
    return st.sampled_from(strategies).flatmap(lambda strategy: strategy)


def as_json(message: st.SearchStrategy[Any]) -> st.SearchStrategy[str]:
    return message.map(lambda m: json.dumps(m, ensure_ascii=False))


# Strings that JSON can spell (as \\u escapes) but UTF-8 cannot hold: lone and reversed surrogates.
LONE_SURROGATES = ["\ud800", "x\udfff", "\ud83d", "\udc00\ud800", "\ud800" * 3]
DEPTHS = st.sampled_from([1024, 1025, 1100, 2000, 5000]) | st.integers(1000, 1300)


def hostile(messages: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[str]:
    """JSON text built from real messages but hostile to a parser: a lone surrogate in one field,
    or a value nested thousands of levels deep."""

    @st.composite
    def build(draw: st.DrawFn) -> str:
        message = dict(draw(messages))
        field = draw(st.sampled_from([*message, *KNOWN_FIELDS, "bank"]))
        if draw(st.booleans()):
            message[field] = draw(st.sampled_from(LONE_SURROGATES))
            return json.dumps(message)  # ASCII only: the surrogates go over the wire as escapes
        depth = draw(DEPTHS)
        message.pop(field, None)
        nested = draw(st.sampled_from(["[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth]))
        head = json.dumps(message)[:-1]
        return f"{head}{', ' if message else ''}{json.dumps(field)}: {nested}}}"

    return build() | DEPTHS.map(lambda depth: "[" * depth)


def answers(known: list[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """`answer` messages, mostly to the open question `pace` and often right."""
    values = either(st.sampled_from(known), json_values)
    return st.fixed_dictionaries(
        {
            "type": st.just("answer"),
            "question": either(
                st.just("pace"), st.sampled_from(["topics", "remarks", "nope", "PACE"]), values
            ),
            "value": either(
                st.sampled_from(["slow", "right", "fast"]),
                st.sampled_from(["Slow", "", " slow", ["slow"], None]),
                values,
            ),
        },
        optional={
            "lang": either(st.sampled_from(["en", "ru", "xx"]), values),
            "rev": either(
                st.integers(-3, 2**53 + 1),
                st.sampled_from([0, 1, 2**53 - 1, 2**53, 1.0, True, None, "2"]),
                values,
            ),
        },
    )


def frames(known: list[Any]) -> st.SearchStrategy[str | bytes]:
    """Frames a client might send: junk text, JSON of every kind, and messages of every type."""
    values = either(st.sampled_from(known), json_values)
    types = either(
        st.sampled_from(sorted(CLIENT_TYPES)), st.sampled_from(["unknown", "PING", "Hello", ""]), values
    )
    typed = st.builds(
        lambda kind, rest: {**rest, "type": kind},
        types,
        st.dictionaries(either(st.sampled_from(KNOWN_FIELDS), st.text(max_size=6)), values, max_size=5),
    )
    hello = st.fixed_dictionaries(
        {"type": st.just("hello")},
        optional={
            "role": either(st.sampled_from(ROLES), values),
            "code": values,
            "participant": either(
                st.sampled_from([None, PHONE, "short", "x" * 65, "bad token!" * 2]), values
            ),
            "lang": values,
            "session": values,
            "token": values,
            "key": values,
        },
    )
    command = st.fixed_dictionaries(
        {"type": st.sampled_from((*COMMANDS, "moderate", "languages"))},
        optional={
            "question": either(st.sampled_from(["pace", "topics", "remarks", "word", "nope"]), values),
            "answer": values,
            "status": either(st.sampled_from(["approved", "hidden", "pending"]), values),
            "languages": LANGUAGE_LISTS,
        },
    )
    # Around the 4096-byte limit, and the same in two-byte characters.
    big = st.builds(
        lambda n, pad: json.dumps({"type": "ping", "pad": pad * n}, ensure_ascii=False),
        st.integers(1000, 6000),
        st.sampled_from(["x", "é"]),
    )
    return either(
        *map(as_json, (typed, typed, hello, answers(known), command, json_values)),
        hostile(either(typed, hello, answers(known), command)),
        st.text(max_size=60),
        st.binary(max_size=40),
        big,
    )


def known_values(info: dict[str, Any]) -> list[Any]:
    code = info["code"]
    return [info["id"], code, code.lower(), f" {code} ", info["screen_key"], TOKEN, PHONE,
            "pace", "remarks", "slow", ["slow"], *ROLES, "approved", "en", "ru"]  # fmt: skip


def expected_answer(message: dict[str, Any], phone: dict[str, Any], pace: Question) -> dict[str, Any]:
    """The reply to a participant's answer while `pace` is the open question."""
    question = message.get("question")
    if question != "pace":
        return {"type": "error", "code": "not_open"}
    try:
        value = check_answer(pace, message.get("value"))
    except AnswerError:
        return {"type": "error", "code": "invalid_answer", "question": "pace"}
    rev = message["rev"] if "rev" in message else phone["rev"] + 1
    if type(rev) is not int or not 0 < rev < 2**53:
        return {"type": "error", "code": "invalid_answer", "question": "pace"}
    if rev > phone["rev"]:
        return {"type": "ack", "question": "pace", "value": value, "rev": rev}
    return {"type": "ack", "question": "pace", "value": phone["value"], "rev": phone["rev"]}


def assert_reply(reply: dict[str, Any], expected: dict[str, Any], frame: str | bytes) -> None:
    """The reply has every field of `expected` (a tuple: one of its values); an ack has no more."""
    if expected["type"] == "ack":
        assert reply == expected, f"for {frame!r}: expected {expected}, got {reply}"
    for key, want in expected.items():
        ok = reply.get(key) in want if isinstance(want, tuple) else reply.get(key) == want
        assert ok, f"for {frame!r}: expected {expected}, got {reply}"


def _pace() -> Question:
    bank = parse_bank(E2E.read_text(encoding="utf-8"), str(E2E), "e2e")[0]
    question = bank.question("pace") if bank is not None else None
    assert question is not None, "tests/banks/e2e.yaml starts with the question pace"
    return question


PACE = _pace()

# The phone's other messages, refused in this session: Q&A is closed, the leaderboard is off,
# the questions are driven by the facilitator, not self-paced, and the bank has no scenario.
PHONE_FEATURES_OFF = {
    "ask": "qna_closed",
    "vote": "qna_closed",
    "nickname": "leaderboard_off",
    "submit": "not_open",
    "scenario_team": "scenario_off",
    "scenario_vote": "scenario_off",
    "scenario_continue": "scenario_off",
}


def test_websocket_participant_survives_random_messages(ws_app: WsApp) -> None:
    """A participant's random messages get one documented reply each; only acknowledged answers count."""
    baseline = ws_app.state()
    phone: dict[str, Any] = {"rev": 0, "value": None}
    hello = {"type": "hello", "role": "participant", "code": ws_app.info["code"], "participant": PHONE}
    role = Role(ws_app.client, hello)
    ran = 0

    known = known_values(ws_app.info)

    @fuzz(150)
    @given(frame=either(frames(known), as_json(answers(known))))
    @example(frame='{"type": "ask", "text": "Who decides?"}')
    @example(frame='{"type": "vote", "id": "abc"}')
    @example(frame='{"type": "nickname", "nickname": "Falcon"}')
    @example(frame='{"type": "submit"}')
    @example(frame='{"type": "scenario_vote", "step": "papers", "visit": 1, "option": "inspect"}')
    def case(frame: str | bytes) -> None:
        nonlocal ran
        conn = role.connection()
        if role.fresh:  # a new connection resumes with this phone's stored answer
            assert role.welcome is not None and role.welcome["participant"] == PHONE
            assert (role.welcome["answer"], role.welcome["rev"]) == (phone["value"], phone["rev"]), (
                role.welcome
            )
        message, code = front_door(frame, helloed=True)
        if code is not None:
            expected = {"type": "error", "code": code}
        elif message is not None and message["type"] == "ping":
            expected = {"type": "pong"}
        elif message is not None and message["type"] == "hello":
            expected = {"type": "error", "code": "invalid_transition"}
        elif message is not None and message["type"] == "answer":
            expected = expected_answer(message, phone, PACE)
        elif message is not None and message["type"] in PHONE_FEATURES_OFF:
            expected = {"type": "error", "code": PHONE_FEATURES_OFF[message["type"]]}
        else:
            expected = {"type": "error", "code": "unauthorized"}
        replies, pushes = exchange(conn, frame, TO_PARTICIPANT)
        assert len(replies) == 2 and replies[-1] == {"type": "pong"}, f"for {frame!r}: {replies}"
        assert_reply(replies[0], expected, frame)
        assert not pushes, f"pushed to a participant while nothing changed: {pushes}"
        if replies[0]["type"] == "ack":
            phone.update(rev=replies[0]["rev"], value=replies[0]["value"])
        after = ws_app.state()
        assert control(after) == control(baseline), f"a participant changed the session with {frame!r}"
        counts = dict(baseline["results"]["counts"])
        if phone["value"] is not None:
            counts[phone["value"]] += 1
        assert after["results"] == {"counts": counts}, f"after {frame!r}: {after['results']}"
        assert after["responses"] == baseline["responses"] + (phone["value"] is not None)
        ran += 1

    case()
    role.close()
    report("WebSocket messages as participant", ran, 150)


def test_websocket_screen_survives_random_messages(ws_app: WsApp) -> None:
    """A screen's random messages are refused or answered, never change the session, and it keeps working."""
    baseline = ws_app.state()
    hello = {
        "type": "hello",
        "role": "screen",
        "session": ws_app.info["id"],
        "key": ws_app.info["screen_key"],
    }
    role = Role(ws_app.client, hello)
    ran = 0

    @fuzz(150)
    @given(frame=frames(known_values(ws_app.info)))
    def case(frame: str | bytes) -> None:
        nonlocal ran
        conn = role.connection()
        assert role.welcome is not None and "screen_key" not in role.welcome["session"], role.welcome
        message, code = front_door(frame, helloed=True)
        if code is not None:
            expected = {"type": "error", "code": code}
        elif message is not None and message["type"] == "ping":
            expected = {"type": "pong"}
        elif message is not None and message["type"] == "hello":
            expected = {"type": "error", "code": "invalid_transition"}
        else:
            expected = {"type": "error", "code": "unauthorized"}
        replies, _ = exchange(conn, frame, TO_SCREEN)
        assert len(replies) == 2 and replies[-1] == {"type": "pong"}, f"for {frame!r}: {replies}"
        assert_reply(replies[0], expected, frame)
        after = ws_app.state()
        assert control(after) == control(baseline), f"a screen changed the session with {frame!r}"
        assert (after["responses"], after["results"]) == (baseline["responses"], baseline["results"])
        ran += 1

    case()
    role.close()
    report("WebSocket messages as screen", ran, 150)


def expected_hello(message: dict[str, Any], sessions: list[dict[str, Any]]) -> dict[str, Any]:
    """The reply to `hello` on a new connection, given every session of the server."""
    by_id = {s["id"]: s for s in sessions}
    by_code = {s["code"]: s for s in sessions}
    role = message.get("role")
    if role == "participant":
        code = message.get("code")
        session = by_code.get(code.strip().upper()) if isinstance(code, str) else None
        if session is None:
            return {"type": "error", "code": "not_found"}
        return {"type": "welcome", "session": session["id"]}
    if role not in ("facilitator", "screen"):
        return {"type": "error", "code": "bad_request"}
    sid = message.get("session")
    session = by_id.get(sid) if isinstance(sid, str) else None
    if role == "screen" and session is None:
        return {"type": "error", "code": "unauthorized"}  # a made-up id is not told apart
    if role == "facilitator":
        right = message.get("token") == TOKEN
    else:
        right = session is not None and message.get("key") == session["screen_key"]
    wrong = set() if right else {"unauthorized"}
    if session is None:
        wrong.add("not_found")
    if wrong:  # with both a wrong token and no such session, the server may name either
        return {"type": "error", "code": tuple(sorted(wrong))}
    return {"type": "welcome", "role": role, "session": sid}


def test_websocket_before_hello_survives_random_messages(ws_app: WsApp) -> None:
    """Before hello, random messages get hello_required or a precise refusal; a right hello a welcome."""
    baseline = ws_app.state()
    sessions = ws_app.client.get("/api/sessions", headers=AUTH).json()["sessions"]
    role = Role(ws_app.client, None)
    ran = 0

    @fuzz(150)
    @given(frame=frames(known_values(ws_app.info)))
    def case(frame: str | bytes) -> None:
        nonlocal ran
        conn = role.connection()
        message, code = front_door(frame, helloed=False)
        if code is not None:
            expected = {"type": "error", "code": code}
        else:
            assert message is not None
            expected = expected_hello(message, sessions)
        replies, _ = exchange(conn, frame, TO_ANYONE)
        assert len(replies) == 2 and replies[-1]["type"] in ("pong", "error"), f"for {frame!r}: {replies}"
        reply = replies[0]
        if expected["type"] == "welcome":
            assert reply["type"] == "welcome", f"for {frame!r}: expected a welcome, got {reply}"
            assert reply["session"]["id"] == expected["session"] and reply.get("role") == expected.get("role")
            assert replies[-1] == {"type": "pong"}
            conn.close()  # greeted: the next case starts on a new connection
        else:
            assert_reply(reply, expected, frame)
            assert replies[-1]["code"] == "hello_required", replies[-1]
        after = ws_app.state()
        assert control(after) == control(baseline), f"an unknown client changed the session with {frame!r}"
        assert (after["responses"], after["results"]) == (baseline["responses"], baseline["results"])
        ran += 1

    case()
    role.close()
    report("WebSocket messages before hello", ran, 150)


def facilitator_frames(known: list[Any]) -> st.SearchStrategy[str | bytes]:
    """Half any frame, half commands, moderation and languages, their fields well formed or not."""
    values = either(st.sampled_from(known), json_values)
    command = st.fixed_dictionaries(
        {"type": st.sampled_from(COMMANDS)},
        optional={
            "question": either(st.sampled_from(["pace", "topics", "useful", "remarks", "nope"]), values)
        },
    )
    moderate = st.fixed_dictionaries(
        {
            "type": st.just("moderate"),
            "question": either(st.sampled_from(["remarks", "pace", "nope"]), values),
            "answer": either(st.sampled_from(["", "x" * 24, [], {}, ["x"]]), values),
            "status": either(st.sampled_from(["approved", "hidden", "pending", "rejected"]), values),
        }
    )
    languages = st.fixed_dictionaries({"type": st.just("languages"), "languages": LANGUAGE_LISTS})
    return either(frames(known), either(*map(as_json, (command, moderate, languages))))


def test_websocket_facilitator_survives_random_messages(ws_app: WsApp) -> None:
    """A facilitator's random message sequences get documented replies and leave a consistent session."""
    cases = ran = 0

    @fuzz(100)
    @given(data=st.data())
    def case(data: st.DataObject) -> None:
        nonlocal cases, ran
        info = new_session(ws_app.client, question=None)  # one per case: a case cannot spoil the next
        hello = {"type": "hello", "role": "facilitator", "session": info["id"], "token": TOKEN}
        role = Role(ws_app.client, hello)
        conn = role.connection()
        ids = [q["id"] for q in ws_app.state(info["id"])["questions"]]
        for frame in data.draw(st.lists(facilitator_frames(known_values(info)), min_size=1, max_size=6)):
            message, code = front_door(frame, helloed=True)
            replies, pushes = exchange(conn, frame, TO_FACILITATOR, pongs=2 if is_ping(frame) else 1)
            errors = [r["code"] for r in replies if r["type"] == "error"]
            kind = message.get("type") if message is not None else None
            expected = {"hello": ["invalid_transition"], "answer": ["unauthorized"], "ping": []}
            if code is not None:
                assert errors == [code], f"for {frame!r}: {replies}"
            elif kind in expected:
                assert errors == expected[kind], f"for {frame!r}: {replies}"
            else:
                assert len(errors) <= 1, f"for {frame!r}: {replies}"
            state = ws_app.state(info["id"])
            assert state["current"] is None or state["current"] in ids, state
            assert set(state["states"]) == set(ids) and set(state["states"].values()) <= set(STATES)
            assert state["state"] == (state["states"][state["current"]] if state["current"] else None)
            assert state["session"]["status"] in STATUSES
            pushed = [p for p in pushes if p["type"] == "state"]
            if pushed:
                assert control(pushed[-1]) == control(state), f"the pushed state differs after {frame!r}"
            ran += 1
        role.close()
        cases += 1

    case()
    assert cases == 100, f"only {cases} of 100 sequences ran"
    report("WebSocket messages as facilitator", ran, cases)


def test_websocket_handshake_survives_random_origins(ws_app: WsApp) -> None:
    """A random Origin header is either this server's and served, or refused at the handshake: no crash."""
    ran = 0
    hosts = [
        "testserver",
        "127.0.0.1:8000",
        "TESTSERVER",
        "evil.example",
        "[",
        "[::1]",
        "]",
        "testserver:80",
        "",
    ]
    origins = st.builds(
        lambda scheme, host, tail: f"{scheme}{host}{tail}",
        st.sampled_from(["http://", "https://", "ws://", "//", "", "null"]),
        st.sampled_from(hosts) | st.text(string.printable.strip(), max_size=12),
        st.sampled_from(["", "/", ":", "/path"]),
    ) | st.text(string.printable.strip(), max_size=30)

    @fuzz(150)
    @given(origin=origins)
    def case(origin: str) -> None:
        nonlocal ran
        try:
            netloc = urlsplit(origin).netloc.lower()
        except ValueError:
            netloc = ""
        # The test client's connection reaches ("testserver", 80): its name, with or without the port.
        allowed = netloc in ("testserver", "testserver:80", urlsplit(PUBLIC_BASE).netloc)
        try:
            conn = Connection(ws_app.client, headers={"origin": origin})
        except WebSocketDisconnect:
            assert not allowed, f"refused this server's own origin {origin!r}"
        else:
            assert allowed, f"accepted a foreign origin {origin!r}"
            replies, _ = exchange(conn, PING, TO_ANYONE)
            assert [r.get("code") for r in replies] == ["hello_required", "hello_required"], replies
            assert not conn.close()
        ran += 1

    case()
    report("WebSocket handshakes with random Origin headers", ran, 150)


# -- 4. HTTP API -------------------------------------------------------------------------

METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]
# The `METHOD /api/...` rows of the protocol's HTTP API table.
ENDPOINTS: list[tuple[str, str]] = re.findall(r"^\| `([A-Z]+) (/api/[^`]*)`", PROTOCOL, re.MULTILINE)
PLACEHOLDERS = ("{session}", "{code}", "{screen_key}", "{action}")
SEGMENTS = [*PLACEHOLDERS, "sessions", "banks", "join", "moderate", "limit", "answers.csv", "export.json",
            "e2e", "broken", "..", ".", "", "%"]  # fmt: skip
# The fields each endpoint reads, with values that are right, nearly right or of the wrong kind.
QUESTION_IDS = st.sampled_from(["remarks", "remarks", "pace", "nope"])
FIELDS: dict[str, dict[str, st.SearchStrategy[Any]]] = {
    "/api/sessions": {
        "bank": st.sampled_from(["e2e", "broken", "nope", "../e2e"]),
        "hide_results": st.sampled_from([True, False, 0, "yes"]),
        "max_participants": st.sampled_from([None, 1, 0, -1, 2**64, 10**20, True, 2.0]) | st.integers(),
    },
    "/api/sessions/{session}/limit": {
        "max_participants": st.sampled_from([None, 1, 0, -1, 2**64, 10**20, True, 2.0]) | st.integers(),
    },
    "/api/sessions/{session}/moderate": {
        "question": QUESTION_IDS,
        "answer": st.sampled_from(["", "x" * 24, [], {}, ["x"]]) | json_values,
        "status": st.sampled_from(["approved", "hidden", "pending", "rejected"]),
    },
    "/api/sessions/{session}/languages": {"languages": LANGUAGE_LISTS},
    "/api/sessions/{session}/{action}": {"question": QUESTION_IDS},
}


@dataclasses.dataclass(frozen=True)
class Call:
    """One HTTP request, its path still naming {session}, {code}, {screen_key} and {action}."""

    method: str
    path: str
    action: str
    body: bytes | None
    authorization: str | None

    def send(self, client: TestClient, info: dict[str, Any]) -> Any:
        path = self.path.replace("{action}", self.action)
        for name in ("session", "code", "screen_key"):
            path = path.replace(f"{{{name}}}", info["id" if name == "session" else name])
        headers = {"content-type": "application/json"}
        if self.authorization is not None:
            headers["authorization"] = self.authorization
        return client.request(self.method, path, content=self.body, headers=headers)


def _path(segments: list[str]) -> str:
    return "/api/" + "/".join(s if s in PLACEHOLDERS else quote(s, safe="") for s in segments)


AUTHORIZATIONS = [
    (f"Bearer {TOKEN}", True),
    (f"bearer   {TOKEN} ", True),
    (None, False),
    ("Bearer", False),
    ("Bearer ", False),
    (f"Basic {TOKEN}", False),
    (f"Bearer {TOKEN}x", False),
    (f"Bearer {TOKEN.upper()}", False),
    (TOKEN, False),
]
random_bodies = st.one_of(
    st.none(),
    st.binary(max_size=64),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.dictionaries(st.sampled_from(["bank", "question", "status"]) | st.text(max_size=6), json_values).map(
        lambda v: json.dumps(v).encode()
    ),
)


def body_for(path: str) -> st.SearchStrategy[bytes | None]:
    """A body for an endpoint: its own fields, some of them, hostile JSON, or anything at all."""
    fields = FIELDS.get(path)
    if fields is None:
        return either(random_bodies, random_bodies, hostile(st.just({})).map(str.encode))
    mine = st.fixed_dictionaries({}, optional=fields) | st.fixed_dictionaries(fields)
    own = mine.map(lambda v: json.dumps(v).encode())
    return either(own, own, random_bodies, hostile(mine).map(str.encode))


def calls(token: bool | None) -> st.SearchStrategy[Call]:
    """Requests under /api: documented endpoints, with their own or other methods, and random paths.

    `token`: True always with the facilitator's token, False never, None either.
    """
    auth = st.sampled_from([a for a in AUTHORIZATIONS if token is None or a[1] == token])
    if token is not True:
        wrong = st.text(string.printable.strip() + " ", max_size=40).filter(lambda h: TOKEN not in h)
        auth = auth | wrong.map(lambda h: (h, False))
    random_path = st.lists(st.sampled_from(SEGMENTS) | st.text(max_size=10), max_size=4).map(_path)
    actions = st.sampled_from([*COMMANDS, *COMMANDS, "dance", ""])

    @st.composite
    def build(draw: st.DrawFn) -> Call:
        shape = draw(st.sampled_from(["documented", "other method", "random path"]))
        if shape == "random path":
            method, path = draw(st.sampled_from(METHODS)), draw(random_path)
        else:
            method, path = draw(st.sampled_from(ENDPOINTS))
            method = draw(st.sampled_from(METHODS)) if shape == "other method" else method
        return Call(method, path, draw(actions), draw(body_for(path)), draw(auth)[0])

    return build()


def body_calls() -> st.SearchStrategy[Call]:
    """POSTs with the token to the endpoints that read a body, with bodies aimed at their fields."""
    return st.builds(
        Call,
        st.just("POST"),
        st.sampled_from(list(FIELDS)),
        st.sampled_from(COMMANDS),
        st.none(),
        st.just(f"Bearer {TOKEN}"),
    ).flatmap(lambda call: body_for(call.path).map(lambda body: dataclasses.replace(call, body=body)))


@pytest.fixture
def api(tmp_path: Path) -> Iterator[TestClient]:
    banks = tmp_path / "banks"
    banks.mkdir()
    shutil.copy(E2E, banks / "e2e.yaml")
    (banks / "broken.yaml").write_text(
        "title: Broken\nquestions:\n  - id: q\n    type: poll\n    prompt: Hi\n"
    )
    app = create_app(tmp_path / "db.sqlite3", banks, TOKEN, PUBLIC_BASE, rate_limit=NO_RATE_LIMIT)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def snapshot(client: TestClient, info: dict[str, Any]) -> Any:
    """Everything a request could change: the session list, the session's state and its export.
    The state's `now` (the server's clock, for countdowns) moves by itself and is left out."""
    state = client.get(f"/api/sessions/{info['id']}", headers=AUTH)
    return [
        (r.status_code, r.text)
        for r in (
            client.get("/api/sessions", headers=AUTH),
            client.get(f"/api/sessions/{info['id']}/export.json", headers=AUTH),
        )
    ] + [(state.status_code, {k: v for k, v in state.json().items() if k != "now"})]


def describe(call: Call, response: Any) -> str:
    return f"{call.method} {response.request.url.path} body={call.body!r} auth={call.authorization!r}"


def test_http_api_without_the_token_changes_nothing(api: TestClient) -> None:
    """Without the token, random requests get no 5xx, no 2xx except for joining, and change nothing."""
    info = new_session(api)
    before = snapshot(api, info)
    ran = 0

    @fuzz(200)
    @given(call=calls(token=False))
    def case(call: Call) -> None:
        nonlocal ran
        response = call.send(api, info)
        where = describe(call, response)
        assert response.status_code < 500, f"{where} -> {response.status_code} {response.text[:300]}"
        path = response.request.url.path
        if path.startswith("/api/") and not path.startswith("/api/join/"):
            assert not 200 <= response.status_code < 300, (
                f"{where} -> {response.status_code} without the token"
            )
        if response.status_code == 401 and call.method != "HEAD":
            assert response.json()["error"] == "unauthorized", where
        assert snapshot(api, info) == before, f"{where} changed the data without the token"
        ran += 1

    case()
    report("HTTP requests without the token", ran, 200)


def test_http_api_with_the_token_never_fails(api: TestClient) -> None:
    """With the facilitator's token, random requests and bodies get a 2xx or a 4xx, never a 5xx."""
    ran = 0

    @fuzz(200)
    @given(call=either(calls(token=True), body_calls(), body_calls(), body_calls()))
    def case(call: Call) -> None:
        nonlocal ran
        info = new_session(api)  # one per case: a case cannot spoil the next
        response = call.send(api, info)
        where = describe(call, response)
        assert response.status_code < 500, f"{where} -> {response.status_code} {response.text[:300]}"
        ran += 1

    case()
    report("HTTP requests with the token", ran, 200)


def test_http_api_errors_are_json(api: TestClient) -> None:
    """Every refused request under /api answers {"error": CODE, "message": TEXT} with a documented code."""
    ran = 0

    @fuzz(200)
    @given(call=calls(token=None))
    def case(call: Call) -> None:
        nonlocal ran
        info = new_session(api)
        response = call.send(api, info)
        where = describe(call, response)
        # A path like /api/.. is resolved by the client to one outside the API: not ours to judge.
        inside_api = response.request.url.path.startswith("/api")
        if response.status_code >= 400 and call.method != "HEAD" and inside_api:
            try:
                body = response.json()
            except ValueError:
                raise AssertionError(
                    f"{where} -> {response.status_code}, not JSON: {response.text[:200]!r}"
                ) from None
            assert isinstance(body, dict) and body.get("error") in ERROR_CODES, f"{where} -> {body}"
            assert isinstance(body.get("message"), str) and body["message"].strip(), f"{where} -> {body}"
        ran += 1

    case()
    report("HTTP requests checked for JSON errors", ran, 200)
