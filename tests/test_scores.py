"""Quiz scores added up per phone token, on a fake clock: what counts, speed bonus, ranks,
the top 10, team averages, and nickname checks."""

from __future__ import annotations

import dataclasses

import pytest

from polling.core.model import QuizSettings
from polling.core.players import NicknameError, Players, check_nickname, check_teams, nickname_id
from polling.core.scores import Scores, mark, ranks, team_averages, top
from polling.core.session import Session
from polling.live import quizview
from tests.factories import PACE, TOPICS, make_bank
from tests.test_deadline import FakeClock

QUIZ_PACE = dataclasses.replace(PACE, correct="right", points=10)
QUIZ_TOPICS = dataclasses.replace(TOPICS, correct=["legal", "cases"], points=4)


def quiz_session(clock: FakeClock, speed_bonus: bool = False) -> Session:
    """A two-question quiz session on the fake clock."""
    bank = dataclasses.replace(
        make_bank(QUIZ_PACE, QUIZ_TOPICS), quiz=QuizSettings(time_limit=20, speed_bonus=speed_bonus)
    )
    session = Session(id="s", code="C", bank=bank, screen_key="k", created="2026-12-01T10:00Z", clock=clock)
    return session


def answer(session: Session, participant: str, question: str, value: object) -> None:
    """Answer the current open question as the service does: checked, timed, recorded."""
    _, canonical = session.check(question, value)
    session.record(participant, question, canonical, session.rev_of(participant, question) + 1, None,
                   session.elapsed_now(question))  # fmt: skip


def play(session: Session, clock: FakeClock, question: str, answers: dict[str, object]) -> None:
    """Show, open, answer (one second apart), close and reveal one question."""
    session.show(question)
    session.open()
    for participant, value in answers.items():
        clock.now += 1000
        answer(session, participant, question, value)
    session.close()
    session.reveal()


def test_a_question_counts_only_once_closed_and_revealed() -> None:
    """Totals ignore a question until the room has seen its answer; reopening takes it out again."""
    clock = FakeClock()
    session = quiz_session(clock)
    session.show("pace")
    session.open()
    answer(session, "a", "pace", "right")
    scores = Scores()
    session.reveal()  # revealed while open: the answer may still change
    assert scores.totals(session) == {} and not session.feedback_due()
    session.close()
    assert scores.totals(session) == {"a": 10} and session.feedback_due()
    session.open()
    assert scores.totals(session) == {}


def test_totals_add_up_per_phone_over_scored_questions() -> None:
    """Each phone's total is the sum of its points; a wrong answer earns none; a silent phone is absent."""
    clock = FakeClock()
    session = quiz_session(clock)
    play(session, clock, "pace", {"a": "right", "b": "slow", "c": "right"})
    play(session, clock, "topics", {"a": ["legal", "cases"], "b": ["legal", "cases"]})
    assert Scores().totals(session) == {"a": 14, "b": 4, "c": 10}


def test_the_speed_bonus_uses_the_servers_time_from_the_opening() -> None:
    """With a speed bonus, an answer 5 s into a 20 s question earns 10 x (0.5 + 0.5 x 15/20) = 9 (rounded)."""
    clock = FakeClock()
    session = quiz_session(clock, speed_bonus=True)
    session.show("pace")
    session.open()
    clock.now += 5000
    answer(session, "a", "pace", "right")
    clock.now += 10_000
    answer(session, "b", "pace", "right")
    assert session.elapsed_of("a", "pace") == 5000
    result = mark(session, "pace", "a")
    assert result is not None and result.points == 9  # 8.75 rounded half up
    session.close()
    session.reveal()
    assert Scores().totals(session) == {"a": 9, "b": 6}  # b: 15 s taken, 10 x 0.625 = 6.25


def test_no_elapsed_time_is_kept_without_a_speed_bonus() -> None:
    """Without a speed bonus, answers keep no time finer than the minute."""
    clock = FakeClock()
    session = quiz_session(clock)
    session.show("pace")
    session.open()
    assert session.elapsed_now("pace") is None


def test_scores_are_recomputed_when_answers_change() -> None:
    """The per-question cache follows reopening and new answers."""
    clock = FakeClock()
    session = quiz_session(clock)
    scores = Scores()
    play(session, clock, "pace", {"a": "slow"})
    assert scores.totals(session) == {"a": 0}
    session.open()
    answer(session, "a", "pace", "right")
    session.close()
    session.reveal()
    assert scores.totals(session) == {"a": 10}


def test_ranks_share_places_on_equal_totals() -> None:
    """Competition ranking: 1, 2, 2, 4."""
    assert ranks({"a": 9, "b": 5, "c": 5, "d": 1}) == {"a": 1, "b": 2, "c": 2, "d": 4}
    assert ranks({}) == {}


