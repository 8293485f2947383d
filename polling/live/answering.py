"""A phone's answers and its self-paced submission: checked, stored durably, counted, and
only then acknowledged; shared with the other processes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from polling.core.answers import AnswerError, Value
from polling.core.model import QuestionType
from polling.core.session import NotOpenError, Session, TimeUpError
from polling.core.tally import Moderation
from polling.live.hub import Client
from polling.live.refusals import Refused
from polling.live.stored import utc_minute
from polling.store.base import AnswerRow, StoreError

if TYPE_CHECKING:
    from polling.live.service import Polling

MAX_REV = 2**53


class Answering:
    """The participant's side of a session: answers and submissions."""

    def __init__(self, polling: Polling) -> None:
        self.polling = polling

    async def answer(self, client: Client, message: dict[str, Any]) -> dict[str, Any]:
        """Check, store durably, then count an answer; returns the acknowledgement."""
        session = self.polling.session(client.session_id)
        participant = client.participant
        assert participant is not None
        question_id = message.get("question")
        try:
            question, value = session.check(question_id, message.get("value"))
        except TimeUpError as error:
            raise Refused("time_up", str(error), question=question_id) from None
        except NotOpenError as error:
            raise Refused("not_open", str(error), question=question_id) from None
        except AnswerError as error:
            raise Refused("invalid_answer", str(error), question=question_id) from None
        stored_rev = session.rev_of(participant, question.id)
        rev = message.get("rev", stored_rev + 1)
        if isinstance(rev, bool) or not isinstance(rev, int) or not 0 < rev < MAX_REV:
            raise Refused("invalid_answer", "rev must be a positive integer", question=question.id)
        if rev > stored_rev and participant in session.finished:
            raise Refused("not_open", "Your answers were submitted", question=question.id)
        if rev > stored_rev:
            lang = message.get("lang")
            if lang not in session.bank.languages:
                lang = client.lang or session.bank.default_language
            if lang in question.missing:
                lang = session.bank.default_language  # what the phone really showed
            status = self._text_status(session, participant, question.id, value)
            elapsed = session.elapsed_now(question.id)
            row = AnswerRow(
                session.id, question.id, participant, value, lang, utc_minute(), rev, status, elapsed
            )

            def committed() -> None:
                # Counted at the commit, before any acknowledgement of it goes out: the
                # presenters' next tally holds every answer a phone has seen acknowledged.
                moderation = Moderation(status) if status else None
                session.record(participant, question.id, value, rev, moderation, elapsed)
                self.polling.coalescer.touch(session.id)

            try:
                await self.polling.store.save_answer(row, committed)
            except StoreError as error:
                if session.id not in self.polling.sessions:
                    # Deleted while this answer waited: not a problem of the disk.
                    raise Refused("not_found", "No such session") from None
                self.polling.storage_failed(error)
                raise Refused(
                    "unavailable", "The answer could not be saved: send it again",
                    question=question.id,
                ) from None  # fmt: skip
            if self.polling.storage_problem is not None:
                self.polling.storage_recovered()
            if self.polling.relay.shared:  # checked here: the answer path builds no event for one process
                await self.polling.share(
                    {"event": "answer", "session": session.id, "question": question.id,
                     "participant": participant, "value": value, "rev": rev, "status": status,
                     "elapsed": elapsed}
                )  # fmt: skip
        return {
            "type": "ack",
            "question": question.id,
            "value": session.answer_of(participant, question.id),
            "rev": session.rev_of(participant, question.id),
        }

    async def submit(self, client: Client) -> dict[str, Any]:
        """A phone submits its self-paced questionnaire: stored durably, then counted."""
        session = self.polling.session(client.session_id)
        participant = client.participant
        assert participant is not None
        if participant not in session.finished:
            try:
                session.finish(participant)
            except NotOpenError as error:
                raise Refused("not_open", str(error)) from None
            try:
                await self.save_phone(session, participant)
            except Refused:
                session.finished.discard(participant)
                raise
            self.polling.coalescer.touch(session.id)
        return {"type": "submitted"}

    async def save_phone(self, session: Session, participant: str) -> None:
        """Store what a session keeps of a phone (course key, finished), then tell the other processes."""
        course_key = session.course_keys.get(participant)
        finished = participant in session.finished
        await self.polling.durably(
            self.polling.store.save_phone(session.id, participant, course_key, finished)
        )
        await self.polling.share(
            {"event": "phone", "session": session.id, "participant": participant,
             "course_key": course_key, "finished": finished}
        )  # fmt: skip

    @staticmethod
    def _text_status(session: Session, participant: str, question_id: str, value: Value) -> str | None:
        tally = session.tallies[question_id]
        if tally.question.type is not QuestionType.TEXT:
            return None
        previous = tally.status_of(participant)
        unchanged = previous is not None and tally.answers.get(participant) == value
        return str(previous if unchanged and previous else Moderation.PENDING)
