"""The pure rules of audience Q&A (votes, moderation states, order, the rate of asking) and its messages."""

from __future__ import annotations

import pytest

from polling.core.qna import (
    ASK_LIMIT,
    ASK_WINDOW,
    MAX_LENGTH,
    Board,
    Order,
    QnaError,
    Question,
    Settings,
    Status,
    ordered,
    toggled,
    transition,
    wait_before_asking,
)
from polling.live.qnaview import asked_message, phone_qna, qna_message, voted_message


def question(qid: str, votes: int = 0, status: Status = Status.APPROVED, author: str = "a") -> Question:
    return Question(
        qid, author, f"text {qid}", "en", "2026-12-01T10:00Z", status, voters={f"v{i}" for i in range(votes)}
    )


def open_board(premoderate: bool = False) -> Board:
    return Board(Settings(open=True, premoderate=premoderate))


def test_a_second_tap_takes_the_vote_back() -> None:
    """A tap votes, the next tap takes the vote back; an explicit up or down is kept as said."""
    assert toggled(False, None) is True
    assert toggled(True, None) is False
    assert toggled(True, True) is True
    assert toggled(False, False) is False


def test_one_vote_per_phone_per_question() -> None:
    """Votes count distinct phones: voting twice counts once, taking it back removes it."""
    board = open_board()
    board.add(question("q1"))
    assert board.vote("q1", "p1", True) is True
    assert board.vote("q1", "p1", True) is False
    board.vote("q1", "p2", True)
    assert board.questions["q1"].votes == 2
    _, up = board.check_vote("q1", "p1", None)
    assert up is False
    board.vote("q1", "p1", up)
    assert board.questions["q1"].votes == 1
    assert board.voted("p2") == ["q1"] and board.voted("p1") == []


def test_votes_only_on_questions_the_room_sees() -> None:
    """A pending or hidden question cannot be voted on, and nothing can while Q&A is closed."""
    board = open_board()
    board.add(question("pending", status=Status.PENDING))
    board.add(question("hidden", status=Status.HIDDEN))
    board.add(question("shown"))
    for qid in ("pending", "hidden", "nope"):
        with pytest.raises(QnaError) as refused:
            board.check_vote(qid, "p", True)
        assert refused.value.code == "not_found"
    board.settings.open = False
    with pytest.raises(QnaError) as closed:
        board.check_vote("shown", "p", True)
    assert closed.value.code == "qna_closed"


def test_moderation_transitions_are_guarded() -> None:
    """Allowed moves succeed, a repeat is no change, and an illegal move says why."""
    assert transition(Status.PENDING, "approved") is Status.APPROVED
    assert transition(Status.APPROVED, "answered") is Status.ANSWERED
    assert transition(Status.ANSWERED, "approved") is Status.APPROVED
    assert transition(Status.HIDDEN, "approved") is Status.APPROVED
    assert transition(Status.HIDDEN, "hidden") is Status.HIDDEN
    with pytest.raises(QnaError) as refused:
        transition(Status.PENDING, "answered")
    assert refused.value.code == "invalid_transition"
    assert "pending cannot become answered" in refused.value.message
    with pytest.raises(QnaError) as bad:
        transition(Status.APPROVED, "deleted")
    assert bad.value.code == "bad_request"


def test_premoderation_holds_new_questions() -> None:
    """Under pre-moderation a new question is pending; without it, it is approved at once."""
    assert open_board(premoderate=True).first_status() is Status.PENDING
    assert open_board().first_status() is Status.APPROVED


def test_hiding_the_pinned_question_unpins_it() -> None:
    """Only a question the room sees can be pinned, and hiding it takes the pin away."""
    board = open_board()
    board.add(question("q1"))
    board.add(question("q2", status=Status.PENDING))
    board.settings.pinned = board.check_pin("q1")
    with pytest.raises(QnaError):
        board.check_pin("q2")
    board.moderate("q1", Status.HIDDEN)
    assert board.settings.pinned is None


def test_order_by_votes_keeps_ties_in_arrival_order_and_answered_last() -> None:
    """By votes: most first, equal ones oldest first, answered ones after; newest: reverse arrival."""
    board = open_board()
    for q in (
        question("old", 1),
        question("top", 5),
        question("done", 9, Status.ANSWERED),
        question("new", 1),
    ):
        board.add(q)
    assert [q.id for q in ordered(board.questions.values(), Order.VOTES)] == ["top", "old", "new", "done"]
    assert [q.id for q in ordered(board.questions.values(), Order.NEWEST)] == ["new", "top", "old", "done"]


