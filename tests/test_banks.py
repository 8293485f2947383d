"""Loading and checking YAML question banks."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from polling.core.banks import (
    BankError,
    Problem,
    bank_files,
    check,
    load_bank,
    load_banks,
    parse_bank,
)
from polling.core.model import (
    DEFAULT_SCALE,
    DEFAULT_TEXT_LENGTH,
    DEFAULT_WORD_LENGTH,
    Bank,
    QuestionType,
    StepKind,
)
from polling.core.scenario import reachable
from polling.media.images import check_images

BUNDLED = Path(__file__).resolve().parent.parent / "question_banks"

FULL = """\
title: {en: Workshop feedback, ru: Оценка семинара}
languages: [en, ru]
questions:
  - id: usefulness
    type: scale
    prompt: {en: "How useful was today?", ru: "Насколько полезным был день?"}
    min_label: {en: Not at all, ru: Совсем нет}
    max_label: {en: Very, ru: Очень}
  - id: pace
    type: single
    prompt: {en: The pace was, ru: Темп был}
    options:
      - {id: slow, label: {en: Too slow, ru: Слишком медленный}}
      - {id: fast, label: {en: Too fast, ru: Слишком быстрый}}
  - id: topics
    type: multiple
    max_choices: 2
    prompt: Which topics should we deepen
    options:
      - {id: legal, label: {en: Legal framework, ru: Правовая база}}
      - {id: cases, label: {en: Case studies, ru: Практические случаи}}
      - {id: tools, label: {en: IT tools, ru: ИТ-инструменты}}
  - {id: staff, type: number, prompt: {en: Officers at your post, ru: Сотрудники}, min: 0}
  - {id: obstacle, type: wordcloud, prompt: {en: One word, ru: Одно слово}}
  - {id: remarks, type: text, prompt: {en: Anything else, ru: Что-нибудь ещё}, max_length: 80}
"""

# A valid bank to break one line at a time; line numbers below refer to it.
BASE = """\
title: Feedback
languages: [en, ru]
questions:
  - id: pace
    type: single
    prompt: The pace was
    options:
      - {id: slow, label: Too slow}
      - {id: fast, label: Too fast}
