"""Quiz rules: whether an answer is right, and how many points it earns. Pure.

The formulas are the ones docs/banks.md promises ("Quizzes: judging and points"):

- `single`: the chosen option is the correct one.
- `multiple`: exactly the correct set, no more, no fewer options.
- `number`: within `tolerance` of the correct number (0 when not given).
- `ranking`: exactly the correct order; partial credit is the share of pairs of options put
  in the right order relative to each other (Kendall-style), so one swap of neighbours
  costs little and the reverse order earns nothing.
- points = round(points x credit), and with a speed bonus
  round(points x credit x (0.5 + 0.5 x remaining / limit)): an instant answer earns all the
  points, one at the deadline half. Rounded half up, never below 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from polling.core.model import Question, QuestionType

# A number this close to the edge of the tolerance is inside it: 0.4 - 0.3 is not exactly 0.1.
EDGE = 1e-9


@dataclass(frozen=True)
class Judgement:
    """How an answer compares with the right one: `correct` only when fully right, and
    `credit` the share of the points it earns (1.0 right, 0.0 wrong, between for a ranking)."""

    correct: bool
    credit: float


RIGHT = Judgement(True, 1.0)
WRONG = Judgement(False, 0.0)


def judge(question: Question, value: Any) -> Judgement | None:
    """Judge an answer (in the canonical form of core/answers.py); None when the question has
    no right answer (an opinion question). A value of the wrong shape is simply wrong."""
    correct = question.correct
    if correct is None:
        return None
    match question.type:
        case QuestionType.SINGLE:
            return RIGHT if value == correct else WRONG
        case QuestionType.MULTIPLE:
            right = isinstance(value, list) and isinstance(correct, list) and set(value) == set(correct)
            return RIGHT if right else WRONG
        case QuestionType.NUMBER:
            return _judge_number(value, correct, question.tolerance or 0.0)
        case QuestionType.RANKING:
            return _judge_ranking(value, correct)
    return WRONG


def _judge_number(value: Any, correct: Any, tolerance: float) -> Judgement:
    if isinstance(value, bool) or not isinstance(value, int | float) or isinstance(correct, list | str):
        return WRONG
    distance = abs(float(value) - float(correct))
    scale = max(1.0, abs(float(correct)))
    return RIGHT if distance <= tolerance + EDGE * scale else WRONG


def _judge_ranking(value: Any, correct: Any) -> Judgement:
    if not isinstance(value, list) or not isinstance(correct, list) or sorted(value) != sorted(correct):
        return WRONG
    if value == correct:
        return RIGHT
    return Judgement(False, pair_credit(value, correct))


def pair_credit(order: list[str], correct: list[str]) -> float:
    """The share of pairs of options that `order` puts in the same relative order as `correct`."""
    place = {option: index for index, option in enumerate(order)}
    pairs = list(combinations(correct, 2))  # each pair (a, b) with a before b in `correct`
    if not pairs:
        return 1.0
    agreeing = sum(place[a] < place[b] for a, b in pairs)
    return agreeing / len(pairs)


def speed_factor(seconds_taken: float | None, time_limit: float | None) -> float:
    """0.5 + 0.5 x remaining / limit, from 1.0 (instant) to 0.5 (at or after the deadline);
    1.0 when there is no limit or no time to go by."""
    if seconds_taken is None or not time_limit or time_limit <= 0:
        return 1.0
    remaining = min(time_limit, max(0.0, time_limit - seconds_taken))
    return 0.5 + 0.5 * remaining / time_limit


def score(
    question: Question,
    judgement: Judgement | None,
    *,
    seconds_taken: float | None = None,
    time_limit: float | None = None,
    speed_bonus: bool = False,
) -> int:
    """The points an answer earns: the question's `points` times the judgement's credit, times
    the speed factor when `speed_bonus` is on; 0 for an opinion question or no judgement."""
    if judgement is None or not question.points or judgement.credit <= 0:
        return 0
    earned = question.points * judgement.credit
    if speed_bonus:
        earned *= speed_factor(seconds_taken, time_limit)
    return max(0, math.floor(earned + 0.5))  # half up, so 2.5 is 3 whatever the float parity


def max_score(question: Question) -> int:
    """The most an answer to this question can earn (0 for an opinion question)."""
    return question.points or 0 if question.correct is not None else 0
