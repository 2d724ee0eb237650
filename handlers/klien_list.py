"""/klien: a coordinator's list of their klien; for officers and admins, the klien card.

Coordinators (no arguments): my active klien, the date of each one's last report and
the number of its open follow-ups, one page at a time. Officers and admins:
`/klien QUERY` finds a klien card (handlers/card.py).
"""

from __future__ import annotations

from handlers.card import klien_card_command
from handlers.commands import COORDINATOR, STAFF, action, action_choice, command, parse_id
from handlers.context import Context
from handlers.model import Choice, Reply
from storage.timeutil import parse_ts

LIST_PAGE = 20  # lines per message: a short scroll on a phone


async def klien_page(ctx: Context, page: int) -> list[Reply]:
    """Return one page of the member's active klien with last report and open follow-ups."""
    page = max(page, 0)
    klien, total = await ctx.tx.klien.list_active(
        ctx.member.scope, limit=LIST_PAGE, offset=page * LIST_PAGE
    )
    if total == 0:
        return [ctx.reply("klienlist.empty")]
    pages = (total + LIST_PAGE - 1) // LIST_PAGE
    if page >= pages:  # a stale page button after the list shrank: show the last page
        page = pages - 1
        klien, total = await ctx.tx.klien.list_active(
            ctx.member.scope, limit=LIST_PAGE, offset=page * LIST_PAGE
        )
    ids = [k.id for k in klien]
    open_followups = await ctx.tx.followups.count_open(ids)
    lines = [ctx.t("klienlist.header", total=total, page=page + 1, pages=pages), ""]
    for n, k in enumerate(klien, start=page * LIST_PAGE + 1):
        last_text = (
            ctx.t(
                "klienlist.last_report", date=ctx.date_text(ctx.local(parse_ts(k.last_report_at)))
            )
            if k.last_report_at
            else ctx.t("klienlist.no_report")
        )
        count = open_followups.get(k.id, 0)
        followups = (
            ctx.t("klienlist.followups", count=count) if count else ctx.t("klienlist.no_followups")
        )
        lines.append(ctx.t("klienlist.line", n=n, name=k.name, last=last_text, followups=followups))
    lines += ["", ctx.t("klienlist.footer")]
    choices: list[Choice] = []
    if page > 0:
        choices.append(action_choice("klien_page", page - 1, ctx.t("pick.prev")))
    if page + 1 < pages:
        choices.append(action_choice("klien_page", page + 1, ctx.t("pick.next")))
    shown = ",".join(str(k.id) for k in klien)
    await ctx.audit("klien.list", None, f"page {page + 1} of {pages}; shown klien ids {shown}")
    return [Reply("\n".join(lines), tuple(choices))]


@command("klien", COORDINATOR | STAFF, "menu.klien", aliases=("clients",))
async def klien_command(ctx: Context, args: list[str]) -> list[Reply]:
    """List my active klien (coordinator), or find a klien card (officer, admin)."""
    if ctx.member.role in STAFF:
        return await klien_card_command(ctx, args)
    return await klien_page(ctx, 0)


@action("klien_page", COORDINATOR)
async def klien_page_action(ctx: Context, value: str) -> list[Reply]:
    """Show another page of my klien list."""
    page = min(parse_id(value) or 0, 10**6)
    return await klien_page(ctx, page)
