"""Draft expiry nudges: queued once per expiry, shortly before it, rendered for the member."""

from __future__ import annotations

from datetime import timedelta

from handlers.drafts import nudge_expiring_drafts, nudge_is_stale
from handlers.notify import render
from handlers.router import Router
from handlers.settings import Settings
from tests.conftest import T0, Chat, Clock, World
from tests.flowkit import rows


async def _nudge(world: World, clock: Clock, settings: Settings) -> int:
    async with world.db.transaction() as tx:
        return await nudge_expiring_drafts(tx, clock(), settings)


async def test_nudge_once_before_expiry(
    router: Router, world: World, clock: Clock, settings: Settings
) -> None:
    await Chat(router, "1001").send("/lapor")
    await Chat(router, "1002").send("/insiden")
    clock.advance(hours=21, minutes=59)
    assert await _nudge(world, clock, settings) == 0  # expiry is 2 h 1 min away
    clock.advance(minutes=1)
    assert await _nudge(world, clock, settings) == 2
    assert await _nudge(world, clock, settings) == 0  # overlapping sweeps: still once
    found = await rows(
        world.db, "SELECT kind, subject, period, member_id FROM outbox ORDER BY member_id"
    )
    assert found == [
        ("draft_nudge", f"conv:{world.coord_a}", "2026-12-01T03:00:00Z", world.coord_a),
        ("draft_nudge", f"conv:{world.coord_b}", "2026-12-01T03:00:00Z", world.coord_b),
    ]


async def test_continued_draft_is_nudged_again_for_its_new_expiry(
    router: Router, world: World, clock: Clock, settings: Settings
) -> None:
    chat = Chat(router, "1001")
    await chat.send("/lapor")
    clock.advance(hours=22)
    assert await _nudge(world, clock, settings) == 1
    await chat.send("1")  # continues: expires 24 h from now
    assert await _nudge(world, clock, settings) == 0
    clock.advance(hours=22, minutes=30)
    assert await _nudge(world, clock, settings) == 1
    periods = [p for (p,) in await rows(world.db, "SELECT period FROM outbox ORDER BY id")]
    assert periods == ["2026-12-01T03:00:00Z", "2026-12-02T01:00:00Z"]


async def test_expired_or_finished_drafts_are_not_nudged(
    router: Router, world: World, clock: Clock, settings: Settings
) -> None:
    await Chat(router, "1001").send("/lapor")
    chat = Chat(router, "1002")
    await chat.send("/lapor")
    await chat.send("/batal")
    clock.advance(hours=25)
    assert await _nudge(world, clock, settings) == 0


async def test_nudge_text_and_staleness(
    router: Router, world: World, clock: Clock, settings: Settings
) -> None:
    await Chat(router, "1001").send("/bulanan")
    clock.advance(hours=22, minutes=30)
    await _nudge(world, clock, settings)
    async with world.db.read() as tx:
        [item] = await tx.outbox.due("2027-01-01T00:00:00Z")
    [rendered] = render([item], "id")
    assert "draf /bulanan yang belum dikirim" in rendered.reply.text
    assert "dalam 2 jam" in rendered.reply.text
    [english] = render([item], "en")
    assert "unsent /bulanan draft" in english.reply.text
    assert not nudge_is_stale(item, clock())
    assert nudge_is_stale(item, T0 + timedelta(hours=24))
