"""Which chat the sender picks, what a typed number means on the console, export bounds."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.channels.console import ConsoleChannel
from bot.cli import local_day_bounds
from bot.sender import Sender
from handlers.export import write_export
from handlers.model import Choice, Reply
from storage import Database, Scope
from storage.outbox import OutboxRow
from storage.timeutil import ts
from tests.conftest import Clock, World
from tests.reminders_support import FakeChannel, make_config

JAKARTA = ZoneInfo("Asia/Jakarta")


async def test_a_real_chat_wins_over_a_recent_console_session(
    db: Database, world: World, clock: Clock, tmp_path
) -> None:
    async with db.transaction() as tx:
        await tx.members.link(world.officer_1, "telegram", "tg-1", "tg-1", ts(clock()))
        clock.advance(hours=1)
        # the officer's console identity "2001" wrote last
        await tx.members.touch_inbound("console", "2001", "2001", ts(clock()))
        await tx.outbox.enqueue(
            OutboxRow(
                "help_needed",
                "report:1",
                "once",
                world.officer_1,
                {
                    "klien": "x",
                    "category": "dokumen",
                    "body": "b",
                    "author": "a",
                    "klien_id": world.klien_a[0],
                },
            ),
            now=ts(clock()),
        )
    telegram, console = FakeChannel("telegram"), FakeChannel("console")
    sender = Sender(db, {"telegram": telegram, "console": console}, make_config(tmp_path), clock)
    await sender.drain_once()
    assert [m.identity.address for m in telegram.sent] == ["tg-1"]
    assert console.sent == []


def test_console_numbers_mean_only_what_is_on_screen() -> None:
    channel = ConsoleChannel("me", out=open("/dev/null", "w"))  # noqa: SIM115
    try:
        channel.show([Reply("Pilih", (Choice("7.a", "A"), Choice("7.b", "B")))])
        assert channel.to_event("2").choice == "7.b"
        channel.show([Reply("Berapa jam?")])  # a free-text question: no choices on screen
        event = channel.to_event("2")
        assert event.choice is None and event.text == "2"
    finally:
        channel._out.close()


async def test_checkin_export_keeps_to_local_dates(db: Database, world: World, tmp_path) -> None:
    async with db.transaction() as tx:
        for day in ("2026-10-31", "2026-11-01", "2026-11-30", "2026-12-01"):
            await tx.checkins.add(
                klien_id=world.klien_a[0],
                due_on=day,
                on_date=day,
                attendance="hadir",
                recorded_by=world.officer_1,
                now="2026-12-01T03:00:00Z",
            )
    start, end = local_day_bounds("01/11/2026", "30/11/2026", JAKARTA)
    path = tmp_path / "c.csv"
    async with db.read() as tx:
        count = await write_export(
            tx,
            "checkins",
            Scope.everything(),
            path,
            fmt="csv",
            lang="id",
            tz=JAKARTA,
            start=start,
            end=end,
        )
    assert count == 2
    text = path.read_text(encoding="utf-8-sig")
    assert "2026-11-01" in text and "2026-11-30" in text
    assert "2026-10-31" not in text and "2026-12-01" not in text
