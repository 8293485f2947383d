"""The "how sure are you?" item a bank adds after a quiz question with `confidence: true`.

It is an ordinary 1-to-5 `scale` question, right after the item, with the id `ITEM-sure` and
`confidence_for: ITEM`: every screen, tally and export handles it as it is, and the learning
gain reports its mean beside the item's share correct. Its texts come in the interface's
twelve languages; a bank language outside them gets the English text (and is listed in the
question's `missing`, as for any untranslated text).
"""

from __future__ import annotations

from polling.core.model import Question, QuestionType, Text

SUFFIX = "-sure"
LOWEST, HIGHEST = 1, 5

PROMPT: Text = {
    "en": "How sure are you of your answer?",
    "ru": "Насколько вы уверены в своём ответе?",
    "uk": "Наскільки ви впевнені у своїй відповіді?",
    "fr": "Êtes-vous sûr de votre réponse ?",
    "de": "Wie sicher sind Sie sich Ihrer Antwort?",
    "es": "¿Qué tan seguro está de su respuesta?",
    "it": "Quanto è sicuro della sua risposta?",
    "ar": "ما مدى ثقتك في إجابتك؟",
    "tr": "Yanıtınızdan ne kadar eminsiniz?",
    "mk": "Колку сте сигурни во вашиот одговор?",
    "sq": "Sa i sigurt jeni për përgjigjen tuaj?",
    "sr-Latn": "Koliko ste sigurni u svoj odgovor?",
}
LOW_LABEL: Text = {
    "en": "I guessed",
    "ru": "Наугад",
    "uk": "Навмання",
    "fr": "Au hasard",
    "de": "Geraten",
    "es": "Al azar",
    "it": "A caso",
    "ar": "خمّنت",
    "tr": "Tahmin ettim",
    "mk": "Погодував",
    "sq": "Me hamendje",
    "sr-Latn": "Nagađao sam",
}
HIGH_LABEL: Text = {
    "en": "Completely sure",
    "ru": "Полностью уверен",
    "uk": "Цілком впевнений",
    "fr": "Tout à fait sûr",
    "de": "Ganz sicher",
    "es": "Totalmente seguro",
    "it": "Del tutto sicuro",
    "ar": "متأكد تمامًا",
    "tr": "Tamamen eminim",
    "mk": "Сосема сигурен",
    "sq": "Plotësisht i sigurt",
    "sr-Latn": "Potpuno siguran",
}


def companion_id(question_id: str) -> str:
    """The id of the confidence item that follows a question."""
    return f"{question_id}{SUFFIX}"


def _in(text: Text, languages: tuple[str, ...]) -> Text:
    return {lang: text.get(lang, text["en"]) for lang in languages}


def companion(question: Question, languages: tuple[str, ...]) -> Question:
    """The confidence item for `question` in a bank of these languages."""
    return Question(
        id=companion_id(question.id),
        type=QuestionType.SCALE,
        prompt=_in(PROMPT, languages),
        min=LOWEST,
        max=HIGHEST,
        min_label=_in(LOW_LABEL, languages),
        max_label=_in(HIGH_LABEL, languages),
        confidence_for=question.id,
        missing=tuple(lang for lang in languages if lang not in PROMPT),
    )
