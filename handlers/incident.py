"""/insiden: a coordinator flags an incident; the klien's officer is alerted at once.

The report (kind "incident", category "insiden"), the incident row and the outbox
alert are written in the one transaction of the event that sends it: either all
three exist or none does. The alert is the first of a series (period "0"); the
reminder sweep repeats it (periods "1", "2", ...) until someone acknowledges it with
the "ack" action offered in the alert.
"""

from __future__ import annotations

from handlers import flow
from handlers.commands import ADMIN, COORDINATOR, OFFICER, action, action_choice, command, parse_id
from handlers.context import Context
from handlers.flow import CONFIRM, Answer, Draft, Flow, Invalid, Option, Prompt, Step
from handlers.i18n import t
from handlers.model import Reply
from handlers.notify import officer_or_admins, renderer
from handlers.pickers import draft_klien, klien_step, read_text
from storage.enums import SEVERITIES
from storage.outbox import OutboxItem, OutboxRow
from storage.reports import ReportIn
from storage.timeutil import parse_ts

BODY_MIN, BODY_MAX = 10, 2000
ALERT_KIND = "incident"
FIRST_PERIOD = "0"  # the reminder sweep adds "1", "2", ... every few hours


def alert_subject(incident_id: int) -> str:
    """Return the outbox subject shared by an incident's alert and its repeats."""
    return f"incident:{incident_id}"


async def ask_severity(ctx: Context, draft: Draft) -> Prompt:
    """Ask how serious the incident is."""
    return Prompt(
        ctx.t("insiden.ask_severity", klien=draft["klien_name"]),
        tuple(
            Option(s, ctx.t(f"insiden.sev_{s}"), ctx.t(f"insiden.sev_{s}_hint")) for s in SEVERITIES
        ),
    )


async def accept_severity(ctx: Context, draft: Draft, answer: Answer) -> str:
    """Store the severity."""
    if answer.value not in SEVERITIES:
        raise Invalid("flow.pick_option")
    draft["severity"] = answer.value
    return "body"


async def ask_body(ctx: Context, draft: Draft) -> Prompt:
    """Ask what happened."""
    return Prompt(ctx.t("insiden.ask_body", low=BODY_MIN, high=BODY_MAX))


async def accept_body(ctx: Context, draft: Draft, answer: Answer) -> str:
    """Store the description (10-2000 characters)."""
    draft["body"] = read_text(answer, low=BODY_MIN, high=BODY_MAX)
    return CONFIRM


async def summary(ctx: Context, draft: Draft) -> str:
    """Describe the draft for the confirm screen."""
    return "\n".join(
        (
            ctx.t("field.klien") + f": {draft['klien_name']}",
            ctx.t("insiden.field_severity") + f": {ctx.t('insiden.sev_' + draft['severity'])}",
            ctx.t("insiden.field_body") + f":\n{draft['body']}",
        )
    )


async def submit(ctx: Context, draft: Draft) -> list[Reply]:
    """Store the incident report and alert the klien's officer in the same transaction."""
    klien = await draft_klien(ctx, draft)
    report_id = await ctx.tx.reports.add(
        ReportIn(
            klien_id=klien.id,
            author_id=ctx.member.id,
            pokmas_id=klien.pokmas_id,
            channel=ctx.event.channel,
            kind="incident",
            category="insiden",
            body=draft["body"],
            occurred_on=ctx.today.isoformat(),
        ),
        ctx.stamp,
    )
    incident_id = await ctx.tx.reports.add_incident(
        report_id, klien.id, draft["severity"], ctx.stamp
    )
    await ctx.audit("incident.create", klien.id, f"incident {incident_id} report {report_id}")
    pokmas = await ctx.tx.pokmas.get(klien.pokmas_id) if klien.pokmas_id else None
    payload = {
        "incident_id": incident_id,
        "report_id": report_id,
        "klien_id": klien.id,
        "klien": klien.name,
        "pokmas": pokmas.name if pokmas else "",
        "severity": draft["severity"],
        "body": draft["body"][:1000],
        "author": ctx.member.name,
    }
    # No (active) officer: the incident must still reach someone, so every admin gets it.
    recipients, to_officer = await officer_or_admins(ctx.tx, klien)
    key = "insiden.saved" if to_officer else "insiden.saved_no_officer"
    for member_id in recipients:
        await ctx.tx.outbox.enqueue(
            OutboxRow(ALERT_KIND, alert_subject(incident_id), FIRST_PERIOD, member_id, payload),
            now=ctx.stamp,
        )
    ctx.outbox_written = ctx.outbox_written or bool(recipients)
    return [ctx.reply(key, klien=klien.name, number=incident_id)]


INSIDEN = flow.register(
    Flow(
        name="insiden",
        roles=COORDINATOR,
        steps=(
            klien_step(next_step="severity"),
            Step(
                "severity",
                ask_severity,
                accept_severity,
                "insiden.help_severity",
                "insiden.field_severity",
                free_text=False,
            ),
            Step("body", ask_body, accept_body, "insiden.help_body", "insiden.field_body"),
        ),
        summary=summary,
        submit=submit,
    )
)


@command("insiden", COORDINATOR, "menu.insiden", aliases=("incident",))
async def insiden(ctx: Context, args: list[str]) -> list[Reply]:
    """Start an incident report."""
    return await flow.start(ctx, INSIDEN, args)


@renderer(ALERT_KIND)
def render_incident(items: list[OutboxItem], lang: str) -> Reply:
    """Alert an officer (or admin) to an incident, with a button to acknowledge it."""
    item = items[0]
    p = item.payload
    text = t(
        lang,
        "insiden.alert",
        severity=t(lang, "insiden.sev_" + str(p["severity"])),
        number=p["incident_id"],
        klien=p["klien"],
        pokmas=p["pokmas"],
        author=p["author"],
        body=p["body"],
    )
    if item.period != FIRST_PERIOD:
        text = t(lang, "insiden.alert_repeat", repeat=item.period) + "\n" + text
    return Reply(
        text,
        (
            action_choice("ack", p["incident_id"], t(lang, "insiden.ack_button")),
            action_choice("klien", p["klien_id"], t(lang, "notify.open_klien")),
        ),
    )


@action("ack", OFFICER | ADMIN)
async def acknowledge(ctx: Context, value: str) -> list[Reply]:
    """Acknowledge an incident in the member's scope (once; later taps say who did)."""
    incident_id = parse_id(value)
    if incident_id is None:
        return [ctx.reply("insiden.not_found")]
    incident = await ctx.tx.reports.incident(incident_id, ctx.member.scope)
    klien = await ctx.tx.klien.get(incident.klien_id, ctx.member.scope) if incident else None
    if incident is None or klien is None:
        return [ctx.reply("insiden.not_found")]
    if await ctx.tx.reports.acknowledge(incident.id, ctx.member.id, ctx.stamp):
        await ctx.audit("incident.ack", klien.id, f"incident {incident.id}")
        return [ctx.reply("insiden.ack_done", number=incident.id, klien=klien.name)]
    by = await ctx.tx.members.get(incident.acknowledged_by or 0)
    at = incident.acknowledged_at
    when = ctx.local(parse_ts(at)).strftime("%d/%m/%Y %H:%M") if at else ""
    return [
        ctx.reply("insiden.ack_already", number=incident.id, name=by.name if by else "", when=when)
    ]
