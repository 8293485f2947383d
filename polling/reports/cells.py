"""What a spreadsheet cell may hold: text anyone typed never runs as a formula. Pure."""

from __future__ import annotations

import unicodedata
from typing import Any

# A spreadsheet runs a cell that begins with one of these as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutral(cell: Any) -> Any:
    """A cell as it may be written: text a spreadsheet could run as a formula gets a leading `'`
    (the OWASP advice), so it is shown as the text it is; numbers and empty cells stay as they are
    (a negative number answer is a number, not a formula)."""
    return "'" + cell if isinstance(cell, str) and formula_like(cell) else cell


def neutral_row(row: list[Any]) -> list[Any]:
    """Each cell of a row neutralised."""
    return [neutral(cell) for cell in row]


def formula_like(cell: str) -> bool:
    """Whether a spreadsheet could read the cell as a formula, also behind leading spaces and
    invisible characters (U+200B, U+FEFF) that some spreadsheets skip."""
    start = 0
    while start < len(cell) and (cell[start] in " \u00a0" or unicodedata.category(cell[start]) == "Cf"):
        start += 1
    return cell[start : start + 1] in FORMULA_STARTS or cell[:1] in FORMULA_STARTS