"""


def parse(text: str) -> tuple[Bank | None, list[Problem]]:
    return parse_bank(textwrap.dedent(text), "bank.yaml", "bank")


def only_problem(text: str) -> Problem:
    """The single problem of a bank that must not load."""
    bank, problems = parse(text)
    assert bank is None
    assert len(problems) == 1, problems
    return problems[0]


def question(extra: str) -> str:
    """BASE plus a question `q2` (line 10) whose other keys start at line 11."""
    return BASE + "  - id: q2\n" + textwrap.indent(textwrap.dedent(extra), "    ")


def test_full_bank_loads_every_type_with_defaults() -> None:
    """A valid bank gives every question type, with defaults applied and texts complete."""
    bank, problems = parse(FULL)
    assert problems == []
    assert bank is not None
    assert bank.id == "bank"
    assert bank.languages == ("en", "ru")
    assert bank.title == {"en": "Workshop feedback", "ru": "Оценка семинара"}
    scale, single, multiple, number, cloud, text = bank.questions
    assert [q.type for q in bank.questions] == ["scale", "single", "multiple", "number",
                                                "wordcloud", "text"]  # fmt: skip
    assert (scale.min, scale.max) == DEFAULT_SCALE
    assert scale.min_label == {"en": "Not at all", "ru": "Совсем нет"}
    assert single.option_ids() == ["slow", "fast"]
    assert single.max_choices is None
    assert multiple.max_choices == 2
    assert multiple.options[2].label == {"en": "IT tools", "ru": "ИТ-инструменты"}
    assert (number.min, number.max) == (0, None)
    assert cloud.max_length == DEFAULT_WORD_LENGTH
    assert text.max_length == 80
    assert single.max_length is None and single.min is None


def test_plain_string_is_copied_to_every_language() -> None:
    """A plain string text is the same in every language of the bank, with no warning."""
    bank, problems = parse(FULL)
    assert bank is not None and problems == []
    topics = bank.question("topics")
    assert topics is not None
    assert topics.prompt == {
        "en": "Which topics should we deepen",
        "ru": "Which topics should we deepen",
    }


def test_languages_default_to_english() -> None:
    """Without `languages` a bank is in English only."""
    bank, problems = parse("title: T\nquestions:\n  - {id: a, type: text, prompt: Why}\n")
    assert problems == []
    assert bank is not None
    assert bank.languages == ("en",)
    assert bank.questions[0].prompt == {"en": "Why"}
    assert bank.questions[0].max_length == DEFAULT_TEXT_LENGTH


def test_missing_translation_warns_and_falls_back_to_default_language() -> None:
    """A missing translation is a warning, and the text is filled from the default language."""
    bank, problems = parse(
        question("""\
        type: text
        prompt:
          en: Anything else?
    """)
    )
    assert bank is not None
    assert [(p.line, p.severity) for p in problems] == [(12, "warning")]
    assert "missing translation 'ru' for prompt of question 'q2'" in problems[0].message
    q2 = bank.question("q2")
    assert q2 is not None
    assert q2.prompt == {"en": "Anything else?", "ru": "Anything else?"}


def test_missing_default_language_is_an_error() -> None:
    """A text with no string in the default language has nothing to fall back to."""
    problem = only_problem(question("type: text\nprompt: {ru: Что-нибудь ещё}\n"))
    assert problem.line == 12
    assert "no text in 'en'" in problem.message


def test_round_trip_through_dict() -> None:
    """A loaded bank survives to_dict/from_dict unchanged, as a session snapshot must."""
    bank, _ = parse(FULL)
    assert bank is not None
    assert Bank.from_dict(bank.to_dict()) == bank


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("title: T\n", 1, "missing required key 'questions'"),
        ("questions:\n  - {id: a, type: text, prompt: P}\n", 1, "missing required key 'title'"),
        ("title: T\nquestions: []\n", 2, "questions must not be empty"),
        ("title: T\nquestions: x\n", 2, "questions must be a list"),
        ("title: T\ntitel: U\nquestions: []\n", 2, "unknown key 'titel'"),
        ("- a\n- b\n", 1, "the bank must be a mapping"),
        ("", 1, "the file is empty"),
        ("# only a comment\n", 1, "the file is empty"),
    ],
)
def test_top_level_errors(text: str, line: int, message: str) -> None:
    """Top-level mistakes are errors at their line."""
    bank, problems = parse(text)
    assert bank is None
    assert problems[0].line == line
    assert message in problems[0].message
    assert problems[0].severity == "error"


@pytest.mark.parametrize(
    ("languages", "message"),
    [
        ("[]", "languages must be a list of language codes"),
        ("en", "languages must be a list of language codes"),
        ("[en, EN]", "'EN' is not a language code"),
        ("[en, en]", "language 'en' is listed twice"),
        ("[en, no]", 'got a boolean: quote it, e.g. "no"'),
    ],
)
def test_language_errors(languages: str, message: str) -> None:
    """`languages` must be a non-empty list of unique, well-formed codes."""
    bank, problems = parse(BASE.replace("[en, ru]", languages))
    assert bank is None
    assert problems[0].line == 2
    assert message in problems[0].message


def test_language_codes_with_subtags_are_accepted() -> None:
    """A code such as sr-Latn is a language."""
    bank, problems = parse(BASE.replace("[en, ru]", "[en, sr-Latn]"))
    assert problems == []
    assert bank is not None and bank.languages == ("en", "sr-Latn")


def test_text_in_unknown_language_is_an_error() -> None:
    """A text keyed by a language the bank does not have is an error naming it."""
    problem = only_problem(question("type: text\nprompt:\n  en: Why\n  ru: Почему\n  fr: Pourquoi\n"))
    assert problem.line == 15
    assert "'fr', which is not in languages (en, ru)" in problem.message


@pytest.mark.parametrize(
    ("extra", "line", "message"),
    [
        ("type: text\nprompt: yes\n", 12, "prompt must be a text (a string or a mapping of "
         'language to string), got a boolean: quote it, e.g. "yes"'),
        ("type: text\nprompt: ''\n", 12, "prompt must not be empty"),
        ("type: text\nprompt: {en: '  ', ru: x}\n", 12, "prompt (en) must not be empty"),
        ("type: text\nprompt: {}\n", 12, "at least one language"),
        ("type: text\nprompt: [a, b]\n", 12, "prompt must be a text"),
        ("type: text\nprompt: 2024\n", 12, 'got an integer: quote it, e.g. "2024"'),
        ("type: text\n", 10, "missing required key 'prompt'"),
        ("prompt: Why\n", 10, "missing required key 'type'"),
        ("type: choice\nprompt: Why\n", 11, "type must be one of single, multiple, scale"),
        ("type: multi\nprompt: Why\n", 11, "(did you mean 'multiple'?)"),
    ],
)  # fmt: skip
def test_question_errors(extra: str, line: int, message: str) -> None:
    """Wrong texts, unknown keys and bad types are errors at their line."""
    problem = only_problem(question(extra))
    assert problem.line == line
    assert message in problem.message


def test_misspelt_key_is_unknown_with_a_suggestion() -> None:
    """A typo such as `promt` is an unknown key with a suggestion, and the real key is missing."""
    bank, problems = parse(question("type: text\npromt: Why\n"))
    assert bank is None
    assert [(p.line, p.message) for p in problems] == [
        (10, "question is missing required key 'prompt'"),
        (12, "unknown key 'promt' in question (did you mean 'prompt'?); allowed: id, type, "
         "prompt, options, max_choices, min, max, min_label, max_label, max_length, title, body, image, alt, "
         "correct, tolerance, points, explanation, time_limit, confidence, segment, ask"),
    ]  # fmt: skip


def test_scale_label_in_unknown_language() -> None:
    """Scale labels are texts, checked against the bank's languages."""
    bank, problems = parse(question("type: scale\nprompt: P\nmin_label: {en: Low, de: Tief}\n"))
    assert bank is None
    assert (problems[0].line, problems[0].severity) == (13, "error")
    assert "min_label is in 'de', which is not in languages (en, ru)" in problems[0].message


