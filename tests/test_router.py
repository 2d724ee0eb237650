"""The router: de-duplication, roles, and authorization at every step of every flow."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from handlers.commands import ACTIONS, COMMANDS, OFFICER, Command
from handlers.context import Context
from handlers.model import Incoming, Reply
from handlers.router import Router
from tests.conftest import Chat, World
from tests.flowkit import (
    FlowWorld,
    current_seq,
    play,
    scalar,
    scripts,
    seed_flows,
    snapshot,
    state,
    walk,
)


@pytest.fixture
async def fw(world: World) -> FlowWorld:
    return await seed_flows(world)


# -- de-duplication -------------------------------------------------------------------


async def test_same_event_twice_creates_one_report(router: Router, fw: FlowWorld) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, "lapor")
    send = Incoming("console", "1001", "tg-update-777", choice=chat.choice_id("Kirim"))
    first = await router.process(send)
    assert "tersimpan" in first.replies[0].text and not first.duplicate
    second = await router.process(send)
    assert second.duplicate and second.replies == []
    assert await router.handle(send) == []
    assert await scalar(fw.db, "SELECT count(*) FROM reports") == 1
    assert await scalar(fw.db, "SELECT count(*) FROM audit_log") == 1


async def test_redelivery_mid_flow_does_not_advance_twice(router: Router, fw: FlowWorld) -> None:
    chat = Chat(router, "1001")
    await chat.send("/lapor")
    event = Incoming("console", "1001", "wamid.1", text="1")
    assert await router.handle(event)
    assert await state(fw.db, fw.world.coord_a) == ("lapor", "category")
    assert await router.handle(event) == []
    assert await state(fw.db, fw.world.coord_a) == ("lapor", "category")


async def test_event_ids_are_per_channel(router: Router, world: World) -> None:
    async with world.db.transaction() as tx:
        await tx.members.link(world.coord_a, "telegram", "77", "77", "2026-11-30T03:00:00Z")
    assert await router.handle(Incoming("console", "1001", "same-id", text="/menu"))
    assert await router.handle(Incoming("telegram", "77", "same-id", text="/menu"))


async def test_unknown_sender_duplicate_is_ignored(router: Router, world: World) -> None:
    event = Incoming("whatsapp", "6281", "wamid.x", text="DAFTAR WrongCode1234")
    assert await router.handle(event)
    assert await router.handle(event) == []
    assert await scalar(world.db, "SELECT count(*) FROM auth_failures") == 1


# -- roles ------------------------------------------------------------------------------


@pytest.fixture
def officer_only_command() -> Iterator[str]:
    """Register an officer-only command for the test (and remove it afterwards)."""

    async def run(ctx: Context, args: list[str]) -> list[Reply]:
        return [Reply("officer stuff")]

    COMMANDS["zzofficeronly"] = Command("zzofficeronly", OFFICER, run, "menu.menu", in_menu=False)
    yield "zzofficeronly"
    del COMMANDS["zzofficeronly"]


async def test_officer_commands_are_refused_to_coordinators(
    router: Router, world: World, officer_only_command: str
) -> None:
    refused = [name for name, c in COMMANDS.items() if "coordinator" not in c.roles]
    assert officer_only_command in refused
    before = await snapshot(world.db)
    for name in refused:
        chat = Chat(router, "1001")
        await chat.send(f"/{name} PB-0004/2026")
        assert f"Perintah /{name} tidak tersedia untuk peran Anda" in chat.text, name
        await chat.send(choice=f"a:cmd:{name}")  # as a menu button
        assert "tidak tersedia untuk Anda" in chat.text, name
    assert await snapshot(world.db) == before
    officer = Chat(router, "2001")
    await officer.send(f"/{officer_only_command}")
    assert officer.text == "officer stuff"


async def test_staff_actions_are_refused_to_coordinators(router: Router, fw: FlowWorld) -> None:
    before = await snapshot(fw.db)
    for name, action in ACTIONS.items():
        if "coordinator" in action.roles:
            continue
        chat = Chat(router, "1001")
        await chat.send(choice=f"a:{name}:{fw.world.klien_b[0]}")
        assert "tidak tersedia untuk Anda" in chat.text, name
    assert await snapshot(fw.db) == before


async def test_unknown_command_and_action(router: Router, world: World) -> None:
    chat = Chat(router, "1001")
    await chat.send("/terbang tinggi")
    assert "Perintah /terbang tidak dikenal" in chat.text
    await chat.send(choice="a:terbang:1")
    assert "tidak tersedia untuk Anda" in chat.text
    await chat.send("/" + "x" * 500)
    assert len(chat.text) < 200  # the echoed name is cut


async def test_menu_button_starts_a_flow(router: Router, world: World) -> None:
    chat = Chat(router, "1001")
    await chat.send(choice="a:cmd:jam")
    assert "Tidak ada klien dengan putusan kerja sosial" in chat.text  # none in plain world


# -- authorization at every step: forged tokens for another Pokmas' klien -----------------

FORGERIES = [
    (flow, index)
    for flow, n in {"lapor": 6, "bulanan": 6, "insiden": 3, "jam": 3, "tindaklanjut": 3}.items()
    for index in range(n + 1)
]


@pytest.mark.parametrize(("flow", "index"), FORGERIES)
async def test_forged_tokens_change_nothing(
    router: Router, fw: FlowWorld, flow: str, index: int
) -> None:
    """At every step, tokens naming Pokmas B's klien or follow-ups (with the current seq)."""
    world = fw.world
    chat = Chat(router, "1001")
    script = scripts(fw)[flow]
    upto = script[index].step if index < len(script) else None
    await walk(chat, fw, flow, upto=upto)
    where = await state(fw.db, world.coord_a)
    before = await snapshot(fw.db)
    targets = [f"k{k}" for k in (*world.klien_b, fw.ks_b)] + [f"f{f}" for f in fw.fu_b]
    for target in targets:
        await chat.send(choice=f"{await current_seq(fw.db, world.coord_a)}.{target}")
        assert "tidak tersedia untuk Anda" in chat.text
        for klien_id in (*world.klien_b, fw.ks_b):
            assert world.names[klien_id] not in chat.text
    assert await state(fw.db, world.coord_a) == where
    assert await snapshot(fw.db) == before
    if index < len(script):  # and the flow still works afterwards
        await play(chat, script[index])
    else:
        await chat.tap("Kirim")
    assert await snapshot(fw.db) != before or index < len(script)


