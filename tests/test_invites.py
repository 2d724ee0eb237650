"""Invites: random URL-safe codes, stored hashed, single-use, expiring."""

from __future__ import annotations

import re

import pytest

from handlers.invites import InviteError, create_invite, telegram_link, whatsapp_link
from storage import Database
from storage.timeutil import ts
from tests.conftest import Chat, Clock, World


async def make(db: Database, clock: Clock, **kw) -> str:
    async with db.transaction() as tx:
        invite = await create_invite(tx, now=clock(), created_by="test", **kw)
    return invite.code


async def test_code_shape_and_hashing(db: Database, world: World, clock: Clock) -> None:
    codes = {await make(db, clock, role="coordinator", pokmas_code="PWT01") for _ in range(20)}
    assert len(codes) == 20
    for code in codes:
        assert re.fullmatch(r"[A-Za-z0-9_-]{16}", code)  # 96 random bits, URL-safe, <= 32
    async with db.read() as tx:
        rows = await tx.members._all("SELECT * FROM invites")
    dump = repr([tuple(r) for r in rows])
    assert not any(code in dump for code in codes), "a code is stored in clear"


async def test_single_use(router, db: Database, world: World, clock: Clock) -> None:
    code = await make(db, clock, role="officer", officer_code="PK02")
    first = Chat(router, "tg-77", channel="telegram")
    await first.send(f"/start {code}")
    assert "Selamat datang, Agus Santoso" in first.text
    assert "privasi" in first.text.lower()
    second = Chat(router, "tg-78", channel="telegram")
    await second.send(f"/start {code}")
    assert "sudah dipakai" in second.text
    async with db.read() as tx:
        assert await tx.members.by_identity("telegram", "tg-78") is None
        member = await tx.members.by_identity("telegram", "tg-77")
    assert member is not None and member.officer_code == "PK02"


async def test_expiry(router, db: Database, world: World, clock: Clock) -> None:
    code = await make(db, clock, role="admin", name="Admin Dua", days=7)
    clock.advance(days=7, seconds=1)
    chat = Chat(router, "wa-1", channel="whatsapp")
    await chat.send(f"DAFTAR {code}")
    assert "kedaluwarsa" in chat.text


async def test_expired_boundary_still_valid_just_before(router, db, world, clock) -> None:
    code = await make(db, clock, role="observer", kabupaten="kebumen", days=1)
    clock.advance(hours=23, minutes=59)
    chat = Chat(router, "wa-2", channel="whatsapp")
    await chat.send(f"daftar {code}")
    assert "Dinas Sosial Kebumen" in chat.text


@pytest.mark.parametrize(
    ("kw", "key"),
    [
        ({"role": "officer"}, "invite.need_officer"),
        ({"role": "officer", "officer_code": "NOPE"}, "invite.unknown_officer"),
        ({"role": "coordinator"}, "invite.need_pokmas"),
        ({"role": "coordinator", "pokmas_code": "NOPE"}, "invite.unknown_pokmas"),
        ({"role": "observer"}, "invite.need_kabupaten"),
        ({"role": "admin", "days": 0}, "invite.bad_days"),
    ],
)
async def test_invalid_invites(db: Database, world: World, clock: Clock, kw, key) -> None:
    with pytest.raises(InviteError) as caught:
        await make(db, clock, **kw)
    assert caught.value.key == key


def test_links() -> None:
    assert telegram_link("pokmas_bot", "abc") == "https://t.me/pokmas_bot?start=abc"
    assert telegram_link(None, "abc") is None
    assert whatsapp_link("+62 812-3456", "ab_c") == "https://wa.me/628123456?text=DAFTAR%20ab_c"


async def test_deactivate_unlinks_and_blocks(router, db: Database, world: World, clock) -> None:
    chat = Chat(router, "1001")
    await chat.send("/menu")
    assert "/lapor" in chat.text
    async with db.transaction() as tx:
        assert await tx.members.deactivate(world.coord_a, ts(clock()))
        assert await tx.members.identities_of(world.coord_a) == []
    await chat.send("/lapor")
    assert "DAFTAR" in chat.text  # unlinked: only registration instructions now