def test_unknown_key_lists_allowed_keys() -> None:
    """An unknown key names the keys that are allowed."""
    problem = only_problem(question("type: text\nprompt: P\ncolour: red\n"))
    assert problem.line == 13
    assert "unknown key 'colour'" in problem.message
    assert "allowed: id, type, prompt, options, max_choices" in problem.message


@pytest.mark.parametrize(
    ("replace", "by", "line", "message"),
    [
        ("- id: q2", "- id: pace", 10, "duplicate question id 'pace' (first on line 4)"),
        ("- id: q2", "- id: 1", 10, 'question id must be an id'),
        ("- id: q2", "- id: 1", 10, 'got an integer: quote it, e.g. "1"'),
        ("- id: q2", "- id: 'a b'", 10, "question id 'a b' may only contain letters"),
        ("- id: q2", "- id: ''", 10, "question id must not be empty"),
        ("- id: q2", "- ID: q2", 10, "unknown key 'ID'"),
    ],
)  # fmt: skip
def test_question_id_errors(replace: str, by: str, line: int, message: str) -> None:
    """Question ids must be unique strings of letters, digits, _ and -."""
    bank, problems = parse(question("type: text\nprompt: P\n").replace(replace, by))
    assert bank is None
    assert problems[0].line == line
    assert message in problems[0].message


def test_question_without_id_is_an_error() -> None:
    """A question needs an id."""
    problem = only_problem(BASE + "  - {type: text, prompt: P}\n")
    assert problem.line == 10
    assert "question is missing required key 'id'" in problem.message


