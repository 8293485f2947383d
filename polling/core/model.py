"""What a question bank is once loaded: plain immutable values, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

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


CHOICE_TYPES = frozenset({QuestionType.SINGLE, QuestionType.MULTIPLE})

# Defaults that the loader applies and the answer checks rely on.
DEFAULT_SCALE = (1, 5)
DEFAULT_TEXT_LENGTH = 500
DEFAULT_WORD_LENGTH = 40


@dataclass(frozen=True)
class Option:
    """One choice of a single or multiple choice question."""

    id: str
    label: Text


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
    # Languages in which some text of this question is missing and shown in the default one.
    missing: tuple[str, ...] = ()

    def option_ids(self) -> list[str]:
        """The ids of the options, in bank order."""
        return [option.id for option in self.options]

    def to_dict(self) -> dict[str, Any]:
        """The question as JSON, leaving out what does not apply."""
        data: dict[str, Any] = {"id": self.id, "type": str(self.type), "prompt": self.prompt}
        if self.options:
            data["options"] = [{"id": o.id, "label": o.label} for o in self.options]
        for name in ("max_choices", "min", "max", "min_label", "max_label", "max_length"):
            value = getattr(self, name)
            if value is not None:
                data[name] = value
        if self.missing:
            data["missing"] = list(self.missing)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Question:
        """Rebuild a question from `to_dict` output."""
        return cls(
            id=data["id"],
            type=QuestionType(data["type"]),
            prompt=data["prompt"],
            options=tuple(Option(o["id"], o["label"]) for o in data.get("options", ())),
            max_choices=data.get("max_choices"),
            min=data.get("min"),
            max=data.get("max"),
            min_label=data.get("min_label"),
            max_label=data.get("max_label"),
            max_length=data.get("max_length"),
            missing=tuple(data.get("missing", ())),
        )


@dataclass(frozen=True)
class Bank:
    """A validated question bank; `languages[0]` is its default language."""

    id: str
    title: Text
    languages: tuple[str, ...]
    questions: tuple[Question, ...]
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

    def to_dict(self) -> dict[str, Any]:
        """The bank as JSON: the snapshot a session keeps."""
        return {
            "id": self.id,
            "title": self.title,
            "languages": list(self.languages),
            "questions": [q.to_dict() for q in self.questions],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Bank:
        """Rebuild a bank from `to_dict` output."""
        return cls(
            id=data["id"],
            title=data["title"],
            languages=tuple(data["languages"]),
            questions=tuple(Question.from_dict(q) for q in data["questions"]),
        )
