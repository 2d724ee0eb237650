"""A button left over from a cancelled conversation never acts on the next one."""

from __future__ import annotations

from tests.conftest import Chat, World


async def lapor_to_confirm(chat: Chat, name: str) -> str:
    await chat.send("/lapor")
    await chat.tap(name)
    await chat.tap("Pekerjaan")
    await chat.tap("Selesai")
    await chat.send("Bekerja seperti biasa sepanjang minggu.")
    await chat.tap("Hari ini")
    await chat.tap("Lewati")
    return chat.choice_id("Kirim")


async def test_old_send_button_is_refused(router, world: World) -> None:
    chat = Chat(router, "1001")
    old_send = await lapor_to_confirm(chat, world.names[world.klien_a[0]])
    await chat.send("/batal")
    new_send = await lapor_to_confirm(chat, world.names[world.klien_a[1]])
    assert old_send != new_send
    await chat.send(choice=old_send)
    assert "sudah tidak berlaku" in chat.text
    async with world.db.read() as tx:
        assert await tx.reports.count_for_klien(world.klien_a[1]) == 0
    await chat.tap("Kirim")  # the confirm screen was asked again, with fresh buttons
    assert "tersimpan" in chat.text
