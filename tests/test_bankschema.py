"""The JSON Schema of banks agrees with the loader: same banks accepted, structural errors refused."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from starlette.testclient import TestClient

from polling.core import banks, bankschema
from polling.core.banks import parse_bank
from polling.live.app import create_app
from tests import test_banks, test_quiz_banks, test_scenario_bank, test_scenario_graph
from tests.conftest import BANKS, TEST_BANKS

VALIDATOR = jsonschema.Draft7Validator(bankschema.bank_schema())

# Rules that need more than the shape of one value: the loader's alone (see bankschema.py).
NOT_STRUCTURAL = [
    r"duplicate (question id|option id|key)",
    r"min \(.*\) must (be less|not be more) than max",
    r"a scale has at most",
    r"max_choices must be from 1 to",
    r"is in '[^']+', which is not in languages",
    r"has no text in '[^']+', the default language",
    r"merge keys",
    r"bank id .* \(the file name\)",
    r"cannot read",  # an explicit tag PyYAML cannot construct
    r"correct '[^']*' is not an option id",
    r"correct has \d+ options, more than max_choices",
    r"correct of a ranking question must put every option",
    r"correct \(.*\) is outside min\.\.max",
    r"duplicate step id",
    r"after leads on by itself, but this inject has no next",
    # A scenario's graph (core/scenario.py): what each next names, and where paths go.
    r"is not a step of the scenario",
    r"cannot be reached from the start",
    r"the scenario never ends",
    r"loop with no way out",
    r"from which no path ever ends",
]


def yaml_data(text: str) -> Any:
    """The document as an editor's YAML server reads it: data, without the loader's checks."""
    return yaml.safe_load(text)


def valid(data: Any) -> bool:
    return VALIDATOR.is_valid(data)


def bank_texts() -> Iterator[Path]:
    yield from sorted(BANKS.glob("*.yaml"))
    yield from sorted(TEST_BANKS.glob("*.yaml"))


def test_the_schema_is_valid_draft_7() -> None:
    """The generated schema is itself a valid draft-7 JSON Schema."""
    jsonschema.Draft7Validator.check_schema(bankschema.bank_schema())


def test_every_key_the_loader_knows_has_a_kind() -> None:
    """Each key of a bank and of a question has its kind in the schema, not merely 'anything'."""
    keys = [*banks.BANK_KEYS, *banks.QUESTION_KEYS]
    assert [key for key in keys if key not in bankschema.FIELDS] == []
    question = bankschema.bank_schema()["properties"]["questions"]["items"]
    assert sorted(question["properties"]) == sorted(banks.QUESTION_KEYS)
    assert [rule["if"]["properties"]["type"]["const"] for rule in question["allOf"]] == banks.TYPE_NAMES
    assert sorted(bankschema.STEP_FIELDS) == sorted(banks.STEP_KEYS)
    assert sorted(bankschema.CHOICE["properties"]) == sorted(banks.CHOICE_KEYS)


@pytest.mark.parametrize("path", list(bank_texts()), ids=lambda p: p.name)
def test_every_bundled_and_test_bank_validates(path: Path) -> None:
    """Every bank the loader accepts, bundled or in tests/banks, is valid under the schema."""
    bank, _ = banks.load_bank(path)
    assert bank is not None
    errors = [e.message for e in VALIDATOR.iter_errors(yaml_data(path.read_text(encoding="utf-8")))]
    assert errors == []


# The test modules whose banks the schema must agree with the loader on.
BANK_TESTS = (test_banks, test_quiz_banks, test_scenario_bank, test_scenario_graph)


def loader_cases() -> list[tuple[str, bool, list[str]]]:
    """Every text the loader's test modules give it: (text, loaded, error messages).

    Runs each test of those modules that takes no fixture, once per parameter set, with
    parse_bank watched; so a case added there is checked here too."""
    seen: list[tuple[str, bool, list[str]]] = []

    def watch(text: str, path: str, bank_id: str) -> banks.Loaded:
        bank, problems = parse_bank(text, path, bank_id)
        errors = [p.message for p in problems if p.severity == banks.ERROR]
        seen.append((text, bank is not None, errors))
        return bank, problems

    for module in BANK_TESTS:
        _run_watched(module, watch)
    return seen


def _run_watched(module: Any, watch: Any) -> None:
    real = module.parse_bank
    module.parse_bank = watch
    try:
        for name, test in inspect.getmembers(module, inspect.isfunction):
            if not name.startswith("test_"):
                continue
            marks = [m for m in getattr(test, "pytestmark", []) if m.name == "parametrize"]
            wanted = list(inspect.signature(test).parameters)
            if not marks:
                if not wanted:
                    test()
                continue
            (mark,) = marks
            given = mark.args[0]
            names = [n.strip() for n in given.split(",")] if isinstance(given, str) else list(given)
            if set(wanted) != set(names):
                continue  # also needs a fixture
            for values in mark.args[1]:
                args = values.values if hasattr(values, "values") else values
                test(**dict(zip(names, args if len(names) > 1 else [args], strict=True)))
    finally:
        module.parse_bank = real


CASES = loader_cases()


def test_the_loader_tests_give_many_cases() -> None:
    """The harness really runs the loader's tests: dozens of rejected banks and some accepted ones."""
    assert sum(not loaded for _, loaded, _ in CASES) >= 40
    assert sum(loaded for _, loaded, _ in CASES) >= 5


