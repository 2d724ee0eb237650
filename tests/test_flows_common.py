"""What every coordinator flow shares, step by step: cancel, back, help, expiry, resume.

Each flow's scripted walk (tests/flowkit.py) is replayed up to every step in turn, so
a new step in a flow is covered by adding one line to its script.
"""

from __future__ import annotations

import pytest

from handlers.router import Router
from handlers.settings import Settings
from storage import Database
from tests.conftest import Chat, Clock, World, seed_world
from tests.flowkit import FlowWorld, play, scalar, scripts, seed_flows, snapshot, state, walk

# (flow, step index) for every step of every flow; index = len(script) is the confirm screen.
_LENGTHS = {"lapor": 6, "bulanan": 6, "insiden": 3, "jam": 3, "tindaklanjut": 3}
STEPS = [(flow, i) for flow, n in _LENGTHS.items() for i in range(n + 1)]
FLOWS = list(_LENGTHS)
SENDER = {"lapor": "1001", "bulanan": "1001", "insiden": "1001", "jam": "1001"}


@pytest.fixture
async def fw(world: World) -> FlowWorld:
    return await seed_flows(world)


def _step_name(fw: FlowWorld, flow: str, index: int) -> str | None:
    script = scripts(fw)[flow]
    return script[index].step if index < len(script) else None


async def _to(chat: Chat, fw: FlowWorld, flow: str, index: int) -> None:
    await walk(chat, fw, flow, upto=_step_name(fw, flow, index))


def test_scripts_cover_every_step(fw: FlowWorld) -> None:
    from handlers.flow import FLOWS as REGISTERED

    for flow, moves in scripts(fw).items():
        assert [m.step for m in moves] == [s.name for s in REGISTERED[flow].steps]
        assert _LENGTHS[flow] == len(moves)


@pytest.mark.parametrize(("flow", "index"), STEPS)
async def test_cancel_at_every_step(router: Router, fw: FlowWorld, flow: str, index: int) -> None:
    chat = Chat(router, "1001")
    before = await snapshot(fw.db)
    await _to(chat, fw, flow, index)
    await chat.send("/batal")
    assert "Dibatalkan. Tidak ada yang disimpan." in chat.text
    assert await state(fw.db, fw.world.coord_a) is None
    assert await snapshot(fw.db) == before


@pytest.mark.parametrize(("flow", "index"), STEPS)
async def test_back_at_every_step(router: Router, fw: FlowWorld, flow: str, index: int) -> None:
    chat = Chat(router, "1001")
    await _to(chat, fw, flow, index)
    await chat.send("/kembali")
    script = scripts(fw)[flow]
    if index == 0:
        assert "Ini sudah langkah pertama" in chat.text
        assert script[0].prompt in chat.text
        return
    previous = script[index - 1]
    assert previous.prompt in chat.text
    assert await state(fw.db, fw.world.coord_a) == (flow, previous.step)
    # ... and answering again goes forward to where we were.
    await play(chat, previous)
    expected = script[index].prompt if index < len(script) else "Periksa sebelum dikirim"
    assert expected in chat.text


@pytest.mark.parametrize(("flow", "index"), STEPS)
async def test_help_at_every_step(router: Router, fw: FlowWorld, flow: str, index: int) -> None:
    chat = Chat(router, "1001")
    await _to(chat, fw, flow, index)
    where = await state(fw.db, fw.world.coord_a)
    await chat.send("/bantuan")
    script = scripts(fw)[flow]
    if index < len(script):
        assert script[index].help in chat.text
        assert script[index].prompt in chat.text  # asked again
    else:
        assert "Pilih Kirim untuk menyimpan" in chat.text
        assert "Periksa sebelum dikirim" in chat.text
    assert await state(fw.db, fw.world.coord_a) == where


@pytest.mark.parametrize("flow", FLOWS)
async def test_expiry_drops_the_draft_and_says_so(
    router: Router, fw: FlowWorld, clock: Clock, flow: str
) -> None:
    chat = Chat(router, "1001")
    before = await snapshot(fw.db)
    await _to(chat, fw, flow, 1)
    clock.advance(hours=24, seconds=1)
    await play(chat, scripts(fw)[flow][1])
    assert "kedaluwarsa dan dibuang" in chat.text
    assert await state(fw.db, fw.world.coord_a) is None
    assert await scalar(fw.db, "SELECT count(*) FROM conversations") == 0
    assert await snapshot(fw.db) == before


@pytest.mark.parametrize("flow", FLOWS)
async def test_expiry_on_the_confirm_screen(
    router: Router, fw: FlowWorld, clock: Clock, flow: str
) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, flow)
    clock.advance(hours=25)
    await chat.tap("Kirim")  # a token of the expired draft
    assert "kedaluwarsa" in chat.text
    assert await scalar(fw.db, "SELECT count(*) FROM reports") == 0
    assert await scalar(fw.db, "SELECT count(*) FROM service_hours") == 0
    assert await scalar(fw.db, "SELECT count(*) FROM followups WHERE status = 'done'") == 0


_STORED = {
    "lapor": "SELECT count(*) FROM reports WHERE kind = 'progress'",
    "bulanan": "SELECT count(*) FROM reports WHERE kind = 'monthly'",
    "insiden": "SELECT count(*) FROM incidents",
    "jam": "SELECT count(*) FROM service_hours",
    "tindaklanjut": "SELECT count(*) FROM followups WHERE status = 'done'",
}


@pytest.mark.parametrize("flow", FLOWS)
async def test_resume_in_a_new_process(
    tmp_path, settings: Settings, clock: Clock, flow: str
) -> None:
    """Close the database mid-flow, open it again with a new router, finish the flow."""
    path = tmp_path / "bot.db"
    db = await Database.open(path)
    try:
        world = await seed_world(db)
        fw = await seed_flows(world)
        chat = Chat(Router(db, settings, clock), "1001")
        middle = len(scripts(fw)[flow]) // 2 + 1
        await _to(chat, fw, flow, middle)
        stored_before = await state(db, world.coord_a)
    finally:
        await db.close()

    clock.advance(hours=3)
    db2 = await Database.open(path)
    try:
        chat2 = Chat(Router(db2, settings, clock), "1001")
        assert await state(db2, world.coord_a) == stored_before
        script = scripts(fw)[flow]
        await chat2.send("/bantuan")  # shows the same step again, with fresh tokens
        assert script[middle].prompt in chat2.text
        for move in script[middle:]:
            await play(chat2, move)
        assert "Periksa sebelum dikirim" in chat2.text
        for move in script:  # the whole draft survived the restart
            if move.how == "send":
                assert move.answer in chat2.text
        await chat2.tap("Kirim")
        assert await scalar(db2, _STORED[flow]) == 1
        assert await state(db2, world.coord_a) is None
    finally:
        await db2.close()


@pytest.mark.parametrize("flow", FLOWS)
async def test_officer_cannot_start_a_coordinator_flow(
    router: Router, fw: FlowWorld, flow: str
) -> None:
    chat = Chat(router, "2001")
    await chat.send(f"/{flow}")
    if flow == "tindaklanjut":  # officers work on their klien's follow-ups too
        assert "Tindak lanjut terbuka" in chat.text
        return
    assert "tidak tersedia untuk peran Anda" in chat.text
    assert await state(fw.db, fw.world.officer_1) is None
