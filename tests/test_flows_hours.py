"""/jam: community-service hours, only for kerja_sosial klien, within the day and the order."""

from __future__ import annotations

import pytest

from handlers.hours import hours_text, parse_hours
from handlers.router import Router
from storage import Database
from tests.conftest import Chat, World
from tests.flowkit import FlowWorld, rows, scalar, seed_flows, seq_of, snapshot, state, walk


@pytest.fixture
async def fw(world: World) -> FlowWorld:
    return await seed_flows(world)


async def _log(db: Database, klien_id: int, day: str, hours: float) -> None:
    async with db.transaction() as tx:
        await tx.hours.add(
            klien_id=klien_id, on_date=day, hours=hours, logged_by=1, now="2026-11-01T00:00:00Z"
        )


async def test_complete_shows_total_against_the_order(router: Router, fw: FlowWorld) -> None:
    for day in ("2026-11-20", "2026-11-21", "2026-11-22"):
        await _log(fw.db, fw.ks_a, day, 10)
    chat = Chat(router, "1001")
    await walk(chat, fw, "jam")
    assert "Jam: 2,5" in chat.text
    assert "Setelah dicatat: 32,5 dari 120 jam" in chat.text
    await chat.tap("Kirim")
    assert "Total: 32,5 dari 120 jam" in chat.text
    assert await rows(
        fw.db, "SELECT klien_id, on_date, hours, logged_by FROM service_hours WHERE id = 4"
    ) == [(fw.ks_a, "2026-11-30", 2.5, fw.world.coord_a)]
    assert await scalar(fw.db, "SELECT action FROM audit_log") == "hours.log"


async def test_english_uses_a_decimal_point(router: Router, fw: FlowWorld) -> None:
    chat = Chat(router, "1001")
    await chat.send("/bahasa en")
    await chat.send("/jam")
    await chat.tap("Sari Kerja")
    await chat.tap("Today")
    await chat.send("1.5")
    await chat.tap("Send")
    assert "Total: 1.5 of 120 hours" in chat.text


async def test_only_kerja_sosial_klien_are_offered(router: Router, fw: FlowWorld) -> None:
    chat = Chat(router, "1001")
    await chat.send("/jam")
    assert [c.label for c in chat.choices()] == ["Sari Kerja"]
    assert "1 klien" in chat.text
    await chat.send(choice=f"{seq_of(chat)}.k{fw.world.klien_a[0]}")  # PB, same Pokmas
    assert "tidak tersedia untuk Anda" in chat.text
    await chat.send(choice=f"{seq_of(chat)}.k{fw.ks_b}")  # kerja_sosial klien of Pokmas B
    assert "tidak tersedia untuk Anda" in chat.text
    await chat.send("Wati")  # search for Pokmas B's klien by name
    assert "Tidak ada klien yang cocok" in chat.text


async def test_no_kerja_sosial_klien(router: Router, fw: FlowWorld, db: Database) -> None:
    async with db.transaction() as tx:
        await tx.klien.set_status(fw.ks_a, "selesai", "2026-11-30T03:00:00Z")
    chat = Chat(router, "1001")
    await chat.send("/jam")
    assert "Tidak ada klien dengan putusan kerja sosial" in chat.text
    assert await state(db, fw.world.coord_a) is None


async def test_order_complete_is_refused_at_pick(router: Router, fw: FlowWorld) -> None:
    for day in range(1, 11):
        await _log(fw.db, fw.ks_a, f"2026-11-{day:02d}", 12)
    chat = Chat(router, "1001")
    await chat.send("/jam")
    await chat.tap("Sari Kerja")
    assert "sudah lengkap (120 dari 120 jam)" in chat.text
    assert await state(fw.db, fw.world.coord_a) == ("jam", "klien")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2,5", 2.5),
        ("2.5", 2.5),
        ("3", 3.0),
        ("4 jam", 4.0),
        ("0,5", 0.5),
        ("12", 12.0),
        (" 1,25 ", 1.25),
    ],
)
def test_parse_hours(text: str, value: float) -> None:
    assert parse_hours(text) == value


@pytest.mark.parametrize("text", ["dua", "2,5,5", "-1", "1e3", "", "2½", "٢"])
def test_parse_hours_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_hours(text)


def test_hours_text() -> None:
    assert [hours_text("id", v) for v in (120.0, 32.5, 0.25)] == ["120", "32,5", "0,25"]
    assert hours_text("en", 32.5) == "32.5"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0,25", "harus antara 0,5 dan 12"),
        ("12,5", "harus antara 0,5 dan 12"),
        ("0", "harus antara 0,5 dan 12"),
        ("banyak", "Tulis jumlah jam sebagai angka"),
    ],
)
async def test_hours_errors(router: Router, fw: FlowWorld, text: str, message: str) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, "jam", upto="hours")
    await chat.send(text)
    assert message in chat.text
    assert await state(fw.db, fw.world.coord_a) == ("jam", "hours")


async def test_day_total_stays_within_12(router: Router, fw: FlowWorld) -> None:
    await _log(fw.db, fw.ks_a, "2026-11-30", 10)
    chat = Chat(router, "1001")
    await walk(chat, fw, "jam", upto="hours")
    await chat.send("2,5")
    assert "sudah tercatat 10 jam" in chat.text and "paling banyak 2 jam lagi" in chat.text
    await chat.send("2")
    assert "Periksa sebelum dikirim" in chat.text


