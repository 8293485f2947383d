"""What a question bank is once loaded: plain immutable values, no I/O."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from polling.core import richtext

# A text in every language of its bank: language code -> string. The loader fills
# every language (a plain string, or the default language where a translation is
# missing), so the rest of the code never has to fall back.
Text = dict[str, str]


class QuestionType(StrEnum):
    """The kinds of question a bank can ask."""

    SINGLE = "single"
    MULTIPLE = "multiple"
    SCALE = "scale"
    NUMBER = "number"
    WORDCLOUD = "wordcloud"
    TEXT = "text"
    RANKING = "ranking"
    # Not a question: a title and a body shown between questions, which takes no answers.
    SLIDE = "slide"


CHOICE_TYPES = frozenset({QuestionType.SINGLE, QuestionType.MULTIPLE})
# The types whose questions list options: the choice types, and ranking (put them in order).
OPTION_TYPES = CHOICE_TYPES | {QuestionType.RANKING}
# The types a bank may give a `correct` answer for.
JUDGED_TYPES = OPTION_TYPES | {QuestionType.NUMBER}
# What would give the answer away: left out of a question as phones and the screen get it.
SECRET_FIELDS = ("correct", "tolerance", "explanation")

# The right answer as a bank gives it: an option id (single), option ids (multiple: the set,
# in bank order; ranking: in the expected order) or a number.
Correct = str | list[str] | int | float

# Defaults that the loader applies and the answer checks rely on.
DEFAULT_SCALE = (1, 5)
DEFAULT_TEXT_LENGTH = 500
DEFAULT_WORD_LENGTH = 40
DEFAULT_POINTS = 1
MAX_RANKING_OPTIONS = 10
# `ask` of a segment question answered once, as a phone joins, before the first question.
ASK_JOIN = "join"


# The two sizes a picture is served at: a phone's, small enough for a weak Wi-Fi, and the
# projector's. Each URL names the picture's content hash, so it never changes meaning.
IMAGE_SIZES = ("phone", "screen")


def image_url(digest: str, size: str) -> str:
    """Where the server serves a picture of this content hash at one of IMAGE_SIZES."""
    return f"/images/{digest}/{size}.webp"


@dataclass(frozen=True)
class Image:
    """A picture of a question, option or slide: its file as the bank names it (relative to
    the bank file), its alt text in every language, and once a session takes its snapshot,
    the SHA-256 of the file's bytes, under which its re-encoded copies are kept."""

    src: str
    alt: Text
    digest: str | None = None
    line: int = field(default=0, compare=False)  # where the bank names it, for `polling check`

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"src": self.src, "alt": self.alt}
        if self.digest is not None:
            data["hash"] = self.digest
            data["urls"] = {size: image_url(self.digest, size) for size in IMAGE_SIZES}
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Image | None:
        return None if data is None else cls(data["src"], data["alt"], data.get("hash"))


@dataclass(frozen=True)
class Option:
    """One choice of a single or multiple choice question."""

    id: str
    label: Text
    image: Image | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "label": self.label}
        if self.image is not None:
            data["image"] = self.image.to_dict()
        return data


OPTIONAL_FIELDS = (
    "max_choices",
    "min",
    "max",
    "min_label",
    "max_label",
    "max_length",
    "correct",
    "tolerance",
    "explanation",
    "points",
    "time_limit",
    "confidence_for",
)


@dataclass(frozen=True)
class QuizSettings:
    """A bank's quiz defaults: seconds per question, and whether a fast answer earns more."""

    time_limit: int | None = None
    speed_bonus: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"time_limit": self.time_limit, "speed_bonus": self.speed_bonus}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QuizSettings:
        return cls(time_limit=data.get("time_limit"), speed_bonus=bool(data.get("speed_bonus", False)))


