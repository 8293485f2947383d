"""Moodle XML read into drafts.

`<quiz>` holds `<question type="...">` elements, each with `<name>`, `<questiontext>`
(HTML, usually in CDATA), `<generalfeedback>` and `<answer fraction="...">` elements; a
multichoice question's `<single>` says whether one answer or several are right, a numerical
answer has its `<tolerance>`. Texts may hold several languages through Moodle's multilang
filters, which become the bank's languages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.parsers import expat

from polling.core.model import MAX_RANKING_OPTIONS
from polling.reports.imports import Conversion, Draft, Label, SourceError
from polling.reports.imports.texts import clean, first

# Moodle's types with no equivalent in a bank, in the words of Moodle's question bank.
NO_EQUIVALENT = {
    "matching": "matching",
    "ddmatch": "drag-and-drop matching",
    "randomsamatch": "random short-answer matching",
    "multianswer": "embedded answers (Cloze)",
    "cloze": "embedded answers (Cloze)",
    "calculated": "calculated",
    "calculatedsimple": "simple calculated",
    "calculatedmulti": "calculated multichoice",
    "ddwtos": "drag and drop into text",
    "gapselect": "select missing words",
    "ddimageortext": "drag and drop onto image",
    "ddmarker": "drag and drop markers",
    "random": "random",
    "description": "description (text with no answer)",
}


@dataclass
class Element:
    """An XML element with the line it starts on."""

    tag: str
    attrs: dict[str, str]
    line: int
    children: list[Element] = field(default_factory=list)
    text: str = ""

    def child(self, tag: str) -> Element | None:
        return next((c for c in self.children if c.tag == tag), None)

    def all(self, tag: str) -> list[Element]:
        return [c for c in self.children if c.tag == tag]

    def value(self, *path: str) -> str:
        """The text of a descendant by path (`questiontext`, `text`), or ""."""
        node: Element | None = self
        for tag in path:
            node = node.child(tag) if node else None
        return node.text.strip() if node else ""


def parse(text: str) -> Element:
    """The document as Elements with lines; SourceError at the line of an XML error."""
    parser = expat.ParserCreate()
    root = Element("", {}, 0)
    stack = [root]

    def start(tag: str, attrs: dict[str, str]) -> None:
        element = Element(tag, attrs, parser.CurrentLineNumber)
        stack[-1].children.append(element)
        stack.append(element)

    def end(tag: str) -> None:
        stack.pop()

    def data(chunk: str) -> None:
        stack[-1].text += chunk

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    # No document type: a file that declares entities is refused rather than expanded.
    parser.StartDoctypeDeclHandler = lambda *args: _refuse(parser.CurrentLineNumber)
    try:
        parser.Parse(text.encode("utf-8"), True)
    except expat.ExpatError as error:
        raise SourceError(error.lineno, f"not well-formed XML: {expat.errors.messages[error.code]}") from None
    quiz = root.child("quiz")
    if quiz is None:
        raise SourceError(1, "not Moodle XML: there is no <quiz> element")
    return quiz


def _refuse(line: int) -> None:
    raise SourceError(line, "a DOCTYPE is not allowed in Moodle XML")


class _Reader:
    def __init__(self, conversion: Conversion) -> None:
        self.conversion = conversion

    def label(self, element: Element | None, line: int) -> Label:
        if element is None:
            return ""
        html = element.value("text")
        text, media = clean(html, element.attrs.get("format", "html") != "plain_text")
        if media or element.all("file"):
            self.conversion.skip(line, f"{', '.join(sorted(set(media)) or ['file'])} in a text left out")
        return text


def read(text: str) -> Conversion:
    """Every question of a Moodle XML file as a draft, and a notice for each it could not convert."""
    conversion = Conversion()
    reader = _Reader(conversion)
    for question in parse(text).all("question"):
        kind = question.attrs.get("type", "")
        line = question.line
        if kind == "category":
            continue  # where Moodle files the questions, not a question
        if kind in NO_EQUIVALENT or kind not in READERS:
            what = NO_EQUIVALENT.get(kind, kind or "untyped")
            conversion.skip(line, f"{what} question {_name(question)!r} has no equivalent in a bank: skipped")
            continue
        prompt = reader.label(question.child("questiontext"), line)
        if not prompt:
            conversion.skip(line, f"question {_name(question)!r} has no text: skipped")
            continue
        feedback = reader.label(question.child("generalfeedback"), line)
        draft = Draft(line, kind, "single", prompt, name=_name(question), explanation=feedback or None)
        if READERS[kind](reader, question, draft):
            conversion.drafts.append(draft)
    return conversion


def _name(question: Element) -> str:
    name = question.value("name", "text")
    label, _ = clean(name, is_html=False)
    return first(label)


def _fraction(answer: Element) -> float:
    try:
        return float(answer.attrs.get("fraction", "0"))
    except ValueError:
        return 0.0


def _choices(reader: _Reader, question: Element, draft: Draft) -> bool:
    answers = question.all("answer")
    if len(answers) < 2:
        reader.conversion.skip(draft.line, f"question {draft.name!r} has fewer than 2 answers: skipped")
        return False
    draft.options = [reader.label(answer, answer.line) for answer in answers]
    if any(not option for option in draft.options):
        reader.conversion.skip(draft.line, f"question {draft.name!r} has an answer with no text: skipped")
        return False
    fractions = [_fraction(answer) for answer in answers]
    single = question.value("single").lower() not in ("false", "0")
    if single:
        best = max(fractions)
        draft.correct = [i for i, f in enumerate(fractions) if f == best and f > 0] or None
    else:
        draft.type = "multiple"
        draft.correct = [i for i, f in enumerate(fractions) if f > 0] or None
    draft.source = "multichoice, one answer" if single else "multichoice, several answers"
    return True


def _true_false(reader: _Reader, question: Element, draft: Draft) -> bool:
    right = max(question.all("answer"), key=_fraction, default=None)
    draft.true_false = True
    draft.source = "truefalse"
    if right is not None:
        draft.correct = [0 if right.value("text").lower() == "true" else 1]
    return True


def _short_answer(reader: _Reader, question: Element, draft: Draft) -> bool:
    draft.type, draft.source = "wordcloud", "shortanswer"
    draft.accepted = [first(reader.label(a, a.line)) for a in question.all("answer") if _fraction(a) > 0]
    draft.notes.append("a short answer question: answers are gathered as a word cloud")
    return True


def _numerical(reader: _Reader, question: Element, draft: Draft) -> bool:
    draft.type, draft.source = "number", "numerical"
    right = [a for a in question.all("answer") if _fraction(a) >= 100]
    try:
        if right:
            draft.correct = float(right[0].value("text"))
            draft.tolerance = abs(float(right[0].value("tolerance") or 0))
    except ValueError:
        reader.conversion.skip(draft.line, f"the answer of {draft.name!r} is not a number: kept without it")
    return True


def _essay(reader: _Reader, question: Element, draft: Draft) -> bool:
    draft.type, draft.source = "text", "essay"
    return True


def _ordering(reader: _Reader, question: Element, draft: Draft) -> bool:
    """Moodle's ordering plugin: each answer's fraction is its place (1, 2, 3...), or else the
    answers are listed in the right order."""
    answers = question.all("answer")
    if len(answers) > MAX_RANKING_OPTIONS:
        reader.conversion.skip(
            draft.line, f"ordering question {draft.name!r} has more than {MAX_RANKING_OPTIONS} items: skipped"
        )
        return False
    if not _choices(reader, question, draft):
        return False
    places = [_fraction(answer) for answer in answers]
    in_order = len(set(places)) == len(places) and min(places) > 0
    draft.type, draft.source = "ranking", "ordering"
    order = list(range(len(places)))
    draft.correct = sorted(order, key=places.__getitem__) if in_order else order
    return True


READERS = {
    "multichoice": _choices,
    "truefalse": _true_false,
    "shortanswer": _short_answer,
    "numerical": _numerical,
    "essay": _essay,
    "ordering": _ordering,
}
