"""/tunda KLIEN HARI ALASAN: an officer snoozes the no-report reminders of one klien.

KLIEN is a register number or a part of a name that matches exactly one active
klien of the officer (it may be several words: the first whole number after it is
HARI). HARI is 1-30 days; a reason is required. The snooze silences both
no-report rules (the coordinator's nudge and the officer's escalation) until the
last day inclusive, and the snooze with its reason goes to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from handlers.commands import OFFICER, command, parse_id
from handlers.context import Context
from handlers.model import Reply
from handlers.reminders import SNOOZE_KIND
from storage.klien import Klien

MIN_DAYS, MAX_DAYS = 1, 30
REASON_MIN, REASON_MAX = 3, 200
MATCHES_SHOWN = 5


@dataclass(frozen=True, slots=True)
class SnoozeArgs:
    """The parts of `/tunda KLIEN HARI ALASAN...`."""

    query: str
    days: int
    reason: str


def parse_args(args: list[str]) -> SnoozeArgs | str:
    """Split the arguments; return them, or the catalog key saying what is wrong."""
    at = next((i for i, word in enumerate(args) if i > 0 and parse_id(word) is not None), None)
    if at is None:
        return "tunda.usage"
    days = parse_id(args[at]) or 0
    if not MIN_DAYS <= days <= MAX_DAYS:
        return "tunda.bad_days"
    reason = " ".join(args[at + 1 :]).strip()
    if len(reason) < REASON_MIN:
        return "tunda.need_reason"
    if len(reason) > REASON_MAX:
        return "tunda.reason_long"
    return SnoozeArgs(" ".join(args[:at]), days, reason)


async def find_klien(ctx: Context, query: str) -> Klien | list[Klien]:
    """Return the one active klien in scope matching `query`, or the (0 or many) matches."""
    exact = await ctx.tx.klien.by_register_no(query, ctx.member.scope)
    if exact is not None and exact.status == "aktif":
        return exact
    found, total = await ctx.tx.klien.list_active(
        ctx.member.scope, query=query, limit=MATCHES_SHOWN
    )
    return found[0] if total == 1 else found


@command("tunda", OFFICER, "menu.tunda", aliases=("snooze",))
async def tunda(ctx: Context, args: list[str]) -> list[Reply]:
    """Snooze the no-report reminders of one klien for 1-30 days, with a reason."""
    parsed = parse_args(args)
    if isinstance(parsed, str):
        return [ctx.reply(parsed, low=MIN_DAYS, high=MAX_DAYS), ctx.reply("tunda.example")]
    match = await find_klien(ctx, parsed.query)
    if isinstance(match, list):
        if not match:
            return [ctx.reply("tunda.no_match", query=parsed.query)]
        names = "\n".join(f"• {k.name} ({k.register_no})" for k in match)
        return [ctx.reply("tunda.ambiguous", query=parsed.query, names=names)]
    until = ctx.today + timedelta(days=parsed.days)
    await ctx.tx.sweep.snooze(
        klien_id=match.id,
        kind=SNOOZE_KIND,
        until_on=until.isoformat(),
        reason=parsed.reason,
        member_id=ctx.member.id,
        now=ctx.stamp,
    )
    await ctx.audit(
        "snooze.set", match.id, f"{SNOOZE_KIND} until {until.isoformat()}: {parsed.reason}"
    )
    return [ctx.reply("tunda.done", klien=match.name, until=ctx.date_text(until), days=parsed.days)]
