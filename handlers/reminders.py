"""The reminder rules of DESIGN.md ("Reminder rules"), the sweep that runs them, and their texts.

Each rule is `async def rule(tx, now, settings) -> int`: it derives what is due
from the database at the injected `now` (never the wall clock) and writes outbox
rows with set-based SQL (storage/sweep.py), returning how many were new. The
outbox's unique key (kind, subject, period, member) makes each reminder happen
once per period whatever the number of sweeps; the periods are chosen so that a
change in the world re-arms a reminder:

| rule                 | kind                   | to                    | period             |
|----------------------|------------------------|-----------------------|--------------------|
| no report            | no_report              | coordinators          | silence start      |
| escalation           | no_report_officer      | officer               | silence start      |
| check-in due         | checkin_due            | officer, coordinators | due date           |
| check-in missed      | checkin_missed         | officer, coordinators | due date           |
| three misses         | three_misses           | officer, admins       | checkin:<id>       |
| supervision ending   | supervision_end        | officer               | <days>:<end date>  |
| follow-up stale      | followup_stale         | owner                 | due date           |
|                      | followup_stale_officer | officer (not owner)   | due date           |
| incident not acked   | incident               | officer, then admins  | repeat number      |
| service hours behind | service_hours_behind   | officer               | ISO week           |
| PKS expiring         | pks_expiring           | admins                | expiry date        |
| weekly digest        | weekly_digest          | each officer          | ISO week           |
| monthly summary      | monthly_summary        | each observer         | YYYY-MM            |
| delivery problems    | delivery_problems      | admins                | local date         |
| draft expiring       | draft_nudge            | the draft's member    | (handlers/drafts)  |

The silence of a klien starts at its newest report or its placement (local
midnight of placed_on), whichever is later, so a new report starts a new period.
Snoozes (/tunda) silence both no-report rules for one klien until a date.

Check-ins: an unrecorded due date is *not* counted as a miss. The sweep tells
the officer (and coordinator) the day after ("missed") and the officer records
what happened with /wajiblapor; only a recorded *tidak hadir* adds to the run of
misses, because three misses are a legal ground for revoking conditional release
and must rest on the officer's record, not on a missing entry.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from handlers.commands import action_choice
from handlers.drafts import nudge_expiring_drafts
from handlers.i18n import t
from handlers.model import Choice, Reply
from handlers.notify import renderer
from handlers.settings import Settings
from handlers.summary import IN_WORK_DAYS, suppress
from storage import Database, Tx
from storage.enums import CATEGORIES, PROGRAMS, SECTORS
from storage.klien import Klien
from storage.members import Member
from storage.outbox import OutboxItem, OutboxRow
from storage.summary import AreaFigures
from storage.timeutil import date_text, local_midnight, ts

RuleFn = Callable[[Tx, datetime, Settings], Awaitable[int]]

LAST_SWEEP_KEY = "reminders.last_sweep_at"
SNOOZE_KIND = "no_report"  # the rule family a /tunda silences
DELIVERY_REPORT_AT = time(8, 0)  # local time of the admins' daily delivery report
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CHECKIN_WINDOW_DAYS = 7  # the weekly digest's "check-ins coming up"
ENDING_WINDOW_DAYS = 30  # the weekly digest's "supervision ending"
MAX_LINES = 15  # items listed per kind in one message; the rest are counted


# -- time ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SweepTime:
    """One sweep's `now`, as the rules compare it: stored text, local date, UTC offset."""

    now: datetime
    stamp: str
    local: datetime
    today: date
    to_local: str  # SQLite date modifier from stored UTC to local time
    to_utc: str


def sweep_time(now: datetime, settings: Settings) -> SweepTime:
    """Return `now` seen from the Bapas time zone."""
    local = now.astimezone(settings.timezone)
    offset = local.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    return SweepTime(
        now=now,
        stamp=ts(now),
        local=local,
        today=local.date(),
        to_local=f"{minutes:+d} minutes",
        to_utc=f"{-minutes:+d} minutes",
    )


