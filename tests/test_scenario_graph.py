"""A scenario's graph: each flaw at its line, the Mermaid flowchart, the map layout, `check --graph`."""

from __future__ import annotations

from pathlib import Path

import pytest

from polling.core.banks import parse_bank
from polling.core.model import Choice, Scenario, Step, StepKind
from polling.core.scenario import flaws, layout, mermaid, reachable
from tests.test_cli import polling
from tests.test_scenario_bank import SCENARIO

HEAD = "title: T\nscenario:\n  steps:\n"
# A decision on line 4 whose two options are on lines 7 and 8 (their `next` given as %s).
DECISION = HEAD + (
    "    - id: d\n      decision: D\n      options:\n"
    "        - {id: x, label: X%s}\n        - {id: y, label: Y%s}\n"
)


def decision(first: str = "", second: str = "") -> str:
    return DECISION % (f", next: {first}" if first else "", f", next: {second}" if second else "")


def problems(text: str) -> list[tuple[int, str]]:
    bank, found = parse_bank(text, "bank.yaml", "bank")
    assert bank is None
    return [(p.line, p.message) for p in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            HEAD + "    - {id: a, inject: A, next: b}\n",
            [(4, "next 'b' of step 'a' is not a step of the scenario")],
        ),
        (
            decision("nowhere"),
            [(7, "next 'nowhere' of option 'x' of step 'd' is not a step of the scenario")],
        ),
        (
            HEAD + "    - {id: a, inject: A}\n  start: b\n",
            [(5, "start 'b' is not a step of the scenario")],
        ),
        (
            HEAD + "    - {id: a, inject: A}\n    - {id: b, inject: B}\n",
            [(5, "step 'b' cannot be reached from the start 'a'")],
        ),
        (
            HEAD + "    - id: d\n      decision: D\n      options:\n        - {id: x, label: X}\n",
            [(4, "decision 'd' needs at least 2 options, got 1")],
        ),
        (
            HEAD + "    - {id: a, inject: A, next: b}\n    - {id: b, inject: B, next: a}\n",
            [(2, "the scenario never ends: give an inject without next or an option without next")],
        ),
        (
            decision("", "a") + "    - {id: a, inject: A, next: b}\n    - {id: b, inject: B, next: a}\n",
            [
                (8, "option 'y' of step 'd' leads to 'a', from which no path ever ends"),
                (9, "loop with no way out: a -> b -> a; give one of these steps a way to an ending"),
            ],
        ),
        (
            decision("", "a") + "    - {id: a, inject: A, next: a}\n",
            [
                (8, "option 'y' of step 'd' leads to 'a', from which no path ever ends"),
                (9, "loop with no way out: a -> a; give one of these steps a way to an ending"),
            ],
        ),
        (
            HEAD + "    - {id: a, inject: A}\n    - {id: a, inject: B}\n",
            [(5, "duplicate step id 'a' (first on line 4)")],
        ),
    ],
    ids=[
        "unknown-next",
        "unknown-option-next",
        "unknown-start",
        "unreachable",
        "one-option",
        "never-ends",
        "loop-no-way-out",
        "self-loop",
        "id-twice",
    ],
)
def test_each_graph_flaw_is_reported_at_its_line(text: str, expected: list[tuple[int, str]]) -> None:
    """`polling check` refuses each kind of broken graph with the line of the step or option at fault."""
    assert problems(text) == expected


def test_a_loop_with_a_way_out_is_fine() -> None:
    """A decision that can send the group back a step (ask again) loads when another option ends."""
    bank, found = parse_bank(decision("d", "a") + "    - {id: a, inject: A}\n", "bank.yaml", "bank")
    assert bank is not None and found == []
    assert bank.scenario is not None and [s.id for s in bank.scenario.endings()] == ["a"]


def test_a_step_id_used_twice_in_a_value_is_a_flaw() -> None:
    """A scenario built by hand with one id twice is flawed at the second step's line."""
    steps = (Step("a", StepKind.INJECT, {"en": "A"}, line=3), Step("a", StepKind.INJECT, {"en": "B"}, line=7))
    assert [(f.line, f.message) for f in flaws(Scenario("a", steps))] == [
        (7, "step id 'a' is used twice (first on line 3)")
    ]


# A start, a decision with three ways, a step reached two ways, two endings; used below.
BRANCHY = Scenario(
    "arrival",
    (
        Step("arrival", StepKind.INJECT, {"en": "Arrival", "ru": "Прибытие"}, next="papers"),
        Step(
            "papers",
            StepKind.DECISION,
            {"en": 'Check the "papers"?', "ru": "Проверить документы?"},
            options=(
                Choice("inspect", {"en": "Inspect", "ru": "Досмотр"}, "search"),
                Choice("call", {"en": "Call the expert", "ru": "Вызвать эксперта"}, "expert"),
                Choice("release", {"en": "Release | wave on", "ru": "Пропустить"}, None),
            ),
        ),
        Step("expert", StepKind.INJECT, {"en": "Expert", "ru": "Эксперт"}, next="search"),
        Step("search", StepKind.INJECT, {"en": "Search", "ru": "Досмотр"}, next="seized"),
        Step("seized", StepKind.INJECT, {"en": "Seized <b>", "ru": "Изъято"}),
    ),
)


