"""What each role is sent: the protocol's messages built from a session, with no I/O.

The service gathers what only it knows (how many phones are connected, whether the disk
is healthy) and passes it in; everything else comes from the pure session.
"""

from __future__ import annotations

from typing import Any

from polling.core.model import QuestionType
from polling.core.scores import Scores
from polling.core.session import SCREEN_SECRETS, Session
from polling.core.tally import Moderation, Tally, TextAnswer
from polling.live import quizview

PARTICIPANT, FACILITATOR, SCREEN = "participant", "facilitator", "screen"


def info(session: Session, join_base: str, participants: int) -> dict[str, Any]:
    """SESSION_INFO of docs/protocol.md."""
    return {
        "id": session.id,
        "code": session.code,
        "bank": session.bank.id,
        "title": session.bank.title,
        "languages": list(session.bank.languages),
        "status": str(session.status),
        "created": session.created,
        "join_url": f"{join_base}/j/{session.code}",
        "screen_key": session.screen_key,
        # From the same base as the join link, so the console's link agrees with the QR code.
        "screen_url": f"{join_base}/screen/{session.id}/{session.screen_key}",
        "hide_results": session.hide_results,
        "phone_results": session.phone_results,
        "max_participants": session.max_participants,
        "participants": participants,
        "answered": len(session.answered),
        "self_paced": session.self_paced,
        "live_results": session.live_results,
        # Self-paced: phones that submitted (those that started are the ones that `answered`).
        "finished": len(session.finished),
        "course": session.course,
        "course_role": session.course_role,
        # Distinct phones that joined: far more than answered, or than the room holds, is a
        # script saying hello as new phones.
        "joined": len(session.joined),
        # Breakdowns by group show no group of fewer than this many answers.
        "min_group": session.min_group,
    }


def presenter_state(
    session: Session,
    role: str,
    join_base: str,
    participants: int,
    storage: str | None,
    texts_known: Any = None,
    scores: Scores | None = None,
) -> dict[str, Any]:
    """PRESENTER_STATE of docs/protocol.md, for the facilitator or the screen.

    `texts_known`: the `texts_version` a reconnecting client already has; when it is of the
    current question's list as it stands here, only what changed since is sent."""
    current = session.current
    tally = session.tallies[current] if current is not None else None
    about = info(session, join_base, participants)
    if role == SCREEN:
        for secret in SCREEN_SECRETS:
            about.pop(secret)
    return {
        "session": about,
        # The screen is projected for the room: it shows no right answer before the reveal.
        "questions": [q.public_dict() if role == SCREEN else q.to_dict() for q in session.bank.questions],
        "states": {q: str(s) for q, s in session.states.items()},
        "display_languages": list(session.display_languages),
        "current": current,
        "state": str(session.state) if session.state else None,
        "revealed": current in session.revealed,
        "responses": tally.responses if tally else 0,
        "results": results(session, role),
        "all_results": all_results(session, role),
        **texts_view(session, current, role, texts_known),
        **breakdown_view(session, role),
        "storage": storage if role == FACILITATOR else None,
        **timer(session),
        **quizview.quiz_state(session, role, scores or Scores()),
    }


def participant_question(session: Session, participant: str | None) -> dict[str, Any]:
    """The `question` message for one participant (their own answer included)."""
    current = session.current
    question = session.bank.question(current) if current is not None else None
    answer = session.answer_of(participant, current) if participant and current else None
    return {
        "type": "question",
        # Never the right answer or its explanation: a phone could read them from the message.
        "question": question.public_dict() if question else None,
        "state": str(session.state) if session.state else None,
        "answer": answer,
        "rev": session.rev_of(participant, current) if participant and current else 0,
        "results": phone_results(session),
        **timer(session),
        "feedback": quizview.feedback(session, participant),
        **quizview.phone_quiz(session),
    }


def timer(session: Session) -> dict[str, Any]:
    """`deadline` of the current question (ms since the epoch on the server's clock, null when
    it has none or is not open) and the server's `now`: a client counts down from
    `deadline - now`, so its own clock being wrong does not matter."""
    return {"deadline": session.deadline(session.current), "now": session.clock()}


def questionnaire(session: Session, participant: str | None) -> dict[str, Any]:
    """What a phone of a self-paced session is given at once: every question, its own answers
    with their `rev`, and whether it submitted; nothing for a live session."""
    if not session.self_paced:
        return {}
    answers = {}
    for question in session.bank.questions:
        value = session.answer_of(participant, question.id) if participant else None
        if value is not None and participant is not None:
            answers[question.id] = {"value": value, "rev": session.rev_of(participant, question.id)}
    return {
        # Every question, and never its right answer: the phone has them all at once.
        "questions": [q.public_dict() for q in session.bank.questions],
        "answers": answers,
        "finished": participant in session.finished,
    }


def all_results(session: Session, role: str) -> dict[str, Any] | None:
    """Self-paced: every question's results as `role` may see them (a screen: once the session
    ended, or while the facilitator shows them live); None for a live session."""
    if not session.self_paced or (role == SCREEN and not session.results_visible()):
        return None
    return {
        q.id: {"responses": session.tallies[q.id].responses, "results": session.tallies[q.id].results()}
        for q in session.bank.questions
    }


