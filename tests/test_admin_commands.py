"""Admin chat commands: /undang, /pokmas, /anggota, /pindah (and its outbox message)."""

from __future__ import annotations

import re

import pytest

from handlers.admin_commands import parse_undang, render_reassigned
from handlers.router import Router
from handlers.settings import Settings
from storage import Database, Scope
from storage.outbox import OutboxItem
from storage.pokmas import PokmasIn
from storage.timeutil import ts
from tests.conftest import T0, Chat, Clock, World
from tests.seed_activity import audit_rows, seed_activity

CODE = re.compile(r"Kode: (\S+)")


@pytest.fixture
def linked_router(db: Database, clock: Clock) -> Router:
    """Return a router whose settings know the bot's Telegram username and WhatsApp number."""
    settings = Settings(
        bapas_name="Bapas Kelas II Purwokerto",
        bot_username="@PokmasLipasBot",
        whatsapp_number="+62 811-2000-300",
    )
    return Router(db, settings, clock)


async def test_undang_officer_with_links_then_register(linked_router, world: World) -> None:
    admin = Chat(linked_router, "3001")
    await admin.send("/undang pk PK02")
    text = admin.text
    assert text.startswith("Undangan untuk PK #2 (Agus Santoso) dibuat.")
    assert "Berlaku sampai: 07/12/2026 10:00" in text
    code = CODE.search(text).group(1)  # type: ignore[union-attr]
    assert f"Telegram: https://t.me/PokmasLipasBot?start={code}" in text
    assert f"WhatsApp: https://wa.me/628112000300?text=DAFTAR%20{code}" in text
    assert f"DAFTAR {code}" in text
    newcomer = Chat(linked_router, "2999")
    await newcomer.send(f"DAFTAR {code}")
    assert "Selamat datang, Agus Santoso" in newcomer.text
    async with world.db.read() as tx:
        member = await tx.members.by_identity("console", "2999")
    assert member is not None and member.id == world.officer_2
    assert await audit_rows(world, "invite.create") == [(world.officer_2, None)]


async def test_undang_without_known_links(router, world: World) -> None:
    admin = Chat(router, "3001")
    await admin.send("/undang koordinator pwt01 Ibu Sri Wahyuni hari=14")
    assert "Undangan untuk Koordinator Pokmas" in admin.text
    assert "(Ibu Sri Wahyuni)" in admin.text
    assert "Berlaku sampai: 14/12/2026 10:00" in admin.text
    assert "t.me" not in admin.text and "wa.me" not in admin.text
    await admin.send("/undang pengamat kebumen")
    assert "(Dinas Sosial Kebumen)" in admin.text
    await admin.send("/undang admin Rina")
    assert "Undangan untuk Admin" in admin.text and "(Rina)" in admin.text
    async with world.db.read() as tx:
        observers = await tx.members.by_role("observer")
        coordinators = await tx.members.by_role("coordinator")
    assert [o.kabupaten for o in observers] == ["Banyumas", "Kebumen"]
    assert any(c.name == "Ibu Sri Wahyuni" and c.pokmas_id == world.pokmas_a for c in coordinators)


async def test_undang_errors_follow_the_cli_rules(router, world: World) -> None:
    admin = Chat(router, "3001")
    await admin.send("/undang")
    assert admin.text.startswith("Pakai:\n/undang pk")
    await admin.send("/undang pk")
    assert admin.text.startswith("Pakai:")
    await admin.send("/undang pk PK99")
    assert "Kode petugas PK99 tidak dikenal." in admin.text
    await admin.send("/undang koordinator XXX")
    assert "Kode Pokmas XXX tidak dikenal." in admin.text
    await admin.send("/undang tamu")
    assert "Peran tamu tidak dikenal." in admin.text
    await admin.send("/undang pk PK01 hari=91")
    assert "Masa berlaku harus 1\u201390 hari." in admin.text
    await admin.send("/undang pk PK01 hari=dua")
    assert admin.text.startswith("Pakai:")


def test_parse_undang() -> None:
    request = parse_undang(["Koordinator", "PBG01", "Pak", "Joko", "hari=3"])
    assert request is not None
    assert (request.role, request.pokmas_code, request.name, request.days) == (
        "coordinator",
        "PBG01",
        "Pak Joko",
        3,
    )
    assert parse_undang(["petugas", "PK01"]).officer_code == "PK01"  # type: ignore[union-attr]
    assert parse_undang([]) is None


