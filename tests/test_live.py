"""End to end, on each engine: a real server process, driven by real WebSocket and HTTP clients."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer
from tests.wsclient import Peer, facilitator, participant

pytestmark = pytest.mark.usefixtures("close_connections")


@pytest.fixture
def database(both_engines: str | Path) -> str | Path:
    """Every test here runs once on a SQLite file and once on a PostgreSQL database."""
    return both_engines


def stored_bytes(database: str | Path, tmp_path: Path, request: pytest.FixtureRequest) -> bytes:
    """Every byte the engine keeps on disk: the SQLite files, or the whole PostgreSQL cluster."""
    if isinstance(database, Path):
        return b"".join(p.read_bytes() for p in tmp_path.glob(f"{database.name}*"))
    cluster: Path = request.getfixturevalue("postgres_server").data
    return b"".join(p.read_bytes() for p in cluster.rglob("*") if p.is_file())


def csv_rows(response: httpx.Response) -> list[dict[str, str]]:
    """The rows of a served CSV file, read as Python's csv reads it (the BOM taken off)."""
    assert response.content.startswith(b"\xef\xbb\xbf"), "no UTF-8 byte order mark"
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


async def test_a_session_runs_start_to_finish(live_server: LiveServer) -> None:
    """Phones get each question as it opens, answers move the live tally, and the export holds them."""
    info = live_server.create_session("e2e")
    boss, welcome = await facilitator(live_server.ws_url, info["id"], live_server.token)
    assert welcome["current"] is None and welcome["session"]["code"] == info["code"]
    phones = [
        (await participant(live_server.ws_url, info["code"], lang=lang))[0] for lang in ("en", "ru", "ru")
    ]
    await boss.expect("tally", participants=3)

    await boss.send({"type": "next"})
    for phone in phones:
        shown = await phone.expect("question", state="shown")
        assert shown["question"]["prompt"] == {"en": "How was the pace?", "ru": "Как вам темп?"}
    await boss.send({"type": "next"})
    for phone in phones:
        await phone.expect("question", state="open")

    for phone, (choice, lang) in zip(phones, [("slow", "en"), ("right", "ru"), ("right", "ru")], strict=True):
        ack = await phone.answer("pace", choice, lang=lang)
        assert ack["value"] == choice and ack["rev"] == 1
    tally = await boss.expect("tally", responses=3)
    assert tally["results"] == {"counts": {"slow": 1, "right": 2, "fast": 0}}

    ack = await phones[0].answer("pace", "fast", rev=2)
    assert ack == {"type": "ack", "question": "pace", "value": "fast", "rev": 2}
    tally = await boss.expect("tally", responses=3, results={"counts": {"slow": 0, "right": 2, "fast": 1}})

    await boss.send({"type": "close"})
    await phones[1].expect("question", state="closed")
    await phones[1].send({"type": "answer", "question": "pace", "value": "slow", "rev": 2})
    refused = await phones[1].expect("error")
    assert refused["code"] == "not_open"

    await boss.send({"type": "end"})
    for phone in phones:
        await phone.expect("ended")

    rows = csv_rows(live_server.api("GET", f"/api/sessions/{info['id']}/answers.csv"))
    assert sorted((r["answer"], r["language"]) for r in rows) == [
        ("About right", "ru"),
        ("About right", "ru"),
        ("Too fast", "en"),
    ]
    assert all(r["question"] == "How was the pace?" and r["minute"].endswith("Z") for r in rows)
    summary = csv_rows(live_server.api("GET", f"/api/sessions/{info['id']}/summary.csv"))
    pace = {r["item"]: int(r["count"]) for r in summary if r["question_id"] == "pace"}
    assert pace == {"Too slow": 0, "About right": 2, "Too fast": 1}
    whole = live_server.api("GET", f"/api/sessions/{info['id']}/export.json").json()
    assert whole["session"]["status"] == "ended" and len(whole["answers"]) == 3
    for peer in [boss, *phones]:
        await peer.close()


async def open_first_question(server: LiveServer, bank: str = "e2e", **options: Any) -> dict[str, Any]:
    info = server.create_session(bank, **options)
    server.command(info["id"], "next")
    server.command(info["id"], "open")
    return info


