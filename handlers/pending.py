"""/tertunda: everything overdue for an officer, most urgent first, each klien one tap away.

Order: unacknowledged incidents; a run of missed check-ins that reached the alert
threshold; other missed check-ins; follow-ups past due; klien with no report for
`escalation_days`; supervision ending within ENDING_DAYS. Ties: oldest first.
"""

from __future__ import annotations

from datetime import timedelta

from handlers.card import klien_choice
from handlers.commands import OFFICER, command
from handlers.context import Context
from handlers.model import Choice, Reply
from storage.summary import PendingItem
from storage.timeutil import parse_ts, ts

ENDING_DAYS = 7
ITEMS_SHOWN = 25
CHOICES_SHOWN = 10


def item_text(ctx: Context, item: PendingItem) -> str:
    """Render one overdue item."""
    klien = item.klien_name
    if item.kind == "incident":
        since = ctx.local(parse_ts(item.at)).strftime("%d/%m/%Y %H:%M") if item.at else "-"
        return ctx.t(
            "pending.incident",
            severity=ctx.t(f"pending.severity.{item.detail}"),
            klien=klien,
            since=since,
        )
    if item.kind == "misses_alert":
        return ctx.t("pending.misses_alert", count=item.detail, klien=klien)
    due = ctx.date_text(item.at) if item.at else ctx.t("pending.unknown_date")
    if item.kind == "missed":
        if item.detail and int(item.detail) > 0:
            return ctx.t("pending.missed_count", count=item.detail, due=due, klien=klien)
        return ctx.t("pending.missed", due=due, klien=klien)
    if item.kind == "followup":
        return ctx.t("pending.followup", due=due, title=(item.detail or "")[:60], klien=klien)
    if item.kind == "silent":
        if item.at is None:
            return ctx.t("pending.silent_never", klien=klien)
        return ctx.t(
            "pending.silent", since=ctx.date_text(ctx.local(parse_ts(item.at)).date()), klien=klien
        )
    return ctx.t("pending.ending", end=due, klien=klien)


@command("tertunda", OFFICER, "pending.menu")
async def tertunda(ctx: Context, args: list[str]) -> list[Reply]:
    """List what is overdue for the officer's klien, most urgent first."""
    r = ctx.settings.reminders
    today = ctx.today
    items, counts = await ctx.tx.summary.pending(
        ctx.member.scope,
        today=today.isoformat(),
        alert_misses=r.checkin_misses_alert,
        quiet_before=ts(ctx.now - timedelta(days=r.escalation_days)),
        ending_by=(today + timedelta(days=ENDING_DAYS)).isoformat(),
        limit=ITEMS_SHOWN,
    )
    total = sum(counts.values())
    if total == 0:
        return [ctx.reply("pending.none")]
    lines = [ctx.t("pending.title", total=total), ""]
    lines += [f"{n}. {item_text(ctx, item)}" for n, item in enumerate(items, start=1)]
    if total > len(items):
        lines += ["", ctx.t("pending.more", count=total - len(items))]
    choices: dict[int, Choice] = {}
    for item in items:
        if item.klien_id not in choices and len(choices) < CHOICES_SHOWN:
            choices[item.klien_id] = klien_choice(item.klien_id, item.klien_name)
    lines += ["", ctx.t("pending.open_hint")]
    shown = ",".join(sorted({str(item.klien_id) for item in items}))
    await ctx.audit("pending.read", None, f"{total} items; shown klien ids {shown}")
    return [Reply("\n".join(lines), tuple(choices.values()))]
