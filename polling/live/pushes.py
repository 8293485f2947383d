"""What this process sends its connections when a session changes: the presenters' state,
tallies and text lists, the phones' question, and the server's health."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from polling.core.model import QuestionType
from polling.core.session import Session, SessionStatus
from polling.live import quizview, views
from polling.live.hub import Client, encode
from polling.live.views import FACILITATOR, PARTICIPANT, SCREEN

if TYPE_CHECKING:
    from polling.live.service import Polling


class Pushes:
    """Each push builds its messages with live/views.py and hands them to the hub."""

    def __init__(self, polling: Polling) -> None:
        self.polling = polling
        # The version of each text question's list (session, question) up to which this
        # process's presenters have been sent it: the next `texts` carries only what is newer.
        self._texts_sent: dict[tuple[str, str], int] = {}

    def state(self, session: Session) -> None:
        """Tell the presenters where the session stands (and everyone, once it ended)."""
        hub = self.polling.hub
        for role in (FACILITATOR, SCREEN):
            message = {"type": "state", **self.polling.presenter_state(session, role)}
            hub.broadcast(hub.clients(session.id, role), message)
        tally = views.text_tally(session, session.current)
        if tally is not None:  # every presenter now holds the whole list
            self._texts_sent[session.id, tally.question.id] = tally.version
        if session.status is SessionStatus.ENDED:
            for role in (FACILITATOR, SCREEN, PARTICIPANT):
                hub.broadcast(hub.clients(session.id, role), {"type": "ended"})

    def question(self, session: Session) -> None:
        """Tell every phone the current question: one shared message, and for the phones that
        already answered it (when the facilitator goes back, or at a quiz reveal with their own
        feedback) one message per group of phones alike, each encoded once."""
        hub = self.polling.hub
        shared = views.participant_question(session, None)
        answered = session.tallies[session.current].answers if session.current else {}
        plain = []
        groups: dict[tuple[Any, ...], tuple[str, list[Client]]] = {}
        # A copy: a phone cut off by a full queue leaves the set while we walk it.
        clients = list(hub.clients(session.id, PARTICIPANT))
        for client in clients:
            participant = client.participant
            if participant in answered:
                assert participant is not None
                group = groups.setdefault(quizview.feedback_group(session, participant), (participant, []))
                group[1].append(client)
            else:
                plain.append(client)
        hub.broadcast(plain, shared)
        for participant, alike in groups.values():
            hub.broadcast(alike, views.participant_question(session, participant))
        if session.scored:
            self.polling.quiz.push_scores(session, clients)

    def health(self) -> None:
        """Tell every facilitator whether changes can be kept and shared."""
        hub = self.polling.hub
        message = views.health_message(self.polling.problem)
        for session_id in self.polling.sessions:
            hub.broadcast(hub.clients(session_id, FACILITATOR), message)

    async def tally(self, session_id: str) -> None:
        """Send the presenters the session's counts (the coalescer calls this)."""
        polling = self.polling
        session = polling.sessions.get(session_id)
        if session is None:
            return
        if polling.relay.shared:
            polling.relay.report_connected(session.id, polling.hub.count(session.id, PARTICIPANT))
        participants = polling.participants(session.id)
        tallies = [(r, encode(views.tally_message(session, r, participants))) for r in (FACILITATOR, SCREEN)]
        for role, text in tallies:
            # Directly, not through each writer: the few presenters are not kept a turn behind.
            for client in list(polling.hub.clients(session.id, role)):
                with contextlib.suppress(Exception):  # one that went away is removed by its reader
                    await client.reply(text)
        tally = session.tallies[session.current] if session.current else None
        if tally is not None and tally.question.type is QuestionType.TEXT:
            self.texts(session, tally.question.id)

    def texts(self, session: Session, question_id: str) -> None:
        """Send the presenters what changed in a text list since they were last sent it."""
        tally = views.text_tally(session, question_id)
        if tally is None:
            return
        key = (session.id, question_id)
        since = self._texts_sent.get(key)
        self._texts_sent[key] = tally.version
        if since is None or since == tally.version:
            return  # nobody here holds this list yet, or nothing changed
        hub = self.polling.hub
        for role in (FACILITATOR, SCREEN):
            clients = hub.clients(session.id, role)
            if clients:
                hub.broadcast(clients, views.texts_message(tally, since, role))

    def texts_delivered(self, session: Session) -> None:
        """A presenter was sent the current question's text list as it stands now."""
        tally = views.text_tally(session, session.current)
        if tally is not None:
            self._texts_sent.setdefault((session.id, tally.question.id), tally.version)

    def forget(self, session_id: str) -> None:
        """A session was deleted: nothing more is sent of it."""
        for key in [key for key in self._texts_sent if key[0] == session_id]:
            del self._texts_sent[key]
