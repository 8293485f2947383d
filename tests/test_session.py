"""The session state machine: facilitator commands, answer checks and resuming."""

from __future__ import annotations

import json

import pytest

from polling.core.answers import AnswerError
from polling.core.session import (
    COMMANDS,
    NotOpenError,
    QuestionState,
    SessionStatus,
    TransitionError,
)
from polling.core.tally import Moderation
from tests.factories import ALL_QUESTIONS, PACE, REMARKS, STAFF, TOPICS, USEFUL, make_session

# -- the clicker: next and previous -------------------------------------------------------


def test_a_new_session_waits_at_the_join_screen() -> None:
    """A fresh session has no current question and every question is pending."""
    session = make_session()
    assert session.status is SessionStatus.WAITING
    assert session.current is None
    assert session.state is None
    assert set(session.states.values()) == {QuestionState.PENDING}


def test_next_walks_every_question_through_shown_open_closed() -> None:
    """Each `next` moves one step: show, open, close, then on to the following question."""
    session = make_session()
    for question in ALL_QUESTIONS:
        session.next()
        assert (session.current, session.state) == (question.id, QuestionState.SHOWN)
        assert session.status is SessionStatus.RUNNING
        session.next()
        assert (session.current, session.state) == (question.id, QuestionState.OPEN)
        session.next()
        assert (session.current, session.state) == (question.id, QuestionState.CLOSED)
    assert set(session.states.values()) == {QuestionState.CLOSED}
    assert session.revealed == set()


def test_next_at_the_last_closed_question_raises() -> None:
    """Past the last question `next` refuses and says to end the session; nothing changes."""
    session = make_session(PACE, TOPICS)
    for _ in range(6):
        session.next()
    before = session.control_state()
    with pytest.raises(TransitionError, match="last question"):
        session.next()
    assert session.control_state() == before
    assert session.current == "topics"


def test_next_reveals_hidden_results_before_moving_on() -> None:
    """With hide_results, `next` on a closed question first reveals it, then moves on."""
    session = make_session(PACE, TOPICS, hide_results=True)
    for _ in range(3):
        session.next()
    assert (session.current, session.state) == ("pace", QuestionState.CLOSED)
    assert session.revealed == set()
    session.next()
    assert (session.current, session.state) == ("pace", QuestionState.CLOSED)
    assert session.revealed == {"pace"}
    session.next()
    assert (session.current, session.state) == ("topics", QuestionState.SHOWN)


def test_next_with_hidden_results_reveals_the_last_question_before_refusing() -> None:
    """With hide_results the last question is revealed by `next` before `next` refuses."""
    session = make_session(PACE, hide_results=True)
    for _ in range(4):
        session.next()
    assert session.revealed == {"pace"}
    with pytest.raises(TransitionError, match="last question"):
        session.next()


def test_previous_shows_the_question_before() -> None:
    """`previous` goes back one question, keeping the states already reached."""
    session = make_session(PACE, TOPICS)
    for _ in range(4):
        session.next()
    assert session.current == "topics"
    session.previous()
    assert (session.current, session.state) == ("pace", QuestionState.CLOSED)
    assert session.states["topics"] is QuestionState.SHOWN


def test_previous_from_the_first_question_returns_to_the_join_screen() -> None:
    """`previous` on the first question closes it and goes back to the join screen."""
    session = make_session(PACE, TOPICS)
    session.next()
    session.next()
    assert session.state is QuestionState.OPEN
    session.previous()
    assert session.current is None
    assert session.states["pace"] is QuestionState.CLOSED


def test_previous_at_the_join_screen_raises() -> None:
    """`previous` from the join screen refuses, whether the session started or not."""
    session = make_session(PACE, TOPICS)
    with pytest.raises(TransitionError, match="join screen"):
        session.previous()
    session.next()
    session.previous()
    with pytest.raises(TransitionError, match="join screen"):
        session.previous()
    session.next()
    assert session.current == "pace"


# -- show, open, close, reveal, hide ------------------------------------------------------


