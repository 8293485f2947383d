"""The quiz timer on the event loop: one alarm per session, set for its open question's deadline.

Every process arms the same alarm from the deadline stored in the session's control state (so
a restart, or another process, arms it again); whichever fires first closes the question,
and the close is idempotent (`Session.expire`), so exactly one close takes effect.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from polling.core.deadline import Clock, wall_clock
from polling.core.session import Session

# Expire: (session id, question id, deadline) -> True when the question is settled (closed,
# or no longer open with that deadline); False when the close could not be stored yet.
Expire = Callable[[str, str, int], Awaitable[bool]]
RETRY = 0.5  # seconds before trying again a close that could not be stored or shared


class Timers:
    """The alarms of every session this process serves."""

    def __init__(self, expire: Expire, alive: Callable[[str], bool], clock: Clock = wall_clock) -> None:
        self._expire = expire
        self._alive = alive  # whether a session is still served (not deleted meanwhile)
        self._clock = clock
        self._armed: dict[str, tuple[str, int, asyncio.TimerHandle]] = {}
        self._running: set[asyncio.Task[None]] = set()

    def follow(self, session: Session, delay: float | None = None) -> None:
        """Arm the session's alarm for its current deadline, or disarm it when there is none."""
        question = session.current
        deadline = session.deadline(question)
        armed = self._armed.get(session.id)
        if armed is not None and question is not None and armed[:2] == (question, deadline):
            return
        self.cancel(session.id)
        if question is None or deadline is None:
            return
        wait = max(0.0, (deadline - self._clock()) / 1000) if delay is None else delay
        handle = asyncio.get_running_loop().call_later(wait, self._fire, session, question, deadline)
        self._armed[session.id] = (question, deadline, handle)

    def cancel(self, session_id: str) -> None:
        """Disarm a session's alarm."""
        armed = self._armed.pop(session_id, None)
        if armed is not None:
            armed[2].cancel()

    def deadline_of(self, session_id: str) -> int | None:
        """The deadline a session's alarm is armed for, if any."""
        armed = self._armed.get(session_id)
        return armed[1] if armed else None

    async def stop(self) -> None:
        """Disarm every alarm and wait for closes under way."""
        for session_id in list(self._armed):
            self.cancel(session_id)
        for task in list(self._running):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _fire(self, session: Session, question: str, deadline: int) -> None:
        self._armed.pop(session.id, None)
        task = asyncio.create_task(self._run(session, question, deadline), name="quiz-timer")
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _run(self, session: Session, question: str, deadline: int) -> None:
        settled = await self._expire(session.id, question, deadline)
        if not self._alive(session.id):
            return
        # Fired a moment early (the loop's clock is not the wall clock), or not stored yet:
        # armed again; a close that took effect leaves nothing to arm.
        self.follow(session, None if settled else RETRY)
