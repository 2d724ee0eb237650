"""The sweep forgets old de-duplication ids and wrong-code attempts, and only those."""

from __future__ import annotations

from datetime import timedelta

from handlers.reminders import sweep
from storage import Database
from storage.timeutil import ts
from tests.conftest import Clock, World


async def test_sweep_prunes_old_events_and_auth_failures(db: Database, world: World,
                                                        clock: Clock, settings) -> None:
    now = clock()
    async with db.transaction() as tx:
        assert await tx.events.claim("telegram", "old", ts(now - timedelta(days=31)))
        assert await tx.events.claim("telegram", "recent", ts(now - timedelta(days=29)))
        await tx.members.record_auth_failure("telegram", "x", ts(now - timedelta(days=2)))
        await tx.members.record_auth_failure("telegram", "x", ts(now - timedelta(minutes=5)))
    await sweep(db, settings, now)
    async with db.transaction() as tx:
        assert await tx.events.claim("telegram", "old", ts(now))  # forgotten
        assert not await tx.events.claim("telegram", "recent", ts(now))  # still known
        since = ts(now - timedelta(days=7))
        assert await tx.members.auth_failures_since("telegram", "x", since) == 1
