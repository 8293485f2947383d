"""Bank pictures: each problem at its FILE:LINE, and copies re-encoded without metadata."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image as Pillow

from polling.cli import main
from polling.core.banks import check, parse_bank
from polling.media.images import check_images, with_digests
from polling.media.renditions import PHONE_BYTES, Renditions, encode

BUNDLED = Path(__file__).resolve().parent.parent / "question_banks"

BANK = """\
title: Pictures
languages: [en, ru]
questions:
  - id: stamp
    type: single
    prompt: Is this stamp genuine?
    image: {image}
    alt: {{en: A round stamp, ru: Круглая печать}}
    options:
      - {{id: real, label: Genuine}}
      - id: forged
        label: Forged
        image: pics/b.png
        alt: {{en: A forged stamp, ru: Поддельная печать}}
"""


def picture(path: Path, size: tuple[int, int] = (40, 30), kind: str = "PNG", **save: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Pillow.new("RGB", size, (200, 40, 40)).save(path, kind, **save)
    return path


def gps_jpeg(size: tuple[int, int] = (1200, 900)) -> bytes:
    """A JPEG photo whose EXIF holds a GPS position, as a phone camera writes it."""
    image = Pillow.effect_noise(size, 60).convert("RGB")
    exif = Pillow.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (41.0, 59.0, 48.0)
    gps[3], gps[4] = "E", (21.0, 25.0, 48.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=95)
    return out.getvalue()


def bank_file(folder: Path, image: str = "pics/a.png") -> Path:
    file = folder / "bank.yaml"
    file.write_text(BANK.format(image=image), encoding="utf-8")
    return file


def problems_of(file: Path) -> list[tuple[int, str]]:
    problems, _ = check([file], files=check_images)
    return [(p.line, p.message) for p in problems]


def test_pictures_that_can_be_served_pass(tmp_path: Path) -> None:
    """A question's and an option's pictures that exist and are small are no problem."""
    picture(tmp_path / "pics" / "a.png")
    picture(tmp_path / "pics" / "b.png")
    assert problems_of(bank_file(tmp_path)) == []


def test_a_missing_file_is_reported_at_its_line(tmp_path: Path) -> None:
    """A picture that is not there names its file at the line of its `image`."""
    picture(tmp_path / "pics" / "a.png")
    (line, message), *_ = problems_of(bank_file(tmp_path))
    assert line == 13 and "image file 'pics/b.png' not found" in message
    assert str(tmp_path / "bank.yaml") in str(check([tmp_path / "bank.yaml"], files=check_images)[0][0])


def test_an_unreadable_picture_is_reported(tmp_path: Path) -> None:
    """A file that is not a picture (or is cut short) cannot be read, at its line."""
    picture(tmp_path / "pics" / "b.png")
    (tmp_path / "pics" / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    assert [(line, "cannot be read as a picture" in m) for line, m in problems_of(bank_file(tmp_path))] == [
        (7, True)
    ]


def test_a_photo_cut_short_is_reported(tmp_path: Path) -> None:
    """A JPEG whose end is missing (a copy that stopped half way) cannot be read, at its line."""
    picture(tmp_path / "pics" / "b.png")
    whole = gps_jpeg((400, 300))
    (tmp_path / "pics" / "a.jpg").write_bytes(whole[: len(whole) // 2])
    found = problems_of(bank_file(tmp_path, "pics/a.jpg"))
    assert [(line, "cannot be read as a picture" in m and "truncated" in m) for line, m in found] == [
        (7, True)
    ]


def test_a_picture_in_another_format_is_refused(tmp_path: Path) -> None:
    """A GIF named .png is found out by its content."""
    picture(tmp_path / "pics" / "b.png")
    picture(tmp_path / "pics" / "a.png", kind="GIF")
    assert problems_of(bank_file(tmp_path)) == [
        (7, "image 'pics/a.png' is GIF, not a JPEG, PNG or WebP picture")
    ]


def test_a_picture_too_large_on_a_side_is_refused(tmp_path: Path) -> None:
    """Over 8,000 px on a side is too large, said with its size."""
    picture(tmp_path / "pics" / "b.png")
    picture(tmp_path / "pics" / "a.png", size=(8001, 2))
    assert problems_of(bank_file(tmp_path)) == [
        (7, "image 'pics/a.png' is 8001×2 px: at most 8000 px on a side")
    ]


def test_a_file_over_10_mb_is_refused(tmp_path: Path) -> None:
    """A file over 10 MB is refused before it is decoded."""
    picture(tmp_path / "pics" / "b.png")
    with (tmp_path / "pics" / "a.png").open("wb") as big:
        big.truncate(10 * 1024 * 1024 + 1)
    assert problems_of(bank_file(tmp_path)) == [(7, "image 'pics/a.png' is 10.0 MB: at most 10 MB")]


@pytest.mark.parametrize("image", ["../outside.png", "/etc/passwd.png", "C:/x.png"])
def test_a_path_that_leaves_the_banks_folder_is_refused(tmp_path: Path, image: str) -> None:
    """An absolute path or one through `..` is refused by the loader itself, at its line."""
    bank, problems = parse_bank(BANK.format(image=image), "bank.yaml", "bank")
    assert bank is None
    assert [(p.line, "leaves the banks folder" in p.message) for p in problems] == [(7, True)]


def test_a_link_out_of_the_banks_folder_is_refused(tmp_path: Path) -> None:
    """A symbolic link that points outside the bank's folder is found out on disk."""
    folder = tmp_path / "banks"
    picture(folder / "pics" / "b.png")
    outside = picture(tmp_path / "secret.png")
    os.symlink(outside, folder / "pics" / "a.png")
    (line, message), *_ = problems_of(bank_file(folder))
    assert line == 7 and "leaves the banks folder" in message


