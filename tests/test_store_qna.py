"""The Q&A part of the store, on each engine: questions, votes, statuses and settings kept for good."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from polling.store import open_store
from polling.store.base import QnaQuestionRow, StoreError
from polling.store.copy import copy_database
from tests.test_store import store_with_a_session


@pytest.fixture
def db(both_engines: str | Path) -> str | Path:
    """Every test runs on a SQLite file and on a PostgreSQL database."""
    return both_engines


def asked(qid: str, text: str = "Why?", participant: str = "p1") -> QnaQuestionRow:
    return QnaQuestionRow("s1", qid, participant, text, "en", "2026-12-01T10:00Z", "pending")


async def test_questions_votes_and_settings_survive_reopening(db: str | Path) -> None:
    """What Q&A stored (a question in Arabic, its status, votes and settings) is read back after a reopen."""
    store = await store_with_a_session(db)
    assert (await store.qna("s1")).settings is None
    await store.save_qna_settings("s1", {"open": True, "premoderate": True, "order": "votes", "pinned": None})
    await store.add_qna_question(asked("a", "لماذا؟"))
    await store.add_qna_question(asked("b", "How?", "p2"))
    await store.save_qna_status("s1", "a", "approved")
    await asyncio.gather(*(store.save_qna_vote("s1", "a", f"v{i}", True) for i in range(30)))
    await store.close()
    store = open_store(db)
    await store.open()
    rows = await store.qna("s1")
    assert rows.settings == {"open": True, "premoderate": True, "order": "votes", "pinned": None}
    assert [(q.id, q.text, q.status) for q in rows.questions] == [
        ("a", "لماذا؟", "approved"),
        ("b", "How?", "pending"),
    ]
    assert len(rows.votes) == 30 and {q for q, _ in rows.votes} == {"a"}
    await store.close()


async def test_a_vote_twice_counts_once_and_is_taken_back(db: str | Path) -> None:
    """One vote per phone per question: a repeat is no change, taking it back deletes it, in order."""
    store = await store_with_a_session(db)
    await store.add_qna_question(asked("a"))
    await store.save_qna_vote("s1", "a", "v", True)
    await store.save_qna_vote("s1", "a", "v", True)
    assert (await store.qna("s1")).votes == [("a", "v")]
    # Queued together, the vote and its taking back are applied in the order they were made.
    await asyncio.gather(
        store.save_qna_vote("s1", "a", "w", True), store.save_qna_vote("s1", "a", "w", False)
    )
    await store.save_qna_vote("s1", "a", "v", False)
    assert (await store.qna("s1")).votes == []
    await store.close()


async def test_a_question_of_an_unknown_session_is_refused_and_a_purge_removes_all(db: str | Path) -> None:
    """A question for no session raises StoreError; purging a session deletes its Q&A too."""
    store = await store_with_a_session(db)
    with pytest.raises(StoreError):
        await store.add_qna_question(QnaQuestionRow("nope", "a", "p", "t", "en", "m", "pending"))
    await store.add_qna_question(asked("a"))
    await store.save_qna_vote("s1", "a", "v", True)
    await store.save_qna_settings("s1", {"open": True})
    await store.purge("s1")
    rows = await store.qna("s1")
    assert rows.settings is None and rows.questions == [] and rows.votes == []
    await store.close()


async def test_moving_the_database_carries_the_qna(db: str | Path, tmp_path: Path) -> None:
    """`migrate-db` copies a session's Q&A settings, questions (in order, with status) and votes."""
    store = await store_with_a_session(db)
    await store.save_qna_settings("s1", {"open": True, "pinned": "b"})
    await store.add_qna_question(asked("a"))
    await store.add_qna_question(asked("b", "¿Quién firma?"))
    await store.save_qna_vote("s1", "b", "v", True)
    target = open_store(tmp_path / "copy.sqlite3")
    await target.open()
    await copy_database(store, target)
    assert await target.qna("s1") == await store.qna("s1")
    await target.close()
    await store.close()
