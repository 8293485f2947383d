"""The phone page on a slow phone: bytes on the wire and time until the first option can be tapped.

Chromium (as the browser tests drive it) opens the join page of a real server with an open
question, once per language, each in a fresh context with an empty cache, on a slow profile:
400 ms latency, 50 KB/s both ways, the CPU slowed four times. One load before them is not
counted: it pays for the browser's own start-up.
"""

from __future__ import annotations

import json
import secrets
import tempfile
from pathlib import Path
from typing import Any

import httpx

from polling.bench.bench import Server, free_port, project_command

CHROMIUM = "/usr/bin/chromium"
# The launch arguments of the browser tests (tests/conftest.py): without the background
# networking flags Chromium keeps trying to reach outside hosts and the byte count is wrong.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LATENCY_MS = 400
THROUGHPUT = 50 * 1024  # bytes per second, each way
CPU_SLOWDOWN = 4
LANGUAGES = {"en": "en-GB", "ru": "ru-RU", "ar": "ar-EG"}
PHONE = {"width": 360, "height": 640}
TIMEOUT_MS = 60_000

PAGE_BANK = """\
title: {en: Page benchmark, ru: Тест страницы, ar: اختبار الصفحة}
languages: [en, ru, ar]
questions:
  - id: q
    type: single
    prompt: {en: "Which one?", ru: "Который?", ar: "أيهما؟"}
    options:
      - {id: a, label: {en: First, ru: Первый, ar: الأول}}
      - {id: b, label: {en: Second, ru: Второй, ar: الثاني}}
      - {id: c, label: {en: Third, ru: Третий, ar: الثالث}}
"""

# Resolves with the time since navigation began when an option button is shown and enabled.
FIRST_TAP = """() => {
  const button = document.querySelector("button.choice:not([disabled])");
  return button && button.getClientRects().length ? performance.now() : null;
}"""


def load_once(browser: Any, url: str, locale: str) -> dict[str, Any]:
    """Open `url` on the slow profile in a fresh context; the bytes it took and the first tap."""
    context = browser.new_context(viewport=PHONE, locale=locale, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": LATENCY_MS,
                "downloadThroughput": THROUGHPUT,
                "uploadThroughput": THROUGHPUT,
            },
        )
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        received: dict[str, int] = {}
        urls: dict[str, str] = {}
        cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
        # Bytes on the wire for each request, headers included.
        cdp.on(
            "Network.loadingFinished",
            lambda e: received.__setitem__(e["requestId"], int(e["encodedDataLength"])),
        )
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        first_tap = page.wait_for_function(FIRST_TAP, polling="raf", timeout=TIMEOUT_MS).json_value()
        # The page's requests are all finished once the option is tappable; let the events arrive.
        page.wait_for_timeout(200)
        files = sorted((urls.get(i, "?").split("/", 3)[-1], n) for i, n in received.items())
        return {"bytes": sum(received.values()), "first_tap_ms": round(first_tap), "files": files}
    finally:
        context.close()


def run_page() -> dict[str, Any]:
    """Measure the join page in each language; print a line for each and the summary last."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="polling-page-") as name:
        workdir = Path(name)
        (workdir / "banks").mkdir()
        (workdir / "banks" / "page.yaml").write_text(PAGE_BANK)
        port, token = free_port(), secrets.token_urlsafe(12)
        server = Server(project_command(workdir, port, workdir / "page.sqlite3", token), port)
        server.start(workdir / "page.log")
        try:
            base = f"http://127.0.0.1:{port}"
            headers = {"Authorization": f"Bearer {token}"}
            info = httpx.post(f"{base}/api/sessions", json={"bank": "page"}, headers=headers).json()
            for action in ("show", "open"):
                httpx.post(
                    f"{base}/api/sessions/{info['id']}/{action}", json={"question": "q"}, headers=headers
                ).raise_for_status()
            results: dict[str, dict[str, Any]] = {}
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    # A first load, not counted: the browser's own start-up is no part of the page.
                    load_once(browser, f"{base}/j/{info['code']}", "en-GB")
                    for lang, locale in LANGUAGES.items():
                        result = load_once(browser, f"{base}/j/{info['code']}", locale)
                        files = ", ".join(f"{path} {size}" for path, size in result.pop("files"))
                        tap = result["first_tap_ms"]
                        print(f"{lang}: {result['bytes']} bytes, first tap at {tap} ms ({files})", flush=True)
                        results[lang] = result
                finally:
                    browser.close()
        finally:
            server.stop()
    summary = {"page": results}
    print(json.dumps(summary), flush=True)
    return summary
