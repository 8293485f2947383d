"""The HTML report as text: self-contained, escaped, in the chosen language and direction."""

from __future__ import annotations

import json
import re

from polling.core.model import Bank, Option, Question, QuestionType
from polling.core.session import Session
from polling.reports.html import plotly_js, report
from tests.reportdata import FEEDBACK_ANSWERS, answered, feedback_session

SCRIPT = "<script>window.pwned = 1</script>"
IMAGE = '<img src=x onerror="window.pwned = 1">'


def charts(page: str) -> list[dict[str, object]]:
    block = re.search(r'<script type="application/json" id="report-charts">(.*?)</script>', page, re.S)
    assert block is not None
    data: list[dict[str, object]] = json.loads(block.group(1))
    return data


def hostile_session() -> Session:
    """A bank and answers full of markup in every text a person wrote."""
    text = {"en": IMAGE, "ar": SCRIPT}
    bank = Bank(
        id="markup",
        title=dict(text),
        languages=("en", "ar"),
        questions=(
            Question("pick", QuestionType.SINGLE, dict(text),
                     options=(Option("a", {"en": SCRIPT, "ar": IMAGE}), Option("b", dict(text)))),
            Question("word", QuestionType.WORDCLOUD, dict(text)),
            Question("note", QuestionType.TEXT, dict(text)),
        ),
    )  # fmt: skip
    session = Session(id="s-5", code="HTML", bank=bank, screen_key="k", created="2024-05-01T09:00Z")
    answered(
        session, [("pick", "p1", "a"), ("word", "p1", SCRIPT), ("word", "p2", IMAGE), ("note", "p1", SCRIPT)]
    )
    return session


def test_the_report_is_one_file_with_plotly_embedded_once_and_nothing_from_outside() -> None:
    """plotly.js is inside the page exactly once; no script, style or image is fetched from anywhere."""
    session = feedback_session()
    answered(session, FEEDBACK_ANSWERS)
    page = report([session], "en")
    assert page.count(plotly_js()) == 1
    assert not re.search(r"<(script|link|img|iframe)[^>]*\b(src|href)=", page)
    assert "cdn" not in page.replace(plotly_js(), "").lower()


def test_every_question_with_answers_has_its_chart_table_and_headline() -> None:
    """A chart for each answered question but open text, every table, the approved answers and a
    word cloud sized by count."""
    session = feedback_session()
    answered(session, FEEDBACK_ANSWERS)
    page = report([session], "en")
    assert page.count('class="chart"') == len(charts(page)) == 5
    assert page.count('<section class="question"') == 6
    assert "Most chosen: Too fast (67%)" in page and "Mean: 4.5" in page
    assert '<ul class="texts">\n<li>More cases</li>' in page
    cloud = re.search(r'<div class="cloud">(.*?)</div>', page)
    assert cloud is not None and re.findall(r'title="(\d)">(\w+)<', cloud.group(1)) == [
        ("2", "Trust"),
        ("1", "time"),
    ]
    pace = charts(page)[0]["data"]
    bars = {"x": [1, 0, 2], "y": ["Too slow", "About right", "Too fast"], "orientation": "h"}
    assert pace == [{"type": "bar", "name": "2024-05-01 ABCD", "marker": {"color": "#1f5fa8"}, **bars}]


def test_hidden_and_pending_open_text_stays_out_of_the_report() -> None:
    """Only approved open-text answers are printed."""
    session = feedback_session()
    answered(session, [("remarks", "p1", "Secret remark")], approve=False)
    answered(session, [("remarks", "p2", "Public remark")])
    page = report([session], "en")
    assert "Public remark" in page and "Secret remark" not in page


def test_every_user_text_is_escaped() -> None:
    """Markup in the bank title, prompts, labels, words and open text is written as text: no tag of
    it reaches the page, in either language, nor can it close the charts' JSON block."""
    for lang in ("en", "ar"):
        page = report([hostile_session()], lang)
        outside = page.replace(plotly_js(), "")
        assert "window.pwned" in outside  # the texts are there...
        assert SCRIPT not in outside and IMAGE not in outside  # ...but never as markup
        assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in outside
        assert outside.count("<script") == 3  # plotly, the charts' data and the renderer


def test_the_language_sets_texts_headers_and_direction() -> None:
    """In Russian the headers are Russian; in Arabic the page reads right to left."""
    session = feedback_session()
    answered(session, FEEDBACK_ANSWERS)
    russian = report([session], "ru")
    assert '<html lang="ru" dir="ltr">' in russian and "Отчёт о результатах" in russian
    arabic = report([session], "ar")
    assert '<html lang="ar" dir="rtl">' in arabic and "تقرير النتائج" in arabic


def test_sessions_side_by_side_get_a_trace_and_a_column_each() -> None:
    """Two sessions: each chart has a coloured trace per session, each table a column per session."""
    first, second = feedback_session(), feedback_session("s-2", "WXYZ", "2024-06-02T10:00Z")
    answered(first, FEEDBACK_ANSWERS)
    answered(second, [("pace", "q1", "slow"), ("useful", "q1", 2)])
    page = report([first, second], "en")
    pace = charts(page)[0]["data"]
    assert isinstance(pace, list)
    assert [(t["name"], t["x"], t["marker"]["color"]) for t in pace] == [
        ("2024-05-01 ABCD", [1, 0, 2], "#1f5fa8"), ("2024-06-02 WXYZ", [1, 0, 0], "#d9822b")
    ]  # fmt: skip
    assert '<th scope="col">Count 2024-05-01 ABCD</th><th scope="col">Count 2024-06-02 WXYZ</th>' in page
