"""A real server serves a session's pictures at two sizes, without metadata, as long as the session lasts."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import httpx
from PIL import Image as Pillow

from tests.conftest import LiveServer
from tests.test_images import gps_jpeg

PHOTOS = """\
title: Field photos
languages: [en, ru]
questions:
  - id: seized
    type: slide
    title: {en: A seized object, ru: Изъятый предмет}
    body: {en: "Found in **secondary** inspection.", ru: "Найден на **углублённом** досмотре."}
    image: photos/seized.jpg
    alt: {en: A clay figure on a table, ru: Глиняная фигурка на столе}
  - id: genuine
    type: single
    prompt: Genuine?
    options:
      - {id: real, label: Genuine}
      - id: fake
        label: Fake
        image: photos/seized.jpg
        alt: {en: The same figure from below, ru: Та же фигурка снизу}
"""


def photo_bank(banks: Path) -> None:
    (banks / "photos").mkdir()
    (banks / "photos" / "seized.jpg").write_bytes(gps_jpeg((2400, 1600)))
    (banks / "photos.yaml").write_text(PHOTOS, encoding="utf-8")


def test_a_picture_is_served_at_two_sizes_without_exif_and_after_its_bank_is_gone(
    server_factory: Any, banks_dir: Path
) -> None:
    """Both copies are WebP without EXIF, cached for good under the CSP, and outlive the bank file."""
    photo_bank(banks_dir)
    server: LiveServer = server_factory()
    server.start()
    info = server.create_session("photos")
    state = server.api("GET", f"/api/sessions/{info['id']}").json()
    image = state["questions"][0]["image"]
    assert image["alt"] == {"en": "A clay figure on a table", "ru": "Глиняная фигурка на столе"}
    assert state["questions"][0]["blocks"]["en"][0]["runs"][1] == {"text": "secondary", "bold": True}
    urls = image["urls"]
    assert urls == {size: f"/images/{image['hash']}/{size}.webp" for size in ("phone", "screen")}

    def fetch() -> dict[str, httpx.Response]:
        return {size: httpx.get(server.url + url, timeout=10) for size, url in urls.items()}

    for size, response in fetch().items():
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/webp"
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert "img-src 'self'" in response.headers["content-security-policy"]
        copy = Pillow.open(io.BytesIO(response.content))
        assert copy.format == "WEBP" and max(copy.size) == {"phone": 800, "screen": 1920}[size]
        assert not copy.getexif() and "exif" not in copy.info
    assert len(fetch()["phone"].content) <= 100 * 1024

    (banks_dir / "photos.yaml").unlink()
    (banks_dir / "photos" / "seized.jpg").unlink()
    assert [r.status_code for r in fetch().values()] == [200, 200]
    server.stop()
    server.start()  # the copies are on disk beside the database, not in the process
    assert [r.status_code for r in fetch().values()] == [200, 200]
    assert httpx.get(f"{server.url}/images/{'0' * 64}/phone.webp").status_code == 404
    assert httpx.get(f"{server.url}/images/{image['hash']}/original.webp").status_code == 404


def test_a_session_is_refused_while_a_picture_is_missing(server_factory: Any, banks_dir: Path) -> None:
    """Starting a session from a bank whose picture is gone is refused with FILE:LINE."""
    photo_bank(banks_dir)
    (banks_dir / "photos" / "seized.jpg").unlink()
    server: LiveServer = server_factory()
    server.start()
    response = server.api("POST", "/api/sessions", {"bank": "photos"})
    assert response.status_code == 400 and response.json()["error"] == "bank_invalid"
    where = [p.split(": error: ")[0] for p in response.json()["problems"]]
    assert where == [f"{banks_dir / 'photos.yaml'}:{line}" for line in (8, 17)]
    assert server.api("GET", "/api/sessions").json() == {"sessions": []}


def test_opening_a_slide_is_refused_over_the_api(server_factory: Any, banks_dir: Path) -> None:
    """`open` on a slide gets a clear error; `next` goes on to the following question."""
    photo_bank(banks_dir)
    server: LiveServer = server_factory()
    server.start()
    info = server.create_session("photos")
    server.command(info["id"], "next")
    response = server.api("POST", f"/api/sessions/{info['id']}/open")
    assert response.status_code == 409, response.text
    assert "is a slide: it takes no answers" in response.json()["message"]
    assert server.command(info["id"], "next")["current"] == "genuine"
