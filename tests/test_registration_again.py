"""A registered member who sends DAFTAR CODE again is told they are registered."""

from __future__ import annotations

from tests.conftest import Chat, World


async def test_daftar_again_when_registered(router, world: World) -> None:
    chat = Chat(router, "1001")
    await chat.send("DAFTAR AbCdEfGh12345678")
    assert "sudah terdaftar sebagai Ustadz Ahmad" in chat.text
    assert "/lapor" in chat.text
    await chat.send("daftar")
    assert "/lapor" in chat.text and "tidak mengerti" not in chat.text
