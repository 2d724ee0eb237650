"""/lapor: a coordinator's progress report on one klien (laporan perkembangan)."""

from __future__ import annotations

from datetime import date, timedelta

from handlers import flow
from handlers.commands import COORDINATOR, action_choice, command
from handlers.context import Context
from handlers.flow import CONFIRM, Answer, Draft, Flow, Invalid, Option, Prompt, Step
from handlers.i18n import t
from handlers.model import Reply
from handlers.notify import officer_or_admins, renderer
from handlers.pickers import date_options, draft_klien, klien_step, read_date, read_text
from storage.enums import CATEGORIES, OUTCOMES
from storage.klien import Klien
from storage.outbox import OutboxItem, OutboxRow
from storage.reports import ReportIn

REPORT_CATEGORIES = tuple(c for c in CATEGORIES if c != "insiden")  # incidents: /insiden
FOLLOWUP_OUTCOMES = ("dalam_proses", "butuh_bantuan")
BODY_MIN, BODY_MAX = 10, 2000


async def ask_category(ctx: Context, draft: Draft) -> Prompt:
    """Ask what the report is about."""
    return Prompt(
        ctx.t("lapor.ask_category", klien=draft["klien_name"]),
        tuple(Option(c, ctx.t(f"cat.{c}")) for c in REPORT_CATEGORIES),
    )


async def accept_category(ctx: Context, draft: Draft, answer: Answer) -> str:
    """Store the category."""
    if answer.value not in REPORT_CATEGORIES:
        raise Invalid("flow.pick_option")
    draft["category"] = answer.value
    return "outcome"


async def ask_outcome(ctx: Context, draft: Draft) -> Prompt:
    """Ask how things stand."""
    return Prompt(
        ctx.t("lapor.ask_outcome"), tuple(Option(o, ctx.t(f"outcome.{o}")) for o in OUTCOMES)
    )


async def accept_outcome(ctx: Context, draft: Draft, answer: Answer) -> str:
    """Store the outcome."""
    if answer.value not in OUTCOMES:
        raise Invalid("flow.pick_option")
    draft["outcome"] = answer.value
    return "body"


async def ask_body(ctx: Context, draft: Draft) -> Prompt:
    """Ask what happened."""
    return Prompt(ctx.t("lapor.ask_body", low=BODY_MIN, high=BODY_MAX))


async def accept_body(ctx: Context, draft: Draft, answer: Answer) -> str:
    """Store the description (10-2000 characters)."""
    draft["body"] = read_text(answer, low=BODY_MIN, high=BODY_MAX)
    return "occurred_on"


async def ask_date(ctx: Context, draft: Draft) -> Prompt:
    """Ask when it happened."""
    return Prompt(ctx.t("lapor.ask_date"), date_options(ctx))


async def check_date(ctx: Context, klien: Klien, day: date) -> None:
    """Refuse a date in the future or before the klien's placement."""
    if day > ctx.today:
        raise Invalid("lapor.date_future")
    earliest = klien.placed_on or klien.supervision_start
    if day.isoformat() < earliest:
        raise Invalid("lapor.date_before_placement", date=ctx.date_text(earliest))


async def accept_date(ctx: Context, draft: Draft, answer: Answer) -> str:
    """Store the date it happened (not in the future, not before placement)."""
    day = read_date(ctx, answer)
    klien = await draft_klien(ctx, draft)
    await check_date(ctx, klien, day)
    draft["occurred_on"] = day.isoformat()
    return "photo"


async def ask_photo(ctx: Context, draft: Draft) -> Prompt:
    """Offer to attach a photo."""
    return Prompt(ctx.t("lapor.ask_photo"), (Option("skip", ctx.t("lapor.skip_photo")),))


async def accept_photo(ctx: Context, draft: Draft, answer: Answer) -> str:
    """Store a photo reference, or none."""
    if answer.value == "skip":
        draft["photo"] = None
        return CONFIRM
    if answer.photo:
        draft["photo"] = answer.photo
        return CONFIRM
    raise Invalid("lapor.photo_or_skip")


