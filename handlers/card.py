"""The klien card: /klien QUERY for officers and admins, and the `klien` action that opens it.

A query is a register number or part of a name; the search runs inside the
member's scope (an officer finds only their own klien). One match opens the card,
several offer choices. Every opening of a card is written to the audit log.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from handlers.commands import STAFF, action, action_choice, parse_id
from handlers.context import Context
from handlers.model import Choice, Reply
from storage.klien import Klien
from storage.summary import CardPeople

QUERY_MIN, QUERY_MAX = 2, 60
MATCHES_SHOWN = 10
CARD_REPORTS = 5
CARD_CHECKINS = 5
BODY_EXCERPT = 80


def _days_left(ctx: Context, end: date) -> str:
    days = (end - ctx.today).days
    if days > 0:
        return ctx.t("card.days_left", days=days)
    if days == 0:
        return ctx.t("card.ends_today")
    return ctx.t("card.ended", days=-days)


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= BODY_EXCERPT else flat[: BODY_EXCERPT - 1] + "\u2026"


def _hours_line(ctx: Context, klien: Klien, done: float) -> str | None:
    """Say how many service hours are done against the order and a linear schedule."""
    if klien.service_hours is None:
        return ctx.t("card.hours_no_order", done=f"{done:g}") if done else None
    ordered = klien.service_hours
    start = date.fromisoformat(klien.supervision_start)
    end = date.fromisoformat(klien.supervision_end)
    span = max((end - start).days, 1)
    elapsed = min(max((ctx.today - start).days, 0), span)
    expected = ordered * elapsed / span
    percent = round(100 * done / ordered) if ordered else 100
    return ctx.t(
        "card.hours",
        done=f"{done:g}",
        ordered=f"{ordered:g}",
        percent=percent,
        expected=f"{expected:.0f}",
    )


async def card_text(ctx: Context, klien: Klien, people: CardPeople) -> str:
    """Render the klien card (the caller has checked the klien is in scope)."""
    scope = ctx.member.scope
    lines = [
        ctx.t("card.title", name=klien.name, register_no=klien.register_no),
        ctx.t(
            "card.program",
            program=ctx.t(f"summary.program.{klien.program}"),
            status=ctx.t(f"summary.status.{klien.status}"),
        ),
        ctx.t(
            "card.supervision",
            start=ctx.date_text(klien.supervision_start),
            end=ctx.date_text(klien.supervision_end),
            left=_days_left(ctx, date.fromisoformat(klien.supervision_end)),
        ),
    ]
    if people.pokmas_code is None:
        lines.append(ctx.t("card.no_pokmas"))
    elif klien.placed_on:
        lines.append(
            ctx.t(
                "card.pokmas",
                name=people.pokmas_name,
                code=people.pokmas_code,
                since=ctx.date_text(klien.placed_on),
            )
        )
    else:
        lines.append(ctx.t("card.pokmas_no_date", name=people.pokmas_name, code=people.pokmas_code))
    if people.officer_code is None:
        lines.append(ctx.t("card.no_officer"))
    else:
        lines.append(ctx.t("card.officer", name=people.officer_name, code=people.officer_code))
    lines.append(
        ctx.t(
            "card.checkin",
            next=ctx.date_text(klien.next_checkin_on)
            if klien.next_checkin_on
            else ctx.t("card.checkin_none"),
            every=klien.checkin_every_days,
            missed=klien.missed_in_row,
        )
    )
    history = await ctx.tx.checkins.history(klien.id, limit=CARD_CHECKINS)
    if history:
        items = " \u00b7 ".join(
            f"{ctx.date_text(c.on_date)} {ctx.t(f'card.attendance.{c.attendance}')}"
            for c in history
        )
        lines.append(ctx.t("card.checkin_history", items=items))
    else:
        lines.append(ctx.t("card.checkin_history_none"))
    hours = _hours_line(ctx, klien, people.hours_done)
    if hours:
        lines.append(hours)

    reports = await ctx.tx.summary.card_reports(klien.id, scope, limit=CARD_REPORTS)
    if reports:
        total = await ctx.tx.reports.count_for_klien(klien.id)
        lines += ["", ctx.t("card.reports", shown=len(reports), total=total)]
        for report in reports:
            outcome = f" \u2014 {ctx.t(f'outcome.{report.outcome}')}" if report.outcome else ""
            lines.append(
                ctx.t(
                    "card.report_line",
                    date=ctx.date_text(report.occurred_on),
                    category=ctx.t(f"cat.{report.category}"),
                    outcome=outcome,
                    body=_excerpt(report.body),
                    author=report.author or ctx.t("card.unknown_author"),
                )
            )
    else:
        lines += ["", ctx.t("card.reports_none")]

    followups = await ctx.tx.followups.open_in_scope(scope, klien_id=klien.id, limit=20)
    if followups:
        lines += ["", ctx.t("card.followups")]
        today = ctx.today.isoformat()
        for fu in followups:
            key = "card.followup_overdue" if fu.due_on < today else "card.followup_line"
            lines.append(ctx.t(key, title=_excerpt(fu.title), due=ctx.date_text(fu.due_on)))
    else:
        lines += ["", ctx.t("card.followups_none")]
    return "\n".join(lines)


async def open_card(ctx: Context, klien_id: int) -> list[Reply]:
    """Show one klien's card if it is in the member's scope, and audit the read."""
    scope = ctx.member.scope
    klien = await ctx.tx.klien.get(klien_id, scope)
    people = await ctx.tx.summary.card_people(klien_id, scope) if klien else None
    if klien is None or people is None:
        return [ctx.reply("card.not_found")]
    await ctx.audit("klien.read", klien.id, "card")
    return [Reply(await card_text(ctx, klien, people))]


def klien_choice(klien_id: int, name: str, register_no: str | None = None) -> Choice:
    """Return the choice that opens a klien's card (the register number as description)."""
    return dataclasses.replace(action_choice("klien", klien_id, name), description=register_no)


async def klien_card_command(ctx: Context, args: list[str]) -> list[Reply]:
    """Find a klien by register number or name part and show the card (officer, admin)."""
    query = " ".join(args).strip()
    if not QUERY_MIN <= len(query) <= QUERY_MAX:
        return [ctx.reply("card.usage")]
    scope = ctx.member.scope
    exact = await ctx.tx.klien.by_register_no(query, scope)
    if exact is not None:
        return await open_card(ctx, exact.id)
    found, total = await ctx.tx.summary.search_klien(scope, query, limit=MATCHES_SHOWN)
    if total == 0:
        return [ctx.reply("card.no_match", query=query)]
    if total == 1:
        return await open_card(ctx, found[0].id)
    shown = ",".join(str(k.id) for k in found)
    await ctx.audit("klien.search", None, f"{total} matches; shown klien ids {shown}")
    text = ctx.t("card.matches", total=total, query=query)
    if total > len(found):
        text += "\n" + ctx.t("card.matches_more", shown=len(found))
    choices = tuple(klien_choice(k.id, k.name, k.register_no) for k in found)
    return [Reply(text, choices)]


@action("klien", STAFF)
async def klien_action(ctx: Context, value: str) -> list[Reply]:
    """Open a klien card from a tapped choice (the id is re-checked against the scope)."""
    klien_id = parse_id(value)
    if klien_id is None:
        return [ctx.reply("flow.bad_choice")]
    return await open_card(ctx, klien_id)
