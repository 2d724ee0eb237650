"""/tindaklanjut: list my open follow-ups, close one with a note or move its date."""

from __future__ import annotations

import pytest

from handlers.router import Router
from tests.conftest import Chat, World
from tests.flowkit import FlowWorld, rows, scalar, seed_flows, seq_of, snapshot, state, walk


@pytest.fixture
async def fw(world: World) -> FlowWorld:
    return await seed_flows(world)


async def _followup(fw: FlowWorld, followup_id: int) -> tuple[object, ...]:
    [row] = await rows(
        fw.db,
        "SELECT status, due_on, close_note, closed_by, closed_at FROM followups WHERE id = ?",
        (followup_id,),
    )
    return row


async def test_close_with_a_note(router: Router, fw: FlowWorld) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, "tindaklanjut")
    assert "Tindakan: Selesai" in chat.text and "KTP sudah jadi." in chat.text
    await chat.tap("Kirim")
    assert "Tindak lanjut untuk Budi Klien1 ditutup" in chat.text
    assert await _followup(fw, fw.fu_a[0]) == (
        "done",
        "2026-12-03",
        "KTP sudah jadi.",
        fw.world.coord_a,
        "2026-11-30T03:00:00Z",
    )
    assert await rows(fw.db, "SELECT action, klien_id, member_id FROM audit_log") == [
        ("followup.close", fw.world.klien_a[0], fw.world.coord_a)
    ]


async def test_move_the_due_date(router: Router, fw: FlowWorld) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, "tindaklanjut", upto="action")
    await chat.tap("Ubah tanggal")
    assert "Jatuh tempo baru?" in chat.text
    await chat.tap("2 minggu lagi")
    assert "03/12/2026 \u2192 14/12/2026" in chat.text
    await chat.tap("Kirim")
    assert "dipindah ke 14/12/2026" in chat.text
    assert (await _followup(fw, fw.fu_a[0]))[:2] == ("open", "2026-12-14")
    assert await scalar(fw.db, "SELECT action FROM audit_log") == "followup.move"


async def test_the_list_is_scoped(router: Router, fw: FlowWorld) -> None:
    world = fw.world
    coordinator = Chat(router, "1001")
    await coordinator.send("/tindaklanjut")
    assert [c.label for c in coordinator.choices()] == ["Budi Klien1: Urus KTP 1"]
    assert "jatuh tempo 03/12/2026" in (coordinator.choices()[0].description or "")
    officer_2 = Chat(router, "2002")  # officer of Pokmas B's klien
    await officer_2.send("/tindaklanjut")
    assert [c.label for c in officer_2.choices()] == [f"{world.names[world.klien_b[0]]}: Urus SIM"]
    await officer_2.tap("Urus SIM")
    await officer_2.tap("Selesai")
    await officer_2.send("SIM sudah diurus.")
    await officer_2.tap("Kirim")
    assert (await _followup(fw, fw.fu_b[0]))[0] == "done"


async def test_forged_token_for_another_pokmas_followup(router: Router, fw: FlowWorld) -> None:
    chat = Chat(router, "1001")
    await chat.send("/tindaklanjut")
    before = await snapshot(fw.db)
    await chat.send(choice=f"{seq_of(chat)}.f{fw.fu_b[0]}")
    assert "tidak tersedia untuk Anda" in chat.text
    assert "Urus SIM" not in chat.text
    assert await state(fw.db, fw.world.coord_a) == ("tindaklanjut", "followup")
    assert await snapshot(fw.db) == before


async def test_nothing_open(router: Router, fw: FlowWorld) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, "tindaklanjut")
    await chat.tap("Kirim")
    await chat.send("/lapor")  # an unfinished draft ...
    await chat.send("/tindaklanjut")
    assert "Tidak ada tindak lanjut yang terbuka" in chat.text
    assert await state(fw.db, fw.world.coord_a) == ("lapor", "klien")  # ... is kept


async def test_paging(router: Router, world: World) -> None:
    fw = await seed_flows(world, followups_a=11)
    chat = Chat(router, "1001")
    await chat.send("/tindaklanjut")
    assert "Tindak lanjut terbuka (11), halaman 1 dari 2" in chat.text
    await chat.tap("Berikutnya")
    assert "halaman 2 dari 2" in chat.text
    labels = [c.label for c in chat.choices()]
    assert labels[:3] == [
        f"{world.names[world.klien_a[i % 3]]}: Urus KTP {i + 1}" for i in range(8, 11)
    ]
    await chat.tap("Urus KTP 10")
    assert "Urus KTP 10" in chat.text and "Apa yang ingin dilakukan" in chat.text
    assert fw.fu_a


