"""Courses and self-paced sessions served by two processes on one PostgreSQL and one Redis."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import wait_until
from tests.test_courses import BANK_ID, course_phone
from tests.test_processes import pair, state

pytestmark = pytest.mark.usefixtures("close_connections")


async def test_two_processes_share_courses_course_keys_and_submissions(
    server_factory: Any, postgres_url: str, redis_url: str
) -> None:
    """A course made on one process takes a session made on the other; a phone that submits on
    one process is counted finished, with its course key, on the other at once."""
    a, b = pair(server_factory, postgres_url, redis_url)
    course = a.api("POST", "/api/courses", {"name": "Across processes"}).json()
    info = b.create_session(BANK_ID, course=course["id"], role="pre", self_paced=True)
    # The other process hears of the new session a moment later.
    wait_until(
        lambda: (
            [s["role"] for s in a.api("GET", f"/api/courses/{course['id']}").json()["sessions"]] == ["pre"]
        )
    )
    peer, _ = await course_phone(b, info["code"], "token-across-processes-1")
    await peer.answer("child", "means")
    await peer.send({"type": "submit"})
    await peer.expect("submitted")
    wait_until(lambda: state(a, info["id"]).get("session", {}).get("finished") == 1)
    gain = a.api("GET", f"/api/courses/{course['id']}/gain.json").json()
    assert (gain["paired"], gain["unpaired_pre"]) == (0, 1)
