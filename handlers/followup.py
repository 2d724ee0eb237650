"""/tindaklanjut: my open follow-ups; close one with a note or move its due date.

A coordinator sees the open follow-ups of their Pokmas' klien, an officer those of
their own klien (the member's scope, applied in SQL). The chosen follow-up is read
again within that scope when it is chosen and when the change is sent.
"""

from __future__ import annotations

from datetime import date, timedelta

from handlers import flow
from handlers.commands import COORDINATOR, OFFICER, command
from handlers.context import Context
from handlers.flow import CONFIRM, Answer, Draft, Flow, Invalid, Option, Prompt, Step
from handlers.model import Reply
from handlers.pickers import read_date, read_text
from storage.followups import Followup

ACTIONS = ("done", "move")
NOTE_MIN, NOTE_MAX = 3, 500
MAX_DAYS_AHEAD = 365
LABEL_MAX = 60
_PAGE = "_page"


def _label(fu: Followup) -> str:
    """Return a one-line label for a follow-up (klien and title, shortened)."""
    text = f"{fu.klien_name}: {fu.title}"
    return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1] + "\u2026"


async def start(ctx: Context, args: list[str]) -> Draft:
    """Refuse to start when there is nothing open (an unfinished draft stays as it is)."""
    if await ctx.tx.followups.count_open_in_scope(ctx.member.scope) == 0:
        raise Invalid("tl.none")
    return {}


async def ask_followup(ctx: Context, draft: Draft) -> Prompt:
    """List one page of my open follow-ups, earliest due first."""
    size = ctx.settings.conversations.page_size
    total = await ctx.tx.followups.count_open_in_scope(ctx.member.scope)
    if total == 0:
        raise Invalid("tl.none")
    pages = (total + size - 1) // size
    page = min(int(draft.get(_PAGE, 0)), pages - 1)
    draft[_PAGE] = page
    items = await ctx.tx.followups.open_in_scope(ctx.member.scope, limit=size, offset=page * size)
    today = ctx.today.isoformat()
    options = [
        Option(
            f"f{fu.id}",
            _label(fu),
            ctx.t(
                "tl.option_overdue" if fu.due_on < today else "tl.option_due",
                due=ctx.date_text(fu.due_on),
            ),
        )
        for fu in items
    ]
    if page > 0:
        options.append(Option("prev", ctx.t("pick.prev")))
    if page + 1 < pages:
        options.append(Option("next", ctx.t("pick.next")))
    return Prompt(ctx.t("tl.ask_followup", total=total, page=page + 1, pages=pages), tuple(options))


async def _followup(ctx: Context, followup_id: int) -> Followup:
    """Return an open follow-up in the member's scope, or raise Invalid."""
    fu = await ctx.tx.followups.get(followup_id, ctx.member.scope)
    if fu is None or fu.status != "open":
        raise Invalid("tl.not_yours")
    return fu


async def accept_followup(ctx: Context, draft: Draft, answer: Answer) -> str:
    """Store the chosen follow-up (or turn the page)."""
    if answer.value in ("prev", "next"):
        draft[_PAGE] = max(0, int(draft.get(_PAGE, 0)) + (1 if answer.value == "next" else -1))
        return "followup"
    if not answer.value or not answer.value.startswith("f"):
        raise Invalid("flow.pick_option")
    fu = await _followup(ctx, int(answer.value[1:]))
    draft.pop(_PAGE, None)
    draft.update(followup=fu.id, klien_name=fu.klien_name, title=fu.title, due_on=fu.due_on)
    return "action"


async def ask_action(ctx: Context, draft: Draft) -> Prompt:
    """Ask whether to close the follow-up or move its date."""
    return Prompt(
        ctx.t(
            "tl.ask_action",
            klien=draft["klien_name"],
            title=draft["title"],
            due=ctx.date_text(draft["due_on"]),
        ),
        tuple(Option(a, ctx.t(f"tl.action_{a}")) for a in ACTIONS),
    )


async def accept_action(ctx: Context, draft: Draft, answer: Answer) -> str:
    """Store the action; a changed action needs a new note or date."""
    if answer.value not in ACTIONS:
        raise Invalid("flow.pick_option")
    if draft.get("action") != answer.value:
        draft.pop("detail", None)
    draft["action"] = answer.value
    return "detail"


