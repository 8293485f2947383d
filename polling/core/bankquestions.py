"""The reading of a bank's questions: each type's keys, options, bounds, quiz fields and segments."""

from __future__ import annotations

from typing import Any

from yaml.nodes import Node, SequenceNode

from polling.core.bankreader import PICTURE_KEYS, Fields, Reader, line_of, suggest
from polling.core.confidence import companion, companion_id
from polling.core.model import (
    ASK_JOIN,
    DEFAULT_POINTS,
    DEFAULT_SCALE,
    DEFAULT_TEXT_LENGTH,
    DEFAULT_WORD_LENGTH,
    MAX_RANKING_OPTIONS,
    OPTION_TYPES,
    Correct,
    Option,
    Question,
    QuestionType,
)

MAX_SCALE_POINTS = 11
MAX_LENGTH_LIMIT = 5000
MAX_POINTS = 1000
OPTION_KEYS = ("id", "label", *PICTURE_KEYS)
OPTION_REQUIRED = ("id", "label")
COMMON_KEYS = ("id", "type", "prompt")
# Optional keys that every type of question accepts (a slide is not asked: see SLIDE_KEYS).
ANY_TYPE_KEYS = ("explanation", "time_limit", *PICTURE_KEYS)
# A slide has a title where a question has a prompt, and no answer of any kind.
SLIDE_KEYS = ("id", "type", "title", "body", *PICTURE_KEYS)
# The keys each type accepts besides COMMON_KEYS and ANY_TYPE_KEYS.
TYPE_KEYS: dict[QuestionType, tuple[str, ...]] = {
    QuestionType.SINGLE: ("options", "correct", "points", "confidence", "segment", "ask"),
    QuestionType.MULTIPLE: ("options", "max_choices", "correct", "points", "confidence"),
    QuestionType.SCALE: ("min", "max", "min_label", "max_label"),
    QuestionType.NUMBER: ("min", "max", "correct", "tolerance", "points", "confidence"),
    QuestionType.WORDCLOUD: ("max_length",),
    QuestionType.TEXT: ("max_length",),
    QuestionType.RANKING: ("options", "correct", "points", "confidence"),
    QuestionType.SLIDE: ("title", "body"),
}
# The opinion keys first, then the quiz ones, then those of segments, in the order the docs list them.
QUIZ_QUESTION_KEYS = ("correct", "tolerance", "points", "explanation", "time_limit", "confidence")
SEGMENT_KEYS = ("segment", "ask")
QUESTION_KEYS = (
    tuple(
        key
        for key in dict.fromkeys(COMMON_KEYS + sum(TYPE_KEYS.values(), ()) + PICTURE_KEYS)
        if key not in QUIZ_QUESTION_KEYS + SEGMENT_KEYS
    )
    + QUIZ_QUESTION_KEYS
    + SEGMENT_KEYS
)
TYPE_NAMES = [str(kind) for kind in QuestionType]


def allowed_keys(qtype: QuestionType) -> tuple[str, ...]:
    """The keys a question of this type may have."""
    if qtype is QuestionType.SLIDE:
        return SLIDE_KEYS
    return COMMON_KEYS + ANY_TYPE_KEYS + TYPE_KEYS[qtype]


def heading_key(qtype: QuestionType | None) -> str:
    """The key of the text a question is shown under: a slide's title, else the prompt."""
    return "title" if qtype is QuestionType.SLIDE else "prompt"


