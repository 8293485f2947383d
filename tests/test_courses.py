"""Courses: stored on each engine, created over the API, and phones paired by a keyed hash."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from polling.live.courses import course_key
from polling.store import open_store
from polling.store.base import CourseRow, SessionRow
from tests.conftest import LiveServer
from tests.test_store import BANK
from tests.wsclient import Peer

pytestmark = pytest.mark.usefixtures("close_connections")

BANK_ID = "trafficking-indicators-test"


@pytest.fixture
def database(both_engines: str | Path) -> str | Path:
    """The servers of these tests run on each engine in turn."""
    return both_engines


async def test_courses_sessions_roles_and_phones_are_stored(both_engines: str | Path) -> None:
    """A course, a session's role in it, a phone's course key and its `finished` survive reopening."""
    store = open_store(both_engines)
    await store.open()
    await store.create_course(CourseRow("c1", "Trafficking indicators", "secret", "2026-12-01T09:00Z", "ana"))
    row = SessionRow("s1", "ACDEF", BANK, "key", False, "2026-12-01T09:00Z", {}, None, "c1", "pre")
    await store.create_session(row)
    await store.add_participant("s1", "p1")
    await store.save_phone("s1", "p1", "k1", False)
    await store.save_phone("s1", "p2", None, True)  # one that never said hello here is added
    await store.save_phone("s1", "p1", "k1", True)
    await store.close()

    store = open_store(both_engines)
    await store.open()
    assert await store.courses() == [
        CourseRow("c1", "Trafficking indicators", "secret", "2026-12-01T09:00Z", "ana")
    ]
    (stored,) = await store.sessions()
    assert (stored.course, stored.course_role) == ("c1", "pre")
    phones = {p.participant: (p.course_key, p.finished) for p in await store.phones("s1")}
    assert phones == {"p1": ("k1", True), "p2": (None, True)}
    assert sorted(await store.participants("s1")) == ["p1", "p2"]
    await store.close()


def test_a_course_key_is_keyed_and_never_the_token() -> None:
    """The same token gives the same key in one course, another key in another course, never itself."""
    token = "T" * 22
    assert course_key("course-a", token) == course_key("course-a", token)
    assert course_key("course-a", token) != course_key("course-b", token)
    assert token not in course_key("course-a", token)


def course_phones(server: LiveServer, course: str) -> dict[str, Any]:
    response = server.api("GET", f"/api/courses/{course}")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_courses_are_created_and_sessions_join_them_with_a_role(live_server: LiveServer) -> None:
    """A course lists its sessions with their roles; bad names, roles and courses are refused clearly."""
    created = live_server.api("POST", "/api/courses", {"name": "  Border   course 7 "})
    assert created.status_code == 201, created.text
    course = created.json()
    assert course["name"] == "Border course 7" and course["sessions"] == [] and "key" not in course
    pre = live_server.create_session("workshop-evaluation", course=course["id"], role="pre", self_paced=True)
    assert (pre["course"], pre["course_role"]) == (course["id"], "pre")
    live_server.create_session("workshop-evaluation", course=course["id"], role="post")
    listed = live_server.api("GET", "/api/courses").json()["courses"]
    assert [[s["role"] for s in c["sessions"]] for c in listed] == [["pre", "post"]]

    bad_role = live_server.api(
        "POST", "/api/sessions", {"bank": "workshop-evaluation", "course": course["id"], "role": "x"}
    )
    assert bad_role.status_code == 400 and bad_role.json()["message"] == "role must be pre or post"
    unknown = live_server.api(
        "POST", "/api/sessions", {"bank": "workshop-evaluation", "course": "nope", "role": "pre"}
    )
    assert unknown.status_code == 404
    for name in ("", "a\u0007b", 5, "x" * 121):
        refused = live_server.api("POST", "/api/courses", {"name": name})
        assert refused.status_code == 400 and refused.json()["error"] == "bad_request"
    assert live_server.api("GET", "/api/courses", token="wrong-token-0123456789").status_code == 401


async def test_a_phone_pairs_across_the_pre_and_post_sessions_and_a_restart(
    server_factory: Any, tmp_path: Path
) -> None:
    """Six phones take the pre-test, the server is killed and restarted, five of them and a new
    one take the post-test: five pair up by their course token alone, the gain is computed over
    them, and only keyed hashes of the tokens are stored."""
    out = tmp_path / "exports"
    server = server_factory()
    server.start()
    course = server.api("POST", "/api/courses", {"name": "Pre and post"}).json()
    pre = server.create_session(BANK_ID, course=course["id"], role="pre", self_paced=True)
    tokens = [f"course-token-{i:04d}-xyz" for i in range(7)]
    for index, token in enumerate(tokens[:6]):
        peer, welcome = await course_phone(server, pre["code"], token)
        assert welcome["session"]["course"] == course["id"]
        assert all("correct" not in q and "explanation" not in q for q in welcome["questions"])
        await peer.answer("child", "means" if index == 0 else "act")  # one right before
        await peer.answer("child-sure", 2)
        await peer.answer("reflection", 30)  # everyone right before
        await peer.close()
    early = server.api("GET", f"/api/courses/{course['id']}/gain.json").json()
    assert (early["paired"], early["unpaired_pre"], early["overall"]) == (0, 6, None)
    server.stop(kill=True)
    server.start()

    post = server.create_session(BANK_ID, course=course["id"], role="post", self_paced=True)
    for token in tokens[1:]:  # the first phone missed the post-test; the last is new
        peer, _ = await course_phone(server, post["code"], token)
        await peer.answer("child", "means")
        await peer.answer("child-sure", 4)
        await peer.answer("reflection", 30)
        await peer.close()
    response = server.api("GET", f"/api/courses/{course['id']}/gain.json")
    assert response.status_code == 200 and "gain.json" in response.headers["content-disposition"]
    gain = response.json()
    assert (gain["paired"], gain["unpaired_pre"], gain["unpaired_post"]) == (5, 1, 1)
    lines = {line["question"]: line for line in gain["questions"]}
    # Among the five paired phones none was right before (the one right before is unpaired).
    assert lines["child"]["pre"]["share_correct"] == 0 and lines["child"]["post"]["share_correct"] == 1
    assert lines["child"]["gain"] == 1.0
    assert (lines["child"]["pre"]["mean_confidence"], lines["child"]["post"]["mean_confidence"]) == (2, 4)
    assert lines["consent"]["pre"]["mean_confidence"] is None and "child-sure" not in lines
    assert lines["reflection"]["gain"] is None  # full marks before: nothing left to learn
    assert lines["companion"]["pre"]["mean_score"] == 0 and lines["indicators"]["max_score"] == 2
    assert gain["overall"]["max_score"] == 9
    csv_text = server.api("GET", f"/api/courses/{course['id']}/gain.csv").text
    assert csv_text.startswith("\ufeffcourse,question_id") and ",overall," in csv_text
    answers = list(
        csv.DictReader(io.StringIO(server.api("GET", f"/api/sessions/{post['id']}/answers.csv").text))
    )
    assert {row["course_role"] for row in answers} == {"post"}
    exported = server.api("GET", f"/api/sessions/{pre['id']}/export.json").json()["session"]
    assert (exported["course"], exported["course_role"]) == (course["id"], "pre")
    server.stop()
    written = subprocess.run(
        [sys.executable, "-m", "polling", "export", course["id"], "--gain", "--format", "json",
         "--db", str(server.db), "--out", str(out)],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert json.loads(Path(written).read_text(encoding="utf-8"))["paired"] == 5

    store = open_store(server.db)
    await store.open()
    keys = [{p.course_key for p in await store.phones(s["id"])} for s in (pre, post)]
    assert len(keys[0] & keys[1]) == 5
    assert not any(token in key for key in keys[0] | keys[1] for token in tokens)
    await store.close()


async def course_phone(server: LiveServer, code: str, token: str) -> tuple[Peer, dict[str, Any]]:
    """A new phone (a new participant token) that holds this course token."""
    return await Peer.connect(
        server.ws_url, role="participant", code=code, participant=None, lang="en", course_token=token
    )


async def test_a_course_key_the_disk_refuses_lets_the_phone_in_and_is_kept_at_its_next_hello(
    tmp_path: Path, banks_dir: Path
) -> None:
    """While the database refuses writes a phone's course key is not kept (nor counted), the
    phone is not turned away, and its next hello keeps the key once writes work again."""
    from polling.live.service import Polling
    from polling.store.base import StoreError

    store = open_store(tmp_path / "db.sqlite3")
    await store.open()
    polling = Polling(store, banks_dir, "token", "http://x")
    await polling.start()
    course = await polling.create_course("Disk")
    session = await polling.create_session(BANK_ID, course=course.id, course_role="pre", self_paced=True)
    working = store.save_phone

    async def refuse(*args: Any) -> None:
        raise StoreError("disk full")

    store.save_phone = refuse  # type: ignore[method-assign]
    await polling.courses.link(session, "p1", "a-course-token-0001")
    assert session.course_keys == {} and polling.storage_problem is not None
    store.save_phone = working  # type: ignore[method-assign]
    await polling.courses.link(session, "p1", "a-course-token-0001")
    assert list(session.course_keys) == ["p1"] and polling.storage_problem is None
    assert [p.course_key for p in await store.phones(session.id)] == [session.course_keys["p1"]]
    await store.close()
