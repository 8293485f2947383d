"""End to end in a real browser: the pages against a real server, driven by headless Chromium."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.conftest import BROWSER_TESTS, PROJECTOR, LiveServer, wait_until

# Sets a flag if any page ever runs it: answers must be shown as text, never as HTML.
XSS = '<img src=x onerror="window.pwned=1">'

pytestmark = BROWSER_TESTS


def session_with_question(server: LiveServer, question: str = "pace", **options: Any) -> dict[str, Any]:
    """A new session from the test bank with `question` shown and open."""
    info = server.create_session("browser", **options)
    server.command(info["id"], "show", question=question)
    server.command(info["id"], "open")
    return info


def presenter(open_page: Callable[..., Page], server: LiveServer, session: str) -> Page:
    page = open_page(f"{server.url}/present/{session}#token={server.token}", PROJECTOR)
    expect(page.locator("#status")).to_have_class("status-dot is-online")
    return page


def bar(page: Page, option: str) -> Any:
    """The length of an option's bar in the presenter's plotly chart."""
    return page.evaluate(
        "(option) => { const trace = document.querySelector('#chart').data[0];"
        " return trace.x[trace.ids.indexOf(option)]; }",
        option,
    )


def wait_for_bar(page: Page, option: str, count: int) -> None:
    page.wait_for_function(
        "([option, count]) => { const chart = document.querySelector('#chart');"
        " const trace = chart.data && chart.data[0];"
        " return !!trace && !!trace.ids && trace.x[trace.ids.indexOf(option)] === count; }",
        arg=[option, count],
    )


def test_an_answer_reaches_the_presenter_chart(server: LiveServer, open_page: Callable[..., Page]) -> None:
    """A phone's single-choice answer shows on the presenter as 1 response and a bar of 1."""
    info = session_with_question(server)
    screen = presenter(open_page, server, info["id"])
    phone = open_page(f"{server.url}/j/{info['code']}")

    phone.get_by_role("button", name="About right").click()
    expect(phone.locator("#feedback")).to_contain_text("Answer received")
    expect(phone.locator("#feedback")).to_contain_text("About right")

    expect(screen.locator("#q-responses")).to_have_text("1")
    wait_for_bar(screen, "right", 1)
    assert [bar(screen, option) for option in ("slow", "right", "fast")] == [0, 1, 0]


