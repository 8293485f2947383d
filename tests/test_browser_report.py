"""The HTML report in headless Chromium with every network request refused: it draws its charts
from the file alone, runs none of the texts in it, reads right to left in Arabic, prints cleanly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from polling.reports.html import report
from tests.conftest import BROWSER_TESTS
from tests.reportdata import FEEDBACK_ANSWERS, answered, feedback_session
from tests.test_html import IMAGE, SCRIPT, hostile_session

pytestmark = BROWSER_TESTS


class Offline:
    """A page of a browser context in which every request but for the report file is refused,
    with the console errors, page errors and refused requests it met."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context(viewport={"width": 1000, "height": 800})
        self.refused: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route: Any) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            self.refused.append(route.request.url)
            route.abort()

    def open(self, path: Path) -> Any:
        self.page.goto(path.as_uri())
        return self.page


@pytest.fixture
def offline(browser: Any) -> Iterator[Offline]:
    """A fresh offline browser context, closed after the test."""
    context = Offline(browser)
    yield context
    context.context.close()


def write(tmp_path: Path, html: str) -> Path:
    path = tmp_path / "report.html"
    path.write_text(html, encoding="utf-8")
    return path


def test_the_report_draws_every_chart_offline_without_errors(offline: Offline, tmp_path: Path) -> None:
    """Opened from disk with the network cut, the report draws its five plotly charts (each an SVG
    with its bars), asks for nothing outside the file and logs no error."""
    session = feedback_session()
    answered(session, FEEDBACK_ANSWERS)
    page = offline.open(write(tmp_path, report([session], "en")))
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 5")
    assert page.locator(".js-plotly-plot").count() == 5
    assert page.locator(".js-plotly-plot").first.locator("g.point").count() == 3  # three bars of pace
    assert page.locator(".modebar").count() == 0
    assert offline.refused == [] and offline.errors == []


def test_the_report_prints_a_question_a_page_without_controls(offline: Offline, tmp_path: Path) -> None:
    """In print, each question starts a new page, and the report still has no control; Chromium
    prints it to a PDF."""
    session = feedback_session()
    answered(session, FEEDBACK_ANSWERS)
    page = offline.open(write(tmp_path, report([session], "en")))
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 5")
    page.emulate_media(media="print")
    breaks = page.eval_on_selector_all(
        ".question", "nodes => nodes.map(n => getComputedStyle(n).breakBefore)"
    )
    assert breaks == ["page"] * 6
    assert page.locator("button, input, select, .modebar").count() == 0
    assert page.pdf(format="A4").startswith(b"%PDF")
    assert offline.errors == []


def test_markup_in_texts_stays_text_and_arabic_reads_right_to_left(offline: Offline, tmp_path: Path) -> None:
    """A bank and answers full of <script> and <img onerror> run nothing and show literally; the
    Arabic report has dir="rtl"."""
    page = offline.open(write(tmp_path, report([hostile_session()], "ar")))
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 2")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("window.pwned") is None
    assert page.locator("h2").nth(1).inner_text() == f"1. {SCRIPT}"
    assert page.locator("img").count() == 0
    ticks = page.eval_on_selector_all(".js-plotly-plot .ytick text", "nodes => nodes.map(n => n.textContent)")
    assert ticks[:2] == [SCRIPT, IMAGE]  # chart labels read as typed
    assert SCRIPT in page.locator(".texts li").first.inner_text()
    assert offline.refused == [] and offline.errors == []
