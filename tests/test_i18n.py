"""The catalogues in static/i18n: complete, translated, well formed, exactly the keys the pages use."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "static"
I18N = STATIC / "i18n"

LANGUAGES = ["en", "ru", "uk", "fr", "de", "es", "it", "ar", "sr-Latn", "sq", "mk", "tr"]

# CLDR plural categories of whole numbers (every one must have its form) and all the
# categories the language has (fr, es and it use "many" only for millions).
PLURALS_NEEDED = {
    "en": {"one", "other"},
    "ru": {"one", "few", "many", "other"},
    "uk": {"one", "few", "many", "other"},
    "fr": {"one", "other"},
    "de": {"one", "other"},
    "es": {"one", "other"},
    "it": {"one", "other"},
    "ar": {"zero", "one", "two", "few", "many", "other"},
    "sr-Latn": {"one", "few", "other"},
    "sq": {"one", "other"},
    "mk": {"one", "other"},
    "tr": {"one", "other"},
}
PLURALS_ALLOWED = {**PLURALS_NEEDED, "fr": {"one", "many", "other"}, "es": {"one", "many", "other"}}
PLURALS_ALLOWED["it"] = {"one", "many", "other"}

# A key in the scripts: t("join.send") or t("join.chooseUpTo", {...}); in the pages:
# data-i18n="..." and data-i18n-title="..." and the like.
SCRIPT_KEY = re.compile(r"""\bt\(\s*["']([\w.-]+)["']""")
PAGE_KEY = re.compile(r"""\bdata-i18n(?:-[a-z-]+)?="([^"]+)\"""")


def load(code: str) -> dict[str, Any]:
    """A catalogue, refusing a key given twice (plain json.loads would keep the last)."""

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [key for key, _ in pairs]
        twice = sorted({key for key in keys if keys.count(key) > 1})
        assert not twice, f"{code}.json has keys given twice: {twice}"
        return dict(pairs)

    data: dict[str, Any] = json.loads(
        (I18N / f"{code}.json").read_text(encoding="utf-8"), object_pairs_hook=no_duplicates
    )
    return data


ENGLISH = load("en")


def matching(text: str, start: int) -> int:
    """The index of the brace closing the one at `start`."""
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return index
    raise ValueError(f"unbalanced braces in {text!r}")


def parse(message: str) -> tuple[set[str], dict[str, set[str]]]:
    """The placeholders of a message, and the categories of each {name, plural, ...} in it
    (the same grammar as static/js/i18n.js)."""
    depth = 0
    for char in message:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            break
    if depth != 0:
        raise ValueError(f"unbalanced braces in {message!r}")
    names: set[str] = set()
    plurals: dict[str, set[str]] = {}
    at = 0
    while (start := message.find("{", at)) != -1:
        end = matching(message, start)
        body = message[start + 1 : end]
        parts = body.split(",", 2)
        name = parts[0].strip()
        if not re.fullmatch(r"\w+", name):
            raise ValueError(f"bad placeholder {{{body}}} in {message!r}")
        names.add(name)
        if len(parts) == 3:
            if parts[1].strip() != "plural":
                raise ValueError(f"only plural is supported, in {message!r}")
            rest, categories, cursor = parts[2], set(), 0
            while (open_ := rest.find("{", cursor)) != -1:
                close = matching(rest, open_)
                categories.add(rest[cursor:open_].strip())
                inner_names, inner_plurals = parse(rest[open_ + 1 : close])
                names |= inner_names
                plurals.update(inner_plurals)
                cursor = close + 1
            if rest[cursor:].strip():
                raise ValueError(f"text after the last plural form in {message!r}")
            plurals[name] = categories
        elif len(parts) != 1:
            raise ValueError(f"bad argument {{{body}}} in {message!r}")
        at = end + 1
    return names, plurals


def used_keys() -> dict[str, set[Path]]:
    """Every catalogue key that the scripts and pages use, with the files using it."""
    used: dict[str, set[Path]] = {}
    sources = [(path, SCRIPT_KEY) for path in (STATIC / "js").glob("*.js")]
    sources += [(path, PAGE_KEY) for path in STATIC.glob("*.html")]
    for path, pattern in sources:
        for key in pattern.findall(path.read_text(encoding="utf-8")):
            used.setdefault(key, set()).add(path.relative_to(ROOT))
    return used


def test_the_twelve_languages_have_catalogues_and_are_offered() -> None:
    """static/i18n holds exactly the 12 interface languages, and the selector offers the same 12."""
    assert sorted(path.stem for path in I18N.glob("*.json")) == sorted(LANGUAGES)
    script = (STATIC / "js" / "i18n.js").read_text(encoding="utf-8")
    offered = re.search(r"INTERFACE_LANGUAGES = \[([^\]]*)\]", script)
    assert offered, "INTERFACE_LANGUAGES not found in static/js/i18n.js"
    assert re.findall(r'"([\w-]+)"', offered.group(1)) == LANGUAGES
    fallback = re.search(
        r"var codes = \[([^\]]*)\]", (STATIC / "js" / "nomodule.js").read_text(encoding="utf-8")
    )
    assert fallback and re.findall(r'"([\w-]+)"', fallback.group(1)) == LANGUAGES


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_catalogue_has_exactly_the_keys_of_english(code: str) -> None:
    """Every catalogue has each key of en.json and no other."""
    keys = set(load(code))
    missing = sorted(set(ENGLISH) - keys)
    extra = sorted(keys - set(ENGLISH))
    assert not missing and not extra, f"{code}.json: missing {missing}, extra {extra}"


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_value_is_a_non_empty_string(code: str) -> None:
    """No value is empty, blank or anything but a string."""
    bad = sorted(key for key, value in load(code).items() if not isinstance(value, str) or not value.strip())
    assert not bad, f"{code}.json: empty or non-string values for {bad}"


@pytest.mark.parametrize("code", LANGUAGES)
def test_placeholders_are_those_of_english(code: str) -> None:
    """Each message is well formed and has the same {placeholders} as its English original."""
    catalogue = load(code)
    wrong = []
    for key, english in ENGLISH.items():
        if key not in catalogue:
            continue
        expected, _ = parse(english)
        found, _ = parse(catalogue[key])
        if found != expected:
            wrong.append(f"{key}: {sorted(found)} instead of {sorted(expected)}")
    assert not wrong, f"{code}.json: " + "; ".join(wrong)


@pytest.mark.parametrize("code", LANGUAGES)
def test_plural_messages_have_the_forms_of_their_language(code: str) -> None:
    """Each {count, plural, ...} has every form the language needs for whole numbers, and no foreign one."""
    problems = []
    for key, message in load(code).items():
        for name, categories in parse(message)[1].items():
            needed = PLURALS_NEEDED[code] - categories
            foreign = categories - PLURALS_ALLOWED[code]
            if needed or foreign:
                problems.append(f"{key} ({name}): missing {sorted(needed)}, not in {code}: {sorted(foreign)}")
        if parse(ENGLISH[key])[1] and not parse(message)[1]:
            problems.append(f"{key}: English counts with plural, this does not")
    assert not problems, f"{code}.json: " + "; ".join(problems)


@pytest.mark.parametrize("code", [code for code in LANGUAGES if code != "en"])
def test_no_catalogue_is_a_copy_of_english(code: str) -> None:
    """Fewer than 20% of a translation's values are identical to English (codes, "CSV", names may be)."""
    catalogue = load(code)
    same = sorted(key for key, value in ENGLISH.items() if catalogue.get(key) == value)
    assert len(same) < 0.2 * len(ENGLISH), f"{code}.json repeats English for {len(same)} keys: {same}"


def test_every_key_the_pages_use_is_in_english() -> None:
    """Each t("...") in static/js and data-i18n="..." in static/*.html names a key of en.json."""
    used = used_keys()
    assert len(used) > 100, "the key pattern found too few keys: has the t() convention changed?"
    missing = {key: sorted(map(str, files)) for key, files in used.items() if key not in ENGLISH}
    assert not missing, f"keys used but not in en.json: {missing}"


def test_every_key_in_english_is_used() -> None:
    """en.json holds no stale key: each one is used by a script or a page."""
    unused = sorted(set(ENGLISH) - set(used_keys()))
    assert not unused, f"keys in en.json that no page or script uses: {unused}"


class TextFinder(HTMLParser):
    """Collects the text of a page that no data-i18n element (or <script>/<style>) holds."""

    VOID = {"meta", "link", "img", "input", "br", "hr", "source", "area", "base", "col", "embed", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.loose: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        translated = any(name == "data-i18n" for name, _ in attrs) or tag in {"script", "style"}
        self.stack.append((tag, translated or any(flag for _, flag in self.stack)))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        covered = any(flag for _, flag in self.stack)
        if not covered and re.search(r"[^\W\d_]", data):
            self.loose.append(data.strip())


@pytest.mark.parametrize("page", sorted(path.name for path in STATIC.glob("*.html")))
def test_page_text_comes_from_the_catalogues(page: str) -> None:
    """Every word written in a static page sits in an element with data-i18n, so it is translated."""
    finder = TextFinder()
    finder.feed((STATIC / page).read_text(encoding="utf-8"))
    assert not finder.loose, f"{page} has untranslated text: {finder.loose}"


@pytest.mark.parametrize(
    ("message", "names", "plurals"),
    [
        ("Send", set(), {}),
        ("Choose from {min} to {max}", {"min", "max"}, {}),
        ("{count, plural, one {# answer} other {up to # answers}}", {"count"}, {"count": {"one", "other"}}),
        (
            "{count, plural, one {left {n}} other {#}} of {total}",
            {"count", "n", "total"},
            {"count": {"one", "other"}},
        ),
    ],
)
def test_the_message_parser_reads_placeholders_and_plurals(
    message: str, names: set[str], plurals: dict[str, set[str]]
) -> None:
    """The checks above read placeholders and plural forms as static/js/i18n.js does."""
    assert parse(message) == (names, plurals)


@pytest.mark.parametrize(
    "message", ["{count", "{count, plural, one {x}", "a } b", "{count, select, a {x}}", "{not a name}"]
)
def test_the_message_parser_refuses_broken_messages(message: str) -> None:
    """Unbalanced braces and unsupported arguments are reported, not silently accepted."""
    with pytest.raises(ValueError):
        parse(message)
