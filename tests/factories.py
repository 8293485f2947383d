"""Banks and sessions built directly from the model, for the unit tests of the pure core."""

from __future__ import annotations

from polling.core.model import Bank, Option, Question, QuestionType, Text
from polling.core.session import Session


def text(en: str, fr: str | None = None) -> Text:
    """A text in both languages of the test bank; French falls back to English as the loader does."""
    return {"en": en, "fr": fr if fr is not None else en}


PACE = Question(
    id="pace",
    type=QuestionType.SINGLE,
    prompt=text("The pace was", "Le rythme était"),
    options=(
        Option("slow", text("Too slow", "Trop lent")),
        Option("right", text("About right", "Correct")),
        Option("fast", text("Too fast", "Trop rapide")),
    ),
)
TOPICS = Question(
    id="topics",
    type=QuestionType.MULTIPLE,
    prompt=text("Which topics should we deepen?", "Quels sujets approfondir ?"),
    options=(
        Option("legal", text("Legal framework", "Cadre juridique")),
        Option("cases", text("Case studies", "Études de cas")),
        Option("tools", text("IT tools", "Outils informatiques")),
    ),
    max_choices=2,
)
USEFUL = Question(
    id="useful",
    type=QuestionType.SCALE,
    prompt=text("How useful was today?", "Utilité de la journée ?"),
    min=1,
    max=5,
    min_label=text("Not at all", "Pas du tout"),
    max_label=text("Very", "Très"),
)
STAFF = Question(
    id="staff",
    type=QuestionType.NUMBER,
    prompt=text("Officers at your post", "Agents à votre poste"),
    min=0,
    max=1000,
)
OBSTACLE = Question(
    id="obstacle",
    type=QuestionType.WORDCLOUD,
    prompt=text("The main obstacle, in one word", "Le principal obstacle, en un mot"),
    max_length=20,
)
REMARKS = Question(
    id="remarks",
    type=QuestionType.TEXT,
    prompt=text("Anything else?", "Autre chose ?"),
    max_length=80,
)

ALL_QUESTIONS = (PACE, TOPICS, USEFUL, STAFF, OBSTACLE, REMARKS)


def make_bank(*questions: Question) -> Bank:
    """A two-language bank with the given questions, by default one of each type."""
    return Bank(
        id="feedback",
        title=text("Workshop feedback", "Évaluation de l'atelier"),
        languages=("en", "fr"),
        questions=questions or ALL_QUESTIONS,
    )


def make_session(*questions: Question, hide_results: bool = False) -> Session:
    """A fresh session, waiting at the join screen, over `make_bank(*questions)`."""
    return Session(
        id="s-1",
        code="ABCD",
        bank=make_bank(*questions),
        screen_key="screen-key",
        created="2024-05-01T09:00Z",
        hide_results=hide_results,
    )