def test_schema_accepts_what_the_loader_accepts() -> None:
    """Each bank the loader's tests load is valid under the schema."""
    for text, loaded, _ in CASES:
        if loaded:
            assert [e.message for e in VALIDATOR.iter_errors(yaml_data(text))] == [], text


def test_schema_refuses_what_the_loader_refuses_for_its_shape() -> None:
    """Each bank the loader's tests reject is rejected by the schema, unless every error is semantic."""
    missed = []
    for text, loaded, errors in CASES:
        if loaded or not errors:
            continue
        try:
            data = yaml_data(text)
        except Exception:  # noqa: BLE001 - PyYAML raises anything on a tag it cannot construct
            continue  # not YAML at all: the editor's YAML server reports it before any schema
        if valid(data) and not all(any(re.search(p, e) for p in NOT_STRUCTURAL) for e in errors):
            missed.append((text, errors))
    assert missed == []


@pytest.mark.parametrize(
    "document",
    [
        "title: T\nquestions:\n  - {id: q, type: single, prompt: P, options: [{id: a, label: A}]}\n",
        "title: T\nquestions:\n  - {id: q, type: scale, prompt: P, min: 1.5}\n",
        "title: T\nquestions:\n  - {id: q, type: text, prompt: P, options: []}\n",
        "title: T\nquestions:\n  - {id: 'a b', type: text, prompt: P}\n",
        "title: T\nlanguages: [EN]\nquestions:\n  - {id: q, type: text, prompt: P}\n",
        "title: {en: ''}\nquestions:\n  - {id: q, type: text, prompt: P}\n",
        "title: T\nquestions:\n  - {id: q, type: text, prompt: P, max_length: 5001}\n",
        "title: T\nquestions: []\n",
        "title: T\nquestions:\n  - {id: q, type: poll, prompt: P}\n",
    ],
)
def test_schema_and_loader_both_refuse(document: str) -> None:
    """A handful of shapes the loader refuses, each refused by the schema too."""
    assert parse_bank(document, "b.yaml", "b")[0] is None
    assert not valid(yaml_data(document))


def test_the_schema_is_served(tmp_path: Path) -> None:
    """GET /schema/bank.json returns the schema as JSON, to anyone, with no secret in it."""
    app = create_app(tmp_path / "db.sqlite3", tmp_path, "secret-token", "http://x")
    with TestClient(app) as client:
        response = client.get("/schema/bank.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/schema+json")
    assert response.json() == bankschema.bank_schema()
    assert "secret-token" not in response.text
