"""The server's quiz timer as pure rules: when a question's voting ends, and whether an answer is late.

Times are integers, milliseconds since the Unix epoch on the server's clock. The clock is
passed in (a `Clock`), so the rules are tested with a fake one and no waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

Clock = Callable[[], int]

# A facilitator's own time for one opening (the `time_limit` of `open`): long enough to read a
# question, short enough to be a quiz. A bank's times are checked by `polling check`.
MIN_OPEN_LIMIT = 1.0
MAX_OPEN_LIMIT = 3600.0


class LimitError(ValueError):
    """A time limit that is not a number of seconds in the allowed range."""


def wall_clock() -> int:
    """The server's clock, in milliseconds since the epoch: what deadlines are measured on."""
    return time.time_ns() // 1_000_000


def deadline_after(opened: int, seconds: float | None) -> int | None:
    """The deadline of a question opened at `opened` with a limit of `seconds` (None: no limit)."""
    return None if seconds is None else opened + round(seconds * 1000)


def is_late(deadline: int | None, now: int) -> bool:
    """Whether an answer given at `now` comes too late: at the deadline itself it already does."""
    return deadline is not None and now >= deadline


def remaining(deadline: int | None, now: int) -> int | None:
    """Milliseconds left before the deadline (0 once it has passed), None without a deadline."""
    return None if deadline is None else max(0, deadline - now)


def elapsed(opened: int | None, now: int) -> int | None:
    """Milliseconds from a question's opening to `now` (never negative), None if it never opened."""
    return None if opened is None else max(0, now - opened)


def open_limit(value: Any) -> float | None:
    """A facilitator's `time_limit` for one opening, checked; None when not given."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise LimitError("time_limit must be a number of seconds")
    if not MIN_OPEN_LIMIT <= value <= MAX_OPEN_LIMIT:
        raise LimitError(f"time_limit must be from {MIN_OPEN_LIMIT:g} to {MAX_OPEN_LIMIT:g} seconds")
    return float(value)