def test_a_changed_answer_moves_the_bar_without_a_second_response(
    server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """Changing an answer moves the chart from one bar to another while the count stays 1."""
    info = session_with_question(server)
    screen = presenter(open_page, server, info["id"])
    phone = open_page(f"{server.url}/j/{info['code']}")

    phone.get_by_role("button", name="About right").click()
    wait_for_bar(screen, "right", 1)
    phone.get_by_role("button", name="Too fast").click()
    expect(phone.locator("#feedback")).to_contain_text("Too fast")
    expect(phone.get_by_role("button", name="Too fast")).to_have_attribute("aria-pressed", "true")

    wait_for_bar(screen, "fast", 1)
    assert bar(screen, "right") == 0
    expect(screen.locator("#q-responses")).to_have_text("1")


def test_the_presenter_keyboard_steps_the_session(server: LiveServer, open_page: Callable[..., Page]) -> None:
    """ArrowRight on the presenter goes from the join screen to the first question, then opens it."""
    info = server.create_session("browser")
    screen = presenter(open_page, server, info["id"])
    phone = open_page(f"{server.url}/j/{info['code']}")
    expect(screen.locator("#join-code")).to_have_text(info["code"])
    expect(phone.locator("#main")).to_contain_text("Waiting for the next question")

    screen.keyboard.press("ArrowRight")
    expect(screen.locator("#q-prompt")).to_have_text("How was the pace?")
    expect(phone.locator(".state")).to_have_text("Voting opens soon")
    expect(phone.get_by_role("button", name="About right")).to_be_disabled()

    screen.keyboard.press("ArrowRight")
    expect(phone.locator(".state")).to_have_text("Voting open")
    expect(phone.get_by_role("button", name="About right")).to_be_enabled()
    expect(screen.locator("#q-state")).to_have_text("Voting open")
    state = server.api("GET", f"/api/sessions/{info['id']}").json()
    assert (state["current"], state["state"]) == ("pace", "open")


def test_the_participant_page_never_loads_plotly(server: LiveServer, open_page: Callable[..., Page]) -> None:
    """The phone page stays small: no request for plotly.js, even with a question on screen."""
    info = session_with_question(server)
    requests: list[str] = []
    context = open_page("about:blank").context
    context.on("request", lambda request: requests.append(request.url))
    phone = context.pages[0]
    phone.goto(f"{server.url}/j/{info['code']}")

    expect(phone.get_by_role("button", name="About right")).to_be_enabled()
    phone.get_by_role("button", name="About right").click()
    expect(phone.locator("#feedback")).to_contain_text("Answer received")
    assert any("/static/js/join.js" in url for url in requests)
    assert not [url for url in requests if "plotly" in url]


def test_a_reloaded_phone_keeps_its_answer_and_is_counted_once(
    server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """After a reload the phone has the same token, shows its answer, and still counts once."""
    info = session_with_question(server)
    phone = open_page(f"{server.url}/j/{info['code']}")
    key = f"polling.participant.{info['code']}"
    phone.get_by_role("button", name="About right").click()
    expect(phone.locator("#feedback")).to_contain_text("Answer received")
    token = phone.evaluate("(key) => localStorage.getItem(key)", key)
    assert token

    phone.reload()
    expect(phone.get_by_role("button", name="About right")).to_have_attribute("aria-pressed", "true")
    expect(phone.locator("#feedback")).to_contain_text("About right")
    assert phone.evaluate("(key) => localStorage.getItem(key)", key) == token
    assert server.api("GET", f"/api/sessions/{info['id']}").json()["responses"] == 1

    # A new answer after the reload still replaces the old one.
    phone.get_by_role("button", name="Too slow").click()
    expect(phone.locator("#feedback")).to_contain_text("Too slow")
    state = server.api("GET", f"/api/sessions/{info['id']}").json()
    assert state["responses"] == 1
    assert state["results"] == {"counts": {"slow": 1, "right": 0, "fast": 0}}


def test_an_answer_given_while_the_server_is_down_arrives_once_it_is_back(
    server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """An answer kept on the phone while the server restarts is sent on reconnect, and counted once."""
    info = session_with_question(server)
    phone = open_page(f"{server.url}/j/{info['code']}")
    expect(phone.get_by_role("button", name="Too slow")).to_be_enabled()

    server.stop()
    expect(phone.locator("#offline")).to_have_text("Reconnecting…")
    phone.get_by_role("button", name="Too slow").click()
    expect(phone.locator("#feedback")).to_contain_text("Not sent yet")
    server.start()

    expect(phone.locator("#feedback")).to_contain_text("Answer received", timeout=15000)
    expect(phone.locator("#offline")).to_be_hidden()
    assert phone.evaluate(f"localStorage.getItem('polling.pending.{info['code']}')") is None
    state = server.api("GET", f"/api/sessions/{info['id']}").json()
    assert state["responses"] == 1
    assert state["results"] == {"counts": {"slow": 1, "right": 0, "fast": 0}}


def test_the_console_moderates_text_answers(server: LiveServer, open_page: Callable[..., Page]) -> None:
    """An answer approved on the console appears on the presenter; a hidden one never does."""
    info = session_with_question(server, "change")
    screen = presenter(open_page, server, info["id"])
    for text in ("More exercises, please", XSS):
        phone = open_page(f"{server.url}/j/{info['code']}")
        phone.locator("textarea").fill(text)
        phone.get_by_role("button", name="Send").click()
        expect(phone.locator("#feedback")).to_contain_text("Answer received")

    console = open_page(f"{server.url}/console/{info['id']}#token={server.token}")
    good = console.locator(".answer", has_text="More exercises")
    bad = console.locator(".answer", has_text="onerror")
    expect(good.locator(".badge")).to_have_text("Pending")
    expect(screen.locator("#results-empty")).to_have_text("Approved answers appear here")

    bad.get_by_role("button", name="Hide").click()
    good.get_by_role("button", name="Approve").click()
    expect(bad.locator(".badge")).to_have_text("Hidden")
    expect(good.locator(".badge")).to_have_text("Approved")

    expect(screen.locator("#cards .card")).to_have_text(["More exercises, please"])
    expect(screen.locator("#cards")).not_to_contain_text("onerror")
    for page in (screen, console):
        assert page.locator("#cards img, #answers img").count() == 0
        assert page.evaluate("window.pwned") is None


def test_the_screen_is_read_only_and_shows_the_join_code(
    server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """The /screen/ page has no controls at all, shows the join code, and follows the session."""
    info = server.create_session("browser")
    screen = open_page(f"{server.url}/screen/{info['id']}/{info['screen_key']}", PROJECTOR)

    expect(screen.locator("#join-code")).to_have_text(info["code"])
    expect(screen.locator("#join-qr")).to_have_attribute("src", f"/qr/{info['code']}.svg")
    expect(screen.locator("#controls")).to_be_hidden()
    expect(screen.locator("button:visible, select:visible, a:visible")).to_have_count(0)
    assert screen.evaluate("localStorage.getItem('polling.token')") is None
    open_page(f"{server.url}/j/{info['code']}")
    expect(screen.locator("#join-participants")).to_have_text("1 participant")

    server.command(info["id"], "next")
    expect(screen.locator("#q-prompt")).to_have_text("How was the pace?")
    expect(screen.locator("#controls")).to_be_hidden()


def test_the_home_page_starts_a_session_with_a_phone_limit(
    server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """A facilitator sets a phone limit on the home page; the new session keeps it."""
    home = open_page(f"{server.url}/host#token={server.token}", PROJECTOR)
    home.locator("#max-participants").fill("25")
    home.locator(".bank", has_text="Browser checks").get_by_role("button", name="Start session").click()
    home.wait_for_url("**/present/**")
    [session] = server.api("GET", "/api/sessions").json()["sessions"]
    assert session["max_participants"] == 25 and session["bank"] == "browser"


def test_the_console_changes_the_phone_limit(server: LiveServer, open_page: Callable[..., Page]) -> None:
    """The console sets a phone limit during the session, and lifts it when the field is emptied."""
    info = session_with_question(server)
    console = open_page(f"{server.url}/console/{info['id']}#token={server.token}")
    expect(console.locator("#participants")).not_to_be_empty()
    console.locator("#limit").fill("3")
    console.locator("#set-limit").click()
    wait_until(lambda: server.api("GET", "/api/sessions").json()["sessions"][0]["max_participants"] == 3)
    console.locator("#limit").fill("")
    console.locator("#set-limit").click()
    wait_until(lambda: server.api("GET", "/api/sessions").json()["sessions"][0]["max_participants"] is None)
