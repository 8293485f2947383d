"""The messages each role is sent, built from a pure session with no server around it."""

from __future__ import annotations

from polling.core.tally import Moderation
from polling.live import views
from polling.live.views import FACILITATOR, SCREEN
from tests.factories import PACE, REMARKS, make_session


def test_a_screen_never_sees_the_screen_key_but_the_facilitator_does() -> None:
    """The read-only screen's state leaves out the key that opens screens; the facilitator's has it."""
    session = make_session(PACE)
    screen = views.presenter_state(session, SCREEN, "http://h", 3, None)
    facilitator = views.presenter_state(session, FACILITATOR, "http://h", 3, None)
    assert "screen_key" not in screen["session"] and "screen_url" not in screen["session"]
    assert facilitator["session"]["screen_key"] == "screen-key"
    assert facilitator["session"]["screen_url"] == "http://h/screen/s-1/screen-key"
    assert facilitator["session"]["join_url"] == "http://h/j/ABCD"
    assert facilitator["session"]["participants"] == 3


def test_hidden_results_reach_the_facilitator_and_not_the_screen_until_revealed() -> None:
    """With hidden results, only the facilitator's tally carries results until the reveal."""
    session = make_session(PACE, hide_results=True)
    session.command("show", "pace")
    session.command("open")
    session.record("p1", "pace", "slow", 1)
    assert views.tally_message(session, SCREEN, 1)["results"] is None
    assert views.tally_message(session, FACILITATOR, 1)["results"] is not None
    session.command("close")
    session.command("reveal")
    assert views.tally_message(session, SCREEN, 1)["results"] is not None


def test_a_participant_question_carries_only_that_participants_answer() -> None:
    """A phone that answered gets its own answer and rev back; the shared message has none."""
    session = make_session(PACE)
    session.command("show", "pace")
    session.command("open")
    session.record("p1", "pace", "fast", 2)
    own = views.participant_question(session, "p1")
    shared = views.participant_question(session, None)
    assert (own["answer"], own["rev"]) == ("fast", 2)
    assert (shared["answer"], shared["rev"]) == (None, 0)
    assert own["question"]["id"] == "pace"


def test_a_screen_sees_approved_texts_only() -> None:
    """Open text reaches the screen only once approved; the facilitator sees every text."""
    session = make_session(REMARKS)
    session.command("show", "remarks")
    session.command("open")
    session.record("p1", "remarks", "kept", 1, Moderation.APPROVED)
    session.record("p2", "remarks", "waiting", 1, Moderation.PENDING)
    screen = views.texts_view(session, "remarks", SCREEN, None)["texts"]
    facilitator = views.texts_view(session, "remarks", FACILITATOR, None)["texts"]
    assert [t["text"] for t in screen] == ["kept"]
    assert sorted(t["text"] for t in facilitator) == ["kept", "waiting"]
    # In the changes a screen is sent, an answer that is not approved comes without its text.
    changes = views.texts_message(session.tallies["remarks"], 0, SCREEN)["texts"]
    assert [sorted(t) for t in changes] == [["id", "status", "text"], ["id", "status"]]


def test_a_reconnecting_presenter_gets_only_what_changed() -> None:
    """A presenter that says which version of the list it holds gets only the newer changes;
    a version of another list (another process, before a restart) gets the whole list."""
    session = make_session(REMARKS)
    session.command("show", "remarks")
    session.command("open")
    for n in range(30):
        session.record(f"p{n}", "remarks", f"text {n}", 1)
    held = views.texts_view(session, "remarks", FACILITATOR, None)
    assert len(held["texts"]) == 30 and held["texts_since"] is None
    session.record("p30", "remarks", "new", 1)
    again = views.texts_view(session, "remarks", FACILITATOR, held["texts_version"])
    assert [t["text"] for t in again["texts"]] == ["new"] and again["texts_since"] == held["texts_version"]
    elsewhere = "0000." + held["texts_version"].partition(".")[2]
    assert len(views.texts_view(session, "remarks", FACILITATOR, elsewhere)["texts"]) == 31


def test_session_info_and_tally_say_how_many_phones_answered_beside_how_many_are_connected() -> None:
    """SESSION_INFO and `tally` carry `answered` (phones that gave an answer) apart from `participants`."""
    session = make_session(PACE)
    session.command("show", "pace")
    session.command("open")
    for phone in ("p1", "p2"):
        session.record(phone, "pace", "slow", 1)
    about = views.info(session, "http://h", 0)
    assert (about["answered"], about["participants"]) == (2, 0)
    tally = views.tally_message(session, FACILITATOR, 5)
    assert (tally["answered"], tally["participants"]) == (2, 5)


def test_phones_see_results_only_where_allowed_and_once_the_room_does() -> None:
    """With phone results on, a phone gets the counts once voting closes and the room sees them."""
    session = make_session(PACE, REMARKS, hide_results=True)
    session.phone_results = True
    session.command("show", "pace")
    session.command("open")
    session.record("p1", "pace", "fast", 1)
    assert views.participant_question(session, "p1")["results"] is None  # voting open
    session.command("close")
    assert views.participant_question(session, "p1")["results"] is None  # the room has not seen them
    session.command("reveal")
    assert views.participant_question(session, None)["results"] == {
        "counts": {"slow": 0, "right": 0, "fast": 1}
    }
    session.command("show", "remarks")
    session.command("open")
    session.record("p1", "remarks", "kept", 1, Moderation.APPROVED)
    session.command("close")
    session.command("reveal")
    assert views.participant_question(session, None)["results"] is None  # free text stays on the screen


def test_phones_see_no_results_unless_the_facilitator_allows_it() -> None:
    """Without phone results, a closed and visible question still sends phones no results."""
    session = make_session(PACE)
    session.command("show", "pace")
    session.command("open")
    session.record("p1", "pace", "fast", 1)
    session.command("close")
    assert views.participant_question(session, "p1")["results"] is None
    assert views.info(session, "http://h", 1)["phone_results"] is False
