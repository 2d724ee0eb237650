"""A database error while settling a send leaves no row stuck in 'sending'."""

from __future__ import annotations

import sqlite3

import pytest

from bot.sender import Sender
from storage import Database
from storage.outbox import OutboxRepo, OutboxRow
from storage.timeutil import ts
from tests.conftest import Clock, World
from tests.reminders_support import FakeChannel, make_config


async def statuses(db: Database) -> list[str]:
    async with db.read() as tx:
        rows = await tx.outbox._all("SELECT status FROM outbox ORDER BY id")
    return [r["status"] for r in rows]


async def test_failed_settle_puts_rows_back_to_pending(
    db: Database, world: World, clock: Clock, tmp_path, monkeypatch
) -> None:
    async with db.transaction() as tx:
        for member in (world.officer_1, world.officer_2):
            await tx.outbox.enqueue(
                OutboxRow("help_needed", f"report:{member}", "once", member,
                          {"klien_id": world.klien_a[0] if member == world.officer_1
                           else world.klien_b[0], "klien": "x", "pokmas_id": 1,
                           "category": "dokumen", "body": "b", "author": "a"}),
                now=ts(clock()))
    original = OutboxRepo.mark_sent
    calls = 0

    async def flaky_mark_sent(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        if calls == 1:
            raise sqlite3.OperationalError("database is locked")
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(OutboxRepo, "mark_sent", flaky_mark_sent)
    channel = FakeChannel("console")
    sender = Sender(db, {"console": channel}, make_config(tmp_path), clock)
    with pytest.raises(sqlite3.OperationalError):
        await sender.drain_once()
    assert await statuses(db) == ["pending", "pending"]  # none stuck in 'sending'
    await sender.drain_once()
    assert await statuses(db) == ["sent", "sent"]
    # At least once: the first message went out before its settle failed, and again now.
    assert len(channel.sent) == 3