async def test_a_phone_that_reconnects_resumes_without_double_counting(
    live_server: LiveServer,
) -> None:
    """A phone that drops comes back with the same token to its question and answer, counted once."""
    info = await open_first_question(live_server)
    phone, welcome = await participant(live_server.ws_url, info["code"])
    token = welcome["participant"]
    assert welcome["question"]["id"] == "pace" and welcome["answer"] is None
    await phone.answer("pace", "right", rev=1)
    await phone.close()

    phone, welcome = await participant(live_server.ws_url, info["code"], token=token)
    assert welcome["participant"] == token
    assert (welcome["state"], welcome["answer"], welcome["rev"]) == ("open", "right", 1)
    # The page resends an answer it never saw acknowledged: it is acknowledged, not recounted.
    ack = await phone.answer("pace", "right", rev=1)
    assert ack["rev"] == 1
    # An older answer arriving late never overwrites a newer one.
    await phone.answer("pace", "fast", rev=3)
    stale = await phone.answer("pace", "slow", rev=2)
    assert (stale["value"], stale["rev"]) == ("fast", 3)
    state = live_server.api("GET", f"/api/sessions/{info['id']}").json()
    assert state["responses"] == 1
    assert state["results"]["counts"] == {"slow": 0, "right": 0, "fast": 1}
    await phone.close()


async def test_a_killed_server_resumes_its_session_and_answers(server_factory: Any) -> None:
    """After SIGKILL and a restart on the same database, the session and its acknowledged answers are back."""
    server: LiveServer = server_factory()
    server.start()
    info = await open_first_question(server)
    phones = []
    for choice in ("slow", "right", "right"):
        phone, welcome = await participant(server.ws_url, info["code"])
        await phone.answer("pace", choice)
        phones.append((phone, welcome["participant"]))
    server.stop(kill=True)

    server.start()
    state = server.api("GET", f"/api/sessions/{info['id']}").json()
    assert (state["current"], state["state"], state["responses"]) == ("pace", "open", 3)
    assert state["results"]["counts"] == {"slow": 1, "right": 2, "fast": 0}
    phone, welcome = await participant(server.ws_url, info["code"], token=phones[0][1])
    assert (welcome["answer"], welcome["rev"]) == ("slow", 1)
    await phone.answer("pace", "fast", rev=2)
    state = server.api("GET", f"/api/sessions/{info['id']}").json()
    assert state["results"]["counts"] == {"slow": 0, "right": 2, "fast": 1}
    await phone.close()


async def test_bad_messages_get_errors_on_their_connection_alone(live_server: LiveServer) -> None:
    """Malformed or hostile messages get an error on their connection alone; nothing wrong is stored."""
    info = await open_first_question(live_server)
    bad, _ = await participant(live_server.ws_url, info["code"])
    good, _ = await participant(live_server.ws_url, info["code"])
    cases: list[tuple[Any, str]] = [
        ("{not json", "bad_json"),
        ("[1, 2]", "bad_json"),
        ({"type": "dance"}, "unknown_type"),
        ("x" * 5000, "too_large"),
        ({"type": "answer", "question": "nope", "value": "slow"}, "not_open"),
        ({"type": "answer", "question": "topics", "value": ["legal"]}, "not_open"),
        ({"type": "answer", "question": "pace", "value": "maybe"}, "invalid_answer"),
        ({"type": "answer", "question": "pace", "value": ["slow"]}, "invalid_answer"),
        ({"type": "answer", "question": "pace", "value": "slow", "rev": -4}, "invalid_answer"),
        ({"type": "answer", "question": "pace"}, "invalid_answer"),
        ({"type": "next"}, "unauthorized"),
        (
            {"type": "moderate", "question": "remarks", "answer": "x", "status": "approved"},
            "unauthorized",
        ),
        ({"type": "hello", "role": "participant", "code": info["code"]}, "invalid_transition"),
    ]
    for message, code in cases:
        await bad.send(message)
        error = await bad.expect("error")
        assert error["code"] == code, (message, error)
        assert error["message"]
    await good.answer("pace", "right")
    await bad.answer("pace", "slow")
    state = live_server.api("GET", f"/api/sessions/{info['id']}").json()
    assert (state["current"], state["state"]) == ("pace", "open")
    assert state["results"]["counts"] == {"slow": 1, "right": 1, "fast": 0}
    rows = csv_rows(live_server.api("GET", f"/api/sessions/{info['id']}/answers.csv"))
    assert len(rows) == 2
    for peer in (bad, good):
        await peer.close()


