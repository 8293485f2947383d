"""Moodle's GIFT format read into drafts.

A question is a block of lines between blank lines: `::title::` then the text, then answers
in braces: `{=right ~wrong}` (multiple choice; `~%50%` weights make it multiple answer),
`{T}` or `{FALSE}` (true/false), `{=a =b}` (short answer), `{#1822:5}` or `{#1..5}`
(numerical), `{=x -> y ...}` (matching), `{}` (essay); text after the braces makes it a
missing-word question. `#` starts an answer's feedback and `####` the general feedback;
`\\~ \\= \\# \\{ \\} \\:` are the characters themselves and `\\n` a line break; lines starting
with `//` are comments.
"""

from __future__ import annotations

import re

from polling.reports.imports import Conversion, Draft, Label
from polling.reports.imports.texts import clean, short

# Each escaped special character held apart, in Unicode's private use area, while parsing.
ESCAPES = {"\\\\": "\ue000", "\\~": "\ue001", "\\=": "\ue002", "\\#": "\ue003", "\\{": "\ue004"}
ESCAPES |= {"\\}": "\ue005", "\\:": "\ue006", "\\n": "\n"}
UNESCAPE = {held: raw[1] for raw, held in ESCAPES.items() if raw != "\\n"}
FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
TRUE_FALSE = re.compile(r"(TRUE|T|FALSE|F)\s*(#.*)?", re.DOTALL)
NUMBER = r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"


def _escape(text: str) -> str:
    for raw, held in ESCAPES.items():
        text = text.replace(raw, held)
    return text


def _unescape(text: str) -> str:
    for held, char in UNESCAPE.items():
        text = text.replace(held, char)
    return text


def blocks(text: str) -> list[tuple[int, str]]:
    """The question blocks of a GIFT file with the line each starts on; comments left out."""
    found: list[tuple[int, str]] = []
    lines: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("//"):
            continue
        if not line.strip():
            if lines:
                found.append((start, "\n".join(lines)))
            lines = []
            continue
        if not lines:
            start = number
        lines.append(line)
    if lines:
        found.append((start, "\n".join(lines)))
    return found


class _Block:
    """One question block being read."""

    def __init__(self, line: int, conversion: Conversion) -> None:
        self.line = line
        self.conversion = conversion
        self.format = "moodle"  # the question text's format, which its answers share by default

    def label(self, raw: str) -> Label:
        """A text of the block, escapes resolved, format marker, multilang and HTML made plain."""
        marker = FORMAT.match(raw)
        if marker:
            raw = raw[marker.end() :]
        kind = marker.group(1).lower() if marker else self.format
        # Moodle's own format and HTML may hold tags; "x < 5" in either is still text.
        is_html = kind in ("html", "moodle") and re.search(r"<[A-Za-z/!]", raw) is not None
        text, media = clean(_unescape(raw), is_html)
        if media:
            self.conversion.skip(self.line, f"{', '.join(sorted(set(media)))} in a text left out")
        return text


def _feedback(text: str) -> tuple[str, str | None]:
    """An answer's text and its feedback (after an unescaped #), if any."""
    body, hash_, feedback = text.partition("#")
    return body, feedback if hash_ else None


def _number_spec(spec: str) -> tuple[float, float] | None:
    """`1822:5`, `1..5` or `42` as (value, tolerance)."""
    spec = _unescape(spec).strip()
    if match := re.fullmatch(rf"({NUMBER})\s*\.\.\s*({NUMBER})", spec):
        low, high = float(match.group(1)), float(match.group(2))
        return (low + high) / 2, abs(high - low) / 2
    if match := re.fullmatch(rf"({NUMBER})(?:\s*:\s*({NUMBER}))?", spec):
        return float(match.group(1)), abs(float(match.group(2) or 0))
    return None


def read(text: str) -> Conversion:
    """Every question of a GIFT file as a draft, and a notice for each it could not convert."""
    conversion = Conversion()
    for line, block in blocks(text):
        if block.lstrip().startswith("$CATEGORY:"):
            category = block.strip().removeprefix("$CATEGORY:").strip()
            conversion.skip(line, f"category {category!r} left out: a bank has no categories")
            continue
        draft = _question(line, _escape(block), conversion)
        if draft is not None:
            conversion.drafts.append(draft)
    return conversion