@pytest.mark.parametrize(
    ("options", "line", "message"),
    [
        ("  - {id: a, label: A}\n", 13, "a single question needs at least 2 options, got 1"),
        ("  - {id: a, label: A}\n  - {id: a, label: B}\n", 15,
         "duplicate option id 'a' (first on line 14)"),
        ("  - {id: a, label: A}\n  - {id: b}\n", 15, "option is missing required key 'label'"),
        ("  - {id: a, label: A}\n  - {id: 7, label: B}\n", 15, 'quote it, e.g. "7"'),
        ("  - {id: a, label: A}\n  - {id: b, label: B, value: 2}\n", 15, "unknown key 'value'"),
        ("  - {id: a, label: A}\n  - Just a string\n", 15,
         "option must be a mapping with keys id, label, image, alt, got a string"),
        ("  - {id: a, label: A}\n  - {id: b, label: no}\n", 15, 'quote it, e.g. "no"'),
    ],
)  # fmt: skip
def test_option_errors(options: str, line: int, message: str) -> None:
    """Options need unique ids and a label, and nothing else."""
    problem = only_problem(question("type: single\nprompt: P\noptions:\n" + options))
    assert problem.line == line
    assert message in problem.message


def test_choice_question_needs_options() -> None:
    """A single or multiple choice question without options is an error at the question."""
    problem = only_problem(question("type: multiple\nprompt: P\n"))
    assert problem.line == 10
    assert "a multiple question needs options" in problem.message


@pytest.mark.parametrize(
    ("max_choices", "message"),
    [("0", "max_choices must be from 1 to 2, got 0"), ("3", "from 1 to 2, got 3"),
     ("two", "max_choices must be a whole number, got a string ('two')"),
     ("true", "got a boolean")],
)  # fmt: skip
def test_max_choices_range(max_choices: str, message: str) -> None:
    """max_choices is a whole number from 1 to the number of options."""
    extra = f"type: multiple\nprompt: P\nmax_choices: {max_choices}\noptions:\n"
    problem = only_problem(question(extra + "  - {id: a, label: A}\n  - {id: b, label: B}\n"))
    assert problem.line == 13
    assert message in problem.message


@pytest.mark.parametrize(
    ("extra", "line", "message"),
    [
        ("type: single\nprompt: P\nmax_choices: 1\noptions: []\n", 13,
         "max_choices does not apply to single questions (only multiple)"),
        ("type: text\nprompt: P\nmin: 1\n", 13,
         "min does not apply to text questions (only scale, number)"),
        ("type: number\nprompt: P\nmax_length: 9\n", 13, "max_length does not apply to number"),
        ("type: scale\nprompt: P\noptions: []\n", 13, "options does not apply to scale"),
        ("type: number\nprompt: P\nmin_label: Low\n", 13, "min_label does not apply to number"),
    ],
)  # fmt: skip
def test_keys_that_do_not_apply_to_the_type(extra: str, line: int, message: str) -> None:
    """A known key on a type that does not use it is an error at the key."""
    bank, problems = parse(question(extra))
    assert bank is None
    assert problems[0].line == line
    assert any(p.line == line and message in p.message for p in problems)


@pytest.mark.parametrize(
    ("limits", "line", "message"),
    [
        ("min: 5\nmax: 5\n", 14, "min (5) must be less than max (5)"),
        ("min: 6\n", 13, "min (6) must be less than max (5)"),
        ("min: 0\nmax: 11\n", 14, "a scale has at most 11 points, but 0..11 has 12"),
        ("min: 1.5\n", 13, "min must be a whole number, got a decimal number (1.5)"),
        ("max: true\n", 13, "max must be a whole number, got a boolean (true)"),
        ("max: '7'\n", 13, "max must be a whole number, got a string ('7')"),
    ],
)
def test_scale_errors(limits: str, line: int, message: str) -> None:
    """A scale has whole-number ends, min below max, and at most 11 points."""
    problem = only_problem(question("type: scale\nprompt: P\n" + limits))
    assert problem.line == line
    assert message in problem.message


def test_scale_of_eleven_points_with_labels() -> None:
    """A 0..10 scale is allowed, and its labels are texts in every language."""
    bank, problems = parse(question("type: scale\nprompt: P\nmin: 0\nmax: 10\nmax_label: Sure\n"))
    assert problems == []
    assert bank is not None
    q2 = bank.question("q2")
    assert q2 is not None
    assert (q2.min, q2.max, q2.min_label) == (0, 10, None)
    assert q2.max_label == {"en": "Sure", "ru": "Sure"}


