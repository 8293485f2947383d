"""Quiz rules: judging an answer against the right one, and the points it earns."""

from __future__ import annotations

import dataclasses

import pytest

from polling.core.model import Option, Question, QuestionType
from polling.core.quiz import RIGHT, WRONG, Judgement, judge, max_score, pair_credit, score, speed_factor
from tests.factories import PACE, STAFF, TOPICS, USEFUL, text

SINGLE = dataclasses.replace(PACE, correct="right", points=1)
MULTIPLE = dataclasses.replace(TOPICS, correct=["legal", "tools"], points=2)
NUMBER = dataclasses.replace(STAFF, correct=100, tolerance=5, points=1)
EXACT = dataclasses.replace(STAFF, correct=0.3, points=1)
RANKING = Question(
    id="order",
    type=QuestionType.RANKING,
    prompt=text("Order the steps"),
    options=tuple(Option(o, text(o.upper())) for o in ("a", "b", "c", "d")),
    correct=["a", "b", "c", "d"],
    points=10,
)


def test_single_is_right_only_for_the_correct_option() -> None:
    """A single choice is right for the correct option id and wrong for any other."""
    assert judge(SINGLE, "right") == RIGHT
    assert judge(SINGLE, "slow") == WRONG


def test_multiple_must_be_exactly_the_correct_set() -> None:
    """A multiple choice is right only for exactly the correct set, in any order."""
    assert judge(MULTIPLE, ["tools", "legal"]) == RIGHT
    assert judge(MULTIPLE, ["legal"]) == WRONG
    assert judge(MULTIPLE, ["legal", "tools", "cases"]) == WRONG
    assert judge(MULTIPLE, "legal") == WRONG


def test_number_is_right_within_its_tolerance() -> None:
    """A number within the tolerance (edges included) is right; beyond it is wrong."""
    assert judge(NUMBER, 95) == RIGHT and judge(NUMBER, 105.0) == RIGHT
    assert judge(NUMBER, 105.5) == WRONG and judge(NUMBER, 94) == WRONG
    assert judge(NUMBER, True) == WRONG and judge(NUMBER, "100") == WRONG


def test_number_without_tolerance_forgives_float_rounding_only() -> None:
    """Without tolerance the number must be exact, yet 0.1 + 0.2 counts as 0.3."""
    assert judge(EXACT, 0.1 + 0.2) == RIGHT
    assert judge(EXACT, 0.31) == WRONG


def test_exact_ranking_is_right_and_earns_full_credit() -> None:
    """The correct order is right with credit 1."""
    assert judge(RANKING, ["a", "b", "c", "d"]) == RIGHT


@pytest.mark.parametrize(
    ("order", "credit"),
    [
        (["b", "a", "c", "d"], 5 / 6),  # one swap of neighbours: 5 of 6 pairs agree
        (["d", "c", "b", "a"], 0.0),  # reversed: no pair agrees
        (["b", "c", "d", "a"], 3 / 6),  # the first put last
        (["a", "c", "b", "d"], 5 / 6),
    ],
)
def test_ranking_partial_credit_is_the_share_of_pairs_in_order(order: list[str], credit: float) -> None:
    """A wrong order is not correct and earns the share of option pairs in their right order."""
    judgement = judge(RANKING, order)
    assert judgement is not None and judgement.correct is False
    assert judgement.credit == pytest.approx(credit)


def test_ranking_of_other_options_is_wrong() -> None:
    """A ranking that is not a permutation of the correct options earns nothing."""
    assert judge(RANKING, ["a", "b", "c"]) == WRONG
    assert judge(RANKING, "a") == WRONG


def test_pair_credit_of_two_options() -> None:
    """With two options the credit is all or nothing."""
    assert pair_credit(["x", "y"], ["x", "y"]) == 1.0
    assert pair_credit(["y", "x"], ["x", "y"]) == 0.0


def test_question_without_correct_is_not_judged() -> None:
    """An opinion question has no judgement and no points."""
    assert judge(PACE, "slow") is None
    assert judge(USEFUL, 3) is None
    assert score(PACE, judge(PACE, "slow")) == 0
    assert max_score(PACE) == 0 and max_score(MULTIPLE) == 2


def test_score_without_speed_bonus_is_points_times_credit() -> None:
    """Right earns the points, wrong 0, a partial ranking its rounded share."""
    assert score(MULTIPLE, RIGHT) == 2
    assert score(MULTIPLE, WRONG) == 0
    assert score(RANKING, judge(RANKING, ["b", "a", "c", "d"])) == 8  # 10 x 5/6 = 8.33
    assert score(RANKING, judge(RANKING, ["b", "c", "d", "a"])) == 5  # 10 x 1/2


def test_score_ignores_time_without_speed_bonus() -> None:
    """Without speed_bonus a late answer earns as much as a fast one."""
    assert score(MULTIPLE, RIGHT, seconds_taken=19, time_limit=20, speed_bonus=False) == 2


@pytest.mark.parametrize(
    ("taken", "expected"),
    [(0, 1000), (10, 750), (20, 500), (30, 500), (-1, 1000), (None, 1000)],
)
def test_speed_bonus_goes_from_all_points_to_half(taken: float | None, expected: int) -> None:
    """With speed_bonus: all points at once, half at the deadline, linear between, clamped."""
    question = dataclasses.replace(SINGLE, points=1000)
    assert score(question, RIGHT, seconds_taken=taken, time_limit=20, speed_bonus=True) == expected


def test_speed_bonus_without_time_limit_gives_full_points() -> None:
    """An untimed question has nothing to be fast against: the bonus factor is 1."""
    assert speed_factor(5, None) == 1.0
    assert score(dataclasses.replace(SINGLE, points=4), RIGHT, seconds_taken=5, speed_bonus=True) == 4


def test_score_rounds_half_up() -> None:
    """3 points at factor 0.5 is 1.5, shown as 2 (half up, not to even)."""
    question = dataclasses.replace(SINGLE, points=3)
    assert score(question, RIGHT, seconds_taken=10, time_limit=10, speed_bonus=True) == 2
    assert score(dataclasses.replace(SINGLE, points=5), Judgement(False, 0.5)) == 3


def test_zero_points_question_earns_nothing() -> None:
    """A question worth 0 points (a practice question) is judged but scores 0."""
    practice = dataclasses.replace(SINGLE, points=0)
    assert judge(practice, "right") == RIGHT
    assert score(practice, RIGHT) == 0
