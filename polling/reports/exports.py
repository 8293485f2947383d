"""Results for the training report: CSV tables and the whole session as JSON. Pure."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from polling.core.model import OPTION_TYPES, Question, QuestionType
from polling.core.quiz import judge, score
from polling.core.scores import points
from polling.core.session import SCREEN_SECRETS, Session
from polling.reports.cells import neutral_row
from polling.reports.groups import BREAKDOWN_COLUMNS, GroupLabels, breakdown_rows, breakdowns, group_columns
from polling.store.base import AnswerRow

ANSWER_COLUMNS = [
    "session",
    "question_id",
    "question",
    "type",
    "answer",
    "language",
    "minute",
    "status",
    "correct",
    "points",
    "course_role",
]
SUMMARY_COLUMNS = [
    "session",
    "question_id",
    "question",
    "type",
    "responses",
    "answered",
    "item",
    "count",
    "share",
    "mean",
    "share_correct",
    "mean_score",
    "course_role",
]


def _csv(columns: list[str], rows: Iterable[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    # Answers and bank texts are typed by anyone: none may run as a formula.
    writer.writerows(neutral_row(row) for row in rows)
    return buffer.getvalue()


def answer_text(question: Question, value: Any, lang: str) -> Any:
    """An answer as a person reads it: option labels rather than ids; numbers stay numbers."""
    labels = {o.id: o.label.get(lang, o.id) for o in question.options}
    if question.type in OPTION_TYPES:
        chosen = value if isinstance(value, list) else [value]
        # A ranking reads first to last: "1. Bribery; 2. Fraud"
        if question.type is QuestionType.RANKING:
            return "; ".join(f"{n}. {labels.get(v, str(v))}" for n, v in enumerate(chosen, 1))
        return "; ".join(labels.get(v, str(v)) for v in chosen)
    return value


def marking(question: Question, value: Any) -> tuple[int, int] | None:
    """(1 if right else 0, points earned) of an answer to a quiz question, without a speed
    bonus; None for an opinion question."""
    judgement = judge(question, value)
    if judgement is None:
        return None
    return int(judgement.correct), score(question, judgement)


def session_marking(
    session: Session, question: Question, value: Any, elapsed: int | None
) -> tuple[int, int] | None:
    """`marking` of an answer as the session scores it live: with the speed bonus where the bank
    gives one, from `elapsed` (ms from the question's opening to the answer, which the store
    keeps for such questions), so that exports and the leaderboard agree."""
    judgement = judge(question, value)
    if judgement is None:
        return None
    return int(judgement.correct), points(session, question, judgement, elapsed)


def quiz_summary(marks: Iterable[tuple[int, int] | None]) -> tuple[float, float] | None:
    """(share of right answers, mean points) of a quiz question's marked answers; None for an
    opinion question or one nobody answered."""
    given = [m for m in marks if m is not None]
    if not given:
        return None
    return round(sum(m[0] for m in given) / len(given), 4), round(sum(m[1] for m in given) / len(given), 2)


def session_quiz_summary(session: Session, question: Question) -> tuple[float, float] | None:
    """`quiz_summary` of every counted answer to a question of the session."""
    tally = session.tallies.get(question.id)
    answers = tally.answers.items() if tally is not None else ()
    elapsed = session.elapsed_of
    return quiz_summary(session_marking(session, question, v, elapsed(p, question.id)) for p, v in answers)


def _other_languages(session: Session, lang: str | None = None) -> list[str]:
    first = lang or session.bank.default_language
    return [code for code in session.bank.languages if code != first]


def answer_columns(session: Session, lang: str | None = None) -> list[str]:
    """The answers table's columns: those of ANSWER_COLUMNS, then the question and answer in
    each other language of the bank, then the participant's group in each segment."""
    others = _other_languages(session, lang)
    translated = [c for other in others for c in (f"question_{other}", f"answer_{other}")]
    return ANSWER_COLUMNS + translated + group_columns(session)


