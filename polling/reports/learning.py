"""A course's learning gain as the console shows it and the exports write it (JSON and CSV).

Each session of the course gives, per phone with a course key, a sheet of judged answers
(core/quiz.py); the pre sessions' sheets are paired with the post sessions' by course key and
core/gain.py does the arithmetic. A question counts when both tests ask it (the same id) and
it is worth the same points in both; the pre bank's wording names it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from polling.core.confidence import companion_id
from polling.core.gain import Gain, Line, Scored, learning_gain
from polling.core.model import Question
from polling.core.quiz import judge, max_score, score
from polling.core.session import Session
from polling.reports.exports import BYTE_ORDER_MARK, Document, _csv

PRE, POST = "pre", "post"


@dataclass(frozen=True)
class CourseGain:
    """The gain of a course and the questions it is over, in the pre bank's order."""

    course: dict[str, Any]  # COURSE_INFO
    gain: Gain
    questions: list[Question]

    def to_dict(self) -> dict[str, Any]:
        """GAIN of docs/protocol.md."""
        texts = {q.id: {"prompt": q.prompt, "type": str(q.type)} for q in self.questions}
        summary = self.gain.to_dict()
        summary["questions"] = [
            {**line.to_dict(), **texts[line.question or ""]} for line in self.gain.questions
        ]
        return {"course": self.course, **summary}


def sheets(session: Session) -> dict[str, dict[str, Scored]]:
    """The judged answers of each phone of a session that gave its course token, by course key."""
    result: dict[str, dict[str, Scored]] = {}
    for participant, course_key in session.course_keys.items():
        sheet: dict[str, Scored] = {}
        for question in session.bank.questions:
            value = session.answer_of(participant, question.id)
            judgement = judge(question, value) if value is not None else None
            if judgement is not None:
                item = session.bank.question(companion_id(question.id))
                asked = item is not None and item.confidence_for == question.id
                sure = session.answer_of(participant, companion_id(question.id)) if asked else None
                confidence = sure if isinstance(sure, int) and not isinstance(sure, bool) else None
                sheet[question.id] = Scored(score(question, judgement), judgement.correct, confidence)
        result[course_key] = sheet
    return result


def course_gain(course: dict[str, Any], sessions: Iterable[Session]) -> CourseGain:
    """The learning gain of a course from its sessions (several of one role merge, the later
    session's sheet winning for a phone in both)."""
    by_role: dict[str, dict[str, dict[str, Scored]]] = {PRE: {}, POST: {}}
    banks: dict[str, list[Question]] = {PRE: [], POST: []}
    for session in sessions:
        role = session.course_role
        if role in by_role:
            by_role[role].update(sheets(session))
            banks[role].extend(session.bank.questions)
    post_points = {q.id: max_score(q) for q in banks[POST]}
    common: list[Question] = []
    for question in banks[PRE]:
        most = max_score(question)
        if most and post_points.get(question.id) == most and question.id not in {q.id for q in common}:
            common.append(question)
    gain = learning_gain([(q.id, max_score(q)) for q in common], by_role[PRE], by_role[POST])
    return CourseGain(course, gain, common)


GAIN_COLUMNS = [
    "course", "question_id", "question", "max_score", "paired", "unpaired_pre", "unpaired_post",
    "pre_share_correct", "post_share_correct", "pre_mean_score", "post_mean_score", "gain",
    "pre_confidence", "post_confidence",
]  # fmt: skip


def _row(course: str, line: Line | None, prompt: str, gain: Gain) -> list[Any]:
    counts = [gain.paired, gain.unpaired_pre, gain.unpaired_post]
    if line is None:
        return [course, "", prompt, "", *counts, *[""] * 7]
    return [
        course, line.question or "", prompt, line.max_score, *counts,
        round(line.pre.share_correct, 4), round(line.post.share_correct, 4),
        round(line.pre.mean_score, 4), round(line.post.mean_score, 4),
        "" if line.gain is None else round(line.gain, 4),
        "" if line.pre.mean_confidence is None else round(line.pre.mean_confidence, 2),
        "" if line.post.mean_confidence is None else round(line.post.mean_confidence, 2),
    ]  # fmt: skip


def gain_csv(result: CourseGain, lang: str | None = None) -> str:
    """One row for the whole test ("overall"), then one per question; below the least number
    of paired phones, the one row with the counts alone."""
    course = result.course["name"]
    gain = result.gain
    rows = [_row(course, gain.overall, "overall", gain)]
    for question, line in zip(result.questions, gain.questions, strict=False):
        prompt = question.prompt.get(lang or "", next(iter(question.prompt.values())))
        rows.append(_row(course, line, prompt, gain))
    return _csv(GAIN_COLUMNS, rows)


def render_gain(kind: str, result: CourseGain) -> Document:
    """The gain export of a course as a downloadable document: `csv` or `json`."""
    stem = f"course-{result.course['id']}-{result.course['created'][:10]}-gain"
    if kind == "csv":
        return Document(f"{stem}.csv", "text/csv", BYTE_ORDER_MARK + gain_csv(result))
    return Document(
        f"{stem}.json", "application/json", json.dumps(result.to_dict(), ensure_ascii=False, indent=1)
    )
