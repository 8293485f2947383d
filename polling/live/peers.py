"""The other server processes' changes, applied here: each event as it is heard, or every
session rebuilt from the database after events were missed.

A process that starts holds what it hears until it has read the database, then applies it
in order: a change made elsewhere meanwhile is read or heard, never lost between the two,
and never applied to a session this process has not loaded yet (it would be dropped).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from polling.core.session import Session
from polling.core.tally import Moderation
from polling.live.stored import resume
from polling.live.views import phone_view

if TYPE_CHECKING:
    from polling.live.service import Polling


class Peers:
    """Applies what the other processes stored, and tells this process's connections."""

    def __init__(self, polling: Polling) -> None:
        self.polling = polling
        # Events heard while the process starts and reads the database; None once started.
        self._held: list[dict[str, Any]] | None = None

    def hold(self) -> None:
        """Keep the events heard from now on until `release`."""
        self._held = []

    async def release(self) -> None:
        """Apply the events held, in the order heard, and every later one as it comes."""
        while self._held:
            await self.apply(self._held.pop(0))
        self._held = None

    async def hear(self, event: dict[str, Any]) -> None:
        """An event of another process: applied, or held while the process starts."""
        if self._held is not None:
            self._held.append(event)
        else:
            await self.apply(event)

    async def apply(self, event: dict[str, Any]) -> None:
        """Apply a change another process stored, and tell this process's connections."""
        polling = self.polling
        kind = event["event"]
        if kind == "resync":
            await self.resync()
            return
        if kind == "course":
            await polling.courses.load()
            return
        session = polling.sessions.get(event["session"])
        if kind == "session" and session is None:
            row = next((r for r in await polling.store.sessions() if r.id == event["session"]), None)
            if row is not None:
                # Just created elsewhere: no phone has joined it yet, so no more to read.
                polling.add(resume(row, await polling.store.answers(row.id)))
        elif session is None:
            return
        elif kind.startswith("qna_"):
            polling.qna.apply(session, event)
        elif kind.startswith("scenario_"):
            polling.scenarios.apply(session, event)
        elif kind == "answer":
            status = Moderation(event["status"]) if event["status"] else None
            session.record(
                event["participant"],
                event["question"],
                event["value"],
                event["rev"],
                status,
                event.get("elapsed"),
            )
            polling.coalescer.touch(session.id)
        elif kind == "control":
            self.restore(session, event["control"])
        elif kind == "status":
            session.tallies[event["question"]].moderate(event["answer"], Moderation(event["status"]))
            polling.pushes.texts(session, event["question"])
        elif kind == "purge":
            polling.forget(session)
        elif kind == "joined":
            session.joined.add(event["participant"])
            polling.coalescer.touch(session.id)
        elif kind == "connected":
            polling.coalescer.touch(session.id)
        elif kind == "phone":
            if event["course_key"] is not None:
                session.course_keys[event["participant"]] = event["course_key"]
            if event["finished"]:
                session.finished.add(event["participant"])
            polling.coalescer.touch(session.id)
        elif kind == "player":
            polling.quiz.apply(session, event)

    def restore(self, session: Session, control: dict[str, Any]) -> None:
        """Move a session to a state another process stored, telling whoever sees the change."""
        before = phone_view(session)
        session.restore(control)
        self.polling.changed(session, before)

    async def resync(self) -> None:
        """Rebuild every session from the database, after missing the other processes' changes."""
        polling = self.polling
        await polling.courses.load()
        rows = await polling.store.sessions()
        for row in rows:
            stored = await polling.load(row)
            session = polling.sessions.get(row.id)
            if session is None:
                polling.add(stored)
                polling.timers.follow(stored)
                polling.scenarios.follow(stored)
                continue
            session.adopt_counts(stored)
            self.restore(session, row.control)
            polling.coalescer.touch(session.id)
            polling.scenarios.changed(session)
        for session in [s for s in polling.sessions.values() if s.id not in {r.id for r in rows}]:
            polling.forget(session)
