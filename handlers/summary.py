"""/ringkasan: the caseload at a glance (officer, admin) or a kabupaten's figures (observer).

Officers see their own klien, admins the whole Bapas: klien by status and
programme, reports by category and by Pokmas in the period, silent klien,
check-ins, follow-ups, unacknowledged incidents, and a PNG chart of reports per
week per Pokmas (matplotlib, Agg canvas, imported only when a chart is drawn).

Observers get counts for their kabupaten only and never a name, a register
number or a Pokmas name. Small counts are suppressed: 1-4 shows as "<5"; in a
breakdown, further counts show as ">=5" (smallest first) until subtracting from
the total cannot give a small count away, or the breakdown is withheld (see
`suppress`).
"Klien in work": an active klien with a report of category pekerjaan, outcome
selesai or dalam_proses, created in the last IN_WORK_DAYS days.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from handlers.commands import command
from handlers.context import Context
from handlers.model import Attachment, Reply
from storage.enums import CATEGORIES, KLIEN_STATUSES, PROGRAMS, SECTORS
from storage.summary import AreaFigures, Caseload
from storage.timeutil import local_midnight, ts

SUMMARY_ROLES = frozenset({"officer", "admin", "observer"})
DEFAULT_DAYS = 30
CHECKIN_DUE_DAYS = 7
IN_WORK_DAYS = 60
SILENT_NAMES = 5
CHART_SERIES = 7  # Pokmas drawn separately; the rest are summed as "Lainnya"
SMALL = 5  # counts below this (and above 0) are suppressed for observers
PNG_MIME = "image/png"


@dataclass(frozen=True, slots=True)
class Period:
    """A summary period: local dates shown to the reader, stored times for the queries."""

    key: str  # "7" | "30" | "bulan"
    first: date
    last: date
    start: str  # stored UTC time of local midnight of `first`
    end: str  # stored UTC time just after now
    weeks: tuple[date, ...]  # the Monday of each week the period touches
    weeks_from: tuple[str, ...]  # stored UTC times of local midnight of weeks[1:]


def parse_period(args: list[str], now: datetime, tz: tzinfo) -> Period | None:
    """Read `7`, `30` or `bulan` (default 30 days, today included); None when unknown."""
    word = args[0].casefold() if args else str(DEFAULT_DAYS)
    today = now.astimezone(tz).date()
    if word in ("bulan", "month", "bln"):
        first, key = today.replace(day=1), "bulan"
    elif word in ("7", "30"):
        first, key = today - timedelta(days=int(word) - 1), word
    else:
        return None
    monday = first - timedelta(days=first.weekday())
    weeks: list[date] = []
    while monday <= today:
        weeks.append(monday)
        monday += timedelta(days=7)
    return Period(
        key,
        first,
        today,
        local_midnight(first, tz),
        ts(now + timedelta(seconds=1)),
        tuple(weeks),
        tuple(local_midnight(w, tz) for w in weeks[1:]),
    )


def suppress(counts: dict[str, int]) -> dict[str, str] | None:
    """Show a breakdown to an observer without letting a count of 1-4 be known exactly.

    Zero counts are left out, 1-4 show as "<5". A reader who knows the breakdown's
    total can subtract the shown counts, so further counts are masked as ">=5",
    smallest first, until no small count can be worked out; when even masking all
    of them is not enough, return None (the breakdown is withheld).
    """
    shown = {k: v for k, v in counts.items() if v > 0}
    masked = {k for k, v in shown.items() if v < SMALL}
    if not masked:
        return {k: str(v) for k, v in shown.items()}
    spare = sorted((v, k) for k, v in shown.items() if v >= SMALL)
    while not _ambiguous(shown, masked):
        if not spare:
            return None
        masked.add(spare.pop(0)[1])
    return {
        k: ("<5" if v < SMALL else "\u22655") if k in masked else str(v) for k, v in shown.items()
    }


def _ambiguous(values: dict[str, int], masked: set[str]) -> bool:
    """Return True when no masked small count follows from the masked cells' known sum."""
    total = sum(values[k] for k in masked)
    for key in masked:
        if values[key] >= SMALL:
            continue
        others = [values[k] for k in masked if k != key]
        least = sum(1 if v < SMALL else SMALL for v in others)
        most = None if any(v >= SMALL for v in others) else (SMALL - 1) * len(others)
        high = min(SMALL - 1, total - least)
        low = 1 if most is None else max(1, total - most)
        if high <= low:
            return False
    return True


def _count(n: int) -> str:
    """Suppress one standalone count for observers."""
    return "<5" if 0 < n < SMALL else str(n)


def _parts(ctx: Context, items: Iterable[tuple[str, str]], empty: str = "summary.none") -> str:
    """Join (label, value) pairs as "label value · label value"."""
    text = " \u00b7 ".join(f"{label} {value}" for label, value in items)
    return text or ctx.t(empty)