def test_show_makes_a_question_current_and_shown() -> None:
    """`show` jumps to any question and marks it shown."""
    session = make_session()
    session.show("staff")
    assert (session.current, session.state) == ("staff", QuestionState.SHOWN)
    assert session.status is SessionStatus.RUNNING


def test_show_closes_the_open_question() -> None:
    """Showing another question closes voting on the one that was open."""
    session = make_session()
    session.show("pace")
    session.open()
    session.show("topics")
    assert session.states["pace"] is QuestionState.CLOSED
    assert (session.current, session.state) == ("topics", QuestionState.SHOWN)


def test_showing_the_current_question_again_keeps_it_open() -> None:
    """Showing the question that is already current does not close its voting."""
    session = make_session()
    session.show("pace")
    session.open()
    session.show("pace")
    assert session.state is QuestionState.OPEN
    session.show()
    assert session.state is QuestionState.OPEN


def test_show_refuses_an_unknown_question_or_none() -> None:
    """`show` needs a question of this bank; the message names the unknown id."""
    session = make_session()
    with pytest.raises(TransitionError, match='"nope"'):
        session.show("nope")
    with pytest.raises(TransitionError, match="Say which question"):
        session.show()
    assert session.current is None


def test_open_and_close_need_a_current_question() -> None:
    """Opening or closing before any question is shown refuses."""
    session = make_session()
    for command in ("open", "close", "reveal", "hide"):
        with pytest.raises(TransitionError, match="No question is shown yet"):
            session.command(command)


def test_open_when_already_open_raises() -> None:
    """Opening a question that is already open refuses, naming the question."""
    session = make_session()
    session.show("pace")
    session.open()
    with pytest.raises(TransitionError, match='already open on question "pace"'):
        session.open()
    assert session.state is QuestionState.OPEN


def test_a_closed_question_can_be_opened_again() -> None:
    """Opening a closed question reopens voting on it."""
    session = make_session()
    session.show("pace")
    session.open()
    session.close()
    session.open()
    assert session.state is QuestionState.OPEN


@pytest.mark.parametrize("opened_and_closed", [False, True])
def test_close_when_not_open_raises_with_the_question_id(opened_and_closed: bool) -> None:
    """Closing a question that is shown or already closed refuses, naming the question."""
    session = make_session()
    session.show("topics")
    if opened_and_closed:
        session.open()
        session.close()
    with pytest.raises(TransitionError, match='not open on question "topics"'):
        session.close()


def test_command_dispatches_by_name() -> None:
    """`command` runs the command of that name, passing the question id to show."""
    session = make_session()
    session.command("show", "useful")
    session.command("open")
    assert (session.current, session.state) == ("useful", QuestionState.OPEN)
    session.command("close")
    session.command("reveal")
    assert session.revealed == {"useful"}
    session.command("hide")
    assert session.revealed == set()
    session.command("next")
    assert session.current == "staff"
    session.command("previous")
    assert session.current == "useful"
    session.command("end")
    assert session.status is SessionStatus.ENDED


def test_command_refuses_an_unknown_name() -> None:
    """An unknown command name refuses with the name in the message."""
    with pytest.raises(TransitionError, match='Unknown command "jump"'):
        make_session().command("jump")


def test_end_closes_the_open_question() -> None:
    """Ending the session closes voting on the open question."""
    session = make_session()
    session.show("pace")
    session.open()
    session.end()
    assert session.status is SessionStatus.ENDED
    assert session.states["pace"] is QuestionState.CLOSED


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_after_end_raises(name: str) -> None:
    """Once ended, every command refuses with "The session has ended" and changes nothing."""
    session = make_session(hide_results=True)
    session.show("pace")
    session.open()
    session.end()
    before = session.control_state()
    with pytest.raises(TransitionError, match="The session has ended"):
        session.command(name, "topics")
    assert session.control_state() == before


# -- answers ------------------------------------------------------------------------------


def test_check_returns_the_question_and_the_canonical_value() -> None:
    """An answer to the open current question comes back in canonical form."""
    session = make_session()
    session.show("topics")
    session.open()
    question, value = session.check("topics", ["tools", "legal"])
    assert question is TOPICS
    assert value == ["legal", "tools"]