@dataclass(frozen=True)
class Question:
    """One question of a bank; fields that do not apply to its type are None."""

    id: str
    type: QuestionType
    prompt: Text
    options: tuple[Option, ...] = ()
    max_choices: int | None = None
    min: float | None = None
    max: float | None = None
    min_label: Text | None = None
    max_label: Text | None = None
    max_length: int | None = None
    # Quiz fields: the right answer (None for an opinion question), how far a number may be
    # from it, what the reveal explains, what a right answer is worth, seconds to answer.
    correct: Correct | None = None
    tolerance: float | None = None
    explanation: Text | None = None
    points: int | None = None
    time_limit: int | None = None
    # A "how sure are you?" item (core/confidence.py): the id of the question it asks about.
    confidence_for: str | None = None
    # A slide's body (its title is the prompt), in the formatting of core/richtext.py.
    body: Text | None = None
    image: Image | None = None
    # A single choice whose options are groups (agency, country, role) that other questions'
    # results can be broken down by; `ask` is ASK_JOIN when phones answer it as they join.
    segment: bool = False
    ask: str | None = None
    # Languages in which some text of this question is missing and shown in the default one.
    missing: tuple[str, ...] = ()

    @property
    def is_slide(self) -> bool:
        """A slide is shown, never opened for answers."""
        return self.type is QuestionType.SLIDE

    def option_ids(self) -> list[str]:
        """The ids of the options, in bank order."""
        return [option.id for option in self.options]

    def images(self) -> Iterator[Image]:
        """The pictures of the question and of its options."""
        if self.image is not None:
            yield self.image
        yield from (option.image for option in self.options if option.image is not None)

    def to_dict(self) -> dict[str, Any]:
        """The question as JSON, leaving out what does not apply."""
        data: dict[str, Any] = {"id": self.id, "type": str(self.type), "prompt": self.prompt}
        if self.options:
            data["options"] = [option.to_dict() for option in self.options]
        for name in OPTIONAL_FIELDS:
            value = getattr(self, name)
            if value is not None:
                data[name] = list(value) if isinstance(value, list) else value
        if self.body is not None:
            data["body"] = self.body
            # Parsed here, once, so that every page draws the same structure with DOM calls.
            data["blocks"] = {lang: richtext.parse(text) for lang, text in self.body.items()}
        if self.image is not None:
            data["image"] = self.image.to_dict()
        if self.segment:
            data["segment"] = True
        if self.ask is not None:
            data["ask"] = self.ask
        if self.missing:
            data["missing"] = list(self.missing)
        return data

    def public_dict(self) -> dict[str, Any]:
        """The question as phones and the screen get it before the reveal: without its answer."""
        data = self.to_dict()
        for name in SECRET_FIELDS:
            data.pop(name, None)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Question:
        """Rebuild a question from `to_dict` output."""
        return cls(
            id=data["id"],
            type=QuestionType(data["type"]),
            prompt=data["prompt"],
            options=tuple(
                Option(o["id"], o["label"], Image.from_dict(o.get("image"))) for o in data.get("options", ())
            ),
            max_choices=data.get("max_choices"),
            min=data.get("min"),
            max=data.get("max"),
            min_label=data.get("min_label"),
            max_label=data.get("max_label"),
            max_length=data.get("max_length"),
            # Absent from snapshots taken before quizzes existed: None, an opinion question.
            correct=data.get("correct"),
            tolerance=data.get("tolerance"),
            explanation=data.get("explanation"),
            points=data.get("points"),
            time_limit=data.get("time_limit"),
            confidence_for=data.get("confidence_for"),
            body=data.get("body"),
            image=Image.from_dict(data.get("image")),
            segment=bool(data.get("segment", False)),
            ask=data.get("ask"),
            missing=tuple(data.get("missing", ())),
        )


class StepKind(StrEnum):
    """What a step of a table-top scenario is."""

    # A development of the story: a title, a body and perhaps a picture; it takes no answer.
    INJECT = "inject"
    # A single-choice question whose options each lead to a step of their own.
    DECISION = "decision"


@dataclass(frozen=True)
class Choice:
    """One option of a decision: its label and the step it leads to (None: the scenario ends)."""

    id: str
    label: Text
    next: str | None = None
    line: int = field(default=0, compare=False)  # where the bank names it, for `polling check`

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "next": self.next}


@dataclass(frozen=True)
class Step:
    """One step of a scenario. An inject leads on to `next` (None: an ending), by itself after
    `after` seconds when given; a decision leads on through the option the room or team chose."""

    id: str
    kind: StepKind
    title: Text
    body: Text | None = None
    image: Image | None = None
    after: int | None = None
    next: str | None = None
    options: tuple[Choice, ...] = ()
    line: int = field(default=0, compare=False)  # where the bank names it, for `polling check`

    @property
    def is_ending(self) -> bool:
        """Nothing follows this step: the scenario ends here."""
        if self.kind is StepKind.DECISION:
            return False
        return self.next is None

    def choice(self, choice_id: str) -> Choice | None:
        """The option of a decision with this id, or None."""
        return next((c for c in self.options if c.id == choice_id), None)

    def following(self) -> list[str]:
        """The ids of the steps this one can lead to, in bank order, without repeats."""
        targets = [self.next] if self.kind is StepKind.INJECT else [c.next for c in self.options]
        return list(dict.fromkeys(t for t in targets if t is not None))

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "kind": str(self.kind), "title": self.title}
        if self.body is not None:
            data["body"] = self.body
            # As for a slide: parsed once here, so that every page draws the same structure.
            data["blocks"] = {lang: richtext.parse(text) for lang, text in self.body.items()}
        if self.image is not None:
            data["image"] = self.image.to_dict()
        if self.after is not None:
            data["after"] = self.after
        if self.kind is StepKind.INJECT:
            data["next"] = self.next
        else:
            data["options"] = [c.to_dict() for c in self.options]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Step:
        return cls(
            id=data["id"],
            kind=StepKind(data["kind"]),
            title=data["title"],
            body=data.get("body"),
            image=Image.from_dict(data.get("image")),
            after=data.get("after"),
            next=data.get("next"),
            options=tuple(Choice(c["id"], c["label"], c.get("next")) for c in data.get("options", ())),
        )


