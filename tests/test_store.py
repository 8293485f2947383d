"""The store, on each engine: durable upserts, group commit, and failures that keep nothing."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from polling.core.model import Bank, Option, Question, QuestionType
from polling.store import open_store
from polling.store.base import AnswerRow, SessionRow, StoreError

BANK = Bank(
    id="b",
    title={"en": "B"},
    languages=("en",),
    questions=(
        Question(
            "q",
            QuestionType.SINGLE,
            {"en": "Q"},
            (Option("a", {"en": "A"}), Option("b", {"en": "B"})),
        ),
    ),
)


@pytest.fixture
def db(both_engines: str | Path) -> str | Path:
    """Every store test runs on a SQLite file and on a PostgreSQL database."""
    return both_engines


async def store_with_a_session(db: str | Path) -> Any:
    store = open_store(db)
    await store.open()
    await store.create_session(
        SessionRow("s1", "ACDEF", BANK, "key", False, "2026-11-28T09:00Z", {"status": "waiting"})
    )
    return store


def answer(participant: str, value: str, rev: int = 1) -> AnswerRow:
    return AnswerRow("s1", "q", participant, value, "en", "2026-11-28T09:01Z", rev)


async def test_concurrent_answers_share_transactions(db: str | Path) -> None:
    """Two hundred answers saved at once are all stored, in far fewer commits than answers."""
    store = await store_with_a_session(db)
    before = store.commits
    await asyncio.gather(*(store.save_answer(answer(f"p{i}", "a")) for i in range(200)))
    assert len(await store.answers("s1")) == 200
    assert store.commits - before < 50
    await store.close()


async def test_a_group_is_counted_before_any_of_its_callers_resumes(db: str | Path) -> None:
    """Every answer of a committed group has its `committed` callback run before the first
    caller of the group resumes, so the tallies hold the whole group before any reply."""
    store = await store_with_a_session(db)
    counted: list[int] = []
    seen_on_resume: list[int] = []

    async def save(index: int) -> None:
        await store.save_answer(answer(f"p{index}", "a"), lambda: counted.append(index))
        seen_on_resume.append(len(counted))

    before = store.commits
    await asyncio.gather(*(save(i) for i in range(50)))  # queued in one turn: one transaction
    assert store.commits - before == 1
    assert sorted(counted) == list(range(50))
    assert seen_on_resume == [50] * 50
    await store.close()


async def test_an_older_revision_never_overwrites_a_newer_one(db: str | Path) -> None:
    """Answers are upserts keyed by participant and question; a lower rev is ignored."""
    store = await store_with_a_session(db)
    await store.save_answer(answer("p", "a", rev=2))
    await store.save_answer(answer("p", "b", rev=1))
    await store.save_answer(answer("p", "b", rev=2))
    assert [(a.value, a.rev) for a in await store.answers("s1")] == [("a", 2)]
    await store.save_answer(answer("p", "b", rev=3))
    assert [(a.value, a.rev) for a in await store.answers("s1")] == [("b", 3)]
    await store.close()


async def test_what_was_saved_survives_reopening(db: str | Path) -> None:
    """Sessions, their bank snapshot, control state and answers come back after a reopen."""
    store = await store_with_a_session(db)
    await store.save_answer(answer("p", "a"))
    await store.save_control("s1", {"status": "running", "current": "q"})
    await store.close()
    store = open_store(db)
    await store.open()
    [session] = await store.sessions()
    assert session.bank == BANK and session.control == {"status": "running", "current": "q"}
    assert [a.participant for a in await store.answers("s1")] == ["p"]
    await store.close()


async def test_a_failed_write_raises_and_keeps_nothing(db: str | Path) -> None:
    """A write that cannot be committed raises StoreError to its caller and stores nothing."""
    store = await store_with_a_session(db)
    orphan = AnswerRow("no-such-session", "q", "p", "a", "en", "2026-11-28T09:01Z", 1)
    with pytest.raises(StoreError):
        await store.save_answer(orphan)
    assert await store.answers("no-such-session") == []
    await store.save_answer(answer("p", "a"))  # the store goes on
    assert len(await store.answers("s1")) == 1
    await store.close()


async def test_one_burst_keeps_the_newest_answer_of_each_phone(db: str | Path) -> None:
    """Answers written in one group commit keep, for each phone, the highest rev whatever the order."""
    store = await store_with_a_session(db)
    before = store.commits
    await asyncio.gather(
        store.save_answer(answer("p", "b", rev=3)),
        store.save_answer(answer("p", "a", rev=2)),
        store.save_answer(answer("q", "a", rev=1)),
        store.save_answer(answer("q", "b", rev=4)),
        *(store.save_answer(answer(f"x{i}", "a")) for i in range(50)),
    )
    assert store.commits - before < 5  # they did share transactions
    stored = {a.participant: (a.value, a.rev) for a in await store.answers("s1")}
    assert stored["p"] == ("b", 3) and stored["q"] == ("b", 4)
    assert len(stored) == 52
    await store.close()


async def test_closing_finishes_the_writes_under_way(db: str | Path) -> None:
    """Writes already asked for when the store closes are committed, not dropped."""
    store = await store_with_a_session(db)
    pending = [asyncio.create_task(store.save_answer(answer(f"p{i}", "a"))) for i in range(30)]
    await asyncio.sleep(0)  # the writes are queued
    await store.close()
    assert all(task.done() and task.exception() is None for task in pending)
    store = open_store(db)
    await store.open()
    assert len(await store.answers("s1")) == 30
    await store.close()


async def test_one_failing_write_fails_alone(db: str | Path) -> None:
    """In a burst that shares a transaction, an answer for a session that is gone is refused
    and every other answer of the burst is still stored."""
    store = await store_with_a_session(db)
    orphan = AnswerRow("gone", "q", "p-orphan", "a", "en", "2026-11-28T09:01Z", 1)
    writes = [store.save_answer(answer(f"p{i}", "a")) for i in range(50)]
    results = await asyncio.gather(
        *writes[:25], store.save_answer(orphan), *writes[25:], return_exceptions=True
    )
    assert [type(r) for r in results] == [type(None)] * 25 + [StoreError] + [type(None)] * 25
    assert len(await store.answers("s1")) == 50
    await store.close()


async def test_a_held_database_cannot_be_held_twice(tmp_path: Path) -> None:
    """A store that holds its database alone keeps a second one out until it closes."""
    first = open_store(tmp_path / "db.sqlite3", exclusive=True)
    await first.open()
    second = open_store(tmp_path / "db.sqlite3", exclusive=True)
    with pytest.raises(StoreError, match="in use by a running server"):
        await second.open()
    await first.close()
    await second.open()
    await second.close()


async def test_a_database_of_the_first_schema_is_upgraded_in_place(db: str | Path) -> None:
    """A database written by the first schema version gets the later migrations on open, keeping
    its sessions; opening again changes nothing."""
    import aiosqlite
    import asyncpg

    from polling.store import postgres, sqlite

    created = "INSERT INTO sessions (id, code, bank, screen_key, hide_results, created, control)"
    values = ("s0", "OLDER", json.dumps(BANK.to_dict()), "key", False, "2026-01-05T09:00Z", "{}")
    if isinstance(db, Path):
        async with aiosqlite.connect(db) as old:
            await old.executescript(sqlite.MIGRATIONS[0] + "PRAGMA user_version = 1;")
            await old.execute(created + " VALUES (?, ?, ?, ?, ?, ?, ?)", values)
            await old.commit()
    else:
        old = await asyncpg.connect(db)
        await old.execute("CREATE TABLE polling_schema (version INTEGER NOT NULL)")
        await old.execute(postgres.MIGRATIONS[0])
        await old.execute("INSERT INTO polling_schema VALUES (1)")
        await old.execute(created + " VALUES ($1, $2, $3, $4, $5, $6, $7)", *values)
        await old.close()
    for _ in range(2):
        store = open_store(db)
        await store.open()
        [session] = await store.sessions()
        assert (session.id, session.owner, session.bank) == ("s0", None, BANK)
        assert await store.accounts() == []
        await store.close()
    assert await schema_version(db) == len(sqlite.MIGRATIONS) == len(postgres.MIGRATIONS)


async def schema_version(db: str | Path) -> int:
    """The schema version a database records."""
    import aiosqlite
    import asyncpg

    if isinstance(db, Path):
        async with aiosqlite.connect(db) as connection, connection.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
            return int(row[0]) if row else 0
    connection = await asyncpg.connect(db)
    try:
        return int(await connection.fetchval("SELECT max(version) FROM polling_schema"))
    finally:
        await connection.close()


async def test_elapsed_times_and_players_are_kept_and_go_with_the_session(db: str | Path) -> None:
    """An answer's elapsed milliseconds come back, alone and in a burst; nicknames are stored,
    changed, forgotten, cleared, and deleted with the session."""
    from polling.store.base import PlayerRow

    store = await store_with_a_session(db)
    timed = [
        AnswerRow("s1", "q", f"p{i}", "a", "en", "2026-11-28T09:01Z", 1, None, 1500 + i) for i in range(3)
    ]
    await store.save_answer(timed[0])
    await asyncio.gather(*(store.save_answer(row) for row in timed[1:]))
    await store.save_answer(answer("untimed", "b"))
    kept = {row.participant: row.elapsed for row in await store.answers("s1")}
    assert kept == {"p0": 1500, "p1": 1501, "p2": 1502, "untimed": None}

    await store.save_player("s1", PlayerRow("p0", "Ana", "North"))
    await store.save_player("s1", PlayerRow("p1", "Bo", None))
    await store.save_player("s1", PlayerRow("p0", "Ana B", "South"))
    assert await store.players("s1") == [PlayerRow("p0", "Ana B", "South"), PlayerRow("p1", "Bo", None)]
    await store.save_player("s1", PlayerRow("p1", None, None))
    assert await store.players("s1") == [PlayerRow("p0", "Ana B", "South")]
    await store.clear_players("s1")
    assert await store.players("s1") == []
    await store.save_player("s1", PlayerRow("p2", "Cy", None))
    await store.purge("s1")
    assert await store.players("s1") == []
    await store.close()
