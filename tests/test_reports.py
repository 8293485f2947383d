"""The reports from a real server and from the command line: the workbook (and the HTML report)
of a session that phones answered, for the roles that may see it and no one else."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from tests.conftest import ROOT, LiveServer
from tests.wsclient import participant


def polling(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "polling", *args], capture_output=True, text=True, cwd=ROOT, timeout=60
    )


async def answered_session(server: LiveServer, answers: list[tuple[str, Any]]) -> dict[str, Any]:
    """A session of the e2e bank in which one phone per answer chose it for the first question."""
    info = server.create_session("e2e")
    server.command(info["id"], "next")
    server.command(info["id"], "open")
    for value, lang in answers:
        phone, _ = await participant(server.ws_url, info["code"], lang=lang)
        await phone.answer("pace", value, lang=lang)
        await phone.close()
    return info


def organiser(server: LiveServer) -> str:
    done = polling("organiser", "add", "olga", "--db", str(server.db))
    assert done.returncode == 0, done.stderr
    match = re.search(r"token (\S+)", done.stdout)
    assert match is not None
    return match.group(1)


async def test_the_workbook_endpoint_serves_organisers_and_refuses_strangers(server_factory: Any) -> None:
    """GET export.xlsx: 401 without a token, the workbook in the language asked for to an organiser,
    named like the other exports, a clear 400 for a language nobody speaks."""
    server: LiveServer = server_factory()
    olga = organiser(server)
    server.start()
    info = await answered_session(server, [("slow", "en"), ("fast", "ru"), ("fast", "en")])
    path = f"/api/sessions/{info['id']}/export.xlsx"
    assert server.api("GET", path, token=None).status_code == 401
    assert server.api("GET", path, token="wrong").status_code == 401
    response = server.api("GET", path + "?lang=ru", token=olga)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert response.headers["cache-control"] == "no-store"
    name = f"e2e-{info['created'][:10]}-{info['code']}-export.xlsx"
    assert response.headers["content-disposition"] == f'attachment; filename="{name}"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "Сводка" and book.sheetnames[-1] == "Ответы"
    pace = list(book["1 pace"].iter_rows(values_only=True))
    assert pace[0][0] == "Как вам темп?"
    assert ("Слишком быстро", 2, 0.6667) in pace
    wrong = server.api("GET", path + "?lang=xx", token=olga)
    assert (wrong.status_code, wrong.json()["error"]) == (400, "bad_request")
    assert "xx" in wrong.json()["message"]


async def test_the_workbook_endpoint_puts_other_sessions_beside(server_factory: Any) -> None:
    """`with=` adds other sessions the caller may see as columns; an unknown one is 404."""
    server: LiveServer = server_factory()
    server.start()
    first = await answered_session(server, [("slow", "en")])
    second = await answered_session(server, [("fast", "en"), ("fast", "en")])
    path = f"/api/sessions/{first['id']}/export.xlsx?with={second['id']}"
    book = load_workbook(io.BytesIO(server.api("GET", path).content))
    header = next(row for row in book["1 pace"].iter_rows(values_only=True) if row[0] == "Item")
    assert header[1:3] == (
        f"Count {first['created'][:10]} {first['code']}",
        f"Count {second['created'][:10]} {second['code']}",
    )
    fast = next(row for row in book["1 pace"].iter_rows(values_only=True) if row[0] == "Too fast")
    assert fast[1:3] == (0, 2)
    assert server.api("GET", f"/api/sessions/{first['id']}/export.xlsx?with=nope").status_code == 404


async def test_polling_export_writes_one_workbook_of_several_sessions(
    server_factory: Any, tmp_path: Path
) -> None:
    """`polling export S1 S2 --format xlsx --lang ru` writes one workbook with both sessions side by
    side; an unknown session or language is a clear error."""
    server: LiveServer = server_factory()
    server.start()
    first = await answered_session(server, [("slow", "en")])
    second = await answered_session(server, [("fast", "ru")])
    server.stop()
    out = tmp_path / "out"
    done = polling("export", first["code"], second["id"], "--format", "xlsx", "--lang", "ru",
                   "--out", str(out), "--db", str(server.db))  # fmt: skip
    assert done.returncode == 0, done.stderr
    written = Path(done.stdout.strip())
    assert written.parent == out and written.name.endswith(f"{first['code']}-{second['code']}-export.xlsx")
    book = load_workbook(written)
    assert book.sheetnames[-2:] == [f"Ответы {first['code']}", f"Ответы {second['code']}"]
    missing = polling("export", "NOPE", "--format", "xlsx", "--db", str(server.db))
    assert missing.returncode == 1 and "no session 'NOPE'" in missing.stderr
    foreign = polling("export", first["id"], "--format", "xlsx", "--lang", "xx", "--db", str(server.db))
    assert foreign.returncode == 1 and 'No language "xx"' in foreign.stderr


async def test_the_report_endpoint_serves_organisers_and_refuses_strangers(server_factory: Any) -> None:
    """GET report.html: 401 without a token; to an organiser the self-contained report, in the
    language asked for (Arabic: right to left), named like the other exports."""
    server: LiveServer = server_factory()
    olga = organiser(server)
    server.start()
    info = await answered_session(server, [("slow", "en"), ("fast", "ru")])
    path = f"/api/sessions/{info['id']}/report.html"
    assert server.api("GET", path, token=None).status_code == 401
    response = server.api("GET", path + "?lang=ar", token=olga)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    name = f"e2e-{info['created'][:10]}-{info['code']}-report.html"
    assert response.headers["content-disposition"] == f'attachment; filename="{name}"'
    assert '<html lang="ar" dir="rtl">' in response.text
    assert response.text.count('class="chart"') == 1  # the one question answered


async def test_polling_report_writes_the_html_report_of_several_sessions(
    server_factory: Any, tmp_path: Path
) -> None:
    """`polling report S1 S2 --lang ru --out FILE` writes one report with both sessions side by side."""
    server: LiveServer = server_factory()
    server.start()
    first = await answered_session(server, [("slow", "en")])
    second = await answered_session(server, [("fast", "ru")])
    server.stop()
    out = tmp_path / "report.html"
    done = polling("report", first["code"], second["code"], "--lang", "ru", "--out", str(out),
                   "--db", str(server.db))  # fmt: skip
    assert done.returncode == 0, done.stderr
    page = out.read_text(encoding="utf-8")
    assert '<html lang="ru" dir="ltr">' in page and "Как вам темп?" in page
    assert (
        f"{first['created'][:10]} {first['code']}" in page
        and f"{second['created'][:10]} {second['code']}" in page
    )