def _question(line: int, block: str, conversion: Conversion) -> Draft | None:
    reader = _Block(line, conversion)
    name = ""
    if title := re.match(r"\s*::(.*?)::", block, re.DOTALL):
        name, block = _unescape(title.group(1)).strip(), block[title.end() :]
    opening, closing = block.find("{"), block.rfind("}")
    if opening < 0:
        conversion.skip(line, "a description (text with no answers in { }), not a question: skipped")
        return None
    if closing < opening:
        conversion.skip(line, "the answers' { has no closing }: question skipped")
        return None
    before, answers, after = block[:opening], block[opening + 1 : closing], block[closing + 1 :]
    if marker := FORMAT.match(before):
        reader.format = marker.group(1).lower()
    kind = ""
    if after.strip():
        before, kind = f"{before.rstrip()} _____ {after.lstrip()}", "missing word"
    prompt = reader.label(before)
    if not prompt:
        conversion.skip(line, "a question with no text: skipped")
        return None
    answers, _, general = answers.partition("####")
    explanation = reader.label(general) if general.strip() else None
    draft = Draft(line, kind, "single", prompt, name=name, explanation=explanation or None)
    if _answers(reader, draft, answers.strip()):
        return draft
    return None


def _answers(reader: _Block, draft: Draft, answers: str) -> bool:
    """Fill the draft from the text between the braces; False (with a notice) if it has no equivalent."""
    skip = reader.conversion.skip
    if not answers:
        draft.type, draft.source = "text", "essay"
        return True
    if answers.startswith("#"):
        return _numerical(reader, draft, answers[1:])
    if match := TRUE_FALSE.fullmatch(answers):
        draft.source = f"{draft.source} true/false".strip()
        draft.true_false = True
        draft.correct = [0 if match.group(1).startswith("T") else 1]
        return True
    pieces = re.split(r"(?=[=~])", answers)
    if pieces[0].strip():
        skip(draft.line, f"cannot read the answers {short(_unescape(answers))}: each starts with = or ~")
        return False
    choices = []
    for piece in pieces[1:]:
        body, _ = _feedback(piece[1:])
        weight = WEIGHT.match(body.strip())
        body = body.strip()[weight.end() :] if weight else body
        choices.append((piece[0], float(weight.group(1)) if weight else None, body))
    if any("->" in body for _, _, body in choices):
        skip(draft.line, "a matching question has no equivalent in a bank: skipped")
        return False
    if all(marker == "=" for marker, _, _ in choices):
        draft.type, draft.source = "wordcloud", f"{draft.source} short answer".strip()
        draft.accepted = [_unescape(body).strip() for _, _, body in choices]
        draft.notes.append("a short answer question: answers are gathered as a word cloud")
        return True
    if len(choices) < 2:
        skip(draft.line, "a multiple choice question needs at least 2 answers: skipped")
        return False
    right = [
        index
        for index, (marker, weight, _) in enumerate(choices)
        if (marker == "=" and (weight is None or weight > 0)) or (marker == "~" and weight and weight > 0)
    ]
    several = len(right) > 1 or any(marker == "~" and weight and weight > 0 for marker, weight, _ in choices)
    draft.type = "multiple" if several else "single"
    draft.source = f"{draft.source} {'multiple answer' if several else 'multiple choice'}".strip()
    draft.options = [reader.label(body) for _, _, body in choices]
    draft.correct = right or None
    return True


def _numerical(reader: _Block, draft: Draft, answers: str) -> bool:
    """`{#1822:5}`, `{#1..5}` or several `=%n%value:tolerance`: the full-credit one is correct."""
    draft.type, draft.source = "number", f"{draft.source} numerical".strip()
    pieces = [p for p in re.split(r"(?=[=~])", answers) if p.strip()] if "=" in answers else ["=" + answers]
    for piece in pieces:
        body, _ = _feedback(piece[1:])
        weight = WEIGHT.match(body.strip())
        if piece[0] != "=" or (weight and float(weight.group(1)) < 100):
            continue
        spec = _number_spec(body.strip()[weight.end() :] if weight else body)
        if spec is None:
            reader.conversion.skip(draft.line, f"cannot read the number {_unescape(body.strip())!r}: skipped")
            return False
        draft.correct, draft.tolerance = spec
        return True
    draft.notes.append("no answer with full credit: kept without a correct answer")
    return True