def iso_week(day: date) -> str:
    """Return the ISO week of a date as '2026-W49'."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _week_label(week: str) -> str:
    """Render '2026-W49' as the week's dates, '30/11–06/12/2026'."""
    year, number = week.split("-W")
    monday = date.fromisocalendar(int(year), int(number), 1)
    sunday = monday + timedelta(days=6)
    return f"{monday:%d/%m}\u2013{sunday:%d/%m/%Y}"


def weekly_slot(local: datetime, spec: str) -> datetime:
    """Return this ISO week's digest moment for a spec like 'mon 07:30' (local time)."""
    day, hhmm = spec.split()
    monday = local.date() - timedelta(days=local.weekday())
    when = monday + timedelta(days=WEEKDAYS.index(day.lower()))
    return datetime.combine(when, time.fromisoformat(hhmm), tzinfo=local.tzinfo)


def monthly_slot(local: datetime, spec: str) -> datetime:
    """Return this month's summary moment for a spec like '1 08:00' (local time)."""
    day, hhmm = spec.split()
    when = local.date().replace(day=int(day))
    return datetime.combine(when, time.fromisoformat(hhmm), tzinfo=local.tzinfo)


# -- the rules -------------------------------------------------------------------------------


async def _silence(tx: Tx, now: datetime, settings: Settings, kind: str, to: str, days: int) -> int:
    at = sweep_time(now, settings)
    return await tx.sweep.no_report(
        kind=kind,
        to=to,
        now=at.stamp,
        cutoff=local_midnight(at.today - timedelta(days=days - 1), settings.timezone),
        today=at.today.isoformat(),
        to_local=at.to_local,
        to_utc=at.to_utc,
        days=days,
    )


async def no_report(tx: Tx, now: datetime, settings: Settings) -> int:
    """Nudge the coordinators of klien with no report for `no_report_days` local days."""
    days = settings.reminders.no_report_days
    return await _silence(tx, now, settings, "no_report", "coordinator", days)


async def no_report_escalation(tx: Tx, now: datetime, settings: Settings) -> int:
    """Tell the officer about klien still without a report after `escalation_days`."""
    days = settings.reminders.escalation_days
    return await _silence(tx, now, settings, "no_report_officer", "officer", days)


async def checkin_due(tx: Tx, now: datetime, settings: Settings) -> int:
    """Remind officer and coordinators of check-ins due within `checkin_due_days_before`."""
    at = sweep_time(now, settings)
    until = at.today + timedelta(days=settings.reminders.checkin_due_days_before)
    return await tx.sweep.checkin_due(
        now=at.stamp, today=at.today.isoformat(), until=until.isoformat()
    )


async def checkin_missed(tx: Tx, now: datetime, settings: Settings) -> int:
    """Tell officer and coordinators of a check-in date that passed with nothing recorded."""
    at = sweep_time(now, settings)
    return await tx.sweep.checkin_missed(now=at.stamp, today=at.today.isoformat())


async def three_misses(tx: Tx, now: datetime, settings: Settings) -> int:
    """Alert officer and admins to runs of `checkin_misses_alert` recorded misses."""
    at = sweep_time(now, settings)
    return await tx.sweep.three_misses(
        now=at.stamp, threshold=settings.reminders.checkin_misses_alert
    )


async def supervision_ending(tx: Tx, now: datetime, settings: Settings) -> int:
    """Tell the officer when supervision ends in 30 and in 7 days (`supervision_end_days`).

    Only the nearest threshold fires: a sweep that first sees 5 days left sends
    the 7-day notice, not the 30-day one as well.
    """
    at = sweep_time(now, settings)
    thresholds = sorted(set(settings.reminders.supervision_end_days), reverse=True)
    total = 0
    for i, days in enumerate(thresholds):
        below = thresholds[i + 1] if i + 1 < len(thresholds) else -1
        total += await tx.sweep.supervision_end(
            now=at.stamp,
            days=days,
            first=(at.today + timedelta(days=below + 1)).isoformat(),
            last=(at.today + timedelta(days=days)).isoformat(),
        )
    return total