async def test_hello_is_required_and_checked(live_server: LiveServer) -> None:
    """Nothing is served before hello; wrong codes, tokens and screen keys are refused."""
    info = live_server.create_session("e2e")
    import websockets

    async with websockets.connect(live_server.ws_url) as raw:
        peer = Peer(raw)
        await peer.send({"type": "answer", "question": "pace", "value": "slow"})
        assert (await peer.expect("error"))["code"] == "hello_required"
        for hello, code in [
            ({"role": "participant", "code": "ZZZZZ"}, "not_found"),
            ({"role": "facilitator", "session": info["id"], "token": "wrong"}, "unauthorized"),
            ({"role": "screen", "session": info["id"], "key": "wrong"}, "unauthorized"),
            ({"role": "king"}, "bad_request"),
        ]:
            await peer.send({"type": "hello", **hello})
            assert (await peer.expect("error"))["code"] == code


async def test_only_the_facilitator_controls_a_session(live_server: LiveServer) -> None:
    """The screen and HTTP calls without the right token change nothing."""
    info = live_server.create_session("e2e")
    screen, welcome = await Peer.connect(
        live_server.ws_url, role="screen", session=info["id"], key=info["screen_key"]
    )
    assert "screen_key" not in welcome["session"]
    for action in ("next", "open", "end"):
        await screen.send({"type": action})
        assert (await screen.expect("error"))["code"] == "unauthorized"
    for token in (None, "wrong"):
        assert live_server.api("POST", f"/api/sessions/{info['id']}/next", {}, token=token).status_code == 401
        assert live_server.api("GET", "/api/sessions", token=token).status_code == 401
        assert (
            live_server.api("GET", f"/api/sessions/{info['id']}/answers.csv", token=token).status_code == 401
        )
        assert live_server.api("POST", "/api/sessions", {"bank": "e2e"}, token=token).status_code == 401
    state = live_server.api("GET", f"/api/sessions/{info['id']}").json()
    assert state["current"] is None and state["session"]["status"] == "waiting"
    assert len(live_server.api("GET", "/api/sessions").json()["sessions"]) == 1
    await screen.close()


async def test_text_answers_reach_the_screen_only_when_approved(live_server: LiveServer) -> None:
    """Open text waits for the facilitator: the screen sees approved answers only, never hidden ones."""
    info = live_server.create_session("e2e")
    live_server.command(info["id"], "show", question="remarks")
    live_server.command(info["id"], "open")
    screen, _ = await Peer.connect(
        live_server.ws_url, role="screen", session=info["id"], key=info["screen_key"]
    )
    phones = [(await participant(live_server.ws_url, info["code"]))[0] for _ in range(2)]
    await phones[0].answer("remarks", "<img src=x onerror=alert(1)> more cases please")
    await phones[1].answer("remarks", "rude words")
    state = live_server.api("GET", f"/api/sessions/{info['id']}").json()
    texts = {t["text"]: t for t in state["texts"]}
    assert {t["status"] for t in texts.values()} == {"pending"}
    keep = texts["<img src=x onerror=alert(1)> more cases please"]["id"]
    drop = texts["rude words"]["id"]
    assert live_server.api(
        "POST",
        f"/api/sessions/{info['id']}/moderate",
        {"question": "remarks", "answer": keep, "status": "approved"},
    ).json() == {"ok": True}
    live_server.api(
        "POST",
        f"/api/sessions/{info['id']}/moderate",
        {"question": "remarks", "answer": drop, "status": "hidden"},
    )
    approved = {
        "id": keep,
        "text": "<img src=x onerror=alert(1)> more cases please",
        "status": "approved",
    }
    shown: dict[str, dict[str, str]] = {}
    while shown.get(keep) != approved or drop in shown:
        for text in (await screen.expect("texts"))["texts"]:
            # Changes only: an answer that is not approved comes without its text, to be removed.
            shown.pop(text["id"], None)
            if "text" in text:
                shown[text["id"]] = text
    assert list(shown.values()) == [approved]
    assert all("rude" not in json.dumps(m) for m in screen.seen)
    for peer in [screen, *phones]:
        await peer.close()


