"""/ekspor: an officer's XLSX of their klien's reports in a period."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

from openpyxl import load_workbook

from handlers.officer_export import XLSX_MIME
from tests.conftest import Chat, World
from tests.seed_activity import audit_rows, seed_activity

HEADER = [
    "Waktu laporan",
    "Tanggal kejadian",
    "No. register",
    "Nama klien",
    "Program",
    "Kode Pokmas",
    "Pokmas",
    "Kode PK",
    "Kategori",
    "Hasil",
    "Jenis",
    "Keterangan",
    "Pelapor",
    "Saluran",
]


def sheet_rows(data: bytes) -> tuple[list[list[object]], list[list[str]]]:
    """Open the XLSX with openpyxl; return every row's values and number formats."""
    book = load_workbook(io.BytesIO(data))
    try:
        sheet = book.worksheets[0]
        values = [[c.value for c in row] for row in sheet.iter_rows()]
        formats = [[c.number_format for c in row] for row in sheet.iter_rows()]
    finally:
        book.close()
    return values, formats


async def test_default_is_this_month_with_real_dates(router, world: World) -> None:
    act = await seed_activity(world)
    chat = Chat(router, "2001")
    replies = await chat.send("/ekspor")
    assert len(replies) == 1
    reply = replies[0]
    assert reply.text == "Laporan klien Anda dari 01/11/2026 sampai 30/11/2026: 7 baris."
    attachment = reply.attachment
    assert attachment is not None
    assert attachment.kind == "document" and attachment.mime == XLSX_MIME
    assert attachment.filename == "laporan-PK01-2026-11-01-2026-11-30.xlsx"
    rows, formats = sheet_rows(attachment.data)
    assert rows[0] == HEADER
    body = rows[1:]
    assert len(body) == 7  # one row per report: A1's 5 and its incident, A2's one
    assert len(body) == act.count_reports(world.klien_a) - 2  # the 40 and 70 day old ones
    for row, fmt in zip(body, formats[1:], strict=True):
        assert isinstance(row[0], datetime) and fmt[0] == "DD/MM/YYYY HH:MM"
        assert isinstance(row[1], datetime) and fmt[1] == "DD/MM/YYYY"  # a date cell
        assert row[2] in (world.register_nos[k] for k in world.klien_a)
        assert row[7] == "PK01"
    first, last = body[0], body[-1]
    assert first[1] == datetime(2026, 11, 14) and first[3] == "Budi Klien2"  # oldest first
    assert first[8] == "Dokumen (SIM/KTP/KK/BPJS)" and first[9] == "Dalam proses"
    assert last[0] == datetime(2026, 11, 30, 5, 0)  # local time of the incident
    assert last[8] == "Insiden/pelanggaran" and last[9] is None and last[10] == "incident"
    assert last[12] == "Ustadz Ahmad"
    assert [r[8] for r in body].count("Pekerjaan") == 2
    assert await audit_rows(world, "export.reports") == [(world.officer_1, None)]


async def test_explicit_range_in_both_date_forms(router, world: World) -> None:
    await seed_activity(world)
    chat = Chat(router, "2001")
    await chat.send("/ekspor 01/10/2026 31/10/2026")
    assert "dari 01/10/2026 sampai 31/10/2026: 1 baris" in chat.text
    rows, _ = sheet_rows(chat.last[0].attachment.data)  # type: ignore[union-attr]
    assert len(rows) == 2 and rows[1][1] == datetime(2026, 10, 21)
    assert rows[1][8] == "Bimbingan kepribadian/keagamaan"
    await chat.send("/ekspor 2026-09-01")
    assert "dari 01/09/2026 sampai 30/11/2026: 9 baris" in chat.text


async def test_one_day_includes_the_whole_local_day(router, world: World) -> None:
    await seed_activity(world)
    chat = Chat(router, "2001")
    await chat.send("/ekspor 30/11/2026 30/11/2026")  # the incident at 05:00 local
    assert ": 1 baris" in chat.text
    await chat.send("/ekspor 29/11/2026 29/11/2026")  # 10:00 local, i.e. 03:00 UTC
    assert ": 1 baris" in chat.text


async def test_bad_input_and_empty_period(router, world: World) -> None:
    await seed_activity(world)
    chat = Chat(router, "2001")
    await chat.send("/ekspor kemarinlusa")
    assert "Tanggal \u201ckemarinlusa\u201d tidak dikenali" in chat.text
    await chat.send("/ekspor 31/02/2026")
    assert "tidak dikenali" in chat.text
    await chat.send("/ekspor 30/11/2026 01/11/2026")
    assert chat.text == "Tanggal awal (30/11/2026) sesudah tanggal akhir (01/11/2026)."
    await chat.send("/ekspor 01/01/2024 31/12/2025")
    assert "paling panjang 366 hari" in chat.text
    await chat.send("/ekspor 1 2 3")
    assert chat.text.startswith("Pakai: /ekspor")
    await chat.send("/ekspor 01/01/2026 31/01/2026")
    assert chat.text == "Tidak ada laporan klien Anda dari 01/01/2026 sampai 31/01/2026."
    assert chat.last[0].attachment is None
    assert len(await audit_rows(world, "export.reports")) == 1  # the empty one is audited too


async def test_export_holds_only_the_officers_own_klien(router, world: World) -> None:
    await seed_activity(world)
    chat = Chat(router, "2002")
    await chat.send("/ekspor")
    assert ": 3 baris" in chat.text  # B1's work report and incident, B2's report
    data = chat.last[0].attachment.data  # type: ignore[union-attr]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = b"".join(archive.read(name) for name in archive.namelist()).decode()
    for klien_id in world.klien_a:
        assert world.names[klien_id] not in xml
        assert world.register_nos[klien_id] not in xml
    assert world.names[world.klien_b[0]] in xml


async def test_only_officers_export_in_chat(router, world: World) -> None:
    for sender in ("1001", "3001", "4001"):
        chat = Chat(router, sender)
        await chat.send("/ekspor")
        assert "tidak tersedia untuk peran Anda" in chat.text
        assert chat.last[0].attachment is None


def test_parse_range_defaults() -> None:
    from handlers.officer_export import parse_range

    today = date(2026, 11, 30)
    assert parse_range([], today) == (date(2026, 11, 1), today)
    assert parse_range(["5/11/2026"], today) == (date(2026, 11, 5), today)
    assert parse_range(["2026-10-01", "2026-10-31"], today) == (
        date(2026, 10, 1),
        date(2026, 10, 31),
    )
