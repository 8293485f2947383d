"""The JSON Schema of a bank file, built from the loader's own tables. Pure.

Which keys exist, which types take which keys, the id and language patterns and the limits
all come from polling.core.banks, so a field added there appears here; only each field's
kind is said here (FIELDS), and tests/test_bankschema.py fails while one is missing. Rules
that need more than the shape of one value (unique ids, min below max, max_choices within
the options, languages of a text within the bank's) stay the loader's alone.
"""

from __future__ import annotations

from typing import Any

from polling.core import banks
from polling.core.model import MAX_RANKING_OPTIONS, OPTION_TYPES, QuestionType, StepKind

Schema = dict[str, Any]

DRAFT = "http://json-schema.org/draft-07/schema#"  # the draft editors' YAML servers read best
REQUIRED_BANK_KEYS = ("title",)
# A bank has questions, a scenario, or both: at least one of these.
CONTENT_KEYS = ("questions", "scenario")


def _anchored(pattern: str) -> str:
    """A Python fullmatch pattern as a JSON Schema pattern, which only has to match somewhere."""
    return f"^(?:{pattern})$"


STRING: Schema = dict(type="string", pattern=r"\S")  # not empty, not only spaces
ID: Schema = dict(type="string", pattern=_anchored(banks.ID_PATTERN.pattern))
LANGUAGE: Schema = dict(type="string", pattern=_anchored(banks.LANGUAGE_PATTERN.pattern))
TEXT: Schema = {
    "oneOf": [
        STRING,
        dict(type="object", minProperties=1, propertyNames=LANGUAGE, additionalProperties=STRING),
    ],
}
NUMBER: Schema = dict(type="number", minimum=-banks.MAX_NUMBER, maximum=banks.MAX_NUMBER)
WHOLE: Schema = dict(type="integer", minimum=-banks.MAX_NUMBER, maximum=banks.MAX_NUMBER)


def _described(schema: Schema, description: str) -> Schema:
    return {**schema, "description": description}


IMAGE: Schema = dict(
    type="string",
    pattern=r"\.([jJ][pP][eE]?[gG]|[pP][nN][gG]|[wW][eE][bB][pP])$",
    description="a JPEG, PNG or WebP file, relative to the bank file and below it",
)
ALT: Schema = _described(TEXT, "what the picture shows, in every language")
OPTION: Schema = dict(
    type="object",
    required=list(banks.OPTION_REQUIRED),
    additionalProperties=False,
    properties={
        "id": _described(ID, "unique within its question; results are counted by it"),
        "label": _described(TEXT, "what participants see and tap"),
        "image": IMAGE,
        "alt": ALT,
    },
    dependencies={"image": ["alt"], "alt": ["image"]},
)

SECONDS: Schema = dict(
    type="integer",
    minimum=banks.MIN_TIME_LIMIT,
    maximum=banks.MAX_TIME_LIMIT,
    description="seconds to answer",
)
IDS: Schema = dict(type="array", minItems=1, uniqueItems=True, items=ID)

# A table-top scenario. Whether each `next` names a step, and the shape of the graph, are the
# loader's (core/scenario.py): a schema sees one value at a time.
STEP_ID: Schema = _described(ID, "the id of a step of this scenario")
CHOICE: Schema = dict(
    type="object",
    required=list(banks.CHOICE_REQUIRED),
    additionalProperties=False,
    properties={
        "id": _described(ID, "unique within its decision; votes are counted by it"),
        "label": _described(TEXT, "what participants see and tap"),
        "next": _described(STEP_ID, "the step this option leads to; none: the scenario ends here"),
    },
)
STEP_FIELDS: dict[str, Schema] = {
    "id": _described(ID, "unique in the scenario; options' next and start name it"),
    "inject": _described(TEXT, "a development of the story: its title"),
    "decision": _described(TEXT, "a choice the room or each team makes: its question"),
    "body": _described(TEXT, "the step's text: paragraphs, **bold**, lists and links as text"),
    "image": IMAGE,
    "alt": ALT,
    "after": dict(
        type="integer",
        minimum=banks.MIN_AFTER,
        maximum=banks.MAX_AFTER,
        description="an inject leads on to next by itself after this many seconds",
    ),
    "next": _described(STEP_ID, "the step an inject leads to; none: the scenario ends here"),
    "options": dict(
        type="array", minItems=2, items=CHOICE, description="at least 2 options, each with its next step"
    ),
}


def _kind_of_step(kind: StepKind, needs: tuple[str, ...] = ()) -> Schema:
    """A step of this kind (its key, inject or decision, given) has none of the other's keys."""
    refused = [key for other, keys in banks.STEP_ONLY.items() if other is not kind for key in keys]
    then: Schema = {"propertyNames": {"not": {"enum": refused}}, "required": list(needs)}
    return {"if": {"required": [str(kind)]}, "then": then}


STEP: Schema = dict(
    type="object",
    required=["id"],
    additionalProperties=False,
    properties=STEP_FIELDS,
    oneOf=[{"required": [kind]} for kind in banks.STEP_KINDS],
    allOf=[_kind_of_step(StepKind.INJECT), _kind_of_step(StepKind.DECISION, ("options",))],
    dependencies={"image": ["alt"], "alt": ["image"], "after": ["next"]},
)
SCENARIO: Schema = dict(
    type="object",
    required=["steps"],
    additionalProperties=False,
    properties={
        "start": _described(STEP_ID, "the first step; the first of steps by default"),
        "steps": dict(type="array", minItems=1, items=STEP, description="the steps, injects and decisions"),
    },
    description="a table-top exercise whose steps branch on decisions; see docs/banks.md",
)

