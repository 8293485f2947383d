"""Archive and restore: a session travels whole between databases, and a bad file is refused."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest

from polling.core.banks import load_bank
from polling.reports.archive import KIND, ArchiveError, decode, encode
from polling.store import open_store
from polling.store.base import AnswerRow, SessionRow
from tests.conftest import TEST_BANKS

SESSION = "arch1"
CODE = "KQXZT"
CONTROL = {
    "status": "running",
    "current": "remarks",
    "states": {"pace": "closed", "topics": "closed", "remarks": "open"},
    "revealed": ["pace"],
    "max_participants": 40,
    "display_languages": ["en", "ru"],
    "phone_results": True,
}


def polling(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "polling", *args], capture_output=True, text=True, cwd=cwd)


def session_rows() -> tuple[SessionRow, list[AnswerRow], list[str], list[str]]:
    """A session part-way through: choices, a revised answer, and open text approved and hidden."""
    bank, _ = load_bank(TEST_BANKS / "e2e.yaml")
    assert bank is not None
    row = SessionRow(SESSION, CODE, bank, "secret-screen-key", False, "2026-11-28T09:00Z", CONTROL, "alice")
    minute = "2026-11-28T09:05Z"
    answers = [
        AnswerRow(SESSION, "pace", "key-aaaa", "fast", "ru", minute, 1),
        AnswerRow(SESSION, "pace", "key-bbbb", "slow", "en", minute, 3),
        AnswerRow(SESSION, "topics", "key-aaaa", ["legal", "risk"], "ru", minute, 1),
        AnswerRow(SESSION, "useful", "key-bbbb", 4, "en", minute, 2),
        AnswerRow(SESSION, "staff", "key-cccc", 120.5, "en", minute, 1),
        AnswerRow(SESSION, "word", "key-cccc", "Trust", "en", minute, 1),
        AnswerRow(SESSION, "remarks", "key-aaaa", "More cases, please", "ru", minute, 1, "approved"),
        AnswerRow(SESSION, "remarks", "key-bbbb", "=HYPERLINK(1)", "en", minute, 1, "hidden"),
    ]
    return row, answers, ["key-aaaa", "key-bbbb", "key-cccc", "key-dddd"], ["key-bbbb"]


async def fill(db: str | Path) -> None:
    store = open_store(db)
    await store.open()
    row, answers, joined, finished = session_rows()
    await store.create_session(row)
    for answer in answers:
        await store.save_answer(answer)
    for key in joined:
        await store.add_participant(SESSION, key)
    for key in finished:
        await store.save_phone(SESSION, key, "course-key-bbbb", True)
    await store.close()


def exports(db: str | Path, out: Path, cwd: Path) -> dict[str, str]:
    """Every export of the session, by file name."""
    for kind in ("csv", "json"):
        done = polling("export", SESSION, "--format", kind, "--out", str(out), "--db", str(db), cwd=cwd)
        assert done.returncode == 0, done.stderr
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(out.iterdir())}


def test_a_session_archived_and_restored_exports_the_same(both_engines: str | Path, tmp_path: Path) -> None:
    """Archive (SQLite) -> restore into a fresh database of each engine -> the same CSV and JSON exports."""
    source = tmp_path / "laptop.sqlite3"
    asyncio.run(fill(source))
    original = exports(source, tmp_path / "before", tmp_path)
    assert len(original) == 3
    assert '"finished": 1' in next(text for name, text in original.items() if name.endswith(".json"))

    archive = tmp_path / "session.polling.json"
    done = polling("archive", CODE, "--out", str(archive), "--db", str(source), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text = archive.read_text(encoding="utf-8")
    # Participant keys, the screen secret, the owner and the course key stay on the laptop.
    for secret in ("key-aaaa", "secret-screen-key", "alice", "course-key-bbbb"):
        assert secret not in text
    assert json.loads(text)["body"]["answers"][7]["status"] == "hidden"

    done = polling("restore", str(archive), "--db", str(both_engines), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"restored session {SESSION} (8 answer(s))" in done.stdout
    assert exports(both_engines, tmp_path / "after", tmp_path) == original

    again = polling("restore", str(archive), "--db", str(both_engines), cwd=tmp_path)
    assert again.returncode == 1 and "already in this database: pass --replace" in again.stderr
    replaced = polling("restore", str(archive), "--db", str(both_engines), "--replace", cwd=tmp_path)
    assert replaced.returncode == 0, replaced.stderr
    assert exports(both_engines, tmp_path / "replaced", tmp_path) == original


def test_a_taken_join_code_is_replaced_on_restore(both_engines: str | Path, tmp_path: Path) -> None:
    """A session restored where another session holds its join code gets a fresh code, and is told so."""
    row, answers, joined, finished = session_rows()

    async def occupy() -> None:
        store = open_store(both_engines)
        await store.open()
        await store.create_session(SessionRow("other", CODE, row.bank, "k", False, row.created, CONTROL))
        await store.close()

    asyncio.run(occupy())
    archive = tmp_path / "a.json"
    archive.write_text(encode(row, answers, joined, finished), encoding="utf-8")
    done = polling("restore", str(archive), "--db", str(both_engines), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "with the new join code" in done.stdout

    async def codes() -> dict[str, str]:
        store = open_store(both_engines)
        await store.open()
        found = {r.id: r.code for r in await store.sessions()}
        await store.close()
        return found

    found = asyncio.run(codes())
    assert found["other"] == CODE and found[SESSION] not in ("", CODE)


def test_archive_round_trips_rows_with_stand_ins_for_participants() -> None:
    """decode(encode(...)) gives back the session, answers and joined phones, keys replaced consistently."""
    row, answers, joined, finished = session_rows()
    archive = decode(encode(row, answers, joined, finished), screen_key="new-key")
    assert archive.session.bank == row.bank and archive.session.control == CONTROL
    assert archive.session.screen_key == "new-key" and archive.session.owner is None
    assert archive.joined == ["p1", "p2", "p3", "p4"] and archive.finished == ["p2"]
    assert [(a.question_id, a.participant, a.value, a.rev, a.status) for a in archive.answers] == [
        (a.question_id, f"p{joined.index(a.participant) + 1}", a.value, a.rev, a.status) for a in answers
    ]


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda t: t[: len(t) // 2], "damaged or cut short"),
        (lambda t: t.replace('"More cases, please"', '"Fewer cases"'), "checksum does not match"),
        (lambda t: t.replace('"rev": 3', '"rev": 4'), "checksum does not match"),
        (lambda t: t.replace(f'"kind": "{KIND}"', '"kind": "something-else"'), "not a session archive"),
        (lambda t: t.replace('"version": 1', '"version": 2'), "version 2 is not known"),
        (lambda t: json.dumps({"session": {"id": "x"}, "answers": []}), "not a session archive"),
        (lambda t: "[1, 2, 3]", "not a session archive"),
    ],
)
def test_damaged_foreign_and_unknown_files_are_refused(damage: object, message: str) -> None:
    """A truncated, edited, foreign or newer-version file raises ArchiveError saying which it is."""
    row, answers, joined, finished = session_rows()
    text = encode(row, answers, joined, finished)
    assert callable(damage)
    with pytest.raises(ArchiveError, match=message):
        decode(damage(text), screen_key="k")


def test_restore_refuses_a_damaged_file_with_a_clear_message(tmp_path: Path) -> None:
    """`polling restore` of a tampered file or of an export exits non-zero, names the file, stores nothing."""
    row, answers, joined, finished = session_rows()
    tampered = tmp_path / "tampered.json"
    tampered.write_text(
        encode(row, answers, joined, finished).replace('"Trust"', '"Distrust"'), encoding="utf-8"
    )
    db = tmp_path / "hq.sqlite3"
    done = polling("restore", str(tampered), "--db", str(db), cwd=tmp_path)
    assert done.returncode != 0 and f"{tampered}: the file is damaged" in done.stderr
    export = tmp_path / "export.json"
    export.write_text(json.dumps({"session": {}, "bank": {}, "answers": []}), encoding="utf-8")
    foreign = polling("restore", str(export), "--db", str(db), cwd=tmp_path)
    assert foreign.returncode != 0 and "not a session archive" in foreign.stderr
    assert not db.exists()
