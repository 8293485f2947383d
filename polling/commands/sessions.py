"""The commands on stored sessions: `sessions`, `export`, `report`, `purge`, `archive`,
`restore` and `migrate-db`. Each opens the database, does its one thing, and closes it."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import sys
from pathlib import Path
from typing import Any

from polling import data


async def _stored(db: str, exclusive: bool = False) -> Any:
    from polling.live.service import Polling
    from polling.store import is_server_url, open_store
    from polling.store.base import StoreError

    if not is_server_url(db) and not Path(db).exists():
        raise SystemExit(f"polling: no database at {db}")
    store = open_store(db, exclusive)
    try:
        await store.open()
    except StoreError as error:
        raise SystemExit(
            f"polling: {error}; delete the session from the home page (DELETE /api/sessions/ID) "
            "or stop the server first"
        ) from None
    polling = Polling(
        store, data.BANKS, token="", join_base=os.environ.get("POLLING_PUBLIC_URL", "http://localhost:8000")
    )
    await polling.start()
    return polling


def list_sessions(args: argparse.Namespace) -> int:
    """Print one line per stored session, newest first."""

    async def run() -> None:
        polling = await _stored(args.db)
        print(
            f"{'SESSION':<12} {'CODE':<6} {'STATUS':<8} {'CREATED':<18} {'ANSWERED':>8} {'ANSWERS':>7}  BANK"
        )
        for session in reversed(list(polling.sessions.values())):
            answers = sum(t.responses for t in session.tallies.values())
            print(
                f"{session.id:<12} {session.code:<6} {session.status:<8} {session.created:<18} "
                f"{len(session.answered):>8} {answers:>7}  {session.bank.id}"
            )
        await polling.store.close()

    asyncio.run(run())
    return 0


def export(args: argparse.Namespace) -> int:
    """Write each session's answers and summary (CSV) or the whole session (JSON), or one workbook
    of all the sessions (xlsx)."""
    from polling.reports import exports as exporting
    from polling.reports.debrief import render_scenario
    from polling.reports.qnaexport import render_qna

    if args.gain:
        return _export_gain(args)

    async def run(polling: Any, sessions: list[Any]) -> int:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        if args.format == "xlsx":
            return await _write_report(polling, sessions, "xlsx", args.lang, None, out)
        for session in sessions:
            answers = await polling.store.answers(session.id)
            info = polling.info(session)
            documents = [
                exporting.render(kind, session, info, answers)
                for kind in (("json",) if args.format == "json" else ("answers", "summary", "breakdowns"))
            ]
            if args.qna:
                kind = "qna_json" if args.format == "json" else "qna_csv"
                documents.append(render_qna(kind, session, info, await polling.store.qna(session.id)))
            if args.scenario and session.bank.scenario is not None:
                kind = "scenario_json" if args.format == "json" else "scenario_csv"
                rows = await polling.store.scenario(session.id)
                documents.append(render_scenario(kind, session, info, rows))
            for document in documents:
                (out / document.filename).write_text(document.body, encoding="utf-8")
                print(out / document.filename)
        return 0

    return _with_sessions(args.db, args.sessions, run)


def write_report(args: argparse.Namespace) -> int:
    """Write the HTML report of one session or several side by side."""

    async def run(polling: Any, sessions: list[Any]) -> int:
        return await _write_report(polling, sessions, "html", args.lang, args.out, Path("."))

    return _with_sessions(args.db, args.sessions, run)


def _export_gain(args: argparse.Namespace) -> int:
    """Write the learning gain of each course named (by id) as CSV or JSON."""
    from polling.reports.learning import course_gain, render_gain

    async def run() -> int:
        polling = await _stored(args.db)
        try:
            out = Path(args.out)
            out.mkdir(parents=True, exist_ok=True)
            for name in args.sessions:
                row = polling.courses.rows.get(name)
                if row is None:
                    print(f"polling: no course {name!r}", file=sys.stderr)
                    return 1
                result = course_gain(polling.courses.info(row), polling.courses.sessions_of(row.id))
                document = render_gain("json" if args.format == "json" else "csv", result)
                (out / document.filename).write_text(document.body, encoding="utf-8")
                print(out / document.filename)
            return 0
        finally:
            await polling.store.close()

    return asyncio.run(run())


def _with_sessions(db: str, wanted: list[str], then: Any) -> int:
    """Open the database, find each session by id or join code, and run `then(polling, sessions)`."""

    async def run() -> int:
        polling = await _stored(db)
        try:
            sessions = []
            for name in wanted:
                try:
                    sessions.append(_find(polling, name))
                except LookupError:
                    print(f"polling: no session {name!r}", file=sys.stderr)
                    return 1
            result: int = await then(polling, sessions)
            return result
        finally:
            await polling.store.close()

    return asyncio.run(run())


async def _write_report(
    polling: Any, sessions: list[Any], kind: str, lang: str | None, path: str | None, folder: Path
) -> int:
    """Write one report of `sessions` to `path`, or under its own name into `folder`."""
    from polling.reports import report
    from polling.reports.qnaexport import board_of
    from polling.reports.tables import LanguageError

    answers = [await polling.store.answers(s.id) for s in sessions]
    boards = [board_of(await polling.store.qna(s.id)) for s in sessions]
    try:
        document = report.build(kind, sessions, answers, lang, boards)
    except LanguageError as error:
        print(f"polling: {error}", file=sys.stderr)
        return 1
    target = Path(path) if path else folder / document.filename
    target.write_bytes(document.body)
    print(target)
    return 0


def purge(args: argparse.Namespace) -> int:
    """Delete a session and its answers from the database for good."""

    async def run() -> int:
        # Alone: a server holding the same database would keep the session in memory.
        polling = await _stored(args.db, exclusive=True)
        try:
            session = _find(polling, args.session)
            await polling.purge(session.id)
            print(f"purged session {session.id} ({session.code}) and its answers")
            return 0
        except LookupError:
            print(f"polling: no session {args.session!r}", file=sys.stderr)
            return 1
        finally:
            await polling.store.close()

    return asyncio.run(run())


def archive_session(args: argparse.Namespace) -> int:
    """Write one session, whole and checksummed, into a file another server can restore."""
    from polling.reports.archive import SUFFIX, encode
    from polling.store.copy import read_session

    async def run() -> int:
        polling = await _stored(args.db)
        try:
            session = _find(polling, args.session)
            row, answers, joined, finished = await read_session(polling.store, session.id)
            qna = await polling.store.qna(session.id)
            scenario = await polling.store.scenario(session.id)
        except LookupError:
            print(f"polling: no session {args.session!r}", file=sys.stderr)
            return 1
        finally:
            await polling.store.close()
        out = Path(args.out or f"{row.id}-{row.created[:10]}{SUFFIX}")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(encode(row, answers, joined, finished, qna, scenario), encoding="utf-8")
        print(
            f"archived session {row.id} ({row.code}): {len(answers)} answer(s), "
            f"{len(qna.questions)} Q&A question(s) and {len(scenario.events)} exercise event(s) in {out}"
        )
        return 0

    return asyncio.run(run())


def restore_session(args: argparse.Namespace) -> int:
    """Load a session archive into a database, refusing a bad file or an unasked overwrite."""
    from polling.live.joining import new_code
    from polling.reports.archive import ArchiveError, decode
    from polling.store import open_store, shown
    from polling.store.base import StoreError
    from polling.store.copy import SessionExists
    from polling.store.copy import restore_session as write

    try:
        text = Path(args.file).read_text(encoding="utf-8")
        archive = decode(text, screen_key=secrets.token_urlsafe(12))
    except (OSError, UnicodeDecodeError) as error:
        raise SystemExit(f"polling: cannot read {args.file}: {error}") from None
    except ArchiveError as error:
        raise SystemExit(f"polling: {args.file}: {error}") from None

    async def run() -> int:
        # Alone: a server running on the database would not know of the session it gained.
        store = open_store(args.db, exclusive=True)
        try:
            await store.open()
        except StoreError as error:
            raise SystemExit(f"polling: {error}; stop the server first") from None
        try:
            row = await write(
                store,
                archive.session,
                archive.answers,
                archive.joined,
                archive.finished,
                args.replace,
                new_code,
                archive.qna,
                archive.scenario,
            )
        except SessionExists as error:
            print(f"polling: {error}: pass --replace to overwrite it", file=sys.stderr)
            return 1
        except StoreError as error:
            print(f"polling: {error}", file=sys.stderr)
            return 1
        finally:
            await store.close()
        moved = f", with the new join code {row.code}" if row.code != archive.session.code else ""
        print(f"restored session {row.id} ({len(archive.answers)} answer(s)) into {shown(args.db)}{moved}")
        return 0

    return asyncio.run(run())


def migrate_db(args: argparse.Namespace) -> int:
    """Copy a whole database into an empty one, for instance from SQLite to PostgreSQL."""
    from polling.store import is_server_url, open_store, shown
    from polling.store.base import StoreError
    from polling.store.copy import copy_database

    if not is_server_url(args.source) and not Path(args.source).exists():
        raise SystemExit(f"polling: no database at {args.source}")

    async def run() -> int:
        # Both alone: a server writing either side while it is copied would be lost or mixed.
        source, target = open_store(args.source, exclusive=True), open_store(args.target, exclusive=True)
        try:
            await source.open()
            await target.open()
            copied = await copy_database(source, target)
        except StoreError as error:
            print(
                f"polling: {error}; if the copy had begun, empty the target before trying again",
                file=sys.stderr,
            )
            return 1
        finally:
            for store in (source, target):
                with contextlib.suppress(Exception):
                    await store.close()
        print(
            f"copied {copied.sessions} session(s), {copied.answers} answer(s) and {copied.accounts} "
            f"account(s) from {shown(args.source)} to {shown(args.target)}"
        )
        return 0

    return asyncio.run(run())


def _find(polling: Any, wanted: str) -> Any:
    """A stored session by id or join code; LookupError when there is none."""
    from polling.live.refusals import Refused

    for lookup in (polling.session, polling.by_code):
        try:
            return lookup(wanted)
        except Refused:
            continue
    raise LookupError(wanted)
