"""End to end in Chromium: what a phone shows beyond the question, and the facilitator's home page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import BROWSER_TESTS, PROJECTOR, LiveServer

pytestmark = BROWSER_TESTS

LONG_TITLE = "Integrated border management and the fight against corruption: the regional follow-up"


def closed_with_one_answer(server: LiveServer, open_page: Callable[..., Page], **options: Any) -> Any:
    """A session whose first question got "Too fast" from one phone, then closed: (info, phone)."""
    info = server.create_session("browser", **options)
    server.command(info["id"], "show", question="pace")
    server.command(info["id"], "open")
    phone = open_page(f"{server.url}/j/{info['code']}")
    phone.get_by_role("button", name="Too fast").click()
    expect(phone.locator("#feedback")).to_contain_text("Answer received")
    server.command(info["id"], "close")
    expect(phone.locator(".state")).to_have_text("Voting closed")
    return info, phone


def test_phones_see_the_results_once_revealed_where_the_facilitator_allows(
    server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """With phone results a phone shows counts after the reveal, and at the end what it answered and saw."""
    info, phone = closed_with_one_answer(server, open_page, hide_results=True, phone_results=True)
    assert info["phone_results"] is True
    expect(phone.locator(".results")).to_have_count(0)  # the room has not seen them yet
    server.command(info["id"], "reveal")
    rows = phone.locator(".results-row")
    expect(rows).to_have_count(3)
    expect(rows.nth(2)).to_contain_text("Too fast")
    expect(rows.nth(2).locator(".results-count")).to_have_text("1")

    server.command(info["id"], "end")
    expect(phone.locator("#main")).to_contain_text("You answered 1 question.")
    expect(phone.locator(".summary")).to_contain_text("The results you saw")
    expect(phone.locator(".summary .results-title")).to_have_text("How was the pace?")


def test_phones_see_no_results_by_default_but_still_their_count_at_the_end(
    server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """Without phone results nothing of the results reaches a phone; the end still counts its answers."""
    info, phone = closed_with_one_answer(server, open_page)
    expect(phone.locator(".results")).to_have_count(0)
    server.command(info["id"], "end")
    expect(phone.locator("#main")).to_contain_text("You answered 1 question.")
    expect(phone.locator(".results")).to_have_count(0)


def test_the_home_page_lets_phones_see_results(server: LiveServer, open_page: Callable[..., Page]) -> None:
    """Ticking the phone results box on the home page makes a session whose phones see results."""
    home = open_page(f"{server.url}/host#token={server.token}", PROJECTOR)
    home.get_by_label("Phones also see the results once shown").check()
    home.locator(".bank", has_text="Browser checks").get_by_role("button", name="Start session").click()
    home.wait_for_url("**/present/**")
    [session] = server.api("GET", "/api/sessions").json()["sessions"]
    assert session["phone_results"] is True and session["hide_results"] is False


def test_a_text_question_says_answers_are_read_first(
    server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """Before sending open text, the phone says the facilitator reads answers before they are shown."""
    info = server.create_session("browser")
    server.command(info["id"], "show", question="change")
    server.command(info["id"], "open")
    phone = open_page(f"{server.url}/j/{info['code']}", locale="fr-FR")
    expect(phone.locator(".note")).to_have_text(
        "L’animateur lit chaque réponse avant qu’elle n’apparaisse à l’écran."
    )


def test_a_long_title_is_shown_whole_and_a_closed_question_breathes(
    server_factory: Any, banks_dir: Path, open_page: Callable[..., Page]
) -> None:
    """The phone's header wraps a long session title; a closed question keeps space above its options."""
    bank = (Path(__file__).parent / "banks" / "browser.yaml").read_text(encoding="utf-8")
    (banks_dir / "long.yaml").write_text(
        bank.replace("{en: Browser checks, ru: Проверка в браузере}", f"{{en: '{LONG_TITLE}', ru: Длинное}}"),
        encoding="utf-8",
    )
    server: LiveServer = server_factory()
    server.start()
    info = server.create_session("long")
    server.command(info["id"], "show", question="pace")
    phone = open_page(f"{server.url}/j/{info['code']}")
    title = phone.locator("#title")
    expect(title).to_have_text(LONG_TITLE)
    assert title.evaluate("(n) => n.scrollWidth <= n.clientWidth && n.scrollHeight <= n.clientHeight")

    server.command(info["id"], "open")
    server.command(info["id"], "close")
    expect(phone.locator(".state")).to_have_text("Voting closed")
    gap = phone.evaluate(
        "() => document.querySelector('.choice').getBoundingClientRect().top"
        " - document.querySelector('.prompt').getBoundingClientRect().bottom"
    )
    assert gap >= 12


