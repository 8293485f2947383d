"""A session in one file that travels between servers: encoded, checksummed, verified. Pure.

The file is JSON: `{"kind": KIND, "version": VERSION, "checksum": "sha256:...", "body": {...}}`,
the checksum taken over the body's canonical encoding (sorted keys, no spaces, UTF-8), so a
file edited or cut short on the way is refused rather than loaded half right. The body's `qna`
(the audience Q&A) and `scenario` (the table-top exercise) came after the first archives of this
version, as parts a body may lack, so the version stays: one without them restores as a session
whose Q&A or exercise was never used.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from polling.core.model import Bank
from polling.core.qna import Status
from polling.store.base import AnswerRow, QnaQuestionRow, QnaRows, ScenarioRows, SessionRow

KIND = "polling-session-archive"
VERSION = 1
SUFFIX = ".polling.json"


class ArchiveError(Exception):
    """A file that cannot be restored, with the reason in words for the person restoring it."""


@dataclass(frozen=True)
class Archive:
    """One session as archived: its row (with no secret), its answers, the phones that joined,
    those that submitted a self-paced questionnaire, its audience Q&A and its exercise."""

    session: SessionRow
    answers: list[AnswerRow]
    joined: list[str]
    finished: list[str]
    qna: QnaRows = field(default_factory=lambda: QnaRows(None, [], []))
    scenario: ScenarioRows = field(default_factory=lambda: ScenarioRows([], [], []))


def checksum(body: dict[str, Any]) -> str:
    """The SHA-256 of the body's canonical encoding."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def _pseudonyms(
    joined: list[str], answers: list[AnswerRow], finished: list[str], qna: QnaRows, scenario: ScenarioRows
) -> dict[str, str]:
    """A stand-in for each participant key: p1, p2... in the order phones first appear, so a phone
    that asked, voted or sat at a team's table keeps one stand-in with its answers. The keys
    themselves never leave the server, so nothing in the file links back to a phone's token."""
    names: dict[str, str] = {}
    askers = (question.participant for question in qna.questions)
    voters = (voter for _, voter in qna.votes)
    # The exercise's phones come last, so that an archive's earlier stand-ins stay as they were.
    members = (member[0] for member in scenario.members)
    deciders = (vote[3] for vote in scenario.votes)
    keys = [
        *joined,
        *(answer.participant for answer in answers),
        *finished,
        *askers,
        *voters,
        *members,
        *deciders,
    ]
    for key in keys:
        names.setdefault(key, f"p{len(names) + 1}")
    return names