def answer_rows(session: Session, answers: Iterable[AnswerRow], lang: str | None = None) -> list[list[Any]]:
    """One row per answer, the question and answer in `lang` (by default the bank's default
    language), then in each other language of the bank."""
    lang = lang or session.bank.default_language
    others = _other_languages(session, lang)
    groups = GroupLabels(session)
    rows = []
    for answer in answers:
        question = session.bank.question(answer.question_id)
        if question is None:
            continue
        translations = [
            cell for other in others
            for cell in (question.prompt[other], answer_text(question, answer.value, other))
        ]  # fmt: skip
        marks = session_marking(session, question, answer.value, answer.elapsed) or ("", "")
        rows.append(
            [
                session.id,
                question.id,
                question.prompt[lang],
                str(question.type),
                answer_text(question, answer.value, lang),
                answer.language,
                answer.minute,
                answer.status or "",
                *marks,
                session.course_role or "",  # "pre" or "post" in a course
                *translations,
                # Blank where the group is not shown for this question (smaller than k).
                *groups.cells(question.id, answer.participant, lang),
            ]
        )
    return rows


def answers_csv(session: Session, answers: Iterable[AnswerRow]) -> str:
    """One row per answer: the last answer of each participant to each question, with the
    question and answer in the default language, then in each other language of the bank."""
    return _csv(answer_columns(session), answer_rows(session, answers))


def summary_rows(session: Session) -> list[list[Any]]:
    """One row per question and item (option, scale point, word, bin or moderation status),
    with the question and item in each other language of the bank at the end."""
    lang = session.bank.default_language
    others = _other_languages(session)
    answered = len(session.answered)
    rows: list[list[Any]] = []
    # A slide takes no answers: it has no row (the JSON export keeps it in the bank snapshot).
    for question in (q for q in session.bank.questions if not q.is_slide):
        tally = session.tallies[question.id]
        results = tally.results()
        responses = tally.responses
        mean = results.get("mean")
        quiz = session_quiz_summary(session, question) or ("", "")
        # (item in each language of the bank, count, and for a ranking the item's mean rank)
        items: list[tuple[list[Any], int]]
        ranks: list[Any] = []
        match question.type:
            case QuestionType.SINGLE | QuestionType.MULTIPLE:
                items = [
                    ([o.label[code] for code in session.bank.languages], results["counts"][o.id])
                    for o in question.options
                ]
            case QuestionType.RANKING:
                # In results order (highest Borda score first); the count is the Borda score and
                # the mean the option's mean rank.
                labels = {o.id: o.label for o in question.options}
                items = []
                for r in results["ranking"]:
                    names = [labels[r["id"]][code] for code in session.bank.languages]
                    items.append((names, r["borda"]))
                    ranks.append(r["mean_rank"])
            case QuestionType.SCALE:
                items = [([point] * len(session.bank.languages), n) for point, n in results["counts"].items()]
            case QuestionType.NUMBER:
                items = [
                    ([f"{b['from']}–{b['to']}"] * len(session.bank.languages), b["count"])
                    for b in results["bins"]
                ]
            case QuestionType.WORDCLOUD | QuestionType.TEXT:
                pairs = results["words"] if question.type is QuestionType.WORDCLOUD else results.items()
                items = [([item] * len(session.bank.languages), count) for item, count in pairs]
        base = [session.id, question.id, question.prompt[lang], str(question.type), responses, answered]
        prompts = [question.prompt[other] for other in others]
        role = session.course_role or ""
        if not items:
            rows.append([*base, "", 0, "", _blank(mean), *quiz, role, *[c for p in prompts for c in (p, "")]])
        for index, (names, count) in enumerate(items):
            share = round(count / responses, 4) if responses and not ranks else ""
            item_mean = ranks[index] if ranks else mean
            translated = [c for p, name in zip(prompts, names[1:], strict=True) for c in (p, name)]
            rows.append([*base, names[0], count, share, _blank(item_mean), *quiz, role, *translated])
    return rows


def breakdowns_csv(session: Session) -> str:
    """The breakdown table: each question's results within each group shown, as published."""
    return _csv(BREAKDOWN_COLUMNS, breakdown_rows(session))


def summary_columns(session: Session) -> list[str]:
    """The summary table's columns for this session's languages."""
    return SUMMARY_COLUMNS + [c for o in _other_languages(session) for c in (f"question_{o}", f"item_{o}")]


