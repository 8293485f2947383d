"""The benchmark and the crash test keep working: small runs that assert correctness, never time."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT


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
