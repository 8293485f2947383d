"""End to end in Chromium: phones answer the segment questions as they join, the console breaks
a question down by group and puts it on the presenter screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.conftest import BROWSER_TESTS, PHONE, PROJECTOR, LiveServer, wait_until
from tests.test_browser_a11y import serious_violations

pytestmark = BROWSER_TESTS


def _join(server: LiveServer, open_page: Callable[..., Page], code: str, experience: str | None) -> Page:
    """A phone that joins, says it works for customs, and gives its experience or declines."""
    phone = open_page(f"{server.url}/j/{code}", viewport=PHONE)
    expect(phone.locator(".state")).to_have_text("About you")
    assert serious_violations(phone) == []
    expect(phone.locator("#prompt")).to_have_text("Which service do you work for?")
    phone.get_by_role("button", name="Customs").click()
    expect(phone.locator("#prompt")).to_have_text("How long have you served?")
    phone.get_by_role("button", name=experience or "Prefer not to say").click()
    expect(phone.locator("#main")).to_contain_text("Waiting for the next question")
    return phone


def test_phones_answer_at_join_and_the_console_shows_the_breakdown_on_the_screen(
    live_server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """Two phones answer the service question as they join (no question open); the console
    breaks the pace question down by service, and its button puts that on the presenter; the
    join card and the console's breakdown pass the axe check."""
    info = live_server.create_session(min_group=2)
    phones = [_join(live_server, open_page, info["code"], given) for given in ("5 to 14 years", None)]

    def stored() -> Any:
        answers = live_server.api("GET", f"/api/sessions/{info['id']}/export.json").json()["answers"]
        return sorted((a["question"], a["value"]) for a in answers)

    wait_until(lambda: stored() == [("experience", "5-14"), ("service", "customs"), ("service", "customs")])
    live_server.command(info["id"], "show", question="pace")
    live_server.command(info["id"], "open")
    for phone in phones:
        phone.get_by_role("button", name="About right").click()
        expect(phone.locator("#feedback")).to_have_attribute("data-kind", "ok")

    console = open_page(f"{live_server.url}/console/{info['id']}#token={live_server.token}")
    console.get_by_label("Break down by").select_option("service")
    view = console.locator("#breakdown-view")
    expect(view).to_contain_text("Customs")
    expect(view).to_contain_text("100%")
    assert serious_violations(console) == []
    console.get_by_role("button", name="Show on the screen").click()
    wait_until(lambda: live_server.api("GET", f"/api/sessions/{info['id']}").json()["segment"] == "service")

    screen = open_page(f"{live_server.url}/present/{info['id']}#token={live_server.token}")
    expect(screen.locator("#breakdown-note")).to_contain_text("By Which service do you work for?")
    expect(screen.locator("#chart")).to_contain_text("Customs (2)")


def test_the_home_page_sets_a_sessions_smallest_group(
    live_server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """The home page's "Smallest group shown" field becomes the new session's min_group."""
    home = open_page(f"{live_server.url}/host#token={live_server.token}", PROJECTOR)
    home.get_by_label("Smallest group shown by group (empty: the server's)").fill("8")
    home.locator('li[data-bank="workshop-evaluation"]').get_by_role("button", name="Start session").click()
    home.wait_for_url("**/present/**")
    assert live_server.api("GET", "/api/sessions").json()["sessions"][0]["min_group"] == 8
