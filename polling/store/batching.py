"""Group commit, for every engine: writes queue up and one task commits them together.

Each caller awaits its own write; it returns once the transaction holding it is committed,
or raises StoreError when it could not be. When a transaction of several writes fails, each
is tried again alone, so that one bad write (an answer to a session deleted while it waited)
fails alone and nobody else's with it; the answer path pays for this only on failure.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from polling.store.base import StoreError

logger = logging.getLogger("polling.store")

Params = list[tuple[Any, ...]]
# Consecutive writes of one statement, merged: (statement, the parameters of every write).
Run = tuple[str, Params]


@dataclass
class _Write:
    sql: str
    params: Params
    done: asyncio.Future[None]
    # Run in a transaction of its own and then awaited before the write is confirmed (a
    # purge truncating the write-ahead log): through the one writer, outside any transaction.
    after: Callable[[], Awaitable[None]] | None = None
    # Called once the write is committed, before any waiting caller resumes (see GroupCommit.write).
    committed: Callable[[], None] | None = None


def runs(writes: list[_Write]) -> list[Run]:
    """Consecutive writes of the same statement merged, so a burst of answers costs one call."""
    merged: list[Run] = []
    for write in writes:
        if merged and merged[-1][0] == write.sql:
            merged[-1][1].extend(write.params)
        else:
            merged.append((write.sql, list(write.params)))
    return merged


class GroupCommit:
    """One writer task that commits whatever has queued up since its last commit, in one go.

    `transaction` runs the merged writes in one transaction and raises one of `errors`
    (having rolled back) when it cannot commit them.
    """

    def __init__(
        self,
        transaction: Callable[[list[Run]], Awaitable[None]],
        errors: tuple[type[BaseException], ...],
    ) -> None:
        self._transaction = transaction
        self._errors = errors
        self._queue: list[_Write] = []
        self._wake = asyncio.Event()
        self._writer: asyncio.Task[None] | None = None
        self._closing = False
        self.commits = 0

    def start(self) -> None:
        """Start the writer task."""
        self._closing = False
        self._writer = asyncio.create_task(self._write_forever(), name="store-writer")

    async def stop(self) -> None:
        """Let the writer finish the batch in flight and what is queued, then return."""
        if self._writer is not None:
            self._closing = True
            self._wake.set()
            await self._writer
            self._writer = None

    async def write(
        self,
        sql: str,
        params: Params,
        after: Callable[[], Awaitable[None]] | None = None,
        committed: Callable[[], None] | None = None,
    ) -> None:
        """Queue a write; returns once it is committed, raises StoreError if it could not be.

        With `after`, the write is committed alone and `after` is awaited before it returns.
        `committed` is called as soon as the transaction holding the write commits, for every
        write of the transaction before any of their callers resumes: what it records (an
        answer in the tallies) is then complete for the whole group before the first reply."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.append(_Write(sql, params, done, after, committed))
        self._wake.set()
        await done

    async def _write_forever(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            batch, self._queue = self._queue, []
            if batch:
                try:
                    await self._write_batch(batch)
                except Exception as error:
                    # Not one of the engine's own errors (a fault of ours or of the driver): the
                    # writes not yet confirmed fail and are sent again, and the writer goes on.
                    # Were it to stop, every later write would wait for ever, acknowledged never.
                    logger.exception("the store's writer could not commit a batch")
                    _fail(batch, error)
            if self._closing and not self._queue:
                return

    async def _write_batch(self, batch: list[_Write]) -> None:
        """Commit a batch in order: shared writes together, each write with `after` alone."""
        if all(write.after is None for write in batch):
            await self._commit(batch)  # the answer path: one transaction, nothing more
            return
        group: list[_Write] = []
        for write in batch:
            if write.after is None:
                group.append(write)
                continue
            if group:
                await self._commit(group)
                group = []
            if await self._commit([write], settle=False):
                _tell_committed([write])
                await write.after()
                if not write.done.done():
                    write.done.set_result(None)
        if group:
            await self._commit(group)

    async def _commit(self, batch: list[_Write], settle: bool = True) -> bool:
        """Commit writes in one transaction; True if committed. On failure, writes that
        shared the transaction are tried again one by one, so only the bad one fails."""
        try:
            await self._transaction(runs(batch))
        except self._errors as error:
            if len(batch) > 1:
                for write in batch:
                    await self._commit([write])
                return False
            _fail(batch, error)
            return False
        self.commits += 1
        if settle:
            _tell_committed(batch)
            for write in batch:
                if not write.done.done():
                    write.done.set_result(None)
        return True


def _tell_committed(batch: list[_Write]) -> None:
    for write in batch:
        if write.committed is not None:
            try:
                write.committed()
            except Exception as error:  # one caller's bookkeeping must not fail the others' writes
                asyncio.get_running_loop().call_exception_handler(
                    {"message": "a committed write's callback failed", "exception": error}
                )


def _fail(batch: list[_Write], error: BaseException) -> None:
    """Refuse every write of the batch not yet confirmed: its caller gets StoreError."""
    for write in batch:
        if not write.done.done():
            write.done.set_exception(StoreError(str(error) or type(error).__name__))