async def test_hidden_results_stay_off_the_screen_until_revealed(live_server: LiveServer) -> None:
    """With hide_results the screen gets counts but no results until the facilitator reveals them."""
    info = await open_first_question(live_server, hide_results=True)
    screen, welcome = await Peer.connect(
        live_server.ws_url, role="screen", session=info["id"], key=info["screen_key"]
    )
    assert welcome["results"] is None
    phone, _ = await participant(live_server.ws_url, info["code"])
    await phone.answer("pace", "fast")
    tally = await screen.expect("tally", responses=1)
    assert tally["results"] is None
    live_server.command(info["id"], "close")
    state = await screen.expect("state", state="closed")
    assert state["results"] is None
    live_server.command(info["id"], "next")  # closed and hidden: next reveals
    state = await screen.expect("state", revealed=True)
    assert state["results"]["counts"]["fast"] == 1
    for peer in (screen, phone):
        await peer.close()


async def test_nothing_identifying_is_stored_or_logged(
    server_factory: Any, tmp_path: Any, database: Any, request: pytest.FixtureRequest
) -> None:
    """After a session, neither the database nor the server's log holds the phone's address or user agent."""
    server: LiveServer = server_factory()
    server.start()
    info = await open_first_question(server)
    # The phone connects from its own loopback address, distinct from the server's 127.0.0.1.
    phone_address = "127.0.0.23"
    agent = "Mozilla/5.0 (Linux; Android 9; UniqueTestPhone-7731)"
    transport = httpx.HTTPTransport(local_address=phone_address)
    with httpx.Client(transport=transport, headers={"User-Agent": agent}) as browser:
        assert browser.get(f"{server.url}/j/{info['code']}").status_code == 200
        assert browser.get(f"{server.url}/api/join/{info['code']}").status_code == 200
        assert browser.get(f"{server.url}/j/{info['code']}/nothing-here").status_code == 404
    import websockets

    async with websockets.connect(
        server.ws_url, user_agent_header=agent, local_addr=(phone_address, 0)
    ) as raw:
        peer = Peer(raw)
        await peer.send({"type": "hello", "role": "participant", "code": info["code"], "participant": None})
        await peer.expect("welcome")
        await peer.answer("pace", "right")
        await peer.send("{broken")
        await peer.expect("error")
    exports = b"".join(
        server.api("GET", f"/api/sessions/{info['id']}/{name}").content
        for name in ("answers.csv", "summary.csv", "export.json")
    )
    server.stop()
    stored = stored_bytes(database, tmp_path, request)
    log = server.log.read_bytes()
    for secret in (agent.encode(), b"UniqueTestPhone", phone_address.encode()):
        assert secret not in stored
        assert secret not in log
        assert secret not in exports
    assert b"right" in stored and b"About right" in exports  # the answer itself is there


async def test_the_token_is_never_logged(live_server: LiveServer) -> None:
    """The facilitator token appears once, in the start-up banner, and never again, even after use."""
    info = live_server.create_session("e2e")
    live_server.command(info["id"], "next")
    assert live_server.api("GET", "/api/sessions", token="wrong-" + live_server.token).status_code == 401
    boss, _ = await facilitator(live_server.ws_url, info["id"], live_server.token)
    await boss.send({"type": "next"})
    await boss.expect("state", state="open")
    await boss.close()
    live_server.stop()
    assert live_server.log.read_text().count(live_server.token) == 1


@pytest.mark.parametrize("path", ["/", "/j/", "/host", "/j/ABCDE", "/present/x", "/console/x", "/screen/x/y"])
async def test_pages_are_served_with_a_strict_policy(live_server: LiveServer, path: str) -> None:
    """Every page is served by the app itself, with a policy that forbids inline and outside scripts."""
    response = httpx.get(live_server.url + path)
    assert response.status_code == 200 and "<html" in response.text.lower()
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "http://" not in response.text and "https://" not in response.text


async def test_plotly_and_the_qr_code_come_from_the_server(live_server: LiveServer) -> None:
    """plotly.js is served from the installed package and the QR code encodes the join URL."""
    info = live_server.create_session("e2e")
    # Compressed on its first request, in a thread: seconds on a busy machine, not a failure.
    plotly = httpx.get(f"{live_server.url}/vendor/plotly.min.js", timeout=60)
    assert plotly.status_code == 200 and len(plotly.content) > 1_000_000
    qr = httpx.get(f"{live_server.url}/qr/{info['code']}.svg")
    assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg")
    assert info["join_url"] == f"{live_server.url}/j/{info['code']}"
    join = httpx.get(f"{live_server.url}/api/join/{info['code'].lower()}").json()
    assert join["session"] == info["id"] and join["languages"] == ["en", "ru"]
    assert httpx.get(f"{live_server.url}/qr/ZZZZZ.svg").status_code == 404


