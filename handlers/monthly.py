"""/bulanan: a coordinator's monthly report on one klien (the five check-in questions).

The five questions are the ones a PK asks at a check-in: condition, work, social
environment, problems, plans. The report is stored with kind "monthly" and category
"bimbingan": the monthly check-in is the Pokmas' share of the klien's guidance
(bimbingan), and the kind already tells it apart from a progress report on guidance.
The answers are kept as JSON in `answers` and, for people and exports, joined into a
readable `body` with Indonesian labels (the Bapas' working language, whatever
language the author's chat uses).

One monthly report per klien per calendar month (Bapas time): a second one is refused
when the klien is picked and again when it is sent, because the monthly summary and
the reminder rules count monthly reports; later news goes through /lapor.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from handlers import flow
from handlers.commands import COORDINATOR, command
from handlers.context import Context
from handlers.flow import CONFIRM, Answer, Draft, Flow, Invalid, Prompt, Step
from handlers.i18n import t
from handlers.model import Reply
from handlers.pickers import draft_klien, klien_step, read_text
from storage.reports import ReportIn

QUESTIONS = ("kondisi", "pekerjaan", "lingkungan_sosial", "masalah", "rencana")
ANSWER_MIN, ANSWER_MAX = 3, 1000
KIND, CATEGORY = "monthly", "bimbingan"


def month_bounds(day: date) -> tuple[date, date]:
    """Return the first and last day of the calendar month of `day`."""
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def month_text(ctx: Context, day: date) -> str:
    """Name a month the member's way ("November 2026")."""
    return ctx.t(f"bulanan.month_{day.month}", year=day.year)


async def refuse_second(ctx: Context, klien_id: int, klien_name: str) -> None:
    """Raise Invalid when the klien already has a monthly report this month."""
    first, last = month_bounds(ctx.today)
    existing = await ctx.tx.reports.monthly_between(klien_id, first.isoformat(), last.isoformat())
    if existing is not None:
        raise Invalid(
            "bulanan.already", klien=klien_name, month=month_text(ctx, ctx.today), number=existing
        )


_PICK = klien_step(next_step=QUESTIONS[0])


async def accept_klien(ctx: Context, draft: Draft, answer: Answer) -> str:
    """Store the klien, unless it already has this month's report."""
    before: Draft = {key: draft[key] for key in ("klien", "klien_name") if key in draft}
    following = await _PICK.accept(ctx, draft, answer)
    if following == _PICK.name:  # paging or searching: nothing chosen yet
        return following
    try:
        await refuse_second(ctx, int(draft["klien"]), str(draft["klien_name"]))
    except Invalid:
        draft.pop("klien", None)
        draft.pop("klien_name", None)
        draft.update(before)  # an edit that is refused keeps the klien chosen before
        raise
    return following


def question_step(name: str, next_step: str) -> Step:
    """Return the step that asks one of the five questions into draft[name]."""

    async def ask(ctx: Context, draft: Draft) -> Prompt:
        return Prompt(
            ctx.t(
                f"bulanan.ask_{name}",
                klien=draft.get("klien_name", ""),
                month=month_text(ctx, ctx.today),
                low=ANSWER_MIN,
                high=ANSWER_MAX,
            )
        )

    async def accept(ctx: Context, draft: Draft, answer: Answer) -> str:
        draft[name] = read_text(answer, low=ANSWER_MIN, high=ANSWER_MAX)
        return next_step

    return Step(name, ask, accept, "bulanan.help", f"bulanan.field_{name}")


async def summary(ctx: Context, draft: Draft) -> str:
    """Describe the draft for the confirm screen."""
    lines = [
        ctx.t("field.klien") + f": {draft['klien_name']}",
        ctx.t("bulanan.field_month") + f": {month_text(ctx, ctx.today)}",
    ]
    lines += [ctx.t(f"bulanan.field_{q}") + f":\n{draft[q]}" for q in QUESTIONS]
    return "\n".join(lines)


def body_text(answers: dict[str, str]) -> str:
    """Join the answers into one readable text, labelled in Indonesian."""
    return "\n".join(t("id", f"bulanan.field_{q}") + f": {answers[q]}" for q in QUESTIONS)


async def submit(ctx: Context, draft: Draft) -> list[Reply]:
    """Store the monthly report (once per klien per month)."""
    klien = await draft_klien(ctx, draft)
    await refuse_second(ctx, klien.id, klien.name)
    answers = {q: str(draft[q]) for q in QUESTIONS}
    report_id = await ctx.tx.reports.add(
        ReportIn(
            klien_id=klien.id,
            author_id=ctx.member.id,
            pokmas_id=klien.pokmas_id,
            channel=ctx.event.channel,
            kind=KIND,
            category=CATEGORY,
            body=body_text(answers),
            occurred_on=ctx.today.isoformat(),
            answers=answers,
        ),
        ctx.stamp,
    )
    await ctx.audit("report.create", klien.id, f"monthly report {report_id}")
    return [
        ctx.reply(
            "bulanan.saved", klien=klien.name, month=month_text(ctx, ctx.today), number=report_id
        )
    ]


BULANAN = flow.register(
    Flow(
        name="bulanan",
        roles=COORDINATOR,
        steps=(
            dataclasses.replace(_PICK, accept=accept_klien),
            *(
                question_step(q, QUESTIONS[i + 1] if i + 1 < len(QUESTIONS) else CONFIRM)
                for i, q in enumerate(QUESTIONS)
            ),
        ),
        summary=summary,
        submit=submit,
    )
)


@command("bulanan", COORDINATOR, "menu.bulanan", aliases=("monthly",))
async def bulanan(ctx: Context, args: list[str]) -> list[Reply]:
    """Start a monthly report."""
    return await flow.start(ctx, BULANAN, args)
