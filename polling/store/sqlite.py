"""The embedded store: SQLite in WAL mode, all SQL here, writes serialized and committed in groups."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import logging
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiosqlite
import orjson

from polling.core.model import Bank
from polling.store.base import (
    AccountRow,
    AnswerRow,
    CourseRow,
    PhoneRow,
    PlayerRow,
    QnaQuestionRow,
    QnaRows,
    ScenarioRows,
    SessionRow,
    StoreError,
)
from polling.store.batching import GroupCommit, Run

# Each entry upgrades the schema by one version; the file remembers the last one applied in
# PRAGMA user_version. The first is written so that a file made before versions existed passes.
MIGRATIONS = (
    """
    CREATE TABLE IF NOT EXISTS sessions (
        id           TEXT PRIMARY KEY,
        code         TEXT NOT NULL UNIQUE,
        bank         TEXT NOT NULL,      -- the bank as it was when the session was created
        screen_key   TEXT NOT NULL,
        hide_results INTEGER NOT NULL,
        created      TEXT NOT NULL,      -- UTC, to the minute
        control      TEXT NOT NULL       -- which question is current and the state of each
    );
    CREATE TABLE IF NOT EXISTS answers (
        session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        question_id TEXT NOT NULL,
        participant TEXT NOT NULL,       -- a one-way hash of the phone's random token
        value       TEXT NOT NULL,       -- JSON
        language    TEXT NOT NULL,
        minute      TEXT NOT NULL,       -- UTC, to the minute: no finer, for anonymity
        rev         INTEGER NOT NULL,
        status      TEXT,                -- moderation of open text
        UNIQUE (session_id, question_id, participant)
    );
    """,
    """
    ALTER TABLE sessions ADD COLUMN owner TEXT;  -- the facilitator who created it; NULL: the operator
    CREATE TABLE accounts (
        name       TEXT PRIMARY KEY,    -- a facilitator or organiser, never a participant
        role       TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE, -- SHA-256 of the token; the token itself is never kept
        created    TEXT NOT NULL
    );
    """,
    """
    -- Every phone that joined a session, by its anonymous key: the facilitator's limit counts
    -- them over the session's life, so that a new key per hello cannot stuff the vote.
    CREATE TABLE participants (
        session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        participant TEXT NOT NULL,       -- a one-way hash of the phone's random token
        PRIMARY KEY (session_id, participant)
    );
    """,
    """
    -- Courses group sessions (a pre-test and a post-test) so that one phone's answers pair up.
    CREATE TABLE courses (
        id      TEXT PRIMARY KEY,
        name    TEXT NOT NULL,
        key     TEXT NOT NULL,           -- the secret of the keyed hash of phones' course tokens
        created TEXT NOT NULL,
        owner   TEXT
    );
    ALTER TABLE sessions ADD COLUMN course TEXT;       -- the course it belongs to, if any
    ALTER TABLE sessions ADD COLUMN course_role TEXT;  -- "pre" or "post"
    -- A keyed hash of the phone's course token (never the token): pairs it across a course.
    ALTER TABLE participants ADD COLUMN course_key TEXT;
    -- Whether the phone submitted a self-paced questionnaire.
    ALTER TABLE participants ADD COLUMN finished INTEGER NOT NULL DEFAULT 0;
    """,
    """
    -- Audience Q&A: how each session runs it, the room's questions and their votes.
    CREATE TABLE qna_settings (
        session_id TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
        settings   TEXT NOT NULL         -- JSON: open, premoderate, order, pinned
    );
    CREATE TABLE qna_questions (
        session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        id          TEXT NOT NULL,
        participant TEXT NOT NULL,       -- the asking phone's anonymous key, never shown
        text        TEXT NOT NULL,
        language    TEXT NOT NULL,
        minute      TEXT NOT NULL,       -- UTC, to the minute: no finer, for anonymity
        status      TEXT NOT NULL,       -- pending, approved, hidden or answered
        PRIMARY KEY (session_id, id)
    );
    CREATE TABLE qna_votes (
        session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        question_id TEXT NOT NULL,
        participant TEXT NOT NULL,       -- the voting phone's anonymous key: one vote per phone
        PRIMARY KEY (session_id, question_id, participant)
    );
    """,
    """
    -- Milliseconds from a quiz question's opening to the answer: the speed bonus, after a restart.
    ALTER TABLE answers ADD COLUMN elapsed_ms INTEGER;
    -- The nickname and team a phone chose to show while the session's leaderboard is on;
    -- deleted when it is turned off, and with the session.
    CREATE TABLE players (
        session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        participant TEXT NOT NULL,       -- a one-way hash of the phone's random token
        nickname    TEXT,
        team        TEXT,
        PRIMARY KEY (session_id, participant)
    );
    """,
    """
    -- Table-top exercises: each session's log of exercise events (append-only: a run is
    -- rebuilt by replaying it), the phones' votes per visit of a step, and their teams.
    CREATE TABLE scenario_events (
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        event      TEXT NOT NULL         -- JSON, see polling/core/exercise.py
    );
    CREATE INDEX scenario_events_session ON scenario_events (session_id);
    CREATE TABLE scenario_votes (
        session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        run         INTEGER NOT NULL,    -- which start of the exercise in the session
        track       TEXT NOT NULL,       -- "room" or a team's name
        visit       INTEGER NOT NULL,    -- the track's visit of the step voted on
        participant TEXT NOT NULL,       -- the voting phone's anonymous key
        option      TEXT NOT NULL,
        PRIMARY KEY (session_id, run, track, visit, participant)
    );
    CREATE TABLE scenario_members (
        session_id   TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        participant  TEXT NOT NULL,      -- the phone's anonymous key
        team         TEXT NOT NULL,
        spokesperson INTEGER NOT NULL,
        PRIMARY KEY (session_id, participant)
    );
    """,
)


async def migrate(db: aiosqlite.Connection) -> int:
    """Apply the migrations this file has not seen, each in its own transaction; returns the version."""
    async with db.execute("PRAGMA user_version") as cursor:
        (version,) = await cursor.fetchone() or (0,)
    for number, sql in enumerate(MIGRATIONS[version:], start=version + 1):
        await db.executescript(f"BEGIN IMMEDIATE; {sql}; PRAGMA user_version = {number}; COMMIT;")
    return len(MIGRATIONS)


UPSERT_ANSWER = """
INSERT INTO answers (session_id, question_id, participant, value, language, minute, rev, status, elapsed_ms)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (session_id, question_id, participant) DO UPDATE SET
    value = excluded.value, language = excluded.language, minute = excluded.minute,
    rev = excluded.rev, status = excluded.status, elapsed_ms = excluded.elapsed_ms