def encode(
    row: SessionRow,
    answers: list[AnswerRow],
    joined: list[str],
    finished: list[str],
    qna: QnaRows | None = None,
    scenario: ScenarioRows | None = None,
) -> str:
    """The archive of a session as JSON text; participant keys are replaced by stand-ins. Left out
    as things of this server alone: the screen key (a secret), the owner (an account), the course
    and the phones' course keys (which pair a phone's answers across the course's sessions)."""
    qna = qna or QnaRows(None, [], [])
    scenario = scenario or ScenarioRows([], [], [])
    names = _pseudonyms(joined, answers, finished, qna, scenario)
    body = {
        "session": {
            "id": row.id,
            "code": row.code,
            "created": row.created,
            "hide_results": row.hide_results,
            "control": row.control,
        },
        "bank": row.bank.to_dict(),
        "answers": [
            {
                "question": a.question_id,
                "participant": names[a.participant],
                "value": a.value,
                "language": a.language,
                "minute": a.minute,
                "rev": a.rev,
                "status": a.status,
            }
            for a in answers
        ],
        "joined": [names[key] for key in joined],
        "finished": [names[key] for key in finished],
        "qna": {
            "settings": qna.settings,
            "questions": [
                {
                    "id": q.id,
                    "participant": names[q.participant],
                    "text": q.text,
                    "language": q.language,
                    "minute": q.minute,
                    "status": q.status,
                }
                for q in qna.questions
            ],
            "votes": [{"question": question, "participant": names[voter]} for question, voter in qna.votes],
        },
        # The exercise's events name no phone (a team's move is stored as the team's): kept whole.
        "scenario": {
            "events": scenario.events,
            "votes": [
                {"run": run, "track": track, "visit": visit, "participant": names[phone], "option": option}
                for run, track, visit, phone, option in scenario.votes
            ],
            "members": [
                {"participant": names[phone], "team": team, "spokesperson": spokesperson}
                for phone, team, spokesperson in scenario.members
            ],
        },
    }
    document = {"kind": KIND, "version": VERSION, "checksum": checksum(body), "body": body}
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def verify(text: str) -> dict[str, Any]:
    """The body of an archive whose kind, version and checksum are right; ArchiveError otherwise."""
    try:
        document = json.loads(text)
    except ValueError:
        raise ArchiveError("the file is damaged or cut short: it is not complete JSON") from None
    if not isinstance(document, dict) or document.get("kind") != KIND:
        raise ArchiveError(f"the file is not a session archive (its kind is not {KIND!r})")
    version = document.get("version")
    if version != VERSION:
        raise ArchiveError(
            f"the archive's version {version!r} is not known to this polling, which reads version "
            f"{VERSION}: restore it with the version of polling that wrote it, or a newer one"
        )
    body = document.get("body")
    if not isinstance(body, dict) or document.get("checksum") != checksum(body):
        raise ArchiveError("the file is damaged: its checksum does not match its content")
    return body


def decode(text: str, screen_key: str) -> Archive:
    """A verified archive as store rows, with `screen_key` as the session's new screen secret."""
    body = verify(text)
    try:
        info, bank = body["session"], Bank.from_dict(body["bank"])
        row = SessionRow(
            id=str(info["id"]),
            code=str(info["code"]),
            bank=bank,
            screen_key=screen_key,
            hide_results=bool(info["hide_results"]),
            created=str(info["created"]),
            control=dict(info["control"]),
        )
        answers = [
            AnswerRow(
                row.id, str(a["question"]), str(a["participant"]), a["value"], str(a["language"]),
                str(a["minute"]), int(a["rev"]), a["status"],
            )
            for a in body["answers"]
        ]  # fmt: skip
        joined = [str(key) for key in body["joined"]]
        finished = [str(key) for key in body["finished"]]
        qna = _qna(row.id, body.get("qna"))
        scenario = _scenario(body.get("scenario"))
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        # A checksum that matches a body of the wrong shape: made by hand, not by `polling archive`.
        raise ArchiveError(
            f"the archive's content is not a session ({type(error).__name__}: {error})"
        ) from None
    return Archive(row, answers, joined, finished, qna, scenario)


def _qna(session_id: str, data: Any) -> QnaRows:
    """The archived Q&A as store rows; none (an archive written before Q&A was archived): empty."""
    if data is None:
        return QnaRows(None, [], [])
    settings = data["settings"]
    questions = [
        QnaQuestionRow(
            session_id, str(q["id"]), str(q["participant"]), str(q["text"]), str(q["language"]),
            str(q["minute"]), str(Status(q["status"])),
        )
        for q in data["questions"]
    ]  # fmt: skip
    votes = [(str(v["question"]), str(v["participant"])) for v in data["votes"]]
    return QnaRows(None if settings is None else dict(settings), questions, votes)


def _scenario(data: Any) -> ScenarioRows:
    """The archived exercise as store rows; none (an archive written before the exercise was
    archived): empty, a session whose exercise never started."""
    if data is None:
        return ScenarioRows([], [], [])
    events = [dict(event) for event in data["events"]]
    votes = [
        (int(v["run"]), str(v["track"]), int(v["visit"]), str(v["participant"]), str(v["option"]))
        for v in data["votes"]
    ]
    members = [(str(m["participant"]), str(m["team"]), bool(m["spokesperson"])) for m in data["members"]]
    return ScenarioRows(events, votes, members)
