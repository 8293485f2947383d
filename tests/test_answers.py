"""Checking answers against their question and putting them in canonical form."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import pytest

from polling.core.answers import AnswerError, check_answer, clean_text, normalize_word
from polling.core.model import DEFAULT_TEXT_LENGTH, DEFAULT_WORD_LENGTH, Question
from tests.factories import OBSTACLE, PACE, REMARKS, STAFF, TOPICS, USEFUL

# -- single choice ------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["slow", "right", "fast"])
def test_single_accepts_each_option_id(value: str) -> None:
    """A single-choice answer is one of the option ids, kept as it is."""
    assert check_answer(PACE, value) == value


@pytest.mark.parametrize("value", ["medium", "", "SLOW", ["slow"], 1, None])
def test_single_rejects_anything_but_an_option_id(value: Any) -> None:
    """A single-choice answer that is not exactly an option id is refused, naming the choices."""
    with pytest.raises(AnswerError, match="slow, right, fast"):
        check_answer(PACE, value)


# -- multiple choice ----------------------------------------------------------------------


def test_multiple_returns_choices_in_bank_order() -> None:
    """The same set of options is always stored in bank order, whatever order it came in."""
    assert check_answer(TOPICS, ["tools", "legal"]) == ["legal", "tools"]
    assert check_answer(TOPICS, ["cases"]) == ["cases"]


def test_multiple_rejects_an_unknown_option() -> None:
    """An option id the question does not have is refused."""
    with pytest.raises(AnswerError, match="Choose among"):
        check_answer(TOPICS, ["legal", "history"])


@pytest.mark.parametrize("value", [[], "legal", None, {"legal": True}])
def test_multiple_rejects_an_empty_list_or_a_non_list(value: Any) -> None:
    """A multiple-choice answer must be a non-empty list."""
    with pytest.raises(AnswerError, match="at least one"):
        check_answer(TOPICS, value)


def test_multiple_rejects_duplicates() -> None:
    """Choosing the same option twice is refused rather than counted twice."""
    with pytest.raises(AnswerError, match="twice"):
        check_answer(TOPICS, ["legal", "legal"])


def test_multiple_rejects_more_than_max_choices() -> None:
    """More options than max_choices is refused with the limit in the message."""
    with pytest.raises(AnswerError, match="at most 2"):
        check_answer(TOPICS, ["legal", "cases", "tools"])


def test_multiple_without_max_choices_allows_every_option() -> None:
    """Without max_choices every option may be chosen at once."""
    unlimited = dataclasses.replace(TOPICS, max_choices=None)
    assert check_answer(unlimited, ["tools", "cases", "legal"]) == ["legal", "cases", "tools"]


# -- scale --------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [(1, 1), (3, 3), (5, 5), (4.0, 4)])
def test_scale_accepts_whole_numbers_in_range(value: Any, expected: int) -> None:
    """A scale answer is a whole number within min..max; an integral float becomes an int."""
    result = check_answer(USEFUL, value)
    assert result == expected
    assert type(result) is int


@pytest.mark.parametrize("value", [0, 6, -1, 100])
def test_scale_rejects_out_of_range(value: int) -> None:
    """A point outside min..max is refused with the range in the message."""
    with pytest.raises(AnswerError, match="from 1 to 5"):
        check_answer(USEFUL, value)


@pytest.mark.parametrize("value", [2.5, "3", None, [3]])
def test_scale_rejects_non_integers(value: Any) -> None:
    """A fraction, a string or any other non-number is not a scale point."""
    with pytest.raises(AnswerError):
        check_answer(USEFUL, value)


@pytest.mark.parametrize("value", [True, False])
def test_scale_rejects_booleans(value: bool) -> None:
    """JSON true/false are not 1/0 on a scale, even though Python treats them as ints."""
    with pytest.raises(AnswerError):
        check_answer(USEFUL, value)


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_scale_rejects_non_finite_floats_as_answer_errors(value: float) -> None:
    """Infinity and NaN (which json.loads accepts) are refused as an AnswerError, not a crash."""
    with pytest.raises(AnswerError):
        check_answer(USEFUL, value)


# -- number -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(12, 12), (12.5, 12.5), ("12,5", 12.5), (" 7.25 ", 7.25), ("40", 40), (3.0, 3), (0, 0)],
)
def test_number_accepts_numbers_and_numeric_strings(value: Any, expected: float) -> None:
    """Numbers and numeric strings (with a decimal comma) are kept; integral values become ints."""
    result = check_answer(STAFF, value)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize("value", [-1, -0.5, 1000.5, 5000, "-3", "1001"])
def test_number_rejects_values_outside_min_and_max(value: Any) -> None:
    """A number below min or above max is refused with the bound in the message."""
    with pytest.raises(AnswerError, match="no (smaller|larger) than (0|1000)"):
        check_answer(STAFF, value)


def test_number_without_bounds_accepts_any_finite_number() -> None:
    """With neither min nor max, negative and large numbers are accepted."""
    unbounded = dataclasses.replace(STAFF, min=None, max=None)
    assert check_answer(unbounded, -42.5) == -42.5
    assert check_answer(unbounded, "1e6") == 1_000_000


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, "nan", "inf", "-Infinity", "1e400"])
def test_number_rejects_nan_and_infinity(value: Any) -> None:
    """Non-finite numbers, given as floats or as strings, are not answers."""
    with pytest.raises(AnswerError, match="Enter a number"):
        check_answer(STAFF, value)


@pytest.mark.parametrize("value", [True, False])
def test_number_rejects_booleans(value: bool) -> None:
    """JSON true/false are not numbers."""
    with pytest.raises(AnswerError, match="Enter a number"):
        check_answer(STAFF, value)


@pytest.mark.parametrize("value", ["twelve", "", "12 5", "1.2.3", None, [12], {"n": 1}])
def test_number_rejects_non_numeric_values(value: Any) -> None:
    """Strings that are not numbers, and values of other types, are refused."""
    with pytest.raises(AnswerError, match="Enter a number"):
        check_answer(STAFF, value)


def test_number_rejects_an_integer_too_large_for_a_float_as_an_answer_error() -> None:
    """A huge JSON integer is refused as an AnswerError rather than raising OverflowError."""
    with pytest.raises(AnswerError):
        check_answer(STAFF, 10**400)


# -- word cloud ---------------------------------------------------------------------------


def test_wordcloud_keeps_the_participants_capitals_without_surrounding_space() -> None:
    """A word-cloud answer is kept as typed, capitals included, with surrounding space removed."""
    assert check_answer(OBSTACLE, "  Trust  ") == "Trust"
    assert check_answer(OBSTACLE, "UN") == "UN"


def test_wordcloud_collapses_inner_whitespace_and_applies_nfkc() -> None:
    """Runs of whitespace become one space, and compatibility forms fold to plain letters."""
    assert check_answer(OBSTACLE, "red \t\n Tape") == "red Tape"
    assert check_answer(OBSTACLE, "ＴＩＭＥ") == "TIME"
    assert check_answer(OBSTACLE, "Straße") == "Straße"


def test_normalize_word_is_the_counted_form_of_a_kept_answer() -> None:
    """Answers that differ only in case or spacing have one counted form: tidied and case-folded."""
    forms = {normalize_word(check_answer(OBSTACLE, v)) for v in (" Red  TAPE ", "red tape", "Red Tape")}
    assert forms == {"red tape"}
    assert normalize_word("Straße") == "strasse"


@pytest.mark.parametrize("value", ["", "   ", "\t\n"])
def test_wordcloud_rejects_empty_answers(value: str) -> None:
    """An answer that is empty once normalised is refused."""
    with pytest.raises(AnswerError, match="empty"):
        check_answer(OBSTACLE, value)


def test_wordcloud_rejects_answers_longer_than_max_length() -> None:
    """A word longer than the question's max_length is refused; one at the limit is kept."""
    assert check_answer(OBSTACLE, "a" * 20) == "a" * 20
    with pytest.raises(AnswerError, match="longer than 20"):
        check_answer(OBSTACLE, "a" * 21)


