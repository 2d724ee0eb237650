"""A task cancelled at any await inside a transaction leaves the database usable."""

from __future__ import annotations

import asyncio

from storage import Database
from storage.timeutil import ts
from tests.conftest import T0


async def test_cancel_at_every_point_leaves_no_open_transaction(db: Database) -> None:
    stamp = ts(T0)

    async def write(i: int) -> None:
        async with db.transaction() as tx:
            await tx.members.create(role="admin", name=f"A{i}", now=stamp)
            await tx.members.create(role="admin", name=f"B{i}", now=stamp)

    # Cancel after 0, 1, 2, ... loop iterations: at BEGIN, mid-statements, at COMMIT.
    for steps in range(12):
        task = asyncio.create_task(write(steps))
        for _ in range(steps):
            await asyncio.sleep(0)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
        # Whatever happened, the next transaction starts and commits.
        async with db.transaction() as tx:
            await tx.members.create(role="admin", name=f"after{steps}", now=stamp)
        async with db.read() as tx:
            admins = await tx.members.by_role("admin")
        names = {m.name for m in admins}
        assert f"after{steps}" in names
        # A cancelled transaction is all or nothing.
        assert (f"A{steps}" in names) == (f"B{steps}" in names)
