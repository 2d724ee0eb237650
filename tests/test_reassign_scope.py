"""After /pindah, nobody is told about a klien they no longer see."""

from __future__ import annotations

from bot.sender import Sender
from handlers.reminders import sweep
from storage import Database
from storage.outbox import OutboxRow
from storage.timeutil import ts
from tests.conftest import Chat, Clock, World
from tests.reminders_support import FakeChannel, make_config


async def test_moved_klien_reaches_no_old_coordinator(router, db: Database, world: World,
                                                     clock: Clock, settings, tmp_path) -> None:
    klien = world.klien_a[0]
    coordinator = Chat(router, "1001")
    await coordinator.send("/lapor")
    await coordinator.tap(world.names[klien])
    await coordinator.tap("Dokumen")
    await coordinator.tap("Dalam proses")
    await coordinator.send("Mengantar ke Disdukcapil untuk KTP elektronik.")
    await coordinator.tap("Hari ini")
    await coordinator.tap("Lewati")
    await coordinator.tap("Kirim")
    assert "Tindak lanjut dibuka" in coordinator.text
    # A reminder about this klien is queued for the coordinator before the move.
    async with db.transaction() as tx:
        await tx.outbox.enqueue(
            OutboxRow("no_report", f"klien:{klien}", "x", world.coord_a,
                      {"klien_id": klien, "klien": world.names[klien]}), now=ts(clock()))

    admin = Chat(router, "3001")
    await admin.send(f"/pindah {world.register_nos[klien]} PBG01")
    assert "PBG01" in admin.text

    # The open follow-up now belongs to the klien's officer, not the old coordinator.
    async with db.read() as tx:
        rows = await tx.followups._all("SELECT owner_id FROM followups WHERE klien_id = ?",
                                       (klien,))
    assert [r["owner_id"] for r in rows] == [world.officer_1]

    # Days later, the stale follow-up goes to the officer; nothing goes to coordinator A.
    clock.advance(days=9)
    await sweep(db, settings, clock())
    channel = FakeChannel("console")
    sender = Sender(db, {"console": channel}, make_config(tmp_path), clock)
    await sender.drain_once()
    assert channel.texts("1001")  # coordinator A still hears about their other klien
    assert not any(world.names[klien] in text for text in channel.texts("1001"))
    async with db.read() as tx:
        failed = await tx.outbox._all(
            "SELECT status, last_error FROM outbox WHERE member_id = ? AND period = 'x'",
            (world.coord_a,))
        stale = await tx.outbox._all(
            "SELECT member_id FROM outbox WHERE kind LIKE 'followup_stale%'")
    assert [(r["status"], r["last_error"]) for r in failed] == [
        ("failed", "klien moved out of the recipient's scope")]
    assert world.coord_a not in {r["member_id"] for r in stale}
    assert world.officer_1 in {r["member_id"] for r in stale}

