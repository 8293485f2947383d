"""The Excel workbook of one session, or of several side by side: a summary sheet, a sheet per
question with its table and a native chart, and the answers as in answers.csv. Pure: bytes out."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from polling.core.model import QuestionType
from polling.core.qna import Board
from polling.core.session import Session
from polling.reports.cells import neutral
from polling.reports.exports import answer_columns, answer_rows
from polling.reports.groups import labelled_breakdowns
from polling.reports.labels import Labels
from polling.reports.qnareport import qna_header, qna_rows
from polling.reports.tables import QuestionTable, question_tables, session_label, text_language
from polling.store.base import AnswerRow

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)
# Excel refuses a sheet name longer than 31 characters or holding any of these.
SHEET_NAME_LENGTH = 31
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def workbook(
    sessions: Sequence[Session],
    answers: Sequence[Sequence[AnswerRow]],
    lang: str,
    boards: Sequence[Board] = (),
) -> bytes:
    """The workbook of `sessions` (each with its answers and, where given, its Q&A board, in
    the same order) in `lang`."""
    labels = Labels(lang)
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = _sheet_name(labels("summary"), set())
    names = {summary.title}
    tables = question_tables(list(sessions), lang)
    _summary(summary, list(sessions), tables, labels, lang)
    for number, table in enumerate(tables, 1):
        sheet = book.create_sheet(_sheet_name(f"{number} {table.question.id}", names))
        names.add(sheet.title)
        _question(sheet, table, labels)
    for session, rows in zip(sessions, answers, strict=True):
        title = labels("answers") if len(sessions) == 1 else f"{labels('answers')} {session.code}"
        sheet = book.create_sheet(_sheet_name(title, names))
        names.add(sheet.title)
        _answers(sheet, session, rows, labels, lang)
    for session in sessions:
        if session.bank.segments():
            several = len(sessions) > 1
            title = f"{labels('breakdowns')} {session.code}" if several else labels("breakdowns")
            sheet = book.create_sheet(_sheet_name(title, names))
            names.add(sheet.title)
            header, grouped = labelled_breakdowns(session, text_language(session, lang), labels)
            _append(sheet, header, bold=True)
            for row in grouped:
                _append(sheet, row)
    # Without boards (left out by the caller), no Q&A sheet.
    for session, board in zip(sessions, boards, strict=bool(boards)):
        if board.questions:  # a sheet of the room's questions, for the sessions that had any
            title = labels("qna") if len(sessions) == 1 else f"{labels('qna')} {session.code}"
            sheet = book.create_sheet(_sheet_name(title, names))
            names.add(sheet.title)
            _append(sheet, qna_header(labels), bold=True)
            for row in qna_rows(board, labels, everything=True):
                _append(sheet, row)
    for sheet in book.worksheets:
        sheet.sheet_view.rightToLeft = labels.direction == "rtl"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    """A value as written: text neutralised (never a formula) and without the control characters
    a workbook cannot hold; numbers stay numbers."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", neutral(value))
    return value


def _append(sheet: Worksheet, row: list[Any], bold: bool = False) -> int:
    sheet.append([_cell(v) for v in row])
    if bold:
        for cell in sheet[sheet.max_row]:
            cell.font = BOLD
    return int(sheet.max_row)


def _sheet_name(wanted: str, taken: set[str]) -> str:
    base = SHEET_NAME_FORBIDDEN.sub("_", wanted)[:SHEET_NAME_LENGTH].strip("' ") or "sheet"
    name, number = base, 2
    while name.casefold() in {t.casefold() for t in taken}:
        suffix = f" ({number})"
        name, number = base[: SHEET_NAME_LENGTH - len(suffix)] + suffix, number + 1
    return name


