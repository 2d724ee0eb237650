"""Outside a flow, a typed number or label picks a button of the last message too."""

from __future__ import annotations

from tests.conftest import Chat, World


async def test_typed_number_picks_a_menu_button(router, world: World) -> None:
    chat = Chat(router, "1001", channel="console")
    await chat.send("/menu")
    first = chat.choices()[0]
    assert first.id == "a:cmd:lapor"
    await chat.send("1")
    assert "Pilih klien" in chat.text


async def test_typed_number_opens_a_klien_from_a_search(router, world: World) -> None:
    officer = Chat(router, "2001")
    await officer.send("/klien Budi")
    labels = [c.label for c in officer.choices()]
    assert len(labels) == 3
    await officer.send("2")
    assert world.register_nos[world.klien_a[1]] in officer.text  # the card of the 2nd
    assert officer.choices() == []
    await officer.send("2")  # the card shows no buttons: "2" no longer picks from the search
    assert "tidak mengerti" in officer.text


async def test_out_of_range_number_is_not_understood(router, world: World) -> None:
    chat = Chat(router, "1001")
    await chat.send("/menu")
    await chat.send("99")
    assert "tidak mengerti" in chat.text
