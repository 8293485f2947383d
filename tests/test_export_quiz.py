"""Exports of quiz and ranking questions: right or wrong and points per answer, share correct, mean score."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from typing import Any

from polling.core.model import Option, Question, QuestionType, QuizSettings
from polling.core.scores import mark
from polling.core.session import Session
from polling.reports.exports import answers_csv, marking, quiz_summary, render, summary_csv
from polling.store.base import AnswerRow
from tests.factories import PACE, STAFF, make_session, text

MINUTE = "2024-05-01T09:30Z"
PACE_QUIZ = dataclasses.replace(PACE, correct="right", points=2)
STAFF_QUIZ = dataclasses.replace(STAFF, correct=100, tolerance=10, points=1)
ORDER = Question(
    id="order",
    type=QuestionType.RANKING,
    prompt=text("Order the steps", "Ordonnez les étapes"),
    options=tuple(Option(o, text(o.title(), f"{o.title()} (fr)")) for o in ("refuse", "record", "report")),
    correct=["refuse", "record", "report"],
    points=6,
)


def quiz_session() -> Session:
    return make_session(PACE_QUIZ, STAFF_QUIZ, ORDER, dataclasses.replace(PACE, id="opinion"))


def rows() -> list[AnswerRow]:
    answers = [
        ("pace", "p1", "right"),
        ("pace", "p2", "slow"),
        ("staff", "p1", 95),
        ("order", "p1", ["refuse", "record", "report"]),
        ("order", "p2", ["record", "refuse", "report"]),  # 2 of 3 pairs in order
        ("opinion", "p1", "fast"),
    ]
    return [AnswerRow("s-1", q, p, v, "en", MINUTE, 1) for q, p, v in answers]


def recorded() -> Session:
    session = quiz_session()
    for row in rows():
        session.record(row.participant, row.question_id, row.value, row.rev)
    return session


def read(table: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(table, newline="")))


def test_marking_judges_and_scores_without_speed_bonus() -> None:
    """marking gives 1/0 and the points earned (a ranking its partial credit); None for an opinion."""
    assert marking(PACE_QUIZ, "right") == (1, 2)
    assert marking(PACE_QUIZ, "slow") == (0, 0)
    assert marking(ORDER, ["record", "refuse", "report"]) == (0, 4)  # 6 x 2/3
    assert marking(PACE, "slow") is None


def test_quiz_summary_is_share_right_and_mean_points() -> None:
    """quiz_summary is the share of right answers and the mean of points; None without answers."""
    assert quiz_summary(marking(PACE_QUIZ, v) for v in ["right", "slow", "right", "fast"]) == (0.5, 1.0)
    assert quiz_summary([]) is None
    assert quiz_summary([marking(PACE, "slow")]) is None


def test_exports_give_the_speed_bonus_the_leaderboard_gives() -> None:
    """With a speed bonus, an answer's points in answers.csv, export.json and summary.csv are
    those of the live scores: a right answer at half the time limit earns 3/4 of its points."""
    session = quiz_session()
    fast = dataclasses.replace(PACE_QUIZ, points=8, time_limit=20)
    session.bank = dataclasses.replace(session.bank, questions=(fast,), quiz=QuizSettings(speed_bonus=True))
    answers = [
        AnswerRow("s-1", "pace", "p1", "right", "en", MINUTE, 1, elapsed=10_000),
        AnswerRow("s-1", "pace", "p2", "right", "en", MINUTE, 1, elapsed=0),
    ]
    for row in answers:
        session.record(row.participant, row.question_id, row.value, row.rev, elapsed=row.elapsed)
    live = {p: mark(session, "pace", p) for p in ("p1", "p2")}
    assert [m.points for m in live.values() if m is not None] == [6, 8]  # 8 x (0.5 + 0.5 x 1/2), 8
    assert [r["points"] for r in read(answers_csv(session, answers))] == ["6", "8"]
    document = render("json", session, {"id": "s-1"}, answers)
    assert [a["points"] for a in json.loads(document.body)["answers"]] == [6, 8]
    assert {r["mean_score"] for r in read(summary_csv(session))} == {"7.0"}


def test_answers_csv_carries_correct_and_points_for_quiz_questions() -> None:
    """Each answer row says 1 or 0 and its points where the question has a right answer, blanks elsewhere."""
    table = read(answers_csv(quiz_session(), rows()))
    marks = [(r["question_id"], r["correct"], r["points"]) for r in table]
    assert marks == [
        ("pace", "1", "2"),
        ("pace", "0", "0"),
        ("staff", "1", "1"),
        ("order", "1", "6"),
        ("order", "0", "4"),
        ("opinion", "", ""),
    ]
    assert table[3]["answer"] == "1. Refuse; 2. Record; 3. Report"
    assert table[3]["answer_fr"] == "1. Refuse (fr); 2. Record (fr); 3. Report (fr)"


def test_summary_csv_carries_share_correct_and_mean_score() -> None:
    """Rows of a quiz question carry share correct and mean score; a ranking gives Borda and mean rank."""
    table = read(summary_csv(recorded()))
    pace = [r for r in table if r["question_id"] == "pace"]
    assert {(r["share_correct"], r["mean_score"]) for r in pace} == {("0.5", "1.0")}
    order = [(r["item"], r["count"], r["share"], r["mean"], r["share_correct"], r["mean_score"])
             for r in table if r["question_id"] == "order"]  # fmt: skip
    assert order == [
        ("Refuse", "3", "", "1.5", "0.5", "5.0"),
        ("Record", "3", "", "1.5", "0.5", "5.0"),
        ("Report", "0", "", "3.0", "0.5", "5.0"),
    ]
    opinion = [r for r in table if r["question_id"] == "opinion"]
    assert {(r["share_correct"], r["mean_score"]) for r in opinion} == {("", "")}


def test_export_json_answers_carry_correct_and_points() -> None:
    """export.json gives `correct` and `points` on answers to quiz questions only."""
    document = render("json", recorded(), {"id": "s-1"}, rows())
    answers: list[dict[str, Any]] = json.loads(document.body)["answers"]
    assert [(a["question"], a.get("correct"), a.get("points")) for a in answers] == [
        ("pace", True, 2),
        ("pace", False, 0),
        ("staff", True, 1),
        ("order", True, 6),
        ("order", False, 4),
        ("opinion", None, None),
    ]
    assert "correct" not in answers[-1] and "points" not in answers[-1]
