"""Import Pokmas, officers and klien from CSV or XLSX: validate everything, then write.

Every row is checked before anything is written. Any error -> every bad row is
reported as `FILE:ROW: column: reason` and nothing is imported.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from storage import Database
from storage.enums import PROGRAMS, SECTORS
from storage.klien import KlienIn
from storage.pokmas import PokmasIn

COLUMNS: dict[str, tuple[str, ...]] = {
    "pokmas": (
        "code",
        "name",
        "sector",
        "kabupaten",
        "pks_number",
        "pks_signed",
        "pks_expires",
        "capacity",
    ),
    "officers": ("code", "name", "phone"),
    "klien": (
        "register_no",
        "name",
        "program",
        "supervision_start",
        "supervision_end",
        "officer_code",
        "pokmas_code",
        "checkin_every_days",
        "service_hours",
    ),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "pokmas": ("code", "name", "sector", "kabupaten"),
    "officers": ("code", "name"),
    "klien": ("register_no", "name", "program", "supervision_start", "supervision_end"),
}


class ImportFailed(Exception):
    """The file has errors; `errors` lists every one as FILE:ROW: column: reason."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ImportResult:
    """What an import did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def summary(self, kind: str) -> str:
        """Return the one-line summary."""
        return f"{kind}: {self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@dataclass
class _Row:
    number: int
    cells: dict[str, str]
    errors: list[str] = field(default_factory=list)


def parse_date(text: str) -> date:
    """Parse YYYY-MM-DD or DD/MM/YYYY (day first, never month first)."""
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date.fromisoformat(text)
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return date(year, month, day)
    raise ValueError(f"expected YYYY-MM-DD or DD/MM/YYYY, got {text!r}")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (row number, {lower-case header: cell text}) from a CSV or XLSX file."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            rows = sheet.iter_rows(values_only=True)
            header = [_cell_text(h).lower() for h in next(rows, ())]
            for number, values in enumerate(rows, start=2):
                cells = {h: _cell_text(v) for h, v in zip(header, values, strict=False) if h}
                if any(cells.values()):
                    yield number, cells
        finally:
            book.close()
        return
    if suffix not in (".csv", ".txt"):
        raise ImportFailed([f"{path}: unsupported file type {suffix!r} (use .csv or .xlsx)"])
    with path.open(newline="", encoding="utf-8-sig") as handle:
        sample = handle.read(4096)
        handle.seek(0)
        try:
            dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(handle, dialect)
        header = [h.strip().lower() for h in next(reader, [])]
        for number, values in enumerate(reader, start=2):
            cells = {h: v.strip() for h, v in zip(header, values, strict=False) if h}
            if any(cells.values()):
                yield number, cells


def _header_errors(path: Path, kind: str, header: set[str]) -> list[str]:
    missing = [c for c in REQUIRED[kind] if c not in header]
    unknown = sorted(header - set(COLUMNS[kind]))
    errors = [f"{path}:1: {c}: missing column" for c in missing]
    errors += [
        f"{path}:1: {c}: unknown column (expected {', '.join(COLUMNS[kind])})" for c in unknown
    ]
    return errors


def _field(row: _Row, column: str, convert: Callable[[str], Any], *, required: bool) -> Any:
    """Convert one cell, recording 'column: reason' on the row when it is bad."""
    text = row.cells.get(column, "").strip()
    if not text:
        if required:
            row.errors.append(f"{column}: required")
        return None
    try:
        return convert(text)
    except (ValueError, KeyError) as exc:
        reason = exc.args[0] if exc.args else "invalid value"
        row.errors.append(f"{column}: {reason}")
        return None


def _choice(options: tuple[str, ...]) -> Callable[[str], str]:
    by_key = {o.lower().replace(" ", "_"): o for o in options}

    def convert(text: str) -> str:
        key = text.strip().lower().replace(" ", "_")
        if key not in by_key:
            raise ValueError(f"{text!r} is not one of {', '.join(options)}")
        return by_key[key]

    return convert


def _positive_int(text: str) -> int:
    if not re.fullmatch(r"\d+", text):
        raise ValueError(f"expected a whole number, got {text!r}")
    value = int(text)
    if value <= 0:
        raise ValueError("must be greater than 0")
    return value


def _hours(text: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise ValueError(f"expected a number of hours, got {text!r}") from None
    if not 0 <= value <= 240 * 10:
        raise ValueError(f"out of range: {value}")
    return value


def _iso_date(text: str) -> str:
    return parse_date(text).isoformat()


def _phone(text: str) -> str:
    digits = re.sub(r"[\s\-().]", "", text)
    if not re.fullmatch(r"\+?\d{8,15}", digits):
        raise ValueError(f"expected a phone number, got {text!r}")
    if digits.startswith("0"):
        digits = "62" + digits[1:]  # Indonesian national form to international
    return digits.lstrip("+")


def _load(path: Path, kind: str) -> list[_Row]:
    """Read all rows and check the header; raise ImportFailed for file-level problems."""
    if not path.is_file():
        raise ImportFailed([f"{path}: no such file"])
    rows: list[_Row] = []
    header_checked = False
    try:
        for number, cells in read_rows(path):
            if not header_checked:
                errors = _header_errors(path, kind, set(cells))
                if errors:
                    raise ImportFailed(errors)
                header_checked = True
            rows.append(_Row(number, cells))
    except UnicodeDecodeError:
        raise ImportFailed([f"{path}: not UTF-8 text; save the CSV as UTF-8"]) from None
    if not rows:
        raise ImportFailed([f"{path}: no data rows"])
    return rows


def _duplicates(rows: list[_Row], column: str) -> None:
    seen: dict[str, int] = {}
    for row in rows:
        key = row.cells.get(column, "").strip().upper()
        if not key:
            continue
        if key in seen:
            row.errors.append(f"{column}: duplicate of row {seen[key]}")
        else:
            seen[key] = row.number


def _raise_if_errors(path: Path, rows: list[_Row]) -> None:
    errors = [f"{path}:{row.number}: {e}" for row in rows for e in row.errors]
    if errors:
        raise ImportFailed(errors)


def validate_pokmas(path: Path) -> list[PokmasIn]:
    """Read and validate a Pokmas file."""
    rows = _load(path, "pokmas")
    _duplicates(rows, "code")
    items = []
    for row in rows:
        code = _field(row, "code", str.upper, required=True)
        name = _field(row, "name", str, required=True)
        sector = _field(row, "sector", _choice(SECTORS), required=True)
        kabupaten = _field(row, "kabupaten", str.title, required=True)
        signed = _field(row, "pks_signed", _iso_date, required=False)
        expires = _field(row, "pks_expires", _iso_date, required=False)
        capacity = _field(row, "capacity", _positive_int, required=False)
        if signed and expires and expires < signed:
            row.errors.append("pks_expires: before pks_signed")
        if not row.errors:
            items.append(
                PokmasIn(
                    code=code,
                    name=name,
                    sector=sector,
                    kabupaten=kabupaten,
                    pks_number=row.cells.get("pks_number") or None,
                    pks_signed=signed,
                    pks_expires=expires,
                    capacity=capacity,
                )
            )
    _raise_if_errors(path, rows)
    return items


@dataclass(frozen=True)
class OfficerIn:
    """An officer as imported."""

    code: str
    name: str
    phone: str | None


def validate_officers(path: Path) -> list[OfficerIn]:
    """Read and validate an officers file."""
    rows = _load(path, "officers")
    _duplicates(rows, "code")
    items = []
    for row in rows:
        code = _field(row, "code", str.upper, required=True)
        name = _field(row, "name", str, required=True)
        phone = _field(row, "phone", _phone, required=False)
        if not row.errors:
            items.append(OfficerIn(code, name, phone))
    _raise_if_errors(path, rows)
    return items


def validate_klien(
    path: Path, officer_ids: dict[str, int], pokmas_ids: dict[str, int]
) -> list[KlienIn]:
    """Read and validate a klien file against the known officers and Pokmas."""
    rows = _load(path, "klien")
    _duplicates(rows, "register_no")

    def officer(text: str) -> int:
        if text.upper() not in officer_ids:
            raise ValueError(f"unknown officer code {text!r} (import officers first)")
        return officer_ids[text.upper()]

    def pokmas(text: str) -> int:
        if text.upper() not in pokmas_ids:
            raise ValueError(f"unknown Pokmas code {text!r} (import pokmas first)")
        return pokmas_ids[text.upper()]

    items = []
    for row in rows:
        register_no = _field(row, "register_no", str, required=True)
        name = _field(row, "name", str, required=True)
        program = _field(row, "program", _choice(PROGRAMS), required=True)
        start = _field(row, "supervision_start", _iso_date, required=True)
        end = _field(row, "supervision_end", _iso_date, required=True)
        officer_id = _field(row, "officer_code", officer, required=False)
        pokmas_id = _field(row, "pokmas_code", pokmas, required=False)
        every = _field(row, "checkin_every_days", _positive_int, required=False)
        hours = _field(row, "service_hours", _hours, required=False)
        if start and end and end < start:
            row.errors.append("supervision_end: before supervision_start")
        if program == "kerja_sosial" and not hours and "service_hours: required" not in row.errors:
            row.errors.append("service_hours: required for program kerja_sosial (8-240)")
        if program == "kerja_sosial" and hours and not 8 <= hours <= 240:
            row.errors.append(f"service_hours: kerja_sosial orders are 8-240 hours, got {hours}")
        if not row.errors:
            items.append(
                KlienIn(
                    register_no=register_no,
                    name=name,
                    program=program,
                    supervision_start=start,
                    supervision_end=end,
                    officer_id=officer_id,
                    pokmas_id=pokmas_id,
                    checkin_every_days=every or 30,
                    service_hours=hours,
                )
            )
    _raise_if_errors(path, rows)
    return items


async def run_import(
    db: Database,
    kind: str,
    path: Path,
    now: str,
    progress: Callable[[int, int], None] | None = None,
    *,
    today: str | None = None,
) -> ImportResult:
    """Validate a whole file, then write it in one transaction; return the counts."""
    result = ImportResult()
    if kind == "pokmas":
        pokmas_items = validate_pokmas(path)
        async with db.transaction() as tx:
            for i, p in enumerate(pokmas_items):
                _count(result, await tx.pokmas.upsert(p, now))
                _tick(progress, i, len(pokmas_items))
        return result
    if kind == "officers":
        officer_items = validate_officers(path)
        async with db.transaction() as tx:
            for i, o in enumerate(officer_items):
                _count(result, await tx.members.upsert_officer(o.code, o.name, o.phone, now))
                _tick(progress, i, len(officer_items))
        return result
    if kind == "klien":
        async with db.read() as tx:
            officers = await tx.members.officer_codes()
            pokmas = await tx.pokmas.codes()
        klien_items = validate_klien(path, officers, pokmas)
        async with db.transaction() as tx:
            for i, k in enumerate(klien_items):
                status = await tx.klien.upsert(k, now, changed_by="cli:import", today=today)
                _count(result, status)
                _tick(progress, i, len(klien_items))
            if result.created or result.updated:
                await tx.audit.add(
                    at=now,
                    actor="cli",
                    action="klien.import",
                    detail=f"{result.created} created, {result.updated} updated",
                )
        return result
    raise ValueError(kind)


def _count(result: ImportResult, status: str) -> None:
    setattr(result, status, getattr(result, status) + 1)


def _tick(progress: Callable[[int, int], None] | None, i: int, total: int) -> None:
    if progress is not None and (i + 1 == total or (i + 1) % 500 == 0):
        progress(i + 1, total)