async def ask_detail(ctx: Context, draft: Draft) -> Prompt:
    """Ask for the closing note, or for the new due date."""
    if draft["action"] == "done":
        return Prompt(ctx.t("tl.ask_note", low=NOTE_MIN, high=NOTE_MAX))
    today = ctx.today
    return Prompt(
        ctx.t("tl.ask_due"),
        (
            Option(f"d:{(today + timedelta(days=7)).isoformat()}", ctx.t("tl.in_one_week")),
            Option(f"d:{(today + timedelta(days=14)).isoformat()}", ctx.t("tl.in_two_weeks")),
        ),
    )


def check_due(ctx: Context, day: date) -> None:
    """Refuse a due date in the past or more than a year ahead."""
    if day < ctx.today:
        raise Invalid("tl.date_past")
    last = ctx.today + timedelta(days=MAX_DAYS_AHEAD)
    if day > last:
        raise Invalid("tl.date_too_far", last=ctx.date_text(last))


async def accept_detail(ctx: Context, draft: Draft, answer: Answer) -> str:
    """Store the note (3-500 characters) or the new date (today to a year ahead)."""
    if draft["action"] == "done":
        draft["detail"] = read_text(answer, low=NOTE_MIN, high=NOTE_MAX)
        return CONFIRM
    day = read_date(ctx, answer)
    check_due(ctx, day)
    draft["detail"] = day.isoformat()
    return CONFIRM


async def summary(ctx: Context, draft: Draft) -> str:
    """Describe the change for the confirm screen."""
    lines = [
        ctx.t("tl.field_followup") + f": {draft['klien_name']}: {draft['title']}",
        ctx.t("tl.field_action") + f": {ctx.t('tl.action_' + draft['action'])}",
    ]
    if draft["action"] == "done":
        lines.append(ctx.t("tl.field_note") + f":\n{draft['detail']}")
    else:
        lines.append(
            ctx.t("tl.field_due")
            + f": {ctx.date_text(draft['due_on'])} \u2192 {ctx.date_text(draft['detail'])}"
        )
    return "\n".join(lines)


async def submit(ctx: Context, draft: Draft) -> list[Reply]:
    """Close or move the follow-up, if it is still open and still in my scope."""
    fu = await ctx.tx.followups.get(int(draft["followup"]), ctx.member.scope)
    if fu is None or fu.status != "open":
        return [ctx.reply("tl.gone")]
    if draft["action"] == "done":
        changed = await ctx.tx.followups.close(fu.id, ctx.member.id, draft["detail"], ctx.stamp)
        action, key, params = "followup.close", "tl.closed", {}
    else:
        day = date.fromisoformat(draft["detail"])
        check_due(ctx, day)
        changed = await ctx.tx.followups.move(fu.id, day.isoformat())
        action, key, params = "followup.move", "tl.moved", {"due": ctx.date_text(day)}
    if not changed:
        return [ctx.reply("tl.gone")]
    await ctx.audit(action, fu.klien_id, f"followup {fu.id}")
    return [ctx.reply(key, klien=fu.klien_name, **params)]


TINDAKLANJUT = flow.register(
    Flow(
        name="tindaklanjut",
        roles=COORDINATOR | OFFICER,
        steps=(
            Step(
                "followup",
                ask_followup,
                accept_followup,
                "tl.help_followup",
                "tl.field_followup",
                free_text=False,
            ),
            Step(
                "action",
                ask_action,
                accept_action,
                "tl.help_action",
                "tl.field_action",
                free_text=False,
            ),
            Step("detail", ask_detail, accept_detail, "tl.help_detail", "tl.field_detail"),
        ),
        summary=summary,
        submit=submit,
        start=start,
    )
)


@command("tindaklanjut", COORDINATOR | OFFICER, "menu.tindaklanjut", aliases=("followup", "tl"))
async def tindaklanjut(ctx: Context, args: list[str]) -> list[Reply]:
    """Start working on my open follow-ups."""
    return await flow.start(ctx, TINDAKLANJUT, args)
