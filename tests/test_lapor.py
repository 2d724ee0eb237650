"""/lapor at the handler level: every step, cancel, back, help, edit, validation, expiry."""

from __future__ import annotations

from storage import Scope
from tests.conftest import Chat, World


async def count_reports(world: World) -> int:
    async with world.db.read() as tx:
        return int(await tx.reports._scalar("SELECT count(*) FROM reports"))


async def test_complete_lapor(router, world: World) -> None:
    chat = Chat(router, "1001")
    await chat.send("/lapor")
    assert "Pilih klien" in chat.text
    labels = [c.label for c in chat.choices()]
    assert labels == sorted(world.names[k] for k in world.klien_a)
    await chat.tap(world.names[world.klien_a[0]])
    await chat.tap("Pekerjaan")
    await chat.tap("Dalam proses")
    await chat.send("Mulai bekerja di bengkel las setiap hari.")
    await chat.tap("Hari ini")
    await chat.tap("Lewati")
    assert "Periksa sebelum dikirim" in chat.text
    await chat.tap("Kirim")
    assert "tersimpan" in chat.text
    assert await count_reports(world) == 1
    async with world.db.read() as tx:
        fus = await tx.followups.open_in_scope(Scope.everything())
    assert len(fus) == 1
