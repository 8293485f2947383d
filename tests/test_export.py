"""Export of a session's results: the CSV tables and the whole session as JSON."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from polling.core.session import Session
from polling.reports.exports import answer_text, answers_csv, filename, render, session_json, summary_csv
from polling.store.base import AnswerRow
from tests.factories import (
    OBSTACLE,
    PACE,
    REMARKS,
    STAFF,
    TOPICS,
    USEFUL,
    make_session,
)

MINUTE = "2024-05-01T09:30Z"


def _row(
    question_id: str,
    participant: str,
    value: Any,
    language: str = "en",
    rev: int = 1,
    status: str | None = None,
) -> AnswerRow:
    return AnswerRow("s-1", question_id, participant, value, language, MINUTE, rev, status)


def _read(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _record(session: Session, rows: list[AnswerRow]) -> None:
    for row in rows:
        session.record(row.participant, row.question_id, row.value, row.rev)


# -- answers table ------------------------------------------------------------------------


def test_answers_csv_has_the_documented_header() -> None:
    """The answers table starts with its column names, even with no answers."""
    text = answers_csv(make_session(), [])
    assert text == (
        "session,question_id,question,type,answer,language,minute,status,correct,points,course_role,"
        "question_fr,answer_fr\r\n"
    )


def test_answers_csv_has_one_row_per_answer_with_labels_in_the_default_language() -> None:
    """Each answer is one row: option labels in the bank's default language, plus its language."""
    rows = [
        _row("pace", "p1", "slow", language="fr"),
        _row("topics", "p2", ["legal", "tools"]),
        _row("useful", "p3", 4, language="fr"),
        _row("staff", "p4", 12.5),
        _row("remarks", "p5", "More cases", status="approved"),
    ]
    base = ["session", "question_id", "question", "type", "answer", "language", "minute", "status"]
    table = [{k: row[k] for k in base} for row in _read(answers_csv(make_session(), rows))]
    assert table == [
        {
            "session": "s-1",
            "question_id": "pace",
            "question": "The pace was",
            "type": "single",
            "answer": "Too slow",
            "language": "fr",
            "minute": MINUTE,
            "status": "",
        },
        {
            "session": "s-1",
            "question_id": "topics",
            "question": "Which topics should we deepen?",
            "type": "multiple",
            "answer": "Legal framework; IT tools",
            "language": "en",
            "minute": MINUTE,
            "status": "",
        },
        {
            "session": "s-1",
            "question_id": "useful",
            "question": "How useful was today?",
            "type": "scale",
            "answer": "4",
            "language": "fr",
            "minute": MINUTE,
            "status": "",
        },
        {
            "session": "s-1",
            "question_id": "staff",
            "question": "Officers at your post",
            "type": "number",
            "answer": "12.5",
            "language": "en",
            "minute": MINUTE,
            "status": "",
        },
        {
            "session": "s-1",
            "question_id": "remarks",
            "question": "Anything else?",
            "type": "text",
            "answer": "More cases",
            "language": "en",
            "minute": MINUTE,
            "status": "approved",
        },
    ]


def test_answers_csv_leaves_out_the_participant() -> None:
    """The anonymous participant key never appears in the answers table."""
    text = answers_csv(make_session(), [_row("pace", "secret-participant-key", "slow")])
    assert "secret-participant-key" not in text


def test_answers_csv_skips_answers_to_questions_not_in_the_bank() -> None:
    """An answer to a question the session's bank does not have is left out."""
    table = _read(answers_csv(make_session(PACE), [_row("gone", "p1", "x"), _row("pace", "p1", "fast")]))
    assert [row["question_id"] for row in table] == ["pace"]


def test_answers_csv_keeps_text_with_commas_quotes_and_newlines_intact() -> None:
    """Commas, quotes and newlines in open text survive the CSV round trip."""
    remark = 'Cases, "real" ones\nand more'
    table = _read(answers_csv(make_session(REMARKS), [_row("remarks", "p1", remark)]))
    assert table[0]["answer"] == remark


