"""Sessions with answers for the report tests, and a bank whose every text looks like a formula."""

from __future__ import annotations

import dataclasses
from typing import Any

from polling.core.model import Bank, Option, Question, QuestionType
from polling.core.session import Session
from polling.core.tally import Moderation
from polling.store.base import AnswerRow
from tests.factories import make_bank, text

MINUTE = "2024-05-01T09:30Z"


def answered(session: Session, answers: list[tuple[str, str, Any]], approve: bool = True) -> list[AnswerRow]:
    """Record (question, participant, value) answers in `session`; open texts are approved when
    `approve`, else hidden. Returns the rows as the store would keep them."""
    rows = []
    for question_id, participant, value in answers:
        session.record(participant, question_id, value, 1)
        rows.append(AnswerRow(session.id, question_id, participant, value, "en", MINUTE, 1, None))
    for question_id, participant, _ in answers:
        tally = session.tallies[question_id]
        if tally.status_of(participant) is not None:
            answer_id = next(t.id for t in tally.texts() if tally.author(t.id) == participant)
            tally.moderate(answer_id, Moderation.APPROVED if approve else Moderation.HIDDEN)
    return [
        dataclasses.replace(
            r,
            status=str(status)
            if (status := session.tallies[r.question_id].status_of(r.participant))
            else None,
        )
        for r in rows
    ]


def feedback_session(
    session_id: str = "s-1", code: str = "ABCD", created: str = "2024-05-01T09:00Z"
) -> Session:
    """A session of the two-language test bank, one question of each type."""
    return Session(id=session_id, code=code, bank=make_bank(), screen_key="k", created=created)


FEEDBACK_ANSWERS: list[tuple[str, str, Any]] = [
    ("pace", "p1", "slow"),
    ("pace", "p2", "fast"),
    ("pace", "p3", "fast"),
    ("topics", "p1", ["legal", "tools"]),
    ("useful", "p1", 4),
    ("useful", "p2", 5),
    ("staff", "p1", -5),
    ("staff", "p2", 12.5),
    ("obstacle", "p1", "Trust"),
    ("obstacle", "p2", "trust"),
    ("obstacle", "p3", "time"),
    ("remarks", "p1", "More cases"),
]

HOSTILE = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def hostile_session() -> Session:
    """A session whose bank texts (title, prompts, labels, in both languages) and answers all begin
    like a formula."""
    formula = {"en": '=HYPERLINK("http://x")', "fr": "+SUM(1)"}
    bank = Bank(
        id="hostile",
        title=dict(formula),
        languages=("en", "fr"),
        questions=(
            Question("pick", QuestionType.SINGLE, text("@pick", "-pick"),
                     options=(Option("a", text("=a", "@a")), Option("b", text("-b", "+b")))),
            Question("tags", QuestionType.MULTIPLE, text("=tags"),
                     options=(Option("x", text("@x", "=x")), Option("y", text("\ty")))),
            Question("word", QuestionType.WORDCLOUD, text("+word")),
            Question("note", QuestionType.TEXT, text("-note")),
            Question("count", QuestionType.NUMBER, text("=count"), min=-100, max=100),
        ),
    )  # fmt: skip
    return Session(id="s-9", code="EVIL", bank=bank, screen_key="k", created="2024-05-01T09:00Z")


HOSTILE_ANSWERS: list[tuple[str, str, Any]] = [
    ("pick", "p1", "a"),
    ("tags", "p1", ["x", "y"]),
    ("word", "p1", "=cmd()"),
    ("word", "p2", "@evil"),
    ("note", "p1", "-1+2"),
    ("note", "p2", "+call()"),
    ("count", "p1", -7),
]
