"""End to end in Chromium: a self-paced questionnaire answered on a phone that loses the network."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import Page, expect

from polling.store import open_store
from polling.store.base import AnswerRow
from tests.conftest import BROWSER_TESTS, PROJECTOR, LiveServer
from tests.test_browser_a11y import serious_violations

pytestmark = BROWSER_TESTS

# The page, one of its modules and a catalogue are in the service worker's cache.
CACHED = (
    "() => caches.open('polling-participant-v1')"
    ".then((c) => Promise.all(['/j/', '/static/js/paced.js', '/static/i18n/en.json'].map((u) => c.match(u))))"
    ".then((found) => found.every(Boolean))"
)


def stored_answers(server: LiveServer, session_id: str) -> list[AnswerRow]:
    """The answers the server's database holds for a session (read with the server stopped)."""

    async def read() -> list[AnswerRow]:
        store = open_store(server.db)
        await store.open()
        try:
            return await store.answers(session_id)
        finally:
            await store.close()

    # In a thread of its own: Playwright's sync API keeps an event loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, read()).result()


def answer_and_move_on(phone: Page, action: Callable[[], None], next_name: str = "Next") -> None:
    action()
    expect(phone.locator("#feedback")).to_contain_text("Saved on this phone, will be sent")
    phone.get_by_role("button", name=next_name).click()


