"""Breakdowns by group on a real server: answered at join, chosen for the presenter, and small
groups absent from the presenter's message and from every export, on both engines."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.conftest import LiveServer, wait_until
from tests.wsclient import Peer, facilitator, participant

pytestmark = pytest.mark.usefixtures("close_connections")

# 4 customs officers, 4 police officers, 1 prosecutor (a group below k = 3), 2 who do not say.
SERVICES = ["customs"] * 4 + ["police"] * 4 + ["prosecution"] + [None, None]
PACES = [
    "right",
    "right",
    "too-fast",
    "right",
    "too-slow",
    "right",
    "right",
    "right",
    "too-fast",
    "right",
    "right",
]


@pytest.fixture
def database(both_engines: str | Path) -> str | Path:
    """Every test here runs on SQLite and on PostgreSQL."""
    return both_engines


def _groups_in(breakdown: dict[str, Any]) -> list[str]:
    return [group["id"] for group in breakdown["groups"]]


async def _room(server: LiveServer, info: dict[str, Any]) -> tuple[Peer, Peer]:
    """Phones answer the segment at join (no question open), then the pace question."""
    boss, _ = await facilitator(server.ws_url, info["id"], server.token)
    screen, _ = await Peer.connect(server.ws_url, role="screen", session=info["id"], key=info["screen_key"])
    phones = []
    for service in SERVICES:
        phone, welcome = await participant(server.ws_url, info["code"])
        assert [q["id"] for q in welcome["join_questions"]] == ["service", "experience"]
        if service is not None:
            ack = await phone.answer("service", service)
            assert ack["type"] == "ack"
            await phone.answer("experience", "5-14")
        phones.append(phone)
    server.command(info["id"], "show", question="pace")
    server.command(info["id"], "open")
    for phone, pace in zip(phones, PACES, strict=True):
        await phone.answer("pace", pace)
    return boss, screen


async def test_suppressed_groups_are_absent_from_the_presenter_and_every_export(
    server_factory: Any,
) -> None:
    """With k = 3, the lone prosecutor's group never appears: not in the facilitator's or the
    screen's breakdown, the answers, breakdowns, JSON, xlsx or HTML exports, before and after
    a restart; the experience segment, where "other" would be 2, is withheld."""
    server: LiveServer = server_factory()
    server.start()
    info = server.create_session(min_group=3)
    assert info["min_group"] == 3
    boss, screen = await _room(server, info)
    await boss.send({"type": "segment", "segment": "service"})
    state = await boss.expect("state", segment="service")
    assert _groups_in(state["breakdown"]) == ["customs", "police"]
    assert state["breakdown"]["other"]["responses"] == 3  # the prosecutor and the two who did not say
    assert state["breakdowns"]["experience"]["withheld"] == "too_few"
    shown = await screen.expect("state", segment="service")
    assert _groups_in(shown["breakdown"]) == ["customs", "police"] and "breakdowns" not in shown
    assert "prosecution" not in json.dumps(shown["breakdown"]) + json.dumps(state["breakdowns"])
    _assert_exports(server, info)
    server.stop()
    server.start()
    _assert_exports(server, info)
    restored = server.api("GET", f"/api/sessions/{info['id']}").json()
    assert restored["segment"] == "service" and _groups_in(restored["breakdown"]) == ["customs", "police"]


def _assert_exports(server: LiveServer, info: dict[str, Any]) -> None:
    base = f"/api/sessions/{info['id']}"
    answers = list(
        csv.DictReader(io.StringIO(server.api("GET", f"{base}/answers.csv").text.lstrip("\ufeff")))
    )
    pace = [row for row in answers if row["question_id"] == "pace"]
    assert len(pace) == len(SERVICES)
    assert sorted(row["group_service"] for row in pace) == [""] * 3 + ["Customs"] * 4 + ["Police"] * 4
    assert {row["group_experience"] for row in pace} == {""}  # withheld for pace: "other" would be 2
    assert not any("Prosecution" in row["group_service"] for row in answers)

    table = server.api("GET", f"{base}/breakdowns.csv").text.lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(table)))
    pace_groups = {(row["segment"], row["group"]) for row in rows if row["question_id"] == "pace"}
    assert pace_groups == {("service", "Customs"), ("service", "Police"), ("service", "other")}
    # The prosecutor may be an item (an answer to `service`, counted within a big group), never a group.
    assert not any(row["group"].startswith("Prosecution") for row in rows)

    document = server.api("GET", f"{base}/export.json").json()
    by_service = document["breakdowns"]["pace"]["service"]
    assert _groups_in(by_service) == ["customs", "police"]
    assert by_service["groups"][0]["results"]["counts"] == {"too-slow": 0, "right": 3, "too-fast": 1}
    assert all(a["groups"]["service"] != "prosecution" for a in document["answers"])
    listed = [g["id"] for by in document["breakdowns"].values() for b in by.values() for g in b["groups"]]
    assert "prosecution" not in listed

    book = openpyxl.load_workbook(io.BytesIO(server.api("GET", f"{base}/export.xlsx").content))
    sheet = book["Breakdowns by group"]
    groups = {str(row[5].value) for row in sheet.iter_rows(min_row=2)}
    assert {"Customs", "Police", "Other"} <= groups and not any("Prosecution" in g for g in groups)
    answers_sheet = book["Answers"]
    header = [c.value for c in answers_sheet[1]]
    column = header.index("Group: service")
    labels = {row[column].value for row in answers_sheet.iter_rows(min_row=2)}
    assert labels == {None, "Customs", "Police"}

    html = server.api("GET", f"{base}/report.html").text
    section = html.split("Breakdowns by group", 1)[1]
    assert "<td>service</td><td>Customs</td>" in section
    assert (
        "<td>service</td><td>Prosecution" not in section
        and "<td>experience</td><td>Prosecution" not in section
    )


async def test_min_group_is_checked_and_the_server_default_applies(server_factory: Any) -> None:
    """`--min-group` sets k of new sessions; a session's own k outside 2..1000 is refused."""
    server: LiveServer = server_factory(extra_args=["--min-group", "7"])
    server.start()
    assert server.create_session()["min_group"] == 7
    refused = server.api("POST", "/api/sessions", {"bank": "workshop-evaluation", "min_group": 1})
    assert refused.status_code == 400 and "min_group" in refused.json()["message"]
    info = server.create_session()
    wrong = server.api("POST", f"/api/sessions/{info['id']}/segment", {"segment": "pace"})
    assert wrong.status_code == 400 and wrong.json()["error"] == "bad_request"
    chosen = server.api("POST", f"/api/sessions/{info['id']}/segment", {"segment": "experience"})
    assert chosen.status_code == 200 and chosen.json()["segment"] == "experience"
    wait_until(lambda: server.api("GET", f"/api/sessions/{info['id']}").json()["segment"] == "experience")
