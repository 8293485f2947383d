"""End to end in Chromium: a participant who types the address enters the code on the page itself."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import BROWSER_TESTS, PROJECTOR, LiveServer

pytestmark = BROWSER_TESTS


@pytest.mark.parametrize("path", ["/", "/j/"])
def test_a_phone_types_the_address_then_the_code_and_is_in(
    server: LiveServer, open_page: Callable[..., Page], path: str
) -> None:
    """The bare address asks for the code in the phone's language; the code, typed loosely, leads in."""
    info = server.create_session("browser")
    phone = open_page(server.url + path, locale="ru-RU")

    field = phone.get_by_label("Код сессии")
    expect(field).to_be_visible()
    expect(phone.get_by_role("link", name="Вход для ведущего")).to_have_attribute("href", "/host")
    field.fill(" " + info["code"].lower() + " ")
    field.press("Enter")

    phone.wait_for_url(f"**/j/{info['code']}")
    expect(phone.locator("#main")).to_contain_text("Ждём следующий вопрос")
    assert server.api("GET", "/api/sessions").json()["sessions"][0]["participants"] == 1


def test_a_wrong_code_is_explained_in_the_phone_language(
    server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """A code that matches no session stays on the page with a message in French, and can be corrected."""
    info = server.create_session("browser")
    phone = open_page(f"{server.url}/", locale="fr-FR")
    field = phone.get_by_label("Code de la session")

    phone.get_by_role("button", name="Rejoindre").click()
    expect(phone.get_by_role("alert")).to_have_text("Saisissez d’abord le code.")
    field.fill("XXXXX")
    phone.get_by_role("button", name="Rejoindre").click()
    expect(phone.get_by_role("alert")).to_contain_text("Aucune session avec ce code")
    expect(field).to_have_value("XXXXX")
    assert phone.url == f"{server.url}/"

    field.fill(info["code"])
    phone.get_by_role("button", name="Rejoindre").click()
    phone.wait_for_url(f"**/j/{info['code']}")


def test_a_mistyped_join_link_offers_the_code_field(
    server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """/j/ with a code that does not exist says so and lets the phone type the right one."""
    info = server.create_session("browser")
    phone = open_page(f"{server.url}/j/AAAAA")
    expect(phone.get_by_role("alert")).to_contain_text("No session with this code")
    phone.get_by_label("Session code").fill(info["code"])
    phone.get_by_role("button", name="Join").click()
    phone.wait_for_url(f"**/j/{info['code']}")
    expect(phone.locator("#main")).to_contain_text("Waiting for the next question")


def test_the_facilitator_page_lives_at_host_and_old_links_still_work(
    server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """/host#token= opens the banks; a facilitator link of the old form /#token= is sent there."""
    home = open_page(f"{server.url}/host#token={server.token}", PROJECTOR)
    expect(home.locator(".bank", has_text="Browser checks")).to_be_visible()
    old = open_page(f"{server.url}/#token={server.token}", PROJECTOR)
    old.wait_for_url("**/host")
    expect(old.locator(".bank", has_text="Browser checks")).to_be_visible()


def test_the_presenter_names_the_address_where_the_code_is_typed(
    server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """The join screen shows the bare address and the code, the two things a phone types."""
    info = server.create_session("browser")
    screen = open_page(f"{server.url}/screen/{info['id']}/{info['screen_key']}", PROJECTOR)
    expect(screen.locator("#join-code")).to_have_text(info["code"])
    expect(screen.locator("#join-url")).to_have_text(server.url.removeprefix("http://"))
    server.command(info["id"], "next")
    expect(screen.locator("#q-join-url")).to_have_text(server.url.removeprefix("http://"))