class QuestionReader(Reader):
    """Reads the `questions` of a bank."""

    def questions(self, key_node: Node, node: Node) -> list[Question]:
        if not isinstance(node, SequenceNode):
            self.wrong(node, self.value(node), "questions", "a list of questions", quote=False)
            return []
        if not node.value:
            self.error(key_node, "questions must not be empty: a bank needs at least one question")
        seen: dict[str, int] = {}
        found: list[Question] = []
        for item in node.value:
            question = self.question(item, seen)
            if question is None:
                continue
            found.append(question)
            if self.confidence_line is not None:
                found.extend(self.confidence_item(question, seen))
        return found

    def confidence_item(self, question: Question, seen: dict[str, int]) -> list[Question]:
        """The "how sure are you?" item that `confidence: true` adds after `question`."""
        line = self.confidence_line or 0
        added = companion_id(question.id)
        if added in seen:
            self.error(
                line, f"confidence adds the question {added!r}, an id already used on line {seen[added]}"
            )
            return []
        seen[added] = line
        return [companion(question, self.languages or ())]

    def question(self, node: Node, seen: dict[str, int]) -> Question | None:
        before = self.errors()
        self.untranslated = set()
        self.confidence_line = None
        fields = self.mapping(node, "question", QUESTION_KEYS, ("id", "type"))
        if "confidence" in fields:
            value_node = fields["confidence"][1]
            value = self.value(value_node)
            if not isinstance(value, bool):
                self.wrong(value_node, value, "confidence", "true or false", quote=False)
            elif value:
                self.confidence_line = line_of(value_node)  # a "how sure are you?" item follows
        qid = self.ident(fields["id"][1], "question id", seen) if "id" in fields else None
        owner = f" of question {qid!r}" if qid else ""
        qtype = self.question_type(fields["type"][1]) if "type" in fields else None
        heading = heading_key(qtype)
        if heading not in fields:
            self.error(node, f"question is missing required key {heading!r}")
        prompt = self.text(fields[heading], heading, owner) if heading in fields else None
        if qtype is None:
            return None
        for key, (key_node, _) in fields.items():
            if key in allowed_keys(qtype):
                continue
            if qtype is QuestionType.SLIDE:
                self.error(key_node, f"{key} does not apply to a slide (a slide has {', '.join(SLIDE_KEYS)})")
            else:
                users = ", ".join(t for t, keys in TYPE_KEYS.items() if key in keys)
                self.error(key_node, f"{key} does not apply to {qtype} questions (only {users})")
        if qtype in OPTION_TYPES:
            values = self.choice_fields(node, qtype, fields, qid)
        elif qtype is QuestionType.SCALE:
            values = self.scale_fields(node, fields, owner)
        elif qtype is QuestionType.NUMBER:
            values = self.number_fields(fields)
        elif qtype is QuestionType.SLIDE:
            values = {"body": self.text(fields["body"], "body", owner)} if "body" in fields else {}
        else:
            default = DEFAULT_WORD_LENGTH if qtype is QuestionType.WORDCLOUD else DEFAULT_TEXT_LENGTH
            values = {"max_length": default}
            if "max_length" in fields:
                length = self.integer(fields["max_length"][1], "max_length", 1, MAX_LENGTH_LIMIT)
                values["max_length"] = length
        if qtype is not QuestionType.SLIDE:
            values |= self.quiz_fields(fields, qtype, values, owner)
        values["image"] = self.picture(fields, owner)
        values |= self.segment_fields(fields, qtype)
        if self.errors() > before or qid is None or prompt is None:
            return None
        missing = tuple(lang for lang in self.languages or () if lang in self.untranslated)
        return Question(qid, qtype, prompt, **values, missing=missing)

    def quiz_fields(
        self, fields: Fields, qtype: QuestionType, values: dict[str, Any], owner: str
    ) -> dict[str, Any]:
        """`correct`, `tolerance`, `points`, `explanation` and `time_limit` of a question whose
        type-specific `values` are read (the options and bounds its answer is checked against)."""
        quiz: dict[str, Any] = {}
        if "explanation" in fields:
            quiz["explanation"] = self.text(fields["explanation"], "explanation", owner)
        if "time_limit" in fields:
            quiz["time_limit"] = self.time_limit(fields["time_limit"][1])
        if "correct" in fields and "correct" in TYPE_KEYS[qtype]:
            quiz["correct"] = self.correct(fields["correct"][1], qtype, values)
            quiz["points"] = DEFAULT_POINTS
        for key in ("points", "tolerance"):
            if key not in fields or key not in TYPE_KEYS[qtype]:
                continue
            key_node, value_node = fields[key]
            if "correct" not in fields:
                self.error(key_node, f"{key} needs a correct answer: add correct to the question")
            elif key == "points":
                quiz["points"] = self.integer(value_node, "points", 0, MAX_POINTS)
            elif (tolerance := self.number(value_node, "tolerance")) is not None and tolerance < 0:
                self.error(value_node, f"tolerance must not be negative, got {value_node.value}")
            else:
                quiz["tolerance"] = tolerance
        return quiz

    def segment_fields(self, fields: Fields, qtype: QuestionType) -> dict[str, Any]:
        """`segment` and `ask` of a single choice question (other types are refused before)."""
        found: dict[str, Any] = {}
        if "segment" in fields and qtype is QuestionType.SINGLE:
            value_node = fields["segment"][1]
            value = self.value(value_node)
            if isinstance(value, bool):
                found["segment"] = value
            else:
                self.wrong(value_node, value, "segment", "true or false", quote=False)
        if "ask" in fields and qtype is QuestionType.SINGLE:
            key_node, value_node = fields["ask"]
            ask = self.string(value_node, "ask", f"{ASK_JOIN!r}")
            if ask is not None and ask != ASK_JOIN:
                self.error(value_node, f"ask must be {ASK_JOIN!r} (asked as a phone joins), got {ask!r}")
            elif ask is not None and not found.get("segment"):
                self.error(key_node, "ask: join needs segment: true: only segments are asked at join")
            elif ask is not None and "correct" in fields:
                self.error(key_node, "ask: join does not go with correct: a segment question is not a quiz")
            else:
                found["ask"] = ask
        if found.get("segment") and "correct" in fields:
            message = "segment: true does not go with correct: groups have no right answer"
            self.error(fields["segment"][0], message)
        return found

    def not_an_option(self, node: Node, chosen: str, known: list[str]) -> None:
        hint = suggest(chosen, known)
        self.error(node, f"correct {chosen!r} is not an option id{hint}; options: {', '.join(known)}")

    def correct(self, node: Node, qtype: QuestionType, values: dict[str, Any]) -> Correct | None:
        """The right answer, checked against the question's options or bounds."""
        if qtype is QuestionType.NUMBER:
            number = self.number(node, "correct")
            low, high = values.get("min"), values.get("max")
            if number is not None and (
                (low is not None and number < low) or (high is not None and number > high)
            ):
                bounds = f"{'' if low is None else f'{low:g}'}..{'' if high is None else f'{high:g}'}"
                self.error(node, f"correct ({node.value}) is outside min..max ({bounds})")
                return None
            return number
        known = [option.id for option in values.get("options", ())]
        if qtype is QuestionType.SINGLE:
            chosen = self.string(node, "correct", "an option id")
            if chosen is not None and chosen not in known:
                self.not_an_option(node, chosen, known)
                return None
            return chosen
        if not isinstance(node, SequenceNode) or not node.value:
            kind = (
                "the option ids in the expected order"
                if qtype is QuestionType.RANKING
                else "a list of option ids"
            )
            self.wrong(
                node, self.value(node), "correct", f"{kind}, e.g. [{', '.join(known[:2])}]", quote=False
            )
            return None
        ids: list[str] = []
        for item in node.value:
            chosen = self.string(item, "an option id in correct", "an option id")
            if chosen is not None and chosen not in known:
                self.not_an_option(item, chosen, known)
            elif chosen is not None and chosen in ids:
                self.error(item, f"option {chosen!r} is listed twice in correct")
            elif chosen is not None:
                ids.append(chosen)
        if len(ids) != len(node.value):
            return None
        if qtype is QuestionType.RANKING and len(ids) != len(known):
            left_out = ", ".join(o for o in known if o not in ids)
            self.error(
                node, f"correct of a ranking question must put every option in order; missing: {left_out}"
            )
            return None
        limit = values.get("max_choices")
        if qtype is QuestionType.MULTIPLE and limit is not None and len(ids) > limit:
            self.error(
                node, f"correct has {len(ids)} options, more than max_choices ({limit}) lets anyone choose"
            )
            return None
        # A multiple choice set is kept in bank order, as answers are, so that the two compare.
        return [o for o in known if o in ids] if qtype is QuestionType.MULTIPLE else ids

    def question_type(self, node: Node) -> QuestionType | None:
        names = ", ".join(TYPE_NAMES)
        name = self.string(node, "type", f"one of {names}")
        if name is not None and name not in TYPE_NAMES:
            hint = suggest(name, TYPE_NAMES)
            self.error(node, f"type must be one of {names}, got {name!r}{hint}")
            return None
        return None if name is None else QuestionType(name)

    def choice_fields(
        self, node: Node, qtype: QuestionType, fields: Fields, qid: str | None
    ) -> dict[str, Any]:
        if "options" not in fields:
            self.error(node, f"a {qtype} question needs options")
            return {}
        key_node, options_node = fields["options"]
        options = self.options(key_node, options_node, qtype, qid)
        if qtype is not QuestionType.MULTIPLE or "max_choices" not in fields:
            return {"options": options}
        count = len(options_node.value) if isinstance(options_node, SequenceNode) else None
        choices = self.integer(fields["max_choices"][1], "max_choices", 1, count)
        return {"options": options, "max_choices": choices}

    def scale_fields(self, node: Node, fields: Fields, owner: str) -> dict[str, Any]:
        values: dict[str, Any] = dict(zip(("min", "max"), DEFAULT_SCALE, strict=True))
        for key in ("min", "max"):
            if key in fields:
                values[key] = self.integer(fields[key][1], key, None, None)
        for key in ("min_label", "max_label"):
            if key in fields:
                values[key] = self.text(fields[key], key, owner)
        low, high = values["min"], values["max"]
        where = fields.get("max", fields.get("min", (node, node)))[1]
        if low is not None and high is not None and low >= high:
            self.error(where, f"min ({low}) must be less than max ({high})")
        elif low is not None and high is not None and high - low >= MAX_SCALE_POINTS:
            points = f"{MAX_SCALE_POINTS} points, but {low}..{high} has {high - low + 1}"
            self.error(where, f"a scale has at most {points}")
        return values

    def number_fields(self, fields: Fields) -> dict[str, Any]:
        values: dict[str, Any] = {k: self.number(fields[k][1], k) for k in ("min", "max") if k in fields}
        low, high = values.get("min"), values.get("max")
        if low is not None and high is not None and low > high:
            self.error(fields["max"][1], f"min ({low}) must not be more than max ({high})")
        return values

    def options(self, key_node: Node, node: Node, qtype: QuestionType, qid: str | None) -> tuple[Option, ...]:
        if not isinstance(node, SequenceNode):
            self.wrong(node, self.value(node), "options", "a list of options", quote=False)
            return ()
        if len(node.value) < 2:
            count = len(node.value)
            self.error(key_node, f"a {qtype} question needs at least 2 options, got {count}")
        elif qtype is QuestionType.RANKING and len(node.value) > MAX_RANKING_OPTIONS:
            count = len(node.value)
            self.error(key_node, f"a ranking question has at most {MAX_RANKING_OPTIONS} options, got {count}")
        seen: dict[str, int] = {}
        result = []
        for item in node.value:
            fields = self.mapping(item, "option", OPTION_KEYS, OPTION_REQUIRED)
            oid = self.ident(fields["id"][1], "option id", seen) if "id" in fields else None
            owner = f" of option {oid!r}" if oid else ""
            owner += f" in question {qid!r}" if qid else ""
            label = self.text(fields["label"], "label", owner) if "label" in fields else None
            image = self.picture(fields, owner)
            if oid is not None and label is not None:
                result.append(Option(oid, label, image))
        return tuple(result)
