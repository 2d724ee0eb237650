"""/jam: log a klien's community-service hours (kerja sosial) against the court order.

Only klien with the kerja_sosial program are offered (filtered in SQL). One entry is
0.5-12 hours on one day, no day may total more than 12 hours, and the total may not
exceed the hours ordered: logging past the order would only be a typo, since the
order is the whole sentence. Every limit is checked when the answer is given and again
when the entry is sent (another coordinator may have logged the same day meanwhile).
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date

from handlers import flow
from handlers.commands import COORDINATOR, command
from handlers.context import Context
from handlers.flow import CONFIRM, Answer, Draft, Flow, Invalid, Prompt, Step
from handlers.model import Reply
from handlers.pickers import date_options, draft_klien, klien_step, read_date
from handlers.report import check_date
from storage.klien import Klien

PROGRAM = "kerja_sosial"
HOURS_MIN, HOURS_MAX = 0.5, 12.0  # per entry; HOURS_MAX is also the limit of one day
_EPSILON = 1e-9
_HOURS = re.compile(r"([0-9]{1,2})(?:[.,]([0-9]{1,2}))?\s*(?:jam|j|hours?|hrs?|h)?\.?")


def hours_text(lang: str, value: float) -> str:
    """Format hours the member's way: 2,5 in Indonesian, 2.5 in English, 120 not 120.0."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "id" else text


def parse_hours(text: str) -> float:
    """Parse "2", "2,5", "2.5" or "2,5 jam" into hours; raise ValueError otherwise."""
    match = _HOURS.fullmatch(text.strip().casefold())
    if not match:
        raise ValueError(text)
    whole, fraction = match.groups()
    return round(float(f"{whole}.{fraction or 0}"), 2)


async def _klien(ctx: Context, draft: Draft) -> Klien:
    """Re-read the draft's klien within the member's scope (it may have moved)."""
    klien = await draft_klien(ctx, draft)
    if klien.program != PROGRAM:
        raise Invalid("pick.wrong_program")
    return klien


def _h(ctx: Context, value: float) -> str:
    return hours_text(ctx.lang, value)


async def check_hours(ctx: Context, klien: Klien, day: date, hours: float) -> None:
    """Refuse hours out of range, past the day's 12 hours, or past the order."""
    if hours < HOURS_MIN - _EPSILON or hours > HOURS_MAX + _EPSILON:
        raise Invalid("jam.hours_range", low=_h(ctx, HOURS_MIN), high=_h(ctx, HOURS_MAX))
    logged = await ctx.tx.hours.on_day(klien.id, day.isoformat())
    if logged + hours > HOURS_MAX + _EPSILON:
        raise Invalid(
            "jam.day_full",
            date=ctx.date_text(day),
            logged=_h(ctx, logged),
            high=_h(ctx, HOURS_MAX),
            left=_h(ctx, max(0.0, HOURS_MAX - logged)),
        )
    if klien.service_hours is not None:
        total = await ctx.tx.hours.total(klien.id)
        if total + hours > klien.service_hours + _EPSILON:
            raise Invalid(
                "jam.order_exceeded",
                total=_h(ctx, total),
                order=_h(ctx, klien.service_hours),
                left=_h(ctx, max(0.0, klien.service_hours - total)),
            )


_PICK = klien_step(only_program=PROGRAM, empty="jam.no_klien", next_step="on_date")


async def accept_klien(ctx: Context, draft: Draft, answer: Answer) -> str:
    """Store the klien, unless its ordered hours are already complete."""
    before: Draft = {key: draft[key] for key in ("klien", "klien_name") if key in draft}
    following = await _PICK.accept(ctx, draft, answer)
    if following == _PICK.name:  # paging or searching
        return following
    klien = await _klien(ctx, draft)
    total = await ctx.tx.hours.total(klien.id)
    if klien.service_hours is not None and total >= klien.service_hours - _EPSILON:
        draft.pop("klien", None)
        draft.pop("klien_name", None)
        draft.update(before)
        raise Invalid(
            "jam.order_complete",
            klien=klien.name,
            total=_h(ctx, total),
            order=_h(ctx, klien.service_hours),
        )
    if before.get("klien") not in (None, klien.id):  # another klien: its date and hours anew
        draft.pop("on_date", None)
        draft.pop("hours", None)
    return following


