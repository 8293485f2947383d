"""Live results of one question, following each participant's last answer."""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

import pytest

import polling.core.tally
from polling.core.tally import MAX_WORDS, Moderation, Tally, common_spelling, number_results, text_id
from tests.factories import OBSTACLE, PACE, REMARKS, STAFF, TOPICS, USEFUL


def _number_tally(*values: float) -> Tally:
    tally = Tally(STAFF)
    for index, value in enumerate(values):
        tally.add(f"p{index}", value)
    return tally


def _assert_bins_cover(result: dict[str, Any], values: list[float]) -> None:
    """Every value lies in exactly one [from, to) bin, and the bin counts add up."""
    bins = result["bins"]
    assert sum(b["count"] for b in bins) == result["count"] == len(values)
    for value in values:
        holding = [b for b in bins if b["from"] <= value < b["to"] or b["from"] == b["to"] == value]
        assert len(holding) == 1, (value, bins)
    for bin_ in bins:
        expected = sum(1 for v in values if bin_["from"] <= v < bin_["to"] or bin_["from"] == v)
        assert bin_["count"] == expected, (bin_, values)


# -- choices ------------------------------------------------------------------------------


def test_single_counts_each_participants_answer() -> None:
    """Each participant's single choice adds one to its option; options nobody chose show 0."""
    tally = Tally(PACE)
    tally.add("p1", "slow")
    tally.add("p2", "slow")
    tally.add("p3", "fast")
    assert tally.results() == {"counts": {"slow": 2, "right": 0, "fast": 1}}
    assert tally.responses == 3


def test_changing_an_answer_moves_the_count() -> None:
    """A participant's new answer replaces the old one: the count moves and responses stays 1."""
    tally = Tally(PACE)
    tally.add("p1", "slow")
    tally.add("p1", "fast")
    assert tally.results() == {"counts": {"slow": 0, "right": 0, "fast": 1}}
    assert tally.responses == 1
    assert tally.answers == {"p1": "fast"}


def test_multiple_counts_every_chosen_option() -> None:
    """A multiple-choice answer adds one to each option it names."""
    tally = Tally(TOPICS)
    tally.add("p1", ["legal", "cases"])
    tally.add("p2", ["cases"])
    assert tally.results() == {"counts": {"legal": 1, "cases": 2, "tools": 0}}
    assert tally.responses == 2


def test_multiple_change_removes_every_old_option() -> None:
    """Changing a multiple-choice answer takes back all its old options, not just one."""
    tally = Tally(TOPICS)
    tally.add("p1", ["legal", "cases"])
    tally.add("p2", ["cases"])
    tally.add("p1", ["tools"])
    assert tally.results() == {"counts": {"legal": 0, "cases": 1, "tools": 1}}
    assert tally.responses == 2


# -- scale --------------------------------------------------------------------------------


def test_scale_counts_every_point_and_the_mean() -> None:
    """A scale shows a count for every point from min to max and the mean to two places."""
    tally = Tally(USEFUL)
    for participant, point in (("p1", 1), ("p2", 4), ("p3", 5)):
        tally.add(participant, point)
    assert tally.results() == {"counts": {"1": 1, "2": 0, "3": 0, "4": 1, "5": 1}, "mean": 3.33}


def test_scale_mean_follows_changed_answers() -> None:
    """The scale mean is recomputed from each participant's last answer."""
    tally = Tally(USEFUL)
    tally.add("p1", 2)
    tally.add("p2", 4)
    tally.add("p1", 5)
    results = tally.results()
    assert results["mean"] == 4.5
    assert results["counts"] == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1}


def test_scale_without_answers_has_no_mean() -> None:
    """Before any answer every point counts 0 and the mean is None, not a division error."""
    results = Tally(USEFUL).results()
    assert results == {"counts": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}, "mean": None}


# -- number -------------------------------------------------------------------------------


def test_number_summary_with_an_odd_count() -> None:
    """Count, mean, min and max of numeric answers; the median of an odd count is the middle one."""
    result = _number_tally(3, 1, 10).results()
    assert result["count"] == 3
    assert result["mean"] == 4.67
    assert result["median"] == 3
    assert (result["min"], result["max"]) == (1, 10)


def test_number_median_with_an_even_count() -> None:
    """The median of an even count is the mean of the two middle answers."""
    result = _number_tally(10, 1, 3, 2).results()
    assert result["median"] == 2.5
    assert result["mean"] == 4


def test_number_median_counts_repeated_values() -> None:
    """Several participants giving the same number weigh in the median and the mean."""
    result = _number_tally(2, 2, 2, 9).results()
    assert result["count"] == 4
    assert result["median"] == 2
    assert result["mean"] == 3.75


def test_number_summary_follows_changed_answers() -> None:
    """A changed numeric answer leaves the summary: min, max and count follow the last answers."""
    tally = _number_tally(1, 50, 20)
    tally.add("p0", 30)
    result = tally.results()
    assert result["count"] == 3
    assert (result["min"], result["max"], result["median"]) == (20, 50, 30)
    _assert_bins_cover(result, [30, 50, 20])


