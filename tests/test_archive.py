"""Archive and restore: a session travels whole between databases, and a bad file is refused."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from polling.core.banks import load_bank
from polling.core.exercise import Exercise
from polling.core.tracks import Member
from polling.reports.archive import KIND, ArchiveError, checksum, decode, encode
from polling.store import open_store
from polling.store.base import AnswerRow, QnaQuestionRow, QnaRows, ScenarioRows, SessionRow
from tests.conftest import TEST_BANKS, LiveServer

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


def qna_rows() -> QnaRows:
    """Q&A with pre-moderation: questions in each status, one pinned, asked and voted on also by
    phones that never answered (key-eeee asks, key-ffff votes)."""
    minute = "2026-11-28T09:10Z"
    questions = [
        QnaQuestionRow(SESSION, "q1", "key-aaaa", "Will the slides be shared?", "ru", minute, "answered"),
        QnaQuestionRow(SESSION, "q2", "key-eeee", "Who approves the budget?", "en", minute, "approved"),
        QnaQuestionRow(SESSION, "q3", "key-bbbb", "=cmd|' /C calc'!A0", "en", minute, "hidden"),
        QnaQuestionRow(SESSION, "q4", "key-cccc", "And the next workshop?", "en", minute, "pending"),
    ]
    votes = [("q2", "key-aaaa"), ("q2", "key-ffff"), ("q2", "key-bbbb"), ("q1", "key-ffff")]
    settings = {"open": True, "premoderate": True, "order": "votes", "pinned": "q2"}
    return QnaRows(settings, questions, votes)


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
    qna = qna_rows()
    assert qna.settings is not None
    await store.save_qna_settings(SESSION, qna.settings)
    for question in qna.questions:
        await store.add_qna_question(question)
    for question_id, voter in qna.votes:
        await store.save_qna_vote(SESSION, question_id, voter, True)
    await store.close()


def exports(db: str | Path, out: Path, cwd: Path) -> dict[str, str]:
    """Every export of the session with its Q&A (qna.csv, qna.json), by file name."""
    for kind in ("csv", "json"):
        done = polling(
            "export", SESSION, "--format", kind, "--qna", "--out", str(out), "--db", str(db), cwd=cwd
        )
        assert done.returncode == 0, done.stderr
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(out.iterdir())}


def test_a_session_archived_and_restored_exports_the_same(both_engines: str | Path, tmp_path: Path) -> None:
    """Archive (SQLite) -> restore into a fresh database of each engine -> the same exports, Q&A included."""
    source = tmp_path / "laptop.sqlite3"
    asyncio.run(fill(source))
    original = exports(source, tmp_path / "before", tmp_path)
    assert {"qna.csv", "qna.json"} <= {name.rsplit("-", 1)[1] for name in original}
    qna = json.loads(next(text for name, text in original.items() if name.endswith("qna.json")))
    counted = {q["id"]: (q["votes"], q["pinned"]) for q in qna["questions"]}
    assert counted == {"q1": (1, False), "q2": (3, True), "q3": (0, False), "q4": (0, False)}
    assert '"finished": 1' in next(text for name, text in original.items() if name.endswith("export.json"))

    archive = tmp_path / "session.polling.json"
    done = polling("archive", CODE, "--out", str(archive), "--db", str(source), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text = archive.read_text(encoding="utf-8")
    # Participant keys, the screen secret, the owner and the course key stay on the laptop.
    for secret in ("key-", "secret-screen-key", "alice", "course-key-bbbb"):
        assert secret not in text
    body = json.loads(text)["body"]
    assert body["answers"][7]["status"] == "hidden"
    # The asker and the voter who never answered get stand-ins after the four phones that joined.
    assert body["qna"]["questions"][1]["participant"] == "p5"
    assert {"question": "q1", "participant": "p6"} in body["qna"]["votes"]

    done = polling("restore", str(archive), "--db", str(both_engines), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"restored session {SESSION} (8 answer(s))" in done.stdout
    assert exports(both_engines, tmp_path / "after", tmp_path) == original

    async def restored_qna() -> QnaRows:
        store = open_store(both_engines)
        await store.open()
        rows = await store.qna(SESSION)
        await store.close()
        return rows

    rows = asyncio.run(restored_qna())
    assert rows.settings is not None and rows.settings["pinned"] == "q2" and rows.settings["premoderate"]
    assert [q.status for q in rows.questions] == ["answered", "approved", "hidden", "pending"]
    assert sorted(q for q, _ in rows.votes) == ["q1", "q2", "q2", "q2"]

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


def test_archive_round_trips_qna_with_the_same_stand_ins() -> None:
    """Q&A settings, questions and votes come back whole, askers and voters named as in the answers."""
    row, answers, joined, finished = session_rows()
    qna = qna_rows()
    archive = decode(encode(row, answers, joined, finished, qna), screen_key="k")
    names = {"key-aaaa": "p1", "key-bbbb": "p2", "key-cccc": "p3", "key-eeee": "p5", "key-ffff": "p6"}
    assert archive.qna.settings == qna.settings
    assert archive.qna.questions == [
        QnaQuestionRow(SESSION, q.id, names[q.participant], q.text, q.language, q.minute, q.status)
        for q in qna.questions
    ]
    assert archive.qna.votes == [(q, names[voter]) for q, voter in qna.votes]


def test_an_archive_written_without_qna_restores(both_engines: str | Path, tmp_path: Path) -> None:
    """A version-1 archive whose body has no `qna` (written before Q&A was archived) restores, Q&A empty."""
    row, answers, joined, finished = session_rows()
    document = json.loads(encode(row, answers, joined, finished))
    del document["body"]["qna"]
    document["checksum"] = checksum(document["body"])
    assert document["version"] == 1
    archive = tmp_path / "older.polling.json"
    archive.write_text(json.dumps(document), encoding="utf-8")
    assert decode(archive.read_text(encoding="utf-8"), screen_key="k").qna == QnaRows(None, [], [])

    done = polling("restore", str(archive), "--db", str(both_engines), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"restored session {SESSION} (8 answer(s))" in done.stdout
    after = exports(both_engines, tmp_path / "after", tmp_path)
    csv = next(text for name, text in after.items() if name.endswith("qna.csv"))
    assert csv.splitlines()[0].endswith("votes,pinned") and csv.splitlines()[1:] == []


EXERCISE = "arch2"
T0 = 1_795_856_400_000  # 2026-11-28T09:00Z in milliseconds, as the exercise's log keeps time
# The tables: red with two phones (one speaks for it), blue with two phones that never answered a poll.
MEMBERS = [
    ("key-aaaa", "red", True),
    ("key-bbbb", "red", False),
    ("key-gggg", "blue", False),
    ("key-hhhh", "blue", False),
]


def exercise_rows() -> tuple[SessionRow, ScenarioRows]:
    """A teams-mode exercise: both tables read the first inject, red decides by its votes, blue's
    lone vote is overridden by the facilitator, and the exercise stops."""
    bank, _ = load_bank(TEST_BANKS / "exercise.yaml")
    assert bank is not None and bank.scenario is not None
    control = {**CONTROL, "current": None, "states": {}, "revealed": []}
    row = SessionRow(EXERCISE, "EXRCZ", bank, "secret-screen-key", False, "2026-11-28T09:00Z", control)
    start = {"kind": "start", "mode": "teams", "teams": ["red", "blue"], "decide": "majority", "at": T0}
    exercise = Exercise.started(bank.scenario, start)
    for phone, team, speaks in MEMBERS:
        exercise.set_member(phone, Member(team, speaks))
    events: list[dict[str, object]] = [start]

    def happen(event: dict[str, object] | None) -> None:
        assert event is not None
        exercise.apply(event)
        events.append(event)

    happen(exercise.next("red", T0 + 60_000))
    happen(exercise.next("blue", T0 + 120_000))
    votes = []
    for phone, team, option in [
        ("key-aaaa", "red", "inspect"),
        ("key-bbbb", "red", "inspect"),
        ("key-gggg", "blue", "release"),
    ]:
        visit = exercise.tracks[team].visit
        assert exercise.vote(team, visit, phone, option)
        votes.append((1, team, visit, phone, option))
    happen(exercise.settled("red", T0 + 180_000))
    happen(exercise.choose("blue", "call", T0 + 240_000))
    happen(exercise.check_stop(T0 + 300_000))
    return row, ScenarioRows(events, votes, MEMBERS)  # type: ignore[arg-type]


async def fill_exercise(db: str | Path) -> None:
    store = open_store(db)
    await store.open()
    row, rows = exercise_rows()
    await store.create_session(row)
    for event in rows.events:
        await store.add_scenario_event(EXERCISE, event)
    for phone, team, speaks in rows.members:
        await store.save_scenario_member(EXERCISE, phone, team, speaks)
    for vote in rows.votes:
        await store.save_scenario_vote(EXERCISE, *vote)
    await store.close()


def debriefed(server_factory: object, db: str | Path, log: Path) -> dict[str, Any]:
    """The debrief `GET /api/sessions/{id}/scenario` gives of the exercise, from a server on `db`."""
    assert callable(server_factory)
    server: LiveServer = server_factory(db=db, log=log)
    server.start()
    response = server.api("GET", f"/api/sessions/{EXERCISE}/scenario")
    server.stop()
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    assert data["session"].pop("join_url").endswith("/j/EXRCZ")  # the server's address, not the session's
    return data


def test_an_exercise_archived_and_restored_debriefs_the_same(
    both_engines: str | Path, tmp_path: Path, server_factory: object
) -> None:
    """A teams exercise (votes, team choices, an override) archived and restored gives the same debrief."""
    source = tmp_path / "laptop.sqlite3"
    asyncio.run(fill_exercise(source))
    original = debriefed(server_factory, source, tmp_path / "before.log")
    tracks = {t["name"]: t for t in original["tracks"]}
    assert original["status"] == "stopped" and original["mode"] == "teams"
    assert tracks["red"]["visits"][1]["split"] == {"inspect": 2, "release": 0, "call": 0}
    assert tracks["blue"]["visits"][1]["override"] and tracks["blue"]["visits"][1]["choice"] == "call"

    archive = tmp_path / "exercise.polling.json"
    done = polling("archive", EXERCISE, "--out", str(archive), "--db", str(source), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "6 exercise event(s)" in done.stdout
    text = archive.read_text(encoding="utf-8")
    assert "key-" not in text and "secret-screen-key" not in text
    body = json.loads(text)["body"]["scenario"]
    assert [m["participant"] for m in body["members"]] == ["p1", "p2", "p3", "p4"]
    assert {v["participant"] for v in body["votes"]} == {"p1", "p2", "p3"}

    done = polling("restore", str(archive), "--db", str(both_engines), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert debriefed(server_factory, both_engines, tmp_path / "after.log") == original


def test_archive_round_trips_an_exercise_with_the_same_stand_ins() -> None:
    """The exercise's events, votes and teams come back whole, its phones named as in the answers."""
    row, answers, joined, finished = session_rows()
    _, rows = exercise_rows()
    archive = decode(encode(row, answers, joined, finished, None, rows), screen_key="k")
    names = {"key-aaaa": "p1", "key-bbbb": "p2", "key-gggg": "p5", "key-hhhh": "p6"}
    assert archive.scenario.events == rows.events
    assert archive.scenario.members == [(names[p], team, speaks) for p, team, speaks in rows.members]
    assert archive.scenario.votes == [(r, t, v, names[p], o) for r, t, v, p, o in rows.votes]


def test_an_archive_written_without_the_exercise_restores(tmp_path: Path) -> None:
    """A version-1 archive whose body has no `scenario` restores as a session whose exercise never began."""
    row, answers, joined, finished = session_rows()
    document = json.loads(encode(row, answers, joined, finished, qna_rows(), exercise_rows()[1]))
    del document["body"]["scenario"]
    document["checksum"] = checksum(document["body"])
    assert document["version"] == 1
    text = json.dumps(document)
    archive = decode(text, screen_key="k")
    assert archive.scenario == ScenarioRows([], [], []) and len(archive.qna.questions) == 4
    older = tmp_path / "older.polling.json"
    older.write_text(text, encoding="utf-8")
    db = tmp_path / "hq.sqlite3"
    done = polling("restore", str(older), "--db", str(db), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"restored session {SESSION} (8 answer(s))" in done.stdout


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