@pytest.mark.parametrize(
    "formula", ["=cmd()", "+1+1", "-2+3", "@SUM(A1)", "\u200b=cmd()", "\ufeff=cmd()", " \u200b@x", "\t=1"]
)
def test_answers_csv_neutralises_formulas(formula: str) -> None:
    """Text a spreadsheet would run as a formula is prefixed with a quote."""
    table = _read(answers_csv(make_session(REMARKS), [_row("remarks", "p1", formula)]))
    assert table[0]["answer"] == "'" + formula


def test_answer_text_uses_labels_of_the_given_language() -> None:
    """answer_text names options by their label in the language asked for."""
    assert answer_text(TOPICS, ["cases", "tools"], "fr") == "Études de cas; Outils informatiques"
    assert answer_text(PACE, "fast", "en") == "Too fast"
    assert answer_text(OBSTACLE, "time", "fr") == "time"


# -- summary table ------------------------------------------------------------------------


def _summary(session: Session, question_id: str) -> list[dict[str, str]]:
    return [row for row in _read(summary_csv(session)) if row["question_id"] == question_id]


def test_summary_csv_has_a_row_per_option_with_count_and_share() -> None:
    """Each option gets a row with its label, count and share of the responses."""
    session = make_session()
    _record(session, [_row("pace", "p1", "slow"), _row("pace", "p2", "slow"), _row("pace", "p3", "fast")])
    rows = _summary(session, "pace")
    assert [(r["item"], r["count"], r["share"]) for r in rows] == [
        ("Too slow", "2", "0.6667"),
        ("About right", "0", "0.0"),
        ("Too fast", "1", "0.3333"),
    ]
    assert {(r["session"], r["question"], r["type"], r["responses"], r["mean"]) for r in rows} == {
        ("s-1", "The pace was", "single", "3", "")
    }


def test_summary_csv_header() -> None:
    """The summary table starts with its column names."""
    header = summary_csv(make_session(PACE)).splitlines()[0]
    assert header == (
        "session,question_id,question,type,responses,answered,item,count,share,mean,share_correct,mean_score,"
        "course_role,question_fr,item_fr"
    )


def test_summary_csv_says_how_many_phones_answered_the_session() -> None:
    """Every summary row carries `answered`: the phones that gave any answer in the session."""
    session = make_session(PACE, USEFUL)
    _record(session, [_row("pace", "p1", "slow"), _row("pace", "p2", "fast"), _row("useful", "p1", 3)])
    rows = list(csv.DictReader(io.StringIO(summary_csv(session))))
    assert {(r["question_id"], r["responses"], r["answered"]) for r in rows} == {
        ("pace", "2", "2"),
        ("useful", "1", "2"),
    }


def test_summary_csv_multiple_choice_shares_are_of_participants() -> None:
    """A multiple-choice share is the part of participants who chose the option."""
    session = make_session()
    _record(session, [_row("topics", "p1", ["legal", "cases"]), _row("topics", "p2", ["cases"])])
    rows = _summary(session, "topics")
    assert [(r["item"], r["count"], r["share"]) for r in rows] == [
        ("Legal framework", "1", "0.5"),
        ("Case studies", "2", "1.0"),
        ("IT tools", "0", "0.0"),
    ]


def test_summary_csv_scale_rows_carry_the_mean() -> None:
    """Scale rows list every point and repeat the mean on each row."""
    session = make_session()
    _record(session, [_row("useful", "p1", 2), _row("useful", "p2", 5)])
    rows = _summary(session, "useful")
    assert [(r["item"], r["count"]) for r in rows] == [
        ("1", "0"),
        ("2", "1"),
        ("3", "0"),
        ("4", "0"),
        ("5", "1"),
    ]
    assert {r["mean"] for r in rows} == {"3.5"}


