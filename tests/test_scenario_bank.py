"""Reading a bank's table-top scenario: steps, texts in every language, pictures, problems at their line."""

from __future__ import annotations

from dataclasses import replace

import pytest

from polling.core.banks import WARNING, parse_bank
from polling.core.model import Bank, Choice, StepKind
from polling.core.session import Session, TransitionError

# A bank with a scenario and no questions; line numbers below refer to it.
SCENARIO = """\
title: {en: Exercise, ru: Учение}
languages: [en, ru]
scenario:
  start: arrival
  steps:
    - id: arrival
      inject: {en: A lorry at the crossing, ru: Грузовик на пункте пропуска}
      body:
        en: "The driver declares **furniture**."
        ru: "Водитель декларирует **мебель**."
      image: images/lorry.png
      alt: {en: A white lorry, ru: Белый грузовик}
      after: 60
      next: papers
    - id: papers
      decision: {en: "What do you do?", ru: "Что вы делаете?"}
      options:
        - {id: inspect, label: {en: Inspect the load, ru: Досмотреть груз}, next: found}
        - {id: release, label: {en: Let it go, ru: Пропустить}}
    - id: found
      inject: {en: Icons under the blankets, ru: Иконы под одеялами}
"""


def load(text: str = SCENARIO) -> Bank:
    bank, problems = parse_bank(text, "bank.yaml", "bank")
    assert bank is not None, problems
    return bank


def errors(text: str) -> list[tuple[int, str]]:
    bank, problems = parse_bank(text, "bank.yaml", "bank")
    assert bank is None
    return [(p.line, p.message) for p in problems if p.severity != WARNING]


def test_a_scenario_is_read_into_steps_in_bank_order() -> None:
    """Each step keeps its kind, texts in every language, after, next and the line it starts on."""
    scenario = load().scenario
    assert scenario is not None
    assert scenario.start == "arrival"
    assert [(s.id, s.kind, s.line) for s in scenario.steps] == [
        ("arrival", StepKind.INJECT, 6),
        ("papers", StepKind.DECISION, 15),
        ("found", StepKind.INJECT, 20),
    ]
    arrival = scenario.steps[0]
    assert arrival.title == {"en": "A lorry at the crossing", "ru": "Грузовик на пункте пропуска"}
    assert arrival.body == {
        "en": "The driver declares **furniture**.",
        "ru": "Водитель декларирует **мебель**.",
    }
    assert (arrival.after, arrival.next) == (60, "papers")
    assert scenario.steps[1].options == (
        Choice("inspect", {"en": "Inspect the load", "ru": "Досмотреть груз"}, "found"),
        Choice("release", {"en": "Let it go", "ru": "Пропустить"}, None),
    )
    assert [c.line for c in scenario.steps[1].options] == [18, 19]
    assert [s.id for s in scenario.endings()] == ["found"]


def test_a_scenario_only_bank_has_no_questions_and_survives_its_snapshot() -> None:
    """A bank may hold a scenario alone; to_dict/from_dict keeps it whole, body blocks included."""
    bank = load()
    assert bank.questions == ()
    assert Bank.from_dict(bank.to_dict()) == bank
    step = bank.to_dict()["scenario"]["steps"][0]
    assert step["blocks"]["ru"][0]["runs"][1] == {"text": "мебель", "bold": True}


def test_the_start_defaults_to_the_first_step() -> None:
    """Without `start`, the scenario starts at its first step."""
    scenario = load(SCENARIO.replace("  start: arrival\n", "")).scenario
    assert scenario is not None and scenario.start == "arrival"


def test_a_bank_may_have_questions_and_a_scenario() -> None:
    """Questions and a scenario live side by side in one bank."""
    text = SCENARIO + "questions:\n  - {id: q, type: text, prompt: {en: Why, ru: Почему}}\n"
    bank = load(text)
    assert [q.id for q in bank.questions] == ["q"]
    assert bank.scenario is not None and len(bank.scenario.steps) == 3


def test_step_pictures_are_among_the_bank_images_and_are_replaced_with_them() -> None:
    """Bank.images lists a step's picture with its line; with_images changes it in the scenario."""
    bank = load()
    assert [(i.src, i.line) for i in bank.images()] == [("images/lorry.png", 11)]
    hashed = bank.with_images(lambda image: replace(image, digest="ab" * 32))
    assert hashed.scenario is not None and hashed.scenario.steps[0].image is not None
    assert hashed.scenario.steps[0].image.digest == "ab" * 32
    assert hashed.to_dict()["scenario"]["steps"][0]["image"]["urls"]["phone"].startswith("/images/abab")


def test_a_missing_translation_is_a_warning_and_falls_back_to_the_default_language() -> None:
    """A step or option text without Russian loads, with a warning at its line, showing English."""
    text = SCENARIO.replace(", ru: Иконы под одеялами}", "}").replace(", ru: Пропустить}", "}")
    bank, problems = parse_bank(text, "bank.yaml", "bank")
    assert bank is not None and bank.scenario is not None
    assert [(p.line, p.severity, p.message) for p in problems] == [
        (19, WARNING, "missing translation 'ru' for label of option 'release' in step 'papers'"),
        (21, WARNING, "missing translation 'ru' for inject of step 'found'"),
    ]
    assert bank.scenario.steps[2].title == dict.fromkeys(("en", "ru"), "Icons under the blankets")


