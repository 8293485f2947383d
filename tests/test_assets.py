"""Static files sent compressed once each, with ETags: the pure choices and the routes in-process."""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import brotli
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from polling.live.app import PLOTLY_JS, SECURITY_HEADERS, STATIC, create_app
from polling.live.assets import Asset, Assets, CompressedStaticFiles, choose_coding, compressed, not_modified
from polling.live.hints import inline_script_hashes

TEST_BANK = Path(__file__).parent / "banks" / "e2e.yaml"


@pytest.mark.parametrize(
    ("header", "coding"),
    [
        ("gzip, deflate, br, zstd", "br"),
        ("gzip, deflate", "gzip"),
        ("br;q=0.5, gzip", "gzip"),
        ("br;q=0, gzip;q=0", "identity"),
        ("*", "br"),
        ("*;q=0.1, br;q=0", "gzip"),
        ("", "identity"),
        ("identity", "identity"),
        ("gzip;q=nonsense, br", "br"),
        (" GZIP ", "gzip"),
    ],
)
def test_the_coding_is_the_one_the_client_weighs_highest(header: str, coding: str) -> None:
    """Accept-Encoding is read with its weights; Brotli wins a tie with gzip; nothing taken: identity."""
    assert choose_coding(header, {"identity", "br", "gzip"}) == coding


def test_a_coding_the_file_lacks_is_never_chosen() -> None:
    """A file too small to compress is sent as it is, whatever the client takes."""
    assert choose_coding("br, gzip", {"identity"}) == "identity"


def test_compression_round_trips_and_skips_what_does_not_gain() -> None:
    """Big text is sent in Brotli and gzip that decode to the same bytes; tiny or binary files are not."""
    data = PLOTLY_JS.read_bytes()[:200_000]
    bodies = compressed(data, "text/javascript")
    assert brotli.decompress(bodies["br"]) == data and gzip.decompress(bodies["gzip"]) == data
    assert len(bodies["br"]) < len(bodies["gzip"]) < len(data) / 2
    assert set(compressed(b"tiny", "text/css")) == {"identity"}
    assert set(compressed(bytes(range(256)) * 10, "image/png")) == {"identity"}


def test_a_held_etag_of_any_coding_means_not_modified() -> None:
    """If-None-Match with this content's tag in any coding, weak or strong, or `*`, is a 304."""
    asset = Asset("text/css", "abc", {"identity": b"x", "gzip": b"y"})
    assert not_modified('"abc-gz"', asset) and not_modified('W/"abc"', asset)
    assert not_modified('"old", "abc"', asset) and not_modified("*", asset)
    assert not not_modified('"abc-br"', asset)  # this file has no Brotli form
    assert not not_modified(None, asset) and not not_modified('"other"', asset)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    banks = tmp_path / "banks"
    banks.mkdir()
    shutil.copy(TEST_BANK, banks / "e2e.yaml")
    with TestClient(create_app(tmp_path / "db.sqlite3", banks, "t", "http://h")) as test_client:
        yield test_client


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("/vendor/plotly.min.js", PLOTLY_JS),
        ("/static/js/present.js", STATIC / "js" / "present.js"),
        ("/static/i18n/ru.json", STATIC / "i18n" / "ru.json"),
        ("/host", STATIC / "home.html"),
    ],
)
@pytest.mark.parametrize("coding", ["br", "gzip"])
def test_files_are_sent_compressed_in_the_coding_the_client_takes(
    client: TestClient, path: str, source: Path, coding: str
) -> None:
    """Pages, scripts, catalogues and plotly.js come compressed, decode to the file, keep the headers."""
    response = client.get(path, headers={"Accept-Encoding": coding})
    assert response.status_code == 200
    assert response.headers["content-encoding"] == coding
    assert response.content == source.read_bytes()  # decoded by the client
    assert int(response.headers["content-length"]) < source.stat().st_size / 2
    assert response.headers["vary"] == "Accept-Encoding"
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value


def test_plotly_shrinks_to_under_a_third(client: TestClient) -> None:
    """The 4.8 MB of plotly.js travel as less than a third of that in Brotli."""
    response = client.get("/vendor/plotly.min.js", headers={"Accept-Encoding": "br"})
    assert int(response.headers["content-length"]) < PLOTLY_JS.stat().st_size / 3
    assert response.headers["cache-control"] == "max-age=86400"


def test_a_client_without_compression_gets_the_file_as_it_is(client: TestClient) -> None:
    """Without Accept-Encoding the file is sent uncompressed, whole."""
    response = client.get("/static/js/present.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in response.headers
    assert response.content == (STATIC / "js" / "present.js").read_bytes()


def test_an_etag_brings_304_with_the_security_headers(client: TestClient) -> None:
    """A second request with the ETag gets 304, no body, the same ETag, cache and security headers."""
    first = client.get("/static/js/present.js", headers={"Accept-Encoding": "br"})
    assert first.headers["cache-control"] == "no-cache" and first.headers["etag"].endswith('-br"')
    again = client.get(
        "/static/js/present.js", headers={"Accept-Encoding": "br", "If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["content-security-policy"] == SECURITY_HEADERS["Content-Security-Policy"]
    stale = client.get("/static/js/present.js", headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200


def test_a_changed_file_gets_a_new_etag(tmp_path: Path) -> None:
    """A file edited on disk is compressed again and tagged anew: a client never keeps the old one."""
    static = tmp_path / "static"
    shutil.copytree(STATIC, static)
    app = Starlette(routes=[Mount("/static", CompressedStaticFiles(static, Assets(), "no-cache"))])
    with TestClient(app) as local:
        before = local.get("/static/style.css").headers["etag"]
        (static / "style.css").write_text("body { color: red; }\n" * 100)
        after = local.get("/static/style.css")
        assert after.headers["etag"] != before and after.text == "body { color: red; }\n" * 100


def test_paths_outside_the_static_folder_stay_unreachable(client: TestClient) -> None:
    """The compressed static files keep StaticFiles' path checks: no escape, 404 for none, 405 for POST."""
    assert client.get("/static/../polling/cli.py").status_code == 404
    assert client.get("/static/%2e%2e/pyproject.toml").status_code == 404
    assert client.get("/static/nothing.js").status_code == 404
    assert client.post("/static/js/present.js").status_code == 405


def test_the_policy_allows_the_phone_pages_inline_script_and_no_other() -> None:
    """script-src names the SHA-256 of join.html's one inline script, and no inline script else."""
    html = (STATIC / "join.html").read_text(encoding="utf-8")
    [body] = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    parts = SECURITY_HEADERS["Content-Security-Policy"].split(";")
    policy = dict(part.strip().split(" ", 1) for part in parts)
    assert policy["script-src"] == f"'self' 'sha256-{digest}'"
    assert "unsafe-inline" not in policy["script-src"]
    assert inline_script_hashes(STATIC / "home.html", STATIC / "console.html") == []
