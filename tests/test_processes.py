"""Several server processes over one PostgreSQL database and one Redis: any process serves anyone."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import ROOT, LiveServer, wait_until
from tests.wsclient import facilitator, participant

pytestmark = pytest.mark.usefixtures("close_connections")


def pair(server_factory: Any, postgres_url: str, redis_url: str) -> tuple[LiveServer, LiveServer]:
    """Two processes on one database and one Redis, with the same facilitator token."""
    first: LiveServer = server_factory(db=postgres_url, extra_args=["--redis", redis_url])
    second: LiveServer = server_factory(
        db=postgres_url,
        token=first.token,
        extra_args=["--redis", redis_url],
        log=first.log.with_name("b.log"),
    )
    first.start()
    second.start()
    return first, second


def state(server: LiveServer, session: str) -> dict[str, Any]:
    response = server.api("GET", f"/api/sessions/{session}")
    return response.json() if response.status_code == 200 else {}


async def test_two_processes_serve_one_session_with_exact_counts(
    server_factory: Any, postgres_url: str, redis_url: str
) -> None:
    """A session made on one process is joined on the other; commands reach every phone on both,
    answers given on either are counted once on every presenter, and so are the phones connected."""
    a, b = pair(server_factory, postgres_url, redis_url)
    info = a.create_session("e2e")
    wait_until(lambda: state(b, info["id"]))
    host_a, _ = await facilitator(a.ws_url, info["id"], a.token)
    host_b, _ = await facilitator(b.ws_url, info["id"], b.token)
    phone_a, _ = await participant(a.ws_url, info["code"])
    phone_b, _ = await participant(b.ws_url, info["code"])

    a.command(info["id"], "next")
    b.command(info["id"], "open")  # the second command, from the other process, on the state after the first
    for phone in (phone_a, phone_b):
        question = await phone.expect("question", state="open")
        assert question["question"]["id"] == "pace"

    await phone_b.answer("pace", "fast")
    await phone_a.answer("pace", "right")
    for host in (host_a, host_b):
        await host.expect("tally", responses=2, participants=2)
    for server in (a, b):
        counts = state(server, info["id"])["results"]["counts"]
        assert counts == {"slow": 0, "right": 1, "fast": 1}

    # A phone that changes its answer on the other process is still one response.
    await phone_b.close()
    phone_b, welcome = await participant(a.ws_url, info["code"], token=(phone_b.seen[0]["participant"]))
    assert (welcome["answer"], welcome["rev"]) == ("fast", 1)
    await phone_b.answer("pace", "slow", rev=2)
    await host_b.expect("tally", responses=2)
    wait_until(lambda: state(b, info["id"])["results"]["counts"] == {"slow": 1, "right": 1, "fast": 0})

    b.command(info["id"], "close")
    await phone_a.expect("question", state="closed")


async def test_commands_sent_at_once_to_two_processes_each_take_effect_once(
    server_factory: Any, postgres_url: str, redis_url: str
) -> None:
    """Four "next" presses at the same moment, two on each process, walk the session four steps:
    show, open, close, then the next question, the same on both processes."""
    a, b = pair(server_factory, postgres_url, redis_url)
    info = a.create_session("e2e")
    wait_until(lambda: state(b, info["id"]))

    def press(server: LiveServer) -> int:
        headers = {"Authorization": f"Bearer {server.token}"}
        url = f"{server.url}/api/sessions/{info['id']}/next"
        return httpx.post(url, json={}, headers=headers, timeout=30).status_code

    codes = await asyncio.gather(*(asyncio.to_thread(press, server) for server in (a, b, a, b)))
    assert codes == [200, 200, 200, 200]
    for server in (a, b):
        wait_until(
            lambda s=server: (
                (state(s, info["id"])["current"], state(s, info["id"])["state"]) == ("topics", "shown")
            )
        )
        assert state(server, info["id"])["states"]["pace"] == "closed"


async def test_a_process_that_dies_leaves_the_count_of_its_phones(
    server_factory: Any, postgres_url: str, redis_url: str
) -> None:
    """When a process is killed, the other's presenter stops counting the phones it held, and a
    restarted process rebuilds the session and its answers from the database."""
    a, b = pair(server_factory, postgres_url, redis_url)
    info = a.create_session("e2e")
    a.command(info["id"], "next")
    a.command(info["id"], "open")
    wait_until(lambda: state(b, info["id"]).get("state") == "open")
    phone, _ = await participant(b.ws_url, info["code"])
    await phone.answer("pace", "slow")
    wait_until(lambda: state(a, info["id"]).get("session", {}).get("participants") == 1)
    b.stop(kill=True)
    wait_until(lambda: state(a, info["id"])["session"]["participants"] == 0)
    b.start()
    assert state(b, info["id"])["results"]["counts"]["slow"] == 1


def test_several_workers_need_postgres_and_redis(tmp_path: Path) -> None:
    """`serve --workers 2` on a SQLite file refuses at once, saying what it needs."""
    done = subprocess.run(
        [sys.executable, "-m", "polling", "serve", "--workers", "2", "--db", str(tmp_path / "db.sqlite3")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode != 0
    assert "--workers above 1 needs --db postgresql://" in done.stderr


async def test_workers_share_one_port(server_factory: Any, postgres_url: str, redis_url: str) -> None:
    """`serve --workers 2` answers on one port; phones spread over the workers are all counted once."""
    server: LiveServer = server_factory(db=postgres_url, extra_args=["--workers", "2", "--redis", redis_url])
    server.start()
    info = server.create_session("e2e")
    server.command(info["id"], "next")
    server.command(info["id"], "open")
    phones = []
    for index in range(12):
        phone, welcome = await participant(server.ws_url, info["code"])
        if welcome["state"] != "open":
            await phone.expect("question", state="open")
        phones.append(phone)
        await phone.answer("pace", ("slow", "right", "fast")[index % 3])
    # Every worker's API agrees: ask often enough that both workers answer.
    for _ in range(6):
        wait_until(lambda: state(server, info["id"]).get("responses") == 12)
        if server.http is not None:  # a new connection may land on the other worker
            server.http.close()
            server.http = None
    assert state(server, info["id"])["results"]["counts"] == {"slow": 4, "right": 4, "fast": 4}
    await asyncio.gather(*(phone.close() for phone in phones))
    assert httpx.get(f"{server.url}/healthz", timeout=5).status_code == 200


async def test_answers_are_refused_while_redis_is_down_and_shared_once_it_is_back(
    server_factory: Any, postgres_url: str
) -> None:
    """With Redis gone, an answer is not acknowledged (`unavailable`), the facilitator gets a `health`
    message and /healthz 503; once Redis is back, both processes count the resent answer once."""
    from tests.conftest import free_port
    from tests.redisserver import RedisServer

    redis = RedisServer(free_port())
    redis.start()
    try:
        a, b = pair(server_factory, postgres_url, redis.url)
        info = a.create_session("e2e")
        a.command(info["id"], "next")
        a.command(info["id"], "open")
        wait_until(lambda: state(b, info["id"]).get("state") == "open")
        host, _ = await facilitator(a.ws_url, info["id"], a.token)
        phone, _ = await participant(a.ws_url, info["code"])

        redis.stop()
        assert (await host.expect("health"))["storage"]
        await phone.send({"type": "answer", "question": "pace", "value": "fast", "rev": 1, "lang": "en"})
        assert (await phone.expect("error"))["code"] == "unavailable"
        assert httpx.get(f"{a.url}/healthz", timeout=5).status_code == 503

        redis = RedisServer(redis.port)
        redis.start()
        wait_until(lambda: httpx.get(f"{a.url}/healthz", timeout=5).status_code == 200, timeout=30)
        ack = await phone.answer("pace", "fast", rev=1)
        assert ack["rev"] == 1
        for server in (a, b):
            wait_until(lambda s=server: state(s, info["id"])["responses"] == 1, timeout=30)
            assert state(server, info["id"])["results"]["counts"]["fast"] == 1
    finally:
        redis.stop()


def test_workers_stop_when_their_supervisor_is_killed(
    server_factory: Any, postgres_url: str, redis_url: str
) -> None:
    """A `serve --workers 2` supervisor killed with SIGKILL takes its workers with it: none is
    left serving on the port."""
    server: LiveServer = server_factory(db=postgres_url, extra_args=["--workers", "2", "--redis", redis_url])
    server.start()
    workers = wait_until(lambda: re.findall(r"^Workers: ([\d, ]+)$", server.log.read_text(), re.M))
    pids = [int(pid) for pid in workers[-1].split(", ")]
    assert len(pids) == 2 and all(Path(f"/proc/{pid}").exists() for pid in pids)
    server.stop(kill=True)

    def gone(pid: int) -> bool:
        try:
            return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] == "Z"
        except OSError:
            return True

    wait_until(lambda: all(gone(pid) for pid in pids), timeout=30)
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{server.url}/healthz", timeout=2)


def test_killing_a_worker_mid_burst_loses_and_doubles_nothing(postgres_url: str, redis_url: str) -> None:
    """`polling bench --crash --workers 2` at a small size: one worker killed with SIGKILL during
    the answer burst; every acknowledged answer is stored once and every worker shows the stored count."""
    done = subprocess.run(
        [sys.executable, "-m", "polling", "bench", "--crash", "--workers", "2", "--participants", "300",
         "--db", postgres_url, "--redis", redis_url],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["acked"] == result["stored"] == 300
    assert (result["lost"], result["duplicates"]) == (0, 0)
    assert result["reconnects"] > 0  # the killed worker's phones did come back
    assert result["presenter_counts"] == [300]


def test_many_rooms_at_once_are_all_counted(tmp_path: Path) -> None:
    """`polling bench --rooms` at a small size on one process: every answer of every room is
    counted, and the report says so."""
    done = subprocess.run(
        [sys.executable, "-m", "polling", "bench", "--rooms", "6", "--per-room", "5"],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["answers_counted"] == result["answers_sent"] == 30
    assert result["workers"] == 1
    assert result["room_round_p99_s"] >= result["room_round_p50_s"] > 0


def test_the_benchmark_measures_two_workers_beside_one_process(postgres_url: str, redis_url: str) -> None:
    """`polling bench --workers 2` at a small size: the same round runs on two workers over
    PostgreSQL and Redis beside the single SQLite process, and every answer of each is stored."""
    done = subprocess.run(
        [sys.executable, "-m", "polling", "bench", "--workers", "2", "--participants", "40", "--changes", "2",
         "--db", postgres_url, "--redis", redis_url],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["answers_stored"] == result["workers_answers_stored"] == 40
    assert result["changes_consistent"] and result["workers_changes_consistent"]
    assert result["workers_commits_per_s"] > 0  # the group commit's transactions were counted
    assert result["workers_round_ratio"] == result["workers_round_s"] / result["round_s"]
    assert "workers" in done.stdout.splitlines()[0]  # the table has a column for them


def test_many_rooms_on_two_workers_are_all_counted(postgres_url: str, redis_url: str) -> None:
    """`polling bench --rooms` at a small size on two workers over PostgreSQL and Redis: every
    answer of every room is counted, whichever worker each phone and command reached."""
    done = subprocess.run(
        [sys.executable, "-m", "polling", "bench", "--rooms", "6", "--per-room", "5", "--workers", "2",
         "--db", postgres_url, "--redis", redis_url],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["answers_counted"] == result["answers_sent"] == 30
    assert (result["workers"], result["engine"]) == (2, "postgresql")
    assert result["commits_per_s"] > 0


async def test_questions_and_votes_taken_on_one_process_reach_presenters_on_the_other(
    server_factory: Any, postgres_url: str, redis_url: str
) -> None:
    """With two processes over PostgreSQL and Redis, a question asked and a vote cast on one reach
    the facilitator on the other, and one phone's vote on both processes counts once."""
    first, second = pair(server_factory, postgres_url, redis_url)
    info = first.create_session("e2e", qna=True)
    wait_until(lambda: second.api("GET", f"/api/sessions/{info['id']}/qna").status_code == 200)
    boss, _ = await facilitator(second.ws_url, info["id"], second.token)
    phone, _ = await participant(first.ws_url, info["code"], token="phone-token-on-first-1")
    question = await asked(phone, "Is the manual available in Russian?")
    seen = await boss.expect("qna")
    while not seen["questions"]:
        seen = await boss.expect("qna")
    assert seen["questions"][0]["text"] == "Is the manual available in Russian?"
    await phone.send({"type": "vote", "id": question["id"]})
    await phone.expect("voted", up=True)
    again, _ = await participant(second.ws_url, info["code"], token="phone-token-on-first-1")
    await again.send(
        {"type": "vote", "id": question["id"], "up": True}
    )  # the same phone, on the other process
    assert (await again.expect("voted"))["votes"] == 1
    while seen["questions"][0]["votes"] != 1:
        seen = await boss.expect("qna")
    wait_until(
        lambda: first.api("GET", f"/api/sessions/{info['id']}/qna").json()["questions"][0]["votes"] == 1
    )


