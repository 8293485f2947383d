"""Self-paced sessions: every question open at once, submission, and the console's live counts."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from polling.core.session import NotOpenError, Session, SessionStatus, TransitionError
from tests.conftest import LiveServer, wait_until
from tests.factories import PACE, TOPICS, USEFUL, make_session
from tests.wsclient import Peer, facilitator, participant


def self_paced() -> Session:
    session = make_session(PACE, TOPICS, USEFUL)
    return dataclasses.replace(session, self_paced=True, status=SessionStatus.WAITING)


def test_a_self_paced_session_takes_answers_to_any_question_from_the_start() -> None:
    """Every question of a self-paced session is answerable at once, in any order, until it ends."""
    session = self_paced()
    assert session.status is SessionStatus.RUNNING
    question, value = session.check(USEFUL.id, 4)
    assert (question.id, value) == (USEFUL.id, 4)
    assert session.check(PACE.id, "slow")[1] == "slow"
    session.end()
    with pytest.raises(NotOpenError, match="ended"):
        session.check(PACE.id, "slow")


@pytest.mark.parametrize("action", ["show", "open", "close", "next", "previous"])
def test_stepping_through_questions_does_not_apply_to_a_self_paced_session(action: str) -> None:
    """The clicker's commands are refused with the reason: each phone moves at its own pace."""
    session = self_paced()
    with pytest.raises(TransitionError, match="own pace"):
        session.command(action, PACE.id)


def test_reveal_and_hide_show_every_result_live_and_the_end_shows_them_for_good() -> None:
    """`reveal` lets the screen show results before the end, `hide` takes them off; ended, they show."""
    session = self_paced()
    assert not session.results_visible()
    session.command("reveal")
    assert session.results_visible() and session.live_results
    session.command("hide")
    assert not session.results_visible()
    session.command("end")
    assert session.results_visible()


def test_a_phone_finishes_once_and_the_mode_survives_a_restart() -> None:
    """Submitting marks the phone finished; the control state brings the mode back after a restart."""
    session = self_paced()
    session.finish("p1")
    assert session.finished == {"p1"}
    resumed = make_session(PACE, TOPICS, USEFUL)
    resumed.restore(session.control_state())
    assert resumed.self_paced and resumed.status is SessionStatus.RUNNING
    live = make_session(PACE)
    with pytest.raises(NotOpenError, match="self-paced"):
        live.finish("p1")


async def counts(console: Peer, started: int, finished: int) -> dict[str, Any]:
    """The console's next `tally` with these counts of phones that started and finished."""
    return await console.expect("tally", answered=started, finished=finished)


@pytest.mark.usefixtures("close_connections")
async def test_a_self_paced_run_moves_the_consoles_started_and_finished_counts(server: LiveServer) -> None:
    """Phones get the whole questionnaire, answer in their own order, submit; the console's counts
    move live, the screen sees results only once the facilitator ends the session."""
    info = server.create_session("e2e", self_paced=True)
    assert info["self_paced"] and info["status"] == "running"
    console, welcome = await facilitator(server.ws_url, info["id"], server.token)
    assert welcome["session"]["finished"] == 0 and set(welcome["all_results"]) >= {"pace", "useful"}
    screen, shown = await Peer.connect(
        server.ws_url, role="screen", session=info["id"], key=info["screen_key"]
    )
    assert shown["all_results"] is None

    first, hello = await participant(server.ws_url, info["code"])
    assert hello["session"]["self_paced"] and hello["question"] is None
    assert [q["id"] for q in hello["questions"]][:3] == ["pace", "topics", "useful"]
    assert hello["answers"] == {} and hello["finished"] is False
    await first.answer("useful", 4)
    await counts(console, started=1, finished=0)
    second, _ = await participant(server.ws_url, info["code"])
    await second.answer("pace", "fast")
    await second.answer("useful", 2)
    await counts(console, started=2, finished=0)

    await first.send({"type": "submit"})
    await first.expect("submitted")
    tally = await counts(console, started=2, finished=1)
    assert tally["all_results"]["useful"]["results"]["counts"]["4"] == 1
    assert tally["all_results"]["useful"]["responses"] == 2
    # Submitted: a resend of a stored answer is acknowledged, a new one refused.
    assert (await first.answer("useful", 4, rev=1))["rev"] == 1
    await first.send({"type": "answer", "question": "useful", "value": 5, "rev": 2})
    refused = await first.expect("error")
    assert refused["code"] == "not_open"

    # A phone that comes back is given its answers with their revisions.
    token = hello["participant"]
    again, back = await participant(server.ws_url, info["code"], token=token)
    assert back["answers"] == {"useful": {"value": 4, "rev": 1}} and back["finished"] is True

    refused_step = server.api("POST", f"/api/sessions/{info['id']}/next", {})
    assert refused_step.status_code == 409 and "own pace" in refused_step.json()["message"]
    server.command(info["id"], "end")
    ended = await screen.expect("state")
    assert ended["all_results"]["pace"]["results"]["counts"]["fast"] == 1
    state = wait_until(lambda: server.api("GET", f"/api/sessions/{info['id']}").json())
    assert state["session"]["finished"] == 1 and state["session"]["answered"] == 2
