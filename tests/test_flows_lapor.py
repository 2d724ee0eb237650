"""/lapor step by step: every edit from the confirm screen, every validation error,
the klien picker's paging and search, follow-ups and the officer alert."""

from __future__ import annotations

import json

import pytest

from handlers.model import Incoming
from handlers.router import Router
from storage import Database
from storage.klien import KlienIn
from tests.conftest import Chat, World
from tests.flowkit import FlowWorld, rows, scalar, seed_flows, state, walk


@pytest.fixture
async def fw(world: World) -> FlowWorld:
    return await seed_flows(world)


async def _report(db: Database) -> dict[str, object]:
    found = await rows(
        db,
        "SELECT klien_id, category, outcome, body, occurred_on, photo_ref, kind, pokmas_id "
        "FROM reports",
    )
    assert len(found) == 1
    keys = ("klien_id", "category", "outcome", "body", "occurred_on", "photo_ref", "kind")
    return dict(zip((*keys, "pokmas_id"), found[0], strict=True))


async def test_complete_with_photo_and_help_needed(router: Router, fw: FlowWorld) -> None:
    world = fw.world
    chat = Chat(router, "1001")
    await walk(chat, fw, "lapor", upto="outcome")
    await chat.tap("Butuh bantuan PK")
    await chat.send("Klien perlu surat pengantar untuk KTP.")
    await chat.send("28/11/2026")
    await chat.send(photo="photo-ref-1")
    assert "Foto: ada" in chat.text
    assert "Tindak lanjut akan dibuka" in chat.text
    outcome = await router.process(
        Incoming("console", "1001", "send-1", choice=chat.choice_id("Kirim"))
    )
    assert outcome.outbox_written  # the sender is woken at once
    texts = "\n".join(r.text for r in outcome.replies)
    assert "tersimpan" in texts and "PK klien sudah diberi tahu" in texts
    report = await _report(world.db)
    assert report == {
        "klien_id": world.klien_a[0],
        "category": "pekerjaan",
        "outcome": "butuh_bantuan",
        "body": "Klien perlu surat pengantar untuk KTP.",
        "occurred_on": "2026-11-28",
        "photo_ref": "photo-ref-1",
        "kind": "progress",
        "pokmas_id": world.pokmas_a,
    }
    alerts = await rows(world.db, "SELECT kind, member_id, payload FROM outbox")
    assert [(k, m) for k, m, _ in alerts] == [("help_needed", world.officer_1)]
    assert json.loads(alerts[0][2])["klien_id"] == world.klien_a[0]
    assert await scalar(world.db, "SELECT count(*) FROM followups WHERE report_id IS NOT NULL") == 1


async def test_selesai_opens_no_followup(router: Router, fw: FlowWorld) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, "lapor")
    assert "Tindak lanjut akan dibuka" not in chat.text
    await chat.tap("Kirim")
    assert await scalar(fw.db, "SELECT count(*) FROM followups WHERE report_id IS NOT NULL") == 0
    assert await scalar(fw.db, "SELECT count(*) FROM outbox") == 0
    assert await scalar(fw.db, "SELECT action FROM audit_log") == "report.create"


# -- edit (Ubah) each field, then back to the confirm screen ------------------------


async def _edit(chat: Chat, field: str) -> None:
    await chat.tap("Ubah")
    assert "Bagian mana yang ingin diubah?" in chat.text
    await chat.tap(field)


async def test_edit_klien(router: Router, fw: FlowWorld) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, "lapor")
    await _edit(chat, "Klien")
    await chat.tap(fw.world.names[fw.world.klien_a[1]])
    assert "Periksa sebelum dikirim" in chat.text
    assert fw.world.names[fw.world.klien_a[1]] in chat.text
    await chat.tap("Kirim")
    assert (await _report(fw.db))["klien_id"] == fw.world.klien_a[1]


@pytest.mark.parametrize(
    ("field", "answer", "column", "stored"),
    [
        ("Kategori", "Kesehatan", "category", "kesehatan"),
        ("Hasil", "Dalam proses", "outcome", "dalam_proses"),
        ("Tanggal kejadian", "Kemarin", "occurred_on", "2026-11-29"),
    ],
)
async def test_edit_a_choice_field(
    router: Router, fw: FlowWorld, field: str, answer: str, column: str, stored: str
) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, "lapor")
    await _edit(chat, field)
    await chat.tap(answer)
    assert "Periksa sebelum dikirim" in chat.text
    await chat.tap("Kirim")
    assert (await _report(fw.db))[column] == stored


async def test_edit_body(router: Router, fw: FlowWorld) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, "lapor")
    await _edit(chat, "Keterangan")
    await chat.send("Sudah diterima kerja tetap di bengkel.")
    assert "Sudah diterima kerja tetap" in chat.text
    await chat.tap("Kirim")
    assert (await _report(fw.db))["body"] == "Sudah diterima kerja tetap di bengkel."


