"""The wheel: installed into a fresh environment outside the source tree, it serves every page."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.routing import Route

from polling.live.app import create_app
from tests.conftest import BANKS, ROOT, free_port, wait_until

# What the wheel is built from: everything else in the tree (tests, docs, .venv) stays out.
SOURCES = ("pyproject.toml", "README.md", "polling", "static", "question_banks")


def run(*command: str | Path, cwd: Path) -> None:
    done = subprocess.run([str(part) for part in command], capture_output=True, text=True, cwd=cwd)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed; its dependencies are this one's."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(ROOT / name, source / name)
    # Offline: the build backend is this environment's, and nothing is fetched.
    pip = (sys.executable, "-m", "pip")
    run(
        *pip,
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        "--wheel-dir",
        work / "dist",
        source,
        cwd=work,
    )
    (wheel,) = (work / "dist").glob("polling-*.whl")
    venv = work / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=work)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    # The dependencies from this environment, behind the venv's own packages; a path listed in a
    # .pth file is not scanned for .pth files, so this environment's editable polling stays out.
    (Path(purelib) / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(*pip, "--python", python, "install", "--no-deps", "--no-index", wheel, cwd=work)
    return venv


@pytest.fixture
def served(installed: Path, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """`polling serve` of the installed package, started from an empty folder; (URL, token)."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    port, token = free_port(), secrets.token_urlsafe(16)
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLLING_") and k != "PYTHONPATH"}
    command = [installed / "bin" / "polling", "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--db", "polling.sqlite3", f"--token={token}", "--public-url", url]
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=folder, env=env)

    def ready() -> bool:
        assert process.poll() is None, log.read_text()
        try:
            return httpx.get(f"{url}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_until(ready, timeout=30)
        yield url, token
    finally:
        process.terminate()
        process.wait(timeout=15)


def page_paths(tmp_path: Path) -> list[str]:
    """Every page route of the app (HTML), with sample values in its path parameters."""
    app = create_app(tmp_path / "db.sqlite3", tmp_path, "t", "http://x")
    paths = [
        r.path
        for r in app.routes
        if isinstance(r, Route) and getattr(r.endpoint, "__qualname__", "").startswith("page_route.")
    ]
    # /sw.js is served the same way but is the phone's service worker, a script.
    return [re.sub(r"\{\w+\}", "ABCDE", path) for path in paths if not path.endswith(".js")]


def test_the_installed_package_holds_the_pages_and_banks(installed: Path) -> None:
    """The installed polling finds its pages and bundled banks inside itself, not in the source tree."""
    python = installed / "bin" / "python"
    code = "import polling.data as d; print(d.STATIC); print(d.BANKS)"
    static, banks = subprocess.run(
        [python, "-c", code], capture_output=True, text=True, cwd=installed
    ).stdout.split()
    assert Path(static).is_relative_to(installed) and Path(banks).is_relative_to(installed)
    assert sorted(p.name for p in Path(banks).glob("*.yaml")) == sorted(p.name for p in BANKS.glob("*.yaml"))
    # The bundled banks' pictures travel with them: cultural-property passes its check installed.
    assert sorted(p.name for p in (Path(banks) / "images").iterdir()) == sorted(
        p.name for p in (BANKS / "images").iterdir()
    )
    assert sorted(p.name for p in Path(static).rglob("*") if p.is_file()) == sorted(
        p.name for p in (ROOT / "static").rglob("*") if p.is_file() and "__pycache__" not in p.parts
    )


def test_the_installed_server_serves_every_page_an_asset_and_the_bundled_banks(
    served: tuple[str, str], tmp_path: Path
) -> None:
    """From an empty folder, the installed `polling serve` answers each page, assets and /api/banks."""
    url, token = served
    pages = page_paths(tmp_path)
    assert {"/", "/host", "/j/ABCDE", "/present/ABCDE", "/console/ABCDE"} <= set(pages)
    with httpx.Client(base_url=url, timeout=10) as client:
        for path in pages:
            response = client.get(path)
            assert response.status_code == 200 and response.headers["content-type"].startswith("text/html"), (
                path
            )
            assert "<html" in response.text.lower(), path
        for asset, kind in (("/static/js/join.js", "javascript"), ("/static/i18n/ru.json", "json")):
            response = client.get(asset)
            assert response.status_code == 200 and kind in response.headers["content-type"], asset
            assert response.content == (ROOT / asset.lstrip("/")).read_bytes()
        worker = client.get("/sw.js")
        assert worker.status_code == 200 and "javascript" in worker.headers["content-type"]
        assert worker.content == (ROOT / "static" / "sw.js").read_bytes()
        assert client.get("/vendor/plotly.min.js").status_code == 200
        listed = client.get("/api/banks", headers={"Authorization": f"Bearer {token}"}).json()["banks"]
    assert sorted(bank["id"] for bank in listed) == sorted(p.stem for p in BANKS.glob("*.yaml"))
    assert all(bank["ok"] for bank in listed)
