"""The `polling` command line: check, sessions, export and help, run as a user runs them."""

from __future__ import annotations

import csv
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from polling.live.joining import lan_address, qr_svg
from tests.conftest import ROOT, LiveServer, free_port, wait_until
from tests.wsclient import participant


def polling(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "polling", *args], capture_output=True, text=True, cwd=ROOT)


def test_check_names_file_line_and_problem_and_fails(tmp_path: Path) -> None:
    """`polling check` prints FILE:LINE: problem for a broken bank and exits 1; a good one passes."""
    broken = tmp_path / "broken.yaml"
    broken.write_text("title: Broken\nquestions:\n  - id: q\n    type: poll\n    prompt: Hi\n")
    done = polling("check", str(broken))
    assert done.returncode == 1
    assert f"{broken}:4: error:" in done.stdout and "poll" in done.stdout
    good = polling("check", str(ROOT / "tests" / "banks"))
    assert good.returncode == 0 and good.stdout == ""


def test_check_strict_fails_on_a_missing_translation(tmp_path: Path) -> None:
    """A missing translation is a warning, and an error under --strict."""
    bank = tmp_path / "partial.yaml"
    bank.write_text(
        "title: {en: T, ru: Т}\nlanguages: [en, ru]\nquestions:\n  - {id: q, type: text, prompt: {en: Hi}}\n"
    )
    assert polling("check", str(bank)).returncode == 0
    strict = polling("check", "--strict", str(bank))
    assert strict.returncode == 1 and "missing translation 'ru'" in strict.stdout


async def test_sessions_and_export_read_the_database(server_factory: Any, tmp_path: Path) -> None:
    """After a session, `polling sessions` lists it and `polling export` writes its CSV and JSON."""
    server: LiveServer = server_factory()
    server.start()
    info = server.create_session("e2e")
    server.command(info["id"], "next")
    server.command(info["id"], "open")
    phone, _ = await participant(server.ws_url, info["code"], lang="ru")
    await phone.answer("pace", "fast", lang="ru")
    await phone.close()
    server.stop()

    listing = polling("sessions", "--db", str(server.db))
    assert listing.returncode == 0
    assert info["id"] in listing.stdout and info["code"] in listing.stdout and "e2e" in listing.stdout

    out = tmp_path / "out"
    done = polling("export", info["code"], "--format", "csv", "--out", str(out), "--db", str(server.db))
    assert done.returncode == 0, done.stderr
    stem = f"e2e-{info['created'][:10]}-{info['code']}"  # the one naming scheme, as on the console
    answers = out / f"{stem}-answers.csv"
    assert answers.read_bytes().startswith(b"\xef\xbb\xbf")  # the UTF-8 BOM that Excel needs
    with answers.open(encoding="utf-8-sig", newline="") as table:
        rows = list(csv.DictReader(table))
    assert list(rows[0])[0] == "session"
    assert [(r["question_id"], r["answer"], r["answer_ru"], r["language"]) for r in rows] == [
        ("pace", "Too fast", "Слишком быстро", "ru")
    ]
    assert (out / f"{stem}-summary.csv").exists()

    done = polling("export", info["id"], "--format", "json", "--out", str(out), "--db", str(server.db))
    assert done.returncode == 0, done.stderr
    text = (out / f"{stem}-export.json").read_text(encoding="utf-8")
    assert info["screen_key"] not in text and server.token not in text
    document = json.loads(text)
    assert "screen_key" not in document["session"]
    assert document["results"]["pace"]["counts"]["fast"] == 1
    assert document["bank"]["questions"][0]["prompt"]["ru"] == "Как вам темп?"

    missing = polling("export", "NOPE", "--db", str(server.db))
    assert missing.returncode == 1 and "no session" in missing.stderr


async def test_sessions_lists_how_many_phones_answered(server_factory: Any) -> None:
    """`polling sessions` shows the phones that answered (2) beside the answers stored (3)."""
    server: LiveServer = server_factory()
    server.start()
    info = server.create_session("e2e")
    server.command(info["id"], "next")
    server.command(info["id"], "open")
    first, _ = await participant(server.ws_url, info["code"])
    second, _ = await participant(server.ws_url, info["code"])
    await first.answer("pace", "fast")
    await second.answer("pace", "slow")
    server.command(info["id"], "show", question="useful")
    server.command(info["id"], "open")
    await first.answer("useful", 4)
    await first.close()
    await second.close()
    server.stop()

    listing = polling("sessions", "--db", str(server.db)).stdout.splitlines()
    assert listing[0].split() == ["SESSION", "CODE", "STATUS", "CREATED", "ANSWERED", "ANSWERS", "BANK"]
    assert listing[1].split() == [info["id"], info["code"], "running", info["created"], "2", "3", "e2e"]


