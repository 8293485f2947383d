"""End to end in Chromium: a phone ranks options by touch (Arabic, right to left), keyboard and drag."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import BROWSER_TESTS, PHONE, PROJECTOR, TEST_BANKS, LiveServer, wait_until
from tests.test_browser_a11y import serious_violations

pytestmark = BROWSER_TESTS


@pytest.fixture
def banks_dir(banks_dir: Path) -> Path:
    """The bundled banks plus tests/banks/quiz.yaml, whose `order` question is a ranking."""
    shutil.copy(TEST_BANKS / "quiz.yaml", banks_dir / "quiz.yaml")
    return banks_dir


def ranking_open(server: LiveServer) -> dict[str, Any]:
    """A quiz session with its ranking question open."""
    info = server.create_session("quiz")
    server.command(info["id"], "show", question="order")
    server.command(info["id"], "open")
    return info


def stored_orders(server: LiveServer, session: str) -> Any:
    """The ranking results as the facilitator sees them, once some phone has answered."""
    state = server.api("GET", f"/api/sessions/{session}").json()
    return state["results"]["ranking"] if state["responses"] else None


def test_a_phone_ranks_by_touch_in_arabic(server: LiveServer, browser: Any) -> None:
    """Tapping options in order, then moving one up, sends that order; the page is right to left."""
    info = ranking_open(server)
    context = browser.new_context(viewport=PHONE, locale="ar", has_touch=True, is_mobile=True)
    try:
        phone = context.new_page()
        phone.goto(f"{server.url}/j/{info['code']}")
        expect(phone.locator("html")).to_have_attribute("dir", "rtl")
        pool = phone.locator(".rank-pick")
        expect(pool).to_have_count(3)
        send = phone.locator(".ranking .submit")
        for label in ("ارفض", "أبلغ", "سجل"):  # refuse, report, record
            phone.locator(".rank-pick", has_text=label).tap()
        expect(pool).to_have_count(0)
        expect(phone.locator(".rank-item .rank-label")).to_have_text(["ارفض", "أبلغ", "سجل"])
        phone.get_by_role("button", name="نقل إلى أعلى: سجل").tap()  # move "record" up
        expect(phone.locator(".rank-item .rank-label")).to_have_text(["ارفض", "سجل", "أبلغ"])
        expect(send).to_be_enabled()
        send.tap()
        expect(phone.locator("#feedback")).to_have_attribute("data-kind", "ok")
        rows = wait_until(lambda: stored_orders(server, info["id"]))
        assert [(row["id"], row["places"]) for row in rows] == [
            ("refuse", [1, 0, 0]),
            ("record", [0, 1, 0]),
            ("report", [0, 0, 1]),
        ]
    finally:
        context.close()


def test_a_phone_ranks_by_keyboard(server: LiveServer, open_page: Callable[..., Page]) -> None:
    """Enter places the focused option, the arrow keys move an item, and the order is sent and counted."""
    info = ranking_open(server)
    phone = open_page(f"{server.url}/j/{info['code']}")
    first = phone.locator(".rank-pick").first
    expect(first).to_have_text("Report")
    first.focus()
    for _ in range(3):  # each Enter places the option in focus; the focus moves to the next
        phone.keyboard.press("Enter")
    labels = phone.locator(".rank-item .rank-label")
    expect(labels).to_have_text(["Report", "Refuse", "Record"])
    expect(phone.locator(".ranking .submit")).to_be_focused()
    # Move "Record" to the top with the arrow keys, then "Report" to the bottom.
    phone.get_by_role("button", name="Move up: Record").focus()
    phone.keyboard.press("ArrowUp")
    phone.keyboard.press("ArrowUp")
    expect(labels).to_have_text(["Record", "Report", "Refuse"])
    expect(phone.get_by_role("button", name="Move down: Record")).to_be_focused()
    phone.get_by_role("button", name="Move down: Report").focus()
    phone.keyboard.press("ArrowDown")
    expect(labels).to_have_text(["Record", "Refuse", "Report"])
    expect(phone.locator(".ranking [aria-live]")).to_have_text("Report: place 3 of 3")
    phone.locator(".ranking .submit").focus()
    phone.keyboard.press("Enter")
    expect(phone.locator(".feedback-answer")).to_have_text(
        re.compile(r"^1\. Record, 2\. Refuse,? and 3\. Report$")
    )
    rows = wait_until(lambda: stored_orders(server, info["id"]))
    assert [row["id"] for row in rows] == ["record", "refuse", "report"]


def test_a_phone_reorders_by_dragging_an_item(server: LiveServer, open_page: Callable[..., Page]) -> None:
    """Dragging an item by its grip above the first puts it first, and that order is sent and counted."""
    info = ranking_open(server)
    phone = open_page(f"{server.url}/j/{info['code']}")
    for label in ("Refuse", "Record", "Report"):
        phone.get_by_role("button", name=label, exact=True).click()
    labels = phone.locator(".rank-item .rank-label")
    expect(labels).to_have_text(["Refuse", "Record", "Report"])
    grip = phone.locator(".rank-item", has_text="Report").locator(".rank-grip").bounding_box()
    first = phone.locator(".rank-item").first.bounding_box()
    assert grip is not None and first is not None
    phone.mouse.move(grip["x"] + grip["width"] / 2, grip["y"] + grip["height"] / 2)
    phone.mouse.down()
    phone.mouse.move(grip["x"] + grip["width"] / 2, first["y"] + 2, steps=8)  # above the first's middle
    phone.mouse.up()
    expect(labels).to_have_text(["Report", "Refuse", "Record"])
    phone.locator(".ranking .submit").click()
    expect(phone.locator("#feedback")).to_have_attribute("data-kind", "ok")
    rows = wait_until(lambda: stored_orders(server, info["id"]))
    assert [row["id"] for row in rows] == ["report", "refuse", "record"]


def test_the_ranking_form_passes_axe_and_the_presenter_sorts_by_borda(
    server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """The ranking form passes axe; presenter bars and the console's summary are Borda scores, best first."""
    info = ranking_open(server)
    screen = open_page(f"{server.url}/present/{info['id']}#token={server.token}", PROJECTOR)
    phone = open_page(f"{server.url}/j/{info['code']}")
    expect(phone.locator(".rank-pick")).to_have_count(3)
    assert serious_violations(phone) == []
    for label in ("Record", "Refuse", "Report"):
        phone.get_by_role("button", name=label, exact=True).click()
    assert serious_violations(phone) == []
    phone.locator(".ranking .submit").click()
    expect(phone.locator("#feedback")).to_have_attribute("data-kind", "ok")
    screen.wait_for_function(
        "() => { const c = document.querySelector('#chart'); const t = c && c.data && c.data[0];"
        " return !!t && !!t.ids && t.x[0] === 2; }"
    )
    trace = screen.evaluate(
        "() => { const t = document.querySelector('#chart').data[0]; return [t.ids, t.x]; }"
    )
    assert trace == [["record", "refuse", "report"], [2, 1, 0]]
    console = open_page(f"{server.url}/console/{info['id']}#token={server.token}")
    expect(console.locator("#mini .mini-label").first).to_have_text("Record (mean rank 1)")
