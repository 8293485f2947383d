"""Breakdowns by group: k-suppression, the subtraction check and its property over random rooms."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from polling.core.answers import Value
from polling.core.model import Option, Question, QuestionType
from polling.core.segments import (
    OVERLAP,
    TOO_FEW,
    Partition,
    Withheld,
    breakdown,
    check_min_group,
    publish,
)
from polling.core.session import NotOpenError, Session
from tests.factories import PACE, STAFF, TOPICS, text
from tests.test_banks import only_problem, parse, question


def _segment(qid: str, *groups: str) -> Question:
    options = tuple(Option(g, text(g.title())) for g in groups)
    return Question(id=qid, type=QuestionType.SINGLE, prompt=text(qid), options=options, segment=True)


AGENCY = _segment("agency", "customs", "police", "guard")
GENDER = _segment("gender", "f", "m")


def _room(sizes: Mapping[str, int], unsegmented: int = 0) -> tuple[dict[str, Value], dict[str, Value]]:
    """Answers to PACE (all "right") and to AGENCY: `sizes` people in each group."""
    pace: dict[str, Value] = {}
    agency: dict[str, Value] = {}
    for group, size in sizes.items():
        for n in range(size):
            pace[f"{group}{n}"] = "right"
            agency[f"{group}{n}"] = group
    for n in range(unsegmented):
        pace[f"none{n}"] = "slow"
    return pace, agency


def test_small_group_is_merged_into_other() -> None:
    """A group below k is not shown: its answers are counted in "other" with no group id."""
    pace, agency = _room({"customs": 6, "police": 5, "guard": 2}, unsegmented=3)
    split = publish(PACE, pace, [(AGENCY, agency)], 5)["agency"]
    assert isinstance(split, Partition)
    assert set(split.shown) == {"customs", "police"}
    assert len(split.other) == 5  # the 2 guards and the 3 who did not say
    shown = breakdown(PACE, pace, split, 5)
    assert [g["id"] for g in shown["groups"]] == ["customs", "police"]
    assert shown["other"]["responses"] == 5
    assert "guard" not in str(shown)


def test_subtraction_from_the_total_never_reveals_a_small_group() -> None:
    """With the total visible, total minus the groups shown must not be one small group: the
    smallest group shown joins "other" until "other" has k."""
    pace, agency = _room({"customs": 6, "police": 5, "guard": 2})
    split = publish(PACE, pace, [(AGENCY, agency)], 5)["agency"]
    assert isinstance(split, Partition)
    # Shown alone, customs and police would give away the 2 guards as total - 6 - 5.
    assert set(split.shown) == {"customs"}
    assert len(split.other) == 7
    total = len(pace)
    assert total - sum(len(m) for m in split.shown.values()) == len(split.other) >= 5


def test_nothing_is_shown_when_no_group_can_be() -> None:
    """A room where "other" could only reach k by swallowing every group withholds the breakdown."""
    pace, agency = _room({"customs": 6}, unsegmented=2)
    split = publish(PACE, pace, [(AGENCY, agency)], 5)["agency"]
    assert split == Withheld("agency", TOO_FEW)
    assert breakdown(PACE, pace, split, 5)["groups"] == []


def test_group_size_counts_only_those_who_answered_the_question() -> None:
    """A group of 6 of whom only 4 answered this question is below k for it."""
    pace, agency = _room({"customs": 6, "police": 6})
    del pace["customs0"], pace["customs1"]
    split = publish(PACE, pace, [(AGENCY, agency)], 5)["agency"]
    assert split == Withheld("agency", TOO_FEW)


def test_second_segment_is_withheld_when_a_cell_would_be_small() -> None:
    """Agency and gender both have big groups, but customs women are 2: publishing both
    breakdowns would let customs minus customs men reveal them, so the second is withheld."""
    pace, agency = _room({"customs": 10, "police": 10})
    gender: dict[str, Value] = {key: "m" for key in pace}
    for key in ("customs0", "customs1", *(f"police{n}" for n in range(8))):
        gender[key] = "f"
    published = publish(PACE, pace, [(AGENCY, agency), (GENDER, gender)], 5)
    assert isinstance(published["agency"], Partition)
    assert published["gender"] == Withheld("gender", OVERLAP)


def test_breakdown_gives_counts_and_shares_within_each_group() -> None:
    """Counts and shares are those of each group alone, for single, multiple, scale and number."""
    keys = [f"p{n}" for n in range(10)]
    agency: dict[str, Value] = {key: "customs" if n < 5 else "police" for n, key in enumerate(keys)}
    topics: dict[str, Value] = {key: ["legal", "cases"] if n < 5 else ["tools"] for n, key in enumerate(keys)}
    shown = breakdown(TOPICS, topics, publish(TOPICS, topics, [(AGENCY, agency)], 5)["agency"], 5)
    customs, police = shown["groups"]
    assert customs["results"]["counts"] == {"legal": 5, "cases": 5, "tools": 0}
    assert customs["shares"] == {"legal": 1.0, "cases": 1.0, "tools": 0.0}
    assert police["shares"]["tools"] == 1.0 and shown["other"] is None
    staff: dict[str, Value] = {key: n for n, key in enumerate(keys)}
    numbers = breakdown(STAFF, staff, publish(STAFF, staff, [(AGENCY, agency)], 5)["agency"], 5)
    assert [g["results"]["mean"] for g in numbers["groups"]] == [2, 7]


def test_min_group_must_be_a_sensible_whole_number() -> None:
    """k below 2 (which would promise nothing), above 1000, or not an integer is refused."""
    assert check_min_group(5) == 5
    for wrong in (1, 1001, 5.0, True, "5"):
        try:
            check_min_group(wrong)
        except ValueError as error:
            assert "min_group" in str(error)
        else:
            raise AssertionError(wrong)


# -- banks -------------------------------------------------------------------------------


SEGMENT_BANK = question("""
    type: single
    prompt: Your agency
    segment: true
    ask: join
    options:
      - {id: customs, label: Customs}
      - {id: police, label: Police}