def phone_results(session: Session) -> dict[str, Any] | None:
    """The current question's results for phones, where the facilitator lets phones see them."""
    if session.current is None or not session.results_for_phones():
        return None
    return session.tallies[session.current].results()


def results(session: Session, role: str) -> dict[str, Any] | None:
    """The current question's results as `role` may see them: none for a screen before the reveal."""
    if session.current is None or (role == SCREEN and not session.results_visible()):
        return None
    return session.tallies[session.current].results()


def text_tally(session: Session, question_id: str | None) -> Tally | None:
    """The tally of a text question, None for no question or another type."""
    tally = session.tallies[question_id] if question_id is not None else None
    return tally if tally is not None and tally.question.type is QuestionType.TEXT else None


def texts_version(tally: Tally, version: int | None = None) -> str:
    """A version of a text list as clients hold it: opaque, `EPOCH.N`."""
    return f"{tally.epoch}.{tally.version if version is None else version}"


def known_version(tally: Tally, known: Any) -> int | None:
    """The version a client says it has, if it is one of this very list; else None."""
    if not isinstance(known, str):
        return None
    epoch, _, number = known.partition(".")
    if epoch != tally.epoch or not number.isdigit() or int(number) > tally.version:
        return None
    return int(number)


def texts_view(session: Session, question_id: str | None, role: str, known: Any) -> dict[str, Any]:
    """The `texts`, `texts_since` and `texts_version` of PRESENTER_STATE: the whole list for
    `role` (`texts_since` null), or only what changed after a version the client holds."""
    tally = text_tally(session, question_id)
    if tally is None:
        return {"texts": [], "texts_since": None, "texts_version": None}
    since = known_version(tally, known)
    if since is None:
        listed = [t.to_dict() for t in tally.texts(approved_only=role == SCREEN)]
    else:
        listed = [text_for(answer, role) for answer in tally.changes_since(since)]
    return {
        "texts": listed,
        "texts_since": None if since is None else texts_version(tally, since),
        "texts_version": texts_version(tally),
    }


def text_for(answer: TextAnswer, role: str) -> dict[str, str]:
    """A changed text answer as `role` may see it: a screen gets only the id and status of
    one that is not approved (so it removes it), never its text."""
    if role == SCREEN and answer.status is not Moderation.APPROVED:
        return {"id": answer.id, "status": str(answer.status)}
    return answer.to_dict()


def tally_message(session: Session, role: str, participants: int) -> dict[str, Any]:
    """The `tally` message: the current question's count and results."""
    tally = session.tallies[session.current] if session.current else None
    return {
        "type": "tally",
        "question": session.current,
        "responses": tally.responses if tally else 0,
        "results": results(session, role),
        "participants": participants,
        "answered": len(session.answered),
        "joined": len(session.joined),
        "finished": len(session.finished),
        "all_results": all_results(session, role),
        **breakdown_view(session, role),
    }


def breakdown_view(session: Session, role: str) -> dict[str, Any]:
    """`segment` (the one the presenter breaks the current question down by, or null),
    `breakdown` (that BREAKDOWN, null when there is none or the screen may not see results
    yet) and, for the facilitator alone, `breakdowns`: the current question's BREAKDOWN by
    every segment, so that the console chooses among them without asking. All of them come
    from the one suppression of polling.core.segments."""
    current = session.current
    every = session.breakdowns(current) if current is not None and session.bank.segments() else {}
    shown = every.get(session.segment_view) if session.segment_view is not None else None
    if role == SCREEN and not session.results_visible():
        shown = None
    view: dict[str, Any] = {"segment": session.segment_view, "breakdown": shown}
    if role == FACILITATOR:
        view["breakdowns"] = every
    return view


def join_view(session: Session, participant: str | None) -> dict[str, Any]:
    """What a phone answers as it joins: `join_questions` (the bank's segment questions asked
    at join, without any right answer) and `join_answers`, its own answers to them so far."""
    asked = session.bank.join_questions()
    answers = {}
    for question in asked:
        value = session.answer_of(participant, question.id) if participant else None
        if value is not None and participant is not None:
            answers[question.id] = {"value": value, "rev": session.rev_of(participant, question.id)}
    return {"join_questions": [q.public_dict() for q in asked], "join_answers": answers}


def texts_message(tally: Tally, since: int, role: str) -> dict[str, Any]:
    """The `texts` message: the text answers that changed after version `since`, as `role`
    may see them; its size follows what changed, never the length of the list."""
    return {
        "type": "texts",
        "question": tally.question.id,
        "since": texts_version(tally, since),
        "version": texts_version(tally),
        "texts": [text_for(answer, role) for answer in tally.changes_since(since)],
    }


def health_message(storage: str | None) -> dict[str, Any]:
    """The `health` message: why the database refuses writes, or None when it is healthy."""
    return {"type": "health", "storage": storage}


def phone_view(session: Session) -> tuple[Any, ...]:
    """What the phones' `question` message depends on: when it changes, they are told."""
    current = session.current
    return (
        current,
        session.state,
        session.deadline(current),
        session.status,
        session.results_for_phones(),
        session.feedback_due(),
        session.leaderboard,
        tuple(session.teams),
    )