def test_check_refuses_a_question_that_is_not_current() -> None:
    """An answer to another question than the current one is refused, even if it was open."""
    session = make_session()
    session.show("pace")
    session.open()
    session.show("topics")
    session.open()
    with pytest.raises(NotOpenError, match="not open"):
        session.check("pace", "slow")


@pytest.mark.parametrize("steps", [("show",), ("show", "open", "close")])
def test_check_refuses_a_current_question_that_is_not_open(steps: tuple[str, ...]) -> None:
    """An answer to the current question is refused while it is shown or once it is closed."""
    session = make_session()
    for step in steps:
        session.command(step, "pace")
    with pytest.raises(NotOpenError, match="not open"):
        session.check("pace", "slow")


@pytest.mark.parametrize("question_id", ["nope", None, 3, ["pace"]])
def test_check_refuses_an_unknown_question(question_id: object) -> None:
    """An answer naming no question of the bank is refused."""
    session = make_session()
    session.show("pace")
    session.open()
    with pytest.raises(NotOpenError, match="no such question"):
        session.check(question_id, "slow")


def test_check_refuses_answers_after_end() -> None:
    """After the session ends no answer is accepted."""
    session = make_session()
    session.show("pace")
    session.open()
    session.end()
    with pytest.raises(NotOpenError, match="The session has ended"):
        session.check("pace", "slow")


def test_check_refuses_bad_values() -> None:
    """A value that does not fit the open question raises AnswerError."""
    session = make_session()
    session.show("useful")
    session.open()
    with pytest.raises(AnswerError):
        session.check("useful", 9)


def test_record_counts_an_answer_and_remembers_its_rev() -> None:
    """A recorded answer is counted and its rev kept; with none, rev_of is 0."""
    session = make_session()
    assert session.rev_of("p1", "pace") == 0
    assert session.answer_of("p1", "pace") is None
    assert session.record("p1", "pace", "slow", 1) is True
    assert session.rev_of("p1", "pace") == 1
    assert session.answer_of("p1", "pace") == "slow"
    assert session.tallies["pace"].results()["counts"]["slow"] == 1


@pytest.mark.parametrize("stale_rev", [0, 2, 3])
def test_record_ignores_a_rev_not_above_the_stored_one(stale_rev: int) -> None:
    """An answer whose rev is not above the counted one is ignored: it arrived late."""
    session = make_session()
    session.record("p1", "pace", "slow", 3)
    assert session.record("p1", "pace", "fast", stale_rev) is False
    assert session.answer_of("p1", "pace") == "slow"
    assert session.rev_of("p1", "pace") == 3
    assert session.tallies["pace"].results()["counts"] == {"slow": 1, "right": 0, "fast": 0}


def test_record_counts_a_higher_rev_in_place_of_the_old_answer() -> None:
    """A higher rev replaces the participant's answer: the count moves, responses stays 1."""
    session = make_session()
    session.record("p1", "pace", "slow", 1)
    assert session.record("p1", "pace", "fast", 5) is True
    assert session.rev_of("p1", "pace") == 5
    assert session.answer_of("p1", "pace") == "fast"
    tally = session.tallies["pace"]
    assert tally.results()["counts"] == {"slow": 0, "right": 0, "fast": 1}
    assert tally.responses == 1


def test_revs_are_kept_per_participant_and_question() -> None:
    """One participant's rev does not hold back another's, nor another question's."""
    session = make_session()
    session.record("p1", "pace", "slow", 4)
    assert session.record("p2", "pace", "fast", 1) is True
    assert session.record("p1", "topics", ["legal"], 1) is True
    assert session.tallies["pace"].responses == 2