async def followup_stale(tx: Tx, now: datetime, settings: Settings) -> int:
    """Remind the owner of a follow-up past due; the officer too after some days."""
    at = sweep_time(now, settings)
    officer_days = max(1, settings.reminders.followup_officer_after_days)
    return await tx.sweep.followup_stale(
        now=at.stamp,
        owner_due_before=at.today.isoformat(),
        officer_due_by=(at.today - timedelta(days=officer_days)).isoformat(),
    )


async def incident_unacknowledged(tx: Tx, now: datetime, settings: Settings) -> int:
    """Repeat an unacknowledged incident alert every `incident_repeat_hours`.

    Repeats go to the officer; from repeat `incident_admin_after` on, to every
    admin as well. Pending repeats of incidents acknowledged meanwhile are
    dropped, so that the repeats stop at the acknowledgement.
    """
    r = settings.reminders
    await tx.sweep.drop_acknowledged_repeats()
    return await tx.sweep.incident_repeats(
        now=ts(now),
        first_due=ts(now - timedelta(hours=r.incident_repeat_hours)),
        repeat_hours=r.incident_repeat_hours,
        admin_after=r.incident_admin_after,
    )


async def service_hours_behind(tx: Tx, now: datetime, settings: Settings) -> int:
    """Tell the officer, once a week, of community service behind a linear schedule."""
    at = sweep_time(now, settings)
    return await tx.sweep.service_hours_behind(
        now=at.stamp,
        today=at.today.isoformat(),
        week=iso_week(at.today),
        slack=settings.reminders.service_hours_slack,
    )


async def pks_expiring(tx: Tx, now: datetime, settings: Settings) -> int:
    """Tell the admins of Pokmas agreements expiring within `pks_expiry_days`."""
    at = sweep_time(now, settings)
    until = at.today + timedelta(days=settings.reminders.pks_expiry_days)
    return await tx.sweep.pks_expiring(
        now=at.stamp, today=at.today.isoformat(), until=until.isoformat()
    )


async def weekly_digest(tx: Tx, now: datetime, settings: Settings) -> int:
    """Send each officer their caseload at a glance, once a week from the configured time."""
    at = sweep_time(now, settings)
    slot = weekly_slot(at.local, settings.reminders.weekly_digest)
    if at.local < slot:
        return 0
    week = iso_week(slot.date())
    if not await tx.sweep.members_without("officer", "weekly_digest", week):
        return 0
    days = settings.reminders.no_report_days
    return await tx.sweep.weekly_digest(
        now=at.stamp,
        week=week,
        today=at.today.isoformat(),
        due_until=(at.today + timedelta(days=CHECKIN_WINDOW_DAYS)).isoformat(),
        ending_until=(at.today + timedelta(days=ENDING_WINDOW_DAYS)).isoformat(),
        cutoff=local_midnight(at.today - timedelta(days=days - 1), settings.timezone),
        days=days,
    )


async def monthly_summary(tx: Tx, now: datetime, settings: Settings) -> int:
    """Send each observer last month's aggregate figures for their kabupaten (no names)."""
    at = sweep_time(now, settings)
    slot = monthly_slot(at.local, settings.reminders.monthly_summary)
    if at.local < slot:
        return 0
    period = slot.strftime("%Y-%m")
    observers = await tx.sweep.members_without("observer", "monthly_summary", period)
    if not observers:
        return 0
    this_month = slot.date().replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    tz = settings.timezone
    areas = await tx.sweep.area_figures(
        start=local_midnight(last_month, tz),
        end=local_midnight(this_month, tz),
        work_since=ts(now - timedelta(days=IN_WORK_DAYS)),
    )
    rows = []
    for member_id in observers:
        member = await tx.members.get(member_id)
        if member is None or not member.kabupaten:
            continue
        figures = areas.get(member.kabupaten, AreaFigures({}, {}, {}, 0))
        payload = {
            "kabupaten": member.kabupaten,
            "month": last_month.strftime("%Y-%m"),
            "by_program": figures.active_by_program,
            "by_sector": figures.active_by_sector,
            "by_category": figures.reports_by_category,
            "in_work": figures.in_work,
            "in_work_days": IN_WORK_DAYS,
        }
        rows.append(OutboxRow("monthly_summary", f"member:{member_id}", period, member_id, payload))
    return await tx.outbox.enqueue_many(rows, now=at.stamp) if rows else 0


