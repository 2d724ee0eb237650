"""Alerts reach someone who can act: the active officer, else every admin."""

from __future__ import annotations

from storage import Database
from storage.timeutil import ts
from tests.conftest import Chat, Clock, World


async def outbox_to(db: Database, kind: str) -> list[int]:
    async with db.read() as tx:
        rows = await tx.outbox._all("SELECT member_id FROM outbox WHERE kind = ?", (kind,))
    return sorted(int(r["member_id"]) for r in rows)


async def file_incident(chat: Chat, name: str) -> None:
    await chat.send("/insiden")
    await chat.tap(name)
    await chat.tap("Berat")
    await chat.send("Bertengkar dengan rekan kerja sampai polisi datang.")
    await chat.tap("Kirim")


async def test_incident_goes_to_the_admins_when_the_officer_was_deactivated(
    router, db: Database, world: World, clock: Clock
) -> None:
    async with db.transaction() as tx:
        await tx.members.deactivate(world.officer_1, ts(clock()))
    chat = Chat(router, "1001")
    await file_incident(chat, world.names[world.klien_a[0]])
    assert await outbox_to(db, "incident") == [world.admin]
    assert "admin" in chat.text.lower()


async def test_incident_goes_to_the_active_officer(router, db: Database, world: World) -> None:
    chat = Chat(router, "1001")
    await file_incident(chat, world.names[world.klien_a[0]])
    assert await outbox_to(db, "incident") == [world.officer_1]


async def test_help_needed_goes_to_the_admins_without_an_active_officer(
    router, db: Database, world: World, clock: Clock
) -> None:
    async with db.transaction() as tx:
        await tx.members.deactivate(world.officer_1, ts(clock()))
    chat = Chat(router, "1001")
    await chat.send("/lapor")
    await chat.tap(world.names[world.klien_a[0]])
    await chat.tap("Dokumen")
    await chat.tap("Butuh bantuan PK")
    await chat.send("Perlu surat pengantar dari Bapas untuk membuat KTP.")
    await chat.tap("Hari ini")
    await chat.tap("Lewati")
    await chat.tap("Kirim")
    assert await outbox_to(db, "help_needed") == [world.admin]
    assert "admin Bapas sudah diberi tahu" in chat.text
