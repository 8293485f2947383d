"""Audience Q&A in the live service: a board per session, stored before it is acknowledged,
shared with the other processes like answers, and pushed to each role in coalesced updates."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from polling.core.qna import Board, QnaError, Question, Settings, Status, transition
from polling.core.session import Session, SessionStatus
from polling.live.hub import Client, Coalescer
from polling.live.qnaview import asked_message, phone_qna, qna_message, qna_view, voted_message
from polling.live.refusals import Refused
from polling.live.views import FACILITATOR, PARTICIPANT, SCREEN
from polling.reports.qnaexport import board_of
from polling.store.base import QnaQuestionRow

if TYPE_CHECKING:
    from polling.live.service import Polling

# Presenters see a vote within a quarter of a second; the phones' shared list, heavier to
# send to a whole room, at most once a second.
PRESENTER_INTERVAL = 0.25
PHONE_INTERVAL = 1.0


def changes(body: dict[str, Any]) -> dict[str, Any]:
    """The Q&A settings a request changes: those of `open`, `premoderate`, `order`, `pinned` it holds."""
    return {name: body[name] for name in ("open", "premoderate", "order", "pinned") if name in body}


def refused(error: QnaError) -> Refused:
    """A Q&A rule's refusal as the protocol's error."""
    return Refused(error.code, error.message, **error.extra)


class Questions:
    """Every session's Q&A board, kept in memory after the store."""

    def __init__(self, polling: Polling, minute: Callable[[], str]) -> None:
        self.polling = polling
        self.minute = minute  # the UTC minute a question is stored with, no finer
        self.boards: dict[str, Board] = {}
        self._presenters = Coalescer(self._push_presenters, PRESENTER_INTERVAL)
        self._phones = Coalescer(self._push_phones, PHONE_INTERVAL)

    def board(self, session_id: str) -> Board:
        """The board of a session (an empty, closed one until Q&A is opened)."""
        board = self.boards.get(session_id)
        if board is None:
            board = self.boards[session_id] = Board()
        return board

    async def load(self, session_id: str) -> None:
        """Read a session's Q&A back from the store (at start, and after missing shared changes)."""
        board = board_of(await self.polling.store.qna(session_id))
        self.boards[session_id] = board
        self.touch(session_id)

    def forget(self, session_id: str) -> None:
        """Drop the board of a deleted session."""
        self.boards.pop(session_id, None)

    def touch(self, session_id: str) -> None:
        """Note that a session's Q&A changed: every role is told, soon and coalesced."""
        self._presenters.touch(session_id)
        self._phones.touch(session_id)

    # -- facilitator -----------------------------------------------------------------------

    async def configure(self, session_id: Any, changes: dict[str, Any]) -> Board:
        """Open or close Q&A, switch pre-moderation, choose the order, pin a question (`pinned`)."""
        session = self.polling.session(session_id)
        board = self.board(session.id)
        try:
            settings = board.settings.changed(changes)
            if "pinned" in changes:
                settings.pinned = board.check_pin(changes["pinned"])
        except QnaError as error:
            raise refused(error) from None
        await self.polling.durably(self.polling.store.save_qna_settings(session.id, settings.to_dict()))
        board.settings = settings
        self.touch(session.id)
        await self.polling.share(
            {"event": "qna_settings", "session": session.id, "settings": settings.to_dict()}
        )
        return board

    async def moderate(self, session_id: Any, question_id: Any, status: Any) -> Board:
        """Approve, hide, mark answered, or send back to approved a question of the room."""
        session = self.polling.session(session_id)
        board = self.board(session.id)
        try:
            question = board.question(question_id)
            target = transition(question.status, status)
        except QnaError as error:
            raise refused(error) from None
        if target is not question.status:
            await self.polling.durably(
                self.polling.store.save_qna_status(session.id, question.id, str(target))
            )
            was_pinned = board.settings.pinned
            board.moderate(question.id, target)
            if board.settings.pinned != was_pinned:  # hidden while pinned: the pin is gone for good
                await self.polling.durably(
                    self.polling.store.save_qna_settings(session.id, board.settings.to_dict())
                )
            self.touch(session.id)
            await self.polling.share(
                {"event": "qna_status", "session": session.id, "question": question.id, "status": str(target)}
            )
        return board

    # -- phones ----------------------------------------------------------------------------

    def _running(self, client: Client) -> tuple[Session, Board, str]:
        session = self.polling.session(client.session_id)
        participant = client.participant
        assert participant is not None
        if session.status is SessionStatus.ENDED:
            raise Refused("ended", "The session has ended")
        return session, self.board(session.id), participant

    async def ask(self, client: Client, message: dict[str, Any]) -> dict[str, Any]:
        """Check a phone's question, store it durably, then take it in; returns the acknowledgement."""
        session, board, participant = self._running(client)
        now = time.monotonic()
        try:
            text = board.check_ask(participant, message.get("text"), now)
        except QnaError as error:
            raise refused(error) from None
        lang = message.get("lang")
        language = (
            lang
            if isinstance(lang, str) and lang in session.bank.languages
            else (client.lang or session.bank.default_language)
        )
        question = Question(
            secrets.token_hex(4), participant, text, language, self.minute(), board.first_status()
        )
        row = QnaQuestionRow(
            session.id, question.id, participant, text, language, question.minute, str(question.status)
        )
        await self.polling.durably(self.polling.store.add_qna_question(row))
        board.add(question, now)
        self.touch(session.id)
        await self.polling.share({"event": "qna_question", "session": session.id, "question": row.__dict__})
        return asked_message(question)

    async def vote(self, client: Client, message: dict[str, Any]) -> dict[str, Any]:
        """A phone votes for a question or takes its vote back: stored durably, then counted."""
        session, board, participant = self._running(client)
        try:
            question, up = board.check_vote(message.get("id"), participant, message.get("up"))
        except QnaError as error:
            raise refused(error) from None
        if (participant in question.voters) != up:
            await self.polling.durably(
                self.polling.store.save_qna_vote(session.id, question.id, participant, up)
            )
            board.vote(question.id, participant, up)
            self.touch(session.id)
            if self.polling.relay.shared:
                await self.polling.share(
                    {"event": "qna_vote", "session": session.id, "question": question.id,
                     "participant": participant, "up": up}
                )  # fmt: skip
        return voted_message(question, up)

    # -- the other processes' changes ------------------------------------------------------

    def apply(self, session: Session, event: dict[str, Any]) -> None:
        """Apply a Q&A change another process stored."""
        board = self.board(session.id)
        kind = event["event"]
        if kind == "qna_settings":
            board.settings = Settings.from_dict(event["settings"])
        elif kind == "qna_question":
            row = QnaQuestionRow(**event["question"])
            question = Question(
                row.id, row.participant, row.text, row.language, row.minute, Status(row.status)
            )
            board.add(question, time.monotonic())  # counted against its author's rate here too
        elif kind == "qna_vote":
            board.vote(event["question"], event["participant"], event["up"])
        elif kind == "qna_status":
            board.moderate(event["question"], Status(event["status"]))
        self.touch(session.id)

    # -- views -----------------------------------------------------------------------------

    def view(self, session: Session, role: str) -> dict[str, Any]:
        """QNA of docs/protocol.md for a presenter."""
        return qna_view(self.board(session.id), role)

    def for_phone(self, session: Session, participant: str) -> dict[str, Any]:
        """The `qna` of a phone's welcome."""
        return phone_qna(self.board(session.id), PARTICIPANT, participant)

    async def _push_presenters(self, session_id: str) -> None:
        board = self.boards.get(session_id)
        if board is None or session_id not in self.polling.sessions:
            return
        hub = self.polling.hub
        for role in (FACILITATOR, SCREEN):
            clients = hub.clients(session_id, role)
            if clients:
                hub.broadcast(clients, qna_message(board, role))

    async def _push_phones(self, session_id: str) -> None:
        board = self.boards.get(session_id)
        if board is None or session_id not in self.polling.sessions:
            return
        clients = self.polling.hub.clients(session_id, PARTICIPANT)
        if clients:  # one shared message: each phone keeps its own votes from its acknowledgements
            self.polling.hub.broadcast(clients, qna_message(board, PARTICIPANT))