def test_the_branchy_scenario_has_no_flaw() -> None:
    """The scenario the layout and flowchart tests use is a sound graph."""
    assert flaws(BRANCHY) == []
    assert reachable(BRANCHY) == ["arrival", "papers", "search", "expert", "seized"]


def test_layout_columns_are_distances_and_rows_the_order_met() -> None:
    """Each step's column is its fewest moves from the start; a step met two ways takes the shorter."""
    assert layout(BRANCHY) == {
        "arrival": (0, 0),
        "papers": (1, 0),
        "search": (2, 0),
        "expert": (2, 1),
        "seized": (3, 0),
    }


def test_layout_is_deterministic_and_follows_option_order() -> None:
    """The same scenario gives the same map; swapping two options swaps their rows."""
    assert layout(BRANCHY) == layout(Scenario.from_dict(BRANCHY.to_dict()))
    papers = BRANCHY.steps[1]
    swapped = Scenario(
        BRANCHY.start,
        (
            BRANCHY.steps[0],
            Step(papers.id, papers.kind, papers.title, options=papers.options[::-1]),
            *BRANCHY.steps[2:],
        ),
    )
    assert (layout(swapped)["expert"], layout(swapped)["search"]) == ((2, 0), (2, 1))


def test_layout_puts_steps_no_path_reaches_in_a_last_column() -> None:
    """Steps that cannot be reached (a bank that failed its check) still get a place, after the rest."""
    steps = (
        *BRANCHY.steps,
        Step("lost", StepKind.INJECT, {"en": "Lost"}),
        Step("gone", StepKind.INJECT, {"en": "G"}),
    )
    assert layout(Scenario("arrival", steps))["lost"] == (4, 0)
    assert layout(Scenario("arrival", steps))["gone"] == (4, 1)


def test_mermaid_draws_injects_decisions_endings_and_labelled_options() -> None:
    """The flowchart has a box per inject, a rhombus per decision, marked endings and option labels."""
    text = mermaid(BRANCHY, "en")
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    assert '    s1["Arrival"]' in lines
    assert '    s2{"Check the #34;papers#34;?"}' in lines
    assert '    s5(["Seized #60;b#62;"]):::ending' in lines
    assert "    s1 --> s2" in lines
    assert '    s2 -->|"Inspect"| s4' in lines
    assert '    s2 -->|"Call the expert"| s3' in lines
    assert '    s2 -->|"Release #124; wave on"| e1((( ))):::ending' in lines
    assert "    class s1 start" in lines
    assert text.endswith("\n") and mermaid(BRANCHY, "en") == text


def test_mermaid_speaks_the_chosen_language() -> None:
    """Labels come in the language asked for, and in the step's first language where it has none."""
    russian = mermaid(BRANCHY, "ru")
    assert '    s1["Прибытие"]' in russian and '    s2 -->|"Вызвать эксперта"| s3' in russian
    assert '    s1["Arrival"]' in mermaid(BRANCHY, "fr")


def test_mermaid_labels_cannot_break_out() -> None:
    """Quotes, pipes, brackets, markup and line breaks in a text stay inside its label."""
    title = 'a"b|c<d>e#f&g;h`i\nj'
    scenario = Scenario("a", (Step("a", StepKind.INJECT, {"en": title}),))
    label = mermaid(scenario, "en").splitlines()[2]
    assert label == '    s1(["a#34;b#124;c#60;d#62;e#35;f#38;g#59;h#96;i j"]):::ending'


def test_check_graph_prints_the_scenario_as_mermaid(tmp_path: Path) -> None:
    """`polling check --graph --lang ru` prints each scenario's flowchart in Russian on stdout."""
    folder = tmp_path
    without_picture = "".join(
        line for line in SCENARIO.splitlines(True) if "image" not in line and "alt" not in line
    )
    (folder / "exercise.yaml").write_text(without_picture, encoding="utf-8")
    (folder / "plain.yaml").write_text("title: T\nquestions:\n  - {id: q, type: text, prompt: P}\n")
    done = polling("check", str(folder), "--graph", "--lang", "ru")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:2] == [f"%% {folder / 'exercise.yaml'} (ru)", "flowchart TD"]
    assert '    s2{"Что вы делаете?"}' in done.stdout
    assert "plain.yaml" not in done.stdout
    english = polling("check", str(folder / "exercise.yaml"), "--graph", "--lang", "fr")
    assert '    s2{"What do you do?"}' in english.stdout
    assert "has no language 'fr': its graph is in 'en'" in english.stderr


def test_the_flowchart_in_the_docs_is_what_the_docs_example_gives() -> None:
    """docs/banks.md's Mermaid example is the output for its own scenario example (pictures aside)."""
    docs = (Path(__file__).resolve().parent.parent / "docs" / "banks.md").read_text(encoding="utf-8")
    example = docs[docs.index("title: {en: A shipment of antiques") :]
    example = example[: example.index("```")]
    text = "".join(line for line in example.splitlines(True) if "image:" not in line and "alt:" not in line)
    bank, found = parse_bank(text, "bank.yaml", "bank")
    assert bank is not None and bank.scenario is not None, found
    drawn = mermaid(bank.scenario, "en")
    assert f"```\n{drawn}```" in docs
