"""Where sessions and answers are kept: one interface, one module per engine."""

from __future__ import annotations

from pathlib import Path

from polling.store.base import Store


def is_server_url(db: str | Path) -> bool:
    """Whether a database setting names a PostgreSQL server rather than a SQLite file."""
    return isinstance(db, str) and db.startswith(("postgresql://", "postgres://"))


def shown(db: str | Path) -> str:
    """A database setting as it may be printed: a URL without its password."""
    from urllib.parse import urlsplit

    password = urlsplit(str(db)).password if is_server_url(db) else None
    return str(db).replace(f":{password}@", ":***@", 1) if password else str(db)


def open_store(db: str | Path, exclusive: bool = False, shared: bool = False) -> Store:
    """The store for a database setting: a postgresql:// URL, or else a SQLite file path.

    `exclusive`: the database is held by this process alone (a server, a purge); opening it
    raises StoreError while another process holds it. `shared`: held together with the other
    processes of one server (on PostgreSQL, with Redis between them), which keeps out an
    exclusive holder such as `polling purge`."""
    if is_server_url(db):
        from polling.store.postgres import PostgresStore

        return PostgresStore(str(db), hold="exclusive" if exclusive else "shared" if shared else None)
    from polling.store.sqlite import SqliteStore

    return SqliteStore(db, exclusive)
