"""Where sessions and answers are kept: one interface, one module per engine."""

from __future__ import annotations

from pathlib import Path

from polling.store.base import Store


def is_server_url(db: str | Path) -> bool:
    """Whether a database setting names a PostgreSQL server rather than a SQLite file."""
    return isinstance(db, str) and db.startswith(("postgresql://", "postgres://"))


def open_store(db: str | Path, exclusive: bool = False) -> Store:
    """The store for a database setting: a postgresql:// URL, or else a SQLite file path.

    `exclusive`: a SQLite file is held by this process alone (a server, a purge); opening it
    raises StoreError while another process holds it. A PostgreSQL server is shared."""
    if is_server_url(db):
        from polling.store.postgres import PostgresStore

        return PostgresStore(str(db))
    from polling.store.sqlite import SqliteStore

    return SqliteStore(db, exclusive)