def _title(ctx: Context, period: Period) -> str:
    dates = {"start": ctx.date_text(period.first), "end": ctx.date_text(period.last)}
    if period.key == "bulan":
        return ctx.t("summary.title_month", **dates)
    return ctx.t("summary.title_days", days=period.key, **dates)


# -- officer and admin --------------------------------------------------------------


def caseload_text(ctx: Context, period: Period, load: Caseload) -> str:
    """Render a caseload as compact text in the member's language."""
    r = ctx.settings.reminders
    statuses: dict[str, int] = {}
    programs: dict[str, int] = {}
    for (status, program), n in load.klien.items():
        statuses[status] = statuses.get(status, 0) + n
        if status == "aktif":
            programs[program] = programs.get(program, 0) + n
    scope = (
        ctx.t("summary.scope_officer")
        if ctx.member.role == "officer"
        else ctx.t("summary.scope_admin", bapas=ctx.settings.bapas_name)
    )
    lines = [
        _title(ctx, period),
        ctx.t(
            "summary.klien_total",
            scope=scope,
            active=statuses.get("aktif", 0),
            total=sum(statuses.values()),
        ),
        ctx.t(
            "summary.by_status",
            parts=_parts(
                ctx,
                (
                    (ctx.t(f"summary.status.{s}"), str(statuses[s]))
                    for s in KLIEN_STATUSES
                    if statuses.get(s)
                ),
            ),
        ),
        ctx.t(
            "summary.by_program",
            parts=_parts(
                ctx,
                (
                    (ctx.t(f"summary.program.{p}"), str(programs[p]))
                    for p in PROGRAMS
                    if programs.get(p)
                ),
            ),
        ),
        ctx.t("summary.reports", total=sum(load.reports_by_category.values())),
    ]
    if load.reports_by_category:
        lines.append(
            ctx.t(
                "summary.reports_category",
                parts=_parts(
                    ctx,
                    (
                        (ctx.t(f"cat.{c}"), str(load.reports_by_category[c]))
                        for c in CATEGORIES
                        if load.reports_by_category.get(c)
                    ),
                ),
            )
        )
        pokmas = sorted(load.reports_by_pokmas.items(), key=lambda kv: (-kv[1], kv[0] or "~"))
        lines.append(
            ctx.t(
                "summary.reports_pokmas",
                parts=_parts(
                    ctx, ((code or ctx.t("summary.no_pokmas"), str(n)) for code, n in pokmas)
                ),
            )
        )
    silent = ctx.t("summary.silent", days=r.no_report_days, count=load.silent_total)
    if load.silent:
        names = ", ".join(k.name for k in load.silent)
        more = load.silent_total - len(load.silent)
        if more > 0:
            names += " " + ctx.t("summary.silent_more", count=more)
        silent += f" \u2014 {names}"
    lines += [
        silent,
        ctx.t(
            "summary.checkins",
            due=load.checkins_due,
            days=CHECKIN_DUE_DAYS,
            missed=load.checkins_missed,
        ),
        ctx.t("summary.followups", open=load.followups_open, overdue=load.followups_overdue),
        ctx.t("summary.incidents", count=load.incidents_unacked),
        "",
        ctx.t("summary.hint"),
    ]
    return "\n".join(lines)


def chart_series(
    weekly: dict[tuple[int, str | None], int], weeks: int, other: str, no_pokmas: str
) -> list[tuple[str, list[int]]]:
    """Arrange reports per (week number, Pokmas) as one count per week per Pokmas.

    The Pokmas with most reports get their own series (CHART_SERIES of them); the
    rest are summed as `other`.
    """
    per: dict[str, list[int]] = {}
    for (week, code), n in weekly.items():
        if 0 <= week < weeks:
            per.setdefault(code or no_pokmas, [0] * weeks)[week] += n
    ranked = sorted(per.items(), key=lambda kv: (-sum(kv[1]), kv[0]))
    series = ranked[:CHART_SERIES]
    rest = ranked[CHART_SERIES:]
    if rest:
        series.append((other, [sum(col) for col in zip(*(v for _, v in rest), strict=True)]))
    return series