@pytest.fixture
def shelf(server_factory: Any, banks_dir: Path) -> LiveServer:
    """A server whose banks include one with a warning (a missing translation) and one with an error."""
    (banks_dir / "partial.yaml").write_text(
        "title: {en: Partial, ru: Частичный}\nlanguages: [en, ru]\n"
        "questions:\n  - {id: q, type: text, prompt: {en: Hello}}\n",
        encoding="utf-8",
    )
    (banks_dir / "broken.yaml").write_text(
        "title: Broken\nquestions:\n  - {id: q, type: poll, prompt: Hi}\n", encoding="utf-8"
    )
    live: LiveServer = server_factory()
    live.start()
    return live


def test_the_home_page_tells_warnings_from_errors_and_follows_the_bank_files(
    shelf: LiveServer, banks_dir: Path, open_page: Callable[..., Page]
) -> None:
    """Warnings are amber, a broken bank says it has errors (not "0 questions"), new files appear live."""
    home = open_page(f"{shelf.url}/host#token={shelf.token}", PROJECTOR)
    partial = home.locator(".bank", has_text="Partial")
    broken = home.locator("[data-bank=broken]")
    expect(partial.locator(".bank-problems.is-warning")).to_contain_text("missing translation")
    expect(partial.get_by_role("button", name="Start session")).to_be_enabled()
    warning = partial.locator(".bank-problems").evaluate("(n) => getComputedStyle(n).backgroundColor")
    error = broken.locator(".bank-problems.is-error").evaluate("(n) => getComputedStyle(n).backgroundColor")
    assert warning != error
    expect(broken.locator(".bank-meta")).to_contain_text("has errors, see below")
    expect(broken.locator(".bank-meta")).not_to_contain_text("0 questions")

    (banks_dir / "fresh.yaml").write_text(
        "title: Freshly written\nquestions:\n  - {id: q, type: text, prompt: Hi}\n", encoding="utf-8"
    )
    expect(home.locator(".bank", has_text="Freshly written")).to_be_visible(timeout=15000)


# Records the page's state each time it makes a WebSocket, before any script of the page runs.
COUNT_SOCKETS = """(() => {
  const Native = window.WebSocket;
  window.socketsMade = [];
  function Counted(url, protocols) {
    window.socketsMade.push(document.readyState);
    return protocols === undefined ? new Native(url) : new Native(url, protocols);
  }
  Counted.prototype = Native.prototype;
  Object.assign(Counted, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
  window.WebSocket = Counted;
})()"""
FEATURE_MODULES = ("qna.js", "qnalist.js", "paced.js", "ranking.js", "quizphone.js")


def answered_on_watched_phone(server: LiveServer, browser: Any) -> tuple[Any, Page, list[str]]:
    """A session whose open question a phone answered, on a page that counts its WebSockets:
    the session, the page, and the URLs the page requested."""
    info = server.create_session("browser")
    server.command(info["id"], "show", question="pace")
    server.command(info["id"], "open")
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="en-GB")
    context.add_init_script(COUNT_SOCKETS)
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{server.url}/j/{info['code']}")
    page.get_by_role("button", name="Too fast").click()
    expect(page.locator("#feedback")).to_contain_text("Answer received")
    return info, page, requested


def test_the_phone_connects_while_its_page_still_loads(server: LiveServer, browser: Any) -> None:
    """The page's inline script opens the one connection as the page starts; the phone answers on it."""
    info, phone, _ = answered_on_watched_phone(server, browser)
    try:
        # Made while the document was still being read (not by the modules, which run after it),
        # and the only one: the modules took it over rather than opening their own.
        assert phone.evaluate("window.socketsMade") == ["loading"]
        assert server.api("GET", f"/api/sessions/{info['id']}").json()["responses"] == 1
    finally:
        phone.context.close()


def test_feature_modules_load_only_when_the_session_uses_them(server: LiveServer, browser: Any) -> None:
    """A plain question fetches no Q&A, quiz, self-paced or ranking module; opening Q&A fetches its own."""
    info, phone, requested = answered_on_watched_phone(server, browser)
    try:
        assert not [url for url in requested if url.endswith(FEATURE_MODULES)], requested
        server.api("POST", f"/api/sessions/{info['id']}/qna", {"open": True})
        phone.locator("#tab-qna").click()
        expect(phone.get_by_role("button", name="Ask")).to_be_visible()
        loaded = {url.rsplit("/", 1)[-1] for url in requested if url.endswith(FEATURE_MODULES)}
        assert loaded == {"qna.js", "qnalist.js"}, requested
    finally:
        phone.context.close()