@pytest.mark.parametrize(
    ("limits", "line", "message"),
    [
        ("min: 10\nmax: 1\n", 14, "min (10) must not be more than max (1)"),
        ("min: yes\n", 13, "min must be a number, got a boolean"),
        ("max: .inf\n", 13, "max must be a finite number"),
        ("max: lots\n", 13, "max must be a number, got a string ('lots')"),
    ],
)
def test_number_errors(limits: str, line: int, message: str) -> None:
    """A number question's bounds are finite numbers with min not above max."""
    problem = only_problem(question("type: number\nprompt: P\n" + limits))
    assert problem.line == line
    assert message in problem.message


def test_number_bounds_may_be_decimal_or_absent() -> None:
    """Number bounds are optional and may be decimal."""
    bank, problems = parse(question("type: number\nprompt: P\nmax: 2.5\n"))
    assert problems == []
    assert bank is not None
    q2 = bank.question("q2")
    assert q2 is not None and (q2.min, q2.max) == (None, 2.5)


@pytest.mark.parametrize(
    ("length", "message"),
    [("0", "max_length must be from 1 to 5000, got 0"), ("5001", "got 5001"),
     ("forty", "max_length must be a whole number")],
)  # fmt: skip
def test_max_length_range(length: str, message: str) -> None:
    """max_length is a whole number from 1 to 5000."""
    problem = only_problem(question(f"type: wordcloud\nprompt: P\nmax_length: {length}\n"))
    assert problem.line == 13
    assert message in problem.message


def test_duplicate_keys_are_errors() -> None:
    """A key given twice is an error at the second one, in any mapping."""
    bank, problems = parse(
        question("""\
        type: text
        prompt: {en: A, ru: Б, en: C}
        type: wordcloud
    """)
    )
    assert bank is None
    assert [(p.line, p.message) for p in problems] == [
        (12, "duplicate key 'en' in prompt (first on line 12)"),
        (13, "duplicate key 'type' in question (first on line 11)"),
    ]


def test_duplicate_top_level_key() -> None:
    """A second `questions` would silently replace the first; it is an error instead."""
    problem = only_problem(BASE + "questions: []\n")
    assert problem.line == 10
    assert "duplicate key 'questions' in the bank (first on line 3)" in problem.message


def test_yaml_syntax_error_has_its_line() -> None:
    """A YAML syntax error is one problem at the line where the parser stopped."""
    problem = only_problem(BASE.replace("    type: single\n", "    type: single\n   bad: [\n"))
    assert problem.line == 6
    assert problem.message.startswith("invalid YAML:")


def test_unquoted_question_mark_in_flow_mapping_gets_a_hint() -> None:
    """PyYAML stops at ? inside { }; the error says to quote such texts."""
    problem = only_problem(question("{type: text, prompt: Why?}\n").replace("- id: q2\n    {", "- {id: q2, "))
    assert problem.line == 10
    assert "quote texts that contain" in problem.message


def test_tab_indentation_gets_a_hint() -> None:
    """Tabs are a common mistake; the error says to use spaces."""
    problem = only_problem(BASE.replace("    type: single", "\ttype: single"))
    assert problem.line == 5
    assert "indent with spaces" in problem.message


def test_second_document_is_an_error() -> None:
    """A bank file holds exactly one YAML document."""
    problem = only_problem(BASE + "---\ntitle: Other\n")
    assert problem.line == 10
    assert "another one starts here" in problem.message


def test_unreadable_value_is_an_error_at_its_line() -> None:
    """A value YAML cannot construct (an impossible date) is reported, not raised."""
    problem = only_problem(BASE.replace("title: Feedback", "title: 2024-13-45"))
    assert problem.line == 1
    assert "cannot read '2024-13-45'" in problem.message


def test_bank_id_from_file_name_must_be_an_id() -> None:
    """The bank id is used in URLs, so a file name with spaces is an error."""
    bank, problems = parse_bank(BASE, "my bank.yaml", "my bank")
    assert bank is None
    assert problems[0].line == 1
    assert "bank id 'my bank' (the file name) may only contain" in problems[0].message


