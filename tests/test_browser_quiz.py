"""End to end in Chromium: a live quiz on two phones in two languages, one of them Arabic
(right to left), each seeing its own countdown, feedback and rank; the presenter marks the
right option, explains it and shows the leaderboard."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import BROWSER_TESTS, PROJECTOR, TEST_BANKS, LiveServer

pytestmark = BROWSER_TESTS


@pytest.fixture
def banks_dir(banks_dir: Path) -> Path:
    """The bundled banks plus tests/banks/quiz.yaml (English and Arabic, 20 seconds a question)."""
    shutil.copy(TEST_BANKS / "quiz.yaml", banks_dir / "quiz.yaml")
    return banks_dir


def test_a_quiz_on_an_english_and_an_arabic_phone(
    live_server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """Each phone counts down, answers, picks a nickname, and after the reveal sees its own
    result, the right answer and the explanation in its own language, and its place."""
    info = live_server.create_session("quiz", leaderboard=True)
    presenter = open_page(f"{live_server.url}/present/{info['id']}#token={live_server.token}", PROJECTOR)
    english = open_page(f"{live_server.url}/j/{info['code']}", locale="en-GB")
    arabic = open_page(f"{live_server.url}/j/{info['code']}", locale="ar")
    expect(arabic.locator("html")).to_have_attribute("dir", "rtl")

    live_server.command(info["id"], "show", question="treaty")
    live_server.command(info["id"], "open")
    for phone in (english, arabic):
        expect(phone.locator("#countdown")).to_be_visible()
    expect(english.locator("#countdown")).to_contain_text("s left")
    expect(presenter.locator("#q-countdown")).to_be_visible()

    english.get_by_role("button", name="UNCAC").click()
    expect(english.locator("#feedback")).to_contain_text("Answer received")
    arabic.get_by_role("button", name="مدونة محلية").click()
    expect(arabic.locator("#feedback")).to_have_attribute("data-kind", "ok")
    english.locator("#nickname").fill("  Ana  ")
    english.get_by_role("button", name="Save").click()
    expect(english.locator("#player-status")).to_have_text("Saved")

    live_server.command(info["id"], "close")
    live_server.command(info["id"], "reveal")
    mine = english.locator("#quiz-feedback")
    expect(mine).to_have_attribute("data-verdict", "right")
    expect(mine).to_contain_text("Right!")
    expect(mine).to_contain_text("UNCAC has almost every state as a party.")
    expect(mine).to_contain_text("Points: 1")
    expect(english.locator("#quiz-score")).to_contain_text("Place 1 of 2")

    theirs = arabic.locator("#quiz-feedback")
    expect(theirs).to_have_attribute("data-verdict", "wrong")
    expect(theirs).to_contain_text("إجابة غير صحيحة")
    expect(theirs).to_contain_text("الإجابة الصحيحة: اتفاقية الأمم المتحدة لمكافحة الفساد")
    expect(theirs.locator(".quiz-explanation")).to_have_text("تضم الاتفاقية جميع الدول تقريبا.")
    expect(theirs.locator(".quiz-explanation")).to_have_attribute("dir", "rtl")
    expect(arabic.locator("#quiz-score")).to_contain_text("المرتبة")

    expect(presenter.locator("#q-explanation")).to_contain_text("UNCAC has almost every state")
    expect(presenter.locator("#leaderboard")).to_be_visible()
    expect(presenter.locator("#leaderboard-list li")).to_have_count(1)
    expect(presenter.locator("#leaderboard-list")).to_contain_text("Ana")
    ticks: Any = presenter.evaluate("() => document.getElementById('chart').data[0].marker.color")
    assert ticks[0] != ticks[1], "the right option is marked apart from the wrong one"


def test_the_console_turns_the_leaderboard_on_sets_teams_and_hides_a_nickname(
    live_server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """The console's toggle turns the leaderboard on, its team list reaches the phone's team picker,
    a nickname shows in the console and can be hidden there, and the toggle turns it all off."""
    info = live_server.create_session("quiz")
    console = open_page(f"{live_server.url}/console/{info['id']}#token={live_server.token}")
    phone = open_page(f"{live_server.url}/j/{info['code']}")
    expect(phone.locator("#nickname")).to_have_count(0)  # off by default: nothing to fill in
    console.locator("#leaderboard-on").check()
    console.locator("#teams").fill("North\nSouth")
    console.get_by_role("button", name="Set teams").click()
    expect(phone.locator("#team option")).to_have_count(3)
    phone.locator("#nickname").fill("Ana")
    phone.locator("#team").select_option("South")
    phone.get_by_role("button", name="Save").click()
    expect(phone.locator("#player-status")).to_have_text("Saved")
    line = console.locator(".nickname-line", has_text="Ana")
    expect(line).to_be_visible()
    line.get_by_role("button", name="Hide").click()
    expect(console.locator(".nickname-line.is-hidden", has_text="Ana")).to_be_visible()
    state = live_server.api("GET", f"/api/sessions/{info['id']}").json()
    assert state["teams"] == ["North", "South"] and state["nicknames"][0]["hidden"] is True

    console.locator("#leaderboard-on").uncheck()
    expect(console.locator(".nickname-line")).to_have_count(0)
    expect(phone.locator("#nickname")).to_have_count(0)
    assert live_server.api("GET", f"/api/sessions/{info['id']}").json()["nicknames"] == []