async def delivery_problems(tx: Tx, now: datetime, settings: Settings) -> int:
    """Tell the admins, once a day, how many of yesterday's messages failed or are held."""
    at = sweep_time(now, settings)
    if at.local.time() < DELIVERY_REPORT_AT:
        return 0
    period = at.today.isoformat()
    admins = await tx.sweep.members_without("admin", "delivery_problems", period)
    if not admins:
        return 0
    yesterday = at.today - timedelta(days=1)
    tz = settings.timezone
    problems = await tx.sweep.delivery_problems(
        start=local_midnight(yesterday, tz), end=local_midnight(at.today, tz)
    )
    if problems.total == 0:
        return 0
    payload = {
        "day": yesterday.isoformat(),
        "total": problems.total,
        "by_status": problems.by_status,
        "by_kind": problems.by_kind,
        "held_members": list(problems.held_members),
        "held_now": problems.held_now,
    }
    rows = [OutboxRow("delivery_problems", f"member:{m}", period, m, payload) for m in admins]
    return await tx.outbox.enqueue_many(rows, now=at.stamp)


async def draft_nudges(tx: Tx, now: datetime, settings: Settings) -> int:
    """Nudge members about drafts about to expire (handlers/drafts.py)."""
    return await nudge_expiring_drafts(tx, now, settings)


RULES: tuple[tuple[str, RuleFn], ...] = (
    ("incident", incident_unacknowledged),
    ("three_misses", three_misses),
    ("no_report", no_report),
    ("no_report_officer", no_report_escalation),
    ("checkin_due", checkin_due),
    ("checkin_missed", checkin_missed),
    ("supervision_end", supervision_ending),
    ("followup_stale", followup_stale),
    ("service_hours_behind", service_hours_behind),
    ("pks_expiring", pks_expiring),
    ("weekly_digest", weekly_digest),
    ("monthly_summary", monthly_summary),
    ("delivery_problems", delivery_problems),
    ("draft_nudge", draft_nudges),
)


# -- the sweep -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepResult:
    """What one sweep wrote: new outbox rows per rule."""

    at: datetime
    created: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Return the number of new outbox rows."""
        return sum(self.created.values())


@dataclass(frozen=True)
class Preview:
    """What a sweep at some time would write, computed and rolled back."""

    result: SweepResult
    items: tuple[OutboxItem, ...]
    recipients: dict[int, Member]


class _Discard(Exception):
    """Raised inside the preview's transaction so that it rolls back."""


async def run_rules(tx: Tx, now: datetime, settings: Settings) -> SweepResult:
    """Run every rule inside the caller's transaction."""
    if now.tzinfo is None:
        raise ValueError("naive datetime: the sweep needs an aware `now`")
    created = {name: await rule(tx, now, settings) for name, rule in RULES}
    return SweepResult(at=now, created=created)


async def sweep(db: Database, settings: Settings, now: datetime) -> SweepResult:
    """Run every rule in one transaction and remember when (for catch-up after downtime)."""
    async with db.transaction() as tx:
        result = await run_rules(tx, now, settings)
        await housekeeping(tx, now)
        last = await tx.sweep.get_meta(LAST_SWEEP_KEY)
        if last is None or last < ts(now):
            await tx.sweep.set_meta(LAST_SWEEP_KEY, ts(now), ts(now))
    return result


EVENT_MEMORY = timedelta(days=30)  # transports redeliver for hours or days, not a month


