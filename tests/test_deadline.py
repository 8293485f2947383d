"""The quiz timer's pure rules, on a fake clock: deadlines, late answers, the timer's close."""

from __future__ import annotations

import pytest

from polling.core.deadline import LimitError, deadline_after, elapsed, is_late, open_limit, remaining
from polling.core.session import NotOpenError, QuestionState, Session, TimeUpError
from tests.factories import PACE, TOPICS, make_session


class FakeClock:
    """A clock that stands still until the test moves it (milliseconds since the epoch)."""

    def __init__(self, now: int = 1_700_000_000_000) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now


def timed_session(clock: FakeClock) -> Session:
    """A session over two questions with the fake clock, the first shown."""
    session = make_session(PACE, TOPICS)
    session.clock = clock
    session.show("pace")
    return session


def test_deadline_arithmetic() -> None:
    """A limit lands that many milliseconds after the opening; at the deadline itself an answer is late."""
    assert deadline_after(1000, 20) == 21_000
    assert deadline_after(1000, 0.25) == 1250
    assert deadline_after(1000, None) is None
    assert not is_late(21_000, 20_999)
    assert is_late(21_000, 21_000)
    assert not is_late(None, 10**15)
    assert remaining(21_000, 20_000) == 1000 and remaining(21_000, 22_000) == 0 and remaining(None, 5) is None
    assert elapsed(1000, 3500) == 2500 and elapsed(1000, 500) == 0 and elapsed(None, 5) is None


@pytest.mark.parametrize("bad", [0, 0.5, 3601, "20", True, [20]])
def test_a_facilitators_time_limit_is_checked(bad: object) -> None:
    """A time limit for one opening must be a number of seconds from 1 to 3600."""
    with pytest.raises(LimitError):
        open_limit(bad)
    assert open_limit(None) is None and open_limit(20) == 20.0


def test_open_with_a_limit_stores_the_deadline_and_an_answer_just_before_it_is_accepted() -> None:
    """Opening with a limit sets the deadline on the server clock; a millisecond before, an answer passes."""
    clock = FakeClock()
    session = timed_session(clock)
    opened = clock.now
    session.open(time_limit=20)
    assert session.deadline("pace") == opened + 20_000
    assert session.opened["pace"] == opened
    clock.now = opened + 19_999
    question, value = session.check("pace", "slow")
    assert question.id == "pace" and value == "slow"


def test_an_answer_at_or_after_the_deadline_is_time_up_even_before_the_timer_closes() -> None:
    """The deadline, not the close, decides: the question still shows open, yet the answer is late."""
    clock = FakeClock()
    session = timed_session(clock)
    session.open(time_limit=10)
    clock.now += 10_000
    assert session.states["pace"] is QuestionState.OPEN
    with pytest.raises(TimeUpError):
        session.check("pace", "slow")


def test_the_timer_closes_once_and_only_at_its_deadline() -> None:
    """expire does nothing early, closes at the deadline, and a second expire changes nothing."""
    clock = FakeClock()
    session = timed_session(clock)
    session.open(time_limit=5)
    deadline = session.deadlines["pace"]
    clock.now = deadline - 1
    assert not session.expire("pace", deadline)
    assert session.states["pace"] is QuestionState.OPEN
    clock.now = deadline
    assert session.expire("pace", deadline)
    assert session.states["pace"] is QuestionState.CLOSED
    assert not session.expire("pace", deadline)
    with pytest.raises(TimeUpError):
        session.check("pace", "slow")


def test_an_old_deadline_does_not_close_a_question_opened_again() -> None:
    """After a reopening with a new limit, the alarm of the first opening closes nothing."""
    clock = FakeClock()
    session = timed_session(clock)
    session.open(time_limit=5)
    first = session.deadlines["pace"]
    clock.now = first
    session.expire("pace", first)
    session.open(time_limit=30)
    assert session.deadlines["pace"] == first + 30_000
    assert not session.expire("pace", first)
    assert session.states["pace"] is QuestionState.OPEN
    session.check("pace", "fast")


def test_a_facilitators_close_before_the_deadline_makes_later_answers_not_open() -> None:
    """Closed by hand before time, a question refuses answers as not open, never as time up."""
    clock = FakeClock()
    session = timed_session(clock)
    session.open(time_limit=30)
    clock.now += 1000
    session.close()
    assert session.deadline("pace") is None
    clock.now += 60_000
    with pytest.raises(NotOpenError) as refused:
        session.check("pace", "slow")
    assert not isinstance(refused.value, TimeUpError)


def test_opening_without_a_limit_sets_no_deadline() -> None:
    """A question with no limit anywhere stays open however long it takes."""
    clock = FakeClock()
    session = timed_session(clock)
    session.open()
    assert session.deadline("pace") is None
    clock.now += 10**9
    session.check("pace", "slow")


def test_the_deadline_survives_a_restart_through_the_control_state() -> None:
    """The stored control state brings back the opening time and the deadline."""
    clock = FakeClock()
    session = timed_session(clock)
    session.open(time_limit=15)
    again = make_session(PACE, TOPICS)
    again.clock = clock
    again.restore(session.control_state())
    assert again.deadline("pace") == session.deadline("pace")
    assert again.opened == session.opened
    clock.now += 15_000
    assert again.expire("pace", session.deadlines["pace"])