async def test_closed_meanwhile(router: Router, fw: FlowWorld) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, "tindaklanjut")
    async with fw.db.transaction() as tx:
        await tx.followups.close(fw.fu_a[0], fw.world.officer_1, "oleh PK", "2026-11-30T03:00:00Z")
    await chat.tap("Kirim")
    assert "sudah ditutup atau dipindah orang lain" in chat.text
    assert (await _followup(fw, fw.fu_a[0]))[2] == "oleh PK"
    assert await state(fw.db, fw.world.coord_a) is None


async def test_moved_to_another_pokmas_meanwhile(router: Router, fw: FlowWorld) -> None:
    world = fw.world
    chat = Chat(router, "1001")
    await walk(chat, fw, "tindaklanjut")
    async with fw.db.transaction() as tx:
        await tx.klien.reassign(
            world.klien_a[0],
            officer_id=world.officer_2,
            pokmas_id=world.pokmas_b,
            on="2026-11-30",
            changed_by="test",
            now="2026-11-30T03:00:00Z",
        )
    await chat.tap("Kirim")
    assert "sudah ditutup atau dipindah orang lain" in chat.text
    assert (await _followup(fw, fw.fu_a[0]))[0] == "open"


# -- edits --------------------------------------------------------------------------


async def test_edit_followup(router: Router, world: World) -> None:
    fw = await seed_flows(world, followups_a=2)
    chat = Chat(router, "1001")
    await walk(chat, fw, "tindaklanjut")
    await chat.tap("Ubah")
    await chat.tap("Tindak lanjut")
    await chat.tap("Urus KTP 2")
    assert "Periksa sebelum dikirim" in chat.text and "Urus KTP 2" in chat.text
    await chat.tap("Kirim")
    assert (await _followup(fw, fw.fu_a[1]))[0] == "done"
    assert (await _followup(fw, fw.fu_a[0]))[0] == "open"


async def test_edit_action_from_done_to_move_asks_the_date(router: Router, fw: FlowWorld) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, "tindaklanjut")
    await chat.tap("Ubah")
    await chat.tap("Tindakan")
    await chat.tap("Ubah tanggal")
    assert "Jatuh tempo baru?" in chat.text  # the note does not fit a move
    await chat.send("24/12/2026")
    assert "Periksa sebelum dikirim" in chat.text and "24/12/2026" in chat.text
    await chat.tap("Kirim")
    assert (await _followup(fw, fw.fu_a[0]))[:3] == ("open", "2026-12-24", None)


async def test_edit_action_unchanged_keeps_the_note(router: Router, fw: FlowWorld) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, "tindaklanjut")
    await chat.tap("Ubah")
    await chat.tap("Tindakan")
    await chat.tap("Selesai")
    assert "Periksa sebelum dikirim" in chat.text and "KTP sudah jadi." in chat.text


async def test_edit_detail(router: Router, fw: FlowWorld) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, "tindaklanjut")
    await chat.tap("Ubah")
    await chat.tap("Catatan / tanggal baru")
    await chat.send("KTP diambil di Disdukcapil.")
    await chat.tap("Kirim")
    assert (await _followup(fw, fw.fu_a[0]))[2] == "KTP diambil di Disdukcapil."


# -- validation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [("ok", "Terlalu pendek (2 karakter). Tulis minimal 3"), ("n" * 501, "Maksimal 500")],
)
async def test_note_length(router: Router, fw: FlowWorld, text: str, message: str) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, "tindaklanjut", upto="detail")
    await chat.send(text)
    assert message in chat.text
    assert await state(fw.db, fw.world.coord_a) == ("tindaklanjut", "detail")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("29/11/2026", "Tanggal itu sudah lewat"),
        ("01/12/2027", "terlalu jauh; paling lambat 30/11/2027"),
        ("besok lusa", "Tanggal tidak dikenali"),
    ],
)
async def test_due_date_errors(router: Router, fw: FlowWorld, text: str, message: str) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, "tindaklanjut", upto="action")
    await chat.tap("Ubah tanggal")
    await chat.send(text)
    assert message in chat.text
    assert await state(fw.db, fw.world.coord_a) == ("tindaklanjut", "detail")


async def test_today_is_a_valid_due_date(router: Router, fw: FlowWorld) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, "tindaklanjut", upto="action")
    await chat.tap("Ubah tanggal")
    await chat.send("hari ini")
    assert "Periksa sebelum dikirim" in chat.text


async def test_action_must_be_an_option(router: Router, fw: FlowWorld) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, "tindaklanjut", upto="action")
    await chat.send("tutup saja")
    assert "Pilih salah satu pilihan" in chat.text
