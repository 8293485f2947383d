"""Hostile text in banks and answers shows as text on every page and never runs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import BROWSER_TESTS, PHONE, PROJECTOR, LiveServer

pytestmark = BROWSER_TESTS

# Each sets a flag if a page ever runs it as HTML.
IMG = '<img src=x onerror="window.pwned=1">'
SCRIPT = "<script>window.pwned=2</script>"
HOSTILE_BANK = f"""\
title: '{IMG} Workshop'
questions:
  - id: pick
    type: single
    prompt: '{SCRIPT} Pick one'
    options:
      - {{id: a, label: '{IMG} first'}}
      - {{id: b, label: plain second}}
  - id: rate
    type: scale
    prompt: Rate it
    min_label: '{IMG} low'
    max_label: high
  - id: word
    type: wordcloud
    prompt: One word
  - id: say
    type: text
    prompt: Say it
"""


@pytest.fixture
def server(server_factory: Any, banks_dir: Path) -> LiveServer:
    """A running server with a bank whose texts carry HTML and script."""
    (banks_dir / "hostile.yaml").write_text(HOSTILE_BANK, encoding="utf-8")
    live: LiveServer = server_factory()
    live.start()
    return live


def assert_inert(page: Page) -> None:
    """Nothing ran, no injected element exists, and the hostile text is shown literally."""
    assert page.evaluate("window.pwned") is None
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"], body script:not([src])').length") == 0


def test_hostile_bank_texts_and_answers_stay_text_everywhere(
    server: LiveServer,
    open_page: Callable[..., Page],
) -> None:
    """Bank texts and answers with <img onerror> and <script> are shown as text on the home,
    participant, presenter, screen and console pages, and no script of theirs runs."""
    info = server.create_session("hostile")
    server.command(info["id"], "show", question="pick")
    server.command(info["id"], "open")
    home = open_page(f"{server.url}/host#token={server.token}", PROJECTOR)
    expect(home.locator("body")).to_contain_text("onerror")
    presenter = open_page(f"{server.url}/present/{info['id']}#token={server.token}", PROJECTOR)
    screen = open_page(f"{server.url}/screen/{info['id']}/{info['screen_key']}", PROJECTOR)
    console = open_page(f"{server.url}/console/{info['id']}#token={server.token}")
    phone = open_page(f"{server.url}/j/{info['code']}", PHONE)

    expect(phone.locator("body")).to_contain_text("<script>window.pwned=2</script> Pick one")
    phone.get_by_role("button", name=f"{IMG} first").click()
    expect(phone.locator("body")).to_contain_text("first")
    for page in (presenter, screen, console):
        expect(page.locator("body")).to_contain_text("<script>window.pwned=2</script> Pick one")

    server.command(info["id"], "show", question="rate")
    expect(phone.locator("body")).to_contain_text(f"{IMG} low")

    server.command(info["id"], "show", question="word")
    server.command(info["id"], "open")
    phone.locator("input[type=text], input:not([type])").first.fill("<b onmouseover=x>bold</b>")
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator("#feedback")).to_contain_text("<b onmouseover=x>bold</b>")
    expect(presenter.locator("body")).to_contain_text("<b onmouseover=x>bold</b>")

    server.command(info["id"], "show", question="say")
    server.command(info["id"], "open")
    phone.locator("textarea").fill(IMG + " and " + SCRIPT)
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator("#feedback")).to_contain_text("onerror")
    expect(console.locator("body")).to_contain_text(IMG + " and " + SCRIPT)
    answer = server.api("GET", f"/api/sessions/{info['id']}").json()["texts"][0]["id"]
    server.api(
        "POST",
        f"/api/sessions/{info['id']}/moderate",
        {"question": "say", "answer": answer, "status": "approved"},
    )
    expect(presenter.locator("body")).to_contain_text(IMG + " and " + SCRIPT)
    expect(screen.locator("body")).to_contain_text(IMG + " and " + SCRIPT)

    for page in (home, presenter, screen, console, phone):
        assert_inert(page)
