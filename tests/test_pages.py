"""The phone's page loads in as few round trips as it can: its modules and its catalogue are preloaded."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from polling.live.app import create_app
from tests.conftest import ROOT

STATIC = ROOT / "static"
IMPORT = re.compile(r"""^import\s[^;]*?from\s+"\./([\w.-]+\.js)";""", re.M | re.S)
PRELOAD = re.compile(r"""<link rel="modulepreload" href="/static/js/([\w.-]+\.js)">""")


def imported(module: str) -> set[str]:
    """The modules `module` imports, directly or through others."""
    found: set[str] = set()
    todo = [module]
    while todo:
        for name in IMPORT.findall((STATIC / "js" / todo.pop()).read_text(encoding="utf-8")):
            if name not in found:
                found.add(name)
                todo.append(name)
    return found


def test_the_join_page_preloads_every_module_its_script_imports() -> None:
    """join.html names each module join.js needs, so they all load beside it, not one level after another."""
    needed = imported("join.js")
    assert {"dom.js", "i18n.js", "socket.js", "text.js"} <= needed
    preloaded = set(PRELOAD.findall((STATIC / "join.html").read_text(encoding="utf-8")))
    assert needed <= preloaded, f"not preloaded in join.html: {sorted(needed - preloaded)}"


@pytest.mark.parametrize(
    ("accept", "code"),
    [
        ("ru-RU,ru;q=0.9,en;q=0.8", "ru"),
        ("ar-EG", "ar"),
        ("sr-RS,sr;q=0.9", "sr-Latn"),
        ("ja,ko", "en"),
        ("", "en"),
    ],
)
def test_the_join_page_preloads_the_catalogue_of_the_phones_language(
    tmp_path: Path, accept: str, code: str
) -> None:
    """The join page's Link header preloads the one catalogue the phone's language will load."""
    app = create_app(tmp_path / "db.sqlite3", tmp_path, "t" * 16, "http://testserver")
    with TestClient(app) as client:
        response = client.get("/j/ABCDE", headers={"Accept-Language": accept})
    assert response.status_code == 200
    assert response.headers["link"] == f"</static/i18n/{code}.json>; rel=preload; as=fetch; crossorigin"
    assert "Accept-Language" in response.headers["vary"]
    assert (STATIC / "i18n" / f"{code}.json").exists()
