"""`polling import`: GIFT, Aiken and Moodle XML files, written by hand, become banks that pass `check`."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polling.core.banks import parse_bank
from polling.core.model import Bank, QuestionType
from polling.reports.imports import SourceError, guess_format
from polling.reports.imports.convert import convert
from polling.reports.imports.texts import languages_of
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "imports"
GIFT = FIXTURES / "border-checks.gift"
AIKEN = FIXTURES / "border-checks-aiken.txt"
MOODLE = FIXTURES / "border-quiz.xml"


def imported(path: Path, fmt: str, lang: str = "en") -> tuple[Bank, str, dict[int, str]]:
    """The bank made from a fixture (it must load without errors), its YAML, and notices by line."""
    text, notices = convert(path.read_text(encoding="utf-8"), fmt, lang, path.name, "Imported")
    assert text is not None
    bank, problems = parse_bank(text, "imported.yaml", "imported")
    assert bank is not None, problems
    assert [p for p in problems if p.severity == "error"] == []
    return bank, text, {notice.line: notice.message for notice in notices}


def quiz(bank: Bank, qid: str) -> tuple[Any, Any]:
    """A question's correct answer and tolerance, as the loader read them from the bank."""
    question = bank.question(qid)
    assert question is not None, qid
    return question.correct, question.tolerance


def options(bank: Bank, qid: str, lang: str = "en") -> list[str]:
    question = bank.question(qid)
    assert question is not None, qid
    return [option.label[lang] for option in question.options]


def prompt(bank: Bank, qid: str, lang: str = "en") -> str:
    question = bank.question(qid)
    assert question is not None, qid
    return question.prompt[lang]


def test_gift_types_titles_and_correct_answers() -> None:
    """Multiple choice and answer, true/false, numerical, short answer and essay convert with answers."""
    bank, text, _ = imported(GIFT, "gift")
    kinds = {q.id: q.type for q in bank.questions}
    assert kinds == {
        "document-check": QuestionType.SINGLE,
        "escapes": QuestionType.SINGLE,
        "missing-word": QuestionType.SINGLE,
        "several-answers": QuestionType.MULTIPLE,
        "schengen": QuestionType.SINGLE,
        "visa": QuestionType.SINGLE,
        "staff": QuestionType.NUMBER,
        "range": QuestionType.NUMBER,
        "weighted": QuestionType.NUMBER,
        "spell": QuestionType.WORDCLOUD,
        "reflection": QuestionType.TEXT,
        "languages": QuestionType.SINGLE,
    }
    assert options(bank, "document-check") == ["A passport", "A boarding pass", "A hotel booking"]
    assert quiz(bank, "document-check") == ("a", None)
    assert quiz(bank, "missing-word") == ("b", None)
    assert prompt(bank, "missing-word") == "The 1951 Refugee Convention forbids _____ of refugees."
    assert quiz(bank, "several-answers") == (["a", "b"], None)
    assert (quiz(bank, "schengen")[0], quiz(bank, "visa")[0]) == ("true", "false")
    assert options(bank, "schengen") == ["True", "False"]
    assert quiz(bank, "staff") == (12, 3)
    assert quiz(bank, "range") == (90, 10)
    assert quiz(bank, "weighted") == (2000, None)
    assert "# accepted answers: specialist; specialised officer" in text
    explanation = bank.question("document-check").explanation  # type: ignore[union-attr]
    assert explanation is not None and explanation["en"] == "Article 5 of the Schengen Borders Code."


def test_gift_escapes_comments_and_formats() -> None:
    """\\~ \\= \\# \\{ \\} \\: \\\\ are the characters, // lines are comments, [html] is made plain."""
    bank, text, _ = imported(GIFT, "gift")
    assert prompt(bank, "escapes") == (
        "In the GIFT format, 1 + 1 = 2 and a title ends with :: while {braces} and #hashes and "
        "~tildes are written with a backslash \\ before them. Which sign marks a wrong answer?"
    )
    assert options(bank, "escapes") == ["~ (a tilde)", "= (an equals sign)", "# (a hash)"]
    assert prompt(bank, "staff") == "How many officers work at a typical crossing point on a night shift?"
    assert "Written by hand" not in text and "does not end a question" not in text
    assert "No: it names a seat" not in prompt(bank, "document-check")


