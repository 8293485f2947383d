"""Pages in the reader's language, in a real browser: switching, right to left, two languages on screen."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import BROWSER_TESTS, PROJECTOR, LiveServer, wait_until

I18N = Path(__file__).resolve().parent.parent / "static" / "i18n"

BANK = """\
title: {en: Language checks, ru: Проверка языков, ar: اختبار اللغات}
languages: [en, ru, ar]
questions:
  - id: pace
    type: single
    prompt:
      en: How was the pace?
      ru: Как вам темп?
      ar: كيف كانت وتيرة العمل؟
    options:
      - {id: slow, label: {en: Too slow, ru: Слишком медленно, ar: بطيئة جدًا}}
      - {id: right, label: {en: About right, ru: В самый раз, ar: مناسبة}}
      - {id: fast, label: {en: Too fast, ru: Слишком быстро, ar: سريعة جدًا}}
  - id: useful
    type: scale
    prompt:
      en: How useful was today?
      ru: Насколько полезным был день?
      ar: ما مدى فائدة هذا اليوم؟
    min: 1
    max: 5
    min_label: {en: Not at all, ru: Совсем нет, ar: لا على الإطلاق}
    max_label: {en: Very, ru: Очень, ar: جدًا}
"""

pytestmark = BROWSER_TESTS


def catalogue(code: str) -> dict[str, str]:
    """The interface strings of one language, as the pages load them."""
    strings: dict[str, str] = json.loads((I18N / f"{code}.json").read_text(encoding="utf-8"))
    return strings


EN, RU, FR, AR = (catalogue(code) for code in ("en", "ru", "fr", "ar"))


@pytest.fixture
def server(server_factory: Any, banks_dir: Path) -> LiveServer:
    """A running server whose banks include the three-language bank above."""
    (banks_dir / "languages.yaml").write_text(BANK, encoding="utf-8")
    live: LiveServer = server_factory()
    live.start()
    return live


def open_question(server: LiveServer, question: str) -> dict[str, Any]:
    """A new session from the test bank with `question` shown and open."""
    info = server.create_session("languages")
    server.command(info["id"], "show", question=question)
    server.command(info["id"], "open")
    return info


def presenter(
    open_page: Callable[..., Page], server: LiveServer, session: str, locale: str = "en-GB"
) -> Page:
    page = open_page(f"{server.url}/present/{session}#token={server.token}", PROJECTOR, locale)
    expect(page.locator("#status")).to_have_class("status-dot is-online")
    return page


def exported(server: LiveServer, session: str) -> list[dict[str, str]]:
    """The rows of the session's answers.csv."""
    response = server.api("GET", f"/api/sessions/{session}/answers.csv")
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def stored_language(server: LiveServer, session: str, language: str) -> list[dict[str, str]]:
    """Wait until the one stored answer was given in `language`; return the export's rows."""
    return wait_until(
        lambda: (rows := exported(server, session)) and rows[-1]["language"] == language and rows
    )


def chart_labels(page: Page) -> str:
    """Every category label of the plotly chart, joined."""
    page.wait_for_function(
        "() => { const c = document.querySelector('#chart'); return c && c.layout && c.data; }"
    )
    labels: list[str] = page.evaluate(
        "() => { const l = document.querySelector('#chart').layout;"
        " return (l.yaxis.ticktext || []).concat(l.xaxis.ticktext || []); }"
    )
    return " | ".join(labels)