WHERE excluded.rev > answers.rev
"""


# The same upsert for a whole burst of answers, passed as one JSON array: one statement,
# so the database thread lets go of the GIL once per burst rather than once per answer.
UPSERT_ANSWERS = """
INSERT INTO answers (session_id, question_id, participant, value, language, minute, rev, status, elapsed_ms)
SELECT json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]'),
       json_extract(j.value, '$[3]'), json_extract(j.value, '$[4]'), json_extract(j.value, '$[5]'),
       json_extract(j.value, '$[6]'), json_extract(j.value, '$[7]'), json_extract(j.value, '$[8]')
FROM json_each(?) AS j WHERE true
ON CONFLICT (session_id, question_id, participant) DO UPDATE SET
    value = excluded.value, language = excluded.language, minute = excluded.minute,
    rev = excluded.rev, status = excluded.status, elapsed_ms = excluded.elapsed_ms
WHERE excluded.rev > answers.rev
"""


def _params(row: AnswerRow) -> tuple[Any, ...]:
    """An answer as the upsert's parameters, its value as JSON."""
    return (
        row.session_id,
        row.question_id,
        row.participant,
        orjson.dumps(row.value).decode(),
        row.language,
        row.minute,
        row.rev,
        row.status,
        row.elapsed,
    )


logger = logging.getLogger("polling.store")

# How long a purge keeps retrying the truncation of the write-ahead log while a reader holds it.
CHECKPOINT_PATIENCE = 5.0