def test_a_picture_without_alt_is_an_error() -> None:
    """`image` needs `alt`, at the line of `image`; `alt` alone is an error too."""
    text = BANK.format(image="pics/a.png").replace("    alt: {en: A round stamp, ru: Круглая печать}\n", "")
    bank, problems = parse_bank(text, "bank.yaml", "bank")
    assert bank is None
    assert [(p.line, p.severity) for p in problems] == [(7, "error")]
    assert "needs alt" in problems[0].message
    alone = BANK.format(image="pics/a.png").replace("    image: pics/a.png\n", "")
    bank, problems = parse_bank(alone, "bank.yaml", "bank")
    assert bank is None and [(p.line, "there is no image" in p.message) for p in problems] == [(7, True)]


def test_alt_in_every_language_is_required() -> None:
    """A missing translation of alt is an error (of any other text, a warning)."""
    text = BANK.format(image="pics/a.png").replace("{en: A round stamp, ru: Круглая печать}", "{en: A stamp}")
    bank, problems = parse_bank(text, "bank.yaml", "bank")
    assert bank is None
    assert [(p.line, p.severity, "alt in every language" in p.message) for p in problems] == [
        (8, "error", True)
    ]


def test_a_picture_of_another_kind_by_name_is_refused() -> None:
    """Only .jpg, .jpeg, .png and .webp files are pictures."""
    bank, problems = parse_bank(BANK.format(image="pics/a.gif"), "bank.yaml", "bank")
    assert bank is None and "must be a JPEG, PNG or WebP file" in problems[0].message


def test_the_bundled_cultural_property_bank_passes_strict_check(capsys: pytest.CaptureFixture[str]) -> None:
    """The bundled bank with slides and pictures passes `polling check --strict`, pictures included."""
    assert main(["check", "--strict", str(BUNDLED / "cultural-property.yaml")]) == 0
    bank, _ = parse_bank((BUNDLED / "cultural-property.yaml").read_text(), "x", "cultural-property")
    assert bank is not None and len(bank.images()) == 3
    assert sum(q.is_slide for q in bank.questions) == 2
    assert all(
        set(image.alt) == {"en", "ru"} and image.alt["en"] != image.alt["ru"] for image in bank.images()
    )


def test_a_photo_loses_its_gps_exif_and_fits_a_phone() -> None:
    """A JPEG with GPS EXIF comes out as WebP with no EXIF at all, the phone's copy near 100 KB."""
    original = gps_jpeg((3000, 2000))
    assert Pillow.open(io.BytesIO(original)).getexif().get_ifd(0x8825)
    for size, longest in (("phone", 800), ("screen", 1920)):
        copy = Pillow.open(io.BytesIO(encode(original, size)))
        assert copy.format == "WEBP" and max(copy.size) == longest
        assert not copy.getexif() and "exif" not in copy.info and "xmp" not in copy.info
    assert len(encode(original, "phone")) <= PHONE_BYTES


def test_copies_are_made_once_and_named_by_content(tmp_path: Path) -> None:
    """A picture's copies are kept by its content hash; a second keep leaves them as they are."""
    picture(tmp_path / "pics" / "a.png")
    picture(tmp_path / "pics" / "b.png", size=(10, 10))
    loaded, _ = parse_bank(BANK.format(image="pics/a.png"), "bank.yaml", "bank")
    assert loaded is not None
    bank, files = with_digests(loaded, bank_file(tmp_path))
    assert len(files) == 2 and all(image.digest in files for image in bank.images())
    renditions = Renditions(tmp_path / "copies")
    digest = bank.images()[0].digest
    assert digest is not None
    renditions.keep(digest, files[digest])
    made = renditions.path(digest, "phone")
    assert made is not None and made.exists()
    stamp = made.stat().st_mtime_ns
    renditions.keep(digest, files[digest])
    assert made.stat().st_mtime_ns == stamp
    assert renditions.cached(digest, "phone") is None
    assert renditions.read(digest, "phone") == made.read_bytes() == renditions.cached(digest, "phone")
    assert renditions.read("../../etc", "phone") is None and renditions.read(digest, "huge") is None