def test_switching_language_mid_question_keeps_one_answer_in_the_language_read(
    server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """A phone answering after each switch ru → en → ar counts once, stored in the language shown."""
    info = open_question(server, "pace")
    screen = presenter(open_page, server, info["id"])
    phone = open_page(f"{server.url}/j/{info['code']}", locale="ru-RU")

    expect(phone.locator("#lang")).to_have_value("ru")
    expect(phone.locator(".prompt")).to_have_text("Как вам темп?")
    phone.get_by_role("button", name="Слишком медленно").click()
    expect(phone.locator("#feedback")).to_contain_text(RU["join.received"])
    assert stored_language(server, info["id"], "ru")[0]["answer"] == "Too slow"

    phone.select_option("#lang", "en")
    expect(phone.locator(".prompt")).to_have_text("How was the pace?")
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    # The answer given in Russian is still the one selected, and still confirmed.
    expect(phone.get_by_role("button", name="Too slow")).to_have_attribute("aria-pressed", "true")
    expect(phone.locator("#feedback")).to_contain_text(EN["join.received"])
    phone.get_by_role("button", name="About right").click()
    expect(phone.locator("#feedback")).to_contain_text("About right")
    assert stored_language(server, info["id"], "en")[0]["answer"] == "About right"

    phone.select_option("#lang", "ar")
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    expect(phone.locator(".prompt")).to_have_text("كيف كانت وتيرة العمل؟")
    expect(phone.get_by_role("button", name="مناسبة")).to_have_attribute("aria-pressed", "true")
    phone.get_by_role("button", name="سريعة جدًا").click()
    expect(phone.locator("#feedback")).to_contain_text(AR["join.received"])
    rows = stored_language(server, info["id"], "ar")
    assert [(row["question_id"], row["answer"], row["language"]) for row in rows] == [
        ("pace", "Too fast", "ar")
    ]

    expect(screen.locator("#q-responses")).to_have_text("1")
    screen.wait_for_function("() => document.querySelector('#chart').data[0].x.join() === '0,0,1'")
    assert server.api("GET", f"/api/sessions/{info['id']}").json()["results"] == {
        "counts": {"slow": 0, "right": 0, "fast": 1}
    }

    # The choice is remembered on the phone.
    phone.reload()
    expect(phone.locator("#lang")).to_have_value("ar")
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    assert phone.evaluate("localStorage.getItem('polling.lang')") == "ar"


def test_arabic_pages_are_laid_out_right_to_left(server: LiveServer, open_page: Callable[..., Page]) -> None:
    """In Arabic the phone, presenter and console are dir=rtl, and the scale and control bar are mirrored."""
    info = open_question(server, "useful")
    phone = open_page(f"{server.url}/j/{info['code']}", locale="ar")
    expect(phone.locator("html")).to_have_attribute("lang", "ar")
    assert phone.evaluate("document.documentElement.dir") == "rtl"
    expect(phone.locator(".state")).to_have_text(AR["state.open"])
    points = phone.locator(".scale-point")
    expect(points).to_have_count(5)
    first, last = points.first.bounding_box(), points.last.bounding_box()
    assert first and last and first["x"] > last["x"], "the lowest point of the scale should be on the right"
    expect(phone.locator(".prompt")).to_have_attribute("dir", "rtl")

    # The presenter's interface language is chosen on its own selector, and mirrors its control bar.
    screen = presenter(open_page, server, info["id"])
    assert screen.evaluate("document.documentElement.dir") == "ltr"
    screen.select_option("#lang", "ar")
    expect(screen.locator("html")).to_have_attribute("dir", "rtl")
    expect(screen.locator("#q-state")).to_have_text(AR["state.open"])
    previous, following = screen.locator("#previous").bounding_box(), screen.locator("#next").bounding_box()
    assert previous and following and previous["x"] > following["x"], "Previous should sit right of Next"

    console = open_page(f"{server.url}/console/{info['id']}#token={server.token}", locale="ar-EG")
    expect(console.locator("#status")).to_have_class("status-dot is-online")
    assert console.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
    expect(console.locator("#now-state")).to_have_text(AR["state.open"])


def test_the_presenter_shows_two_languages_and_the_screen_follows(
    server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """Once English and Russian are chosen, both prompts and chart labels show, on the screen too."""
    info = open_question(server, "pace")
    # The facilitator reads French; the room reads English and Russian.
    facilitator = presenter(open_page, server, info["id"], locale="fr-FR")
    screen = open_page(f"{server.url}/screen/{info['id']}/{info['screen_key']}", PROJECTOR)
    expect(facilitator.locator("#q-prompt")).to_have_text("How was the pace?")
    assert "Слишком медленно" not in chart_labels(facilitator)

    facilitator.select_option("#display-lang-2", "ru")
    for page in (facilitator, screen):
        lines = page.locator("#q-prompt .lang-line")
        expect(lines).to_have_text(["How was the pace?", "Как вам темп?"])
        expect(lines.nth(0)).to_have_attribute("lang", "en")
        expect(lines.nth(1)).to_have_attribute("lang", "ru")
        page.wait_for_function(
            "() => document.querySelector('#chart').layout.yaxis.ticktext.join().includes('Слишком')"
        )
        labels = chart_labels(page)
        for label in (
            "Too slow",
            "Слишком медленно",
            "About right",
            "В самый раз",
            "Too fast",
            "Слишком быстро",
        ):
            assert label in labels
    assert server.api("GET", f"/api/sessions/{info['id']}").json()["display_languages"] == ["en", "ru"]
    # The facilitator's own interface stays French whatever the room reads.
    expect(facilitator.locator("html")).to_have_attribute("lang", "fr")
    expect(facilitator.locator("#q-state")).to_have_text(FR["state.open"])

    # Arabic first: its line is marked right to left, and the chart's labels move to the right.
    server.api("POST", f"/api/sessions/{info['id']}/languages", {"languages": ["ar", "en"]})
    expect(screen.locator("#q-prompt .lang-line").first).to_have_attribute("dir", "rtl")
    expect(screen.locator("#q-prompt .lang-line").last).to_have_attribute("dir", "ltr")
    screen.wait_for_function("() => document.querySelector('#chart').layout.yaxis.side === 'right'")
    assert "بطيئة جدًا" in chart_labels(screen)


def test_a_missing_language_shows_the_default_question_in_a_french_interface(
    server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """A French phone on an en/ru/ar bank reads the English question in a French interface; answers "en"."""
    info = open_question(server, "pace")
    phone = open_page(f"{server.url}/j/{info['code']}", locale="fr-FR")

    expect(phone.locator("html")).to_have_attribute("lang", "fr")
    expect(phone.locator("#lang")).to_have_value("fr")
    expect(phone.locator(".state")).to_have_text(FR["state.open"])
    expect(phone.locator("#hint")).to_have_text(FR["join.chooseOne"])
    prompt = phone.locator(".prompt")
    expect(prompt).to_have_text("How was the pace?")
    expect(prompt).to_have_attribute("lang", "en")
    expect(phone.locator("#title")).to_have_text("Language checks")

    phone.get_by_role("button", name="About right").click()
    expect(phone.locator("#feedback")).to_contain_text(FR["join.received"])
    assert stored_language(server, info["id"], "en")[0]["answer"] == "About right"


@pytest.mark.parametrize(("locale", "code"), [("ru-RU", "ru"), ("ar", "ar"), ("en-GB", "en")])
def test_a_phone_downloads_only_the_catalogue_of_its_language(
    server: LiveServer, open_page: Callable[..., Page], locale: str, code: str
) -> None:
    """A phone in Russian, Arabic or English fetches its own interface catalogue and no other."""
    info = open_question(server, "pace")
    phone = open_page(f"{server.url}/j/{info['code']}", locale=locale)
    expect(phone.locator(".choice").first).to_be_visible()
    expect(phone.locator("html")).to_have_attribute("lang", code)
    catalogues: list[str] = phone.evaluate(
        "() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname)"
        ".filter((path) => path.startsWith('/static/i18n/'))"
    )
    assert catalogues == [f"/static/i18n/{code}.json"]