def render_chart(
    weeks: list[date], series: list[tuple[str, list[int]]], *, title: str, xlabel: str, ylabel: str
) -> bytes | None:
    """Draw stacked weekly bars per Pokmas as PNG bytes; None when matplotlib is missing."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator
    except ImportError:
        return None
    figure = Figure(figsize=(8, 4.5), dpi=100)
    FigureCanvasAgg(figure)  # the Agg canvas: no display, no pyplot global state
    axes = figure.add_subplot()
    positions = list(range(len(weeks)))
    bottom = [0] * len(weeks)
    for label, values in series:
        axes.bar(positions, values, bottom=bottom, label=label, width=0.7)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    axes.set_xticks(positions, [w.strftime("%d/%m") for w in weeks])
    axes.set_title(title)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    if series:
        handles, labels = axes.get_legend_handles_labels()
        axes.legend(  # top to bottom as stacked
            handles[::-1],
            labels[::-1],
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            fontsize="small",
            frameon=False,
        )
    # Fixed margins: tight_layout() measures every label and costs a third of the time.
    figure.subplots_adjust(left=0.09, right=0.84, top=0.91, bottom=0.13)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


async def caseload_summary(ctx: Context, period: Period) -> list[Reply]:
    """Build the officer's or admin's summary: text, then the chart (or why there is none)."""
    scope = ctx.member.scope
    r = ctx.settings.reminders
    today = ctx.today
    load = await ctx.tx.summary.caseload(
        scope,
        start=period.start,
        end=period.end,
        weeks_from=list(period.weeks_from),
        today=today.isoformat(),
        due_until=(today + timedelta(days=CHECKIN_DUE_DAYS)).isoformat(),
        quiet_before=ts(ctx.now - timedelta(days=r.no_report_days)),
        silent_names=SILENT_NAMES,
    )
    await ctx.audit("summary.read", None, f"period {period.key}")
    replies = [Reply(caseload_text(ctx, period, load))]
    if not load.reports:
        replies.append(ctx.reply("summary.no_reports_chart"))
        return replies
    series = chart_series(
        load.weekly(),
        len(period.weeks),
        ctx.t("summary.chart_other"),
        ctx.t("summary.no_pokmas"),
    )
    caption = ctx.t(
        "summary.chart_caption",
        start=ctx.date_text(period.first),
        end=ctx.date_text(period.last),
    )
    png = await asyncio.to_thread(
        render_chart,
        list(period.weeks),
        series,
        title=caption,
        xlabel=ctx.t("summary.chart_week"),
        ylabel=ctx.t("summary.chart_ylabel"),
    )
    if png is None:
        replies.append(ctx.reply("summary.no_chart"))
    else:
        name = f"ringkasan-{period.last.isoformat()}.png"
        replies.append(Reply(caption, attachment=Attachment(name, png, PNG_MIME, kind="image")))
    return replies


# -- observer -----------------------------------------------------------------------


def _breakdown(
    ctx: Context, shown: dict[str, str] | None, labels: Iterable[tuple[str, str]]
) -> str:
    """Render a suppressed breakdown in the given label order (or say it is withheld)."""
    if shown is None:
        return ctx.t("summary.too_few")
    return _parts(ctx, ((label, shown[key]) for key, label in labels if key in shown))


def area_text(ctx: Context, period: Period, figures: AreaFigures) -> str:
    """Render an observer's figures: suppressed counts, labels only, nobody named."""
    programs = [(p, ctx.t(f"summary.program.{p}")) for p in PROGRAMS]
    sectors = [(s, ctx.t(f"summary.sector.{s}")) for s in SECTORS]
    categories = [(c, ctx.t(f"cat.{c}")) for c in CATEGORIES]
    lines = [
        ctx.t("summary.area_title", kabupaten=ctx.member.kabupaten or "-"),
        _title(ctx, period),
        ctx.t("summary.area_note"),
        "",
        ctx.t("summary.area_active", count=_count(sum(figures.active_by_program.values()))),
        ctx.t(
            "summary.area_program",
            parts=_breakdown(ctx, suppress(figures.active_by_program), programs),
        ),
        ctx.t(
            "summary.area_sector",
            parts=_breakdown(ctx, suppress(figures.active_by_sector), sectors),
        ),
        ctx.t("summary.area_reports", count=_count(sum(figures.reports_by_category.values()))),
        ctx.t(
            "summary.area_category",
            parts=_breakdown(ctx, suppress(figures.reports_by_category), categories),
        ),
        ctx.t("summary.area_in_work", count=_count(figures.in_work), days=IN_WORK_DAYS),
    ]
    return "\n".join(lines)


async def area_summary(ctx: Context, period: Period) -> Reply:
    """Build an observer's summary of their kabupaten."""
    figures = await ctx.tx.summary.area_figures(
        ctx.member.scope,
        start=period.start,
        end=period.end,
        work_since=ts(ctx.now - timedelta(days=IN_WORK_DAYS)),
    )
    await ctx.audit("summary.area", None, f"period {period.key}")
    return Reply(area_text(ctx, period, figures))


@command("ringkasan", SUMMARY_ROLES, "summary.menu")
async def ringkasan(ctx: Context, args: list[str]) -> list[Reply]:
    """Summarise the caseload (officer, admin) or the kabupaten (observer) for a period."""
    period = parse_period(args, ctx.now, ctx.settings.timezone)
    if period is None:
        return [ctx.reply("summary.usage")]
    if ctx.member.role == "observer":
        return [await area_summary(ctx, period)]
    return await caseload_summary(ctx, period)