""")


def test_bank_marks_a_single_question_as_a_segment_asked_at_join() -> None:
    """`segment: true` and `ask: join` load onto the question and survive its snapshot."""
    bank, problems = parse(SEGMENT_BANK)
    assert problems == [] and bank is not None
    agency = bank.questions[1]
    assert (agency.segment, agency.ask) == (True, "join")
    assert bank.segments() == [agency] and bank.join_questions() == [agency]
    assert Question.from_dict(agency.to_dict()) == agency
    assert "segment" not in bank.questions[0].to_dict()


def test_segment_on_another_type_is_refused_at_its_line() -> None:
    """A multiple choice marked as a segment names FILE:LINE and says only single questions are."""
    problem = only_problem(
        question("""
        type: multiple
        prompt: Agencies
        segment: true
        options:
          - {id: a, label: A}
          - {id: b, label: B}
    """)
    )
    assert str(problem).startswith("bank.yaml:14:")  # the line of `segment`
    assert "segment does not apply to multiple questions (only single)" in problem.message


def test_ask_join_needs_a_segment_and_the_word_join() -> None:
    """`ask: join` without `segment: true`, or `ask` of another value, is refused at its line."""
    options = "options:\n  - {id: a, label: A}\n  - {id: b, label: B}\n"
    without = only_problem(question("type: single\nprompt: Agency\nask: join\n" + options))
    assert str(without).startswith("bank.yaml:13:") and "needs segment: true" in without.message
    other = only_problem(question("type: single\nprompt: Agency\nsegment: true\nask: later\n" + options))
    assert str(other).startswith("bank.yaml:14:") and "ask must be 'join'" in other.message
    quiz = only_problem(question("type: single\nprompt: Agency\nsegment: true\ncorrect: a\n" + options))
    assert "segment: true does not go with correct" in quiz.message


def test_join_question_is_answered_before_any_question_is_open() -> None:
    """A phone answers an ask-at-join segment question while nothing is open; an ordinary
    question is still refused until the facilitator opens it."""
    bank, _ = parse(SEGMENT_BANK)
    assert bank is not None
    session = Session(id="s", code="c", bank=bank, screen_key="k", created="t")
    assert session.check("q2", "police")[1] == "police"
    try:
        session.check(bank.questions[0].id, "slow")
    except NotOpenError:
        pass
    else:
        raise AssertionError("an ordinary question was answered while not open")


# -- the property: no published figure gives the count of a set smaller than k -----------


def _in_span(vectors: Sequence[Sequence[int]], target: Sequence[int]) -> bool:
    """Whether `target` is a rational combination of `vectors` (Gaussian elimination)."""
    rows = [[Fraction(x) for x in v] for v in vectors]
    size = len(target)
    pivots: list[tuple[int, list[Fraction]]] = []
    for row in rows:
        for col, pivot in pivots:
            if row[col]:
                factor = row[col] / pivot[col]
                row = [a - factor * b for a, b in zip(row, pivot, strict=True)]
        lead = next((i for i in range(size) if row[i]), None)
        if lead is not None:
            pivots.append((lead, row))
    rest = [Fraction(x) for x in target]
    for col, pivot in pivots:
        if rest[col]:
            factor = rest[col] / pivot[col]
            rest = [a - factor * b for a, b in zip(rest, pivot, strict=True)]
    return not any(rest)


def _published_sets(
    pace: Mapping[str, Value], published: Mapping[str, Partition | Withheld]
) -> list[set[str]]:
    """Every set of respondents whose answer counts are published: everyone (the overall
    results), and each group shown and each non-empty "other"."""
    sets = [set(pace)]
    for split in published.values():
        if isinstance(split, Partition):
            sets.extend(set(members) for members in split.shown.values())
            if split.other:
                sets.append(set(split.other))
    return sets


SEGMENTS = [_segment("s0", "a", "b", "c"), _segment("s1", "x", "y"), _segment("s2", "p", "q", "r", "s")]


@st.composite
def rooms(draw: st.DrawFn) -> tuple[dict[str, Value], list[tuple[Question, dict[str, Value]]], int]:
    """A room of up to 30 phones; each answers the question or not, and each segment or not."""
    size = draw(st.integers(1, 30))
    keys = [f"p{n}" for n in range(size)]
    answered = draw(st.lists(st.booleans(), min_size=size, max_size=size))
    pace: dict[str, Value] = {
        key: draw(st.sampled_from(PACE.option_ids())) for key, yes in zip(keys, answered, strict=True) if yes
    }
    segments = []
    for segment in SEGMENTS[: draw(st.integers(1, len(SEGMENTS)))]:
        choices = st.one_of(st.none(), st.sampled_from(segment.option_ids()))
        groups = {key: group for key in keys if (group := draw(choices)) is not None}
        segments.append((segment, groups))
    return pace, segments, draw(st.integers(2, 6))


@settings(max_examples=300, deadline=None)
@given(rooms())
def test_no_published_figure_reveals_a_group_smaller_than_k(
    room: tuple[dict[str, Value], list[tuple[Question, dict[str, Value]]], int],
) -> None:
    """Over random rooms: no combination of published figures (overall, groups, "other", by
    every segment) is the count of a non-empty set of fewer than k respondents (other than all
    of them: the question's overall results, shown without groups as ever), and each
    group shown is exactly its members' answers."""
    pace, segments, k = room
    published = publish(PACE, pace, segments, k)
    sets = _published_sets(pace, published)
    # Cells of the common refinement: any computable set is a union of them.
    signature = {key: tuple(key in s for s in sets) for key in pace}
    atoms: dict[tuple[bool, ...], list[str]] = {}
    for key, sig in signature.items():
        atoms.setdefault(sig, []).append(key)
    cells = list(atoms.values())
    vectors = [[int(cell[0] in s) for cell in cells] for s in sets]
    small = [i for i, cell in enumerate(cells) if len(cell) < k]
    for count in range(1, len(small) + 1):
        for chosen in itertools.combinations(small, count):
            if sum(len(cells[i]) for i in chosen) >= k or len(chosen) == len(cells):
                continue  # big enough, or everyone: the question's own results, no group
            target = [int(i in chosen) for i in range(len(cells))]
            assert not _in_span(vectors, target), (k, [cells[i] for i in chosen])
    for segment, groups in segments:
        split = published[segment.id]
        if isinstance(split, Partition):
            shown = breakdown(PACE, pace, split, k)
            for group in shown["groups"]:
                members = [key for key in pace if groups.get(key) == group["id"]]
                assert group["responses"] == len(members) >= k
            assert sum(g["responses"] for g in shown["groups"]) + len(split.other) == len(pace)


def test_the_screen_gets_no_breakdown_while_results_are_hidden() -> None:
    """With hidden results the screen's breakdown is null until the reveal; the facilitator
    always has every segment's breakdown, and the screen never the full set."""
    from polling.live import views

    bank, _ = parse(SEGMENT_BANK)
    assert bank is not None
    session = Session(
        id="s", code="c", bank=bank, screen_key="k", created="t", hide_results=True, min_group=3
    )
    session.show_segment("q2")
    session.show("pace")
    session.open()
    for n in range(6):
        key = f"p{n}"
        session.record(key, "q2", "customs" if n < 3 else "police", 1)
        session.record(key, "pace", "slow", 1)
    screen = views.presenter_state(session, views.SCREEN, "http://x", 0, None)
    boss = views.presenter_state(session, views.FACILITATOR, "http://x", 0, None)
    assert screen["breakdown"] is None and "breakdowns" not in screen
    assert [g["id"] for g in boss["breakdowns"]["q2"]["groups"]] == ["customs", "police"]
    session.reveal()
    shown = views.tally_message(session, views.SCREEN, 0)["breakdown"]
    assert [g["responses"] for g in shown["groups"]] == [3, 3]
