"""End to end in Chromium: a slide with its picture on the projector and on a phone."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.conftest import BROWSER_TESTS, PROJECTOR, LiveServer
from tests.test_live_images import photo_bank

pytestmark = BROWSER_TESTS


def test_a_slide_with_a_picture_shows_with_its_alt_text_on_the_presenter_and_a_phone(
    server_factory: Any, banks_dir: Path, open_page: Callable[..., Page]
) -> None:
    """The slide's title, bold body and loaded picture with its alt, in each reader's language (on the
    projector in two, one under the other, when asked); then an option's picture on the phone."""
    photo_bank(banks_dir)
    server: LiveServer = server_factory()
    server.start()
    info = server.create_session("photos")
    server.command(info["id"], "next")
    screen = open_page(f"{server.url}/present/{info['id']}#token={server.token}", PROJECTOR)
    phone = open_page(f"{server.url}/j/{info['code']}", locale="ru-RU")

    expect(screen.locator("#q-prompt")).to_have_text("A seized object")
    expect(screen.locator("#q-slide strong")).to_have_text("secondary")
    shown = screen.locator("#q-slide img")
    expect(shown).to_have_attribute("alt", "A clay figure on a table")
    expect(shown).to_have_attribute("src", f"/images/{photo_hash(server, info)}/screen.webp")
    expect(screen.locator("#q-results")).to_be_hidden()
    expect(screen.locator("#next-label")).to_have_text("Next question")
    expect(screen.locator("#controls [data-command=open]")).to_be_disabled()

    expect(phone.locator(".slide h2")).to_have_text("Изъятый предмет")
    expect(phone.locator(".slide strong")).to_have_text("углублённом")
    small = phone.locator(".slide img")
    expect(small).to_have_attribute("alt", "Глиняная фигурка на столе")
    expect(small).to_have_attribute("src", f"/images/{photo_hash(server, info)}/phone.webp")
    for page, picture in ((screen, shown), (phone, small)):
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=picture.element_handle())
    assert phone.locator(".slide button").count() == 0  # nothing to answer on a slide

    server.api("POST", f"/api/sessions/{info['id']}/languages", {"languages": ["en", "ru"]})
    expect(screen.locator("#q-slide .slide-body")).to_have_count(2)
    expect(screen.locator("#q-slide .slide-body[lang=ru] strong")).to_have_text("углублённом")

    screen.keyboard.press("ArrowRight")
    expect(screen.locator("#q-prompt")).to_have_text("Genuine?")
    expect(screen.locator("#q-slide")).to_be_hidden()
    option = phone.locator(".choice[data-value=fake] img")
    expect(option).to_have_attribute("alt", "Та же фигурка снизу")
    expect(option).to_have_attribute("src", f"/images/{photo_hash(server, info)}/phone.webp")


def photo_hash(server: LiveServer, info: dict[str, str]) -> str:
    state = server.api("GET", f"/api/sessions/{info['id']}").json()
    digest: str = state["questions"][0]["image"]["hash"]
    return digest
