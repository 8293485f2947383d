"""The routes in-process, on each engine: the app built by create_app, driven by Starlette's TestClient."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from polling.live.app import create_app

TEST_BANK = Path(__file__).parent / "banks" / "e2e.yaml"
AUTH = {"Authorization": "Bearer secret-token"}


@pytest.fixture
def client(tmp_path: Path, both_engines: str | Path) -> Iterator[TestClient]:
    """The app on a SQLite file, then on a PostgreSQL database."""
    banks = tmp_path / "banks"
    banks.mkdir()
    shutil.copy(TEST_BANK, banks / "e2e.yaml")
    (banks / "broken.yaml").write_text(
        "title: Broken\nquestions:\n  - id: q\n    type: poll\n    prompt: Hi\n"
    )
    app = create_app(both_engines, banks, "secret-token", "http://192.168.1.5:8000")
    with TestClient(app) as test_client:
        yield test_client


def test_banks_are_listed_with_their_problems(client: TestClient) -> None:
    """The home page's bank list shows valid banks and the file:line problems of broken ones."""
    banks = {b["id"]: b for b in client.get("/api/banks", headers=AUTH).json()["banks"]}
    assert banks["e2e"]["ok"] and banks["e2e"]["questions"] == 6 and banks["e2e"]["languages"] == ["en", "ru"]
    assert not banks["broken"]["ok"]
    assert any("broken.yaml:4:" in p and "poll" in p for p in banks["broken"]["problems"])
    assert banks["broken"]["errors"] == banks["broken"]["problems"] and banks["broken"]["warnings"] == []


def test_a_bank_with_errors_never_starts_a_session(client: TestClient) -> None:
    """Creating a session from a broken bank is refused with its problems; nothing is created."""
    response = client.post("/api/sessions", json={"bank": "broken"}, headers=AUTH)
    assert response.status_code == 400 and response.json()["error"] == "bank_invalid"
    assert response.json()["problems"]
    assert client.post("/api/sessions", json={"bank": "nope"}, headers=AUTH).status_code == 404
    assert client.get("/api/sessions", headers=AUTH).json() == {"sessions": []}


def test_a_session_gets_a_join_url_on_the_public_address(client: TestClient) -> None:
    """A new session has an unambiguous join code and a join URL that phones can reach."""
    info = client.post("/api/sessions", json={"bank": "e2e"}, headers=AUTH).json()
    assert info["join_url"] == f"http://192.168.1.5:8000/j/{info['code']}"
    assert len(info["code"]) == 5 and not set(info["code"]) & set("0O1IL2Z5S8BGQ6")
    assert info["status"] == "waiting" and info["created"].endswith("Z")


def test_a_session_can_let_phones_see_results(client: TestClient) -> None:
    """`phone_results` is kept with a new session; anything but true or false is refused."""
    info = client.post("/api/sessions", json={"bank": "e2e", "phone_results": True}, headers=AUTH).json()
    assert info["phone_results"] is True
    plain = client.post("/api/sessions", json={"bank": "e2e"}, headers=AUTH).json()
    assert plain["phone_results"] is False
    refused = client.post("/api/sessions", json={"bank": "e2e", "phone_results": "yes"}, headers=AUTH)
    assert refused.status_code == 400 and "phone_results" in refused.json()["message"]


def test_commands_over_http_follow_the_state_machine(client: TestClient) -> None:
    """HTTP commands step the session; a refused one says why with 409; unknown ones are 404."""
    session = client.post("/api/sessions", json={"bank": "e2e"}, headers=AUTH).json()["id"]
    refused = client.post(f"/api/sessions/{session}/close", headers=AUTH)
    assert refused.status_code == 409 and refused.json()["error"] == "invalid_transition"
    assert "No question" in refused.json()["message"]
    state = client.post(f"/api/sessions/{session}/show", json={"question": "useful"}, headers=AUTH).json()
    assert (state["current"], state["state"]) == ("useful", "shown")
    state = client.post(f"/api/sessions/{session}/next", headers=AUTH).json()
    assert state["state"] == "open"
    assert client.post(f"/api/sessions/{session}/dance", headers=AUTH).status_code == 404
    bad = client.post(f"/api/sessions/{session}/show", content=b"{oops", headers=AUTH)
    assert bad.status_code == 400 and bad.json()["error"] == "bad_request"
    assert client.post("/api/sessions/nope/next", headers=AUTH).status_code == 404


