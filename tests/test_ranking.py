"""Ranking questions: checking an order of options, and its results (mean rank, Borda score)."""

from __future__ import annotations

import pytest

from polling.core.answers import AnswerError, check_answer
from polling.core.model import Option, Question, QuestionType
from polling.core.tally import Tally
from tests.factories import text

RANKING = Question(
    id="risks",
    type=QuestionType.RANKING,
    prompt=text("Rank the risks"),
    options=tuple(Option(o, text(o.title())) for o in ("gifts", "cash", "favours")),
)


def test_a_ranking_answer_is_every_option_once_in_order() -> None:
    """A permutation of all option ids is accepted and kept in the participant's order."""
    assert check_answer(RANKING, ["cash", "favours", "gifts"]) == ["cash", "favours", "gifts"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (["cash", "gifts"], "Put all the options in order"),
        (["cash", "cash", "gifts"], "An option was ranked twice"),
        (["cash", "gifts", "bribes"], "Put all the options in order"),
        ("cash", "Put all the options in order"),
        ([1, 2, 3], "Put all the options in order"),
        (None, "Put all the options in order"),
    ],
)
def test_a_ranking_answer_that_is_not_a_full_order_is_refused(value: object, message: str) -> None:
    """Missing, repeated, unknown or non-text options are refused with a clear message."""
    with pytest.raises(AnswerError, match=message):
        check_answer(RANKING, value)


def test_ranking_results_give_mean_rank_and_borda_sorted() -> None:
    """Each option's mean rank and Borda score (n-1 for a first place) are counted, best first."""
    tally = Tally(RANKING)
    tally.add("p1", ["cash", "gifts", "favours"])
    tally.add("p2", ["cash", "favours", "gifts"])
    tally.add("p3", ["gifts", "cash", "favours"])
    assert tally.results() == {
        "ranking": [
            {"id": "cash", "mean_rank": 1.33, "borda": 5, "places": [2, 1, 0]},
            {"id": "gifts", "mean_rank": 2.0, "borda": 3, "places": [1, 1, 1]},
            {"id": "favours", "mean_rank": 2.67, "borda": 1, "places": [0, 1, 2]},
        ]
    }


def test_a_new_ranking_replaces_the_participants_previous_one() -> None:
    """A participant who reorders counts once, with the latest order."""
    tally = Tally(RANKING)
    tally.add("p1", ["favours", "cash", "gifts"])
    tally.add("p1", ["gifts", "cash", "favours"])
    assert tally.responses == 1
    first = tally.results()["ranking"][0]
    assert first == {"id": "gifts", "mean_rank": 1.0, "borda": 2, "places": [1, 0, 0]}


def test_ranking_without_answers_lists_options_in_bank_order() -> None:
    """Before any answer every option has no mean rank and Borda 0, in bank order."""
    rows = Tally(RANKING).results()["ranking"]
    assert [(r["id"], r["mean_rank"], r["borda"]) for r in rows] == [
        ("gifts", None, 0),
        ("cash", None, 0),
        ("favours", None, 0),
    ]
