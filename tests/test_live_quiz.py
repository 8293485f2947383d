"""End to end, on each engine: quiz questions keep their answer from phones, rankings are counted."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TEST_BANKS, LiveServer
from tests.wsclient import Peer, facilitator, participant

pytestmark = pytest.mark.usefixtures("close_connections")


@pytest.fixture
def database(both_engines: str | Path) -> str | Path:
    """Every test here runs once on a SQLite file and once on a PostgreSQL database."""
    return both_engines


@pytest.fixture
def banks_dir(banks_dir: Path) -> Path:
    """The bundled banks plus tests/banks/quiz.yaml."""
    shutil.copy(TEST_BANKS / "quiz.yaml", banks_dir / "quiz.yaml")
    return banks_dir


def assert_no_answer_in(question: dict[str, Any]) -> None:
    for secret in ("correct", "tolerance", "explanation"):
        assert secret not in question, f"{secret} sent before the reveal: {question}"


async def test_phones_and_screen_never_get_the_correct_answer_before_the_reveal(
    live_server: LiveServer,
) -> None:
    """The question a phone (welcome and question messages) and the screen receive has no correct answer."""
    info = live_server.create_session("quiz")
    boss, welcome = await facilitator(live_server.ws_url, info["id"], live_server.token)
    treaty = next(q for q in welcome["questions"] if q["id"] == "treaty")
    assert treaty["correct"] == "uncac"  # the facilitator's console knows it
    screen, shown = await Peer.connect(
        live_server.ws_url, role="screen", session=info["id"], key=info["screen_key"]
    )
    for question in shown["questions"]:
        assert_no_answer_in(question)
    phone, hello = await participant(live_server.ws_url, info["code"], lang="ar")
    await boss.send({"type": "next"})
    message = await phone.expect("question", state="shown")
    assert message["question"]["id"] == "treaty" and message["question"]["points"] == 1
    assert_no_answer_in(message["question"])
    await boss.send({"type": "next"})
    opened = await phone.expect("question", state="open")
    assert_no_answer_in(opened["question"])
    late, welcome_late = await participant(live_server.ws_url, info["code"])
    assert welcome_late["question"]["id"] == "treaty"
    assert_no_answer_in(welcome_late["question"])
    state = await screen.expect("state", state="open")
    assert all("correct" not in q for q in state["questions"])
    for peer in (boss, screen, phone, late):
        await peer.close()


async def test_a_self_paced_phone_never_gets_the_correct_answers(live_server: LiveServer) -> None:
    """A self-paced phone receives every question at once, none with its correct answer or explanation."""
    info = live_server.create_session("quiz", self_paced=True)
    phone, welcome = await participant(live_server.ws_url, info["code"])
    assert [q["id"] for q in welcome["questions"]] == ["treaty", "order"]
    for question in welcome["questions"]:
        assert_no_answer_in(question)
    await phone.close()


async def test_a_ranking_answer_is_counted_in_the_results(live_server: LiveServer) -> None:
    """Phones' orders reach the facilitator's results as mean ranks and Borda scores, best first."""
    info = live_server.create_session("quiz")
    boss, _ = await facilitator(live_server.ws_url, info["id"], live_server.token)
    phones = [(await participant(live_server.ws_url, info["code"]))[0] for _ in range(2)]
    await boss.send({"type": "show", "question": "order"})
    await boss.send({"type": "open"})
    for phone in phones:
        opened = (await phone.expect("question", state="open"))["question"]
        assert opened["id"] == "order" and "correct" not in opened
        assert [o["id"] for o in opened["options"]] == ["report", "refuse", "record"]
    ack = await phones[0].answer("order", ["refuse", "record", "report"])
    assert ack["value"] == ["refuse", "record", "report"]
    await phones[1].answer("order", ["refuse", "report", "record"])
    tally = await boss.expect("tally", question="order", responses=2)
    assert tally["results"] == {
        "ranking": [
            {"id": "refuse", "mean_rank": 1.0, "borda": 4, "places": [2, 0, 0]},
            # a tie keeps bank order
            {"id": "report", "mean_rank": 2.5, "borda": 1, "places": [0, 1, 1]},
            {"id": "record", "mean_rank": 2.5, "borda": 1, "places": [0, 1, 1]},
        ]
    }
    await phones[1].send({"type": "answer", "question": "order", "value": ["refuse", "report"], "rev": 2})
    refused = await phones[1].expect("error")
    assert refused["code"] == "invalid_answer" and "Put all the options in order" in refused["message"]
    for peer in (boss, *phones):
        await peer.close()
