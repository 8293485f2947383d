"""Learning gain arithmetic: pairing, shares, means, normalised gain and its edge cases."""

from __future__ import annotations

import pytest

from polling.core.gain import MIN_PAIRED, Scored, learning_gain, normalised_gain

RIGHT, WRONG = Scored(1, True), Scored(0, False)
QUESTIONS = [("q1", 1), ("q2", 1)]


def sheets(*rows: dict[str, Scored]) -> dict[str, dict[str, Scored]]:
    """Sheets keyed p0, p1, ... in the order given."""
    return {f"p{index}": row for index, row in enumerate(rows)}


def test_normalised_gain_is_the_share_of_what_was_left_to_learn() -> None:
    """g = (post - pre) / (max - pre): half of the gap closed is 0.5, a fall is negative."""
    assert normalised_gain(0.4, 0.7, 1.0) == pytest.approx(0.5)
    assert normalised_gain(2.0, 4.0, 4.0) == pytest.approx(1.0)
    assert normalised_gain(0.5, 0.25, 1.0) == pytest.approx(-0.5)


def test_the_gain_is_undefined_where_everyone_already_had_full_marks() -> None:
    """pre = max leaves nothing to learn: g is None, neither 0 nor 1."""
    assert normalised_gain(1.0, 1.0, 1.0) is None
    assert normalised_gain(3.0, 2.0, 3.0) is None
    everyone_right = sheets(*[{"q1": RIGHT, "q2": WRONG}] * 5)
    gain = learning_gain(QUESTIONS, everyone_right, everyone_right)
    assert gain.questions[0].gain is None
    assert gain.questions[1].gain == 0.0  # nothing learned of what was left


def test_fewer_than_five_paired_phones_show_counts_and_nothing_else() -> None:
    """Four paired phones: the counts are there, every figure is left out."""
    pre = sheets(*[{"q1": WRONG}] * 6)
    post = {key: {"q1": RIGHT} for key in list(pre)[: MIN_PAIRED - 1]} | {"x": {"q1": RIGHT}}
    gain = learning_gain(QUESTIONS, pre, post)
    assert (gain.paired, gain.unpaired_pre, gain.unpaired_post) == (4, 2, 1)
    assert not gain.shown and gain.overall is None and gain.questions == []
    assert gain.to_dict()["overall"] is None and gain.to_dict()["min_paired"] == 5


def test_only_paired_phones_enter_the_figures_and_unanswered_questions_score_nothing() -> None:
    """Shares and means are of the paired phones alone; a question left out is wrong with 0 points."""
    pre = sheets(
        {"q1": WRONG, "q2": WRONG},
        {"q1": RIGHT, "q2": WRONG},
        {"q1": WRONG},
        {"q1": WRONG, "q2": RIGHT},
        {"q1": WRONG, "q2": WRONG},
    ) | {"only-pre": {"q1": RIGHT, "q2": RIGHT}}
    post = sheets(
        {"q1": RIGHT, "q2": RIGHT},
        {"q1": RIGHT, "q2": WRONG},
        {"q1": RIGHT, "q2": RIGHT},
        {"q1": WRONG, "q2": RIGHT},
        {"q1": RIGHT},
    ) | {"only-post": {"q1": WRONG, "q2": WRONG}}
    gain = learning_gain(QUESTIONS, pre, post)
    assert (gain.paired, gain.unpaired_pre, gain.unpaired_post) == (5, 1, 1)
    q1, q2 = gain.questions
    assert (q1.pre.share_correct, q1.post.share_correct) == (pytest.approx(0.2), pytest.approx(0.8))
    assert q1.gain == pytest.approx((0.8 - 0.2) / (1 - 0.2))
    assert (q2.pre.mean_score, q2.post.mean_score) == (pytest.approx(0.2), pytest.approx(0.6))
    overall = gain.overall
    assert overall is not None and overall.max_score == 2
    assert (overall.pre.mean_score, overall.post.mean_score) == (pytest.approx(0.4), pytest.approx(1.4))
    assert overall.gain == pytest.approx((1.4 - 0.4) / (2 - 0.4))
    assert overall.pre.share_correct == pytest.approx(0.2)


def test_points_weigh_the_overall_score_and_opinion_questions_are_left_out() -> None:
    """A 3-point question weighs three times a 1-point one; a question worth 0 is not judged."""
    pre = sheets(*[{"big": Scored(0, False), "small": Scored(1, True), "opinion": Scored(0, False)}] * 5)
    post = sheets(*[{"big": Scored(3, True), "small": Scored(1, True), "opinion": Scored(0, False)}] * 5)
    gain = learning_gain([("big", 3), ("small", 1), ("opinion", 0)], pre, post)
    assert [line.question for line in gain.questions] == ["big", "small"]
    assert gain.overall is not None
    assert (gain.overall.max_score, gain.overall.gain) == (4, pytest.approx(1.0))


def test_confidence_is_averaged_beside_correctness_over_the_phones_that_gave_it() -> None:
    """Mean confidence counts only the paired phones that gave one; None when none did."""
    pre = sheets(*[{"q1": Scored(0, False, 2)}] * 3, *[{"q1": Scored(0, False)}] * 2)
    post = sheets(*[{"q1": Scored(1, True, 5)}] * 4, {"q1": Scored(1, True, 4)})
    line = learning_gain([("q1", 1)], pre, post).questions[0]
    assert line.pre.mean_confidence == pytest.approx(2.0)
    assert line.post.mean_confidence == pytest.approx(4.8)
    bare = learning_gain([("q1", 1)], sheets(*[{"q1": WRONG}] * 5), sheets(*[{"q1": RIGHT}] * 5))
    assert bare.questions[0].pre.mean_confidence is None
