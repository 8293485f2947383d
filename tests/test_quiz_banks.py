"""Quiz fields of a bank: correct, tolerance, explanation, points, time_limit, quiz, ranking."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from polling.core.banks import Problem, load_bank, parse_bank
from polling.core.model import Bank, Question, QuestionType, QuizSettings

BUNDLED = Path(__file__).resolve().parent.parent / "question_banks"

QUIZ = """\
title: Quiz
languages: [en, fr]
quiz: {time_limit: 20, speed_bonus: true}
questions:
  - id: treaty
    type: single
    prompt: {en: "Which treaty?", fr: "Quel traité ?"}
    options:
      - {id: uncac, label: UNCAC}
      - {id: palermo, label: Palermo}
    correct: uncac
    explanation: {en: UNCAC is the one., fr: C'est la CNUCC.}
    time_limit: 30
  - id: risks
    type: multiple
    prompt: {en: Risks, fr: Risques}
    max_choices: 2
    options:
      - {id: gifts, label: Gifts}
      - {id: rotation, label: Rotation}
      - {id: cash, label: Cash}
    correct: [cash, gifts]
    points: 3
  - id: year
    type: number
    prompt: {en: Year, fr: Année}
    min: 1990
    max: 2030
    correct: 2003
    tolerance: 1
  - id: order
    type: ranking
    prompt: {en: Order, fr: Ordre}
    options:
      - {id: a, label: A}
      - {id: b, label: B}
      - {id: c, label: C}
    correct: [c, a, b]
  - {id: opinion, type: scale, prompt: {en: Useful, fr: Utile}}
"""

# A single choice question at line 4; each extra key of a test starts at line 10.
BASE = """\
title: Quiz
questions:
  - id: q
    type: {type}
    prompt: Which one
    options:
      - {{id: a, label: A}}
      - {{id: b, label: B}}
      - {{id: c, label: C}}
"""


def parse(text: str) -> tuple[Bank | None, list[Problem]]:
    return parse_bank(textwrap.dedent(text), "quiz.yaml", "quiz")


def loaded(text: str) -> Bank:
    bank, problems = parse(text)
    assert bank is not None and problems == [], problems
    return bank


def problem_of(text: str) -> Problem:
    """The one problem of a bank that must not load."""
    bank, problems = parse(text)
    assert bank is None
    assert len(problems) == 1, problems
    return problems[0]


def with_keys(extra: str, qtype: str = "single") -> str:
    return BASE.format(type=qtype) + textwrap.indent(textwrap.dedent(extra), "    ")


def numeric(extra: str) -> str:
    """A number question at line 3, its extra keys from line 6."""
    head = "title: Quiz\nquestions:\n  - id: n\n    type: number\n    prompt: How many\n"
    return head + textwrap.indent(textwrap.dedent(extra), "    ")


def test_quiz_bank_loads_every_field() -> None:
    """Each quiz field is read: correct per type, tolerance, explanation, points, limits, quiz."""
    bank = loaded(QUIZ)
    assert bank.quiz == QuizSettings(time_limit=20, speed_bonus=True)
    treaty, risks, year, order, opinion = bank.questions
    assert (treaty.correct, treaty.points, treaty.time_limit) == ("uncac", 1, 30)
    assert treaty.explanation == {"en": "UNCAC is the one.", "fr": "C'est la CNUCC."}
    assert (risks.correct, risks.points) == (["gifts", "cash"], 3)  # bank order
    assert (year.correct, year.tolerance, year.points) == (2003, 1, 1)
    assert order.type is QuestionType.RANKING and order.correct == ["c", "a", "b"]
    assert (opinion.correct, opinion.points, opinion.explanation) == (None, None, None)
    assert bank.time_limit(treaty) == 30 and bank.time_limit(risks) == 20


def test_bank_without_quiz_has_no_time_limit() -> None:
    """Without `quiz:` and `time_limit:` a question is untimed and without speed bonus."""
    bank = loaded(BASE.format(type="single"))
    assert bank.quiz is None
    assert bank.time_limit(bank.questions[0]) is None


def test_snapshot_keeps_quiz_fields_and_old_snapshots_still_load() -> None:
    """to_dict/from_dict keep every quiz field; a snapshot from before quizzes loads with None."""
    bank = loaded(QUIZ)
    assert Bank.from_dict(bank.to_dict()) == bank
    old = bank.to_dict()
    del old["quiz"]
    for question in old["questions"]:
        for key in ("correct", "tolerance", "explanation", "points", "time_limit"):
            question.pop(key, None)
    again = Bank.from_dict(old)
    assert again.quiz is None
    assert all(q.correct is None and q.points is None and q.time_limit is None for q in again.questions)


def test_public_form_of_a_question_leaves_out_the_answer() -> None:
    """public_dict has no correct, tolerance or explanation, but keeps points and time_limit."""
    year = loaded(QUIZ).questions[2]
    public = year.public_dict()
    assert "correct" not in public and "tolerance" not in public
    assert public["points"] == 1 and public["type"] == "number"
    treaty = loaded(QUIZ).questions[0].public_dict()
    assert "explanation" not in treaty and treaty["time_limit"] == 30
    assert Question.from_dict(loaded(QUIZ).questions[0].to_dict()).correct == "uncac"


@pytest.mark.parametrize(
    ("extra", "qtype", "line", "message"),
    [
        ("correct: d\n", "single", 10, "correct 'd' is not an option id; options: a, b, c"),
        ("correct: [a, d]\n", "multiple", 10, "correct 'd' is not an option id"),
        ("correct: [a, a]\n", "multiple", 10, "option 'a' is listed twice in correct"),
        ("correct: a\n", "multiple", 10, "correct must be a list of option ids"),
        ("max_choices: 1\ncorrect: [a, b]\n", "multiple", 11, "more than max_choices (1)"),
        ("correct: [a, b]\n", "ranking", 10, "must put every option in order; missing: c"),
        ("correct: [b, a, x]\n", "ranking", 10, "correct 'x' is not an option id"),
        ("points: 2\n", "single", 10, "points needs a correct answer"),
        ("correct: a\npoints: 5000\n", "single", 11, "points must be from 0 to 1000, got 5000"),
        ("correct: a\npoints: many\n", "single", 11, "points must be a whole number"),
        ("time_limit: 3\n", "single", 10, "time_limit must be from 5 to 3600 seconds, got 3"),
        ("time_limit: 7.5\n", "single", 10, "time_limit must be a whole number"),
        ("tolerance: 1\n", "single", 10, "tolerance does not apply to single questions (only number)"),
        ("explanation: ''\n", "single", 10, "explanation must not be empty"),
    ],
)
def test_choice_quiz_mistakes_are_reported_at_their_line(
    extra: str, qtype: str, line: int, message: str
) -> None:
    """Each wrong quiz field of a choice or ranking question names its line and the problem."""
    problem = problem_of(with_keys(extra, qtype))
    assert (problem.line, problem.severity) == (line, "error")
    assert message in problem.message


@pytest.mark.parametrize(
    ("extra", "line", "message"),
    [
        ("min: 0\nmax: 10\ncorrect: 12\n", 8, "correct (12) is outside min..max (0..10)"),
        ("min: 5\ncorrect: 1\n", 7, "correct (1) is outside min..max (5..)"),
        ("correct: many\n", 6, "correct must be a number"),
        ("correct: 3\ntolerance: -1\n", 7, "tolerance must not be negative"),
        ("tolerance: 1\n", 6, "tolerance needs a correct answer"),
    ],
)
def test_number_quiz_mistakes_are_reported_at_their_line(extra: str, line: int, message: str) -> None:
    """A correct number outside min..max, or a bad tolerance, names its line."""
    problem = problem_of(numeric(extra))
    assert problem.line == line
    assert message in problem.message


@pytest.mark.parametrize("qtype", ["scale", "wordcloud", "text"])
def test_correct_on_a_type_without_answers_is_an_error(qtype: str) -> None:
    """`correct` on a scale, word cloud or text question is refused, naming the types that take it."""
    text = f"title: Quiz\nquestions:\n  - id: q\n    type: {qtype}\n    prompt: Why\n    correct: 3\n"
    problem = problem_of(text)
    assert problem.line == 6
    assert f"correct does not apply to {qtype} questions (only single, multiple, number, ranking)" in (
        problem.message
    )


def test_missing_explanation_translation_is_a_warning() -> None:
    """An explanation like a prompt: a missing translation warns and falls back."""
    bank, problems = parse(QUIZ.replace("explanation: {en: UNCAC is the one., fr: C'est la CNUCC.}",
                                        "explanation: {en: UNCAC is the one.}"))  # fmt: skip
    assert bank is not None
    assert [(p.line, p.severity) for p in problems] == [(12, "warning")]
    assert "missing translation 'fr' for explanation of question 'treaty'" in problems[0].message
    assert bank.questions[0].explanation == {"en": "UNCAC is the one.", "fr": "UNCAC is the one."}


@pytest.mark.parametrize(
    ("quiz", "message"),
    [
        ("{time_limit: 4}", "time_limit must be from 5 to 3600 seconds, got 4"),
        ("{speed_bonus: maybe}", "speed_bonus must be true or false, got a string"),
        ("{time_limt: 20}", "unknown key 'time_limt' in quiz (did you mean 'time_limit'?)"),
        ("20", "quiz must be a mapping with keys time_limit, speed_bonus"),
    ],
)
def test_bank_quiz_mistakes_are_reported_at_their_line(quiz: str, message: str) -> None:
    """A wrong bank-level `quiz:` names line 2 and the problem."""
    problem = problem_of(f"title: Quiz\nquiz: {quiz}\nquestions:\n  - {{id: q, type: text, prompt: Why}}\n")
    assert problem.line == 2
    assert message in problem.message


def test_ranking_needs_two_to_ten_options() -> None:
    """A ranking question with 1 or 11 options is refused at its `options` line."""
    few = "title: Q\nquestions:\n  - id: r\n    type: ranking\n    prompt: Order\n    options:\n"
    one = problem_of(few + "      - {id: a, label: A}\n")
    assert (one.line, one.message) == (6, "a ranking question needs at least 2 options, got 1")
    many = problem_of(few + "".join(f"      - {{id: o{i}, label: O{i}}}\n" for i in range(11)))
    assert (many.line, many.message) == (6, "a ranking question has at most 10 options, got 11")
    ten = loaded(few + "".join(f"      - {{id: o{i}, label: O{i}}}\n" for i in range(10)))
    assert len(ten.questions[0].options) == 10


def test_bundled_anti_corruption_quiz_is_a_complete_quiz() -> None:
    """The bundled quiz: four languages, right answers, translated explanations, a ranking, sources."""
    path = BUNDLED / "anti-corruption-quiz.yaml"
    bank, problems = load_bank(path)
    assert bank is not None and problems == []
    assert bank.languages == ("en", "ru", "fr", "ar")
    assert all(q.correct is not None and q.points for q in bank.questions)
    for question in bank.questions:
        assert question.explanation is not None and question.missing == ()
        assert len(set(question.explanation.values())) == 4, question.id  # really translated
    assert QuestionType.RANKING in {q.type for q in bank.questions}
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if line.startswith("  - id: "):
            above = "\n".join(lines[max(0, number - 5) : number])
            assert "# Source:" in above, line


def test_every_yaml_example_in_the_bank_docs_loads() -> None:
    """Each YAML example of docs/banks.md, the quiz one included, loads with no problem."""
    docs = (BUNDLED.parent / "docs" / "banks.md").read_text(encoding="utf-8")
    examples = [block.split("```", 1)[0] for block in docs.split("```yaml\n")[1:]]
    assert any("correct:" in example and "type: ranking" in example for example in examples)
    for example in examples:
        bank, problems = parse_bank(example, "docs.yaml", "docs")
        assert bank is not None and problems == [], example