def _blank(value: Any) -> Any:
    return "" if value is None else value


def summary_csv(session: Session) -> str:
    """The per-question summary table."""
    return _csv(summary_columns(session), summary_rows(session))


# Keys that let their holder into a session: an export is passed around, so it never has them.
SECRETS = frozenset(SCREEN_SECRETS)


def session_json(session: Session, info: dict[str, Any], answers: Iterable[AnswerRow]) -> dict[str, Any]:
    """The whole session: its info (without secrets), bank snapshot, states, results, the
    breakdowns by group (where the bank has segments) and every answer."""
    groups = GroupLabels(session)
    return {
        "session": {key: value for key, value in info.items() if key not in SECRETS},
        "bank": session.bank.to_dict(),
        "states": session.control_state(),
        "results": {q.id: session.tallies[q.id].results() for q in session.bank.questions},
        "breakdowns": breakdowns(session),
        "answers": [_answer_json(session, a, groups) for a in answers],
    }


def _answer_json(session: Session, answer: AnswerRow, groups: GroupLabels) -> dict[str, Any]:
    """One answer of export.json; with `correct` (true or false) and `points` where its
    question has a right answer."""
    data = {
        "question": answer.question_id,
        "value": answer.value,
        "language": answer.language,
        "minute": answer.minute,
        "status": answer.status,
    }
    question = session.bank.question(answer.question_id)
    marks = session_marking(session, question, answer.value, answer.elapsed) if question is not None else None
    if marks is not None:
        data["correct"], data["points"] = bool(marks[0]), marks[1]
    if session.bank.segments():
        data["groups"] = groups.ids(answer.question_id, answer.participant)
    return data


# Excel on Windows reads a CSV file without it in the local code page, garbling Cyrillic and
# Arabic; Python (encoding="utf-8-sig") and LibreOffice read it as the UTF-8 mark it is.
BYTE_ORDER_MARK = "\ufeff"


@dataclass(frozen=True)
class Document:
    """An export ready to be written or served."""

    filename: str
    media_type: str
    body: str


# Each export by kind, named as the last part of its HTTP path and at the end of its file name.
FILES = {
    "answers": "answers.csv",
    "summary": "summary.csv",
    "breakdowns": "breakdowns.csv",
    "json": "export.json",
}
# The reports (polling/reports/xlsx.py and html.py), named the same way.
REPORT_FILES = {"xlsx": "export.xlsx", "html": "report.html"}


def filename(session: Session, kind: str) -> str:
    """The one name of an export file, wherever it is made: BANK-DATE-CODE-answers.csv,
    -summary.csv, -breakdowns.csv or -export.json, so the files of a workshop sort together by bank and day.
    Bank ids and codes are letters, digits, `_` and `-` only: safe in every file system."""
    return f"{session.bank.id}-{session.created[:10]}-{session.code}-{FILES[kind]}"


def report_filename(sessions: list[Session], kind: str) -> str:
    """The name of a report (`xlsx` or `html`) of one session, BANK-DATE-CODE-export.xlsx, or
    of several side by side, BANK-DATE-CODE-CODE-...: the first session's bank and day."""
    first = sessions[0]
    codes = "-".join(s.code for s in sessions)
    return f"{first.bank.id}-{first.created[:10]}-{codes}-{REPORT_FILES[kind]}"


def render(kind: str, session: Session, info: dict[str, Any], answers: list[AnswerRow]) -> Document:
    """One export of a session: `answers`, `summary` or `breakdowns` (CSV, with a byte order
    mark), or `json`."""
    name = filename(session, kind)
    if kind == "breakdowns":
        return Document(name, "text/csv", BYTE_ORDER_MARK + breakdowns_csv(session))
    if kind == "answers":
        return Document(name, "text/csv", BYTE_ORDER_MARK + answers_csv(session, answers))
    if kind == "summary":
        return Document(name, "text/csv", BYTE_ORDER_MARK + summary_csv(session))
    document = json.dumps(session_json(session, info, answers), ensure_ascii=False, indent=1)
    return Document(name, "application/json", document)
