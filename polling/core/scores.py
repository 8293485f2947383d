"""Quiz scores of a live session, per phone token (never per person): points per answer,
totals, ranks, the top of the leaderboard and team averages. Pure: judging and points come
from core/quiz.py; this module only adds them up.

A question counts once it is *scored*: closed and revealed (`Session.scored`), so that a
total or a rank never gives a right answer away before the room sees it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from polling.core.model import Question
from polling.core.quiz import Judgement, judge, score
from polling.core.session import Session

TOP = 10  # places on the presenter's leaderboard


@dataclass(frozen=True)
class Mark:
    """One phone's result on one question: how its answer was judged and what it earned."""

    judgement: Judgement | None
    points: int


def mark(session: Session, question_id: str, participant: str) -> Mark | None:
    """A phone's result on a quiz question, None when it gave no answer (or it is no quiz question)."""
    question = session.bank.question(question_id)
    value = session.answer_of(participant, question_id)
    if question is None or question.correct is None or value is None:
        return None
    judgement = judge(question, value)
    return Mark(judgement, points(session, question, judgement, session.elapsed_of(participant, question_id)))


def points(session: Session, question: Question, judgement: Judgement | None, elapsed: int | None) -> int:
    """The points of a judged answer in this session, with its speed bonus if the bank gives one;
    `elapsed` is the answer's time in ms since the question opened."""
    return score(
        question,
        judgement,
        seconds_taken=None if elapsed is None else elapsed / 1000,
        time_limit=session.limits.get(question.id, session.time_limit(question.id)),
        speed_bonus=bool(session.bank.quiz and session.bank.quiz.speed_bonus),
    )


@dataclass
class Scores:
    """The points of every phone on every scored question, kept per question so that a
    reveal adds one question's points rather than judging the whole session again."""

    _points: dict[str, tuple[tuple[int, int], dict[str, int]]] = field(default_factory=dict)

    def question(self, session: Session, question_id: str) -> dict[str, int]:
        """Points per phone on one question: recomputed only when it was opened again or got answers."""
        tally = session.tallies[question_id]
        key = (session.opened.get(question_id, 0), tally.responses)
        cached = self._points.get(question_id)
        if cached is not None and cached[0] == key:
            return cached[1]
        points: dict[str, int] = {}
        for participant in tally.answers:
            result = mark(session, question_id, participant)
            if result is not None:
                points[participant] = result.points
        self._points[question_id] = (key, points)
        return points

    def totals(self, session: Session) -> dict[str, int]:
        """Each phone's total over the scored questions; every phone that answered one of them appears."""
        totals: dict[str, int] = {}
        for question_id in session.scored:
            for participant, points in self.question(session, question_id).items():
                totals[participant] = totals.get(participant, 0) + points
        return totals


def ranks(totals: Mapping[str, int]) -> dict[str, int]:
    """Competition ranking: equal totals share a place, and the next place skips (1, 2, 2, 4)."""
    ordered = sorted(totals.values(), reverse=True)
    first: dict[int, int] = {}
    for place, total in enumerate(ordered, start=1):
        first.setdefault(total, place)
    return {participant: first[total] for participant, total in totals.items()}


@dataclass(frozen=True)
class Place:
    """A line of the leaderboard: a rank, the nickname shown and the total."""

    rank: int
    nickname: str
    score: int

    def to_dict(self) -> dict[str, object]:
        return {"rank": self.rank, "nickname": self.nickname, "score": self.score}


def top(totals: Mapping[str, int], nicknames: Mapping[str, str], places: int = TOP) -> list[Place]:
    """The best `places` phones that show a nickname (a phone without one is ranked but not listed)."""
    ranked = ranks(totals)
    named = [(ranked[p], nicknames[p], total) for p, total in totals.items() if p in nicknames]
    named.sort(key=lambda line: (line[0], line[1].casefold()))
    return [Place(rank, nickname, total) for rank, nickname, total in named[:places]]


@dataclass(frozen=True)
class TeamScore:
    """A team's average total over the phones that picked it."""

    team: str
    average: float
    members: int

    def to_dict(self) -> dict[str, object]:
        return {"team": self.team, "average": self.average, "members": self.members}


def team_averages(
    totals: Mapping[str, int], teams: Mapping[str, str], names: Iterable[str]
) -> list[TeamScore]:
    """Each listed team's mean total over its phones (a phone with no scored answer counts 0),
    best first; a team nobody picked is left out."""
    members: dict[str, list[int]] = {}
    for participant, team in teams.items():
        members.setdefault(team, []).append(totals.get(participant, 0))
    scores = [
        TeamScore(name, round(sum(members[name]) / len(members[name]), 2), len(members[name]))
        for name in names
        if members.get(name)
    ]
    return sorted(scores, key=lambda s: (-s.average, s.team.casefold()))
