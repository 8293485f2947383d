"""Shared fixtures: a real server in its own process, on a free port."""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

# The browser tests launch Chromium as the page benchmark does.
from polling.bench.page import CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent
BANKS = ROOT / "question_banks"
TEST_BANKS = ROOT / "tests" / "banks"


def free_port() -> int:
    """A TCP port that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(predicate: Any, timeout: float = 15.0, interval: float = 0.05) -> Any:
    """Poll `predicate` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(interval)


@dataclass
class LiveServer:
    """A `polling serve` process on 127.0.0.1 with its own database and token."""

    db: str | Path
    banks: Path
    log: Path
    port: int = field(default_factory=free_port)
    token: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    extra_args: list[str] = field(default_factory=list)
    process: subprocess.Popen[bytes] | None = None
    http: httpx.Client | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    def start(self) -> None:
        """Start the server and wait until it answers /healthz."""
        command = [
            sys.executable, "-m", "polling", "serve",
            "--host", "127.0.0.1", "--port", str(self.port),
            "--db", str(self.db), "--banks", str(self.banks),
            f"--token={self.token}", "--public-url", self.url,
            *self.extra_args,
        ]  # fmt: skip
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=log, env=env, cwd=ROOT)
        wait_until(self._ready, timeout=30)

    def _ready(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(f"server exited early:\n{self.log.read_text()}")
        try:
            return httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self, kill: bool = False) -> None:
        """Stop the server: SIGKILL when `kill`, else a clean shutdown."""
        if self.http is not None:
            self.http.close()
            self.http = None
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def api(self, method: str, path: str, json: Any = None, token: str | None = "") -> httpx.Response:
        """Call the HTTP API, with the facilitator token unless `token` says otherwise."""
        headers = {}
        bearer = self.token if token == "" else token
        if bearer is not None:
            headers["Authorization"] = f"Bearer {bearer}"
        if self.http is None:
            self.http = httpx.Client(timeout=10)  # one client: a new one per call costs milliseconds
        return self.http.request(method, self.url + path, json=json, headers=headers)

    def create_session(self, bank: str = "workshop-evaluation", **options: Any) -> dict[str, Any]:
        """Create a session from a bank and return its SESSION_INFO."""
        response = self.api("POST", "/api/sessions", {"bank": bank, **options})
        assert response.status_code == 201, response.text
        info: dict[str, Any] = response.json()
        return info

    def command(self, session: str, action: str, **body: Any) -> dict[str, Any]:
        """Send a facilitator command over HTTP and return the presenter state."""
        response = self.api("POST", f"/api/sessions/{session}/{action}", body)
        assert response.status_code == 200, response.text
        state: dict[str, Any] = response.json()
        return state


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Any]:
    """One real PostgreSQL server for the whole run; each test takes a database of its own."""
    from tests.pgserver import PostgresServer

    server = PostgresServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server: Any) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped after the test."""
    import asyncpg

    name = f"t_{secrets.token_hex(6)}"

    async def admin(sql: str) -> None:
        connection = await asyncpg.connect(postgres_server.url())
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(admin(f"CREATE DATABASE {name}"))
    yield postgres_server.url(name)
    asyncio.run(admin(f"DROP DATABASE {name} WITH (FORCE)"))


@pytest.fixture
def redis_url() -> Iterator[str]:
    """The URL of a new Redis server of the test's own, stopped after the test."""
    from tests.redisserver import RedisServer

    server = RedisServer(free_port())
    server.start()
    yield server.url
    server.stop()


@pytest.fixture
async def close_connections() -> AsyncIterator[None]:
    """Close the WebSocket connections a test left open, inside its own event loop."""
    yield
    from tests.wsclient import OPEN

    await asyncio.gather(*(peer.connection.close() for peer in OPEN), return_exceptions=True)
    OPEN.clear()


@pytest.fixture
def banks_dir(tmp_path: Path) -> Path:
    """A copy of the bundled banks, plus the end-to-end test bank, that a test may change."""
    target = tmp_path / "banks"
    shutil.copytree(BANKS, target)
    shutil.copy(TEST_BANKS / "e2e.yaml", target / "e2e.yaml")
    return target


