"""PostgreSQL, for servers that outgrow one laptop: the same promise as SQLite, over a pool.

An answer is acknowledged only once the transaction holding it is committed; concurrent
writes queue up and are committed together, and a burst of answers is one statement.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from typing import Any

import asyncpg
import orjson

from polling.core.model import Bank
from polling.store import shown
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

# Each entry upgrades the schema by one version; a database remembers the last one applied.
MIGRATIONS = (
    """
    CREATE TABLE sessions (
        id           TEXT PRIMARY KEY,
        code         TEXT NOT NULL UNIQUE,
        bank         TEXT NOT NULL,      -- the bank as it was when the session was created
        screen_key   TEXT NOT NULL,
        hide_results BOOLEAN NOT NULL,
        created      TEXT NOT NULL,      -- UTC, to the minute
        control      TEXT NOT NULL,      -- which question is current and the state of each
        seq          BIGSERIAL
    );
    CREATE TABLE answers (
        session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        question_id TEXT NOT NULL,
        participant TEXT NOT NULL,       -- a one-way hash of the phone's random token
        value       TEXT NOT NULL,       -- JSON
        language    TEXT NOT NULL,
        minute      TEXT NOT NULL,       -- UTC, to the minute: no finer, for anonymity
        rev         BIGINT NOT NULL,
        status      TEXT,                -- moderation of open text
        seq         BIGSERIAL,           -- the order answers were first given
        UNIQUE (session_id, question_id, participant)
    );
    CREATE INDEX answers_by_session ON answers (session_id, seq);
    """,
    """
    ALTER TABLE sessions ADD COLUMN owner TEXT;  -- the facilitator who created it; NULL: the operator
    CREATE TABLE accounts (
        name       TEXT PRIMARY KEY,    -- a facilitator or organiser, never a participant
        role       TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE, -- SHA-256 of the token; the token itself is never kept
        created    TEXT NOT NULL,
        seq        BIGSERIAL
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
        owner   TEXT,
        seq     BIGSERIAL
    );
    ALTER TABLE sessions ADD COLUMN course TEXT;       -- the course it belongs to, if any
    ALTER TABLE sessions ADD COLUMN course_role TEXT;  -- "pre" or "post"
    -- A keyed hash of the phone's course token (never the token): pairs it across a course.
    ALTER TABLE participants ADD COLUMN course_key TEXT;
    -- Whether the phone submitted a self-paced questionnaire.
    ALTER TABLE participants ADD COLUMN finished BOOLEAN NOT NULL DEFAULT FALSE;
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
        seq         BIGSERIAL,           -- the order questions were asked
        PRIMARY KEY (session_id, id)
    );
    CREATE TABLE qna_votes (
        session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        question_id TEXT NOT NULL,
        participant TEXT NOT NULL,       -- the voting phone's anonymous key: one vote per phone
        seq         BIGSERIAL,
        PRIMARY KEY (session_id, question_id, participant)
    );
    """,
    """
    -- Milliseconds from a quiz question's opening to the answer: the speed bonus, after a restart.
    ALTER TABLE answers ADD COLUMN elapsed_ms BIGINT;
    -- The nickname and team a phone chose to show while the session's leaderboard is on;
    -- deleted when it is turned off, and with the session.
    CREATE TABLE players (
        session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        participant TEXT NOT NULL,       -- a one-way hash of the phone's random token
        nickname    TEXT,
        team        TEXT,
        seq         BIGSERIAL,
        PRIMARY KEY (session_id, participant)
    );
    """,
    """
    -- Table-top exercises: each session's log of exercise events (append-only: a run is
    -- rebuilt by replaying it), the phones' votes per visit of a step, and their teams.
    CREATE TABLE scenario_events (
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        event      TEXT NOT NULL,        -- JSON, see polling/core/exercise.py
        seq        BIGSERIAL PRIMARY KEY
    );
    CREATE INDEX scenario_events_session ON scenario_events (session_id, seq);
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
        spokesperson BOOLEAN NOT NULL,
        PRIMARY KEY (session_id, participant)
    );
    """,
)

HOLD_KEY = 7167  # the advisory lock that says which processes hold the database

# A burst of answers as parallel arrays: one statement, one round trip, whatever its size.
UPSERT_ANSWERS = """
INSERT INTO answers (session_id, question_id, participant, value, language, minute, rev, status, elapsed_ms)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                     $7::bigint[], $8::text[], $9::bigint[])
ON CONFLICT (session_id, question_id, participant) DO UPDATE SET
    value = excluded.value, language = excluded.language, minute = excluded.minute,
    rev = excluded.rev, status = excluded.status, elapsed_ms = excluded.elapsed_ms