def test_gift_multilang_becomes_the_bank_languages() -> None:
    """Multilang spans and escaped {mlang} markers give the bank English and Russian texts."""
    bank, _, _ = imported(GIFT, "gift")
    assert bank.languages == ("en", "ru")
    assert prompt(bank, "languages", "ru") == "На каком языке вы работаете?"
    assert options(bank, "languages", "ru") == ["Русский", "Английский"]
    assert options(bank, "schengen", "ru") == ["Верно", "Неверно"]  # true/false in each language


def test_gift_reports_what_it_left_out_at_its_line() -> None:
    """The category, the matching question and the description are each reported at their line."""
    _, _, notices = imported(GIFT, "gift")
    lines = GIFT.read_text(encoding="utf-8").splitlines()
    assert lines[2].startswith("$CATEGORY:") and "category" in notices[3]
    assert lines[42].startswith("::Documents and issuers::") and "matching" in notices[43]
    assert lines[50].startswith("This text has no answers") and "description" in notices[51]
    assert len(notices) == 3


def test_aiken_answer_line_variants() -> None:
    """ANSWER: A, Answer:a, ANSWER:   B and ANSWER: A, C are read; a multi-line question is one prompt."""
    bank, text, _ = imported(AIKEN, "aiken")
    assert [q.type for q in bank.questions] == [QuestionType.SINGLE] * 2 + [QuestionType.MULTIPLE] + [
        QuestionType.SINGLE
    ] * 3
    assert options(bank, "q1") == [
        "The OSCE Ministerial Council",
        "The UN Security Council",
        "The European Parliament",
    ]
    assert [quiz(bank, qid)[0] for qid in ("q1", "q2", "q3", "q4")] == ["a", "a", ["a", "c"], "b"]
    assert prompt(bank, "q4") == "What does the second-line check look at more closely than the first line?"


def test_aiken_reports_missing_and_wrong_answers_and_too_few_choices() -> None:
    """No ANSWER: line or an unknown letter keeps the question without an answer; one choice is skipped."""
    bank, _, notices = imported(AIKEN, "aiken")
    assert quiz(bank, "q5") == quiz(bank, "q6") == (None, None)
    assert "no ANSWER: line" in notices[26]
    assert "ANSWER: 'E' names no choice" in notices[33]
    assert "fewer than 2 choices" in notices[35]
    assert len(bank.questions) == 6


def test_moodle_xml_types_cdata_html_and_answers() -> None:
    """Multichoice (one and several), truefalse, numerical, shortanswer and essay convert; HTML is text."""
    bank, text, _ = imported(MOODLE, "moodle-xml")
    assert [(q.id, q.type) for q in bank.questions] == [
        ("uncac-scope", QuestionType.SINGLE),
        ("indicators", QuestionType.MULTIPLE),
        ("non-refoulement", QuestionType.SINGLE),
        ("year", QuestionType.NUMBER),
        ("one-word", QuestionType.WORDCLOUD),
        ("remarks", QuestionType.TEXT),
        ("steps", QuestionType.RANKING),
    ]
    assert prompt(bank, "uncac-scope") == "Which convention covers both public and private sector bribery?"
    assert options(bank, "uncac-scope")[2] == "Neither: x < 5 & y"  # CDATA, tags and entities
    assert quiz(bank, "uncac-scope") == ("a", None)
    assert bank.question("uncac-scope").explanation == {  # type: ignore[union-attr]
        "en": "UNCAC articles 15 and 21.",
        "ru": "Статьи 15 и 21 UNCAC.",
    }
    assert quiz(bank, "indicators") == (["a", "b"], None)
    assert quiz(bank, "non-refoulement") == ("true", None)
    assert quiz(bank, "year") == (2005, 1)
    assert "# accepted answers: trust; time" in text
    # The ordering plugin's fractions are the places: Refuse, Record, Report.
    assert options(bank, "steps") == ["Report", "Refuse", "Record"] and quiz(bank, "steps") == (
        ["b", "c", "a"],
        None,
    )


def test_moodle_multilang_spans_become_languages_with_lang_first() -> None:
    """<span class="multilang"> and {mlang} give Russian and English; --lang ru makes Russian the default."""
    bank, _, _ = imported(MOODLE, "moodle-xml", lang="ru")
    assert bank.languages == ("ru", "en")
    assert prompt(bank, "uncac-scope", "ru").startswith("Какая конвенция охватывает")
    assert options(bank, "indicators", "ru") == [
        "Паспорт у другого человека",
        "Долг вербовщику",
        "Действующая виза",
    ]
    assert options(bank, "indicators", "en")[2] == "A valid visa"  # {mlang other} fills only Russian
    english, _, _ = imported(MOODLE, "moodle-xml")
    assert english.languages == ("en", "ru")