async def housekeeping(tx: Tx, now: datetime) -> None:
    """Forget old de-duplication ids and wrong-code attempts (both only matter briefly)."""
    await tx.events.prune(ts(now - EVENT_MEMORY))
    await tx.members.prune_auth_failures(ts(now - timedelta(days=1)))


async def preview(db: Database, settings: Settings, now: datetime) -> Preview:
    """Compute what a sweep at `now` would write, then roll it all back."""
    found: Preview | None = None
    try:
        async with db.transaction() as tx:
            before = await tx.sweep.last_outbox_id()
            result = await run_rules(tx, now, settings)
            items = await tx.sweep.outbox_after(before)
            recipients: dict[int, Member] = {}
            for member_id in sorted({i.member_id for i in items}):
                member = await tx.members.get(member_id)
                if member is not None:
                    recipients[member_id] = member
            found = Preview(result, tuple(items), recipients)
            raise _Discard
    except _Discard:
        pass
    assert found is not None
    return found


async def last_sweep_at(db: Database) -> str | None:
    """Return the stored time of the last sweep, if any."""
    async with db.read() as tx:
        return await tx.sweep.get_meta(LAST_SWEEP_KEY)


async def alert_three_misses(tx: Tx, klien: Klien, checkin_id: int, misses: int, now: str) -> int:
    """Queue the three-misses alert to the officer and every admin (the rule's key)."""
    officer = await tx.members.get(klien.officer_id) if klien.officer_id else None
    payload = {
        "klien_id": klien.id,
        "klien": klien.name,
        "misses": misses,
        "officer": officer.name if officer else None,
    }
    recipients = [m.id for m in await tx.members.by_role("admin")]
    if officer is not None and officer.active:
        recipients.insert(0, officer.id)
    rows = [
        OutboxRow("three_misses", f"klien:{klien.id}", f"checkin:{checkin_id}", m, payload)
        for m in recipients
    ]
    return await tx.outbox.enqueue_many(rows, now=now)


# -- rendering -------------------------------------------------------------------------------


def _klien_choices(items: list[OutboxItem]) -> list[Choice]:
    """Return one 'open klien card' choice per klien (officers and admins only)."""
    seen: dict[int, Choice] = {}
    for item in items:
        p = item.payload
        if p.get("role", "officer") in ("officer", "admin") and p["klien_id"] not in seen:
            seen[p["klien_id"]] = action_choice("klien", p["klien_id"], str(p["klien"])[:40])
    return list(seen.values())


def _list(lang: str, header: str, lines: list[str]) -> str:
    """Join a header and item lines, counting the lines past MAX_LINES."""
    shown = lines[:MAX_LINES]
    if len(lines) > MAX_LINES:
        shown.append(t(lang, "remind.more", count=len(lines) - MAX_LINES))
    return "\n".join([header, *shown])


def _item(lang: str, item: OutboxItem, detail: str) -> str:
    return t(lang, "remind.item", klien=item.payload["klien"], detail=detail)


@renderer("no_report", batched=True)
def render_no_report(items: list[OutboxItem], lang: str) -> Reply:
    """Ask a coordinator for reports on klien silent for too long."""
    days = items[0].payload["days"]
    lines = [
        _item(lang, i, t(lang, "remind.since", date=date_text(i.payload["since_on"])))
        for i in items
    ]
    text = _list(lang, t(lang, "remind.no_report", days=days), lines)
    return Reply(text, (action_choice("cmd", "lapor", t(lang, "remind.send_report")),))


@renderer("no_report_officer", batched=True)
def render_no_report_officer(items: list[OutboxItem], lang: str) -> Reply:
    """Tell an officer which of their klien still have no report."""
    days = items[0].payload["days"]
    lines = [
        _item(lang, i, t(lang, "remind.since", date=date_text(i.payload["since_on"])))
        for i in items
    ]
    text = _list(lang, t(lang, "remind.no_report_officer", days=days), lines)
    return Reply(text, tuple(_klien_choices(items)))


def _by_role(items: list[OutboxItem]) -> str:
    return "coordinator" if items[0].payload.get("role") == "coordinator" else "officer"


