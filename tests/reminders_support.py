"""Helpers of the reminder, sender and scheduler tests: local times, probes, a fake channel."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.channels.base import EventHandler, Outbound
from bot.config import Config, parse_config
from handlers.reminders import RuleFn
from handlers.settings import Settings
from storage import Database
from storage.outbox import OutboxItem
from storage.reports import ReportIn
from storage.timeutil import ts

TZ = ZoneInfo("Asia/Jakarta")


def local(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """Return a Jakarta wall-clock time (aware)."""
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


async def execute(db: Database, sql: str, params: tuple[Any, ...] = ()) -> None:
    """Set up a state the domain reaches over time (dates, counters) in one statement."""
    async with db.transaction() as tx:
        await tx.conn.execute(sql, params)


async def scalar(db: Database, sql: str, params: tuple[Any, ...] = ()) -> Any:
    """Return the first column of the first row of a query."""
    async with db.read() as tx, tx.conn.execute(sql, params) as cur:
        row = await cur.fetchone()
    return None if row is None else row[0]


async def outbox(
    db: Database, kind: str | None = None, subject: str | None = None
) -> list[OutboxItem]:
    """Return outbox rows (of one kind, about one subject), oldest first."""
    async with db.read() as tx:
        items = await tx.sweep.outbox_after(0)
    return [
        i
        for i in items
        if (kind is None or i.kind == kind) and (subject is None or i.subject == subject)
    ]


async def run_rule(db: Database, rule: RuleFn, at: datetime, settings: Settings) -> int:
    """Run one rule in its own transaction; return how many rows it wrote."""
    async with db.transaction() as tx:
        return await rule(tx, at, settings)


async def add_report(db: Database, klien_id: int, author_id: int, at: datetime) -> int:
    """Store a progress report created at `at`."""
    async with db.transaction() as tx:
        return await tx.reports.add(
            ReportIn(
                klien_id=klien_id,
                author_id=author_id,
                pokmas_id=None,
                channel="console",
                kind="progress",
                category="pekerjaan",
                body="Bekerja seperti biasa di bengkel.",
                occurred_on=at.astimezone(TZ).date().isoformat(),
            ),
            ts(at),
        )


def make_config(tmp_path: Path, **sections: dict[str, Any]) -> Config:
    """Return a validated config on a database file in tmp_path (no Telegram token)."""
    data: dict[str, Any] = {"database": {"path": str(tmp_path / "bot.db")}}
    data.update(sections)
    return parse_config(data, env={})


class FakeChannel:
    """An in-memory transport: records what it is asked to deliver, or raises what it is told.

    `errors` are raised by the next deliver() calls, one each, in order; `gate`, when
    set, makes deliver() wait on it (to stop a send half-way, as a crash would).
    """

    def __init__(self, name: str = "telegram") -> None:
        self.name = name
        self.sent: list[Outbound] = []
        self.calls = 0
        self.errors: list[BaseException] = []
        self.gate: asyncio.Event | None = None
        self.entered = asyncio.Event()

    async def start(self, on_event: EventHandler) -> None:
        """Take no events (the sender only delivers)."""

    async def stop(self) -> None:
        """Nothing to release."""

    async def deliver(self, message: Outbound) -> str | None:
        """Record the message, or raise the next queued error."""
        self.calls += 1
        self.entered.set()
        if self.gate is not None:
            await self.gate.wait()
        if self.errors:
            raise self.errors.pop(0)
        self.sent.append(message)
        return f"{self.name}-{len(self.sent)}"

    def texts(self, address: str | None = None) -> list[str]:
        """Return the texts delivered (to one address)."""
        return [
            r.text
            for m in self.sent
            if address is None or m.identity.address == address
            for r in m.replies
        ]


async def wait_for(check: Callable[[], Awaitable[bool]], timeout: float = 5.0) -> None:  # noqa: ASYNC109
    """Poll an async check until it holds, with a deadline (no fixed sleeps)."""
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)
