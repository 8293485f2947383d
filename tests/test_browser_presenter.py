"""End to end in Chromium: the presenter on the projector, as the room sees it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
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


def test_the_console_next_past_the_last_question_asks_to_end(
    server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """On the console, Next after the last question opens the end confirmation instead of an error."""
    info = at_last_question_closed(server)
    console = open_page(f"{server.url}/console/{info['id']}#token={server.token}")
    expect(console.locator("#next-label")).to_have_text("End session")
    console.locator("#next").click()
    expect(console.locator("#end-confirm")).to_be_visible()
    expect(console.locator(".toast[data-kind=error]")).to_have_count(0)
    assert server.api("GET", "/api/sessions").json()["sessions"][0]["status"] == "running"


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


def inside(box: dict[str, float], viewport: dict[str, int]) -> bool:
    return (
        box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= viewport["width"]
        and box["y"] + box["height"] <= viewport["height"]
    )


def overlaps(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1024, "height": 768}, {"width": 1366, "height": 768}, {"width": 1920, "height": 1080}],
    ids=lambda v: f"{v['width']}x{v['height']}",
)
def test_the_join_screen_fits_the_projector(
    server: LiveServer, open_page: Callable[..., Page], viewport: dict[str, int]
) -> None:
    """The QR code and the code are fully on screen and clear of the control bar, title in two languages."""
    info = server.create_session("browser")
    screen = presenter(open_page, server, info["id"], viewport)
    screen.locator("#display-lang-2").select_option("ru")
    expect(screen.locator("#join-title")).to_contain_text("Проверка в браузере")
    screen.mouse.move(viewport["width"] // 2, viewport["height"] // 2)
    controls = screen.locator("#controls")
    expect(controls).to_be_visible()
    screen.wait_for_function("() => document.querySelector('#join-qr').complete")
    bar = controls.bounding_box()
    assert bar is not None
    for selector in ("#join-qr", "#join-code", "#join-url"):
        box = screen.locator(selector).bounding_box()
        assert box is not None and box["width"] > 0
        assert inside(box, viewport), f"{selector} {box} leaves the {viewport} screen"
        assert not overlaps(box, bar), f"{selector} {box} is under the control bar {bar}"
    code = screen.locator("#join-code")
    assert code.evaluate("(node) => node.scrollWidth <= node.clientWidth + 1")
    qr = screen.locator("#join-qr").bounding_box()
    assert qr is not None and qr["height"] >= 0.4 * viewport["height"], "the QR code stays big enough to scan"


def test_two_votes_against_one_is_no_landslide_in_the_word_cloud(
    live_server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """A word with 2 votes is only a little bigger than a word with 1, not several times its size."""
    info = live_server.create_session("e2e")
    live_server.command(info["id"], "show", question="word")
    live_server.command(info["id"], "open")
    screen = presenter(open_page, live_server, info["id"], PROJECTOR)
    for word in ("Trust", "Trust", "Honesty"):
        phone = open_page(f"{live_server.url}/j/{info['code']}")
        phone.locator("input.input").fill(word)
        phone.get_by_role("button", name="Send").click()
        expect(phone.locator("#feedback")).to_contain_text("Answer received")
    words = screen.locator("#cloud .cloud-word")
    expect(words).to_have_count(2)
    expect(words.filter(has_text="Trust")).to_have_attribute("title", "2")
    size = {
        name: float(words.filter(has_text=name).evaluate("(n) => parseFloat(getComputedStyle(n).fontSize)"))
        for name in ("Trust", "Honesty")
    }
    assert 1 < size["Trust"] / size["Honesty"] <= 1.25, size
