"""The streaming XLSX writer: what goes in comes back out of openpyxl, typed."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook

from handlers.xlsx import XlsxWriter, column_letters


def test_column_letters() -> None:
    assert [column_letters(i) for i in (0, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]


def test_round_trip_through_openpyxl(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    moment = datetime(2026, 11, 14, 10, 0, 0)
    rows = [
        ["Budi & <Sons>", 3, 2.5, date(2026, 2, 1), moment, None, True],
        ["  leading spaces", -7, 0.1, date(1999, 12, 31), datetime(2026, 1, 1, 23, 59), "x", False],
        ["baris\nkedua \x01ctl", 10**12, 1e-3, date(2026, 3, 1), datetime(2026, 3, 1), "", None],
    ]
    with XlsxWriter(path, "Laporan: [Nov]") as sheet:
        sheet.header(["Nama", "Angka", "Pecahan", "Tanggal", "Waktu", "Kosong", "Ya"])
        for row in rows:
            sheet.row(row)
        sheet.row([f"c{i}" for i in range(30)])  # past column Z
    book = load_workbook(path)
    ws = book.worksheets[0]
    assert ws.title == "Laporan   Nov "
    assert ws.freeze_panes == "A2"
    values = list(ws.iter_rows(values_only=True))
    assert values[0][:7] == ("Nama", "Angka", "Pecahan", "Tanggal", "Waktu", "Kosong", "Ya")
    assert ws["A1"].font.b
    assert values[1][:7] == ("Budi & <Sons>", 3, 2.5, datetime(2026, 2, 1), moment, None, True)
    assert values[2][0] == "  leading spaces" and values[2][4] == datetime(2026, 1, 1, 23, 59)
    assert values[3][0] == "baris\nkedua ctl" and values[3][1] == 10**12
    assert ws["D2"].is_date and ws["D2"].number_format == "DD/MM/YYYY"
    assert ws["E2"].is_date and ws["E2"].number_format == "DD/MM/YYYY HH:MM"
    assert values[4][29] == "c29" and ws["AD5"].value == "c29"
    book.close()


def test_rows_are_streamed_into_the_zip(tmp_path: Path) -> None:
    path = tmp_path / "big.xlsx"
    with XlsxWriter(path, "S") as sheet:
        for i in range(20_000):
            sheet.row([i, "teks yang sama di setiap baris", date(2026, 1, 1)])
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        info = archive.getinfo("xl/worksheets/sheet1.xml")
        assert info.file_size > 20_000 * 50 and info.compress_size < info.file_size / 5


async def test_csv_export_never_writes_a_formula(db, world, tmp_path: Path) -> None:
    import csv
    from zoneinfo import ZoneInfo

    from handlers.export import write_export
    from storage import Scope
    from storage.reports import ReportIn

    async with db.transaction() as tx:
        await tx.reports.add(
            ReportIn(world.klien_a[0], world.coord_a, world.pokmas_a, "console", "progress",
                     "pekerjaan", '=HYPERLINK("http://x","klik")', "2026-11-30", "selesai"),
            "2026-11-30T03:00:00Z")
    path = tmp_path / "r.csv"
    async with db.read() as tx:
        count = await write_export(tx, "reports", Scope.everything(), path, fmt="csv",
                                   lang="id", tz=ZoneInfo("Asia/Jakarta"))
    assert count == 1
    with path.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    body = rows[1][rows[0].index("Keterangan")]
    assert body == "'=HYPERLINK(\"http://x\",\"klik\")"
