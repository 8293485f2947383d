"""End to end in a real browser: what the facilitator sees and takes home (links, counts, exports)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from polling.live.app import PLOTLY_JS
from polling.live.joining import qr_svg
from tests.conftest import BROWSER_TESTS, PROJECTOR, LiveServer

pytestmark = BROWSER_TESTS


def scheme(info: dict[str, str], name: str) -> str:
    """An export's documented file name: BANK-DATE-CODE-NAME."""
    return f"{info['bank']}-{info['created'][:10]}-{info['code']}-{name}"


def test_the_console_saves_exports_under_the_one_naming_scheme(
    live_server: LiveServer, open_page: Callable[..., Page], tmp_path: Path
) -> None:
    """Each console download is saved under the name the server gives it, with the same bytes; the
    workbook opens in openpyxl and the report is a page, both in the console's language."""
    info = live_server.create_session("e2e")
    console = open_page(f"{live_server.url}/console/{info['id']}#token={live_server.token}")
    buttons = {
        "Answers (CSV)": "answers.csv",
        "Summary (CSV)": "summary.csv",
        "Whole session (JSON)": "export.json",
        "Workbook (Excel)": "export.xlsx",
        "Report (HTML)": "report.html",
    }
    for label, name in buttons.items():
        button = console.locator("#exports").get_by_role("button", name=label)
        expect(button).to_be_visible()
        with console.expect_download() as download:
            button.click()
        assert download.value.suggested_filename == scheme(info, name)
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        if name.endswith(".csv"):
            assert saved.read_bytes().startswith(b"\xef\xbb\xbf")
        elif name.endswith(".xlsx"):
            assert load_workbook(saved).sheetnames[0] == "Summary"
        elif name.endswith(".html"):
            assert saved.read_text(encoding="utf-8").startswith('<!doctype html>\n<html lang="en"')
        else:
            assert info["screen_key"] not in saved.read_text(encoding="utf-8")


def test_the_home_page_saves_exports_under_the_one_naming_scheme(
    live_server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """A download from the home page's session list has the same name as from the console."""
    info = live_server.create_session("e2e")
    home = open_page(f"{live_server.url}/host#token={live_server.token}", PROJECTOR)
    button = home.get_by_role("button", name="Summary (CSV)")
    expect(button).to_be_visible()
    with home.expect_download() as download:
        button.click()
    assert download.value.suggested_filename == scheme(info, "summary.csv")


def test_the_word_cloud_shows_the_participants_capitals(
    live_server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """Phones type "Trust", "trust" and "Trust": the presenter shows one word, spelled "Trust"."""
    info = live_server.create_session("e2e")
    live_server.command(info["id"], "show", question="word")
    live_server.command(info["id"], "open")
    screen = open_page(f"{live_server.url}/present/{info['id']}#token={live_server.token}", PROJECTOR)
    for word in ("Trust", "trust", "Trust"):
        phone = open_page(f"{live_server.url}/j/{info['code']}")
        phone.locator("input.input").fill(word)
        phone.get_by_role("button", name="Send").click()
        expect(phone.locator("#feedback")).to_contain_text("Answer received")
    expect(screen.locator("#cloud .cloud-word")).to_have_text(["Trust"])
    expect(screen.locator("#cloud .cloud-word")).to_have_attribute("title", "3")


def test_the_console_and_home_page_count_the_phones_that_answered(
    live_server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """The console shows who answered beside who is connected; after the end and a restart the home
    page still lists the session with the phones that answered, not "0"."""
    info = live_server.create_session("e2e")
    live_server.command(info["id"], "next")
    live_server.command(info["id"], "open")
    console = open_page(f"{live_server.url}/console/{info['id']}#token={live_server.token}")
    for _ in range(2):
        phone = open_page(f"{live_server.url}/j/{info['code']}")
        phone.get_by_role("button", name="Too fast").click()
        expect(phone.locator("#feedback")).to_contain_text("Answer received")
    open_page(f"{live_server.url}/j/{info['code']}")  # a third phone that only watches
    expect(console.locator("#participants")).to_have_text("3 participants")
    expect(console.locator("#answered")).to_have_text("Answered: 2")
    running = open_page(f"{live_server.url}/host#token={live_server.token}", PROJECTOR)
    expect(running.locator("tr", has_text=info["code"])).to_contain_text("Answered: 2Connected: 3")

    live_server.command(info["id"], "end")
    live_server.stop()
    live_server.start()
    home = open_page(f"{live_server.url}/host#token={live_server.token}", PROJECTOR)
    row = home.locator("tr", has_text=info["code"])
    expect(row).to_contain_text("Answered: 2")


def test_the_consoles_screen_link_uses_the_address_of_the_qr_code(
    server_factory: Any, open_page: Callable[..., Page]
) -> None:
    """Opened at 127.0.0.1, the console still offers the screen link at the join link's address."""
    server: LiveServer = server_factory()
    public = f"http://localhost:{server.port}"
    server.extra_args = ["--public-url", public]
    server.start()
    info = server.create_session("e2e")
    assert info["join_url"] == f"{public}/j/{info['code']}"
    assert server.api("GET", f"/qr/{info['code']}.svg").content == qr_svg(info["join_url"])
    console = open_page(f"{server.url}/console/{info['id']}#token={server.token}")
    expect(console.locator("#screen-link")).to_have_value(
        f"{public}/screen/{info['id']}/{info['screen_key']}"
    )


def test_the_presenter_gets_plotly_compressed_and_draws_with_it(
    live_server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """Chromium receives plotly.js in under a third of its size, decodes it whole, and charts run."""
    info = live_server.create_session("e2e")
    live_server.command(info["id"], "next")
    screen = open_page(f"{live_server.url}/present/{info['id']}#token={live_server.token}", PROJECTOR)
    screen.wait_for_function("() => !!window.Plotly && !!document.querySelector('#chart .main-svg')")
    sizes = screen.evaluate(
        "() => performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/plotly.min.js'))"
        ".map((e) => [e.encodedBodySize, e.decodedBodySize])[0]"
    )
    assert sizes[1] == PLOTLY_JS.stat().st_size
    assert 0 < sizes[0] < sizes[1] / 3
