"""The "how sure are you?" item a bank adds with `confidence: true`: loaded, checked and kept."""

from __future__ import annotations

from polling.core.banks import parse_bank
from polling.core.model import Bank, QuestionType

BANK = """\
title: {en: Test, ru: Тест, tg: Тест}
languages: [en, ru, tg]
questions:
  - id: child
    type: single
    prompt: {en: "Who?", ru: "Кто?", tg: "Кӣ?"}
    options:
      - {id: a, label: {en: A, ru: А, tg: А}}
      - {id: b, label: {en: B, ru: Б, tg: Б}}
    correct: a
    confidence: true
  - {id: year, type: number, prompt: {en: "When?", ru: "Когда?", tg: "Кай?"}, correct: 2000}
"""


def test_confidence_adds_a_five_point_scale_right_after_the_question() -> None:
    """The item follows its question, asks in the bank's languages and names the question."""
    bank, problems = parse_bank(BANK, "b.yaml", "b")
    assert problems == [] and bank is not None
    assert [q.id for q in bank.questions] == ["child", "child-sure", "year"]
    sure = bank.questions[1]
    assert (sure.type, sure.min, sure.max, sure.confidence_for) == (QuestionType.SCALE, 1, 5, "child")
    assert sure.prompt["ru"] == "Насколько вы уверены в своём ответе?"
    assert sure.prompt["tg"] == sure.prompt["en"] and sure.missing == ("tg",)  # no Tajik text: English


def test_the_item_survives_the_stored_snapshot_and_reaches_phones_with_its_link() -> None:
    """A bank snapshot read back keeps the item and `confidence_for`, which phones also get."""
    bank, _ = parse_bank(BANK, "b.yaml", "b")
    assert bank is not None
    again = Bank.from_dict(bank.to_dict())
    assert again.questions == bank.questions
    assert again.questions[1].public_dict()["confidence_for"] == "child"


def test_bad_confidence_values_and_taken_ids_are_reported_at_their_line() -> None:
    """`confidence` must be true or false; an id the item would take is refused with both lines."""
    wrong = BANK.replace("confidence: true", "confidence: sure")
    _, problems = parse_bank(wrong, "b.yaml", "b")
    assert [(p.line, p.message) for p in problems] == [
        (11, "confidence must be true or false, got a string ('sure')")
    ]
    taken = BANK + '  - {id: child-sure, type: scale, prompt: {en: "S", ru: "С", tg: "С"}}\n'
    _, problems = parse_bank(taken, "b.yaml", "b")
    assert [(p.line, p.message) for p in problems] == [
        (13, "duplicate question id 'child-sure' (first on line 11)")
    ]
    on_scale = BANK.replace(
        "  - {id: year,",
        "  - {id: s, type: scale, prompt: {en: S, ru: С, tg: С}, confidence: true}\n  - {id: year,",
    )
    _, problems = parse_bank(on_scale, "b.yaml", "b")
    assert any("confidence does not apply to scale questions" in p.message for p in problems)
