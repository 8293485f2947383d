"""Where the pages and the bundled banks are: inside the installed package, or beside it in the
source tree. A wheel ships them as package data (pyproject.toml maps `static/` and
`question_banks/` into the package); `make run` and an editable install read the tree itself."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """The folder `name` (`static` or `question_banks`) that comes with this copy of polling."""
    installed = PACKAGE / name
    return installed if installed.is_dir() else PACKAGE.parent / name


STATIC = bundled("static")
BANKS = bundled("question_banks")