def test_the_top_lists_only_shown_nicknames_and_at_most_ten() -> None:
    """Phones without a nickname are ranked but not listed; ties are ordered by name; ten at most."""
    totals = {f"p{i}": i for i in range(15)}
    names = {f"p{i}": f"n{i:02}" for i in range(15) if i != 14}
    listed = top(totals, names)
    assert len(listed) == 10
    assert listed[0].to_dict() == {"rank": 2, "nickname": "n13", "score": 13}
    assert [p.nickname for p in top({"a": 3, "b": 3}, {"a": "Zed", "b": "amy"})] == ["amy", "Zed"]


def test_team_averages_count_silent_members_as_zero() -> None:
    """A team's average is over the phones that picked it; teams nobody picked are left out."""
    averages = team_averages(
        {"a": 10, "b": 4}, {"a": "North", "b": "North", "c": "South"}, ["North", "South", "East"]
    )
    assert [a.to_dict() for a in averages] == [
        {"team": "North", "average": 7.0, "members": 2},
        {"team": "South", "average": 0.0, "members": 1},
    ]


@pytest.mark.parametrize(
    ("raw", "code"),
    [("", "nickname_empty"), ("   ", "nickname_empty"), ("x" * 25, "nickname_too_long"),
     ("a\x07b", "nickname_invalid"), ("a\u200bb", "nickname_invalid"), (42, "nickname_invalid")],
)  # fmt: skip
def test_bad_nicknames_are_refused_with_their_code(raw: object, code: str) -> None:
    """Empty, over 24 characters, or with control or invisible characters: each has its own error code."""
    with pytest.raises(NicknameError) as refused:
        check_nickname(raw)
    assert refused.value.code == code


def test_a_nickname_is_trimmed_and_may_use_any_script() -> None:
    """Surrounding spaces go; 24 characters of Arabic or Cyrillic are fine."""
    assert check_nickname("  Ана  ") == "Ана"
    assert check_nickname("م" * 24) == "م" * 24


def test_team_lists_are_checked() -> None:
    """Teams are distinct (case aside), visible and at most 20."""
    assert check_teams([" North ", "South"]) == ["North", "South"]
    for bad in (["A", "a"], [""], ["x" * 41], "North", [f"t{i}" for i in range(21)]):
        with pytest.raises(NicknameError):
            check_teams(bad)


def test_hidden_nicknames_leave_the_shown_list_and_turning_off_forgets_all() -> None:
    """A hidden nickname is not shown (its id is not the phone's key); clearing forgets every choice."""
    players = Players()
    players.set("key-a", "Ana", "North")
    players.set("key-b", "Bo", None)
    players.hidden.add(nickname_id("key-b"))
    assert players.shown() == {"key-a": "Ana"}
    assert all(line["id"] not in ("key-a", "key-b") for line in players.listing())
    players.clear()
    assert players.nicknames == {} and players.teams == {} and players.hidden == set()


def test_feedback_is_each_phones_own_and_phones_alike_share_one_group() -> None:
    """At the reveal a phone's feedback holds its answer, the right one and its points; two phones
    with the same answer fall in one group (one message encoded for both)."""
    clock = FakeClock()
    session = quiz_session(clock)
    play(session, clock, "pace", {"a": "right", "b": "slow", "c": "slow"})
    own = quizview.feedback(session, "b")
    assert own is not None
    assert (own["correct"], own["answer"], own["right"], own["points"]) == (False, "slow", "right", 0)
    assert own["explanation"] is None
    assert quizview.feedback(session, None)["answered"] is False  # type: ignore[index]
    assert quizview.feedback_group(session, "b") == quizview.feedback_group(session, "c")
    assert quizview.feedback_group(session, "a") != quizview.feedback_group(session, "b")


def test_next_reveals_a_closed_quiz_question_before_moving_on() -> None:
    """On a quiz question, `next` goes open, closed, revealed (scored), then to the next question."""
    clock = FakeClock()
    session = quiz_session(clock)
    session.next()  # show
    session.next()  # open
    answer(session, "a", "pace", "right")
    session.next()  # close
    assert not session.feedback_due()
    session.next()  # reveal, although the session does not hide results
    assert session.feedback_due() and session.current == "pace"
    session.next()
    assert session.current == "topics"


def test_the_leaderboard_shows_after_a_reveal_and_at_the_end_and_only_while_on() -> None:
    """The presenter's top 10 and team averages appear while the current question is scored or the
    session has ended, never while the leaderboard is off."""
    clock = FakeClock()
    session = quiz_session(clock)
    session.players.set("a", "Ana", "North")
    session.teams = ["North"]
    play(session, clock, "pace", {"a": "right", "b": "slow"})
    assert quizview.standing(session, Scores()) == {"leaderboard": None, "team_scores": None}
    session.leaderboard = True
    shown = quizview.standing(session, Scores())
    assert shown["leaderboard"] == [{"rank": 1, "nickname": "Ana", "score": 10}]
    assert shown["team_scores"] == [{"team": "North", "average": 10.0, "members": 1}]
    session.show("topics")
    assert quizview.standing(session, Scores())["leaderboard"] is None  # the next question is up
    session.end()
    assert quizview.standing(session, Scores())["leaderboard"] == [
        {"rank": 1, "nickname": "Ana", "score": 10}
    ]