async def ask_date(ctx: Context, draft: Draft) -> Prompt:
    """Ask on which day the klien worked."""
    return Prompt(ctx.t("jam.ask_date", klien=draft["klien_name"]), date_options(ctx))


async def accept_date(ctx: Context, draft: Draft, answer: Answer) -> str:
    """Store the day (not in the future, not before placement, not already full)."""
    day = read_date(ctx, answer)
    klien = await _klien(ctx, draft)
    await check_date(ctx, klien, day)
    logged = await ctx.tx.hours.on_day(klien.id, day.isoformat())
    if logged >= HOURS_MAX - _EPSILON:
        raise Invalid("jam.day_no_room", date=ctx.date_text(day), logged=_h(ctx, logged))
    draft["on_date"] = day.isoformat()
    if "hours" in draft:  # an edit of the date: the hours must fit the new day too
        try:
            await check_hours(ctx, klien, day, float(draft["hours"]))
        except Invalid:
            del draft["hours"]  # empty field: the engine asks for the hours again
    return "hours"


async def ask_hours(ctx: Context, draft: Draft) -> Prompt:
    """Ask how many hours."""
    return Prompt(
        ctx.t(
            "jam.ask_hours",
            date=ctx.date_text(draft["on_date"]),
            low=_h(ctx, HOURS_MIN),
            high=_h(ctx, HOURS_MAX),
        )
    )


async def accept_hours(ctx: Context, draft: Draft, answer: Answer) -> str:
    """Store the hours (0.5-12; the day and the order must not overflow)."""
    try:
        hours = parse_hours(answer.text or "")
    except ValueError:
        raise Invalid("jam.bad_hours") from None
    klien = await _klien(ctx, draft)
    await check_hours(ctx, klien, date.fromisoformat(draft["on_date"]), hours)
    draft["hours"] = hours
    return CONFIRM


async def summary(ctx: Context, draft: Draft) -> str:
    """Describe the draft for the confirm screen, with the total it leads to."""
    klien = await _klien(ctx, draft)
    total = await ctx.tx.hours.total(klien.id) + float(draft["hours"])
    lines = [
        ctx.t("field.klien") + f": {draft['klien_name']}",
        ctx.t("jam.field_date") + f": {ctx.date_text(draft['on_date'])}",
        ctx.t("jam.field_hours") + f": {_h(ctx, float(draft['hours']))}",
    ]
    if klien.service_hours is not None:
        lines.append(
            ctx.t("jam.total_after", total=_h(ctx, total), order=_h(ctx, klien.service_hours))
        )
    else:
        lines.append(ctx.t("jam.total_after_no_order", total=_h(ctx, total)))
    return "\n".join(lines)


async def submit(ctx: Context, draft: Draft) -> list[Reply]:
    """Log the hours after checking every limit again; show the total against the order."""
    klien = await _klien(ctx, draft)
    day = date.fromisoformat(draft["on_date"])
    hours = float(draft["hours"])
    await check_date(ctx, klien, day)
    await check_hours(ctx, klien, day, hours)
    row_id = await ctx.tx.hours.add(
        klien_id=klien.id,
        on_date=day.isoformat(),
        hours=hours,
        logged_by=ctx.member.id,
        now=ctx.stamp,
    )
    await ctx.audit("hours.log", klien.id, f"service_hours {row_id}")
    total = await ctx.tx.hours.total(klien.id)
    params = {
        "hours": _h(ctx, hours),
        "klien": klien.name,
        "date": ctx.date_text(day),
        "total": _h(ctx, total),
    }
    if klien.service_hours is None:
        return [ctx.reply("jam.saved_no_order", **params)]
    replies = [ctx.reply("jam.saved", order=_h(ctx, klien.service_hours), **params)]
    if total >= klien.service_hours - _EPSILON:
        replies.append(ctx.reply("jam.saved_complete"))
    return replies


JAM = flow.register(
    Flow(
        name="jam",
        roles=COORDINATOR,
        steps=(
            dataclasses.replace(_PICK, accept=accept_klien),
            Step("on_date", ask_date, accept_date, "jam.help_date", "jam.field_date"),
            Step("hours", ask_hours, accept_hours, "jam.help_hours", "jam.field_hours"),
        ),
        summary=summary,
        submit=submit,
    )
)


@command("jam", COORDINATOR, "menu.jam", aliases=("hours",))
async def jam(ctx: Context, args: list[str]) -> list[Reply]:
    """Start logging community-service hours."""
    return await flow.start(ctx, JAM, args)
