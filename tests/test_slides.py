"""Slides: the formatting subset, slides in banks, and the session stepping over them. Pure."""

from __future__ import annotations

import pytest

from polling.core.banks import parse_bank
from polling.core.model import Bank, QuestionType
from polling.core.richtext import parse
from polling.core.session import NotOpenError, QuestionState, Session, TransitionError
from polling.reports.exports import summary_rows
from tests.test_banks import BASE

INTRO = """\
  - id: intro
    type: slide
    title: {en: Welcome, ru: Добро пожаловать}
    body:
      en: "Read **this** first.\\n\\n- one\\n- two"
      ru: "Сначала **это**.\\n\\n- раз\\n- два"
"""
# test_banks.BASE (the question `pace`) between two slides; the second one starts at line 16.
SLIDES = (
    BASE.replace("questions:\n", "questions:\n" + INTRO)
    + "  - id: outro\n    type: slide\n    title: Thanks\n"
)


def load(text: str = SLIDES) -> Bank:
    bank, problems = parse_bank(text, "bank.yaml", "bank")
    assert bank is not None, problems
    return bank


def session(bank: Bank | None = None, **options: object) -> Session:
    return Session(id="s", code="ABCDE", bank=bank or load(), screen_key="k", created="now", **options)  # type: ignore[arg-type]


def test_paragraphs_bold_and_lists_become_blocks() -> None:
    """Blank lines part paragraphs, lines join within one, `-` and `1.` make lists, `**` bolds."""
    blocks = parse("First line\nsame paragraph with **bold** end.\n\n- a\n* b\n\n1. one\n2) two\n\nLast")
    assert blocks == [
        {
            "kind": "paragraph",
            "runs": [
                {"text": "First line same paragraph with ", "bold": False},
                {"text": "bold", "bold": True},
                {"text": " end.", "bold": False},
            ],
        },
        {"kind": "bullets", "items": [[{"text": "a", "bold": False}], [{"text": "b", "bold": False}]]},
        {"kind": "numbered", "items": [[{"text": "one", "bold": False}], [{"text": "two", "bold": False}]]},
        {"kind": "paragraph", "runs": [{"text": "Last", "bold": False}]},
    ]


def test_a_link_is_written_out_as_text() -> None:
    """`[label](address)` becomes the plain text `label (address)`: nothing to click, nothing fetched."""
    assert parse("See [the laws](https://example.org/laws).") == [
        {"kind": "paragraph", "runs": [{"text": "See the laws (https://example.org/laws).", "bold": False}]}
    ]


def test_html_and_script_in_bank_text_stay_text() -> None:
    """Markup in a slide body is kept as the characters it is, for the pages to show as text."""
    body = '<script>alert(1)</script> <img src=x onerror="alert(2)"> **<b>x</b>**'
    (block,) = parse(body)
    assert block["runs"] == [
        {"text": '<script>alert(1)</script> <img src=x onerror="alert(2)"> ', "bold": False},
        {"text": "<b>x</b>", "bold": True},
    ]
    assert parse("") == [] and parse("\n\n  \n") == []


def test_an_indented_line_goes_on_with_its_list_item() -> None:
    """A wrapped list item stays one item."""
    assert parse("- a long\n  item\n- b")[0]["items"][0] == [
        {"text": "a long", "bold": False},
        {"text": " item", "bold": False},
    ]


def test_a_slide_has_a_title_a_body_and_its_blocks_in_every_language() -> None:
    """A slide loads with its title as prompt, its body and parsed blocks per language."""
    slide = load().question("intro")
    assert slide is not None and slide.type is QuestionType.SLIDE and slide.is_slide
    data = slide.to_dict()
    assert data["prompt"] == {"en": "Welcome", "ru": "Добро пожаловать"}
    assert data["blocks"]["ru"][0]["runs"][1] == {"text": "это", "bold": True}
    assert data["blocks"]["en"][1]["kind"] == "bullets"
    again = Bank.from_dict(load().to_dict()).question("intro")
    assert again == slide


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("    prompt: Hi\n", "prompt does not apply to a slide"),
        ("    options: [{id: a, label: A}]\n", "options does not apply to a slide"),
        ("    time_limit: 30\n", "time_limit does not apply to a slide"),
    ],
)
def test_a_slide_takes_no_question_keys(extra: str, message: str) -> None:
    """Keys of questions are refused on a slide, at their line."""
    text = SLIDES.replace("    title: Thanks\n", "    title: Thanks\n" + extra)
    bank, problems = parse_bank(text, "bank.yaml", "bank")
    assert bank is None
    assert [(p.line, message in p.message) for p in problems] == [(19, True)]


def test_a_slide_needs_a_title() -> None:
    """A slide without a title is an error at the slide."""
    bank, problems = parse_bank(SLIDES.replace("    title: Thanks\n", ""), "bank.yaml", "bank")
    assert bank is None
    assert [(p.line, p.message) for p in problems] == [(16, "question is missing required key 'title'")]


def test_opening_a_slide_is_refused_with_a_clear_error() -> None:
    """`open` on a slide says it takes no answers; an answer to it is refused."""
    room = session()
    room.command("show", "intro")
    with pytest.raises(TransitionError, match="is a slide: it takes no answers"):
        room.command("open")
    assert room.states["intro"] is QuestionState.SHOWN
    with pytest.raises(NotOpenError, match="A slide takes no answers"):
        room.check("intro", "slow")


def test_the_clicker_steps_over_a_slide_in_one_press() -> None:
    """`next` on a slide shows what follows, even where results are hidden until revealed."""
    room = session(hide_results=True)
    room.command("next")
    assert room.current == "intro"
    room.command("next")
    assert (room.current, room.state) == ("pace", QuestionState.SHOWN)
    for _ in range(4):  # open, close, reveal, then on
        room.command("next")
    assert room.current == "outro"
    room.command("previous")
    assert room.current == "pace"


def test_exports_leave_slides_out_of_the_summary() -> None:
    """The summary table has rows for questions alone; a slide's results are empty."""
    room = session()
    assert {row[1] for row in summary_rows(room)} == {"pace"}
    assert room.tallies["intro"].results() == {}
