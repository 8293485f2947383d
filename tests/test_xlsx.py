"""The Excel workbook, opened again with openpyxl: its sheets, cells and charts."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from polling.reports.cells import formula_like
from polling.reports.xlsx import workbook
from tests.reportdata import (
    FEEDBACK_ANSWERS,
    HOSTILE_ANSWERS,
    answered,
    feedback_session,
    hostile_session,
)


def _open(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def _rows(book: Workbook, sheet: str) -> list[tuple[Any, ...]]:
    return list(book[sheet].iter_rows(values_only=True))


def _feedback(lang: str = "en") -> Workbook:
    session = feedback_session()
    rows = answered(session, FEEDBACK_ANSWERS)
    return _open(workbook([session], [rows], lang))


def test_the_workbook_has_a_summary_a_sheet_per_question_and_the_answers() -> None:
    """Sheets: the summary, one per question of the bank in order, then the answers."""
    book = _feedback()
    assert book.sheetnames == [
        "Summary", "1 pace", "2 topics", "3 useful", "4 staff", "5 obstacle", "6 remarks", "Answers"
    ]  # fmt: skip


def test_the_summary_names_the_session_and_each_question_s_headline_figure() -> None:
    """The summary holds the session, bank, date, participants, and per question its responses
    and headline figure."""
    rows = _rows(_feedback(), "Summary")
    facts = {row[0]: row[1] for row in rows if row[0]}
    assert facts["Session"] == "ABCD"
    assert facts["Question bank"] == "Workshop feedback"
    assert facts["Date"] == "2024-05-01T09:00Z"
    assert facts["Participants"] == 3
    by_question = {
        row[0]: row[1:5] for row in rows if row[0] in {"pace", "useful", "staff", "obstacle", "remarks"}
    }
    assert by_question["pace"] == ("The pace was", "Single choice", 3, "Most chosen: Too fast (67%)")
    assert by_question["useful"] == ("How useful was today?", "Scale", 2, "Mean: 4.5")
    assert by_question["staff"][2:] == (2, "Median: 3.75; Mean: 3.75")
    assert by_question["obstacle"][3] == "Most frequent word: Trust (2)"
    assert by_question["remarks"][3] == "Approved answers: 1"


def test_each_question_sheet_has_its_counts_shares_and_a_native_bar_chart() -> None:
    """A question's sheet has its items with counts and shares, and one Excel bar chart of them."""
    book = _feedback()
    pace = _rows(book, "1 pace")
    assert pace[0][0] == "The pace was"
    header = pace.index(("Item", "Count", "Share"))
    assert pace[header + 1 : header + 4] == [
        ("Too slow", 1, 0.3333),
        ("About right", 0, 0),
        ("Too fast", 2, 0.6667),
    ]
    for name in book.sheetnames[1:-1]:
        charts = book[name]._charts
        assert len(charts) == 1, name
        assert charts[0].tagname == "barChart"
    assert book["1 pace"]._charts[0].series[0].val.numRef.f == "'1 pace'!$B$5:$B$7"


def test_numbers_stay_numbers_and_get_their_statistics() -> None:
    """A negative number answer is a number cell, not neutralised text; bins and statistics are there."""
    book = _feedback()
    staff = _rows(book, "4 staff")
    assert ("Minimum", -5, None) in staff and ("Maximum", 12.5, None) in staff
    assert staff[4][0] == "[-6, -4)"  # an interval, never text that starts with a minus
    answers = _rows(book, "Answers")
    numbers = [row[4] for row in answers if row[1] == "staff"]
    assert numbers == [-5, 12.5]
    cells = [row[4] for row in book["Answers"].iter_rows() if row[1].value == "staff"]
    assert [c.data_type for c in cells] == ["n", "n"]


def test_approved_open_text_is_listed_and_other_text_is_not() -> None:
    """The open-text sheet lists the approved answers; hidden ones appear nowhere but their count."""
    session = feedback_session()
    rows = answered(session, [("remarks", "p1", "Keep it")], approve=False)
    rows += answered(session, [("remarks", "p2", "More cases")])
    remarks = _rows(_open(workbook([session], [rows], "en")), "6 remarks")
    texts = [row[1] for row in remarks if row[0] in (None, "") and row[1]]
    assert texts == ["More cases"]
    assert ("Hidden", 1, 0.5) in remarks and ("Approved", 1, 0.5) in remarks


def test_headers_and_texts_follow_the_chosen_language_and_arabic_reads_right_to_left() -> None:
    """In French the sheets, headers and bank texts are French; the answers sheet starts with
    French texts and keeps English beside; an Arabic workbook's sheets read right to left."""
    book = _feedback("fr")
    assert book.sheetnames[0] == "Synthèse" and book.sheetnames[-1] == "Réponses"
    answers = _rows(book, "Réponses")
    assert answers[0][:5] == ("Séance", "Identifiant de la question", "Question", "Type", "Réponse")
    assert answers[0][-2:] == ("Question (en)", "Réponse (en)")
    assert answers[1][2:5] == ("Le rythme était", "Choix unique", "Trop lent")
    assert answers[1][-2:] == ("The pace was", "Too slow")
    assert not book["Synthèse"].sheet_view.rightToLeft
    arabic = _feedback("ar")
    assert arabic.sheetnames[0] == "الملخص"
    assert all(sheet.sheet_view.rightToLeft for sheet in arabic.worksheets)


