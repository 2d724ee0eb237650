"""Registration by one-time invite code, the wrong-code limit, unknown and deactivated senders."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers.invites import create_invite
from handlers.router import Router
from storage import Database
from tests.conftest import Chat, Clock, World
from tests.flowkit import rows, scalar


async def _invite(db: Database, clock: Clock, role: str = "coordinator", **kw: str) -> str:
    async with db.transaction() as tx:
        if role == "coordinator":
            kw.setdefault("pokmas_code", "PWT01")
            kw.setdefault("name", "Pak Slamet")
        invite = await create_invite(tx, role=role, now=clock(), created_by="test", **kw)
    return invite.code


def _read_all(paths: list[Path]) -> bytes:
    """Return the bytes of every file that exists (the database, its copy, its WAL)."""
    return b"".join(p.read_bytes() for p in paths if p.exists())


async def _member_of(db: Database, sender: str) -> int | None:
    value = await scalar(
        db,
        "SELECT member_id FROM identities WHERE channel = 'console' AND external_id = ?",
        (sender,),
    )
    return None if value is None else int(value)


@pytest.mark.parametrize(
    "form",
    ["DAFTAR {code}", "daftar {code}", "/start {code}", "/daftar {code}", "  DAFTAR   {code}  "],
)
async def test_valid_code_links_and_shows_privacy_and_menu(
    router: Router, world: World, clock: Clock, form: str
) -> None:
    code = await _invite(world.db, clock)
    chat = Chat(router, "5001")
    replies = await chat.send(form.format(code=code))
    assert len(replies) == 3
    assert replies[0].text.startswith("Selamat datang, Pak Slamet!")
    assert "Bapas Kelas II Purwokerto" in replies[0].text
    assert replies[1].text.startswith("Pemberitahuan privasi")
    assert "UU 27/2022" in replies[1].text
    menu = replies[2]
    assert "/lapor" in menu.text and "/bulanan" in menu.text and "/jam" in menu.text
    assert {c.id for c in menu.choices} >= {"a:cmd:lapor", "a:cmd:insiden"}
    member_id = await _member_of(world.db, "5001")
    assert member_id is not None
    assert await scalar(world.db, "SELECT used_external_id FROM invites") == "5001"
    assert await rows(
        world.db, "SELECT action, member_id FROM audit_log WHERE action = 'member.link'"
    ) == [("member.link", member_id)]
    await chat.send("/lapor")  # and the member can work at once
    assert "Pilih klien" in chat.text


async def test_officer_menu_has_no_coordinator_commands(
    router: Router, world: World, clock: Clock
) -> None:
    code = await _invite(world.db, clock, role="officer", officer_code="PK01")
    replies = await Chat(router, "5002").send(f"/start {code}")
    menu = replies[-1].text
    assert "/lapor" not in menu and "/bulanan" not in menu and "/jam" not in menu
    assert "/tindaklanjut" in menu


async def test_unknown_code(router: Router, world: World) -> None:
    chat = Chat(router, "5001")
    await chat.send("DAFTAR AbCdEfGh12345678")
    assert chat.text.startswith("Kode undangan tidak dikenal")
    await chat.send("DAFTAR x!")  # malformed: not even looked up
    assert chat.text.startswith("Kode undangan tidak dikenal")
    assert await scalar(world.db, "SELECT count(*) FROM auth_failures") == 2
    assert await _member_of(world.db, "5001") is None


async def test_expired_code(router: Router, world: World, clock: Clock) -> None:
    code = await _invite(world.db, clock)
    clock.advance(days=7, seconds=1)
    await Chat(router, "5001").send(f"DAFTAR {code}")
    assert await _member_of(world.db, "5001") is None
    chat = Chat(router, "5001")
    await chat.send(f"DAFTAR {code}")
    assert "sudah kedaluwarsa" in chat.text


async def test_used_code(router: Router, world: World, clock: Clock) -> None:
    code = await _invite(world.db, clock)
    await Chat(router, "5001").send(f"DAFTAR {code}")
    chat = Chat(router, "5002")
    await chat.send(f"DAFTAR {code}")
    assert "sudah dipakai" in chat.text
    assert await _member_of(world.db, "5002") is None


async def test_code_of_a_deactivated_member(router: Router, world: World, clock: Clock) -> None:
    code = await _invite(world.db, clock)
    member_id = await scalar(world.db, "SELECT member_id FROM invites")
    async with world.db.transaction() as tx:
        await tx.members.deactivate(int(member_id), "2026-11-30T03:00:00Z")
        await tx.conn.execute("UPDATE invites SET used_at = NULL")  # still unused
    chat = Chat(router, "5001")
    await chat.send(f"DAFTAR {code}")
    assert "sudah dinonaktifkan" in chat.text
    assert await _member_of(world.db, "5001") is None


async def test_registration_without_code(router: Router, world: World) -> None:
    chat = Chat(router, "5001")
    await chat.send("DAFTAR")
    assert chat.text.startswith("Kirim kode undangan setelah DAFTAR")
    await chat.send("/start")
    assert chat.text.startswith("Kirim kode undangan setelah DAFTAR")


async def test_five_wrong_codes_lock_the_sender_for_the_hour(
    router: Router, world: World, clock: Clock
) -> None:
    code = await _invite(world.db, clock)
    chat = Chat(router, "5001")
    for i in range(5):
        await chat.send(f"DAFTAR WrongCode{i:04d}xx")
        assert "tidak dikenal" in chat.text
        clock.advance(minutes=1)
    await chat.send(f"DAFTAR {code}")  # valid, but refused for the rest of the hour
    assert "Terlalu banyak kode yang salah" in chat.text
    clock.advance(minutes=50)  # 54 minutes after the first wrong code
    await chat.send(f"DAFTAR {code}")
    assert "Terlalu banyak kode yang salah" in chat.text
    assert await _member_of(world.db, "5001") is None
    assert await scalar(world.db, "SELECT used_at FROM invites") is None  # not spent
    assert await scalar(world.db, "SELECT count(*) FROM auth_failures") == 5  # refusals not counted
    other = Chat(router, "5002")  # another sender is not affected
    await other.send("DAFTAR WrongCodeOther1")
    assert "tidak dikenal" in other.text
    clock.advance(minutes=6, seconds=1)  # an hour after the first wrong code
    await chat.send(f"DAFTAR {code}")
    assert chat.text.startswith("Selamat datang")
    assert await _member_of(world.db, "5001") is not None


@pytest.mark.parametrize(
    "kwargs",
    [
        {"text": "halo"},
        {"text": "/lapor"},
        {"choice": "1.k1"},
        {"choice": "a:cmd:lapor"},
        {"photo": "p1"},
        {"text": "/bantuan"},
    ],
)
async def test_unknown_sender_gets_only_instructions(
    router: Router, world: World, kwargs: dict[str, str]
) -> None:
    before = await scalar(world.db, "SELECT count(*) FROM reports")
    replies = await Chat(router, "9999").send(**kwargs)
    assert len(replies) == 1
    assert replies[0].text.startswith("Halo! Bot ini untuk Pokmas Lipas")
    assert replies[0].choices == ()
    assert await scalar(world.db, "SELECT count(*) FROM reports") == before
    assert await scalar(world.db, "SELECT count(*) FROM conversations") == 0


async def test_deactivated_member_gets_only_a_short_notice(
    router: Router, world: World, clock: Clock
) -> None:
    code = await _invite(world.db, clock)
    chat = Chat(router, "5001")
    await chat.send(f"DAFTAR {code}")
    member_id = await _member_of(world.db, "5001")
    assert member_id is not None
    async with world.db.transaction() as tx:
        assert await tx.members.deactivate(member_id, "2026-11-30T04:00:00Z")
    for kwargs in ({"text": "/lapor"}, {"text": "halo"}, {"choice": "a:cmd:lapor"}):
        replies = await chat.send(**kwargs)
        assert len(replies) == 1
        assert replies[0].text.startswith("Akun Anda sudah dinonaktifkan")
        assert replies[0].choices == ()


async def test_inactive_member_still_linked_gets_only_a_short_notice(
    router: Router, world: World
) -> None:
    async with world.db.transaction() as tx:
        await tx.conn.execute("UPDATE members SET active = 0 WHERE id = ?", (world.coord_a,))
    replies = await Chat(router, "1001").send("/lapor")
    assert [r.text for r in replies] == [
        "Akun Anda sudah dinonaktifkan. Hubungi Bapas jika ini keliru."
    ]


async def test_codes_are_stored_hashed(
    router: Router, world: World, clock: Clock, tmp_path: Path
) -> None:
    code = await _invite(world.db, clock)
    for row in await rows(world.db, "SELECT * FROM invites"):
        assert all(code not in str(value) for value in row)
    await Chat(router, "5001").send(f"DAFTAR {code}")
    for row in await rows(world.db, "SELECT * FROM invites"):
        assert all(code not in str(value) for value in row)
    copy = tmp_path / "copy.db"
    await world.db.backup(copy)
    files = [copy, Path(world.db.path), Path(world.db.path + "-wal")]
    assert code.encode() not in _read_all(files)


async def test_registered_member_sending_a_code_again(
    router: Router, world: World, clock: Clock
) -> None:
    code = await _invite(world.db, clock)
    chat = Chat(router, "1001")
    await chat.send(f"/start {code}")
    assert "Anda sudah terdaftar sebagai Ustadz Ahmad" in chat.text
    assert await scalar(world.db, "SELECT used_at FROM invites") is None


async def test_language_switch(router: Router, world: World) -> None:
    chat = Chat(router, "1001")
    await chat.send("/bahasa en")
    assert chat.text == "Language switched to English."
    await chat.send("/menu")
    assert "What would you like to do?" in chat.text
    await chat.send("/bahasa klingon")
    assert "Use: /bahasa id" in chat.text
    await chat.send("/bahasa")  # toggles
    assert chat.text == "Bahasa diganti ke Bahasa Indonesia."
    assert (
        await scalar(world.db, "SELECT language FROM members WHERE id = ?", (world.coord_a,))
        == "id"
    )