async def test_edit_photo(router: Router, fw: FlowWorld) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, "lapor")
    await _edit(chat, "Foto")
    await chat.send(photo="photo-2")
    assert "Foto: ada" in chat.text
    await chat.tap("Kirim")
    assert (await _report(fw.db))["photo_ref"] == "photo-2"


async def test_back_from_the_edit_menu_returns_to_confirm(router: Router, fw: FlowWorld) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, "lapor")
    await chat.tap("Ubah")
    await chat.send("/kembali")
    assert "Periksa sebelum dikirim" in chat.text


async def test_cancel_from_the_confirm_screen_button(router: Router, fw: FlowWorld) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, "lapor")
    await chat.tap("Batal")
    assert "Dibatalkan" in chat.text
    assert await scalar(fw.db, "SELECT count(*) FROM reports") == 0


# -- validation errors ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("terlalu", "Terlalu pendek (7 karakter). Tulis minimal 10"),
        ("x" * 2001, "Terlalu panjang (2001 karakter). Maksimal 2000"),
        ("          ", "Kirim jawaban berupa teks"),
    ],
)
async def test_body_length(router: Router, fw: FlowWorld, text: str, message: str) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, "lapor", upto="body")
    await chat.send(text)
    assert message in chat.text
    assert await state(fw.db, fw.world.coord_a) == ("lapor", "body")


async def test_body_photo_is_not_text(router: Router, fw: FlowWorld) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, "lapor", upto="body")
    await chat.send(photo="p")
    assert "Terlalu pendek" in chat.text
    assert await state(fw.db, fw.world.coord_a) == ("lapor", "body")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("01/12/2026", "masih di masa depan"),
        ("31/08/2026", "sebelum klien ditempatkan (01/09/2026)"),
        ("31/02/2026", "Tanggal tidak dikenali"),
        ("kapan-kapan", "Tanggal tidak dikenali"),
        ("3", "Tanggal tidak dikenali"),  # a number, but only 2 options
    ],
)
async def test_date_errors(router: Router, fw: FlowWorld, text: str, message: str) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, "lapor", upto="occurred_on")
    await chat.send(text)
    assert message in chat.text
    assert await state(fw.db, fw.world.coord_a) == ("lapor", "occurred_on")


@pytest.mark.parametrize("text", ["01/09/2026", "1-9-26", "2026-09-01", "kemarin", "hari ini"])
async def test_date_forms_accepted(router: Router, fw: FlowWorld, text: str) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, "lapor", upto="occurred_on")
    await chat.send(text)
    assert "Kirim foto" in chat.text


async def test_photo_step_wants_a_photo_or_skip(router: Router, fw: FlowWorld) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, "lapor", upto="photo")
    await chat.send("ini fotonya")
    assert "Pilih salah satu pilihan" in chat.text
    assert await state(fw.db, fw.world.coord_a) == ("lapor", "photo")


# -- the klien picker ---------------------------------------------------------------


async def _many_klien(world: World, n: int) -> None:
    async with world.db.transaction() as tx:
        for i in range(n):
            await tx.klien.upsert(
                KlienIn(
                    f"CB-{i:04d}/2026",
                    f"Anton Banyak{i:02d}",
                    "CB",
                    "2026-09-01",
                    "2027-09-01",
                    world.officer_1,
                    world.pokmas_a,
                ),
                "2026-11-30T03:00:00Z",
                changed_by="test",
            )


async def test_picker_pages_and_search(router: Router, fw: FlowWorld) -> None:
    world = fw.world
    await _many_klien(world, 20)  # 3 + 1 + 20 = 24 klien in Pokmas A: 3 pages of 8
    chat = Chat(router, "1001")
    await chat.send("/lapor")
    assert "halaman 1 dari 3, 24 klien" in chat.text
    assert len(chat.choices()) == 9  # 8 klien + Berikutnya
    await chat.tap("Berikutnya")
    assert "halaman 2 dari 3" in chat.text
    await chat.tap("Sebelumnya")
    assert "halaman 1 dari 3" in chat.text
    await chat.send("banyak1")  # part of a name
    assert "Hasil untuk \u201cbanyak1\u201d: 10" in chat.text
    await chat.send("zzz")
    assert "Tidak ada klien yang cocok" in chat.text
    assert "halaman 1 dari 3" in chat.text  # the full list again
    await chat.send("x")
    assert "Ketik 2 sampai 60 huruf" in chat.text
    await chat.send(world.names[world.klien_b[0]])  # another Pokmas' klien by name
    assert "Tidak ada klien yang cocok" in chat.text
    await chat.send(world.register_nos[world.klien_b[0]])  # or by register number
    assert "Tidak ada klien yang cocok" in chat.text


async def test_picker_only_active_klien(router: Router, fw: FlowWorld) -> None:
    world = fw.world
    async with world.db.transaction() as tx:
        await tx.klien.set_status(world.klien_a[0], "selesai", "2026-11-30T03:00:00Z")
    chat = Chat(router, "1001")
    await chat.send("/lapor")
    labels = [c.label for c in chat.choices()]
    assert world.names[world.klien_a[0]] not in labels
    assert world.names[world.klien_a[1]] in labels
