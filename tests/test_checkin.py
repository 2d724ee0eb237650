"""/wajiblapor at the handler level: record check-ins, next due date, misses, the alert."""

from __future__ import annotations

from handlers.notify import render
from handlers.router import Router
from storage import Database, Scope
from storage.klien import Klien
from tests.conftest import Chat, Clock, World
from tests.reminders_support import outbox, scalar


async def klien(db: Database, klien_id: int) -> Klien:
    async with db.read() as tx:
        found = await tx.klien.get(klien_id, Scope.everything())
    assert found is not None
    return found


async def record(chat: Chat, name: str, attendance: str, day: str = "Hari ini") -> None:
    await chat.send("/wajiblapor")
    await chat.tap(name)
    await chat.send(attendance)  # the label typed, as on WhatsApp without buttons
    if day == "Hari ini":
        await chat.tap("Hari ini")
    else:
        await chat.send(day)
    assert "Periksa sebelum dikirim" in chat.text, chat.text
    await chat.tap("Kirim")


async def test_recording_attendance_moves_the_next_due_date(
    router: Router, world: World, db: Database
) -> None:
    chat = Chat(router, "2001")  # officer PK01
    k = world.klien_a[0]
    await chat.send("/wajiblapor")
    assert sorted(c.label for c in chat.choices()) == sorted(world.names[x] for x in world.klien_a)
    await chat.tap(world.names[k])
    assert "jatuh tempo 01/10/2026" in chat.text
    assert [c.label for c in chat.choices()] == ["Hadir", "Hadir daring", "Tidak hadir"]
    await chat.tap("Hadir daring")
    await chat.tap("Kemarin")
    assert "Hadir daring" in chat.text and "29/11/2026" in chat.text
    await chat.tap("Kirim")
    assert "Wajib lapor berikutnya: 29/12/2026" in chat.text
    after = await klien(db, k)
    assert (after.next_checkin_on, after.missed_in_row) == ("2026-12-29", 0)
    row = await scalar(
        db,
        "SELECT due_on || ' ' || on_date || ' ' || attendance || ' ' || recorded_by "
        "FROM checkins WHERE klien_id = ?",
        (k,),
    )
    assert row == f"2026-10-01 2026-11-29 daring {world.officer_1}"
    assert await scalar(db, "SELECT action FROM audit_log WHERE klien_id = ?", (k,)) == (
        "checkin.create"
    )


async def test_third_consecutive_miss_alerts_officer_and_admin_and_attendance_resets(
    router: Router, world: World, db: Database, clock: Clock
) -> None:
    chat = Chat(router, "2001")
    k = world.klien_a[0]
    name = world.names[k]
    for expected in (1, 2):
        await record(chat, name, "Tidak hadir")
        assert f"Tidak hadir {expected} kali berturut-turut" in chat.text
        clock.advance(days=30)
    assert await outbox(db, "three_misses") == []
    await record(chat, name, "Tidak hadir")
    assert "Admin Bapas sudah diberi tahu" in chat.text
    alerts = await outbox(db, "three_misses", f"klien:{k}")
    assert sorted(i.member_id for i in alerts) == sorted([world.officer_1, world.admin])
    assert (await klien(db, k)).missed_in_row == 3
    [message] = render(alerts[:1], "id")
    assert "3 kali berturut-turut" in message.reply.text and "Siti Rahayu" in message.reply.text

    clock.advance(days=30)
    await record(chat, name, "Hadir")
    assert (await klien(db, k)).missed_in_row == 0
    assert len(await outbox(db, "three_misses")) == 2  # attendance: no new alert


async def test_dates_in_the_future_or_before_the_last_record_are_refused(
    router: Router, world: World, db: Database
) -> None:
    chat = Chat(router, "2001")
    name = world.names[world.klien_a[0]]
    await chat.send("/wajiblapor")
    await chat.tap(name)
    await chat.tap("Hadir")
    await chat.send("05/12/2026")
    assert "belum lewat" in chat.text
    await chat.send("20/11/2026")
    await chat.tap("Kirim")
    await chat.send("/wajiblapor")
    await chat.tap(name)
    await chat.tap("Hadir")
    await chat.send("19/11/2026")
    assert "sebelum wajib lapor terakhir yang tercatat (20/11/2026)" in chat.text
    assert await scalar(db, "SELECT count(*) FROM checkins") == 1


async def test_only_officers_record_and_only_their_own_klien(
    router: Router, world: World, db: Database
) -> None:
    coordinator = Chat(router, "1001")
    await coordinator.send("/wajiblapor")
    assert "tidak tersedia untuk peran Anda" in coordinator.text
    officer = Chat(router, "2001")
    await officer.send("/wajiblapor")
    await officer.send(world.names[world.klien_b[0]])  # another officer's klien, typed
    assert world.names[world.klien_b[0]] not in [c.label for c in officer.choices()]
    assert await scalar(db, "SELECT count(*) FROM checkins") == 0
