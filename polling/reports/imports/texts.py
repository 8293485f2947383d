"""Texts from other tools made plain: HTML to text, and Moodle's multilang markup to languages."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from polling.reports.imports import Label

# Elements whose content is never text a participant reads.
HIDDEN = frozenset({"script", "style", "head", "title"})
# Elements that end a line or a paragraph: a space between their texts, not nothing.
BREAKS = frozenset({"br", "p", "div", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "hr"})
MEDIA = frozenset({"img", "video", "audio", "object", "embed", "iframe", "svg", "math"})

# <span lang="ru" class="multilang">, attributes in either order; and Moodle's other filter,
# {mlang ru}...{mlang} (a span may also name several languages: {mlang en,fr}).
SPAN_OPEN = re.compile(r"<span\b(?=[^>]*\bclass\s*=\s*[\"'][^\"']*\bmultilang\b)[^>]*>", re.IGNORECASE)
SPAN_LANG = re.compile(r"\blang\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
SPAN_TAG = re.compile(r"<(/?)span\b[^>]*>", re.IGNORECASE)
MLANG = re.compile(r"\{mlang\s+([^}]+)\}(.*?)\{mlang\}", re.IGNORECASE | re.DOTALL)
OTHER = "other"  # {mlang other}: the text for every language not given its own

# Moodle's language pack names where they differ from the codes a bank uses.
MOODLE_CODES = {
    "sr_lt": "sr-Latn",
    "sr_cr": "sr-Cyrl",
    "sr": "sr-Cyrl",
    "zh_cn": "zh-Hans",
    "zh_tw": "zh-Hant",
}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.media: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN:
            self.hidden += 1
        elif tag in MEDIA:
            self.media.append(tag)
        if tag in BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        if tag in BREAKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def plain(text: str) -> str:
    """Whitespace collapsed: a bank's texts are one line each."""
    return " ".join(text.split())


def html_text(html: str) -> tuple[str, list[str]]:
    """The text of an HTML fragment, one line, and the kinds of media (img, video...) it held."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return plain("".join(parser.parts)), parser.media


def language_code(moodle: str) -> str:
    """A Moodle language code (ru, pt_br, sr_lt) as a bank writes it (ru, pt-br, sr-Latn)."""
    code = moodle.strip().lower()
    return MOODLE_CODES.get(code, code.replace("_", "-"))


def _spans(html: str) -> list[tuple[int, int, list[str], str]]:
    """Every multilang span: (start, end, languages, inner HTML), nested spans kept inside."""
    found: list[tuple[int, int, list[str], str]] = []
    for match in SPAN_OPEN.finditer(html):
        if found and match.start() < found[-1][1]:
            continue  # inside the previous multilang span
        lang = SPAN_LANG.search(match.group(0))
        depth, end, inner_end = 1, len(html), len(html)
        for tag in SPAN_TAG.finditer(html, match.end()):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                inner_end, end = tag.start(), tag.end()
                break
        found.append((match.start(), end, [lang.group(1)] if lang else [], html[match.end() : inner_end]))
    for match in MLANG.finditer(html):
        found.append((match.start(), match.end(), match.group(1).split(","), match.group(2)))
    return sorted(found)


def languages_of(html: str) -> Label:
    """A text with multilang markup as language -> text (still HTML); without it, the text itself.

    Text outside the spans is common to every language; the {mlang other} text, kept under
    OTHER, is for the languages of the bank that this text has no span of their own for."""
    spans = _spans(html)
    languages = list(dict.fromkeys(language_code(code) for _, _, langs, _ in spans for code in langs))
    if not languages:
        return html
    texts = dict.fromkeys(languages, "")
    position = 0
    for start, end, langs, inner in spans:
        named = [language_code(code) for code in langs]
        for lang in languages:
            texts[lang] += html[position:start] + (inner if lang in named else "")
        position = end
    return {lang: text + html[position:] for lang, text in texts.items()}


def clean(label: Label, is_html: bool = True) -> tuple[Label, list[str]]:
    """A source text, multilang resolved and HTML made plain; and the media it left out."""
    split = languages_of(label) if isinstance(label, str) else label
    if isinstance(split, str):
        return html_text(split) if is_html else (plain(split), [])
    media: list[str] = []
    texts: dict[str, str] = {}
    for lang, text in split.items():
        texts[lang], lost = html_text(text) if is_html else (plain(text), [])
        media += lost
    return {lang: text for lang, text in texts.items() if text}, media


def short(text: str, length: int = 40) -> str:
    """A text cut to `length` characters for a message, quoted."""
    return repr(text if len(text) <= length else text[: length - 1] + "…")


def first(label: Label) -> str:
    """One language's text of a label: for ids and messages."""
    return label if isinstance(label, str) else next(iter(label.values()), "")


# "True" and "False" for true/false questions, in the languages the pages speak.
TRUE_FALSE = {
    "en": ("True", "False"),
    "ru": ("Верно", "Неверно"),
    "fr": ("Vrai", "Faux"),
    "de": ("Wahr", "Falsch"),
    "es": ("Verdadero", "Falso"),
    "it": ("Vero", "Falso"),
    "ar": ("صحيح", "خطأ"),
    "uk": ("Правильно", "Неправильно"),
    "tr": ("Doğru", "Yanlış"),
    "mk": ("Точно", "Неточно"),
    "sq": ("E vërtetë", "E gabuar"),
    "sr-Latn": ("Tačno", "Netačno"),
}


def true_false(lang: str) -> tuple[str, str]:
    """The labels of a true/false question's two options in a language (English when unknown)."""
    return TRUE_FALSE.get(lang, TRUE_FALSE["en"])