async def test_many_phones_answer_at_once(live_server: LiveServer) -> None:
    """Fifty phones answering in the same instant are all acknowledged and all counted."""
    info = await open_first_question(live_server)
    phones = [(await participant(live_server.ws_url, info["code"]))[0] for _ in range(50)]
    choices = ["slow", "right", "fast"]
    acks = await asyncio.gather(*(p.answer("pace", choices[i % 3]) for i, p in enumerate(phones)))
    assert len(acks) == 50
    state = live_server.api("GET", f"/api/sessions/{info['id']}").json()
    assert state["results"]["counts"] == {"slow": 17, "right": 17, "fast": 16}
    await asyncio.gather(*(p.close() for p in phones))


async def test_an_answer_is_recorded_in_the_language_its_question_was_shown_in(
    server_factory: Any, banks_dir: Any
) -> None:
    """Where the bank lacks a question's translation, the phone shows the default language, and the
    answer is exported in it, even if the phone claims the missing language."""
    (banks_dir / "partial.yaml").write_text(
        "title: {en: Partial, ru: Частично}\nlanguages: [en, ru]\nquestions:\n"
        "  - {id: q, type: single, prompt: {en: Which one},\n"
        "     options: [{id: a, label: A}, {id: b, label: B}]}\n",
        encoding="utf-8",
    )
    server: LiveServer = server_factory()
    server.start()
    info = server.create_session("partial")
    server.command(info["id"], "next")
    server.command(info["id"], "open")
    phone, welcome = await participant(server.ws_url, info["code"], lang="ru")
    assert welcome["question"]["missing"] == ["ru"]
    await phone.answer("q", "a", lang="ru")
    rows = csv_rows(server.api("GET", f"/api/sessions/{info['id']}/answers.csv"))
    assert [r["language"] for r in rows] == ["en"]


async def test_exports_are_served_under_one_name_and_hold_no_secret(live_server: LiveServer) -> None:
    """Each export's Content-Disposition follows BANK-DATE-CODE-NAME; export.json holds no key or token."""
    info = live_server.create_session("e2e")
    live_server.command(info["id"], "next")
    live_server.command(info["id"], "open")
    phone, _ = await participant(live_server.ws_url, info["code"])
    await phone.answer("pace", "right")
    await phone.close()
    for name in ("answers.csv", "summary.csv", "export.json"):
        response = live_server.api("GET", f"/api/sessions/{info['id']}/{name}")
        expected = f"e2e-{info['created'][:10]}-{info['code']}-{name}"
        assert response.headers["content-disposition"] == f'attachment; filename="{expected}"'
    body = live_server.api("GET", f"/api/sessions/{info['id']}/export.json").text
    assert info["screen_key"] not in body and live_server.token not in body
    document = json.loads(body)
    assert "screen_key" not in document["session"] and document["session"]["code"] == info["code"]


async def test_phones_that_answered_are_counted_after_they_leave_and_after_a_restart(
    server_factory: Any,
) -> None:
    """`answered` stays 2 once the phones have gone and the server restarted; `participants` drops to 0."""
    server: LiveServer = server_factory()
    server.start()
    info = server.create_session("e2e")
    boss, _ = await facilitator(server.ws_url, info["id"], server.token)
    server.command(info["id"], "next")
    server.command(info["id"], "open")
    phones = [(await participant(server.ws_url, info["code"]))[0] for _ in range(3)]
    await phones[0].answer("pace", "fast")
    await phones[0].answer("pace", "slow", rev=2)
    await phones[1].answer("pace", "right")
    await boss.expect("tally", answered=2, participants=3)  # the third phone only watched
    for peer in [boss, *phones]:
        await peer.close()
    server.command(info["id"], "end")
    server.stop()

    server.start()
    [listed] = server.api("GET", "/api/sessions").json()["sessions"]
    assert (listed["answered"], listed["participants"]) == (2, 0)
    whole = server.api("GET", f"/api/sessions/{info['id']}/export.json").json()
    assert whole["session"]["answered"] == 2
    summary = csv_rows(server.api("GET", f"/api/sessions/{info['id']}/summary.csv"))
    assert {r["answered"] for r in summary} == {"2"}
