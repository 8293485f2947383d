"""Moving a whole database, or one session, between databases through the one Store interface."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Container
from dataclasses import dataclass, replace

from polling.store.base import AnswerRow, QnaRows, ScenarioRows, SessionRow, Store, StoreError


class SessionExists(StoreError):
    """The target already holds a session of that id."""


CHUNK = 5_000  # answers written at once: the group commit makes each chunk a few transactions


@dataclass(frozen=True)
class Copied:
    """How much was moved."""

    sessions: int
    answers: int
    accounts: int


async def copy_database(source: Store, target: Store) -> Copied:
    """Copy every course, session (with its bank, state, owner, Q&A, exercise), answer and account to an
    empty target.

    Answers keep their revisions and moderation, and each session's answers keep their order.
    A target that already holds sessions or accounts is refused, so nothing is mixed."""
    if await target.sessions() or await target.accounts():
        raise StoreError("the target database is not empty")
    answers = 0
    for course in await source.courses():  # before the sessions that name them
        await target.create_course(course)
    sessions = await source.sessions()
    for row in sessions:
        stored = await source.answers(row.id)
        await _write_session(target, row, stored, await source.participants(row.id))
        answers += len(stored)
        for phone in await source.phones(row.id):
            await target.save_phone(row.id, phone.participant, phone.course_key, phone.finished)
        await copy_qna(source, target, row.id)
        await write_scenario(target, row.id, await source.scenario(row.id))
    accounts = await source.accounts()
    for account in accounts:
        await target.add_account(account)
    return Copied(len(sessions), answers, len(accounts))


async def copy_qna(source: Store, target: Store, session_id: str) -> None:
    """A session's audience Q&A: its settings, its questions in the order asked, and their votes."""
    await write_qna(target, session_id, await source.qna(session_id))


async def write_qna(target: Store, session_id: str, rows: QnaRows) -> None:
    """Q&A rows written into `session_id` of the target: settings, questions in order, votes."""
    if rows.settings is not None:
        await target.save_qna_settings(session_id, rows.settings)
    for question in rows.questions:
        await target.add_qna_question(replace(question, session_id=session_id))
    await asyncio.gather(*(target.save_qna_vote(session_id, q, voter, True) for q, voter in rows.votes))


async def write_scenario(target: Store, session_id: str, rows: ScenarioRows) -> None:
    """A session's table-top exercise written into the target: its events in order, teams, votes."""
    for event in rows.events:
        await target.add_scenario_event(session_id, event)
    for participant, team, spokesperson in rows.members:
        await target.save_scenario_member(session_id, participant, team, spokesperson)
    await asyncio.gather(*(target.save_scenario_vote(session_id, *vote) for vote in rows.votes))


async def _write_session(target: Store, row: SessionRow, answers: list[AnswerRow], joined: list[str]) -> None:
    """A session, its answers in their order (with revisions and moderation) and its phones."""
    await target.create_session(row)
    for start in range(0, len(answers), CHUNK):
        await asyncio.gather(*(target.save_answer(answer) for answer in answers[start : start + CHUNK]))
    await asyncio.gather(*(target.add_participant(row.id, key) for key in joined))


async def read_session(
    source: Store, session_id: str
) -> tuple[SessionRow, list[AnswerRow], list[str], list[str]]:
    """A stored session's row, answers, joined phones and the phones that finished its
    self-paced questionnaire; LookupError when there is none."""
    row = next((r for r in await source.sessions() if r.id == session_id), None)
    if row is None:
        raise LookupError(session_id)
    finished = [phone.participant for phone in await source.phones(session_id) if phone.finished]
    return row, await source.answers(session_id), await source.participants(session_id), finished


async def restore_session(
    target: Store,
    row: SessionRow,
    answers: list[AnswerRow],
    joined: list[str],
    finished: list[str],
    overwrite: bool,
    new_code: Callable[[Container[str]], str],
    qna: QnaRows | None = None,
    scenario: ScenarioRows | None = None,
) -> SessionRow:
    """Write a session brought from another server, with its audience Q&A and its exercise;
    returns it as stored.

    A session of the same id is refused (SessionExists) unless `overwrite`, which purges it first.
    A join code that another session of the target already uses is replaced by `new_code`."""
    existing = await target.sessions()
    if any(other.id == row.id for other in existing):
        if not overwrite:
            raise SessionExists(f"session {row.id} is already in this database")
        await target.purge(row.id)
    taken = {other.code for other in existing if other.id != row.id}
    if row.code in taken:
        row = replace(row, code=new_code(taken))
    await _write_session(target, row, answers, joined)
    for participant in finished:
        await target.save_phone(row.id, participant, None, True)
    if qna is not None:
        await write_qna(target, row.id, qna)
    if scenario is not None:
        await write_scenario(target, row.id, scenario)
    return row
