"""Converted questions written out as a bank: readable YAML, with what had no field as comments."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import yaml

from polling.core import banks
from polling.core.model import QuestionType
from polling.reports.imports import Conversion, Draft, Label, Notice
from polling.reports.imports.texts import OTHER, first, true_false

MAX_ID = 40


def _has_field(qtype: str, key: str) -> bool:
    """Whether the banks of this version take `key` on a question of this type."""
    if qtype not in banks.TYPE_NAMES:
        return False
    every = getattr(banks, "ANY_TYPE_KEYS", ())
    return key in banks.TYPE_KEYS[QuestionType(qtype)] or key in every


def scalar(value: str | float) -> str:
    """One YAML scalar on one line, quoted only when YAML needs it."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    dumped = yaml.safe_dump(value, allow_unicode=True, width=2**30, default_flow_style=True)
    return dumped.removesuffix("\n").removesuffix("\n...").strip()


def _comment(text: str) -> str:
    return " ".join(text.split())


def slug(name: str) -> str:
    """An id from a name: ASCII letters, digits and '-', at most MAX_ID characters."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-").lower()
    return words[:MAX_ID].rstrip("-")


def question_ids(drafts: list[Draft]) -> list[str]:
    """A unique id for each question, from its name in the source or its place."""
    taken: set[str] = set()
    ids = []
    for number, draft in enumerate(drafts, start=1):
        base = slug(draft.name) or f"q{number}"
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}-{n}", n + 1
        taken.add(candidate)
        ids.append(candidate)
    return ids


def option_id(index: int) -> str:
    """a, b, c... as Aiken and Moodle number them; o27, o28... beyond z."""
    return chr(ord("a") + index) if index < 26 else f"o{index + 1}"


class _Lines:
    """The bank's lines, with its languages to write texts in."""

    def __init__(self, languages: list[str]) -> None:
        self.languages = languages
        self.lines: list[str] = []
        self.notices: list[Notice] = []

    def add(self, indent: int, text: str) -> None:
        self.lines.append(" " * indent + text)

    def text(self, indent: int, key: str, label: Label, line: int) -> None:
        """A text field: a plain string, or one line per language of the bank."""
        if isinstance(label, str):
            self.add(indent, f"{key}: {scalar(label)}")
            return
        texts = {
            lang: label.get(lang) or label[OTHER]
            for lang in self.languages
            if label.get(lang) or label.get(OTHER)
        }
        if self.languages[0] not in texts:
            # The default language must be there: the first language the source has stands in.
            stand_in = next(lang for lang in self.languages if label.get(lang))
            texts = {self.languages[0]: label[stand_in], **texts}
            self.notices.append(
                Notice(line, f"{key} has no {self.languages[0]!r} text: the {stand_in!r} one stands in")
            )
        if len(set(texts.values())) == 1 and len(texts) == len(self.languages):
            self.add(indent, f"{key}: {scalar(texts[self.languages[0]])}")
            return
        self.add(indent, f"{key}:")
        for lang, value in texts.items():
            self.add(indent + 2, f"{scalar(lang)}: {scalar(value)}")


def _correct(draft: Draft, ids: list[str]) -> Any:
    if draft.type == "number" or not isinstance(draft.correct, list):
        return draft.correct
    chosen = [ids[index] for index in draft.correct]
    return chosen[0] if draft.type == "single" else chosen


def _question(out: _Lines, draft: Draft, qid: str, fmt: str) -> None:
    out.add(2, f"# {fmt} line {draft.line}: {_comment(draft.source)}")
    for note in draft.notes:
        out.add(2, f"# {_comment(note)}")
    out.add(2, f"- id: {scalar(qid)}")
    out.add(4, f"type: {draft.type}")
    out.text(4, "prompt", draft.prompt, draft.line)
    labels: list[Label] = list(draft.options)
    if draft.true_false:
        labels = [{lang: true_false(lang)[i] for lang in out.languages} for i in (0, 1)]
    ids = [("true", "false")[i] if draft.true_false else option_id(i) for i in range(len(labels))]
    if labels:
        out.add(4, "options:")
        for oid, label in zip(ids, labels, strict=True):
            out.add(6, f"- id: {scalar(oid)}")
            out.text(8, "label", label, draft.line)
    correct = _correct(draft, ids)
    if correct is not None and _has_field(draft.type, "correct"):
        shown = f"[{', '.join(map(scalar, correct))}]" if isinstance(correct, list) else scalar(correct)
        out.add(4, f"correct: {shown}")
        if draft.tolerance and _has_field(draft.type, "tolerance"):
            out.add(4, f"tolerance: {scalar(draft.tolerance)}")
    elif correct is not None:
        within = f" (within {scalar(draft.tolerance)})" if draft.tolerance else ""
        shown = ", ".join(correct) if isinstance(correct, list) else scalar(correct)
        out.add(4, f"# correct: {shown}{within}")
    if draft.accepted:
        out.add(4, f"# accepted answers: {_comment('; '.join(draft.accepted))}")
    if draft.explanation is not None and _has_field(draft.type, "explanation"):
        out.text(4, "explanation", draft.explanation, draft.line)
    elif draft.explanation is not None:
        out.add(4, f"# explanation: {_comment(first(draft.explanation))}")


def bank_languages(drafts: list[Draft], lang: str) -> list[str]:
    """The bank's languages: those the source's multilang texts use (`lang` first when it is one
    of them), or `lang` alone."""
    found: list[str] = []
    for draft in drafts:
        for label in [draft.prompt, *draft.options, draft.explanation]:
            if isinstance(label, dict):
                found += [code for code in label if code not in found and code != OTHER]
    if not found:
        return [lang]
    return [lang, *(code for code in found if code != lang)] if lang in found else found


def bank_yaml(
    conversion: Conversion, title: str, lang: str, source: str, fmt: str
) -> tuple[str, list[Notice]]:
    """The bank's YAML text, and notices of texts that had to stand in for another language."""
    languages = bank_languages(conversion.drafts, lang)
    out = _Lines(languages)
    out.add(
        0, f"# Converted by `polling import` from {_comment(source)} ({fmt}). Check it with `polling check`."
    )
    out.add(0, f"title: {scalar(title)}")
    out.add(0, f"languages: [{', '.join(scalar(code) for code in languages)}]")
    out.add(0, "questions:")
    for draft, qid in zip(conversion.drafts, question_ids(conversion.drafts), strict=True):
        _question(out, draft, qid, fmt)
    return "\n".join(out.lines) + "\n", out.notices