def test_moodle_reports_types_with_no_equivalent_and_images() -> None:
    """Matching, Cloze and description questions are skipped, warned at their line; an image is reported."""
    _, _, notices = imported(MOODLE, "moodle-xml")
    lines = MOODLE.read_text(encoding="utf-8").splitlines()
    for word, message in (("matching", "matching"), ("multianswer", "Cloze"), ("description", "description")):
        line = next(n for n, text in enumerate(lines, start=1) if f'<question type="{word}">' in text)
        assert message in notices[line] and "no equivalent" in notices[line]
    image = next(n for n, text in enumerate(lines, start=1) if "<text>Indicators</text>" in text) - 2
    assert "img" in notices[image]


def test_moodle_bad_xml_is_refused_at_its_line() -> None:
    """XML that is not well formed, a DOCTYPE (entity expansion) and a file with no <quiz> are refused."""
    with pytest.raises(SourceError) as broken:
        convert(
            '<?xml version="1.0"?>\n<quiz>\n<question type="essay">\n</quiz>\n', "moodle-xml", "en", "x", "X"
        )
    assert broken.value.line == 4 and "not well-formed" in broken.value.message
    doctype = '<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY a "aaaa">]>\n<quiz></quiz>\n'
    with pytest.raises(SourceError, match="DOCTYPE"):
        convert(doctype, "moodle-xml", "en", "x", "X")
    with pytest.raises(SourceError, match="no <quiz>"):
        convert("<questions/>", "moodle-xml", "en", "x", "X")


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            '<span lang="en" class="multilang">Yes</span><span lang="fr" class="multilang">Oui</span>',
            {"en": "Yes", "fr": "Oui"},
        ),
        (
            'A <span class="multilang" lang="sr_lt">b <span>c</span></span>!',
            {"sr-Latn": "A b <span>c</span>!"},
        ),
        ("{mlang en}Hi{mlang}{mlang other}Salut{mlang}", {"en": "Hi", "other": "Salut"}),
        ("{mlang en,fr}Same{mlang}", {"en": "Same", "fr": "Same"}),
        ("no markup", "no markup"),
    ],
)
def test_multilang_markup(html: str, expected: Any) -> None:
    """Both multilang filters, nested spans, Moodle's language codes, `other` and shared text around spans."""
    assert languages_of(html) == expected


@pytest.mark.parametrize(
    ("name", "text", "fmt"),
    [
        ("q.gift", "Q {T}", "gift"),
        ("q.xml", "<quiz/>", "moodle-xml"),
        ("q.txt", '<?xml version="1.0"?><quiz/>', "moodle-xml"),
        ("q.txt", "Q?\nA) a\nB) b\nANSWER: A\n", "aiken"),
        ("q.txt", "::t:: Q {=a ~b}\n", "gift"),
    ],
)
def test_the_format_is_guessed_from_the_extension_and_content(name: str, text: str, fmt: str) -> None:
    """.gift, .xml, an XML prologue, an ANSWER: line and braces each name their format."""
    assert guess_format(name, text) == fmt


def polling(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "polling", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd)


