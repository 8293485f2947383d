"""The per-question tables that the workbook and the HTML report both show. Pure.

A report covers one session, or several that ran the same bank (or banks sharing question
ids) side by side: every table then has one count column per session, in the order given."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from polling.core.model import CHOICE_TYPES, Question, QuestionType
from polling.core.session import Session
from polling.core.tally import MAX_WORDS, Moderation, number_results
from polling.reports.exports import session_quiz_summary
from polling.reports.labels import CATALOGUES, Labels


class LanguageError(ValueError):
    """A report asked for in a language that neither the bank nor the report speaks."""


def report_language(sessions: list[Session], lang: str | None) -> str:
    """The language of a report: `lang` when a bank or the report's labels have it, else the
    first bank's default language."""
    if lang is None or lang == "":
        return sessions[0].bank.default_language
    known = {code for s in sessions for code in s.bank.languages} | set(CATALOGUES)
    if lang not in known:
        raise LanguageError(f'No language "{lang}": choose one of {", ".join(sorted(known))}')
    return lang


def text_language(session: Session, lang: str) -> str:
    """The language of the bank's own texts in a report: `lang` where the bank has it."""
    return lang if lang in session.bank.languages else session.bank.default_language


def session_label(session: Session) -> str:
    """How a session is named beside others: the day it ran and its join code."""
    return f"{session.created[:10]} {session.code}"


@dataclass
class QuestionTable:
    """One question across the sessions of a report: items and their counts, per session."""

    question: Question
    prompt: str
    type_label: str
    sessions: list[str]
    items: list[str] = field(default_factory=list)
    # counts[s][i]: how many answers of session s chose item i (0 where s lacks the question).
    counts: list[list[int]] = field(default_factory=list)
    responses: list[int] = field(default_factory=list)
    headlines: list[str] = field(default_factory=list)
    # Mean, median, minimum and maximum of a number question (label, one value per session).
    statistics: list[tuple[str, list[Any]]] = field(default_factory=list)
    # Open text: the approved answers of each session; word clouds: each session's words.
    texts: list[list[str]] = field(default_factory=list)
    words: list[list[tuple[str, int]]] = field(default_factory=list)
    # What the counts are: answers, or a ranking's Borda points (n - 1 for a first place).
    measure: str = "count"
    # Quiz questions: which items are the right answer, and each session's (share of right
    # answers, mean points), None where nobody answered.
    correct: list[bool] = field(default_factory=list)
    right: list[tuple[float, float] | None] = field(default_factory=list)

    @property
    def has_shares(self) -> bool:
        """Whether the table shows shares: of answers counted, not of ranking points."""
        return self.measure == "count"

    def grid(self, labels: Labels) -> tuple[list[str], list[list[Any]]]:
        """The table as both reports show it: its header, then per item the item, its count (or
        points) in each session, its share in each session, and a mark on a quiz's right option."""
        several = len(self.sessions) > 1

        def named(key: str) -> list[str]:
            return [f"{labels(key)} {s}" if several else labels(key) for s in self.sessions]

        header = [labels("item"), *named(self.measure), *(named("share") if self.has_shares else [])]
        header += [labels("correct")] if self.correct else []
        rows = []
        for index, item in enumerate(self.items):
            row: list[Any] = [item, *[counts[index] for counts in self.counts]]
            row += [self.shares(s)[index] for s in range(len(self.sessions))] if self.has_shares else []
            row += ["✓" if self.correct[index] else ""] if self.correct else []
            rows.append(row)
        return header, rows

    def shares(self, index: int) -> list[float | None]:
        """Session `index`'s counts as a share (0 to 1) of its responses."""
        total = self.responses[index]
        return [round(n / total, 4) if total else None for n in self.counts[index]]


def questions(sessions: list[Session]) -> list[Question]:
    """Every question of the report: the first bank's in its order, then any other bank's
    questions that it lacks."""
    seen: dict[str, Question] = {}
    for session in sessions:
        for question in session.bank.questions:
            if not question.is_slide:  # a slide has nothing to report
                seen.setdefault(question.id, question)
    return list(seen.values())


def question_tables(sessions: list[Session], lang: str) -> list[QuestionTable]:
    """The table of each question of the report, in `lang`."""
    return [question_table(sessions, q, lang) for q in questions(sessions)]


def question_table(sessions: list[Session], question: Question, lang: str) -> QuestionTable:
    """One question's table: its items in `lang` and each session's counts."""
    labels = Labels(lang)
    first = next(s for s in sessions if s.bank.question(question.id) is not None)
    table = QuestionTable(
        question,
        question.prompt[text_language(first, lang)],
        labels(f"type_{question.type}"),
        [session_label(s) for s in sessions],
    )
    results = [_results(s, question.id) for s in sessions]
    table.responses = [s.tallies[question.id].responses if question.id in s.tallies else 0 for s in sessions]
    match question.type:
        case QuestionType.NUMBER:
            _numbers(table, sessions, labels)
        case QuestionType.WORDCLOUD:
            _words(table, results)
        case QuestionType.RANKING:
            _ranking(table, results, first, lang, labels)
        case QuestionType.TEXT:
            statuses = list(Moderation)
            table.items = [labels(f"status_{s}") for s in statuses]
            table.counts = [[r.get(str(s), 0) for s in statuses] for r in results]
            table.texts = [_approved(s, question.id) for s in sessions]
        case _:
            # Choices, scales and any type whose results are counts by item (ranking points).
            keys = _count_keys(results)
            names = {o.id: o.label[text_language(first, lang)] for o in question.options}
            table.items = [names.get(k, k) for k in keys]
            table.counts = [[r.get("counts", {}).get(k, 0) for k in keys] for r in results]
    if question.correct is not None:
        _quiz(table, sessions, first, lang)
    table.headlines = [_headline(table, i, results[i], labels) for i in range(len(sessions))]
    return table


