"""/klien QUERY and the `klien` action: the klien card for officers and admins, audited."""

from __future__ import annotations

from handlers.commands import action_choice
from tests.conftest import Chat, World
from tests.seed_activity import audit_rows, seed_activity


async def test_card_by_name_shows_everything(router, world: World) -> None:
    await seed_activity(world)
    a1 = world.klien_a[0]
    chat = Chat(router, "2001")
    await chat.send("/klien Budi Klien1")
    text = chat.text
    lines = text.splitlines()
    assert lines[0] == "Kartu klien: Budi Klien1 (PB-0001/2026)"
    assert "Program: Kerja sosial \u00b7 Status: aktif" in text
    assert "Masa pembimbingan: 01/09/2026\u201330/11/2027 (365 hari lagi)" in text
    assert "Pokmas: Pesantren Al-Hidayah (PWT01), sejak 01/09/2026" in text
    assert "PK: Siti Rahayu (PK01)" in text
    assert "Wajib lapor: berikutnya 03/12/2026, tiap 30 hari; tidak hadir berturut-turut: 0" in text
    assert "Riwayat wajib lapor: 31/10/2026 hadir \u00b7 01/10/2026 daring" in text
    # 12 of 40 hours; 90 of 455 days of supervision gone: about 8 hours on a linear schedule.
    assert "Jam kerja sosial: 12 dari 40 jam (30%); sesuai jadwal seharusnya \u00b18 jam" in text
    assert "Laporan terakhir (5 dari 8):" in text
    report_lines = [line for line in lines if line.startswith("\u2022 ") and "(Ustadz" in line]
    assert len(report_lines) == 5
    assert report_lines[0].startswith("\u2022 30/11/2026 Insiden/pelanggaran:")
    assert report_lines[1].startswith("\u2022 29/11/2026 Pekerjaan \u2014 Selesai:")
    assert (
        "Tindak lanjut terbuka:\n\u2022 Urus KTP di Disdukcapil \u2014 jatuh tempo 05/12/2026"
        in text
    )
    assert await audit_rows(world, "klien.read") == [(world.officer_1, a1)]


async def test_card_by_register_number_and_overdue_followup(router, world: World) -> None:
    await seed_activity(world)
    chat = Chat(router, "2001")
    await chat.send("/klien pb-0002/2026")  # case does not matter
    assert chat.text.startswith("Kartu klien: Budi Klien2 (PB-0002/2026)")
    assert "Mediasi dengan keluarga \u2014 jatuh tempo 27/11/2026 (lewat tenggat)" in chat.text
    assert "Laporan terakhir (1 dari 1):" in chat.text
    assert "Riwayat wajib lapor: belum ada" in chat.text
    assert "Jam kerja sosial" not in chat.text  # no order, nothing logged
    await chat.send("/klien PB-0003/2026")
    assert "Masa pembimbingan: 01/09/2026\u201305/12/2026 (5 hari lagi)" in chat.text
    assert "Laporan: belum ada" in chat.text
    assert "Tindak lanjut terbuka: tidak ada" in chat.text
    assert [k for _, k in await audit_rows(world, "klien.read")] == [
        world.klien_a[1],
        world.klien_a[2],
    ]


async def test_several_matches_offer_choices_that_open_the_card(router, world: World) -> None:
    chat = Chat(router, "2001")
    await chat.send("/klien budi")
    assert chat.text == "3 klien cocok dengan \u201cbudi\u201d. Pilih satu:"
    choices = chat.choices()
    assert [c.id for c in choices] == [f"a:klien:{k}" for k in world.klien_a]
    assert [c.description for c in choices] == [world.register_nos[k] for k in world.klien_a]
    assert await audit_rows(world, "klien.read") == []  # a list of names is not a card
    await chat.tap("Budi Klien3")
    assert chat.text.startswith("Kartu klien: Budi Klien3")
    assert await audit_rows(world, "klien.read") == [(world.officer_1, world.klien_a[2])]