WHERE excluded.rev > answers.rev
"""

_ANSWERS = "answers"  # the marker of queued answers, which are merged rather than run one by one


def newest_per_key(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """One row per (session, question, participant): the highest rev, the first on a tie.

    PostgreSQL cannot update one row twice in a statement, so a burst that holds two
    answers of one phone keeps the one that the row-by-row upsert would have kept.
    """
    newest: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for row in rows:
        key = row[:3]
        kept = newest.get(key)
        if kept is None or row[6] > kept[6]:
            newest[key] = row
    return list(newest.values())


class PostgresStore:
    """PostgreSQL through a small pool; every write is durable when its awaitable returns."""

    def __init__(self, url: str, pool_size: int = 4, hold: str | None = None) -> None:
        self.url = url
        self.pool_size = pool_size
        # "exclusive" (one process alone), "shared" (the processes of one server) or None.
        self.hold = hold
        self._holder: asyncpg.Connection | None = None
        self._pool: asyncpg.Pool | None = None
        self._writes = GroupCommit(
            self._transaction, (asyncpg.PostgresError, asyncpg.InterfaceError, OSError)
        )

    async def open(self) -> None:
        """Connect, bring the schema up to date, and start the writer."""
        try:
            if self.hold is not None:
                self._holder = await self._take_hold(self.hold)
            self._pool = await asyncpg.create_pool(self.url, min_size=1, max_size=self.pool_size)
        except (OSError, asyncpg.PostgresError) as error:
            raise StoreError(f"Cannot reach PostgreSQL: {error}") from error
        async with self.pool.acquire() as connection:
            await migrate(connection)
        self._writes.start()

    async def close(self) -> None:
        """Finish pending writes and close the pool."""
        await self._writes.stop()
        if self._pool is not None:
            await self._pool.close()
            self._pool = None
        if self._holder is not None:
            await self._holder.close()  # which lets go of the advisory lock
            self._holder = None

    async def _take_hold(self, mode: str) -> asyncpg.Connection:
        """A connection of its own holding the database's advisory lock for as long as the store is open.

        Servers of several processes hold it shared; a lone server and `polling purge` hold it
        exclusive, so a purge is refused while any server runs, and so is a second lone server."""
        connection = await asyncpg.connect(self.url)
        function = "pg_try_advisory_lock" if mode == "exclusive" else "pg_try_advisory_lock_shared"
        if not await connection.fetchval(f"SELECT {function}($1)", HOLD_KEY):
            await connection.close()
            raise StoreError(f"{shown(self.url)} is in use by a running server")
        return connection

    @property
    def commits(self) -> int:
        """How many transactions the writer has committed."""
        return self._writes.commits

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("The store is not open")
        return self._pool

    # -- writes: queued, grouped into one transaction, durable when awaited ----------------

    async def _write(
        self, sql: str, params: list[tuple[Any, ...]], committed: Callable[[], None] | None = None
    ) -> None:
        await self._writes.write(sql, params, committed=committed)

    async def _transaction(self, runs: list[Run]) -> None:
        """Run merged writes in one transaction, rolled back if any of them fails."""
        async with self.pool.acquire() as connection, connection.transaction():
            for sql, params in runs:
                if sql == _ANSWERS:
                    columns = zip(*newest_per_key(params), strict=True)
                    await connection.execute(UPSERT_ANSWERS, *(list(c) for c in columns))
                else:
                    await connection.executemany(sql, params)

    async def save_answer(self, answer: AnswerRow, committed: Callable[[], None] | None = None) -> None:
        """Store a participant's answer unless a newer one (higher rev) is stored; `committed` is
        called once it is, before the callers of the answers committed with it resume."""
        row = (
            answer.session_id,
            answer.question_id,
            answer.participant,
            orjson.dumps(answer.value).decode(),
            answer.language,
            answer.minute,
            answer.rev,
            answer.status,
            answer.elapsed,
        )
        await self._write(_ANSWERS, [row], committed)

    async def create_session(self, row: SessionRow) -> None:
        """Store a new session with its bank snapshot."""
        await self._write(
            "INSERT INTO sessions (id, code, bank, screen_key, hide_results, created, control, owner,"
            " course, course_role) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            [
                (
                    row.id,
                    row.code,
                    json.dumps(row.bank.to_dict(), ensure_ascii=False),
                    row.screen_key,
                    row.hide_results,
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
        await self._write(
            "UPDATE sessions SET control = $1 WHERE id = $2", [(json.dumps(control), session_id)]
        )

    async def save_status(self, session_id: str, question_id: str, participant: str, status: str) -> None:
        """Store the moderation of an open-text answer."""
        await self._write(
            "UPDATE answers SET status = $1 WHERE session_id = $2 AND question_id = $3 AND participant = $4",
            [(status, session_id, question_id, participant)],
        )

    async def purge(self, session_id: str) -> None:
        """Delete a session and its answers for good; a vacuum then frees their space for reuse."""
        await self._write("DELETE FROM answers WHERE session_id = $1", [(session_id,)])
        for table in (
            "qna_votes",
            "qna_questions",
            "qna_settings",
            "scenario_events",
            "scenario_votes",
            "scenario_members",
        ):
            await self._write(f"DELETE FROM {table} WHERE session_id = $1", [(session_id,)])  # noqa: S608
        await self._write("DELETE FROM participants WHERE session_id = $1", [(session_id,)])
        await self._write("DELETE FROM players WHERE session_id = $1", [(session_id,)])
        await self._write("DELETE FROM sessions WHERE id = $1", [(session_id,)])
        with contextlib.suppress(asyncpg.PostgresError, OSError):
            async with self.pool.acquire() as connection:
                await connection.execute("VACUUM answers, sessions, qna_questions, qna_votes")

    async def save_player(self, session_id: str, player: PlayerRow) -> None:
        """Store a phone's nickname and team; with neither, forget it."""
        if player.nickname is None and player.team is None:
            await self._write(
                "DELETE FROM players WHERE session_id = $1 AND participant = $2",
                [(session_id, player.participant)],
            )
            return
        await self._write(
            "INSERT INTO players (session_id, participant, nickname, team) VALUES ($1, $2, $3, $4)"
            " ON CONFLICT (session_id, participant)"
            " DO UPDATE SET nickname = excluded.nickname, team = excluded.team",
            [(session_id, player.participant, player.nickname, player.team)],
        )

    async def clear_players(self, session_id: str) -> None:
        """Forget every nickname and team of a session."""
        await self._write("DELETE FROM players WHERE session_id = $1", [(session_id,)])

    async def add_participant(self, session_id: str, participant: str) -> None:
        """Remember that a phone (its anonymous key) joined a session; again is no change."""
        await self._write(
            "INSERT INTO participants (session_id, participant) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            [(session_id, participant)],
        )

    async def save_phone(
        self, session_id: str, participant: str, course_key: str | None, finished: bool
    ) -> None:
        """Store a phone's course key and whether it finished (a phone not joined yet is added)."""
        await self._write(
            "INSERT INTO participants (session_id, participant, course_key, finished)"
            " VALUES ($1, $2, $3, $4) ON CONFLICT (session_id, participant) DO UPDATE SET"
            " course_key = excluded.course_key, finished = excluded.finished",
            [(session_id, participant, course_key, finished)],
        )

    async def create_course(self, row: CourseRow) -> None:
        """Store a new course."""
        await self._write(
            "INSERT INTO courses (id, name, key, created, owner) VALUES ($1, $2, $3, $4, $5)",
            [(row.id, row.name, row.key, row.created, row.owner)],
        )

    # -- Q&A ---------------------------------------------------------------------------

    async def save_qna_settings(self, session_id: str, settings: dict[str, Any]) -> None:
        """Store how a session runs its Q&A (open, pre-moderation, order, pinned question)."""
        await self._write(
            "INSERT INTO qna_settings (session_id, settings) VALUES ($1, $2)"
            " ON CONFLICT (session_id) DO UPDATE SET settings = excluded.settings",
            [(session_id, json.dumps(settings))],
        )

    async def add_qna_question(self, row: QnaQuestionRow) -> None:
        """Store a question a phone asked."""
        await self._write(
            "INSERT INTO qna_questions (session_id, id, participant, text, language, minute, status)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7)",
            [(row.session_id, row.id, row.participant, row.text, row.language, row.minute, row.status)],
        )

    async def save_qna_status(self, session_id: str, question_id: str, status: str) -> None:
        """Store the moderation status of a question."""
        await self._write(
            "UPDATE qna_questions SET status = $1 WHERE session_id = $2 AND id = $3",
            [(status, session_id, question_id)],
        )

    async def save_qna_vote(self, session_id: str, question_id: str, participant: str, up: bool) -> None:
        """Store a phone's vote for a question (`up`) or take it back; again is no change."""
        sql = (
            "INSERT INTO qna_votes (session_id, question_id, participant) VALUES ($1, $2, $3)"
            " ON CONFLICT DO NOTHING"
            if up
            else "DELETE FROM qna_votes WHERE session_id = $1 AND question_id = $2 AND participant = $3"
        )
        await self._write(sql, [(session_id, question_id, participant)])

    async def qna(self, session_id: str) -> QnaRows:
        """A session's Q&A settings, questions and votes."""
        async with self.pool.acquire() as connection:
            settings = await connection.fetchval(
                "SELECT settings FROM qna_settings WHERE session_id = $1", session_id
            )
            questions = await connection.fetch(
                "SELECT session_id, id, participant, text, language, minute, status FROM qna_questions"
                " WHERE session_id = $1 ORDER BY seq",
                session_id,
            )
            votes = await connection.fetch(
                "SELECT question_id, participant FROM qna_votes WHERE session_id = $1 ORDER BY seq",
                session_id,
            )
        return QnaRows(
            json.loads(settings) if settings else None,
            [QnaQuestionRow(*r) for r in questions],
            [(r[0], r[1]) for r in votes],
        )

    # -- reads -------------------------------------------------------------------------

    async def add_scenario_event(self, session_id: str, event: dict[str, Any]) -> None:
        """Append an event to a session's exercise log (never changed afterwards)."""
        await self._write(
            "INSERT INTO scenario_events (session_id, event) VALUES ($1, $2)",
            [(session_id, json.dumps(event, ensure_ascii=False))],
        )

    async def save_scenario_vote(
        self, session_id: str, run: int, track: str, visit: int, participant: str, option: str
    ) -> None:
        """Store a phone's vote at a visit of a track (a new vote of the same phone replaces it)."""
        await self._write(
            "INSERT INTO scenario_votes (session_id, run, track, visit, participant, option)"
            " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (session_id, run, track, visit, participant)"
            " DO UPDATE SET option = excluded.option",
            [(session_id, run, track, visit, participant, option)],
        )

    async def save_scenario_member(
        self, session_id: str, participant: str, team: str, spokesperson: bool
    ) -> None:
        """Store a phone's team; a new spokesperson replaces the team's previous one."""
        if spokesperson:
            await self._write(
                "UPDATE scenario_members SET spokesperson = FALSE"
                " WHERE session_id = $1 AND team = $2 AND participant <> $3",
                [(session_id, team, participant)],
            )
        await self._write(
            "INSERT INTO scenario_members (session_id, participant, team, spokesperson)"
            " VALUES ($1, $2, $3, $4) ON CONFLICT (session_id, participant)"
            " DO UPDATE SET team = excluded.team, spokesperson = excluded.spokesperson",
            [(session_id, participant, team, spokesperson)],
        )

    async def scenario(self, session_id: str) -> ScenarioRows:
        """A session's exercise events in order, its votes and its team choices."""
        async with self.pool.acquire() as connection:
            events = await connection.fetch(
                "SELECT event FROM scenario_events WHERE session_id = $1 ORDER BY seq", session_id
            )
            votes = await connection.fetch(
                "SELECT run, track, visit, participant, option FROM scenario_votes WHERE session_id = $1",
                session_id,
            )
            members = await connection.fetch(
                "SELECT participant, team, spokesperson FROM scenario_members WHERE session_id = $1",
                session_id,
            )
        return ScenarioRows(
            [json.loads(r[0]) for r in events],
            [(r[0], r[1], r[2], r[3], r[4]) for r in votes],
            [(r[0], r[1], bool(r[2])) for r in members],
        )

    async def participants(self, session_id: str) -> list[str]:
        """The anonymous keys of the phones that joined a session."""
        async with self.pool.acquire() as connection:
            rows = await connection.fetch(
                "SELECT participant FROM participants WHERE session_id = $1", session_id
            )
        return [row[0] for row in rows]

    async def sessions(self) -> list[SessionRow]:
        """Every session, oldest first."""
        async with self.pool.acquire() as connection:
            rows = await connection.fetch(
                "SELECT id, code, bank, screen_key, hide_results, created, control, owner,"
                " course, course_role FROM sessions ORDER BY seq"
            )
        return [
            SessionRow(
                id=r["id"],
                code=r["code"],
                bank=Bank.from_dict(json.loads(r["bank"])),
                screen_key=r["screen_key"],
                hide_results=r["hide_results"],
                created=r["created"],
                control=json.loads(r["control"]),
                owner=r["owner"],
                course=r["course"],
                course_role=r["course_role"],
            )
            for r in rows
        ]

    async def answers(self, session_id: str) -> list[AnswerRow]:
        """A session's answers in the order they were first given."""
        async with self.pool.acquire() as connection:
            rows = await connection.fetch(
                "SELECT session_id, question_id, participant, value, language, minute, rev, status,"
                " elapsed_ms FROM answers WHERE session_id = $1 ORDER BY seq",
                session_id,
            )
        return [AnswerRow(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5], r[6], r[7], r[8]) for r in rows]

    async def players(self, session_id: str) -> list[PlayerRow]:
        """The nicknames and teams the phones of a session chose."""
        async with self.pool.acquire() as connection:
            rows = await connection.fetch(
                "SELECT participant, nickname, team FROM players WHERE session_id = $1 ORDER BY seq",
                session_id,
            )
        return [PlayerRow(r[0], r[1], r[2]) for r in rows]

    async def phones(self, session_id: str) -> list[PhoneRow]:
        """The phones of a session that have a course key or finished."""
        async with self.pool.acquire() as connection:
            rows = await connection.fetch(
                "SELECT participant, course_key, finished FROM participants"
                " WHERE session_id = $1 AND (course_key IS NOT NULL OR finished)",
                session_id,
            )
        return [PhoneRow(r[0], r[1], bool(r[2])) for r in rows]

    async def courses(self) -> list[CourseRow]:
        """Every course, oldest first."""
        async with self.pool.acquire() as connection:
            rows = await connection.fetch("SELECT id, name, key, created, owner FROM courses ORDER BY seq")
        return [CourseRow(*r) for r in rows]

    # -- accounts ----------------------------------------------------------------------

    async def add_account(self, row: AccountRow) -> None:
        """Store a new account; StoreError if the name or the token is taken."""
        await self._write(
            "INSERT INTO accounts (name, role, token_hash, created) VALUES ($1, $2, $3, $4)",
            [(row.name, row.role, row.token_hash, row.created)],
        )

    async def revoke_account(self, name: str) -> bool:
        """Delete an account (its sessions stay); False if there was none of that name."""
        known = any(a.name == name for a in await self.accounts())
        await self._write("DELETE FROM accounts WHERE name = $1", [(name,)])
        return known

    async def accounts(self) -> list[AccountRow]:
        """Every account, oldest first."""
        async with self.pool.acquire() as connection:
            rows = await connection.fetch("SELECT name, role, token_hash, created FROM accounts ORDER BY seq")
        return [AccountRow(*r) for r in rows]

    async def account(self, token_hash: str) -> AccountRow | None:
        """The account whose token has this hash, if any."""
        async with self.pool.acquire() as connection:
            row = await connection.fetchrow(
                "SELECT name, role, token_hash, created FROM accounts WHERE token_hash = $1", token_hash
            )
        return AccountRow(*row) if row else None


async def migrate(connection: asyncpg.Connection) -> int:
    """Apply the migrations this database has not seen, in one transaction; returns the version.

    An advisory lock makes processes that start together take turns.
    """
    async with connection.transaction():
        await connection.execute("SELECT pg_advisory_xact_lock(7166)")
        await connection.execute("CREATE TABLE IF NOT EXISTS polling_schema (version INTEGER NOT NULL)")
        version = await connection.fetchval("SELECT max(version) FROM polling_schema") or 0
        for number, sql in enumerate(MIGRATIONS[version:], start=version + 1):
            await connection.execute(sql)
            await connection.execute("INSERT INTO polling_schema (version) VALUES ($1)", number)
    return len(MIGRATIONS)
