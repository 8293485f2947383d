"""The small formatting a slide's body may use, parsed into plain data the pages draw.

Bank text never reaches a page as HTML: it is cut here into paragraphs and lists of text
runs, and the pages build elements from those with DOM calls, so `<script>` in a bank is
shown as the characters it is. The subset is Markdown's plainest part:

- a blank line starts a new paragraph; the lines of one paragraph are joined by a space;
- lines starting with `- ` or `* ` make a bulleted list, `1. ` (any number) a numbered one;
- `**words**` are bold;
- a link `[label](address)` becomes the text `label (address)`: a projector cannot be
  clicked and a phone in a workshop should not leave the room's server.
"""

from __future__ import annotations

import re
from typing import Any

# A run of text and whether it is bold.
Run = dict[str, Any]
# {"kind": "paragraph", "runs": [...]} or {"kind": "bullets" | "numbered", "items": [[...], ...]}
Block = dict[str, Any]

BULLET = re.compile(r"[-*]\s+(.*)")
NUMBERED = re.compile(r"\d{1,3}[.)]\s+(.*)")
LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")
BOLD = re.compile(r"\*\*(.+?)\*\*")


def runs(line: str) -> list[Run]:
    """A line's text runs: links written out as text, `**bold**` marked."""
    text = LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", line)
    found: list[Run] = []
    at = 0
    for match in BOLD.finditer(text):
        if match.start() > at:
            found.append({"text": text[at : match.start()], "bold": False})
        found.append({"text": match.group(1), "bold": True})
        at = match.end()
    if at < len(text):
        found.append({"text": text[at:], "bold": False})
    return found


def _item_kind(line: str) -> tuple[str, str] | None:
    """("bullets" or "numbered", the item's text) for a list line, else None."""
    for kind, pattern in (("bullets", BULLET), ("numbered", NUMBERED)):
        match = pattern.fullmatch(line)
        if match:
            return kind, match.group(1)
    return None


def parse(text: str) -> list[Block]:
    """The blocks of a slide body, in order; empty text gives none."""
    blocks: list[Block] = []
    paragraph: list[str] = []

    def end_paragraph() -> None:
        if paragraph:
            blocks.append({"kind": "paragraph", "runs": runs(" ".join(paragraph))})
            paragraph.clear()

    for raw in text.splitlines():
        line = raw.strip()
        item = _item_kind(line)
        if not line:
            end_paragraph()
            continue
        if item is None:
            previous = blocks[-1] if blocks and not paragraph else None
            if previous is not None and previous["kind"] != "paragraph" and raw[:1].isspace():
                # An indented line goes on with the list item above it.
                previous["items"][-1].extend(runs(" " + line))
            else:
                paragraph.append(line)
            continue
        end_paragraph()
        kind, body = item
        if not blocks or blocks[-1]["kind"] != kind:
            blocks.append({"kind": kind, "items": []})
        blocks[-1]["items"].append(runs(body))
    end_paragraph()
    return blocks