def test_answered_counts_each_phone_that_gave_any_answer_once() -> None:
    """`answered` holds each phone with a counted answer once, across questions and changed answers."""
    session = make_session()
    assert session.answered == set()
    session.record("p1", "pace", "slow", 1)
    session.record("p1", "pace", "fast", 2)
    session.record("p1", "topics", ["legal"], 1)
    session.record("p2", "useful", 4, 1)
    assert session.record("p3", "pace", "slow", 0) is False  # not counted: rev 0 is never above
    assert session.answered == {"p1", "p2"}


def test_record_passes_the_moderation_status_on() -> None:
    """A status recorded with a text answer is the status it is tallied with."""
    session = make_session()
    session.record("p1", "remarks", "Good day", 1, Moderation.APPROVED)
    assert session.tallies["remarks"].status_of("p1") is Moderation.APPROVED


# -- resuming and visibility --------------------------------------------------------------


def test_control_state_round_trip_resumes_where_the_session_was() -> None:
    """A new session restored from control_state has the same current question, states, reveals
    and choice of showing results on phones."""
    session = make_session(hide_results=True)
    session.phone_results = True
    for _ in range(6):
        session.next()
    assert (session.current, session.state) == ("topics", QuestionState.OPEN)
    assert session.revealed == {"pace"}
    control = json.loads(json.dumps(session.control_state()))

    resumed = make_session(hide_results=True)
    resumed.restore(control)
    assert resumed.status is SessionStatus.RUNNING
    assert resumed.current == "topics"
    assert resumed.states == session.states
    assert resumed.revealed == {"pace"}
    assert resumed.phone_results is True
    assert resumed.control_state() == session.control_state()
    resumed.next()
    assert resumed.states["topics"] is QuestionState.CLOSED


def test_restoring_an_ended_session_keeps_it_ended() -> None:
    """A session that had ended is still ended after a restart."""
    session = make_session()
    session.show("staff")
    session.end()
    resumed = make_session()
    resumed.restore(session.control_state())
    assert resumed.status is SessionStatus.ENDED
    with pytest.raises(TransitionError, match="The session has ended"):
        resumed.next()


def test_results_are_visible_without_hide_results() -> None:
    """Without hide_results the presenter screen always shows the results."""
    session = make_session(STAFF, REMARKS)
    assert session.results_visible()
    session.next()
    assert session.results_visible()


def test_results_visible_honours_hide_results_and_reveal() -> None:
    """With hide_results results appear only after reveal, and disappear again on hide."""
    session = make_session(PACE, USEFUL, hide_results=True)
    session.show("pace")
    assert not session.results_visible()
    session.reveal()
    assert session.results_visible()
    session.hide()
    assert not session.results_visible()
    session.reveal()
    session.show("useful")
    assert not session.results_visible()
    session.show("pace")
    assert session.results_visible()


def test_adopting_the_stored_counts_keeps_the_answers_counted_while_they_were_read() -> None:
    """After a rebuild from the database, the counts hold what the read saw (answers this
    process missed) and what was committed here meanwhile (newer than the read), each phone once."""
    here, stored = make_session(PACE, REMARKS), make_session(PACE, REMARKS)
    here.record("p1", "pace", "slow", 1)
    stored.record("p1", "pace", "slow", 1)
    stored.record("p2", "pace", "fast", 1)  # another process's answer, whose event was missed
    here.record("p1", "pace", "fast", 2)  # committed here after the read
    here.record("p3", "remarks", "More cases", 1, Moderation.APPROVED)
    stored.record("p4", "remarks", "Fewer slides", 1, Moderation.HIDDEN)
    here.adopt_counts(stored)
    assert here.tallies["pace"].answers == {"p1": "fast", "p2": "fast"}
    assert here.tallies["pace"].results()["counts"] == {"slow": 0, "right": 0, "fast": 2}
    assert (here.rev_of("p1", "pace"), here.rev_of("p2", "pace")) == (2, 1)
    assert here.record("p2", "pace", "slow", 1) is False  # the stored answer is known as such
    assert here.tallies["remarks"].status_of("p3") is Moderation.APPROVED
    assert here.tallies["remarks"].status_of("p4") is Moderation.HIDDEN
    assert here.answered == here.joined == {"p1", "p2", "p3", "p4"}
