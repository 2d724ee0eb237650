"""Exports of reports, klien and check-ins to CSV or XLSX, streamed row by row.

Rows come from a cursor in batches and go straight to the file: memory does not
grow with the number of rows. XLSX dates are real date cells; headers are in the
catalog (Indonesian first).
"""

from __future__ import annotations

import csv
from collections.abc import AsyncIterator, Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from handlers.i18n import t
from handlers.xlsx import XlsxWriter
from storage import Scope, Tx
from storage.exports import CHECKIN_COLUMNS, KLIEN_COLUMNS, REPORT_COLUMNS
from storage.timeutil import parse_ts

COLUMNS = {"reports": REPORT_COLUMNS, "klien": KLIEN_COLUMNS, "checkins": CHECKIN_COLUMNS}
_DATE_COLUMNS = {
    "occurred_on",
    "supervision_start",
    "supervision_end",
    "placed_on",
    "next_checkin_on",
    "on_date",
    "due_on",
}
_TIME_COLUMNS = {"created_at"}
_LABELLED = {"category": "cat.", "outcome": "outcome.", "program": None}


def rows_for(
    tx: Tx, what: str, scope: Scope, start: str | None, end: str | None, tz: Any
) -> AsyncIterator[tuple[Any, ...]]:
    """Return the row stream for one export kind."""
    if what == "reports":
        return tx.exports.reports(scope, start, end)
    if what == "klien":
        return tx.exports.klien(scope)
    if what == "checkins":  # check-ins carry local dates: turn the bounds back into them
        first = parse_ts(start).astimezone(tz).date().isoformat() if start else None
        last = (
            (parse_ts(end).astimezone(tz) - timedelta(days=1)).date().isoformat() if end else None
        )
        return tx.exports.checkins(scope, first, last)
    raise ValueError(what)


def _converter(
    columns: tuple[str, ...], lang: str, tz: Any
) -> Callable[[tuple[Any, ...]], list[Any]]:
    """Return a function turning a stored row into typed, labelled cells."""
    kinds = []
    for name in columns:
        if name in _DATE_COLUMNS:
            kinds.append("date")
        elif name in _TIME_COLUMNS:
            kinds.append("time")
        elif name in ("category", "outcome"):
            kinds.append(name)
        else:
            kinds.append("")

    def convert(row: tuple[Any, ...]) -> list[Any]:
        out: list[Any] = []
        for kind, value in zip(kinds, row, strict=True):
            if value is None or kind == "":
                out.append(value)
            elif kind == "date":
                out.append(date.fromisoformat(value))
            elif kind == "time":
                out.append(parse_ts(value).astimezone(tz).replace(tzinfo=None))
            else:
                out.append(t(lang, f"{'cat' if kind == 'category' else 'outcome'}.{value}"))
        return out

    return convert


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> Any:
    """Render one CSV cell; text that a spreadsheet would run as a formula is quoted."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value  # typed by a coordinator: never a formula in the admin's Excel
    return value


async def write_export(
    tx: Tx,
    what: str,
    scope: Scope,
    path: Path,
    *,
    fmt: str,
    lang: str,
    tz: Any,
    start: str | None = None,
    end: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write one export to `path` as csv or xlsx; return the number of data rows."""
    columns = COLUMNS[what]
    header = [t(lang, f"export.{name}") for name in columns]
    convert = _converter(columns, lang, tz)
    count = 0
    stream = rows_for(tx, what, scope, start, end, tz)
    if fmt == "csv":
        with path.open("w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            async for row in stream:
                writer.writerow([_csv_cell(c) for c in convert(row)])
                count += 1
                if progress and count % 5000 == 0:
                    progress(count)
        return count
    with XlsxWriter(path, t(lang, f"export.sheet_{what}")) as sheet:
        sheet.header(header)
        async for row in stream:
            sheet.row(convert(row))
            count += 1
            if progress and count % 5000 == 0:
                progress(count)
    return count
