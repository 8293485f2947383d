"""Moving a whole database from one engine to another, through the one Store interface."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from polling.store.base import Store, StoreError

CHUNK = 5_000  # answers written at once: the group commit makes each chunk a few transactions


@dataclass(frozen=True)
class Copied:
    """How much was moved."""

    sessions: int
    answers: int
    accounts: int


async def copy_database(source: Store, target: Store) -> Copied:
    """Copy every session (with its bank, state and owner), answer and account into an empty target.

    Answers keep their revisions and moderation, and each session's answers keep their order.
    A target that already holds sessions or accounts is refused, so nothing is mixed."""
    if await target.sessions() or await target.accounts():
        raise StoreError("the target database is not empty")
    answers = 0
    sessions = await source.sessions()
    for row in sessions:
        await target.create_session(row)
        stored = await source.answers(row.id)
        for start in range(0, len(stored), CHUNK):
            await asyncio.gather(*(target.save_answer(answer) for answer in stored[start : start + CHUNK]))
        answers += len(stored)
        joined = await source.participants(row.id)
        await asyncio.gather(*(target.add_participant(row.id, key) for key in joined))
    accounts = await source.accounts()
    for account in accounts:
        await target.add_account(account)
    return Copied(len(sessions), answers, len(accounts))
