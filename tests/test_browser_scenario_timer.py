"""End to end in Chromium: an inject with `after` counts down on every page and moves on by itself."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import BROWSER_TESTS, PHONE, PROJECTOR, LiveServer, serving
from tests.test_browser_a11y import serious_violations

pytestmark = BROWSER_TESTS

# A phone whose clock runs an hour fast: it must still count the server's seconds.
FAST_CLOCK = """
(() => {
  const now = Date.now.bind(Date);
  Date.now = () => now() + 3600 * 1000;
})();
"""

SECONDS_LEFT = re.compile(r"^Next step in [1-5] s$")
SECONDS_LEFT_AR = re.compile(r"^الخطوة التالية بعد [١-٥1-5] ث$")


@pytest.fixture
def timed_server(server_factory: Any, banks_dir: Path) -> LiveServer:
    """A server with tests/banks/browser-timed-exercise.yaml: two injects of `after: 5`, then a decision."""
    return serving(server_factory, banks_dir, "browser-timed-exercise.yaml")


@pytest.fixture
def fast_phone(browser: Any) -> Iterator[Callable[[str], Page]]:
    """Open a URL on an Arabic phone whose clock is an hour ahead of the server's."""
    contexts = []

    def open_(url: str) -> Page:
        context = browser.new_context(viewport=PHONE, locale="ar")
        context.add_init_script(FAST_CLOCK)
        contexts.append(context)
        page: Page = context.new_page()
        page.goto(url)
        return page

    yield open_
    for context in contexts:
        context.close()


def test_an_inject_with_after_counts_down_everywhere_and_moves_on_by_itself(
    timed_server: LiveServer, open_page: Callable[..., Page], fast_phone: Callable[[str], Page]
) -> None:
    """While the room's inject has `after: 5`, the presenter, the phones (one in Arabic, right to
    left, its clock an hour fast) and the console's card count down the server's seconds; holding
    the track hides the count, releasing it brings it back, and the pages then move on by
    themselves to the next step, where the count is gone."""
    server = timed_server
    info = server.create_session("browser-timed-exercise")
    token = f"#token={server.token}"
    console = open_page(f"{server.url}/console/{info['id']}{token}")
    presenter = open_page(f"{server.url}/present/{info['id']}{token}", PROJECTOR)
    phone = open_page(f"{server.url}/j/{info['code']}")
    arabic = fast_phone(f"{server.url}/j/{info['code']}")

    console.locator("#scenario-go").click()  # room mode
    prompt = presenter.locator("#scen-prompt")
    expect(prompt).to_have_text("A bus at the crossing")
    # Hold the room at the next inject while it is still at the first: no race with its timer.
    console.locator("#scenario-hold-step").select_option("briefing")
    console.locator("#scenario-hold").click()
    expect(console.locator(".scenario-hold")).to_contain_text("The driver hands over the passenger list")

    expect(presenter.locator("#scen-countdown")).to_have_text(SECONDS_LEFT)
    expect(phone.locator("#scenario-countdown")).to_have_text(SECONDS_LEFT)
    expect(arabic.locator("#scenario-countdown")).to_have_text(SECONDS_LEFT_AR)
    card = console.locator('.scenario-track[data-team="room"]')
    expect(card.locator(".scen-countdown")).to_have_text(SECONDS_LEFT)
    assert arabic.locator("#scenario").evaluate("node => getComputedStyle(node).direction") == "rtl"
    assert serious_violations(presenter) == []
    assert serious_violations(arabic) == []

    # The first inject moves on by itself, to the step held: no count while held.
    expect(prompt).to_have_text("The driver hands over the passenger list")
    expect(presenter.locator("#scen-status")).to_have_text("Paused")
    for page in (presenter, phone, arabic, console):
        expect(page.locator(".scen-countdown")).to_have_count(0)
    expect(phone.locator("#prompt")).to_have_text("The driver hands over the passenger list")

    console.locator("#scenario-release").click()
    expect(presenter.locator("#scen-countdown")).to_have_text(SECONDS_LEFT)
    expect(phone.locator("#scenario-countdown")).to_have_text(SECONDS_LEFT)
    expect(arabic.locator("#scenario-countdown")).to_have_text(SECONDS_LEFT_AR)
    expect(card.locator(".scen-countdown")).to_have_text(SECONDS_LEFT)
    assert serious_violations(console) == []

    # Released, the inject's timer runs again and the room reaches the decision by itself.
    expect(prompt).to_have_text("Two names are missing: what do you do?")
    expect(phone.locator("#prompt")).to_have_text("Two names are missing: what do you do?")
    expect(arabic.locator('.choice[data-value="check"]')).to_be_enabled()
    for page in (presenter, phone, arabic, console):
        expect(page.locator(".scen-countdown")).to_have_count(0)
