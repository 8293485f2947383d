"""End to end in Chromium: a phone asks, another upvotes, the presenter shows the question once approved."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.conftest import BROWSER_TESTS, PROJECTOR, LiveServer

pytestmark = BROWSER_TESTS

ASKED = "Who signs the seizure report when two agencies are present?"


def test_a_question_asked_upvoted_and_approved_reaches_the_presenter(
    server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """Under pre-moderation an asked question waits; approved, an Arabic phone (right to left)
    upvotes it, the presenter lists it with its vote, and a second tap takes the vote back."""
    info = server.create_session("browser", qna=True, premoderate=True)
    presenter = open_page(f"{server.url}/present/{info['id']}#token={server.token}", PROJECTOR)
    expect(presenter.locator("#view-join")).to_be_visible()
    presenter.keyboard.press("q")
    expect(presenter.locator("#view-qna")).to_be_visible()
    expect(presenter.locator("#qna-empty")).to_be_visible()

    asking = open_page(f"{server.url}/j/{info['code']}")
    asking.locator("#tab-qna").click()
    asking.locator("#qna-input").fill(ASKED)
    asking.get_by_role("button", name="Ask").click()
    expect(asking.locator("#qna-feedback")).to_contain_text("once the facilitator approves it")
    expect(asking.locator(".qna-mine")).to_contain_text(ASKED)
    expect(presenter.locator(".qna-row")).to_have_count(0)  # pending: nothing reaches the room

    [pending] = server.api("GET", f"/api/sessions/{info['id']}/qna").json()["questions"]
    approved = server.api(
        "POST", f"/api/sessions/{info['id']}/qna/moderate", {"id": pending["id"], "status": "approved"}
    )
    assert approved.status_code == 200
    row = presenter.locator(".qna-row")
    expect(row).to_have_count(1)
    expect(row.locator(".qna-text")).to_have_text(ASKED)
    expect(row.locator(".qna-text")).to_have_attribute("dir", "auto")
    expect(row.locator(".qna-votes")).to_have_text("0")

    arabic = open_page(f"{server.url}/j/{info['code']}", locale="ar")
    tab = arabic.locator("#tab-qna")
    expect(tab).to_have_text("أسئلة وأجوبة")
    tab.click()
    panel = arabic.locator("#qna")
    expect(panel).to_be_visible()
    assert panel.evaluate("node => getComputedStyle(node).direction") == "rtl"
    vote = arabic.locator(".qna-vote")
    vote.click()
    expect(vote).to_have_attribute("aria-pressed", "true")
    expect(row.locator(".qna-votes")).to_have_text("1")
    vote.click()  # the second tap takes the vote back
    expect(vote).to_have_attribute("aria-pressed", "false")
    expect(row.locator(".qna-votes")).to_have_text("0")