@renderer("checkin_due", batched=True)
def render_checkin_due(items: list[OutboxItem], lang: str) -> Reply:
    """List check-ins coming due (officer) or ask a coordinator to remind the klien."""
    lines = [
        _item(lang, i, t(lang, "remind.due_on", date=date_text(i.payload["due_on"]))) for i in items
    ]
    text = _list(lang, t(lang, f"remind.checkin_due_{_by_role(items)}"), lines)
    return Reply(text, tuple(_klien_choices(items)))


@renderer("checkin_missed", batched=True)
def render_checkin_missed(items: list[OutboxItem], lang: str) -> Reply:
    """List check-in dates that passed with nothing recorded."""
    role = _by_role(items)
    lines = [
        _item(lang, i, t(lang, "remind.due_on", date=date_text(i.payload["due_on"]))) for i in items
    ]
    text = _list(lang, t(lang, f"remind.checkin_missed_{role}"), lines)
    choices = _klien_choices(items)
    if role == "officer":
        choices.insert(0, action_choice("cmd", "wajiblapor", t(lang, "remind.record_checkin")))
    return Reply(text, tuple(choices))


@renderer("three_misses")
def render_three_misses(items: list[OutboxItem], lang: str) -> Reply:
    """Alert an officer or admin to a run of missed check-ins."""
    p = items[0].payload
    text = t(
        lang,
        "remind.three_misses",
        klien=p["klien"],
        misses=p["misses"],
        officer=p["officer"] or "-",
    )
    return Reply(text, (action_choice("klien", p["klien_id"], str(p["klien"])[:40]),))


@renderer("supervision_end", batched=True)
def render_supervision_end(items: list[OutboxItem], lang: str) -> Reply:
    """List klien whose supervision ends soon."""
    lines = [
        _item(lang, i, t(lang, "remind.ends_on", date=date_text(i.payload["end_on"])))
        for i in items
    ]
    return Reply(
        _list(lang, t(lang, "remind.supervision_end"), lines), tuple(_klien_choices(items))
    )


@renderer("followup_stale", batched=True)
def render_followup_stale(items: list[OutboxItem], lang: str) -> Reply:
    """List a member's own follow-ups past their due date."""
    lines = [
        _item(
            lang,
            i,
            t(
                lang,
                "remind.followup_item",
                title=i.payload["title"],
                date=date_text(i.payload["due_on"]),
            ),
        )
        for i in items
    ]
    choices = [action_choice("cmd", "tindaklanjut", t(lang, "remind.my_followups"))]
    return Reply(_list(lang, t(lang, "remind.followup_stale"), lines), tuple(choices))


@renderer("followup_stale_officer", batched=True)
def render_followup_stale_officer(items: list[OutboxItem], lang: str) -> Reply:
    """List follow-ups of the officer's klien that others left overdue."""
    lines = [
        _item(
            lang,
            i,
            t(
                lang,
                "remind.followup_item_owner",
                title=i.payload["title"],
                date=date_text(i.payload["due_on"]),
                owner=i.payload["owner"],
            ),
        )
        for i in items
    ]
    text = _list(lang, t(lang, "remind.followup_stale_officer"), lines)
    return Reply(text, tuple(_klien_choices(items)))


def _hours(value: object) -> str:
    number = float(value)  # type: ignore[arg-type]
    return f"{number:g}"


@renderer("service_hours_behind", batched=True)
def render_service_hours(items: list[OutboxItem], lang: str) -> Reply:
    """List klien whose community-service hours lag behind the schedule."""
    lines = [
        _item(
            lang,
            i,
            t(
                lang,
                "remind.hours_item",
                logged=_hours(i.payload["logged"]),
                ordered=_hours(i.payload["ordered"]),
                expected=_hours(i.payload["expected"]),
            ),
        )
        for i in items
    ]
    return Reply(_list(lang, t(lang, "remind.service_hours"), lines), tuple(_klien_choices(items)))


