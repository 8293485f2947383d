"""End to end in Chromium: the presenter on the projector, as the room sees it."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.conftest import BROWSER_TESTS, PROJECTOR, LiveServer

pytestmark = BROWSER_TESTS


def presenter(
    open_page: Callable[..., Page], server: LiveServer, session: str, viewport: dict[str, int]
) -> Page:
    page = open_page(f"{server.url}/present/{session}#token={server.token}", viewport)
    expect(page.locator("#status")).to_have_class("status-dot is-online")
    return page


def at_last_question_closed(server: LiveServer) -> dict[str, str]:
    """A session of the browser bank on its last question, voting closed."""
    info = server.create_session("browser")
    server.command(info["id"], "show", question="change")
    server.command(info["id"], "open")
    server.command(info["id"], "close")
    return info


def test_the_clicker_past_the_last_question_offers_to_end_and_never_shows_an_error(
    server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """Past the last question a press asks to confirm, a second press ends; extra presses show no error."""
    info = at_last_question_closed(server)
    screen = presenter(open_page, server, info["id"], PROJECTOR)
    phone = open_page(f"{server.url}/j/{info['code']}")
    expect(screen.locator("#next-label")).to_have_text("End session")

    screen.keyboard.press("ArrowRight")
    expect(screen.locator(".toast")).to_have_text("Press again to end the session")
    expect(screen.locator(".toast")).to_have_attribute("data-kind", "info")
    expect(screen.locator("#next-label")).to_have_text("Press again to end the session")
    assert server.api("GET", "/api/sessions").json()["sessions"][0]["status"] == "running"

    screen.keyboard.press("ArrowRight")
    expect(screen.locator("#message-title")).to_have_text("Thank you!")
    expect(phone.locator("#main")).to_contain_text("The session has ended")
    assert server.api("GET", "/api/sessions").json()["sessions"][0]["status"] == "ended"
    for key in ("ArrowRight", "PageDown", "o", "c", "ArrowLeft"):
        screen.keyboard.press(key)
    expect(screen.locator(".toast[data-kind=error]")).to_have_count(0)
    expect(screen.locator("#message-title")).to_have_text("Thank you!")


def test_the_control_bar_ends_the_session_on_a_confirmed_click(
    server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """The bar's End session button asks once, then ends the session mid-way."""
    info = server.create_session("browser")
    server.command(info["id"], "next")
    screen = presenter(open_page, server, info["id"], PROJECTOR)
    screen.mouse.move(400, 400)
    end = screen.locator("#end-session")
    end.click()
    expect(end).to_have_text("Press again to end the session")
    assert server.api("GET", "/api/sessions").json()["sessions"][0]["status"] == "running"
    end.click()
    expect(screen.locator("#message-title")).to_have_text("Thank you!")
    assert server.api("GET", "/api/sessions").json()["sessions"][0]["status"] == "ended"


def test_keys_with_nothing_to_do_show_no_error(server: LiveServer, open_page: Callable[..., Page]) -> None:
    """Close before voting opens, or Previous on the join screen, do nothing rather than show an error."""
    info = server.create_session("browser")
    screen = presenter(open_page, server, info["id"], PROJECTOR)
    screen.keyboard.press("ArrowLeft")
    screen.keyboard.press("ArrowRight")
    expect(screen.locator("#q-state")).to_have_text("Voting not open")
    for key in ("c", "h", "r"):
        screen.keyboard.press(key)
    screen.keyboard.press("o")
    expect(screen.locator("#q-state")).to_have_text("Voting open")
    expect(screen.locator(".toast[data-kind=error]")).to_have_count(0)