def test_summary_csv_question_without_answers_has_one_empty_row() -> None:
    """A number or word question nobody answered still appears, with an empty item and 0."""
    session = make_session()
    for question_id in ("staff", "obstacle"):
        rows = _summary(session, question_id)
        assert [(r["responses"], r["item"], r["count"], r["share"]) for r in rows] == [("0", "", "0", "")]


def test_summary_csv_lists_words_and_text_statuses() -> None:
    """Word-cloud rows are the words with their counts; text rows count each moderation status."""
    session = make_session()
    _record(
        session,
        [
            _row("obstacle", "p1", "time"),
            _row("obstacle", "p2", "time"),
            _row("obstacle", "p3", "money"),
            _row("remarks", "p1", "Fine"),
        ],
    )
    assert [(r["item"], r["count"]) for r in _summary(session, "obstacle")] == [("time", "2"), ("money", "1")]
    assert [(r["item"], r["count"]) for r in _summary(session, "remarks")] == [
        ("pending", "1"),
        ("approved", "0"),
        ("hidden", "0"),
    ]


def test_exports_keep_the_spelling_participants_used_most() -> None:
    """The summary lists each word once in its most common spelling; answers.csv keeps each as typed."""
    session = make_session()
    rows = [_row("obstacle", f"p{i}", word) for i, word in enumerate(["Trust", "trust", "Trust", "EU"])]
    _record(session, rows)
    assert [(r["item"], r["count"]) for r in _summary(session, "obstacle")] == [("Trust", "3"), ("EU", "1")]
    assert [r["answer"] for r in _read(answers_csv(session, rows))] == ["Trust", "trust", "Trust", "EU"]
    assert session_json(session, {}, rows)["results"]["obstacle"] == {"words": [["Trust", 3], ["EU", 1]]}


def test_summary_csv_neutralises_formula_words() -> None:
    """A word-cloud word that looks like a formula is prefixed with a quote in the summary."""
    session = make_session()
    _record(session, [_row("obstacle", "p1", "=cmd()")])
    assert [r["item"] for r in _summary(session, "obstacle")] == ["'=cmd()"]


# -- the whole session as JSON ------------------------------------------------------------


def test_session_json_has_info_bank_states_results_and_answers() -> None:
    """The JSON export holds the session info, bank snapshot, states, results and every answer."""
    session = make_session(PACE, STAFF)
    rows = [_row("pace", "p1", "slow", language="fr"), _row("staff", "p2", 12, status=None)]
    _record(session, rows)
    session.show("staff")
    info = {"id": "s-1", "code": "ABCD", "bank": "feedback"}
    data = session_json(session, info, rows)
    assert data["session"] == info
    assert data["bank"] == session.bank.to_dict()
    assert data["states"]["current"] == "staff"
    assert data["results"]["pace"] == {"counts": {"slow": 1, "right": 0, "fast": 0}}
    assert data["results"]["staff"]["count"] == 1
    assert data["answers"] == [
        {"question": "pace", "value": "slow", "language": "fr", "minute": MINUTE, "status": None},
        {"question": "staff", "value": 12, "language": "en", "minute": MINUTE, "status": None},
    ]


def test_session_json_is_serialisable_and_anonymous() -> None:
    """The JSON export dumps as JSON and never contains a participant key."""
    session = make_session(USEFUL, REMARKS)
    rows = [_row("useful", "secret-one", 3), _row("remarks", "secret-two", "Nice", status="pending")]
    _record(session, rows)
    text = json.dumps(session_json(session, {"id": "s-1"}, rows))
    assert "secret-one" not in text
    assert "secret-two" not in text
    assert json.loads(text)["answers"][1]["status"] == "pending"


