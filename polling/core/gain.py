"""Learning gain between a course's pre-test and post-test: pure arithmetic over paired phones.

A phone is paired when it answered both the pre and the post session of a course (matched by
the keyed hash of its course token, never by an identity). Only paired phones enter the
figures, so that the pre and the post means are of the same people; the unpaired are counted
apart. Below MIN_PAIRED paired phones nothing but the counts is given: the figures of three
people would say more about them than about the course.

Normalised gain, per question and overall, is Hake's gain of the class means:

    g = (post - pre) / (max - pre)

with `pre` and `post` the mean scores of the paired phones and `max` the most a phone can
score. It is the share of what was left to learn that was learned: 0 no change, 1 everything,
negative when the post-test went worse. Where `pre` = `max` (every paired phone already had
full marks) nothing was left to learn and g is undefined: it is None (shown as "-"), never 0
or 1. A question a paired phone left unanswered scores 0 and is not correct.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

MIN_PAIRED = 5


@dataclass(frozen=True)
class Scored:
    """One phone's answer to one question, judged: its points, whether it was fully right,
    and the confidence (1 to 5) it gave beside it, if any."""

    points: int
    correct: bool
    confidence: int | None = None


# One phone's answers to a test, by question id; a question it left out is missing.
Sheet = Mapping[str, Scored]


@dataclass(frozen=True)
class Side:
    """The paired phones on one test (pre or post) for a question, or for the whole test."""

    share_correct: float
    mean_score: float
    mean_confidence: float | None  # of the paired phones that gave one; None when none did

    def to_dict(self) -> dict[str, float | None]:
        return {
            "share_correct": self.share_correct,
            "mean_score": self.mean_score,
            "mean_confidence": self.mean_confidence,
        }


@dataclass(frozen=True)
class Line:
    """The gain of one question (`question` set) or of the whole test (`question` None)."""

    question: str | None
    max_score: int
    pre: Side
    post: Side
    gain: float | None

    def to_dict(self) -> dict[str, object]:
        return {
            "question": self.question,
            "max_score": self.max_score,
            "pre": self.pre.to_dict(),
            "post": self.post.to_dict(),
            "gain": self.gain,
        }


@dataclass(frozen=True)
class Gain:
    """A course's learning gain: the counts always, the figures only from MIN_PAIRED paired phones."""

    paired: int
    unpaired_pre: int
    unpaired_post: int
    overall: Line | None
    questions: list[Line]

    @property
    def shown(self) -> bool:
        """Whether there are enough paired phones for any figure."""
        return self.overall is not None

    def to_dict(self) -> dict[str, object]:
        return {
            "paired": self.paired,
            "unpaired_pre": self.unpaired_pre,
            "unpaired_post": self.unpaired_post,
            "min_paired": MIN_PAIRED,
            "overall": self.overall.to_dict() if self.overall else None,
            "questions": [line.to_dict() for line in self.questions],
        }


def normalised_gain(pre: float, post: float, most: float) -> float | None:
    """g = (post - pre) / (most - pre); None where pre = most (nothing was left to learn)."""
    if most - pre <= 1e-12:
        return None
    return (post - pre) / (most - pre)


def learning_gain(
    questions: Iterable[tuple[str, int]],
    pre: Mapping[str, Sheet],
    post: Mapping[str, Sheet],
    min_paired: int = MIN_PAIRED,
) -> Gain:
    """The gain over the judged `questions` ((id, most points) asked in both tests) of the
    phones in `pre` and `post` (sheets by course key)."""
    judged = [(question, most) for question, most in questions if most > 0]
    paired = sorted(set(pre) & set(post))
    unpaired_pre, unpaired_post = len(set(pre) - set(post)), len(set(post) - set(pre))
    if len(paired) < min_paired:
        return Gain(len(paired), unpaired_pre, unpaired_post, None, [])
    before = [pre[key] for key in paired]
    after = [post[key] for key in paired]
    lines = [
        _line(question, most, _side(before, [question]), _side(after, [question]))
        for question, most in judged
    ]
    ids = [question for question, _ in judged]
    overall = _line(None, sum(most for _, most in judged), _side(before, ids), _side(after, ids))
    return Gain(len(paired), unpaired_pre, unpaired_post, overall, lines)


def _line(question: str | None, most: int, pre: Side, post: Side) -> Line:
    return Line(question, most, pre, post, normalised_gain(pre.mean_score, post.mean_score, most))


def _side(sheets: list[Sheet], questions: list[str]) -> Side:
    """Share of right answers, mean score (a phone's total over `questions`) and mean confidence."""
    answers = [sheet.get(question) for sheet in sheets for question in questions]
    right = sum(1 for answer in answers if answer is not None and answer.correct)
    totals = [sum(a.points for q in questions if (a := sheet.get(q)) is not None) for sheet in sheets]
    sure = [a.confidence for a in answers if a is not None and a.confidence is not None]
    return Side(
        share_correct=right / len(answers) if answers else 0.0,
        mean_score=sum(totals) / len(totals) if totals else 0.0,
        mean_confidence=sum(sure) / len(sure) if sure else None,
    )
