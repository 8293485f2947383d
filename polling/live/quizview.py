"""What the quiz adds to each role's messages: the answer key after the reveal, each phone's
own feedback and score, the leaderboard and the team averages. Pure builders, no I/O.
"""

from __future__ import annotations

from typing import Any

from polling.core.scores import Scores, mark, ranks, team_averages, top
from polling.core.session import Session

FACILITATOR = "facilitator"  # as in live/views.py, which builds on this module


def answer_key(session: Session) -> dict[str, Any] | None:
    """The current question's right answer and explanation, once it is scored (closed and revealed)."""
    current = session.current
    question = session.bank.question(current) if current is not None and session.feedback_due() else None
    if question is None:
        return None
    return {"correct": question.correct, "explanation": question.explanation}


def feedback(session: Session, participant: str | None) -> dict[str, Any] | None:
    """A phone's own result on the current question once it is scored: whether it was right,
    its answer, the right one, the explanation and its points (`participant` None: no answer)."""
    key = answer_key(session)
    if key is None or session.current is None:
        return None
    result = mark(session, session.current, participant) if participant else None
    return {
        "answered": result is not None,
        "correct": bool(result and result.judgement and result.judgement.correct),
        "credit": result.judgement.credit if result and result.judgement else 0.0,
        "points": result.points if result else 0,
        "answer": session.answer_of(participant, session.current) if participant else None,
        "right": key["correct"],
        "explanation": key["explanation"],
    }


def feedback_group(session: Session, participant: str) -> tuple[Any, ...]:
    """What a phone's `question` message depends on beyond the shared part: phones alike get
    one message, encoded once."""
    current = session.current
    if current is None:
        return ()
    answer = session.answer_of(participant, current)
    result = mark(session, current, participant) if session.feedback_due() else None
    return (repr(answer), session.rev_of(participant, current), result)


def standing(session: Session, scores: Scores) -> dict[str, Any]:
    """The presenter's `leaderboard` (top 10 nicknames) and `team_scores`, shown after a
    question's reveal and at the end while the leaderboard is on; else both null."""
    shown = session.leaderboard and (session.feedback_due() or str(session.status) == "ended")
    if not shown:
        return {"leaderboard": None, "team_scores": None}
    totals = scores.totals(session)
    return {
        "leaderboard": [place.to_dict() for place in top(totals, session.players.shown())],
        "team_scores": [t.to_dict() for t in team_averages(totals, session.players.teams, session.teams)]
        if session.teams
        else None,
    }


def quiz_state(session: Session, role: str, scores: Scores) -> dict[str, Any]:
    """The quiz fields of PRESENTER_STATE."""
    fields = {
        "answer_key": answer_key(session),
        "leaderboard_on": session.leaderboard,
        "teams": list(session.teams),
        **standing(session, scores),
    }
    if role == FACILITATOR:
        fields["nicknames"] = session.players.listing()
    return fields


def phone_quiz(session: Session) -> dict[str, Any]:
    """The quiz fields every phone's `question` shares: whether it may pick a nickname, and the teams."""
    return {"leaderboard_on": session.leaderboard, "teams": list(session.teams)}


def score_messages(session: Session, scores: Scores, participants: list[str]) -> dict[str, dict[str, Any]]:
    """The `score` message of each phone: its total over the scored questions, and its rank
    among the phones that scored while the leaderboard is on."""
    totals = scores.totals(session)
    ranked = ranks(totals) if session.leaderboard else {}
    players = len(totals) if session.leaderboard else None
    return {
        p: {
            "type": "score",
            "score": totals.get(p, 0),
            "rank": ranked.get(p),
            "of": players,
            "nickname": session.players.nicknames.get(p),
            "team": session.players.teams.get(p),
        }
        for p in participants
    }


def players_message(session: Session) -> dict[str, Any]:
    """The `players` message: the nicknames chosen so far, for the facilitator alone."""
    return {"type": "players", "nicknames": session.players.listing(), "teams": list(session.teams)}
