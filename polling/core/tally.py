"""Live results of one question: counts that follow each participant's last answer."""

from __future__ import annotations

import hashlib
import math
import secrets
import statistics
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from polling.core.answers import Value, normalize_word
from polling.core.model import Question, QuestionType

MAX_WORDS = 60
MAX_BINS = 10


class Moderation(StrEnum):
    """Whether an open-text answer may appear on the presenter screen."""

    PENDING = "pending"
    APPROVED = "approved"
    HIDDEN = "hidden"


def text_id(question_id: str, participant: str) -> str:
    """The id under which a text answer is shown and moderated.

    Not the author's key, and different for each question, so that the ids a screen or a
    console sees never link one participant's answers; the same in every server process."""
    return hashlib.sha256(f"{question_id}:{participant}".encode()).hexdigest()[:16]


@dataclass
class TextAnswer:
    """An open-text answer and its moderation; `version` is when it last changed."""

    id: str
    text: str
    status: Moderation
    version: int = 0

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "text": self.text, "status": str(self.status)}


class Tally:
    """Counts for one question; a participant's new answer replaces their previous one."""

    def __init__(self, question: Question) -> None:
        self.question = question
        self.answers: dict[str, Value] = {}
        self._counts: Counter[Any] = Counter()
        # Text answers by author, in the order they first arrived; by id; and by last change.
        self._texts: dict[str, TextAnswer] = {}
        self._by_id: dict[str, str] = {}
        self._changed: dict[str, TextAnswer] = {}
        # Counts every change of a text answer; with the epoch (this tally's own, so that a
        # version from another process or before a restart is never mistaken for one of it),
        # a console says what it has and gets only what changed since.
        self.version = 0
        self.epoch = secrets.token_hex(4)
        # Word clouds: how often each spelling of a counted (case-folded) word was given.
        self._spellings: dict[str, Counter[str]] = {}

    @property
    def responses(self) -> int:
        """How many participants have answered."""
        return len(self.answers)

    def add(self, participant: str, value: Value, status: Moderation | None = None) -> None:
        """Count `value` as `participant`'s answer, replacing any earlier one."""
        counts = self._counts
        previous = self.answers.get(participant)
        if previous is not None:
            for item in self._items(previous):
                counts[item] -= 1
            if self.question.type is QuestionType.WORDCLOUD:
                self._spell(str(previous), -1)
        self.answers[participant] = value
        for item in self._items(value):
            counts[item] += 1
        if self.question.type is QuestionType.WORDCLOUD:
            self._spell(str(value), +1)
        if self.question.type is QuestionType.TEXT:
            old = self._texts.get(participant)
            keep = old is not None and old.text == value
            if status is None:
                status = old.status if keep and old else Moderation.PENDING
            if old is None:
                old = TextAnswer(text_id(self.question.id, participant), str(value), status)
                self._texts[participant] = old
                self._by_id[old.id] = participant
            elif keep and old.status is status:
                return  # resent as it was: nothing changed
            old.text, old.status = str(value), status
            self._touch(old)

    def moderate(self, answer_id: str, status: Moderation) -> TextAnswer:
        """Set the moderation of a text answer; KeyError when there is none with this id."""
        answer = self._texts[self._by_id[answer_id]]
        answer.status = status
        self._touch(answer)
        return answer

    def author(self, answer_id: str) -> str | None:
        """The anonymous key of the participant who wrote the text answer with this id."""
        return self._by_id.get(answer_id)

    def _touch(self, answer: TextAnswer) -> None:
        self.version += 1
        answer.version = self.version
        # Moved to the end: the dict stays ordered by version, so changes_since reads only
        # what changed, however long the list.
        self._changed.pop(answer.id, None)
        self._changed[answer.id] = answer

    def changes_since(self, version: int) -> list[TextAnswer]:
        """The text answers that changed after `version`, oldest change first."""
        changed: list[TextAnswer] = []
        for answer in reversed(self._changed.values()):
            if answer.version <= version:
                break
            changed.append(answer)
        changed.reverse()
        return changed

    def status_of(self, participant: str) -> Moderation | None:
        """The moderation of a participant's text answer, None for other types."""
        text = self._texts.get(participant)
        return text.status if text else None

    def texts(self, approved_only: bool = False) -> list[TextAnswer]:
        """Text answers in the order they first arrived."""
        return [t for t in self._texts.values() if t.status is Moderation.APPROVED or not approved_only]

    def _spell(self, word: str, step: int) -> None:
        key = normalize_word(word)
        spellings = self._spellings.setdefault(key, Counter())
        spellings[word] += step
        if spellings[word] <= 0:
            del spellings[word]
            if not spellings:
                del self._spellings[key]

    def _items(self, value: Value) -> list[Any]:
        if self.question.type is QuestionType.RANKING and isinstance(value, list):
            # (option, place) pairs: how many put each option at each place, 0 the first.
            return list(enumerate_places(value))
        if isinstance(value, list):
            return list(value)
        if self.question.type is QuestionType.TEXT:
            return []
        if self.question.type is QuestionType.WORDCLOUD:
            return [normalize_word(str(value))]
        return [value]

    def results(self) -> dict[str, Any]:
        """The results in the shape of docs/protocol.md, RESULTS."""
        match self.question.type:
            case QuestionType.SINGLE | QuestionType.MULTIPLE:
                return {"counts": {o: self._counts[o] for o in self.question.option_ids()}}
            case QuestionType.RANKING:
                return ranking_results(self.question.option_ids(), self._counts)
            case QuestionType.SCALE:
                return self._scale_results()
            case QuestionType.NUMBER:
                return number_results(self._counts)
            case QuestionType.WORDCLOUD:
                common = [(w, n) for w, n in self._counts.most_common(MAX_WORDS) if n > 0]
                return {"words": [[common_spelling(self._spellings[w]), n] for w, n in common]}
            case QuestionType.TEXT:
                statuses = Counter(t.status for t in self._texts.values())
                return {str(s): statuses[s] for s in Moderation}
            case QuestionType.SLIDE:
                return {}  # a slide takes no answers
        raise AssertionError(self.question.type)  # pragma: no cover

    def _scale_results(self) -> dict[str, Any]:
        low, high = int(self.question.min or 0), int(self.question.max or 0)
        counts = {str(point): self._counts[point] for point in range(low, high + 1)}
        total = sum(self._counts[p] for p in range(low, high + 1))
        weighted = sum(p * self._counts[p] for p in range(low, high + 1))
        return {"counts": counts, "mean": round(weighted / total, 2) if total else None}