@pytest.mark.parametrize(
    "values",
    [
        [1, 2, 3, 10],
        [0, 1000],
        [7, 7.5, 8.25, 12],
        [0.1, 0.2, 0.3, 0.7],
        [-40, -3.5, 0, 17],
        [999, 1000],
        [120, 130, 130, 145, 200, 200, 333],
    ],
)
def test_number_bins_cover_every_value(values: list[float]) -> None:
    """The histogram bins hold every answer exactly once and their counts sum to the count."""
    counts = Counter(values)
    result = number_results(counts)
    _assert_bins_cover(result, values)
    assert result["bins"][0]["from"] <= min(values)
    assert result["bins"][-1]["to"] > max(values)


def test_number_with_a_single_distinct_value_has_one_bin() -> None:
    """When every answer is the same number there is one bin, holding them all."""
    result = _number_tally(7, 7, 7).results()
    assert result["bins"] == [{"from": 7, "to": 7, "count": 3}]
    assert (result["min"], result["max"], result["median"], result["mean"]) == (7, 7, 7, 7)


def test_number_without_answers_is_empty() -> None:
    """Before any answer the number summary is all None with no bins."""
    assert Tally(STAFF).results() == {
        "count": 0,
        "mean": None,
        "median": None,
        "min": None,
        "max": None,
        "bins": [],
    }


