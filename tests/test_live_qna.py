"""Audience Q&A against a real server: asking, voting, moderating, and all of it back after a restart."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.conftest import LiveServer
from tests.wsclient import Peer, facilitator, participant

pytestmark = pytest.mark.usefixtures("close_connections")


@pytest.fixture
def database(both_engines: str | Path) -> str | Path:
    """Every test here runs once on a SQLite file and once on a PostgreSQL database."""
    return both_engines


async def ask(phone: Peer, text: str) -> dict[str, Any]:
    await phone.send({"type": "ask", "text": text})
    question: dict[str, Any] = (await phone.expect("asked"))["question"]
    return question


async def test_questions_votes_and_moderation_survive_a_restart(server_factory: Any) -> None:
    """Questions, votes, statuses, the pin and the settings are all back after the server is killed."""
    server: LiveServer = server_factory()
    server.start()
    info = server.create_session("e2e", qna=True, premoderate=True)
    boss, welcome = await facilitator(server.ws_url, info["id"], server.token)
    assert welcome["qna"]["open"] and welcome["qna"]["premoderate"]
    phones = [
        (await participant(server.ws_url, info["code"], token=f"phone-token-{n:08d}"))[0] for n in range(3)
    ]
    first = await ask(phones[0], "Who signs the seizure report?")
    second = await ask(phones[1], "من يوقع المحضر؟")
    assert first["status"] == "pending"
    # Pending: the room cannot vote on it yet.
    await phones[2].send({"type": "vote", "id": first["id"]})
    assert (await phones[2].expect("error"))["code"] == "not_found"
    for question in (first, second):
        response = server.api(
            "POST", f"/api/sessions/{info['id']}/qna/moderate", {"id": question["id"], "status": "approved"}
        )
        assert response.status_code == 200
    for phone in phones:
        await phone.send({"type": "vote", "id": second["id"]})
        assert (await phone.expect("voted"))["up"] is True
    await phones[2].send({"type": "vote", "id": second["id"]})  # the second tap takes it back
    assert await phones[2].expect("voted") == {"type": "voted", "id": second["id"], "up": False, "votes": 2}
    await phones[0].send({"type": "vote", "id": first["id"], "up": True})
    await phones[0].expect("voted")
    boss_sees = await boss.expect("qna", timeout=10)
    while [q["votes"] for q in boss_sees["questions"]] != [2, 1]:
        boss_sees = await boss.expect("qna")
    assert [q["text"] for q in boss_sees["questions"]] == ["من يوقع المحضر؟", "Who signs the seizure report?"]
    server.api("POST", f"/api/sessions/{info['id']}/qna", {"pinned": second["id"], "order": "newest"})
    server.api("POST", f"/api/sessions/{info['id']}/qna/moderate", {"id": first["id"], "status": "answered"})
    for peer in [boss, *phones]:
        await peer.close()
    server.stop(kill=True)

    server.start()
    state = server.api("GET", f"/api/sessions/{info['id']}/qna").json()
    assert (state["open"], state["premoderate"], state["order"], state["pinned"]) == (
        True,
        True,
        "newest",
        second["id"],
    )
    assert [(q["id"], q["votes"], q["status"]) for q in state["questions"]] == [
        (second["id"], 2, "approved"),
        (first["id"], 1, "answered"),
    ]
    table = server.api("GET", f"/api/sessions/{info['id']}/qna.csv")
    assert table.headers["content-disposition"].endswith(f'-{info["code"]}-qna.csv"')
    rows = list(csv.DictReader(io.StringIO(table.text.removeprefix("\ufeff"))))
    assert [(r["question"], r["votes"], r["status"], r["pinned"]) for r in rows] == [
        ("من يوقع المحضر؟", "2", "approved", "1"),
        ("Who signs the seizure report?", "1", "answered", "0"),
    ]
    whole = server.api("GET", f"/api/sessions/{info['id']}/qna.json").json()
    assert whole["settings"]["pinned"] == second["id"] and "screen_key" not in whole["session"]
    assert [q["pinned"] for q in whole["questions"]] == [True, False]
    book = openpyxl.load_workbook(
        io.BytesIO(server.api("GET", f"/api/sessions/{info['id']}/export.xlsx").content)
    )
    sheet = book["Questions from the room"]
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [
        ["من يوقع المحضر؟", "en", second["minute"], "Approved", 2, "✓"],
        ["Who signs the seizure report?", "en", first["minute"], "Answered", 1, None],
    ]
    page = server.api("GET", f"/api/sessions/{info['id']}/report.html").text
    assert "<h2>Questions from the room</h2>" in page and '<td dir="auto">من يوقع المحضر؟</td>' in page
    phone, back = await participant(server.ws_url, info["code"], token="phone-token-00000000")
    assert set(back["qna"]["voted"]) == {first["id"], second["id"]}
    assert [q["id"] for q in back["qna"]["mine"]] == [first["id"]]
    await phone.send({"type": "vote", "id": second["id"]})  # after the restart, a tap takes the vote back
    assert (await phone.expect("voted"))["votes"] == 1


async def test_the_limits_of_asking_have_their_own_error_codes(server_factory: Any) -> None:
    """Closed Q&A, an over-long question, a fourth question in a minute and a facilitator-only
    command from a phone are each refused with their code, on that connection alone."""
    server: LiveServer = server_factory()
    server.start()
    info = server.create_session("e2e")
    phone, welcome = await participant(server.ws_url, info["code"])
    assert welcome["qna"]["open"] is False
    await phone.send({"type": "ask", "text": "Too early?"})
    assert (await phone.expect("error"))["code"] == "qna_closed"
    boss, _ = await facilitator(server.ws_url, info["id"], server.token)
    await boss.send({"type": "qna_settings", "open": True})
    await phone.expect("qna", open=True)
    await phone.send({"type": "ask", "text": "x" * 281})
    refused = await phone.expect("error")
    assert (refused["code"], refused["max_length"]) == ("question_too_long", 280)
    for n in range(3):
        assert (await ask(phone, f"Question {n}"))["status"] == "approved"
    await phone.send({"type": "ask", "text": "A fourth"})
    limited = await phone.expect("error")
    assert limited["code"] == "ask_rate_limited" and 0 < limited["retry_after"] <= 60
    await phone.send({"type": "qna_moderate", "id": "x", "status": "hidden"})
    assert (await phone.expect("error"))["code"] == "unauthorized"
    await boss.send({"type": "qna_moderate", "id": "nope", "status": "hidden"})
    assert (await boss.expect("error"))["code"] == "not_found"
    await phone.send({"type": "ping"})
    await phone.expect("pong")  # the connection goes on