def test_sessions_side_by_side_have_a_column_and_a_chart_series_each() -> None:
    """Two sessions of one bank: a count column and a chart series per session, labelled by date
    and code, in the order given; one answers sheet per session."""
    first, second = feedback_session(), feedback_session("s-2", "WXYZ", "2024-06-02T10:00Z")
    rows = [answered(first, FEEDBACK_ANSWERS), answered(second, [("pace", "q1", "slow")])]
    book = _open(workbook([first, second], rows, "en"))
    assert book.sheetnames[-2:] == ["Answers ABCD", "Answers WXYZ"]
    pace = _rows(book, "1 pace")
    assert pace[3] == ("Item", "Count 2024-05-01 ABCD", "Count 2024-06-02 WXYZ",
                       "Share 2024-05-01 ABCD", "Share 2024-06-02 WXYZ")  # fmt: skip
    assert pace[4] == ("Too slow", 1, 1, 0.3333, 1)
    assert len(book["1 pace"]._charts[0].series) == 2
    summary = _rows(book, "Summary")
    assert ("Session", "ABCD", "WXYZ") in [row[:3] for row in summary]
    pace_row = next(row for row in summary if row[0] == "pace")
    assert pace_row[3:7] == (3, "Most chosen: Too fast (67%)", 1, "Most chosen: Too slow (100%)")


def _texts(book: Workbook) -> list[str]:
    return [
        c.value
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for c in row
        if isinstance(c.value, str)
    ]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_no_cell_of_the_workbook_can_run_as_a_formula(lang: str) -> None:
    """Bank texts (title, prompts, labels) and answers (choices, words, open text) that begin like a
    formula are written with a leading quote, in every sheet and language; none is a formula cell."""
    session = hostile_session()
    rows = answered(session, HOSTILE_ANSWERS)
    book = _open(workbook([session], [rows], lang))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = _texts(book)
    assert not [t for t in texts if formula_like(t)]
    english = {'\'=HYPERLINK("http://x")', "'@pick", "'=a", "'-b", "'=tags"}
    french = {"'+SUM(1)", "'-pick", "'@a", "'+b"}
    expected = {"'=cmd()", "'@evil", "'-1+2", "'+call()"} | (english if lang == "en" else french)
    assert expected <= set(texts)
    assert -7 in [c.value for c in cells]  # the negative number stays a number


def test_a_ranking_shows_points_and_mean_ranks_and_a_quiz_question_its_right_answers() -> None:
    """A ranking's sheet has each option's Borda points (highest first) and mean rank; a quiz
    question marks its right option, its headline gives the share of right answers and the mean
    points, and the answers sheet says which answers were right and what each earned."""
    from polling.core.model import Option, Question, QuestionType
    from polling.core.session import Session
    from tests.factories import make_bank, text

    order = Question(
        "order",
        QuestionType.RANKING,
        text("Rank the risks"),
        options=(Option("a", text("Bribery")), Option("b", text("Fraud")), Option("c", text("Theft"))),
    )
    cities = (Option("lyon", text("Lyon")), Option("paris", text("Paris")))
    capital = Question(
        "capital", QuestionType.SINGLE, text("Capital?"), options=cities, correct="paris", points=2
    )
    session = Session(
        id="s-3", code="QUIZ", bank=make_bank(order, capital), screen_key="k", created="2024-05-01"
    )
    given = [("order", "p1", ["b", "a", "c"]), ("order", "p2", ["b", "c", "a"])]
    given += [("capital", "p1", "paris"), ("capital", "p2", "paris"), ("capital", "p3", "lyon")]
    rows = answered(session, given)
    book = _open(workbook([session], [rows], "en"))
    ranking = _rows(book, "1 order")
    header = ranking.index(("Item", "Points"))
    assert ranking[header + 1 : header + 4] == [("Fraud", 4), ("Bribery", 1), ("Theft", 1)]
    assert ("Mean rank: Fraud", 1) in ranking and ("Mean rank: Theft", 2.5) in ranking
    assert book["1 order"]._charts
    quiz = _rows(book, "2 capital")
    assert ("Paris", 2, 0.6667, "✓") in quiz and ("Lyon", 1, 0.3333, None) in quiz
    summary = {row[0]: row[4] for row in _rows(book, "Summary")}
    assert summary["order"] == "Ranked highest: Fraud"
    assert summary["capital"] == "Right answers: 67%; Mean points: 1.33; Most chosen: Paris (67%)"
    answers = _rows(book, "Answers")
    assert answers[0][8:10] == ("Answered right", "Points")
    assert [row[8:10] for row in answers if row[1] == "capital"] == [(1, 2), (1, 2), (0, 0)]


def test_any_language_of_the_bank_may_be_chosen_even_one_the_pages_lack() -> None:
    """A bank in English and Kazakh gives a Kazakh workbook: the bank's texts in Kazakh, the
    headers in English (the pages have no Kazakh)."""
    from polling.core.model import Bank, Option, Question, QuestionType
    from polling.core.session import Session

    kazakh = {"en": "The pace was", "kk": "Қарқын қандай болды"}
    options = (Option("slow", {"en": "Too slow", "kk": "Тым баяу"}),)
    bank = Bank("kk", {"en": "Feedback", "kk": "Пікір"}, ("en", "kk"),
                (Question("pace", QuestionType.SINGLE, kazakh, options=options),))  # fmt: skip
    session = Session(id="s-4", code="KAZ", bank=bank, screen_key="k", created="2024-05-01T09:00Z")
    rows = answered(session, [("pace", "p1", "slow")])
    book = _open(workbook([session], [rows], "kk"))
    assert book.sheetnames[0] == "Summary"
    pace = _rows(book, "1 pace")
    assert pace[0][0] == "Қарқын қандай болды" and ("Тым баяу", 1, 1) in pace
