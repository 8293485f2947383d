"""End to end in a real browser: the exports a facilitator downloads from the console and home page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.conftest import BROWSER_TESTS, PROJECTOR, LiveServer

pytestmark = BROWSER_TESTS


def scheme(info: dict[str, str], name: str) -> str:
    """An export's documented file name: BANK-DATE-CODE-NAME."""
    return f"{info['bank']}-{info['created'][:10]}-{info['code']}-{name}"


def test_the_console_saves_exports_under_the_one_naming_scheme(
    live_server: LiveServer, open_page: Callable[..., Page], tmp_path: Path
) -> None:
    """Each console download is saved under the name the server gives it, with the same bytes."""
    info = live_server.create_session("e2e")
    console = open_page(f"{live_server.url}/console/{info['id']}#token={live_server.token}")
    buttons = {
        "Answers (CSV)": "answers.csv",
        "Summary (CSV)": "summary.csv",
        "Whole session (JSON)": "export.json",
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
        else:
            assert info["screen_key"] not in saved.read_text(encoding="utf-8")


def test_the_home_page_saves_exports_under_the_one_naming_scheme(
    live_server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """A download from the home page's session list has the same name as from the console."""
    info = live_server.create_session("e2e")
    home = open_page(f"{live_server.url}/#token={live_server.token}", PROJECTOR)
    button = home.get_by_role("button", name="Summary (CSV)")
    expect(button).to_be_visible()
    with home.expect_download() as download:
        button.click()
    assert download.value.suggested_filename == scheme(info, "summary.csv")