def hold(path: Path) -> int:
    """Lock the database file for this process alone, or StoreError when another holds it.

    An advisory lock (flock) beside SQLite's own POSIX locks, which it does not touch; the
    kernel lets go of it when the process ends, however it ends."""
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(descriptor)
        raise StoreError(f"{path} is in use by a running server") from None
    return descriptor


def _in_one_transaction(connection: sqlite3.Connection, runs: list[Run]) -> None:
    """Run the statements in one transaction and commit it; on failure roll it all back."""
    try:
        connection.execute("BEGIN IMMEDIATE")
        for sql, params in runs:
            connection.executemany(sql, params)
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                connection.execute("ROLLBACK")
        raise


class SqliteStore:
    """SQLite in WAL mode; every write is durable when its awaitable returns."""

    def __init__(self, path: str | Path, exclusive: bool = False) -> None:
        self.path = Path(path)
        # A server (or a purge) holds the database alone; listing and exporting may share it.
        self.exclusive = exclusive
        self._lock: int | None = None
        self._db: aiosqlite.Connection | None = None
        self._writes = GroupCommit(self._transaction, (sqlite3.Error, OSError))

    async def open(self) -> None:
        """Open the database, create the schema, and start the writer."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.exclusive:
            self._lock = hold(self.path)
        self._db = await aiosqlite.connect(self.path, isolation_level=None)
        await self._db.execute("PRAGMA journal_mode = WAL")
        # FULL makes each commit survive power loss, not only a crash of the process.
        await self._db.execute("PRAGMA synchronous = FULL")
        await self._db.execute("PRAGMA foreign_keys = ON")
        # Deleted answers are overwritten on disk, so a purge leaves nothing to recover.
        await self._db.execute("PRAGMA secure_delete = ON")
        await self._db.execute("PRAGMA busy_timeout = 5000")
        await migrate(self._db)
        self._writes.start()

    async def close(self) -> None:
        """Finish pending writes and close."""
        await self._writes.stop()
        if self._db is not None:
            await self._db.close()
            self._db = None
        if self._lock is not None:
            os.close(self._lock)  # closing the descriptor lets go of the lock
            self._lock = None

    @property
    def commits(self) -> int:
        """How many transactions the writer has committed."""
        return self._writes.commits

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise RuntimeError("The store is not open")
        return self._db

    # -- writes: queued, grouped into one transaction, durable when awaited ----------------

    async def _write(
        self, sql: str, params: list[tuple[Any, ...]], committed: Callable[[], None] | None = None
    ) -> None:
        await self._writes.write(sql, params, committed=committed)

    async def _truncate_log(self) -> None:
        """Copy the write-ahead log into the database and empty it, outside any transaction, so
        that deleted answers are left nowhere; a read still running is waited for."""
        deadline = time.monotonic() + CHECKPOINT_PATIENCE
        while True:
            try:
                async with self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)") as cursor:
                    row = await cursor.fetchone()
                if row is not None and row[0] == 0:
                    return
            except sqlite3.Error:
                pass  # a read of this connection is still running: "database table is locked"
            if time.monotonic() > deadline:
                logger.warning("The write-ahead log is in use; SQLite empties it when the server stops")
                return
            await asyncio.sleep(0.02)

    async def _transaction(self, runs: list[Run]) -> None:
        """Run merged writes in one transaction, rolled back if any of them fails."""
        merged = [
            (UPSERT_ANSWERS, [(orjson.dumps(params).decode(),)])
            if sql == UPSERT_ANSWER and len(params) > 1
            else (sql, params)
            for sql, params in runs
        ]
        # The whole transaction in one call on the database's thread, not one call per
        # statement: each hand-over back to the event loop waits its turn behind thousands of
        # sockets, and answers waited three of them for each commit (docs/performance.md).
        # aiosqlite has no public call for this; _execute is what its own methods use.
        await self.db._execute(_in_one_transaction, self.db._conn, merged)  # type: ignore[no-untyped-call]

    async def save_answer(self, answer: AnswerRow, committed: Callable[[], None] | None = None) -> None:
        """Store a participant's answer unless a newer one (higher rev) is stored; `committed` is
        called once it is, before the callers of the answers committed with it resume."""
        await self._write(UPSERT_ANSWER, [_params(answer)], committed)

    async def create_session(self, row: SessionRow) -> None:
        """Store a new session with its bank snapshot."""
        await self._write(
            "INSERT INTO sessions (id, code, bank, screen_key, hide_results, created, control, owner,"
            " course, course_role) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    row.id,
                    row.code,
                    json.dumps(row.bank.to_dict(), ensure_ascii=False),
                    row.screen_key,
                    int(row.hide_results),
                    row.created,
                    json.dumps(row.control),
                    row.owner,
                    row.course,
                    row.course_role,
                )
            ],
        )

    async def save_control(self, session_id: str, control: dict[str, Any]) -> None:
        """Store where a session stands, so that a restart resumes it there."""
        await self._write("UPDATE sessions SET control = ? WHERE id = ?", [(json.dumps(control), session_id)])

    async def save_status(self, session_id: str, question_id: str, participant: str, status: str) -> None:
        """Store the moderation of an open-text answer."""
        await self._write(
            "UPDATE answers SET status = ? WHERE session_id = ? AND question_id = ? AND participant = ?",
            [(status, session_id, question_id, participant)],
        )

    async def purge(self, session_id: str) -> None:
        """Delete a session and its answers for good, the write-ahead log included.

        Through the one writer like every write: a checkpoint run beside its open transaction
        failed with "database table is locked" and left the answers in the log."""
        # The answers go with the session: ON DELETE CASCADE.
        await self._writes.write(
            "DELETE FROM sessions WHERE id = ?", [(session_id,)], after=self._truncate_log
        )

    async def save_player(self, session_id: str, player: PlayerRow) -> None:
        """Store a phone's nickname and team; with neither, forget it."""
        if player.nickname is None and player.team is None:
            await self._write(
                "DELETE FROM players WHERE session_id = ? AND participant = ?",
                [(session_id, player.participant)],
            )
            return
        await self._write(
            "INSERT INTO players (session_id, participant, nickname, team) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (session_id, participant)"
            " DO UPDATE SET nickname = excluded.nickname, team = excluded.team",
            [(session_id, player.participant, player.nickname, player.team)],
        )

    async def clear_players(self, session_id: str) -> None:
        """Forget every nickname and team of a session."""
        await self._write("DELETE FROM players WHERE session_id = ?", [(session_id,)])

    async def add_participant(self, session_id: str, participant: str) -> None:
        """Remember that a phone (its anonymous key) joined a session; again is no change."""
        await self._write(
            "INSERT INTO participants (session_id, participant) VALUES (?, ?) ON CONFLICT DO NOTHING",
            [(session_id, participant)],
        )

    async def save_phone(
        self, session_id: str, participant: str, course_key: str | None, finished: bool
    ) -> None:
        """Store a phone's course key and whether it finished (a phone not joined yet is added)."""
        await self._write(
            "INSERT INTO participants (session_id, participant, course_key, finished)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (session_id, participant) DO UPDATE SET"
            " course_key = excluded.course_key, finished = excluded.finished",
            [(session_id, participant, course_key, int(finished))],
        )

    async def create_course(self, row: CourseRow) -> None:
        """Store a new course."""
        await self._write(
            "INSERT INTO courses (id, name, key, created, owner) VALUES (?, ?, ?, ?, ?)",
            [(row.id, row.name, row.key, row.created, row.owner)],
        )

    # -- Q&A ---------------------------------------------------------------------------

    async def save_qna_settings(self, session_id: str, settings: dict[str, Any]) -> None:
        """Store how a session runs its Q&A (open, pre-moderation, order, pinned question)."""
        await self._write(
            "INSERT INTO qna_settings (session_id, settings) VALUES (?, ?)"
            " ON CONFLICT (session_id) DO UPDATE SET settings = excluded.settings",
            [(session_id, json.dumps(settings))],
        )

    async def add_qna_question(self, row: QnaQuestionRow) -> None:
        """Store a question a phone asked."""
        await self._write(
            "INSERT INTO qna_questions (session_id, id, participant, text, language, minute, status)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(row.session_id, row.id, row.participant, row.text, row.language, row.minute, row.status)],
        )

    async def save_qna_status(self, session_id: str, question_id: str, status: str) -> None:
        """Store the moderation status of a question."""
        await self._write(
            "UPDATE qna_questions SET status = ? WHERE session_id = ? AND id = ?",
            [(status, session_id, question_id)],
        )

    async def save_qna_vote(self, session_id: str, question_id: str, participant: str, up: bool) -> None:
        """Store a phone's vote for a question (`up`) or take it back; again is no change."""
        sql = (
            "INSERT INTO qna_votes (session_id, question_id, participant) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING"
            if up
            else "DELETE FROM qna_votes WHERE session_id = ? AND question_id = ? AND participant = ?"
        )
        await self._write(sql, [(session_id, question_id, participant)])

    async def qna(self, session_id: str) -> QnaRows:
        """A session's Q&A settings, questions and votes."""
        async with self.db.execute(
            "SELECT settings FROM qna_settings WHERE session_id = ?", (session_id,)
        ) as cursor:
            row = await cursor.fetchone()
        async with self.db.execute(
            "SELECT session_id, id, participant, text, language, minute, status FROM qna_questions"
            " WHERE session_id = ? ORDER BY rowid",
            (session_id,),
        ) as cursor:
            questions = [QnaQuestionRow(*r) for r in await cursor.fetchall()]
        async with self.db.execute(
            "SELECT question_id, participant FROM qna_votes WHERE session_id = ? ORDER BY rowid",
            (session_id,),
        ) as cursor:
            votes = [(r[0], r[1]) for r in await cursor.fetchall()]
        return QnaRows(json.loads(row[0]) if row else None, questions, votes)

    async def add_scenario_event(self, session_id: str, event: dict[str, Any]) -> None:
        """Append an event to a session's exercise log (never changed afterwards)."""
        await self._write(
            "INSERT INTO scenario_events (session_id, event) VALUES (?, ?)",
            [(session_id, json.dumps(event, ensure_ascii=False))],
        )

    async def save_scenario_vote(
        self, session_id: str, run: int, track: str, visit: int, participant: str, option: str
    ) -> None:
        """Store a phone's vote at a visit of a track (a new vote of the same phone replaces it)."""
        await self._write(
            "INSERT INTO scenario_votes (session_id, run, track, visit, participant, option)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (session_id, run, track, visit, participant)"
            " DO UPDATE SET option = excluded.option",
            [(session_id, run, track, visit, participant, option)],
        )

    async def save_scenario_member(
        self, session_id: str, participant: str, team: str, spokesperson: bool
    ) -> None:
        """Store a phone's team; a new spokesperson replaces the team's previous one."""
        if spokesperson:
            await self._write(
                "UPDATE scenario_members SET spokesperson = 0"
                " WHERE session_id = ? AND team = ? AND participant <> ?",
                [(session_id, team, participant)],
            )
        await self._write(
            "INSERT INTO scenario_members (session_id, participant, team, spokesperson)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (session_id, participant)"
            " DO UPDATE SET team = excluded.team, spokesperson = excluded.spokesperson",
            [(session_id, participant, team, int(spokesperson))],
        )

    async def scenario(self, session_id: str) -> ScenarioRows:
        """A session's exercise events in order, its votes and its team choices."""
        async with self.db.execute(
            "SELECT event FROM scenario_events WHERE session_id = ? ORDER BY rowid", (session_id,)
        ) as cursor:
            events = [json.loads(r[0]) for r in await cursor.fetchall()]
        async with self.db.execute(
            "SELECT run, track, visit, participant, option FROM scenario_votes WHERE session_id = ?",
            (session_id,),
        ) as cursor:
            votes = [(r[0], r[1], r[2], r[3], r[4]) for r in await cursor.fetchall()]
        async with self.db.execute(
            "SELECT participant, team, spokesperson FROM scenario_members WHERE session_id = ?",
            (session_id,),
        ) as cursor:
            members = [(r[0], r[1], bool(r[2])) for r in await cursor.fetchall()]
        return ScenarioRows(events, votes, members)

    # -- reads -------------------------------------------------------------------------

    async def participants(self, session_id: str) -> list[str]:
        """The anonymous keys of the phones that joined a session."""
        async with self.db.execute(
            "SELECT participant FROM participants WHERE session_id = ?", (session_id,)
        ) as cursor:
            return [row[0] for row in await cursor.fetchall()]

    async def sessions(self) -> list[SessionRow]:
        """Every session, oldest first."""
        async with self.db.execute(
            "SELECT id, code, bank, screen_key, hide_results, created, control, owner, course, course_role"
            " FROM sessions ORDER BY rowid"
        ) as cursor:
            rows = await cursor.fetchall()
        return [
            SessionRow(
                id=r[0],
                code=r[1],
                bank=Bank.from_dict(json.loads(r[2])),
                screen_key=r[3],
                hide_results=bool(r[4]),
                created=r[5],
                control=json.loads(r[6]),
                owner=r[7],
                course=r[8],
                course_role=r[9],
            )
            for r in rows
        ]

    async def answers(self, session_id: str) -> list[AnswerRow]:
        """A session's answers in the order they were first given."""
        async with self.db.execute(
            "SELECT session_id, question_id, participant, value, language, minute, rev, status, elapsed_ms"
            " FROM answers WHERE session_id = ? ORDER BY rowid",
            (session_id,),
        ) as cursor:
            rows = await cursor.fetchall()
        return [AnswerRow(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5], r[6], r[7], r[8]) for r in rows]

    async def players(self, session_id: str) -> list[PlayerRow]:
        """The nicknames and teams the phones of a session chose."""
        async with self.db.execute(
            "SELECT participant, nickname, team FROM players WHERE session_id = ? ORDER BY rowid",
            (session_id,),
        ) as cursor:
            return [PlayerRow(*r) for r in await cursor.fetchall()]

    async def phones(self, session_id: str) -> list[PhoneRow]:
        """The phones of a session that have a course key or finished."""
        async with self.db.execute(
            "SELECT participant, course_key, finished FROM participants"
            " WHERE session_id = ? AND (course_key IS NOT NULL OR finished)",
            (session_id,),
        ) as cursor:
            return [PhoneRow(r[0], r[1], bool(r[2])) for r in await cursor.fetchall()]

    async def courses(self) -> list[CourseRow]:
        """Every course, oldest first."""
        async with self.db.execute(
            "SELECT id, name, key, created, owner FROM courses ORDER BY rowid"
        ) as cursor:
            return [CourseRow(*r) for r in await cursor.fetchall()]

    # -- accounts ----------------------------------------------------------------------

    async def add_account(self, row: AccountRow) -> None:
        """Store a new account; StoreError if the name or the token is taken."""
        await self._write(
            "INSERT INTO accounts (name, role, token_hash, created) VALUES (?, ?, ?, ?)",
            [(row.name, row.role, row.token_hash, row.created)],
        )

    async def revoke_account(self, name: str) -> bool:
        """Delete an account (its sessions stay); False if there was none of that name."""
        known = any(a.name == name for a in await self.accounts())
        await self._write("DELETE FROM accounts WHERE name = ?", [(name,)])
        return known

    async def accounts(self) -> list[AccountRow]:
        """Every account, oldest first."""
        async with self.db.execute(
            "SELECT name, role, token_hash, created FROM accounts ORDER BY rowid"
        ) as cursor:
            return [AccountRow(*r) for r in await cursor.fetchall()]

    async def account(self, token_hash: str) -> AccountRow | None:
        """The account whose token has this hash, if any."""
        async with self.db.execute(
            "SELECT name, role, token_hash, created FROM accounts WHERE token_hash = ?", (token_hash,)
        ) as cursor:
            row = await cursor.fetchone()
        return AccountRow(*row) if row else None