def test_the_room_sees_only_approved_and_answered() -> None:
    """The room's list leaves out pending and hidden questions; the facilitator's has all."""
    board = open_board()
    for status in Status:
        board.add(question(str(status), status=status))
    assert {q.id for q in board.listed(everything=False)} == {"approved", "answered"}
    assert len(board.listed(everything=True)) == 4
    assert board.counts() == {"pending": 1, "approved": 1, "hidden": 1, "answered": 1}


def test_rate_limit_is_arithmetic_on_the_given_clock() -> None:
    """Three questions a minute: the fourth waits until the first leaves the window."""
    assert wait_before_asking([], 100.0) == 0
    assert wait_before_asking([100.0, 110.0], 120.0) == 0
    assert wait_before_asking([100.0, 110.0, 120.0], 130.0) == pytest.approx(30.0)
    assert wait_before_asking([100.0, 110.0, 120.0], 100.0 + ASK_WINDOW) == 0


def test_a_fourth_question_in_a_minute_is_refused() -> None:
    """A board refuses a phone's fourth question within the window, with the wait in seconds."""
    board = open_board()
    for n in range(ASK_LIMIT):
        text = board.check_ask("p", f"question {n}", 10.0 + n)
        board.add(Question(f"q{n}", "p", text, "en", "m", board.first_status()), now=10.0 + n)
    with pytest.raises(QnaError) as refused:
        board.check_ask("p", "one more", 20.0)
    assert refused.value.code == "ask_rate_limited"
    assert refused.value.extra["retry_after"] == 51
    assert board.check_ask("other", "mine", 20.0) == "mine"
    assert board.check_ask("p", "later", 10.0 + ASK_WINDOW) == "later"


def test_question_text_is_cleaned_and_limited() -> None:
    """Text is trimmed of control characters; empty and over-long questions get their own codes."""
    board = open_board()
    assert board.check_ask("p", "  Что дальше?\x07 ", 0.0) == "Что дальше?"
    with pytest.raises(QnaError) as empty:
        board.check_ask("p", " \x00 ", 0.0)
    assert empty.value.code == "question_empty"
    assert len(board.check_ask("p", "x" * MAX_LENGTH, 0.0)) == MAX_LENGTH
    with pytest.raises(QnaError) as long:
        board.check_ask("p", "x" * (MAX_LENGTH + 1), 0.0)
    assert long.value.code == "question_too_long"
    board.settings.open = False
    with pytest.raises(QnaError) as closed:
        board.check_ask("p", "hello", 0.0)
    assert closed.value.code == "qna_closed"


def test_settings_round_trip_and_checked_changes() -> None:
    """Settings survive a round trip through their stored form; a wrong change is refused."""
    settings = Settings(True, True, Order.NEWEST, "q1")
    assert Settings.from_dict(settings.to_dict()) == settings
    assert settings.changed({"open": False, "order": "votes"}).to_dict()["order"] == "votes"
    with pytest.raises(QnaError):
        settings.changed({"order": "random"})
    with pytest.raises(QnaError):
        settings.changed({"open": "yes"})


def test_messages_never_carry_who_asked_or_voted() -> None:
    """The facilitator gets every question with counts, the room only what it may see, and no
    message holds an author's or a voter's key."""
    board = open_board()
    board.add(question("shown", votes=2, author="author-key"))
    board.add(question("held", status=Status.PENDING, author="author-key"))
    board.vote("shown", "voter-key", True)
    facilitator = qna_message(board, "facilitator")
    screen = qna_message(board, "screen")
    phone = phone_qna(board, "participant", "voter-key")
    assert [q["id"] for q in facilitator["questions"]] == ["shown", "held"]
    assert facilitator["counts"]["pending"] == 1
    assert [q["id"] for q in screen["questions"]] == ["shown"] and screen["counts"] is None
    assert phone["voted"] == ["shown"] and phone["mine"] == []
    assert phone_qna(board, "participant", "author-key")["mine"][1]["status"] == "pending"
    shown = board.questions["shown"]
    for message in (facilitator, screen, phone, asked_message(shown), voted_message(shown, True)):
        text = str(message)
        assert "author-key" not in text and "voter-key" not in text and "v0" not in text