def test_exports_carry_every_language_of_the_bank() -> None:
    """Each question and option appears in every language of the bank, beside the answer's language."""
    session = make_session()
    answers = [_row("pace", "p1", "slow", language="fr"), _row("topics", "p2", ["legal", "tools"])]
    _record(session, answers)
    table = _read(answers_csv(session, answers))
    assert (table[0]["question_fr"], table[0]["answer_fr"], table[0]["language"]) == (
        "Le rythme était",
        "Trop lent",
        "fr",
    )
    assert table[1]["answer_fr"] == "Cadre juridique; Outils informatiques"
    summary = [r for r in _read(summary_csv(session)) if r["question_id"] == "pace"]
    assert [(r["item"], r["item_fr"]) for r in summary] == [
        ("Too slow", "Trop lent"),
        ("About right", "Correct"),
        ("Too fast", "Trop rapide"),
    ]
    assert {r["question_fr"] for r in summary} == {"Le rythme était"}


# -- files as written and served ------------------------------------------------------------


@pytest.mark.parametrize("kind", ["answers", "summary"])
def test_csv_files_start_with_a_utf8_byte_order_mark(kind: str) -> None:
    """Both CSV files begin with the UTF-8 BOM (so Excel reads Cyrillic right) and still read as CSV."""
    session = make_session(PACE)
    rows = [_row("pace", "p1", "slow", language="fr")]
    _record(session, rows)
    data = render(kind, session, {}, rows).body.encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert list(table[0])[:2] == ["session", "question_id"]
    assert table[0]["question_fr"] == "Le rythme était"


def test_the_json_export_has_no_byte_order_mark() -> None:
    """JSON stays plain UTF-8: a BOM there would break strict JSON readers."""
    assert render("json", make_session(PACE), {}, []).body.startswith("{")


def test_every_export_is_named_bank_date_code_kind() -> None:
    """One naming scheme: BANK-DATE-CODE followed by the export's own name, for each kind."""
    session = make_session(PACE)
    names = [render(kind, session, {}, []).filename for kind in ("answers", "summary", "json")]
    assert names == [
        f"feedback-2024-05-01-{session.code}-answers.csv",
        f"feedback-2024-05-01-{session.code}-summary.csv",
        f"feedback-2024-05-01-{session.code}-export.json",
    ]
    assert names == [filename(session, kind) for kind in ("answers", "summary", "json")]


def test_session_json_leaves_out_the_screen_key() -> None:
    """The JSON export never carries the screen key, nor the screen link that holds it."""
    session = make_session(PACE)
    info = {
        "id": "s-1",
        "screen_key": "secret-screen-key",
        "screen_url": "http://h/screen/s-1/secret-screen-key",
    }
    data = session_json(session, info, [])
    assert data["session"] == {"id": "s-1"}
    assert "secret-screen-key" not in json.dumps(data)


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("kind", ["answers", "summary"])
def test_no_csv_cell_can_run_as_a_formula(kind: str) -> None:
    """In both CSV files, every user-written column (bank title, prompts and labels in each
    language, choices, words, open text) that begins like a formula gets a leading quote; a
    negative number answer stays a number."""
    from polling.reports.cells import formula_like
    from tests.reportdata import HOSTILE_ANSWERS, answered, hostile_session

    session = hostile_session()
    rows = answered(session, HOSTILE_ANSWERS)
    document = render(kind, session, {}, rows)
    table = list(csv.reader(io.StringIO(document.body.removeprefix("\ufeff"), newline="")))
    cells = [cell for row in table[1:] for cell in row]
    assert not [cell for cell in cells if formula_like(cell) and not _number(cell)]
    quoted = {cell for cell in cells if cell.startswith("'")}
    if kind == "answers":
        assert {
            "'@pick",
            "'-pick",
            "'=a",
            "'@a",
            "'=tags",
            "'=cmd()",
            "'@evil",
            "'-1+2",
            "'+call()",
        } <= quoted
        assert "-7" in cells
    else:
        assert {"'@pick", "'-pick", "'=a", "'@a", "'-b", "'+b", "'=cmd()", "'@evil", "'=count"} <= quoted