def test_a_participant_answers_over_the_websocket(client: TestClient) -> None:
    """In-process: hello, the pushed question, an answer and its acknowledgement."""
    info = client.post("/api/sessions", json={"bank": "e2e"}, headers=AUTH).json()
    with client.websocket_connect("/ws") as phone:
        phone.send_json(
            {
                "type": "hello",
                "role": "participant",
                "code": info["code"].lower(),
                "participant": None,
            }
        )
        welcome = phone.receive_json()
        assert welcome["type"] == "welcome" and welcome["question"] is None
        client.post(f"/api/sessions/{info['id']}/show", json={"question": "useful"}, headers=AUTH)
        client.post(f"/api/sessions/{info['id']}/open", headers=AUTH)
        assert phone.receive_json()["state"] == "shown"
        assert phone.receive_json()["state"] == "open"
        phone.send_json({"type": "answer", "question": "useful", "value": 6, "lang": "ru"})
        assert phone.receive_json()["code"] == "invalid_answer"
        phone.send_json({"type": "answer", "question": "useful", "value": 4, "lang": "ru"})
        assert phone.receive_json() == {"type": "ack", "question": "useful", "value": 4, "rev": 1}
    state = client.get(f"/api/sessions/{info['id']}", headers=AUTH).json()
    assert state["results"] == {"counts": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0}, "mean": 4.0}


def test_the_facilitator_chooses_the_screen_languages(client: TestClient) -> None:
    """One or two bank languages go side by side on the screen; anything else is refused."""
    info = client.post("/api/sessions", json={"bank": "e2e"}, headers=AUTH).json()
    state = client.get(f"/api/sessions/{info['id']}", headers=AUTH).json()
    assert state["display_languages"] == ["en"]
    url = f"/api/sessions/{info['id']}/languages"
    assert client.post(url, json={"languages": ["ru", "en"]}, headers=AUTH).json()["display_languages"] == [
        "ru",
        "en",
    ]
    for wrong in (["fr"], [], ["en", "en"], ["en", "ru", "en"], "en"):
        response = client.post(url, json={"languages": wrong}, headers=AUTH)
        assert response.status_code == 400 and response.json()["error"] == "bad_request", wrong
    assert client.post(url, json={"languages": ["en"]}).status_code == 401
    with client.websocket_connect("/ws") as screen:
        screen.send_json(
            {"type": "hello", "role": "screen", "session": info["id"], "key": info["screen_key"]}
        )
        welcome = screen.receive_json()
        assert welcome["display_languages"] == ["ru", "en"] and "screen_key" not in welcome["session"]


def test_values_that_once_broke_the_server_are_refused_cleanly(client: TestClient) -> None:
    """Regressions found by fuzzing: huge numbers, a list as an answer id, an unparsable Origin."""
    info = client.post("/api/sessions", json={"bank": "e2e"}, headers=AUTH).json()
    huge = client.post(f"/api/sessions/{info['id']}/limit", json={"max_participants": 2**64}, headers=AUTH)
    assert huge.status_code == 400 and huge.json()["error"] == "bad_request"
    odd = {"question": "remarks", "answer": [], "status": "approved"}
    assert client.post(f"/api/sessions/{info['id']}/moderate", json=odd, headers=AUTH).status_code == 404
    assert client.post("/api/join/ABCDE", headers=AUTH).json()["error"] == "method_not_allowed"
    client.post(f"/api/sessions/{info['id']}/show", json={"question": "staff"}, headers=AUTH)
    client.post(f"/api/sessions/{info['id']}/open", headers=AUTH)
    with client.websocket_connect("/ws") as phone:
        phone.send_json({"type": "hello", "role": "participant", "code": info["code"], "participant": None})
        phone.receive_json()
        phone.send_text('{"type": "answer", "question": "staff", "value": 1e20}')
        assert phone.receive_json()["code"] == "invalid_answer"  # the bank caps staff at 5000
    with pytest.raises(WebSocketDisconnect), client.websocket_connect("/ws", headers={"origin": "http://["}):
        pass
    # The server still serves everyone.
    assert client.post(f"/api/sessions/{info['id']}/close", headers=AUTH).json()["state"] == "closed"