async def asked(phone: Any, text: str) -> dict[str, Any]:
    """Ask a question of the room and return it as acknowledged."""
    await phone.send({"type": "ask", "text": text})
    question: dict[str, Any] = (await phone.expect("asked"))["question"]
    return question


async def test_the_timer_of_two_processes_closes_a_question_once(
    server_factory: Any, postgres_url: str, redis_url: str
) -> None:
    """Both processes arm the timer of a question opened on one of them; at the deadline exactly one
    close takes effect (each facilitator is told once), an answer acknowledged before it counts on
    both, and a late one is refused with time_up on either."""
    a, b = pair(server_factory, postgres_url, redis_url)
    info = a.create_session("e2e")
    wait_until(lambda: state(b, info["id"]))
    host_a, _ = await facilitator(a.ws_url, info["id"], a.token)
    host_b, _ = await facilitator(b.ws_url, info["id"], b.token)
    phone, _ = await participant(b.ws_url, info["code"])
    a.command(info["id"], "show", question="pace")
    a.command(info["id"], "open", time_limit=2)
    await phone.expect("question", state="open")
    await phone.answer("pace", "fast")

    for host in (host_a, host_b):
        await host.expect("state", state="closed", timeout=20)
    a.command(info["id"], "reveal")
    for host in (host_a, host_b):
        await host.expect("state", revealed=True)
        closes = [
            m for m in host.seen if m["type"] == "state" and m["state"] == "closed" and not m["revealed"]
        ]
        assert len(closes) == 1, f"the close took effect {len(closes)} times"
    for server in (a, b):
        assert state(server, info["id"])["results"]["counts"] == {"slow": 0, "right": 0, "fast": 1}
    late, _ = await participant(a.ws_url, info["code"])
    await late.send({"type": "answer", "question": "pace", "value": "slow", "rev": 1})
    assert (await late.expect("error"))["code"] == "time_up"
