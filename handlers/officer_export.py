"""/ekspor [DARI] [SAMPAI]: an officer's XLSX of their klien's reports in a period.

The file is written by `handlers.export.write_export` (rows streamed from a cursor
into a write-only workbook, real date cells, Indonesian headers, one row per
report) to a temporary file, whose bytes go back as a document attachment.
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import date, timedelta
from pathlib import Path

from handlers.commands import OFFICER, command
from handlers.context import Context
from handlers.export import write_export
from handlers.model import Attachment, Reply
from handlers.pickers import parse_user_date
from storage.timeutil import local_midnight

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_DAYS = 366


class _BadArgs(Exception):
    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def parse_range(args: list[str], today: date) -> tuple[date, date]:
    """Read [DARI] [SAMPAI] (DD/MM/YYYY or YYYY-MM-DD); default: this month up to today."""
    if len(args) > 2:
        raise _BadArgs("ekspor.usage")
    days: list[date] = []
    for text in args:
        try:
            days.append(parse_user_date(text, today))
        except ValueError:
            raise _BadArgs("ekspor.bad_date", text=text[:20]) from None
    first = days[0] if days else today.replace(day=1)
    last = days[1] if len(days) > 1 else today
    if first > last:
        raise _BadArgs(
            "ekspor.bad_order", start=first.strftime("%d/%m/%Y"), end=last.strftime("%d/%m/%Y")
        )
    if (last - first).days + 1 > MAX_DAYS:
        raise _BadArgs("ekspor.too_long", days=MAX_DAYS)
    return first, last


async def export_reports(ctx: Context, first: date, last: date) -> tuple[int, bytes]:
    """Write the member's reports of local days [first, last] as XLSX; return rows and bytes."""
    tz = ctx.settings.timezone
    start = local_midnight(first, tz)
    end = local_midnight(last + timedelta(days=1), tz)
    with tempfile.TemporaryDirectory(prefix="pokmas-ekspor-") as folder:
        path = Path(folder) / "laporan.xlsx"
        count = await write_export(
            ctx.tx,
            "reports",
            ctx.member.scope,
            path,
            fmt="xlsx",
            lang=ctx.lang,
            tz=tz,
            start=start,
            end=end,
        )
        data = await asyncio.to_thread(path.read_bytes)
    return count, data


@command("ekspor", OFFICER, "ekspor.menu")
async def ekspor(ctx: Context, args: list[str]) -> list[Reply]:
    """Send the officer an XLSX of their klien's reports in a period (default: this month)."""
    try:
        first, last = parse_range(args, ctx.today)
    except _BadArgs as bad:
        return [ctx.reply(bad.key, **bad.params)]
    count, data = await export_reports(ctx, first, last)
    shown = {"start": ctx.date_text(first), "end": ctx.date_text(last)}
    await ctx.audit("export.reports", None, f"{first.isoformat()}..{last.isoformat()} {count} rows")
    if count == 0:
        return [ctx.reply("ekspor.empty", **shown)]
    code = ctx.member.officer_code or str(ctx.member.id)
    name = f"laporan-{code}-{first.isoformat()}-{last.isoformat()}.xlsx"
    return [
        Reply(
            ctx.t("ekspor.done", count=count, **shown),
            attachment=Attachment(name, data, XLSX_MIME, kind="document"),
        )
    ]