@dataclass(frozen=True)
class Scenario:
    """A table-top exercise: steps that branch on decisions, from `start` to one of its endings."""

    start: str
    steps: tuple[Step, ...]
    # Where the bank names `start` (or the scenario when it does not), for `polling check`.
    line: int = field(default=0, compare=False)
    _by_id: dict[str, Step] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {s.id: s for s in self.steps})

    def step(self, step_id: str) -> Step | None:
        """The step with this id, or None."""
        return self._by_id.get(step_id)

    def endings(self) -> list[Step]:
        """The steps where the scenario ends, in bank order."""
        return [s for s in self.steps if s.is_ending]

    def images(self) -> list[Image]:
        """The pictures of the steps, in bank order."""
        return [s.image for s in self.steps if s.image is not None]

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "steps": [s.to_dict() for s in self.steps]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Scenario:
        return cls(data["start"], tuple(Step.from_dict(s) for s in data["steps"]))


@dataclass(frozen=True)
class Bank:
    """A validated question bank; `languages[0]` is its default language."""

    id: str
    title: Text
    languages: tuple[str, ...]
    questions: tuple[Question, ...]
    quiz: QuizSettings | None = None
    # A table-top exercise run beside (or instead of) the questions; see core/scenario.py.
    scenario: Scenario | None = None
    _by_id: dict[str, Question] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {q.id: q for q in self.questions})

    @property
    def default_language(self) -> str:
        """The language a missing translation falls back to."""
        return self.languages[0]

    def question(self, question_id: str) -> Question | None:
        """The question with this id, or None."""
        return self._by_id.get(question_id)

    def images(self) -> list[Image]:
        """Every picture of the bank, in bank order."""
        pictures = [image for question in self.questions for image in question.images()]
        return pictures + (self.scenario.images() if self.scenario is not None else [])

    def with_images(self, change: Callable[[Image], Image]) -> Bank:
        """The same bank with each picture replaced by `change(picture)`."""

        def changed(image: Image | None) -> Image | None:
            return None if image is None else change(image)

        questions = tuple(
            replace(
                q,
                image=changed(q.image),
                options=tuple(replace(o, image=changed(o.image)) for o in q.options),
            )
            for q in self.questions
        )
        scenario = self.scenario
        if scenario is not None:
            steps = tuple(replace(s, image=changed(s.image)) for s in scenario.steps)
            scenario = replace(scenario, steps=steps)
        return replace(self, questions=questions, scenario=scenario)

    def segments(self) -> list[Question]:
        """The segment questions, in bank order: the groups results can be broken down by."""
        return [q for q in self.questions if q.segment]

    def join_questions(self) -> list[Question]:
        """The segment questions phones answer as they join, in bank order."""
        return [q for q in self.questions if q.ask == ASK_JOIN]

    def time_limit(self, question: Question) -> int | None:
        """Seconds to answer `question`: its own limit, else the bank's quiz default, else none."""
        if question.time_limit is not None:
            return question.time_limit
        return self.quiz.time_limit if self.quiz else None

    def to_dict(self) -> dict[str, Any]:
        """The bank as JSON: the snapshot a session keeps."""
        data: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "languages": list(self.languages),
            "questions": [q.to_dict() for q in self.questions],
        }
        if self.quiz is not None:
            data["quiz"] = self.quiz.to_dict()
        if self.scenario is not None:
            data["scenario"] = self.scenario.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Bank:
        """Rebuild a bank from `to_dict` output."""
        return cls(
            id=data["id"],
            title=data["title"],
            languages=tuple(data["languages"]),
            questions=tuple(Question.from_dict(q) for q in data["questions"]),
            quiz=QuizSettings.from_dict(data["quiz"]) if data.get("quiz") else None,
            scenario=Scenario.from_dict(data["scenario"]) if data.get("scenario") else None,
        )
