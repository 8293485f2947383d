"""Checking an answer against its question, and putting it in canonical form."""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

from polling.core.model import DEFAULT_TEXT_LENGTH, DEFAULT_WORD_LENGTH, Question, QuestionType

# An answer as stored and counted: an option id, a list of option ids (a ranking: in order),
# a number or a string.
Value = str | int | float | list[str]

_SPACES = re.compile(r"\s+")


class AnswerError(ValueError):
    """An answer that does not fit its question; the message is shown to the participant."""


def tidy_word(text: str) -> str:
    """A word-cloud answer as kept and shown: NFKC, single spaces, the participant's capitals."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def normalize_word(text: str) -> str:
    """The form in which word-cloud answers are counted: tidied and case-folded."""
    return tidy_word(text).casefold()


def clean_text(text: str) -> str:
    """Open text as kept: NFC, without surrounding space or control characters."""
    text = unicodedata.normalize("NFC", text)
    return "".join(c for c in text if c in "\n\t" or unicodedata.category(c) != "Cc").strip()


def check_answer(question: Question, value: Any) -> Value:
    """Return the canonical form of `value` for `question`, or raise AnswerError."""
    match question.type:
        case QuestionType.SINGLE:
            return _check_single(question, value)
        case QuestionType.MULTIPLE:
            return _check_multiple(question, value)
        case QuestionType.RANKING:
            return _check_ranking(question, value)
        case QuestionType.SCALE:
            return _check_scale(question, value)
        case QuestionType.NUMBER:
            return _check_number(question, value)
        # Lengths are checked on the text as kept: NFKC turns one U+FDFA into 18 characters.
        case QuestionType.WORDCLOUD:
            limit = question.max_length or DEFAULT_WORD_LENGTH
            return _check_length(tidy_word(_check_string(value, limit)), limit)
        case QuestionType.TEXT:
            limit = question.max_length or DEFAULT_TEXT_LENGTH
            return _check_length(clean_text(_check_string(value, limit)), limit)
    raise AnswerError(f"Unknown question type {question.type!r}")  # pragma: no cover


def _check_single(question: Question, value: Any) -> str:
    if not isinstance(value, str) or value not in question.option_ids():
        raise AnswerError(f"Choose one of: {', '.join(question.option_ids())}")
    return value


def _check_multiple(question: Question, value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise AnswerError("Choose at least one option")
    allowed = question.option_ids()
    if any(not isinstance(v, str) or v not in allowed for v in value):
        raise AnswerError(f"Choose among: {', '.join(allowed)}")
    if len(set(value)) != len(value):
        raise AnswerError("An option was chosen twice")
    limit = question.max_choices or len(allowed)
    if len(value) > limit:
        raise AnswerError(f"Choose at most {limit} options")
    # Bank order, so that the same choice is always stored the same way.
    return [option for option in allowed if option in value]


def _check_ranking(question: Question, value: Any) -> list[str]:
    """Every option id once, first the one ranked highest: the order is the answer."""
    allowed = question.option_ids()
    if not isinstance(value, list) or any(not isinstance(v, str) for v in value):
        raise AnswerError(f"Put all the options in order: {', '.join(allowed)}")
    if len(set(value)) != len(value):
        raise AnswerError("An option was ranked twice")
    if sorted(value) != sorted(allowed):
        raise AnswerError(f"Put all the options in order: {', '.join(allowed)}")
    return list(value)


def _check_scale(question: Question, value: Any) -> int:
    low, high = int(question.min or 0), int(question.max or 0)
    number = _finite(value)
    if number is None or not number.is_integer() or not low <= number <= high:
        raise AnswerError(f"Choose a whole number from {low} to {high}")
    return int(number)


def _finite(value: Any) -> float | None:
    """A JSON number as a finite float, or None (booleans, huge integers, NaN and infinity)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _check_number(question: Question, value: Any) -> int | float:
    if isinstance(value, str):
        try:
            value = float(value.strip().replace(",", "."))
        except ValueError:
            raise AnswerError("Enter a number") from None
    number = _finite(value)
    if number is None:
        raise AnswerError("Enter a number")
    if question.min is not None and number < question.min:
        raise AnswerError(f"Enter a number no smaller than {question.min:g}")
    if question.max is not None and number > question.max:
        raise AnswerError(f"Enter a number no larger than {question.max:g}")
    # Whole numbers become ints only where exact: 1e20 stays a float that every JSON reader takes.
    return int(number) if number.is_integer() and abs(number) <= 2**53 else number


def _check_length(text: str, max_length: int) -> str:
    if not text:
        raise AnswerError("The answer is empty")
    if len(text) > max_length:
        raise AnswerError(f"The answer is longer than {max_length} characters")
    return text


def _check_string(value: Any, max_length: int) -> str:
    if not isinstance(value, str):
        raise AnswerError("The answer must be text")
    if len(value) > max_length:
        raise AnswerError(f"The answer is longer than {max_length} characters")
    return value
