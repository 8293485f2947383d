"""The benchmark and the crash test keep working: small runs that assert correctness, never time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import CHROMIUM, ROOT


def last_json_line(output: str) -> dict[str, object]:
    result: dict[str, object] = json.loads(output.strip().splitlines()[-1])
    return result


def test_a_small_benchmark_stores_and_counts_every_answer() -> None:
    """`polling bench` with forty participants: every answer stored, every change kept, all keys reported."""
    done = subprocess.run(
        [sys.executable, "-m", "polling", "bench", "--participants", "40", "--changes", "3"],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    summary = last_json_line(done.stdout)
    required = {
        "participants", "join_s", "push_p50_ms", "push_p99_ms", "ack_p50_ms", "ack_p99_ms", "round_s",
        "raw_round_s", "round_ratio", "raw_ack_p99_ms", "presenter_lag_p99_ms", "ingest_per_s",
        "rss_per_participant_kb", "answers_sent", "answers_stored",
    }  # fmt: skip
    assert required <= summary.keys()
    assert summary["participants"] == 40
    assert summary["answers_sent"] == summary["answers_stored"] == 40
    assert summary["changes_consistent"] is True
    assert "round, project / raw" in done.stdout


def test_a_killed_server_loses_no_acknowledged_answer_and_counts_none_twice() -> None:
    """SIGKILL during a burst of 1,000 answers: after a restart every answer is stored exactly once."""
    done = subprocess.run(
        [sys.executable, "-m", "polling", "bench", "--crash", "--participants", "1000"],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    result = last_json_line(done.stdout)
    assert result["participants"] == result["acked"] == result["stored"] == result["counted"] == 1000
    assert result["lost"] == 0 and result["duplicates"] == 0
    assert result["resumed"] is True
    assert 0 < result["acked_before_crash"] < 1000  # the kill landed in the middle of the burst
    assert result["reconnects"] > 0  # phones came back by themselves


def test_repeated_runs_print_each_and_end_with_the_medians() -> None:
    """`polling bench --repeat 2`: both runs printed, then one JSON line of medians under the same keys."""
    done = subprocess.run(
        [sys.executable, "-m", "polling", "bench", "--participants", "20", "--changes", "1", "--repeat", "2"],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "run 1 of 2" in done.stdout and "run 2 of 2" in done.stdout
    runs = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")][:-1]
    summary = last_json_line(done.stdout)
    assert len(runs) == 2 and summary["runs"] == 2
    assert summary["answers_sent"] == summary["answers_stored"] == 20
    assert summary["changes_consistent"] is True
    figures = sorted(run["ack_p99_ms"] for run in runs)
    assert summary["ack_p99_ms"] == sum(figures) / 2  # the median of two runs
    assert summary["spread"]["ack_p99_ms"] == figures  # type: ignore[index]


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"), reason="needs Chromium")
def test_the_page_benchmark_reports_bytes_and_first_tap_per_language() -> None:
    """`polling bench --page`: the join page in English, Russian and Arabic, its bytes and first tap."""
    done = subprocess.run(
        [sys.executable, "-m", "polling", "bench", "--page"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    page = last_json_line(done.stdout)["page"]
    assert set(page) == {"en", "ru", "ar"}  # type: ignore[arg-type]
    for lang, figures in page.items():  # type: ignore[attr-defined]
        assert figures["bytes"] > 0 and figures["first_tap_ms"] > 0
        # One interface catalogue per phone, its own.
        assert f"static/i18n/{lang}.json" in done.stdout
    assert "static/i18n/en.json" not in done.stdout.split("\nru: ")[1].split("\n")[0]
    assert "static/i18n/en.json" not in done.stdout.split("\nar: ")[1].split("\n")[0]


def test_the_pictures_benchmark_gives_every_phone_the_whole_picture() -> None:
    """`polling bench --pictures 20`: twenty phones at once each get the same copy, with its figures."""
    done = subprocess.run(
        [sys.executable, "-m", "polling", "bench", "--pictures", "20"],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    pictures = last_json_line(done.stdout)["pictures"]
    assert pictures["phones"] == 20 and pictures["all_received"] is True  # type: ignore[index]
    assert pictures["bytes"] > 0 and pictures["last_phone_ms"] >= pictures["median_ms"] > 0  # type: ignore[index,operator]


def test_the_qna_benchmark_stores_every_acknowledged_vote() -> None:
    """`polling bench --qna -n 30`: three questions, ninety votes, each acknowledged and stored."""
    done = subprocess.run(
        [sys.executable, "-m", "polling", "bench", "--qna", "--participants", "30"],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    result = last_json_line(done.stdout)
    assert (result["participants"], result["questions"], result["votes_sent"]) == (30, 3, 90)
    assert result["votes_stored"] == result["votes_acked"] == 90
    assert result["presenter_lag_p99_ms"] is not None and result["cpu_us_per_vote"] > 0  # type: ignore[operator]


def test_a_small_quiz_benchmark_counts_every_acknowledged_answer_and_refuses_the_late() -> None:
    """`polling bench --quiz` with forty phones: every acknowledged answer counted and stored, every
    answer sent after the server closed the question refused, every phone told its feedback."""
    done = subprocess.run(
        [sys.executable, "-m", "polling", "bench", "--quiz", "--participants", "40"],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    summary = last_json_line(done.stdout)
    required = {
        "participants", "answers_acked", "answers_counted", "late_refused", "reveal_p99_ms",
        "leaderboard_ms", "raw_push_p99_ms",
    }  # fmt: skip
    assert required <= summary.keys()
    assert summary["participants"] == 40
    assert summary["answers_acked"] == summary["answers_counted"] == summary["answers_stored"] == 38
    assert summary["late_refused"] == summary["late_sent"] == 2
    assert summary["top_shown"] == 10


async def test_a_round_that_stalls_is_reported_with_where_the_phones_stand(
    server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The benchmark's phones never wait for ever: when no acknowledgement comes (here the
    question is shown but never opened), the round fails and says what the phones saw."""
    from polling.bench import loadgen

    monkeypatch.setattr(loadgen, "STALL_S", 1.0)
    info = server.create_session("browser")
    server.command(info["id"], "show", question=first_question(server, info["id"]))
    worker = loadgen.Worker(None, server.ws_url, [info["code"]], 3, 0, 0.0)  # type: ignore[arg-type]
    try:
        await worker.join()
        stalled = r"3 phones had no acknowledgement .*never saw the question open"
        with pytest.raises(RuntimeError, match=stalled):
            await worker.answers()
    finally:
        await worker.close()


def first_question(server: Any, session_id: str) -> str:
    """The id of the session's first question."""
    questions: list[dict[str, Any]] = server.api("GET", f"/api/sessions/{session_id}").json()["questions"]
    return str(questions[0]["id"])
