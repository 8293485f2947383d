"""Results broken down by groups (segment questions), safe for small groups. Pure.

The promise (docs/security.md, "Breakdowns by group"): of a question's answers, no figure that
is published, nor any sum or difference of published figures, is the count of a set of fewer
than `k` participants. `publish` decides once what may be shown, and every view (presenter,
console, screen, API, exports, reports) takes its figures from it:

1. Within one segment, a group with fewer than `k` answers is merged into "other"; while
   "other" then holds fewer than `k` (but not none), the smallest group shown joins it too.
   So the groups shown and "other" split the question's respondents into parts of `k` or more
   (or none): the overall total minus any groups shown is "other", or nothing.
2. Across segments, a breakdown is published only if every cell of the cross-table of its
   parts with the parts of the breakdowns already published holds `k` or more (or none).
   Every published figure is then a sum of such cells, and any set whose count can be
   computed from them is a union of cells: empty, or `k` or more.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from polling.core.answers import Value
from polling.core.model import Question, QuestionType
from polling.core.tally import Tally

DEFAULT_MIN_GROUP = 5
# k of 1 would promise nothing; above a thousand no room has a group to show.
MIN_GROUP_RANGE = (2, 1000)
# The types whose results are counts a chart shows; a breakdown of a word cloud or free text
# would list words or sentences of a group, so those are never broken down.
BROKEN_DOWN = frozenset({QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.SCALE, QuestionType.NUMBER})
# Why a breakdown is withheld.
TOO_FEW = "too_few"  # no group has k answers, once "other" has k or none
OVERLAP = "overlap"  # with a breakdown by an earlier segment, a cell would be small


@dataclass(frozen=True)
class Partition:
    """How a question's respondents are split for publication by one segment: the groups shown
    (option id to participant keys, in bank order) and everyone else, "other"."""

    segment: str
    shown: dict[str, frozenset[str]]
    other: frozenset[str]

    def group_of(self, participant: str) -> str | None:
        """The group shown that a participant is in; None for "other"."""
        for group, members in self.shown.items():
            if participant in members:
                return group
        return None

    def labels(self) -> dict[str, str]:
        """Participant key to the group shown they are in (those of "other" absent)."""
        return {key: group for group, members in self.shown.items() for key in members}


@dataclass(frozen=True)
class Withheld:
    """A breakdown that is not published, and why (TOO_FEW or OVERLAP)."""

    segment: str
    reason: str


def partition(
    respondents: Collection[str], segment: Question, groups: Mapping[str, Value], k: int
) -> Partition | Withheld:
    """Rule 1: the groups of `segment` that may be shown for these respondents."""
    members: dict[str, set[str]] = {option: set() for option in segment.option_ids()}
    for key in respondents:
        group = groups.get(key)
        if isinstance(group, str) and group in members:
            members[group].add(key)
    shown = {group: keys for group, keys in members.items() if len(keys) >= k}
    hidden = len(respondents) - sum(len(keys) for keys in shown.values())
    while shown and 0 < hidden < k:
        # The smallest group (the last in bank order on a tie) joins "other", which then has k.
        order = list(shown)
        smallest = min(reversed(order), key=lambda group: len(shown[group]))
        hidden += len(shown.pop(smallest))
    if not shown:
        return Withheld(segment.id, TOO_FEW)
    kept = {group: frozenset(keys) for group, keys in shown.items()}
    inside = set().union(*kept.values())
    return Partition(segment.id, kept, frozenset(key for key in respondents if key not in inside))


def cells_ok(respondents: Collection[str], labelings: Sequence[Mapping[str, str]], k: int) -> bool:
    """Rule 2: whether every cell of the cross-table of these partitions holds k or more."""
    cells = Counter(tuple(labels.get(key) for labels in labelings) for key in respondents)
    return all(count >= k for count in cells.values())


def publish(
    question: Question,
    answers: Mapping[str, Value],
    segments: Sequence[tuple[Question, Mapping[str, Value]]],
    k: int,
) -> dict[str, Partition | Withheld]:
    """What may be published of `question`'s answers (participant key to value) broken down
    by each segment (its question and answers), in the order given: the one function every
    view of a breakdown goes through."""
    respondents = list(answers)
    published: dict[str, Partition | Withheld] = {}
    labelings: list[dict[str, str]] = []
    for segment, groups in segments:
        if segment.id == question.id:
            continue  # a segment broken down by itself says nothing its own results do not
        split = partition(respondents, segment, groups, k)
        if isinstance(split, Partition):
            labels = split.labels()
            if cells_ok(respondents, [*labelings, labels], k):
                labelings.append(labels)
            else:
                split = Withheld(segment.id, OVERLAP)
        published[segment.id] = split
    return published


def breakdown(
    question: Question, answers: Mapping[str, Value], split: Partition | Withheld, k: int
) -> dict[str, Any]:
    """A published breakdown in the shape of docs/protocol.md, BREAKDOWN: the results within
    each group shown and within "other" (null when empty), or why it is withheld."""
    if isinstance(split, Withheld) or question.type not in BROKEN_DOWN:
        reason = split.reason if isinstance(split, Withheld) else "not_counted"
        return {"question": question.id, "segment": split.segment, "k": k, "withheld": reason,
                "groups": [], "other": None}  # fmt: skip
    groups = [{"id": group, **_within(question, answers, members)} for group, members in split.shown.items()]
    other = _within(question, answers, split.other) if split.other else None
    return {
        "question": question.id,
        "segment": split.segment,
        "k": k,
        "withheld": None,
        "groups": groups,
        "other": other,
    }


def _within(question: Question, answers: Mapping[str, Value], members: Collection[str]) -> dict[str, Any]:
    """The results of one part: its respondents, counts as the overall results have them, and
    each count's share of the part (none for a number question, whose bins are not options)."""
    tally = Tally(question)
    for key in members:
        tally.add(key, answers[key])
    results = tally.results()
    responses = tally.responses
    counts = results.get("counts", {})
    shares = {item: round(count / responses, 4) if responses else 0.0 for item, count in counts.items()}
    return {"responses": responses, "results": results, "shares": shares}


def check_min_group(value: Any) -> int:
    """A facilitator's minimum group size; ValueError saying the range otherwise."""
    low, high = MIN_GROUP_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"min_group must be a whole number from {low} to {high}")
    return value
