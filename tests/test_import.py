"""CSV/XLSX import: validate everything first, name every bad row, idempotent re-import."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.importer import ImportFailed, parse_date, run_import
from storage import Database, Scope

NOW = "2026-11-30T03:00:00Z"

POKMAS_CSV = """code,name,sector,kabupaten,pks_number,pks_signed,pks_expires,capacity
PWT01,Pesantren Al-Hidayah,pesantren,Banyumas,PKS-001,31/01/2023,31/01/2027,10
PBG01,Bengkel Maju Jaya,Bengkel,purbalingga,PKS-002,2023-01-31,2027-01-31,5
"""
OFFICERS_CSV = """Code,Name,Phone
PK01,Siti Rahayu,0812-1111-2222
PK02,Agus Santoso,
"""
KLIEN_CSV = (
    "register_no,name,program,supervision_start,supervision_end,officer_code,pokmas_code,"
    "checkin_every_days,service_hours\n"
    """PB-001,Budi Santoso,PB,01/02/2026,01/02/2027,PK01,PWT01,30,
KS-002,Joko Susilo,kerja_sosial,2026-03-05,2026-09-05,pk02,pbg01,14,120
"""
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


async def seed_all(db: Database, tmp_path: Path) -> None:
    await run_import(db, "pokmas", write(tmp_path, "p.csv", POKMAS_CSV), NOW)
    await run_import(db, "officers", write(tmp_path, "o.csv", OFFICERS_CSV), NOW)
    await run_import(db, "klien", write(tmp_path, "k.csv", KLIEN_CSV), NOW)


async def count(db: Database, table: str) -> int:
    async with db.read() as tx:
        return int(await tx.klien._scalar(f"SELECT count(*) FROM {table}"))


def test_dates_are_day_first() -> None:
    assert parse_date("03/04/2026") == date(2026, 4, 3)  # 3 April, never 4 March
    assert parse_date("2026-04-03") == date(2026, 4, 3)
    assert parse_date("3/4/2026") == date(2026, 4, 3)
    for bad in ("13/13/2026", "31/02/2026", "2026/04/03", "04-03-2026x", ""):
        with pytest.raises(ValueError):
            parse_date(bad)


async def test_import_all_kinds(db: Database, tmp_path: Path) -> None:
    await seed_all(db, tmp_path)
    async with db.read() as tx:
        pokmas = await tx.pokmas.by_code("PWT01")
        assert pokmas is not None and pokmas.pks_signed == "2023-01-31"
        pbg = await tx.pokmas.by_code("PBG01")
        assert pbg is not None and pbg.sector == "bengkel" and pbg.kabupaten == "Purbalingga"
        officer = await tx.members.by_officer_code("PK01")
        assert officer is not None and officer.phone == "6281211112222"
        klien = await tx.klien.by_register_no("KS-002", Scope.everything())
        assert klien is not None
        assert klien.supervision_start == "2026-03-05" and klien.service_hours == 120
        assert klien.pokmas_id == pbg.id and klien.checkin_every_days == 14
        budi = await tx.klien.by_register_no("PB-001", Scope.everything())
        assert budi is not None and budi.supervision_start == "2026-02-01"


async def test_reimport_is_idempotent(db: Database, tmp_path: Path) -> None:
    await seed_all(db, tmp_path)
    again = await run_import(db, "klien", tmp_path / "k.csv", NOW)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert await count(db, "klien") == 2
    changed = KLIEN_CSV.replace("Budi Santoso", "Budi Santoso Putra")
    result = await run_import(db, "klien", write(tmp_path, "k2.csv", changed), NOW)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert await count(db, "klien") == 2
    pokmas_again = await run_import(db, "pokmas", tmp_path / "p.csv", NOW)
    assert (pokmas_again.created, pokmas_again.updated, pokmas_again.unchanged) == (0, 0, 2)
    officers_again = await run_import(db, "officers", tmp_path / "o.csv", NOW)
    assert officers_again.unchanged == 2


async def test_bad_rows_write_nothing_and_are_all_named(db: Database, tmp_path: Path) -> None:
    await run_import(db, "pokmas", write(tmp_path, "p.csv", POKMAS_CSV), NOW)
    await run_import(db, "officers", write(tmp_path, "o.csv", OFFICERS_CSV), NOW)
    bad = write(tmp_path, "bad.csv", KLIEN_CSV + (
        "PB-003,Ani,XX,01/02/2026,01/02/2027,PK01,PWT01,,\n"          # row 4: program
        "PB-004,Dedi,PB,31/02/2026,01/02/2027,PK09,PWT01,,\n"         # row 5: date, officer
        "PB-001,Dup,PB,01/02/2026,01/01/2026,PK01,NOPE,0,\n"  # row 6: dup, end, pokmas, days
        "KS-005,Eko,kerja_sosial,01/02/2026,01/02/2027,PK01,PWT01,,\n"  # row 7: hours needed
    ))
    with pytest.raises(ImportFailed) as caught:
        await run_import(db, "klien", bad, NOW)
    errors = caught.value.errors
    text = "\n".join(errors)
    assert f"{bad}:4: program:" in text
    assert f"{bad}:5: supervision_start:" in text and f"{bad}:5: officer_code:" in text
    assert f"{bad}:6: register_no: duplicate of row 2" in text
    assert f"{bad}:6: pokmas_code:" in text and f"{bad}:6: checkin_every_days:" in text
    assert f"{bad}:7: service_hours:" in text
    assert all(line.startswith(f"{bad}:") for line in errors)
    assert await count(db, "klien") == 0  # the two good rows were not written either


async def test_header_problems(db: Database, tmp_path: Path) -> None:
    bad = write(tmp_path, "h.csv", "code,nama,sector\nX,Y,jasa\n")
    with pytest.raises(ImportFailed) as caught:
        await run_import(db, "pokmas", bad, NOW)
    text = "\n".join(caught.value.errors)
    assert f"{bad}:1: name: missing column" in text
    assert f"{bad}:1: kabupaten: missing column" in text
    assert f"{bad}:1: nama: unknown column" in text


async def test_xlsx_with_real_dates(db: Database, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["CODE", "Name", "Sector", "Kabupaten", "pks_signed", "pks_expires"])
    sheet.append(["KBM01", "Ternak Lele", "peternakan", "Kebumen", date(2023, 1, 31),
                  "28/02/2027"])
    path = tmp_path / "p.xlsx"
    book.save(path)
    result = await run_import(db, "pokmas", path, NOW)
    assert result.created == 1
    async with db.read() as tx:
        pokmas = await tx.pokmas.by_code("KBM01")
    assert pokmas is not None
    assert (pokmas.pks_signed, pokmas.pks_expires) == ("2023-01-31", "2027-02-28")


async def test_semicolon_csv_from_excel(db: Database, tmp_path: Path) -> None:
    text = POKMAS_CSV.replace(",", ";")
    result = await run_import(db, "pokmas", write(tmp_path, "semi.csv", "\ufeff" + text), NOW)
    assert result.created == 2