def _summary(
    sheet: Worksheet, sessions: list[Session], tables: list[QuestionTable], labels: Labels, lang: str
) -> None:
    """Who and when for each session, then each question's responses and headline figure."""
    _append(sheet, [labels("report")], bold=True)
    _append(sheet, [])
    if len(sessions) > 1:
        _append(sheet, ["", *[session_label(s) for s in sessions]], bold=True)
    _append(sheet, [labels("session"), *[s.code for s in sessions]])
    _append(sheet, [labels("bank"), *[s.bank.title[text_language(s, lang)] for s in sessions]])
    _append(sheet, [labels("date"), *[s.created for s in sessions]])
    _append(sheet, [labels("participants"), *[len(s.answered) for s in sessions]])
    _append(sheet, [])
    several = len(sessions) > 1
    header = [labels("question_id"), labels("question"), labels("type")]
    for label in tables[0].sessions if tables else []:
        header += [f"{labels('responses')} {label}" if several else labels("responses")]
        header += [f"{labels('headline')} {label}" if several else labels("headline")]
    _append(sheet, header, bold=True)
    for table in tables:
        cells = [c for i in range(len(sessions)) for c in (table.responses[i], table.headlines[i])]
        _append(sheet, [table.question.id, table.prompt, table.type_label, *cells])
    for column, width in zip("ABCDEFGH", (16, 48, 16, 12, 40, 12, 40, 12), strict=True):
        sheet.column_dimensions[column].width = width


def _question(sheet: Worksheet, table: QuestionTable, labels: Labels) -> None:
    """The question, its table (counts, then shares, a column per session) and its chart."""
    _append(sheet, [table.prompt], bold=True)
    _append(sheet, [table.type_label])
    _append(sheet, [])
    several = len(table.sessions) > 1
    columns, rows = table.grid(labels)
    header = _append(sheet, columns, bold=True)
    series = len(table.sessions)
    for row in rows:
        last = _append(sheet, row)
        if table.has_shares:
            for cell in sheet[last][1 + series : 1 + 2 * series]:
                cell.number_format = "0%"
    if table.items:
        _chart(sheet, table, header, series)
    if table.statistics:
        _append(sheet, [])
        for name, values in table.statistics:
            _append(sheet, [name, *values])
    if table.question.type is QuestionType.TEXT:
        _append(sheet, [])
        _append(sheet, [labels("approved_answers"), *(table.sessions if several else [])], bold=True)
        for line in range(max((len(t) for t in table.texts), default=0)):
            _append(sheet, ["", *[texts[line] if line < len(texts) else "" for texts in table.texts]])
    sheet.column_dimensions["A"].width = 40


def _chart(sheet: Worksheet, table: QuestionTable, header: int, series: int) -> None:
    """A native bar chart of the counts, one series (colour) per session."""
    chart = BarChart()
    # Long option texts read better along horizontal bars; a scale's points stay in a row.
    chart.type = "col" if table.question.type in (QuestionType.SCALE, QuestionType.NUMBER) else "bar"
    chart.title = ILLEGAL_CHARACTERS_RE.sub("", table.prompt)[:250]
    chart.legend = chart.legend if series > 1 else None
    last = header + len(table.items)
    counts = Reference(sheet, min_col=2, max_col=1 + series, min_row=header, max_row=last)
    chart.add_data(counts, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=header + 1, max_row=last))
    if chart.type == "bar":
        chart.y_axis.scaling.orientation = "minMax"
        chart.x_axis.scaling.orientation = "maxMin"  # the first item on top, as in the table
    chart.width, chart.height = 18, max(7.5, 0.9 * len(table.items) + 3)
    sheet.add_chart(chart, f"{_column(3 + 2 * series)}{header}")


def _column(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _answers(
    sheet: Worksheet, session: Session, rows: Sequence[AnswerRow], labels: Labels, lang: str
) -> None:
    """The rows of answers.csv, the question and answer in `lang` first, headers in `lang`."""
    texts = text_language(session, lang)
    columns = answer_columns(session, texts)
    _append(sheet, [_header(c, labels) for c in columns], bold=True)
    for row in answer_rows(session, rows, texts):
        named = dict(zip(columns, row, strict=True))
        named["type"] = labels(f"type_{named['type']}")
        named["status"] = labels(f"status_{named['status']}") if named["status"] else ""
        _append(sheet, list(named.values()))
    for column in "CE":
        sheet.column_dimensions[column].width = 40


# answers.csv columns whose label is not their own name: `correct` is 1 for a right answer.
COLUMN_LABELS = {"correct": "answered_right"}


def _header(column: str, labels: Labels) -> str:
    """An answers.csv column name in the report's language: `question_ru` is "Question (ru)"."""
    if column.startswith("group_"):
        return f"{labels('group')}: {column.removeprefix('group_')}"
    for prefix in ("question_", "answer_"):
        code = column.removeprefix(prefix)
        if column.startswith(prefix) and column != "question_id":
            return f"{labels(prefix[:-1])} ({code})"
    return labels(COLUMN_LABELS.get(column, column))
