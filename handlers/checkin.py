"""/wajiblapor: an officer records a klien's check-in (wajib lapor) at the Bapas.

Klien -> hadir / hadir daring / tidak hadir -> date (default today) -> confirm.
The check-in is stored against the due date it answers, the next due date becomes
the check-in date plus the klien's interval, and the run of misses is reset by an
attendance (in person or remote) or grows by one with *tidak hadir*. When the run
reaches `reminders.checkin_misses_alert` (3), the three-misses alert goes to the
officer and every admin in the same transaction; each further recorded miss
alerts again (it is still a ground for revoking conditional release).

An unrecorded due date is not a miss (see handlers/reminders.py): the sweep asks
the officer to record what happened, and only the officer's record counts.
"""

from __future__ import annotations

from datetime import date, timedelta

from handlers import flow
from handlers.commands import OFFICER, command
from handlers.context import Context
from handlers.flow import CONFIRM, Answer, Draft, Flow, Invalid, Option, Prompt, Step
from handlers.model import Reply
from handlers.pickers import date_options, draft_klien, klien_step, read_date
from handlers.reminders import alert_three_misses
from storage.enums import ATTENDANCE
from storage.klien import Klien

PRESENT = ("hadir", "daring")  # attendances that end a run of misses


async def ask_attendance(ctx: Context, draft: Draft) -> Prompt:
    """Ask whether the klien came (in person or remotely) or did not."""
    klien = await draft_klien(ctx, draft)
    due = ctx.date_text(klien.next_checkin_on) if klien.next_checkin_on else "-"
    return Prompt(
        ctx.t("wajib.ask_attendance", klien=klien.name, due=due),
        tuple(Option(a, ctx.t(f"wajib.att.{a}")) for a in ATTENDANCE),
    )


async def accept_attendance(ctx: Context, draft: Draft, answer: Answer) -> str:
    """Store the attendance."""
    if answer.value not in ATTENDANCE:
        raise Invalid("flow.pick_option")
    draft["attendance"] = answer.value
    return "on_date"


async def ask_date(ctx: Context, draft: Draft) -> Prompt:
    """Ask the date of the check-in (or of the missed one)."""
    return Prompt(ctx.t("wajib.ask_date"), date_options(ctx))


async def check_date(ctx: Context, klien: Klien, day: date) -> None:
    """Refuse a future date, one before supervision, or one before the last recorded check-in."""
    if day > ctx.today:
        raise Invalid("wajib.date_future")
    if day.isoformat() < klien.supervision_start:
        raise Invalid("wajib.date_before_start", date=ctx.date_text(klien.supervision_start))
    last = await ctx.tx.checkins.history(klien.id, limit=1)
    if last and day.isoformat() < last[0].on_date:
        raise Invalid("wajib.date_before_last", date=ctx.date_text(last[0].on_date))


async def accept_date(ctx: Context, draft: Draft, answer: Answer) -> str:
    """Store the date (not in the future, not before the last recorded check-in)."""
    day = read_date(ctx, answer)
    await check_date(ctx, await draft_klien(ctx, draft), day)
    draft["on_date"] = day.isoformat()
    return CONFIRM


async def summary(ctx: Context, draft: Draft) -> str:
    """Describe the draft for the confirm screen."""
    return "\n".join(
        (
            ctx.t("field.klien") + f": {draft['klien_name']}",
            ctx.t("wajib.field_attendance") + f": {ctx.t('wajib.att.' + draft['attendance'])}",
            ctx.t("wajib.field_date") + f": {ctx.date_text(draft['on_date'])}",
        )
    )


async def submit(ctx: Context, draft: Draft) -> list[Reply]:
    """Store the check-in, move the next due date, count misses, alert at the threshold."""
    klien = await draft_klien(ctx, draft)
    on_date = date.fromisoformat(draft["on_date"])
    await check_date(ctx, klien, on_date)
    attendance = draft["attendance"]
    checkin_id = await ctx.tx.checkins.add(
        klien_id=klien.id,
        due_on=klien.next_checkin_on or on_date.isoformat(),
        on_date=on_date.isoformat(),
        attendance=attendance,
        recorded_by=ctx.member.id,
        now=ctx.stamp,
    )
    next_on = on_date + timedelta(days=klien.checkin_every_days)
    misses = 0 if attendance in PRESENT else klien.missed_in_row + 1
    await ctx.tx.klien.set_checkin_state(klien.id, next_on.isoformat(), misses, ctx.stamp)
    await ctx.audit("checkin.create", klien.id, f"checkin {checkin_id} {attendance}")
    replies = [
        ctx.reply(
            "wajib.saved",
            klien=klien.name,
            attendance=ctx.t("wajib.att." + attendance),
            next=ctx.date_text(next_on),
        )
    ]
    if misses:
        replies.append(ctx.reply("wajib.misses", count=misses))
    if misses >= ctx.settings.reminders.checkin_misses_alert:
        if await alert_three_misses(ctx.tx, klien, checkin_id, misses, ctx.stamp):
            ctx.outbox_written = True
        replies.append(ctx.reply("wajib.alerted"))
    return replies


WAJIBLAPOR = flow.register(
    Flow(
        name="wajiblapor",
        roles=OFFICER,
        steps=(
            klien_step(help="wajib.help_klien", next_step="attendance"),
            Step(
                "attendance",
                ask_attendance,
                accept_attendance,
                "wajib.help_attendance",
                "wajib.field_attendance",
                free_text=False,
            ),
            Step("on_date", ask_date, accept_date, "wajib.help_date", "wajib.field_date"),
        ),
        summary=summary,
        submit=submit,
    )
)


@command("wajiblapor", OFFICER, "menu.wajiblapor", aliases=("checkin",))
async def wajiblapor(ctx: Context, args: list[str]) -> list[Reply]:
    """Start recording a check-in."""
    return await flow.start(ctx, WAJIBLAPOR, args)