def test_problems_are_sorted_by_line_and_formatted() -> None:
    """Problems come in file order and print as FILE:LINE: severity: message."""
    _, problems = parse(question("type: text\nprompt: {en: P}\n").replace("title: Feedback", "titl: F"))
    assert [p.line for p in problems] == sorted(p.line for p in problems)
    assert str(problems[0]) == (
        "bank.yaml:1: error: unknown key 'titl' in the bank (did you mean 'title'?); "
        "allowed: title, languages, questions, quiz, scenario"
    )


def test_bank_error_lists_problems() -> None:
    """BankError carries its problems and prints one per line."""
    problems = [Problem("a.yaml", 3, "bad", "error"), Problem("a.yaml", 5, "worse", "error")]
    error = BankError(problems)
    assert error.problems == problems
    assert str(error) == "a.yaml:3: error: bad\na.yaml:5: error: worse"


def test_load_bank_uses_file_stem_and_reports_bad_encoding(tmp_path: Path) -> None:
    """load_bank takes the id from the file name; non-UTF-8 bytes are a problem, not a crash."""
    good = tmp_path / "feedback.yaml"
    good.write_text("\ufeff" + BASE, encoding="utf-8")
    bank, problems = load_bank(good)
    assert problems == [] and bank is not None and bank.id == "feedback"
    bad = tmp_path / "latin.yaml"
    bad.write_bytes(BASE.encode() + "  - {id: x, type: text, prompt: Café}\n".encode("latin-1"))
    bank, problems = load_bank(bad)
    assert bank is None
    assert (problems[0].line, problems[0].path) == (10, str(bad))
    assert "not UTF-8" in problems[0].message


def test_load_bank_missing_file(tmp_path: Path) -> None:
    """A file that cannot be read is a problem."""
    bank, problems = load_bank(tmp_path / "nope.yaml")
    assert bank is None
    assert "cannot read the file" in problems[0].message