def serve_without_public_url(tmp_path: Path, host: str) -> tuple[subprocess.Popen[bytes], str, Path]:
    """`polling serve --host HOST` with no --public-url, as a facilitator starts it; its banner file."""
    port, token, banner = free_port(), secrets.token_urlsafe(12), tmp_path / "banner.txt"
    command = [
        sys.executable, "-m", "polling", "serve", "--host", host, "--port", str(port),
        "--db", str(tmp_path / "db.sqlite3"), "--banks", str(ROOT / "tests" / "banks"), f"--token={token}",
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k != "POLLING_PUBLIC_URL"} | {"PYTHONUNBUFFERED": "1"}
    with banner.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        assert process.poll() is None, banner.read_text()
        try:
            return httpx.get(f"{url}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    wait_until(ready, timeout=30)
    return process, token, banner


def test_a_loopback_server_links_to_its_loopback_address_and_warns(tmp_path: Path) -> None:
    """With --host 127.0.0.1 the banner, the join link and the QR code use 127.0.0.1, never a LAN
    address, and the banner warns that phones cannot reach it."""
    process, token, banner = serve_without_public_url(tmp_path, "127.0.0.1")
    try:
        port = process.args[process.args.index("--port") + 1]  # type: ignore[union-attr]
        base = f"http://127.0.0.1:{port}"
        headers = {"Authorization": f"Bearer {token}"}
        created = httpx.post(f"{base}/api/sessions", json={"bank": "e2e"}, headers=headers).json()
        assert created["join_url"] == f"{base}/j/{created['code']}"
        assert created["screen_url"].startswith(f"{base}/screen/")
        assert httpx.get(f"{base}/qr/{created['code']}.svg").content == qr_svg(created["join_url"])
        text = banner.read_text()
        assert f"Serving workshops at {base}" in text and f"{base}/host#token=" in text
        assert "phones cannot reach this" in text
        assert lan_address() == "127.0.0.1" or lan_address() not in text
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_a_server_on_every_interface_links_to_the_lan_address_without_a_warning(tmp_path: Path) -> None:
    """With --host 0.0.0.0 the join link uses this machine's LAN address, and nothing is warned."""
    process, token, banner = serve_without_public_url(tmp_path, "0.0.0.0")
    try:
        port = process.args[process.args.index("--port") + 1]  # type: ignore[union-attr]
        headers = {"Authorization": f"Bearer {token}"}
        created = httpx.post(
            f"http://127.0.0.1:{port}/api/sessions", json={"bank": "e2e"}, headers=headers
        ).json()
        assert created["join_url"] == f"http://{lan_address()}:{port}/j/{created['code']}"
        assert "cannot reach" not in banner.read_text()
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_help_names_every_command_and_its_environment_variables() -> None:
    """`polling --help` lists the commands, and `serve --help` each option with its variable."""
    top = polling("--help").stdout
    for command in ("serve", "check", "sessions", "export", "purge", "bench"):
        assert command in top
    serve = polling("serve", "--help").stdout
    for variable in ("POLLING_HOST", "POLLING_PORT", "POLLING_DB", "POLLING_BANKS", "POLLING_TOKEN"):
        assert variable in serve


def test_the_printed_facilitator_link_opens_the_facilitator_page(live_server: LiveServer) -> None:
    """`polling serve` prints a link to /host with the token, and that path serves the facilitator's page."""
    match = re.search(r"^\s+(http\S+#token=\S+)$", live_server.log.read_text(), re.M)
    assert match, live_server.log.read_text()
    assert match.group(1) == f"{live_server.url}/host#token={live_server.token}"
    page = httpx.get(match.group(1).partition("#")[0])
    assert page.status_code == 200 and "/static/js/home.js" in page.text
    entrance = httpx.get(live_server.url + "/")
    assert "/static/js/join.js" in entrance.text and "home.js" not in entrance.text


async def test_export_writes_the_qna_with_votes_and_status(server_factory: Any, tmp_path: Path) -> None:
    """`polling export --qna` writes each question of the room with its votes and status, as CSV
    and with --format json as JSON, under the one naming scheme."""
    server: LiveServer = server_factory()
    server.start()
    info = server.create_session("e2e", qna=True)
    phone, _ = await participant(server.ws_url, info["code"])
    await phone.send({"type": "ask", "text": "=1+1 is not a formula here"})
    question = (await phone.expect("asked"))["question"]
    await phone.send({"type": "vote", "id": question["id"]})
    await phone.expect("voted")
    await phone.close()
    server.stop()

    out = tmp_path / "out"
    stem = f"e2e-{info['created'][:10]}-{info['code']}"
    done = polling("export", info["code"], "--qna", "--out", str(out), "--db", str(server.db))
    assert done.returncode == 0, done.stderr
    with (out / f"{stem}-qna.csv").open(encoding="utf-8-sig", newline="") as table:
        rows = list(csv.DictReader(table))
    assert [(r["question"], r["votes"], r["status"], r["pinned"]) for r in rows] == [
        ("'=1+1 is not a formula here", "1", "approved", "0")
    ]
    done = polling(
        "export", info["code"], "--qna", "--format", "json", "--out", str(out), "--db", str(server.db)
    )
    assert done.returncode == 0, done.stderr
    whole = json.loads((out / f"{stem}-qna.json").read_text(encoding="utf-8"))
    assert [(q["text"], q["votes"], q["status"]) for q in whole["questions"]] == [
        ("=1+1 is not a formula here", 1, "approved")
    ]
