"""The Aiken format read into drafts.

A question is its text (Moodle reads it on one line; later lines before the first choice are
taken as more of it), then one choice per line, `A) text` or `A. text`, then `ANSWER: B`.
Read as forgivingly as trainers write it: lower-case letters, no space after the colon,
`Answer:` in any case, a full-width colon, a letter followed by `)` or `.`, and several
letters (`ANSWER: A, C`), which make a multiple answer question.
"""

from __future__ import annotations

import re

from polling.reports.imports import Conversion, Draft
from polling.reports.imports.texts import plain, short

CHOICE = re.compile(r"^([A-Za-z])\s*[.)]\s+(\S.*)$")
ANSWER = re.compile(r"^answer\s*[:：]\s*(.*)$", re.IGNORECASE)


class _Question:
    def __init__(self, line: int) -> None:
        self.line = line
        self.text: list[str] = []
        self.letters: list[str] = []
        self.choices: list[str] = []


def read(text: str) -> Conversion:
    """Every question of an Aiken file as a draft, and a notice for each it could not convert."""
    conversion = Conversion()
    current: _Question | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        choice, answer = CHOICE.match(line), ANSWER.match(line)
        if answer and current is not None:
            _finish(current, answer.group(1), number, conversion)
            current = None
        elif answer:
            conversion.skip(number, "an ANSWER: line with no question before it: ignored")
        elif choice and current is not None and current.text:
            current.letters.append(choice.group(1).upper())
            current.choices.append(plain(choice.group(2)))
        elif current is not None and current.choices:
            # Text after the choices with no ANSWER: line: that question ends here, this one begins.
            _finish(current, None, number, conversion)
            current = _Question(number)
            current.text.append(line)
        else:
            current = current or _Question(number)
            current.text.append(line)
    if current is not None:
        _finish(current, None, None, conversion)
    return conversion


def _finish(question: _Question, answer: str | None, line: int | None, conversion: Conversion) -> None:
    prompt = plain(" ".join(question.text))
    if len(question.choices) < 2:
        conversion.skip(question.line, f"{short(prompt)} has fewer than 2 choices: skipped")
        return
    draft = Draft(question.line, "multiple choice", "single", prompt, options=list(question.choices))
    if answer is None:
        conversion.skip(question.line, f"{short(prompt)} has no ANSWER: line: kept without a correct answer")
        draft.notes.append("no ANSWER: line in the source")
    else:
        letters = _letters(answer, question.letters)
        if not letters:
            conversion.skip(
                line or question.line,
                f"ANSWER: {answer.strip()!r} names no choice of {short(prompt)}: "
                "kept without a correct answer",
            )
        else:
            draft.correct = sorted({question.letters.index(letter) for letter in letters})
            if len(draft.correct) > 1:
                draft.type, draft.source = "multiple", "multiple answer"
    conversion.drafts.append(draft)


def _letters(answer: str, known: list[str]) -> list[str]:
    """The choice letters an ANSWER: line names (`B`, `b)`, `A, C`, `AC`); none if it names
    anything else."""
    tokens = [token.strip(").") for token in re.split(r"[,;/\s]+", answer.strip())]
    tokens = [token for token in tokens if token and token.lower() != "and"]
    if len(tokens) == 1 and tokens[0].isupper() and all(char in known for char in tokens[0]):
        tokens = list(tokens[0])  # AC
    letters = [token.upper() for token in tokens]
    return letters if letters and all(len(t) == 1 and t in known for t in letters) else []