async def test_pokmas_list(router, world: World) -> None:
    await seed_activity(world)
    admin = Chat(router, "3001")
    await admin.send("/pokmas")
    lines = admin.text.splitlines()
    assert lines[0] == "Pokmas: 2"
    # Ordered by kabupaten: Banyumas, then Purbalingga.
    assert lines[2] == (
        "\u2022 PWT01 Pesantren Al-Hidayah \u2014 Banyumas, Pesantren; 3 klien aktif; "
        "laporan terakhir 30/11/2026; tanpa PKS"
    )
    assert lines[3] == (
        "\u2022 PBG01 Bengkel Maju Jaya \u2014 Purbalingga, Bengkel; 3 klien aktif; "
        "laporan terakhir 28/11/2026; PKS s.d. 15/01/2027 (habis dalam 46 hari)"
    )


async def test_pokmas_expired_and_far_pks(router, world: World) -> None:
    async with world.db.transaction() as tx:
        await tx.pokmas.upsert(
            PokmasIn("KBM01", "Tani Makmur", "pertanian", "Kebumen", pks_expires="2026-06-30"),
            ts(T0),
        )
        await tx.pokmas.upsert(
            PokmasIn(
                "KBM02", "Cuci Motor Bersih", "cuci_kendaraan", "Kebumen", pks_expires="2028-01-31"
            ),
            ts(T0),
        )
    admin = Chat(router, "3001")
    await admin.send("/pokmas")
    assert (
        "KBM01 Tani Makmur \u2014 Kebumen, Pertanian; 0 klien aktif; belum ada laporan; "
        "PKS habis 30/06/2026" in admin.text
    )
    assert (
        "KBM02 Cuci Motor Bersih \u2014 Kebumen, Cuci kendaraan; 0 klien aktif; "
        "belum ada laporan; PKS s.d. 31/01/2028" in admin.text
    )


async def test_anggota_lists_members_by_role(router, world: World) -> None:
    admin = Chat(router, "3001")
    await admin.send("/undang pengamat Kebumen")  # a member not linked yet
    await admin.send("/anggota")
    text = admin.text
    assert text.startswith("Anggota: 7")
    assert (
        "PK (2)\n\u2022 #2 Agus Santoso (PK02) \u2014 console\n"
        "\u2022 #1 Siti Rahayu (PK01) \u2014 console" in text
    )
    assert "\u2022 #5 Ustadz Ahmad (PWT01) \u2014 console" in text
    assert "\u2022 #4 Dinsos Banyumas (Banyumas) \u2014 console" in text
    assert "Dinas Sosial Kebumen (Kebumen) \u2014 belum terhubung" in text
    assert text.index("Admin (1)") < text.index("PK (2)") < text.index("Koordinator Pokmas (2)")
    assert "6281100000001" not in text  # no phone numbers, no chat ids


async def test_pindah_to_another_officer(router, world: World) -> None:
    await seed_activity(world)
    a1 = world.klien_a[0]
    admin = Chat(router, "3001")
    await admin.send("/pindah PB-0001/2026 pk02")
    assert admin.text == (
        "Budi Klien1 dipindahkan dari PK PK01 ke PK PK02. Riwayat penempatan tetap tersimpan; "
        "PK baru diberi tahu."
    )
    async with world.db.read() as tx:
        klien = await tx.klien.get(a1, Scope.everything())
        placements = await tx.klien._all(
            "SELECT officer_id, pokmas_id, from_date, changed_by FROM placements "
            "WHERE klien_id = ? ORDER BY id",
            (a1,),
        )
        outbox = await tx.outbox.due(ts(T0))
    assert klien is not None and klien.officer_id == world.officer_2
    assert klien.pokmas_id == world.pokmas_a
    assert [tuple(p) for p in placements] == [
        (world.officer_1, world.pokmas_a, "2026-09-01", "test"),
        (world.officer_2, world.pokmas_a, "2026-11-30", f"member:{world.admin}"),
    ]
    assert [(o.kind, o.member_id, o.subject) for o in outbox] == [
        ("reassigned", world.officer_2, f"klien:{a1}")
    ]
    message = render_reassigned(outbox, "id")
    assert message.text == (
        "Klien baru untuk Anda: Budi Klien1 (PB-0001/2026), program Kerja sosial, "
        "Pokmas PWT01. Dipindahkan oleh Admin Bapas."
    )
    assert [c.id for c in message.choices] == [f"a:klien:{a1}"]
    assert await audit_rows(world, "klien.reassign") == [(world.admin, a1)]
    # The old officer lost the klien; the new one has it.
    old, new = Chat(router, "2001"), Chat(router, "2002")
    await old.send(choice=message.choices[0].id)
    assert old.text == "Klien itu tidak ada dalam daftar Anda."
    await new.send(choice=message.choices[0].id)
    assert new.text.startswith("Kartu klien: Budi Klien1")
    assert "PK: Agus Santoso (PK02)" in new.text


