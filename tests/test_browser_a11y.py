"""Accessibility in Chromium: axe-core finds nothing serious on any page; phones announce questions well."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.conftest import BROWSER_TESTS, PROJECTOR, LiveServer

pytestmark = BROWSER_TESTS

# axe-core from the test dependency's own copy, run in the page: no outside URL.
AXE = Axe()


def serious_violations(page: Page) -> list[str]:
    """What axe-core finds of serious or critical impact on the page as it is now."""
    results = AXE.run(page)
    found: list[dict[str, Any]] = results.response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def open_session(server: LiveServer) -> dict[str, Any]:
    """A session of the browser bank with its first question open."""
    info = server.create_session("browser")
    server.command(info["id"], "show", question="pace")
    server.command(info["id"], "open")
    return info


@pytest.mark.parametrize(
    "page_name", ["home", "host", "join", "console", "presenter", "screen", "presenter-join", "join-end"]
)
def test_no_page_has_serious_accessibility_violations(
    server: LiveServer, open_page: Callable[..., Page], page_name: str
) -> None:
    """axe-core, run in Chromium on each page in use, reports no serious or critical violation."""
    info = open_session(server)
    waiting = server.create_session("browser")
    token = f"#token={server.token}"
    urls = {
        "home": ("/", None, "#code"),
        "host": (f"/host{token}", PROJECTOR, ".bank"),
        "join": (f"/j/{info['code']}", None, ".choice"),
        "console": (f"/console/{info['id']}{token}", None, "#questions li"),
        "presenter": (f"/present/{info['id']}{token}", PROJECTOR, "#q-prompt:not(:empty)"),
        "screen": (f"/screen/{info['id']}/{info['screen_key']}", PROJECTOR, "#q-prompt:not(:empty)"),
        "presenter-join": (f"/present/{waiting['id']}{token}", PROJECTOR, "#join-qr"),
        "join-end": (f"/j/{info['code']}", None, ".summary"),
    }
    if page_name == "join-end":
        server.command(info["id"], "end")
    path, viewport, ready = urls[page_name]
    page = open_page(server.url + path, viewport or {"width": 360, "height": 640})
    expect(page.locator(ready).first).to_be_visible()
    assert serious_violations(page) == []


def test_the_options_are_a_group_named_by_the_question(
    server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """A screen reader entering the options hears the question: the group's name is its prompt."""
    info = open_session(server)
    phone = open_page(f"{server.url}/j/{info['code']}")
    group = phone.get_by_role("group", name="How was the pace?")
    expect(group).to_be_visible()
    expect(group).to_have_accessible_description("Choose one answer")
    expect(group.get_by_role("button")).to_have_count(3)


def test_scale_points_are_announced_with_their_place_and_end_labels(
    server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """Scale buttons say "1 of 5, Not at all" … "5 of 5, Very", not bare numbers, in the phone's language."""
    info = server.create_session("browser")
    server.command(info["id"], "show", question="useful")
    server.command(info["id"], "open")
    phone = open_page(f"{server.url}/j/{info['code']}")
    group = phone.get_by_role("group", name="How useful was the day?")
    names = [group.get_by_role("button").nth(i).get_attribute("aria-label") for i in range(5)]
    assert names == ["1 of 5, Not at all", "2 of 5", "3 of 5", "4 of 5", "5 of 5, Very"]
    phone.get_by_role("button", name="3 of 5").click()
    expect(phone.locator("#feedback")).to_contain_text("Answer received")

    russian = open_page(f"{server.url}/j/{info['code']}", locale="ru-RU")
    expect(russian.get_by_role("button", name="5 из 5, Очень")).to_be_enabled()


def luminance(color: str) -> float:
    """The relative luminance of a CSS rgb() colour (WCAG 2)."""
    channels = [int(part) / 255 for part in color[color.index("(") + 1 : color.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("page_name", ["join", "host"])
def test_the_focus_ring_is_thick_and_contrasted(
    server: LiveServer, open_page: Callable[..., Page], page_name: str
) -> None:
    """The keyboard focus ring is at least 2px thick with 3:1 contrast against the page (WCAG 2.2)."""
    info = open_session(server)
    if page_name == "join":
        page = open_page(f"{server.url}/j/{info['code']}")
        expect(page.locator(".choice").first).to_be_enabled()
        target = ".choice"
    else:
        page = open_page(f"{server.url}/host#token={server.token}", PROJECTOR)
        expect(page.locator(".bank").first).to_be_visible()
        target = ".bank button"
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", target):
            break
    ring = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor]; }"
    )
    assert ring[0] == "solid" and ring[1] >= 2
    assert contrast(ring[2], "rgb(255, 255, 255)") >= 3, ring