def enumerate_places(order: list[str]) -> list[tuple[str, int]]:
    """A ranking answer as (option, place) pairs, place 0 the highest."""
    return [(option, place) for place, option in enumerate(order)]


def ranking_results(options: list[str], places: Counter[Any]) -> dict[str, Any]:
    """Each option's mean rank (1 is first) and Borda score (n - 1 points for a first place down
    to 0 for the last, summed over participants), highest Borda first; ties in bank order."""
    size = len(options)
    rows: list[dict[str, Any]] = []
    for option in options:
        counts = [places[(option, place)] for place in range(size)]
        answered = sum(counts)
        ranks = sum((place + 1) * n for place, n in enumerate(counts))
        rows.append(
            {
                "id": option,
                "mean_rank": round(ranks / answered, 2) if answered else None,
                "borda": sum((size - 1 - place) * n for place, n in enumerate(counts)),
                "places": counts,
            }
        )
    rows.sort(key=lambda row: -row["borda"])  # stable: bank order among equals
    return {"ranking": rows}


def common_spelling(spellings: Counter[str]) -> str:
    """The spelling of a word that most participants used ("Trust" over "trust"); on a tie,
    the one given first, so the word on the screen does not flicker between spellings."""
    return spellings.most_common(1)[0][0]


def number_results(counts: Counter[Any]) -> dict[str, Any]:
    """Summary and histogram of numeric answers held as value -> count."""
    values = sorted(v for v, n in counts.items() if n > 0)
    total = sum(counts[v] for v in values)
    if not total:
        return {"count": 0, "mean": None, "median": None, "min": None, "max": None, "bins": []}
    low, high = values[0], values[-1]
    return {
        "count": total,
        "mean": round(sum(v * counts[v] for v in values) / total, 2),
        "median": _median(values, counts, total),
        "min": low,
        "max": high,
        "bins": _bins(values, counts, low, high),
    }


def _median(values: list[Any], counts: Counter[Any], total: int) -> float:
    """The median of sorted values held as value -> count, without expanding them."""
    wanted = [(total - 1) // 2, total // 2]
    found: list[float] = []
    seen = 0
    for value in values:
        seen += counts[value]
        while wanted and wanted[0] < seen:
            found.append(value)
            wanted.pop(0)
    return float(statistics.fmean(found))


def _bins(values: list[Any], counts: Counter[Any], low: float, high: float) -> list[dict[str, Any]]:
    """At most MAX_BINS + 1 bins of a round width; each value counted in the bin by index, so
    float drift in the edges never moves a value to the wrong bin."""
    width = _nice_width((high - low) / MAX_BINS) if high > low else 0.0
    start = math.floor(low / width) * width if width else low
    if not width or start + width == start:
        # Too close together to tell apart at this magnitude: one bin holds them all.
        return [{"from": _tidy(low), "to": _tidy(high), "count": sum(counts[v] for v in values)}]
    size = min(MAX_BINS + 1, math.floor(round((high - start) / width, 9)) + 1)
    tallies = [0] * size
    for value in values:
        tallies[min(size - 1, max(0, math.floor(round((value - start) / width, 9))))] += counts[value]
    return [
        {"from": _tidy(start + i * width), "to": _tidy(start + (i + 1) * width), "count": n}
        for i, n in enumerate(tallies)
    ]


def _nice_width(raw: float) -> float:
    """Round a bin width up to 1, 2 or 5 times a power of ten, so edges read well."""
    power = 10 ** math.floor(math.log10(raw))
    for step in (1, 2, 5, 10):
        if raw <= step * power:
            return float(step * power)
    return float(10 * power)  # pragma: no cover


def _tidy(number: float) -> float | int:
    rounded = round(float(number), 9)
    return int(rounded) if rounded.is_integer() else rounded