def test_bank_files_and_load_banks(tmp_path: Path) -> None:
    """Directories give their .yaml/.yml files sorted; load_banks keys them by id."""
    (tmp_path / "b.yml").write_text(BASE, encoding="utf-8")
    (tmp_path / "a.yaml").write_text(BASE, encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("title: [\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a bank", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.yaml").write_text(BASE, encoding="utf-8")
    loose = tmp_path / "sub" / "c.yaml"
    assert bank_files([tmp_path, loose]) == [
        tmp_path / "a.yaml", tmp_path / "b.yml", tmp_path / "broken.yaml", loose,
    ]  # fmt: skip
    banks = load_banks(tmp_path)
    assert list(banks) == ["a", "b", "broken"]
    assert banks["a"][0] is not None and banks["a"][0].id == "a"
    assert banks["broken"][0] is None and banks["broken"][1][0].severity == "error"
    assert load_banks(tmp_path / "missing") == {}


def test_load_banks_refuses_two_files_with_one_id(tmp_path: Path) -> None:
    """a.yaml and a.yml would both be bank 'a'; neither is loaded."""
    (tmp_path / "a.yaml").write_text(BASE, encoding="utf-8")
    (tmp_path / "a.yml").write_text(BASE, encoding="utf-8")
    bank, problems = load_banks(tmp_path)["a"]
    assert bank is None
    assert "used by two files" in problems[-1].message


def test_check_strict_fails_on_warnings_only_when_asked(tmp_path: Path) -> None:
    """check passes warnings unless strict, and always fails on errors."""
    (tmp_path / "warn.yaml").write_text(question("type: text\nprompt: {en: P}\n"), encoding="utf-8")
    problems, ok = check([tmp_path])
    assert ok is True
    assert [p.severity for p in problems] == ["warning"]
    assert check([tmp_path], strict=True)[1] is False
    (tmp_path / "error.yaml").write_text("title: T\n", encoding="utf-8")
    problems, ok = check([tmp_path])
    assert ok is False
    assert [p.path for p in problems] == [str(tmp_path / "error.yaml"), str(tmp_path / "warn.yaml")]


def test_check_reports_missing_files_and_empty_directories(tmp_path: Path) -> None:
    """Checking a path with no banks is an error, not a silent pass."""
    problems, ok = check([tmp_path, tmp_path / "missing.yaml"])
    assert ok is False
    assert "no .yaml or .yml files" in problems[0].message
    assert "cannot read the file" in problems[1].message


def test_bundled_banks_are_complete() -> None:
    """Every bundled bank loads with no error and no warning, in every language, pictures included."""
    files = bank_files([BUNDLED])
    assert files, "no bundled banks"
    problems, ok = check(files, strict=True, files=check_images)
    assert problems == []
    assert ok is True


def test_bundled_exercise_is_a_full_scenario_in_english_and_russian() -> None:
    """The bundled table-top exercise has at least 8 steps, 3 decisions and 3 endings, all reachable,
    and every step and option is really translated into Russian."""
    bank, _ = load_bank(BUNDLED / "cultural-property-exercise.yaml")
    assert bank is not None and bank.scenario is not None
    assert bank.languages == ("en", "ru")
    steps = bank.scenario.steps
    assert len(steps) >= 8
    assert sum(step.kind is StepKind.DECISION for step in steps) >= 3
    assert len(bank.scenario.endings()) >= 3
    assert sorted(reachable(bank.scenario)) == sorted(step.id for step in steps)
    assert any(step.after is not None for step in steps)
    texts = [step.title for step in steps] + [step.body for step in steps if step.body is not None]
    texts += [choice.label for step in steps for choice in step.options]
    assert all(text["ru"] != text["en"] for text in texts)


def test_bundled_workshop_evaluation_uses_every_type() -> None:
    """The demo bank shows every question type (slides are in cultural-property), in English and Russian."""
    bank, _ = load_bank(BUNDLED / "workshop-evaluation.yaml")
    assert bank is not None
    assert bank.languages == ("en", "ru")
    assert {q.type for q in bank.questions} == set(QuestionType) - {QuestionType.SLIDE}
    assert all(q.prompt["ru"] != q.prompt["en"] for q in bank.questions)


def test_docs_example_loads_cleanly() -> None:
    """The example bank in docs/banks.md is valid and complete."""
    docs = (BUNDLED.parent / "docs" / "banks.md").read_text(encoding="utf-8")
    example = docs.split("```yaml\n", 1)[1].split("```", 1)[0]
    bank, problems = parse_bank(example, "example.yaml", "example")
    assert problems == []
    assert bank is not None and len(bank.questions) == 5


def test_a_question_lists_the_languages_it_lacks() -> None:
    """A question with a missing translation records that language, so pages can show the default."""
    text = textwrap.dedent(
        """\
        title: {en: T, ru: Т}
        languages: [en, ru]
        questions:
          - {id: full, type: text, prompt: {en: Hello, ru: Привет}}
          - id: partial
            type: single
            prompt: {en: Pick, ru: Выбор}
            options:
              - {id: a, label: {en: A, ru: А}}
              - {id: b, label: {en: B}}
        """
    )
    bank, problems = parse_bank(text, "t.yaml", "t")
    assert bank is not None and [p.severity for p in problems] == ["warning"]
    assert bank.question("full").missing == ()  # type: ignore[union-attr]
    assert bank.question("partial").missing == ("ru",)  # type: ignore[union-attr]
    assert Bank.from_dict(bank.to_dict()) == bank


@pytest.mark.parametrize(
    "document",
    [
        "title: !!bool maybe\nquestions: []\n",
        "title: !!timestamp foo\n",
        'title: !!int ""\n',
        "title: " + "[" * 600,
    ],
)
def test_hostile_yaml_is_a_problem_not_a_crash(document: str) -> None:
    """Explicit tags that cannot be read and absurd nesting are reported as problems at line 1."""
    bank, problems = parse_bank(document, "x.yaml", "x")
    assert bank is None and problems and problems[0].line == 1 and problems[0].severity == "error"


def test_numbers_in_a_bank_stay_within_exact_range() -> None:
    """A min or max beyond 10^15 is an error, so every number a bank sends is exact JSON."""
    text = "title: T\nquestions:\n  - {id: n, type: number, prompt: N, max: 100000000000000000000}\n"
    bank, problems = parse_bank(text, "n.yaml", "n")
    assert bank is None and problems[0].line == 3 and "max" in problems[0].message