@renderer("pks_expiring", batched=True)
def render_pks_expiring(items: list[OutboxItem], lang: str) -> Reply:
    """List Pokmas agreements about to expire (admins)."""
    lines = [
        t(
            lang,
            "remind.pks_item",
            pokmas=i.payload["pokmas"],
            code=i.payload["code"],
            number=i.payload.get("pks_number") or "-",
            date=date_text(i.payload["expires_on"]),
        )
        for i in items
    ]
    return Reply(_list(lang, t(lang, "remind.pks_expiring"), lines))


@renderer("weekly_digest")
def render_weekly_digest(items: list[OutboxItem], lang: str) -> Reply:
    """Give an officer their caseload at a glance."""
    p = items[0].payload
    text = t(
        lang,
        "remind.weekly",
        week=_week_label(str(p["week"])),
        active=p["active"],
        days=p["days"],
        silent=p["silent"],
        due=p["checkins_due"],
        missed=p["checkins_missed"],
        misses=p["misses"],
        ending=p["ending"],
        open=p["followups_open"],
        overdue=p["followups_overdue"],
        incidents=p["incidents"],
    )
    return Reply(
        text,
        (
            action_choice("cmd", "ringkasan", "/ringkasan"),
            action_choice("cmd", "tertunda", "/tertunda"),
        ),
    )


def _small(n: int) -> str:
    """Suppress one standalone count for observers (1-4 shows as '<5')."""
    return "<5" if 0 < n < 5 else str(n)


def _breakdown(lang: str, counts: dict[str, int], prefix: str, order: tuple[str, ...]) -> str:
    """Render an observer breakdown with small counts suppressed, in a fixed order."""
    shown = suppress(counts)
    if shown is None:
        return t(lang, "remind.monthly_withheld")
    parts = [f"{t(lang, prefix + key)} {shown[key]}" for key in order if key in shown]
    return " · ".join(parts) or t(lang, "remind.monthly_none")


@renderer("monthly_summary")
def render_monthly_summary(items: list[OutboxItem], lang: str) -> Reply:
    """Give an observer last month's aggregate figures for their kabupaten (nobody named)."""
    p = items[0].payload
    month = date.fromisoformat(p["month"] + "-01").strftime("%m/%Y")
    active = sum(int(v) for v in p["by_program"].values())
    reports = sum(int(v) for v in p["by_category"].values())
    lines = [
        t(lang, "remind.monthly", month=month, kabupaten=p["kabupaten"]),
        t(lang, "remind.monthly_active", count=_small(active)),
        t(
            lang,
            "remind.monthly_program",
            parts=_breakdown(lang, p["by_program"], "summary.program.", PROGRAMS),
        ),
        t(
            lang,
            "remind.monthly_sector",
            parts=_breakdown(lang, p["by_sector"], "summary.sector.", SECTORS),
        ),
        t(lang, "remind.monthly_reports", count=_small(reports)),
        t(
            lang,
            "remind.monthly_category",
            parts=_breakdown(lang, p["by_category"], "cat.", CATEGORIES),
        ),
        t(lang, "remind.monthly_in_work", count=_small(int(p["in_work"])), days=p["in_work_days"]),
    ]
    return Reply("\n".join(lines))


@renderer("delivery_problems")
def render_delivery_problems(items: list[OutboxItem], lang: str) -> Reply:
    """Tell an admin how many messages failed or are held (no message content, no klien)."""
    p = items[0].payload
    by_status = ", ".join(
        f"{t(lang, 'remind.status.' + status)} {n}" for status, n in sorted(p["by_status"].items())
    )
    by_kind = ", ".join(f"{kind} {n}" for kind, n in sorted(p["by_kind"].items()))
    text = t(
        lang,
        "remind.delivery",
        date=date_text(p["day"]),
        total=p["total"],
        by_status=by_status,
        by_kind=by_kind,
        held_now=p["held_now"],
    )
    if p["held_members"]:
        names = ", ".join(p["held_members"])
        text += "\n" + t(lang, "remind.delivery_held_members", names=names)
    return Reply(text)