async def test_full_day_is_refused_at_the_date(router: Router, fw: FlowWorld) -> None:
    await _log(fw.db, fw.ks_a, "2026-11-30", 12)
    chat = Chat(router, "1001")
    await walk(chat, fw, "jam", upto="on_date")
    await chat.tap("Hari ini")
    assert "batas satu hari" in chat.text
    await chat.tap("Kemarin")
    assert "Berapa jam" in chat.text


async def test_order_would_be_exceeded(router: Router, fw: FlowWorld) -> None:
    for day in range(1, 10):
        await _log(fw.db, fw.ks_a, f"2026-11-{day:02d}", 12)
    await _log(fw.db, fw.ks_a, "2026-11-10", 10)  # 118 of 120
    chat = Chat(router, "1001")
    await walk(chat, fw, "jam", upto="hours")
    await chat.send("3")
    assert "sudah 118 dari 120 jam, sisa 2 jam" in chat.text
    await chat.send("2")
    await chat.tap("Kirim")
    assert "Total: 120 dari 120 jam" in chat.text
    assert "sudah lengkap" in chat.text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("01/12/2026", "masih di masa depan"),
        ("31/08/2026", "sebelum klien ditempatkan (01/09/2026)"),
        ("32/11/2026", "Tanggal tidak dikenali"),
    ],
)
async def test_date_errors(router: Router, fw: FlowWorld, text: str, message: str) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, "jam", upto="on_date")
    await chat.send(text)
    assert message in chat.text
    assert await state(fw.db, fw.world.coord_a) == ("jam", "on_date")


async def test_edit_date(router: Router, fw: FlowWorld) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, "jam")
    await chat.tap("Ubah")
    await chat.tap("Tanggal")
    await chat.send("15/11/2026")
    assert "Periksa sebelum dikirim" in chat.text and "15/11/2026" in chat.text
    await chat.tap("Kirim")
    assert await scalar(fw.db, "SELECT on_date FROM service_hours") == "2026-11-15"


async def test_edit_date_to_a_fuller_day_asks_the_hours_again(
    router: Router, fw: FlowWorld
) -> None:
    await _log(fw.db, fw.ks_a, "2026-11-15", 11)
    chat = Chat(router, "1001")
    await walk(chat, fw, "jam")  # 2,5 hours today
    await chat.tap("Ubah")
    await chat.tap("Tanggal")
    await chat.send("15/11/2026")  # 11 + 2,5 > 12: the hours no longer fit
    assert "Berapa jam klien bekerja pada 15/11/2026" in chat.text
    await chat.send("1")
    assert "Periksa sebelum dikirim" in chat.text
    await chat.tap("Kirim")
    assert (
        await scalar(fw.db, "SELECT sum(hours) FROM service_hours WHERE on_date = '2026-11-15'")
        == 12
    )


async def test_edit_hours(router: Router, fw: FlowWorld) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, "jam")
    await chat.tap("Ubah")
    await chat.tap("Jam")
    await chat.send("4")
    assert "Jam: 4" in chat.text
    await chat.tap("Kirim")
    assert await scalar(fw.db, "SELECT hours FROM service_hours") == 4


async def test_edit_klien_asks_date_and_hours_again(
    router: Router, fw: FlowWorld, db: Database
) -> None:
    async with db.transaction() as tx:
        from storage.klien import KlienIn

        await tx.klien.upsert(
            KlienIn(
                "KS-0003/2026",
                "Rudi Kerja",
                "kerja_sosial",
                "2026-11-20",
                "2027-11-20",
                fw.world.officer_1,
                fw.world.pokmas_a,
                service_hours=40,
            ),
            "2026-11-30T03:00:00Z",
            changed_by="test",
        )
    chat = Chat(router, "1001")
    await walk(chat, fw, "jam")
    await chat.tap("Ubah")
    await chat.tap("Klien")
    await chat.tap("Rudi Kerja")
    assert "Tanggal berapa klien bekerja" in chat.text
    await chat.send("19/11/2026")  # before Rudi's placement on 20/11
    assert "sebelum klien ditempatkan (20/11/2026)" in chat.text
    await chat.tap("Kemarin")
    await chat.send("3")
    assert "Setelah dicatat: 3 dari 40 jam" in chat.text
    await chat.tap("Kirim")
    assert await rows(
        db, "SELECT k.name, s.hours FROM service_hours s JOIN klien k ON k.id = s.klien_id"
    ) == [("Rudi Kerja", 3.0)]


async def test_limits_checked_again_when_sent(router: Router, fw: FlowWorld) -> None:
    """Another coordinator logs the same day between the answer and Kirim."""
    chat = Chat(router, "1001")
    await walk(chat, fw, "jam")  # 2,5 today
    await _log(fw.db, fw.ks_a, "2026-11-30", 11)
    before = await snapshot(fw.db)
    await chat.tap("Kirim")
    assert "sudah tercatat 11 jam" in chat.text
    assert await snapshot(fw.db) == before
