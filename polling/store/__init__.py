"""Where sessions and answers are kept: one interface, one module per engine."""

from __future__ import annotations

from pathlib import Path

from polling.store.base import Store


def open_store(db: str | Path) -> Store:
    """The store for a database setting: a file path is the embedded SQLite store."""
    from polling.store.sqlite import SqliteStore

    return SqliteStore(db)