def _ranking(
    table: QuestionTable, results: list[dict[str, Any]], first: Session, lang: str, labels: Labels
) -> None:
    """A ranking: each option's Borda points per session (in the first session's order, highest
    first), and its mean rank below."""
    order = [row["id"] for row in results[0].get("ranking", [])] or table.question.option_ids()
    names = {o.id: o.label[text_language(first, lang)] for o in table.question.options}
    rows = [{row["id"]: row for row in r.get("ranking", [])} for r in results]
    table.measure = "points"
    table.items = [names.get(o, o) for o in order]
    table.counts = [[by_id.get(o, {}).get("borda", 0) for o in order] for by_id in rows]
    table.statistics = [
        (f"{labels('mean_rank')}: {names.get(o, o)}", [by_id.get(o, {}).get("mean_rank") for by_id in rows])
        for o in order
    ]


def _quiz(table: QuestionTable, sessions: list[Session], first: Session, lang: str) -> None:
    """Which items are right, and how many of each session's answers were fully right."""
    question = table.question
    wanted = question.correct if isinstance(question.correct, list) else [question.correct]
    names = {o.id: o.label[text_language(first, lang)] for o in question.options}
    right = {names.get(str(c), str(c)) for c in wanted}
    if question.type in CHOICE_TYPES:
        table.correct = [item in right for item in table.items]
    for session in sessions:
        table.right.append(session_quiz_summary(session, question))


def _results(session: Session, question_id: str) -> dict[str, Any]:
    tally = session.tallies.get(question_id)
    return tally.results() if tally is not None else {}


def _count_keys(results: list[dict[str, Any]]) -> list[str]:
    keys: dict[str, None] = {}
    for result in results:
        keys.update(dict.fromkeys(str(k) for k in result.get("counts", {})))
    return list(keys)


def _approved(session: Session, question_id: str) -> list[str]:
    """Open-text answers the facilitator approved: the only ones a report may repeat."""
    tally = session.tallies.get(question_id)
    return [t.text for t in tally.texts(approved_only=True)] if tally is not None else []


def _words(table: QuestionTable, results: list[dict[str, Any]]) -> None:
    table.words = [[(str(w), int(n)) for w, n in r.get("words", [])] for r in results]
    totals: Counter[str] = Counter()
    for words in table.words:
        totals.update(dict(words))
    table.items = [w for w, _ in totals.most_common(MAX_WORDS)]
    table.counts = [[dict(words).get(w, 0) for w in table.items] for words in table.words]


def _numbers(table: QuestionTable, sessions: list[Session], labels: Labels) -> None:
    """Number answers in bins shared by every session (taken from all answers together), so
    that the columns of several sessions compare."""
    values = [_number_values(s, table.question.id) for s in sessions]
    pooled: Counter[Any] = Counter()
    for counter in values:
        pooled.update(counter)
    bins = number_results(pooled)["bins"]
    # As intervals: a bin from -6 to -4 must not begin with a minus, read as a formula.
    table.items = [f"[{b['from']}, {b['to']}{']' if b is bins[-1] else ')'}" for b in bins]
    table.counts = [[_in_bin(counter, b, b is bins[-1]) for b in bins] for counter in values]
    each = [number_results(counter) for counter in values]
    table.statistics = [
        (labels(name), [r[name if name not in ("minimum", "maximum") else name[:3]] for r in each])
        for name in ("mean", "median", "minimum", "maximum")
    ]


def _number_values(session: Session, question_id: str) -> Counter[Any]:
    tally = session.tallies.get(question_id)
    return Counter(tally.answers.values()) if tally is not None else Counter()


def _in_bin(counter: Counter[Any], edges: dict[str, Any], last: bool) -> int:
    low, high = edges["from"], edges["to"]
    return sum(n for v, n in counter.items() if low <= v < high or (last and v == high))


def _headline(table: QuestionTable, index: int, results: dict[str, Any], labels: Labels) -> str:
    """The one figure an organiser quotes for a question in a session: for a quiz question, the
    share of right answers first."""
    figure = _figure(table, index, results, labels)
    right = table.right[index] if table.right else None
    if right is None:
        return figure
    share, points = right
    return f"{labels('right_answers')}: {round(100 * share)}%; {labels('mean_points')}: {points}; {figure}"


def _figure(table: QuestionTable, index: int, results: dict[str, Any], labels: Labels) -> str:
    counts = table.counts[index] if table.counts else []
    if not table.responses[index]:
        return labels("no_answers")
    match table.question.type:
        case QuestionType.SCALE:
            return f"{labels('mean')}: {results.get('mean')}"
        case QuestionType.NUMBER:
            return f"{labels('median')}: {results.get('median')}; {labels('mean')}: {results.get('mean')}"
        case QuestionType.WORDCLOUD:
            word, count = table.words[index][0]
            return f"{labels('top_word')}: {word} ({count})"
        case QuestionType.TEXT:
            return f"{labels('approved_answers')}: {len(table.texts[index])}"
        case QuestionType.RANKING:
            best = max(range(len(counts)), key=lambda i: counts[i])
            return f"{labels('top_ranked')}: {table.items[best]}"
    if not counts:
        return labels("no_answers")
    best = max(range(len(counts)), key=lambda i: counts[i])
    share = round(100 * counts[best] / table.responses[index])
    return f"{labels('most_chosen')}: {table.items[best]} ({share}%)"