@pytest.mark.parametrize("flow", ["lapor", "bulanan", "insiden", "jam"])
async def test_typed_names_of_other_klien_find_nothing(
    router: Router, fw: FlowWorld, flow: str
) -> None:
    world = fw.world
    chat = Chat(router, "1001")
    await chat.send(f"/{flow}")
    for klien_id in (*world.klien_b, fw.ks_b):
        for typed in (world.names[klien_id], world.register_nos[klien_id]):
            await chat.send(typed)
            assert "Tidak ada klien yang cocok" in chat.text
            labels = " ".join(c.label + (c.description or "") for c in chat.choices())
            assert world.names[klien_id] not in labels


async def test_klien_moved_to_another_pokmas_mid_flow_is_refused_at_send(
    router: Router, fw: FlowWorld
) -> None:
    """A klien chosen legitimately, then moved away: nothing is written for it."""
    world = fw.world
    for flow in ("bulanan", "insiden", "jam"):
        chat = Chat(router, "1001")
        await walk(chat, fw, flow)
        klien_id = fw.ks_a if flow == "jam" else world.klien_a[0]
        async with fw.db.transaction() as tx:
            await tx.klien.reassign(
                klien_id,
                officer_id=world.officer_2,
                pokmas_id=world.pokmas_b,
                on="2026-11-30",
                changed_by="test",
                now="2026-11-30T03:00:00Z",
            )
        before = await snapshot(fw.db)
        await chat.tap("Kirim")
        assert "tidak ada dalam daftar Anda" in chat.text, flow
        assert await snapshot(fw.db) == before, flow
        await chat.send("/batal")
        async with fw.db.transaction() as tx:
            await tx.klien.reassign(
                klien_id,
                officer_id=world.officer_1,
                pokmas_id=world.pokmas_a,
                on="2026-11-30",
                changed_by="test",
                now="2026-11-30T03:00:00Z",
            )