def test_number_bins_end_for_close_large_values(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two large numbers a little apart still get a handful of bins (the bin loop terminates)."""
    real_tidy = polling.core.tally._tidy
    calls = 0

    def bounded_tidy(number: float) -> float | int:
        nonlocal calls
        calls += 1
        if calls > 1000:
            raise AssertionError("the histogram has more than 500 bins")
        return real_tidy(number)

    monkeypatch.setattr(polling.core.tally, "_tidy", bounded_tidy, raising=False)
    unbounded = dataclasses.replace(STAFF, min=None, max=None)
    tally = Tally(unbounded)
    tally.add("p1", 10_000_000_000_000_000)
    tally.add("p2", 10_000_000_000_000_002)
    result = tally.results()
    assert 1 <= len(result["bins"]) <= 20
    assert sum(b["count"] for b in result["bins"]) == 2


# -- word cloud ---------------------------------------------------------------------------


def test_wordcloud_lists_the_most_common_words_first() -> None:
    """Words are listed with their counts, most common first."""
    tally = Tally(OBSTACLE)
    for participant, word in enumerate(["time", "money", "money", "trust", "money", "trust"]):
        tally.add(f"p{participant}", word)
    assert tally.results() == {"words": [["money", 3], ["trust", 2], ["time", 1]]}


def test_wordcloud_is_limited_to_max_words() -> None:
    """At most MAX_WORDS words are listed, and the most common is among them first."""
    tally = Tally(OBSTACLE)
    for index in range(MAX_WORDS + 10):
        tally.add(f"p{index}", f"word{index}")
    for index in range(3):
        tally.add(f"q{index}", "corruption")
    words = tally.results()["words"]
    assert MAX_WORDS == 60
    assert len(words) == MAX_WORDS
    assert words[0] == ["corruption", 3]


def test_wordcloud_drops_words_nobody_gives_any_more() -> None:
    """A word whose only participant changed their answer disappears instead of showing 0."""
    tally = Tally(OBSTACLE)
    tally.add("p1", "time")
    tally.add("p1", "money")
    assert tally.results() == {"words": [["money", 1]]}


def test_wordcloud_counts_spellings_together_and_shows_the_most_common() -> None:
    """ "Trust", "trust" and "TRUST" count as one word, shown as most participants wrote it."""
    tally = Tally(OBSTACLE)
    for participant, word in enumerate(["trust", "Trust", "Trust", "TRUST", "time"]):
        tally.add(f"p{participant}", word)
    assert tally.results() == {"words": [["Trust", 4], ["time", 1]]}


def test_wordcloud_spelling_follows_changed_answers() -> None:
    """When participants change their answers, the shown spelling follows the ones still given."""
    tally = Tally(OBSTACLE)
    tally.add("p1", "Trust")
    tally.add("p2", "trust")
    tally.add("p3", "trust")
    assert tally.results() == {"words": [["trust", 3]]}
    tally.add("p2", "Trust")
    tally.add("p3", "money")
    assert tally.results() == {"words": [["Trust", 2], ["money", 1]]}
    tally.add("p1", "money")
    tally.add("p2", "money")
    assert tally.results() == {"words": [["money", 3]]}


def test_common_spelling_prefers_the_most_used_then_the_first_given() -> None:
    """The most used spelling wins; on a tie, the one given first."""
    assert common_spelling(Counter({"trust": 1, "Trust": 3})) == "Trust"
    assert common_spelling(Counter({"EU": 2, "eu": 2})) == "EU"
    assert common_spelling(Counter({"eu": 2, "EU": 2})) == "eu"


# -- open text and moderation -------------------------------------------------------------


def test_new_text_answers_are_pending() -> None:
    """A new open-text answer waits for moderation and is counted as pending."""
    tally = Tally(REMARKS)
    tally.add("p1", "More case studies")
    assert tally.status_of("p1") is Moderation.PENDING
    assert tally.results() == {"pending": 1, "approved": 0, "hidden": 0}


def tid(participant: str) -> str:
    """The id under which a participant's answer to REMARKS is shown."""
    return text_id(REMARKS.id, participant)


def test_text_ids_never_link_a_participants_answers() -> None:
    """A text answer's id is not its author's key and differs from question to question."""
    first, second = Tally(REMARKS), Tally(dataclasses.replace(REMARKS, id="other"))
    first.add("p1", "One")
    second.add("p1", "Two")
    ids = {first.texts()[0].id, second.texts()[0].id}
    assert len(ids) == 2 and "p1" not in ids
    assert first.author(tid("p1")) == "p1"


def test_changes_since_lists_only_what_changed() -> None:
    """changes_since returns the text answers changed after a version, each once, oldest change first."""
    tally = Tally(REMARKS)
    for n in range(100):
        tally.add(f"p{n}", f"Text {n}")
    seen = tally.version
    tally.moderate(tid("p3"), Moderation.APPROVED)
    tally.add("p100", "New")
    tally.add("p50", "Changed")
    tally.add("p50", "Changed")  # resent as it was: no change
    assert [(t.id, t.text) for t in tally.changes_since(seen)] == [
        (tid("p3"), "Text 3"),
        (tid("p100"), "New"),
        (tid("p50"), "Changed"),
    ]
    assert tally.version == seen + 3 and tally.changes_since(tally.version) == []
    assert len(tally.changes_since(0)) == 101


def test_moderation_approves_and_hides() -> None:
    """Approving and hiding change an answer's status and the counts of each status."""
    tally = Tally(REMARKS)
    tally.add("p1", "More case studies")
    tally.add("p2", "Longer breaks")
    tally.add("p3", "Spam")
    assert tally.moderate(tid("p1"), Moderation.APPROVED).status is Moderation.APPROVED
    tally.moderate(tid("p3"), Moderation.HIDDEN)
    assert tally.results() == {"pending": 1, "approved": 1, "hidden": 1}
    assert tally.status_of("p3") is Moderation.HIDDEN


def test_moderating_an_unknown_answer_raises_key_error() -> None:
    """Moderating an id with no text answer raises KeyError."""
    tally = Tally(REMARKS)
    with pytest.raises(KeyError):
        tally.moderate(tid("nobody"), Moderation.APPROVED)


def test_changing_the_text_resets_it_to_pending() -> None:
    """An approved answer whose text changes must be moderated again."""
    tally = Tally(REMARKS)
    tally.add("p1", "More case studies")
    tally.moderate(tid("p1"), Moderation.APPROVED)
    tally.add("p1", "More case studies, and shorter lunch")
    assert tally.status_of("p1") is Moderation.PENDING
    assert tally.results() == {"pending": 1, "approved": 0, "hidden": 0}
    assert tally.responses == 1


@pytest.mark.parametrize("status", [Moderation.APPROVED, Moderation.HIDDEN])
def test_sending_the_same_text_keeps_its_status(status: Moderation) -> None:
    """Re-sending identical text keeps the moderation already given to it."""
    tally = Tally(REMARKS)
    tally.add("p1", "More case studies")
    tally.moderate(tid("p1"), status)
    tally.add("p1", "More case studies")
    assert tally.status_of("p1") is status


def test_an_explicit_status_is_kept() -> None:
    """A status given with the answer (as when reloading stored answers) is used as is."""
    tally = Tally(REMARKS)
    tally.add("p1", "Stored and approved", Moderation.APPROVED)
    assert tally.status_of("p1") is Moderation.APPROVED


def test_texts_lists_answers_in_arrival_order_and_filters_approved() -> None:
    """texts() lists answers in first-arrival order; approved_only=True keeps only approved ones."""
    tally = Tally(REMARKS)
    tally.add("p1", "First")
    tally.add("p2", "Second")
    tally.add("p3", "Third")
    tally.moderate(tid("p1"), Moderation.APPROVED)
    tally.moderate(tid("p3"), Moderation.APPROVED)
    tally.moderate(tid("p2"), Moderation.HIDDEN)
    tally.add("p1", "First")
    assert [t.text for t in tally.texts()] == ["First", "Second", "Third"]
    assert [(t.id, t.text) for t in tally.texts(approved_only=True)] == [
        (tid("p1"), "First"),
        (tid("p3"), "Third"),
    ]
    assert tally.texts(approved_only=True)[0].to_dict() == {
        "id": tid("p1"),
        "text": "First",
        "status": "approved",
    }


def test_status_of_other_types_is_none() -> None:
    """Only open-text answers have a moderation status."""
    tally = Tally(PACE)
    tally.add("p1", "slow")
    assert tally.status_of("p1") is None
    assert tally.texts() == []