# The kind of every key of a bank and of a question, as the editor completes and checks it.
FIELDS: dict[str, Schema] = {
    "quiz": dict(
        type="object",
        additionalProperties=False,
        properties={
            "time_limit": SECONDS,
            "speed_bonus": dict(type="boolean", description="a fast answer earns more points"),
        },
        description="quiz defaults for every question",
    ),
    "title": _described(
        TEXT, "the bank's name, shown to the facilitator and in exports; in a question, a slide's heading"
    ),
    "languages": dict(
        type="array",
        minItems=1,
        uniqueItems=True,
        items=LANGUAGE,
        description="the languages of the bank; the first is the default language",
    ),
    "questions": dict(type="array", minItems=1, description="asked in this order"),
    "scenario": SCENARIO,
    "id": _described(ID, "unique in the bank; results and exports are keyed by it"),
    "type": {"enum": banks.TYPE_NAMES, "description": "the kind of question"},
    "prompt": _described(TEXT, "the question as participants read it"),
    "options": dict(type="array", minItems=2, items=OPTION, description="at least 2 options"),
    "max_choices": dict(type="integer", minimum=1, description="at most this many options"),
    "min": _described(NUMBER, "the lowest answer (a whole number on a scale)"),
    "max": _described(NUMBER, "the highest answer (a whole number on a scale)"),
    "min_label": _described(TEXT, "shown under the lowest point of the scale"),
    "max_label": _described(TEXT, "shown under the highest point of the scale"),
    "max_length": dict(
        type="integer",
        minimum=1,
        maximum=banks.MAX_LENGTH_LIMIT,
        description="the longest answer, in characters",
    ),
    "correct": {
        "anyOf": [ID, IDS, NUMBER],
        "description": "the right answer: an option id, option ids, or a number",
    },
    "tolerance": dict(type="number", minimum=0, description="how far a number may be from correct"),
    "points": dict(type="integer", minimum=0, maximum=banks.MAX_POINTS, description="a right answer earns"),
    "explanation": _described(TEXT, "shown with the right answer after the reveal"),
    "time_limit": SECONDS,
    "confidence": dict(
        type="boolean", description='adds a "how sure are you?" scale from 1 to 5 after the item'
    ),
    "body": _described(TEXT, "a slide's text: paragraphs, **bold**, lists and links as text"),
    "image": IMAGE,
    "alt": ALT,
    "segment": dict(
        type="boolean", description="a single choice whose options are groups to break results down by"
    ),
    "ask": {"enum": ["join"], "description": "a segment question phones answer as they join"},
}

# Kinds that differ by question type: a scale's ends are whole numbers.
TYPE_FIELDS: dict[QuestionType, dict[str, Schema]] = {
    QuestionType.SCALE: {"min": WHOLE, "max": WHOLE},
    QuestionType.SINGLE: {"correct": ID},
    QuestionType.MULTIPLE: {"correct": IDS},
    QuestionType.NUMBER: {"correct": NUMBER},
    QuestionType.RANKING: {
        "correct": IDS,
        "options": {**FIELDS["options"], "maxItems": MAX_RANKING_OPTIONS},
    },
}


def _kind(key: str) -> Schema:
    # A key without a kind yet is still allowed where the loader allows it, with any value.
    return FIELDS.get(key, {})


def _per_type(qtype: QuestionType) -> Schema:
    """The keys a question of this type may have, and those it must have."""
    allowed = list(banks.allowed_keys(qtype))
    then: Schema = {"propertyNames": {"enum": allowed}, "required": [banks.heading_key(qtype)]}
    if qtype in OPTION_TYPES:
        then["required"] = [*then["required"], "options"]
    if qtype in TYPE_FIELDS:
        then["properties"] = TYPE_FIELDS[qtype]
    return {"if": {"properties": {"type": {"const": str(qtype)}}, "required": ["type"]}, "then": then}


# Keys that mean nothing without a right answer: the loader refuses them alone.
NEEDS_CORRECT = ("points", "tolerance")


def bank_schema() -> Schema:
    """The JSON Schema (draft 7) that a bank file's YAML, read as data, must satisfy."""
    question: Schema = dict(
        type="object",
        required=["id", "type"],
        additionalProperties=False,
        properties={key: _kind(key) for key in banks.QUESTION_KEYS},
        allOf=[_per_type(qtype) for qtype in banks.TYPE_KEYS],
        dependencies={**{key: ["correct"] for key in NEEDS_CORRECT}, "image": ["alt"], "alt": ["image"]},
    )
    properties = {key: _kind(key) for key in banks.BANK_KEYS}
    properties["questions"] = {**properties["questions"], "items": question}
    bank = dict(
        title="polling question bank",
        description="A question bank for polling: see docs/banks.md. Check it with `polling check`.",
        type="object",
        required=list(REQUIRED_BANK_KEYS),
        anyOf=[{"required": [key]} for key in CONTENT_KEYS],
        additionalProperties=False,
        properties=properties,
    )
    return {"$schema": DRAFT, **bank}