@pytest.mark.parametrize("source", [GIFT, AIKEN, MOODLE], ids=lambda p: p.suffix)
def test_the_command_writes_a_bank_that_passes_check(source: Path, tmp_path: Path) -> None:
    """`polling import FILE --out BANK.yaml` guesses the format, warns at FILE:LINE, and `check` passes."""
    out = tmp_path / "imported.yaml"
    done = polling("import", source, "--out", out, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(rf"^{re.escape(str(source))}:\d+: warning: ", done.stdout, re.MULTILINE)
    assert "question(s) converted" in done.stderr
    checked = polling("check", out, cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout


def test_the_command_refuses_what_it_cannot_convert(tmp_path: Path) -> None:
    """A file with no convertible question, broken XML and a bad --out name each fail with a clear message."""
    matching = tmp_path / "matching.gift"
    matching.write_text("::m:: Match {=a -> b =c -> d}\n", encoding="utf-8")
    done = polling("import", matching, "--out", tmp_path / "m.yaml", cwd=tmp_path)
    assert done.returncode == 1 and "no question could be converted" in done.stdout
    assert f"{matching}:1: warning: a matching question" in done.stdout and not (tmp_path / "m.yaml").exists()
    broken = tmp_path / "broken.xml"
    broken.write_text("<quiz>\n<question>\n</quiz>\n", encoding="utf-8")
    done = polling("import", broken, "--out", tmp_path / "b.yaml", cwd=tmp_path)
    assert done.returncode == 1 and f"{broken}:3: error: not well-formed XML" in done.stdout
    done = polling("import", GIFT, "--out", tmp_path / "bad name.yaml", cwd=tmp_path)
    assert done.returncode != 0 and "bank id" in done.stderr


# Texts that hold each format's special characters, so that some are read as structure.
WORDS = st.text(alphabet=st.sampled_from(list("ab Ж:#=~{}\\<>&%-.1T/")), max_size=12)
MULTILANG = st.sampled_from(
    ["", '<span lang="ru" class="multilang">Да</span>', "{mlang en}Yes{mlang}", "<b>x</b>", "<img src=x>"]
)
TEXTS = st.tuples(WORDS, MULTILANG, WORDS).map("".join)
GIFT_ANSWER = st.tuples(
    st.sampled_from(["=", "~", "~%50%", "=%-100%", "~%-50%"]), TEXTS, WORDS.map("#".__add__)
)
GIFT_ANSWERS = st.one_of(
    st.lists(GIFT_ANSWER, max_size=5).map(lambda answers: " ".join(m + t + f for m, t, f in answers)),
    st.sampled_from(["T", "F", "TRUE", "FALSE#x#y", "", "#1822:5", "#1..5", "#=2000:0 =%50%2000:1", "#abc"]),
)
GIFT_QUESTION = st.tuples(st.sampled_from(["", "::t::", "::Ж 1::"]), TEXTS, GIFT_ANSWERS, WORDS).map(
    lambda q: f"{q[0]}{q[1]}{{{q[2]}}}{q[3]}"
)
AIKEN_QUESTION = st.tuples(
    TEXTS,
    st.lists(st.tuples(st.sampled_from(["A) ", "B. ", "c) ", "D) "]), TEXTS), max_size=4),
    st.sampled_from(["", "ANSWER: A", "Answer:b", "ANSWER: A, C", "ANSWER: E", "ANSWER:"]),
).map(lambda q: "\n".join([q[0], *(letter + text for letter, text in q[1]), q[2]]))
XML_ANSWER = st.tuples(st.sampled_from(["100", "0", "50", "-100", "1", "2", "x"]), TEXTS).map(
    lambda a: f'<answer fraction="{a[0]}"><text><![CDATA[{a[1]}]]></text><tolerance>1</tolerance></answer>'
)
XML_QUESTION = st.tuples(
    st.sampled_from(
        ["multichoice", "truefalse", "numerical", "shortanswer", "essay", "ordering", "matching", ""]
    ),
    TEXTS,
    st.sampled_from(["", "<single>false</single>"]),
    st.lists(XML_ANSWER, max_size=4).map("".join),
).map(
    lambda q: (
        f'<question type="{q[0]}"><name><text>n</text></name>'
        f"<questiontext><text><![CDATA[{q[1]}]]></text></questiontext>{q[2]}{q[3]}</question>"
    )
)


def well_formed_or_refused(text: str, fmt: str) -> None:
    """A reader either refuses the file (SourceError) or writes a bank the loader takes without error."""
    try:
        bank_text, _ = convert(text, fmt, "en", "f", "F")
    except SourceError:
        return
    if bank_text is not None:
        bank, problems = parse_bank(bank_text, "f.yaml", "f")
        assert bank is not None, (text, bank_text, problems)


@settings(max_examples=80, deadline=None)
@given(st.lists(GIFT_QUESTION, max_size=5).map("\n\n".join))
def test_any_gift_text_gives_a_bank_that_loads(text: str) -> None:
    """Whatever GIFT-like text is given, the bank written from it loads without error."""
    well_formed_or_refused(text, "gift")


@settings(max_examples=80, deadline=None)
@given(st.lists(AIKEN_QUESTION, max_size=5).map("\n\n".join))
def test_any_aiken_text_gives_a_bank_that_loads(text: str) -> None:
    """Whatever Aiken-like text is given, the bank written from it loads without error."""
    well_formed_or_refused(text, "aiken")


@settings(max_examples=80, deadline=None)
@given(st.lists(XML_QUESTION, max_size=5).map(lambda questions: "<quiz>" + "".join(questions) + "</quiz>"))
def test_any_moodle_xml_gives_a_bank_that_loads_or_is_refused(text: str) -> None:
    """Whatever Moodle-like XML is given, it is refused at a line or the bank written from it loads."""
    well_formed_or_refused(text, "moodle-xml")