def test_a_bank_needs_questions_or_a_scenario() -> None:
    """A bank with neither questions nor a scenario is refused at line 1."""
    assert errors("title: T\n") == [
        (1, "the bank is missing required key 'questions' (or 'scenario'): it needs at least one")
    ]


HEAD = "title: T\nscenario:\n  steps:\n"
# A decision on line 4 whose options start on line 7, the first of them given here.
DECISION = HEAD + "    - id: a\n      decision: A\n      options:\n        - {id: y, label: Y}\n        - "
TEXT_KIND = "a text (a string or a mapping of language to string)"
STEP_KEYS = "id, inject, decision, body, image, alt, after, next, options"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("title: T\nscenario: [a]\n", (2, "scenario must be a mapping with keys start, steps, got a list")),
        ("title: T\nscenario:\n  start: a\n", (3, "scenario is missing required key 'steps'")),
        (HEAD[:-1] + " []\n", (3, "steps must not be empty: a scenario needs at least one step")),
        (HEAD[:-1] + " x\n", (3, "steps must be a list of steps, got a string ('x')")),
        (
            "title: T\nscenario:\n  stpes: []\n",
            (3, "unknown key 'stpes' in scenario (did you mean 'steps'?); allowed: start, steps"),
        ),
        (
            HEAD + "    - {id: a, inject: A}\n  start: 'b c'\n",
            (5, "start 'b c' may only contain letters A-Z and a-z, digits, '_' and '-'"),
        ),
        (
            HEAD + "    - {id: a}\n",
            (4, "a step needs inject (a development of the story) or decision (a choice)"),
        ),
        (
            HEAD + "    - {id: a, inject: A, decision: B}\n",
            (4, "a step is an inject or a decision, not both: make them two steps"),
        ),
        (HEAD + "    - {inject: A}\n", (4, "step is missing required key 'id'")),
        (
            HEAD + "    - {id: a, inject: A}\n    - {id: a, inject: B}\n",
            (5, "duplicate step id 'a' (first on line 4)"),
        ),
        (
            HEAD + "    - {id: a, inject: A, options: []}\n",
            (4, "options does not apply to an inject (only to decision steps)"),
        ),
        (
            DECISION.replace("decision: A", "decision: A\n      next: a") + "{id: z, label: Z}\n",
            (6, "next does not apply to a decision (only to inject steps)"),
        ),
        (
            HEAD + "    - {id: a, inject: A, next: b, after: 4}\n    - {id: b, inject: B}\n",
            (4, "after must be from 5 to 3600, got 4"),
        ),
        (
            HEAD + "    - {id: a, inject: A, next: b, after: 1.5}\n    - {id: b, inject: B}\n",
            (4, "after must be a whole number, got a decimal number (1.5)"),
        ),
        (
            HEAD + "    - {id: a, inject: A, after: 30}\n",
            (4, "after leads on by itself, but this inject has no next: it is an ending"),
        ),
        (HEAD + "    - {id: a, inject: A, next: [b]}\n", (4, "next must be a step id, got a list")),
        (
            HEAD + "    - {id: a, inject: A, colour: red}\n",
            (4, f"unknown key 'colour' in step; allowed: {STEP_KEYS}"),
        ),
        (HEAD + "    - {id: a, inject: A, body: [x]}\n", (4, f"body must be {TEXT_KIND}, got a list")),
        (
            HEAD + "    - {id: a, inject: A, image: x.gif, alt: X}\n",
            (4, "image 'x.gif' must be a JPEG, PNG or WebP file (.jpg, .jpeg, .png, .webp)"),
        ),
        (
            HEAD + "    - {id: a, inject: A, image: x.png}\n",
            (4, "image of step 'a' needs alt: what the picture shows, for those who cannot see it"),
        ),
        (
            HEAD + "    - {id: a, decision: A}\n",
            (4, "a decision needs options, each naming the step it leads to with next"),
        ),
        (
            HEAD + "    - {id: a, decision: A, options: x}\n",
            (4, "options must be a list of options, got a string ('x')"),
        ),
        (DECISION + "{id: y, label: Z}\n", (8, "duplicate option id 'y' (first on line 7)")),
        (DECISION + "{id: z}\n", (8, "option is missing required key 'label'")),
        (
            DECISION + "{id: z, label: Z, goto: b}\n",
            (8, "unknown key 'goto' in option; allowed: id, label, next"),
        ),
        (
            DECISION + "{id: z, label: Z, next: 3}\n",
            (8, 'next must be a step id, got an integer: quote it, e.g. "3"'),
        ),
    ],
)
def test_shape_mistakes_are_reported_at_their_line(text: str, expected: tuple[int, str]) -> None:
    """Each mistake in a scenario's shape refuses the bank with FILE:LINE and a clear message."""
    assert expected in errors(text)


def test_a_scenario_problem_names_the_file_and_line() -> None:
    """`polling check` prints a scenario mistake as FILE:LINE: error: message."""
    bank, problems = parse_bank(HEAD + "    - {id: a}\n", "banks/x.yaml", "x")
    assert bank is None
    assert str(problems[0]) == (
        "banks/x.yaml:4: error: a step needs inject (a development of the story) or decision (a choice)"
    )


def test_the_clicker_on_a_scenario_only_bank_is_refused_with_a_clear_error() -> None:
    """`next` in a session of a bank without questions is refused, not a crash on an empty list."""
    session = Session(id="s", code="ABCDE", bank=load(), screen_key="k", created="now")
    with pytest.raises(TransitionError, match="no questions, only a scenario"):
        session.next()