async def test_partial_register_number_and_too_many_matches(router, world: World) -> None:
    chat = Chat(router, "3001")
    await chat.send("/klien 0005")
    assert chat.text.startswith("Kartu klien: Joko Klien5 (PB-0005/2026)")
    await chat.send("/klien Klien")
    assert chat.text.startswith("6 klien cocok")
    assert len(chat.choices()) == 6


async def test_search_caps_the_choices(router, world: World, monkeypatch) -> None:
    import handlers.card

    monkeypatch.setattr(handlers.card, "MATCHES_SHOWN", 4)
    chat = Chat(router, "3001")
    await chat.send("/klien Klien")
    assert "6 klien cocok" in chat.text
    assert "Ditampilkan 4 pertama" in chat.text
    assert len(chat.choices()) == 4


async def test_usage_and_no_match(router, world: World) -> None:
    chat = Chat(router, "2001")
    await chat.send("/klien")
    assert "Pakai: /klien NAMA" in chat.text
    await chat.send("/klien x")
    assert "Pakai: /klien NAMA" in chat.text
    await chat.send("/klien Siapa")
    assert chat.text == "Tidak ada klien Anda yang cocok dengan \u201cSiapa\u201d."
    await chat.send("/klien 50%_")  # LIKE wildcards are matched literally
    assert "Tidak ada klien Anda" in chat.text


async def test_officer_cannot_open_another_officers_klien(router, world: World) -> None:
    chat = Chat(router, "2001")
    b1 = world.klien_b[0]
    await chat.send("/klien Joko")
    assert "Tidak ada klien Anda" in chat.text
    await chat.send(f"/klien {world.register_nos[b1]}")
    assert "Tidak ada klien Anda" in chat.text
    await chat.send(choice=action_choice("klien", b1, "x").id)
    assert chat.text == "Klien itu tidak ada dalam daftar Anda."
    await chat.send(choice="a:klien:not-a-number")
    assert "tidak tersedia" in chat.text
    assert world.names[b1] not in chat.text
    assert await audit_rows(world, "klien.read") == []


async def test_admin_opens_any_card(router, world: World) -> None:
    chat = Chat(router, "3001")
    b1 = world.klien_b[0]
    await chat.send(choice=f"a:klien:{b1}")
    assert chat.text.startswith(f"Kartu klien: {world.names[b1]}")
    assert "PK: Agus Santoso (PK02)" in chat.text
    assert await audit_rows(world, "klien.read") == [(world.admin, b1)]


async def test_coordinator_keeps_the_list_and_cannot_open_cards(router, world: World) -> None:
    chat = Chat(router, "1001")
    await chat.send("/klien Budi Klien1")
    assert "Kartu klien" not in chat.text
    assert "Klien aktif Anda: 3" in chat.text  # the coordinator's list (handlers/klien_list.py)
    await chat.send(choice=f"a:klien:{world.klien_a[0]}")
    assert chat.text == "Pilihan itu tidak tersedia untuk Anda."
    assert await audit_rows(world, "klien.read") == []


async def test_help_needed_alert_button_opens_the_card(router, world: World) -> None:
    """The `klien` action behind reminder and help_needed buttons is the card, scoped."""
    from handlers.report import render_help_needed
    from storage.outbox import OutboxItem

    a1 = world.klien_a[0]
    item = OutboxItem(
        1,
        "help_needed",
        "report:1",
        "once",
        world.officer_1,
        {
            "klien_id": a1,
            "klien": world.names[a1],
            "category": "dokumen",
            "body": "KTP",
            "author": "Ustadz Ahmad",
        },
        "pending",
        0,
        "",
        "",
        None,
    )
    button = render_help_needed([item], "id").choices[0]
    officer, other = Chat(router, "2001"), Chat(router, "2002")
    await officer.send(choice=button.id)
    assert officer.text.startswith(f"Kartu klien: {world.names[a1]}")
    await other.send(choice=button.id)
    assert other.text == "Klien itu tidak ada dalam daftar Anda."
