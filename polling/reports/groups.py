"""Segment groups in the exports: the group columns of each answer and the breakdown table.

Every figure and every group label comes from polling.core.segments.publish, so an export
shows no more of a small group than the presenter does. Pure."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from polling.core.segments import Partition, Withheld
from polling.core.session import Session

BREAKDOWN_COLUMNS = [
    "session",
    "question_id",
    "question",
    "type",
    "segment",
    "group",
    "responses",
    "item",
    "count",
    "share",
    "mean",
]
# What the `group` column says of everyone not in a group shown: smaller groups merged, and
# those who did not answer the segment question.
OTHER = "other"


def group_columns(session: Session) -> list[str]:
    """One column per segment question of the bank, `group_SEGMENT`, after an answer's own."""
    return [f"group_{segment.id}" for segment in session.bank.segments()]


class GroupLabels:
    """The published group of each participant, question by question (computed once each)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._published: dict[str, dict[str, Partition | Withheld]] = {}

    def ids(self, question_id: str, participant: str) -> dict[str, str | None]:
        """Segment id to the id of the group shown that the participant is in for this question;
        None where their group is not shown (smaller than k, merged, or withheld)."""
        if self.session.bank.question(question_id) is None:
            return {segment.id: None for segment in self.session.bank.segments()}
        if question_id not in self._published:
            self._published[question_id] = self.session.publication(question_id)
        published = self._published[question_id]
        found: dict[str, str | None] = {}
        for segment in self.session.bank.segments():
            split = published.get(segment.id)
            found[segment.id] = split.group_of(participant) if isinstance(split, Partition) else None
        return found

    def cells(self, question_id: str, participant: str, lang: str) -> list[str]:
        """The group columns of one answer: each group's label in `lang`, blank where not shown."""
        labels = []
        groups = self.ids(question_id, participant)
        for segment in self.session.bank.segments():
            group = groups[segment.id]
            names = {o.id: o.label[lang] for o in segment.options}
            labels.append(names[group] if group is not None else "")
        return labels


def breakdowns(session: Session) -> dict[str, dict[str, dict[str, Any]]]:
    """Every BREAKDOWN of the session: question id to segment id to breakdown."""
    if not session.bank.segments():
        return {}
    return {q.id: session.breakdowns(q.id) for q in session.bank.questions}


def breakdown_rows(session: Session, lang: str | None = None, other: str = OTHER) -> list[list[Any]]:
    """One row per question, segment, group shown (or `other`) and item: the breakdown table.
    A withheld breakdown has no rows."""
    lang = lang or session.bank.default_language
    rows: list[list[Any]] = []
    for question_id, by_segment in breakdowns(session).items():
        question = session.tallies[question_id].question
        for segment_id, shown in by_segment.items():
            segment = session.tallies[segment_id].question
            names = {o.id: o.label[lang] for o in segment.options}
            parts = [(names[g["id"]], g) for g in shown["groups"]]
            if shown["other"] is not None:
                parts.append((other, shown["other"]))
            base = [session.id, question.id, question.prompt[lang], str(question.type), segment_id]
            for group, part in parts:
                rows.extend([*base, group, part["responses"], *item] for item in _items(question, part, lang))
    return rows


def labelled_breakdowns(
    session: Session, lang: str, label: Callable[[str], str]
) -> tuple[list[str], list[list[Any]]]:
    """The breakdown table of a report: headers, types and "other" in the report's language
    (`label`), bank texts in `lang`."""
    rows = breakdown_rows(session, lang, label("other_group"))
    for row in rows:
        row[3] = label(f"type_{row[3]}")
    return [label(column) for column in BREAKDOWN_COLUMNS], rows


def _items(question: Any, part: dict[str, Any], lang: str) -> list[list[Any]]:
    """(item, count, share, mean) of one group's results, as the summary table has them."""
    results = part["results"]
    mean = results.get("mean")
    if "bins" in results:
        return [[f"{b['from']}–{b['to']}", b["count"], "", _blank(mean)] for b in results["bins"]]
    labels = {o.id: o.label[lang] for o in question.options}
    return [
        [labels.get(item, item), count, part["shares"][item], _blank(mean)]
        for item, count in results["counts"].items()
    ]


def _blank(value: Any) -> Any:
    return "" if value is None else value