def test_wordcloud_length_is_checked_after_normalisation() -> None:
    """A word that normalisation makes longer than max_length is refused (one U+FDFA is 18 letters)."""
    question = dataclasses.replace(OBSTACLE, max_length=None)
    with pytest.raises(AnswerError, match=f"longer than {DEFAULT_WORD_LENGTH}"):
        check_answer(question, "\ufdfa" * 3)
    assert len(check_answer(question, "\ufdfa" * 2)) == 36


def test_wordcloud_uses_the_default_length_without_max_length() -> None:
    """Without max_length a word-cloud answer is limited to DEFAULT_WORD_LENGTH characters."""
    question = dataclasses.replace(OBSTACLE, max_length=None)
    assert check_answer(question, "a" * DEFAULT_WORD_LENGTH) == "a" * DEFAULT_WORD_LENGTH
    with pytest.raises(AnswerError, match=f"longer than {DEFAULT_WORD_LENGTH}"):
        check_answer(question, "a" * (DEFAULT_WORD_LENGTH + 1))


@pytest.mark.parametrize("question", [OBSTACLE, REMARKS])
@pytest.mark.parametrize("value", [None, 3, ["word"], {"text": "word"}])
def test_word_and_text_answers_must_be_strings(question: Question, value: Any) -> None:
    """Word-cloud and open-text answers of any other type are refused."""
    with pytest.raises(AnswerError, match="must be text"):
        check_answer(question, value)


# -- open text ----------------------------------------------------------------------------


def test_text_is_kept_without_control_characters_or_surrounding_space() -> None:
    """Open text loses control characters and surrounding space but keeps newlines and case."""
    assert check_answer(REMARKS, "  More\x00 time\x1b for\r\n Cases\x07  ") == "More time for\n Cases"


def test_clean_text_keeps_tabs_and_newlines_and_applies_nfc() -> None:
    """clean_text keeps inner tabs and newlines and composes accents (NFC)."""
    assert clean_text("a\tb\nc") == "a\tb\nc"
    assert clean_text("cafe\u0301") == "caf\u00e9"


@pytest.mark.parametrize("value", ["", "   ", "\x00\x07", " \x1b\n "])
def test_text_rejects_empty_answers(value: str) -> None:
    """Text that is empty once cleaned is refused."""
    with pytest.raises(AnswerError, match="empty"):
        check_answer(REMARKS, value)


def test_text_rejects_answers_longer_than_max_length() -> None:
    """Text longer than the question's max_length is refused; text at the limit is kept."""
    assert check_answer(REMARKS, "x" * 80) == "x" * 80
    with pytest.raises(AnswerError, match="longer than 80"):
        check_answer(REMARKS, "x" * 81)


def test_text_uses_the_default_length_without_max_length() -> None:
    """Without max_length open text is limited to DEFAULT_TEXT_LENGTH characters."""
    question = dataclasses.replace(REMARKS, max_length=None)
    assert check_answer(question, "x" * DEFAULT_TEXT_LENGTH) == "x" * DEFAULT_TEXT_LENGTH
    with pytest.raises(AnswerError, match=f"longer than {DEFAULT_TEXT_LENGTH}"):
        check_answer(question, "x" * (DEFAULT_TEXT_LENGTH + 1))