@pytest.fixture(params=["sqlite", "postgres"])
def both_engines(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """A database setting for each engine in turn: a SQLite file, then a PostgreSQL database of its own."""
    if request.param == "postgres":
        url: str = request.getfixturevalue("postgres_url")
        return url
    return tmp_path / "polling.sqlite3"


@pytest.fixture
def database(tmp_path: Path) -> str | Path:
    """The database a test's servers use: a SQLite file unless a test module asks for more engines."""
    return tmp_path / "polling.sqlite3"


@pytest.fixture
def server_factory(tmp_path: Path, banks_dir: Path, database: str | Path) -> Iterator[Any]:
    """Make live servers (not yet started); all are stopped at the end of the test."""
    servers: list[LiveServer] = []

    def make(**kwargs: Any) -> LiveServer:
        kwargs.setdefault("db", database)
        kwargs.setdefault("banks", banks_dir)
        kwargs.setdefault("log", tmp_path / "server.log")
        server = LiveServer(**kwargs)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


def serving(server_factory: Any, banks_dir: Path, bank: str) -> LiveServer:
    """A started server whose banks include the file `bank` of tests/banks/."""
    shutil.copy(TEST_BANKS / bank, banks_dir / bank)
    live: LiveServer = server_factory()
    live.start()
    return live


@pytest.fixture
def server(server_factory: Any, banks_dir: Path) -> LiveServer:
    """A running server whose banks include tests/banks/browser.yaml, the browser tests' small bank."""
    return serving(server_factory, banks_dir, "browser.yaml")


@pytest.fixture
def live_server(server_factory: Any) -> LiveServer:
    """A running server on a fresh database with the bundled banks."""
    server: LiveServer = server_factory()
    server.start()
    return server


# -- browser tests ------------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
PROJECTOR = {"width": 1280, "height": 720}
PHONE = {"width": 360, "height": 640}
BROWSER_TESTS = [
    pytest.mark.browser,
    # Skipped only on a developer's machine without Chromium; in CI a missing browser fails.
    pytest.mark.skipif(
        not CHROMIUM.exists() and not os.environ.get("CI"),
        reason="needs Chromium: sudo apt-get install chromium",
    ),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Debian Chromium, driven by Playwright, for a test module.

    Not for the whole run: Playwright's sync API keeps an event loop running while it is open,
    which the asyncio tests of later modules could not start beside."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    """Open a URL in a fresh browser context (its own storage, viewport and browser language)."""
    contexts = []

    def open_(url: str, viewport: Any = PHONE, locale: str = "en-GB") -> Any:
        context = browser.new_context(viewport=viewport, locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.goto(url)
        return page

    yield open_
    for context in contexts:
        context.close()


# The suite runs in several processes (pytest-xdist): each worker hands the controller how many
# hostile cases its property-based tests threw, for the summary below.
WORKER_FUZZ_COUNTS: dict[str, int] = {}


def fuzz_counts() -> dict[str, int]:
    """The hostile cases thrown in this process, by kind."""
    fuzz = sys.modules.get("tests.test_fuzz")
    return dict(getattr(fuzz, "COUNTS", {}))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """On a worker: hand this process's fuzz counts to the controller."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        output["fuzz_counts"] = fuzz_counts()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """On the controller: add up the fuzz counts of a worker that finished."""
    for what, count in getattr(node, "workeroutput", {}).get("fuzz_counts", {}).items():
        WORKER_FUZZ_COUNTS[what] = WORKER_FUZZ_COUNTS.get(what, 0) + count


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """After the run, say how many hostile cases the property-based tests threw, if they ran."""
    counts = fuzz_counts()
    for what, count in WORKER_FUZZ_COUNTS.items():
        counts[what] = counts.get(what, 0) + count
    if counts:
        total = sum(counts.values())
        terminalreporter.write_line(
            f"fuzz: {total} generated cases, " + ", ".join(f"{n} {what}" for what, n in counts.items())
        )