async def summary(ctx: Context, draft: Draft) -> str:
    """Describe the draft for the confirm screen."""
    lines = [
        ctx.t("field.klien") + f": {draft['klien_name']}",
        ctx.t("field.category") + f": {ctx.t('cat.' + draft['category'])}",
        ctx.t("field.outcome") + f": {ctx.t('outcome.' + draft['outcome'])}",
        ctx.t("field.occurred_on") + f": {ctx.date_text(draft['occurred_on'])}",
        ctx.t("field.photo")
        + ": "
        + ctx.t("lapor.photo_yes" if draft.get("photo") else "lapor.photo_no"),
        ctx.t("field.body") + f":\n{draft['body']}",
    ]
    if draft["outcome"] in FOLLOWUP_OUTCOMES:
        due = ctx.today + timedelta(days=ctx.settings.conversations.followup_due_days)
        lines.append(ctx.t("lapor.followup_will_open", due=ctx.date_text(due)))
    return "\n".join(lines)


async def submit(ctx: Context, draft: Draft) -> list[Reply]:
    """Store the report (and a follow-up, and an alert for 'butuh bantuan PK')."""
    klien = await draft_klien(ctx, draft)
    await check_date(ctx, klien, date.fromisoformat(draft["occurred_on"]))
    report_id = await ctx.tx.reports.add(
        ReportIn(
            klien_id=klien.id,
            author_id=ctx.member.id,
            pokmas_id=klien.pokmas_id,
            channel=ctx.event.channel,
            kind="progress",
            category=draft["category"],
            outcome=draft["outcome"],
            body=draft["body"],
            occurred_on=draft["occurred_on"],
            photo_ref=draft.get("photo"),
        ),
        ctx.stamp,
    )
    await ctx.audit("report.create", klien.id, f"report {report_id}")
    replies = [ctx.reply("lapor.saved", klien=klien.name, number=report_id)]
    if draft["outcome"] in FOLLOWUP_OUTCOMES:
        due = ctx.today + timedelta(days=ctx.settings.conversations.followup_due_days)
        await ctx.tx.followups.open(
            klien_id=klien.id,
            owner_id=ctx.member.id,
            title=ctx.t("cat." + draft["category"]) + ": " + draft["body"][:80],
            due_on=due.isoformat(),
            report_id=report_id,
            now=ctx.stamp,
        )
        replies.append(ctx.reply("lapor.followup_opened", due=ctx.date_text(due)))
    if draft["outcome"] == "butuh_bantuan":
        recipients, to_officer = await officer_or_admins(ctx.tx, klien)
        payload = {
            "klien_id": klien.id,
            "klien": klien.name,
            "pokmas_id": klien.pokmas_id,
            "category": draft["category"],
            "body": draft["body"][:500],
            "author": ctx.member.name,
        }
        for member_id in recipients:
            await ctx.tx.outbox.enqueue(
                OutboxRow("help_needed", f"report:{report_id}", "once", member_id, payload),
                now=ctx.stamp,
            )
        ctx.outbox_written = ctx.outbox_written or bool(recipients)
        replies.append(ctx.reply("lapor.officer_told" if to_officer else "lapor.admins_told"))
    return replies


LAPOR = flow.register(
    Flow(
        name="lapor",
        roles=COORDINATOR,
        steps=(
            klien_step(next_step="category"),
            Step(
                "category",
                ask_category,
                accept_category,
                "lapor.help_category",
                "field.category",
                free_text=False,
            ),
            Step(
                "outcome",
                ask_outcome,
                accept_outcome,
                "lapor.help_outcome",
                "field.outcome",
                free_text=False,
            ),
            Step("body", ask_body, accept_body, "lapor.help_body", "field.body"),
            Step("occurred_on", ask_date, accept_date, "lapor.help_date", "field.occurred_on"),
            Step(
                "photo", ask_photo, accept_photo, "lapor.help_photo", "field.photo", free_text=False
            ),
        ),
        summary=summary,
        submit=submit,
    )
)


@renderer("help_needed")
def render_help_needed(items: list[OutboxItem], lang: str) -> Reply:
    """Tell the officer a coordinator needs their help with a klien."""
    p = items[0].payload
    text = t(
        lang,
        "notify.help_needed",
        author=p["author"],
        klien=p["klien"],
        category=t(lang, "cat." + p["category"]),
        body=p["body"],
    )
    return Reply(text, (action_choice("klien", p["klien_id"], t(lang, "notify.open_klien")),))


@command("lapor", COORDINATOR, "menu.lapor", aliases=("report",))
async def lapor(ctx: Context, args: list[str]) -> list[Reply]:
    """Start a progress report."""
    return await flow.start(ctx, LAPOR, args)
