"""The group commit's writer outlives any fault of a transaction."""

from __future__ import annotations

import asyncio

import pytest

from polling.store.base import StoreError
from polling.store.batching import GroupCommit, Run


async def test_a_fault_outside_the_engines_errors_fails_its_writes_and_the_writer_goes_on() -> None:
    """A transaction that raises something the engine does not (a fault of the driver or of
    ours) fails its own writes with StoreError, and the next write is committed, not left waiting."""
    committed: list[list[Run]] = []

    async def transaction(runs: list[Run]) -> None:
        if not committed:
            committed.append([])
            raise RuntimeError("a fault no engine raises")
        committed.append(runs)

    writer = GroupCommit(transaction, (OSError,))
    writer.start()
    try:
        with pytest.raises(StoreError, match="a fault no engine raises"):
            await asyncio.wait_for(writer.write("INSERT 1", [(1,)]), 10)
        await asyncio.wait_for(writer.write("INSERT 2", [(2,)]), 10)
        assert committed[1:] == [[("INSERT 2", [(2,)])]] and writer.commits == 1
    finally:
        await writer.stop()