def test_a_phone_answers_offline_reloads_offline_and_every_answer_is_stored_once(
    server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """Loaded once, the phone loses the network (the server is down too), answers every question,
    reloads without network (the service worker opens the page, the phone its answers), submits;
    back online, every answer is stored exactly once and the phone counts as finished."""
    info = server.create_session("e2e", self_paced=True)
    phone = open_page(f"{server.url}/j/{info['code']}")
    expect(phone.locator(".paced-position")).to_have_text("Question 1 of 6")
    phone.wait_for_function("() => navigator.serviceWorker.controller !== null")
    phone.wait_for_function(CACHED)

    server.stop()  # no network at all: neither the page nor its service worker reaches the server
    phone.context.set_offline(True)
    answer_and_move_on(phone, lambda: phone.get_by_role("button", name="About right").click())

    def topics() -> None:
        phone.get_by_role("checkbox", name="Legal framework").click()
        phone.get_by_role("checkbox", name="Risk analysis").click()
        phone.get_by_role("button", name="Send").click()

    answer_and_move_on(phone, topics)
    answer_and_move_on(phone, lambda: phone.get_by_role("button", name="4 of 5").click())

    def typed(value: str) -> Callable[[], None]:
        def act() -> None:
            phone.locator("#main .input").fill(value)
            phone.get_by_role("button", name="Send").click()

        return act

    answer_and_move_on(phone, typed("120"))
    answer_and_move_on(phone, typed("Trust"))
    answer_and_move_on(phone, typed("Keep the case studies."), next_name="Review my answers")
    review = phone.locator(".paced-review .paced-item")
    expect(review).to_have_count(6)
    expect(phone.locator(".paced-waiting")).to_contain_text("Answers saved on this phone: 6")

    phone.reload()  # still offline: the service worker opens the page, the phone its answers
    expect(phone.locator(".paced-review .paced-item-kept")).to_have_count(6)
    expect(review.nth(1)).to_contain_text("Legal framework and Risk analysis")
    phone.get_by_role("button", name="Submit my answers").click()
    expect(phone.locator("#main")).to_contain_text("Submitted on this phone")

    server.start()
    phone.context.set_offline(False)
    expect(phone.locator("#main")).to_contain_text("Your answers were submitted", timeout=20000)
    state = server.api("GET", f"/api/sessions/{info['id']}").json()
    assert (state["session"]["answered"], state["session"]["finished"]) == (1, 1)
    server.stop()
    answers = stored_answers(server, info["id"])
    assert sorted((a.question_id, a.value, a.rev) for a in answers) == [
        ("pace", "right", 1),
        ("remarks", "Keep the case studies.", 1),
        ("staff", 120, 1),
        ("topics", ["legal", "risk"], 1),
        ("useful", 4, 1),
        ("word", "Trust", 1),
    ]


def test_the_console_counts_phones_that_start_and_finish_and_the_presenter_shows_results_at_the_end(
    server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """The console's started and finished counts move as a phone answers and submits; ended,
    the presenter shows each question's results and the arrow keys step through them."""
    info = server.create_session("e2e", self_paced=True)
    token = f"#token={server.token}"
    console = open_page(f"{server.url}/console/{info['id']}{token}")
    presenter = open_page(f"{server.url}/present/{info['id']}{token}", PROJECTOR)
    expect(console.locator("#answered")).to_have_text("Started: 0 · Finished: 0")
    expect(presenter.locator("#join-participants")).to_contain_text("Started: 0 · Finished: 0")

    phone = open_page(f"{server.url}/j/{info['code']}")
    phone.get_by_role("button", name="Too fast").click()
    expect(phone.locator("#feedback")).to_contain_text("Answer received")
    expect(console.locator("#answered")).to_have_text("Started: 1 · Finished: 0")
    expect(console.locator("#now-prompt")).to_have_text("How was the pace?")  # the console sees results live
    for _ in range(5):
        phone.get_by_role("button", name="Next").click()
    phone.get_by_role("button", name="Review my answers").click()
    expect(phone.locator(".paced-item-answer.is-missing")).to_have_count(5)
    phone.get_by_role("button", name="Submit my answers").click()
    expect(phone.locator("#main")).to_contain_text("Your answers were submitted")
    expect(console.locator("#answered")).to_have_text("Started: 1 · Finished: 1")
    expect(presenter.locator("#join-participants")).to_contain_text("Started: 1 · Finished: 1")

    server.command(info["id"], "end")
    expect(presenter.locator("#q-prompt")).to_contain_text("How was the pace?")
    expect(presenter.locator("#q-responses")).to_have_text("1")
    presenter.keyboard.press("ArrowRight")
    expect(presenter.locator("#q-prompt")).to_contain_text("Which topics?")
    expect(presenter.locator("#q-responses")).to_have_text("0")


@pytest.mark.parametrize("page_name", ["question", "review", "course", "home-courses"])
def test_the_self_paced_and_course_pages_have_no_serious_accessibility_violations(
    server: LiveServer, open_page: Callable[..., Page], page_name: str
) -> None:
    """axe-core reports no serious or critical violation on the self-paced phone's question and
    review, on a course's gain page, and on the home page with a course listed."""
    course = server.api("POST", "/api/courses", {"name": "Indicators, May"}).json()
    info = server.create_session("e2e", self_paced=True, course=course["id"], role="pre")
    token = f"#token={server.token}"
    if page_name in ("question", "review"):
        page = open_page(f"{server.url}/j/{info['code']}")
        expect(page.locator(".paced-nav")).to_be_visible()
        if page_name == "review":
            for _ in range(5):
                page.get_by_role("button", name="Next").click()
            page.get_by_role("button", name="Review my answers").click()
            expect(page.locator(".paced-review")).to_be_visible()
    elif page_name == "course":
        page = open_page(f"{server.url}/course/{course['id']}{token}", PROJECTOR)
        expect(page.locator("#counts")).to_contain_text("Paired phones: 0")
        expect(page.locator("#title")).to_have_text("Indicators, May")
    else:
        page = open_page(f"{server.url}/host{token}", PROJECTOR)
        expect(page.locator(".course")).to_contain_text("Indicators, May")
    assert serious_violations(page) == []


def test_the_course_page_shows_the_gain_of_five_paired_phones(
    server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """Five phones answer the pre-test wrong and the post-test right: the course page shows them
    paired, 0% then 100% correct and a gain of 1, for the question and the whole test."""
    from tests.test_courses import course_phone

    course = server.api("POST", "/api/courses", {"name": "Five phones"}).json()
    sessions = {
        role: server.create_session(
            "trafficking-indicators-test", course=course["id"], role=role, self_paced=True
        )
        for role in ("pre", "post")
    }

    async def answer_both() -> None:
        for index in range(5):
            for role, value in (("pre", "act"), ("post", "means")):
                peer, _ = await course_phone(server, sessions[role]["code"], f"five-phones-token-{index}")
                await peer.answer("child", value)
                await peer.close()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, answer_both()).result()
    page = open_page(f"{server.url}/course/{course['id']}#token={server.token}", PROJECTOR)
    expect(page.locator("#counts")).to_have_text("Paired phones: 5. Pre-test only: 0. Post-test only: 0.")
    child = page.locator("#gain-body tr", has_text="The person is sixteen")
    expect(child.locator("td")).to_have_text(["0%", "100%", "0 → 1 / 1", "1", "– → –"])
    expect(page.locator("#gain-body tr").first.locator("th")).to_have_text("Whole test")
