"""Every command and every action, as every role, with junk arguments: a reply, no crash."""

from __future__ import annotations

from handlers.commands import ACTIONS, COMMANDS
from storage import Database
from tests.conftest import Chat, World

JUNK = ["", "0", "-1", "²", "٣", "9" * 30, "1" * 5000, "abc", "1.5", "a:b:c", "%", "\x00",
        "PB-0004/2026", "hari=²", "hari=" + "9" * 40]
SENDERS = {"coordinator": "1001", "officer": "2001", "admin": "3001", "observer": "4001"}


async def test_actions_with_junk_values(router, db: Database, world: World) -> None:
    for role, sender in SENDERS.items():
        chat = Chat(router, sender)
        for name in sorted(ACTIONS):
            for value in JUNK:
                replies = await chat.send(choice=f"a:{name}:{value}")
                assert replies and all(r.text for r in replies), (role, name, value)
                await chat.send("/batal")


async def test_commands_with_junk_arguments(router, db: Database, world: World) -> None:
    for role, sender in SENDERS.items():
        chat = Chat(router, sender)
        for name in sorted(COMMANDS):
            for junk in JUNK:
                replies = await chat.send(f"/{name} {junk} {junk}".strip())
                assert replies and all(r.text for r in replies), (role, name, junk)
                await chat.send("/batal")
    # Another officer's klien never showed up for officer 1, whatever was typed (the
    # typed name may be echoed back; the klien's register number must not appear).
    other, number = world.names[world.klien_b[0]], world.register_nos[world.klien_b[0]]
    officer = Chat(router, "2001")
    for name in ("klien", "tunda", "ekspor", "ringkasan", "tertunda"):
        await officer.send(f"/{name} {other}")
        assert number not in officer.text
        assert all(c.label != other for c in officer.choices())