async def test_pindah_to_another_pokmas_tells_its_coordinators(router, world: World) -> None:
    a2 = world.klien_a[1]
    admin = Chat(router, "3001")
    await admin.send("/pindah PB-0002/2026 PBG01")
    assert admin.text == (
        "Budi Klien2 dipindahkan dari Pokmas PWT01 ke Pokmas PBG01. Riwayat penempatan tetap "
        "tersimpan; 1 koordinator diberi tahu."
    )
    async with world.db.read() as tx:
        klien = await tx.klien.get(a2, Scope.everything())
        outbox = await tx.outbox.due(ts(T0))
    assert klien is not None and klien.pokmas_id == world.pokmas_b
    assert klien.officer_id == world.officer_1 and klien.placed_on == "2026-11-30"
    assert [(o.kind, o.member_id) for o in outbox] == [("reassigned", world.coord_b)]
    message = render_reassigned(outbox, "en")
    assert message.text == (
        "A new klien is placed with your Pokmas: Budi Klien2, programme PB, officer Siti "
        "Rahayu. See /klien."
    )
    assert message.choices == ()
    coordinator_b = Chat(router, "1002")
    await coordinator_b.send("/klien")
    assert "Budi Klien2" in coordinator_b.text
    coordinator_a = Chat(router, "1001")
    await coordinator_a.send("/klien")
    assert "Budi Klien2" not in coordinator_a.text


async def test_pindah_errors(router, world: World) -> None:
    admin = Chat(router, "3001")
    await admin.send("/pindah PB-0001/2026")
    assert admin.text.startswith("Pakai: /pindah")
    await admin.send("/pindah PB-9999/2026 PK02")
    assert admin.text == "Klien dengan nomor register PB-9999/2026 tidak ditemukan."
    await admin.send("/pindah PB-0001/2026 NOPE")
    assert admin.text == "Kode NOPE bukan kode PK atau Pokmas yang aktif."
    await admin.send("/pindah PB-0001/2026 PK01")
    assert admin.text == "Budi Klien1 sudah berada di PK01. Tidak ada yang diubah."
    await admin.send("/pindah PB-0001/2026 PWT01")
    assert admin.text == "Budi Klien1 sudah berada di PWT01. Tidak ada yang diubah."
    async with world.db.transaction() as tx:
        await tx.pokmas.upsert(PokmasIn("PK02", "Pokmas Dua", "jasa", "Kebumen"), ts(T0))
    await admin.send("/pindah PB-0001/2026 PK02")
    assert "dipakai oleh PK dan juga Pokmas" in admin.text
    await admin.send("/pindah PB-0001/2026 pokmas:PK02")
    assert "ke Pokmas PK02" in admin.text
    await admin.send("/pindah PB-0001/2026 pk:PK02")
    assert "ke PK PK02" in admin.text
    async with world.db.read() as tx:
        assert await tx.outbox.counts() == {"pending": 1}  # Pokmas PK02 has no coordinator


async def test_admin_commands_are_for_admins_only(router, world: World) -> None:
    for sender in ("1001", "2001", "4001"):
        chat = Chat(router, sender)
        for command in ("/undang pk PK01", "/pokmas", "/anggota", "/pindah PB-0001/2026 PK02"):
            await chat.send(command)
            assert "tidak tersedia untuk peran Anda" in chat.text, (sender, command)
    async with world.db.read() as tx:
        klien = await tx.klien.get(world.klien_a[0], Scope.everything())
        assert await tx.outbox.counts() == {}
    assert klien is not None and klien.officer_id == world.officer_1


def test_reassigned_renderer_without_pokmas() -> None:
    item = OutboxItem(
        1,
        "reassigned",
        "klien:9",
        "x",
        2,
        {
            "klien_id": 9,
            "klien": "X",
            "register_no": "R-1",
            "program": "CB",
            "pokmas": None,
            "officer": None,
            "by": "Admin",
            "for": "officer",
        },
        "pending",
        0,
        "",
        "",
        None,
    )
    assert "Pokmas (tidak ada)" in render_reassigned([item], "id").text
