"""The reminder rules with an injected clock: each fires at its threshold and not before,
once per period however many sweeps run, and again in the next period.

Times are Jakarta wall-clock times (`local(...)`); the seeded world (tests/conftest.py)
has klien placed on 01/09/2026 with their first check-in due 01/10/2026, so every
test looks only at the rows about the klien it sets up.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from handlers import reminders
from handlers.notify import RENDERERS, render
from handlers.router import Router
from handlers.settings import Settings
from storage import Database, Scope
from storage.pokmas import PokmasIn
from storage.timeutil import ts
from tests.conftest import T0, Chat, Clock, World
from tests.reminders_support import add_report, execute, local, outbox, run_rule, scalar


def rows_for(items: list, member_id: int | None = None) -> list:
    return [i for i in items if member_id is None or i.member_id == member_id]


# -- no report ---------------------------------------------------------------------------------


async def test_no_report_nudges_the_coordinator_after_14_local_days_once_per_silence(
    db: Database, world: World, settings: Settings
) -> None:
    k = world.klien_a[0]
    subject = f"klien:{k}"
    first = local(2026, 11, 10, 15, 0)
    await add_report(db, k, world.coord_a, first)

    await run_rule(db, reminders.no_report, local(2026, 11, 23, 23, 59), settings)
    assert await outbox(db, "no_report", subject) == []  # 13 days: not yet

    await run_rule(db, reminders.no_report, local(2026, 11, 24, 0, 0), settings)
    [nudge] = await outbox(db, "no_report", subject)
    assert (nudge.member_id, nudge.period) == (world.coord_a, ts(first))
    assert nudge.payload["since_on"] == "2026-11-10" and nudge.payload["days"] == 14

    for hour in (1, 9, 18):  # any number of later sweeps: still one
        await reminders.sweep(db, settings, local(2026, 11, 24, hour))
    assert len(await outbox(db, "no_report", subject)) == 1

    second = local(2026, 11, 25, 10, 0)  # a new report starts a new silence
    await add_report(db, k, world.coord_a, second)
    await run_rule(db, reminders.no_report, local(2026, 12, 8, 23, 59), settings)
    assert len(await outbox(db, "no_report", subject)) == 1
    await run_rule(db, reminders.no_report, local(2026, 12, 9, 0, 0), settings)
    periods = [i.period for i in await outbox(db, "no_report", subject)]
    assert periods == [ts(first), ts(second)]


async def test_no_report_counts_from_a_later_placement_and_skips_unplaced_klien(
    db: Database, world: World, settings: Settings
) -> None:
    placed, unplaced = world.klien_a[1], world.klien_b[1]
    await execute(db, "UPDATE klien SET placed_on = '2026-11-20' WHERE id = ?", (placed,))
    await execute(db, "UPDATE klien SET pokmas_id = NULL WHERE id = ?", (unplaced,))

    await run_rule(db, reminders.no_report, local(2026, 12, 3, 23, 59), settings)
    assert await outbox(db, "no_report", f"klien:{placed}") == []
    await run_rule(db, reminders.no_report, local(2026, 12, 4, 0, 0), settings)
    [nudge] = await outbox(db, "no_report", f"klien:{placed}")
    assert nudge.period == "2026-11-19T17:00:00Z"  # local midnight of 20/11 in UTC
    assert await outbox(db, subject=f"klien:{unplaced}") == []  # no Pokmas: nobody to ask


async def test_escalation_tells_the_officer_after_21_days(
    db: Database, world: World, settings: Settings
) -> None:
    k = world.klien_a[0]
    report = local(2026, 11, 10, 15, 0)
    await add_report(db, k, world.coord_a, report)
    await run_rule(db, reminders.no_report_escalation, local(2026, 11, 30, 23, 59), settings)
    assert await outbox(db, "no_report_officer", f"klien:{k}") == []
    await run_rule(db, reminders.no_report_escalation, local(2026, 12, 1, 0, 0), settings)
    await run_rule(db, reminders.no_report_escalation, local(2026, 12, 1, 8, 0), settings)
    [escalation] = await outbox(db, "no_report_officer", f"klien:{k}")
    assert (escalation.member_id, escalation.period) == (world.officer_1, ts(report))
    later = local(2026, 12, 2, 9, 0)  # a report, then silence again: the next period
    await add_report(db, k, world.coord_a, later)
    await run_rule(db, reminders.no_report_escalation, local(2026, 12, 22, 23, 59), settings)
    assert len(await outbox(db, "no_report_officer", f"klien:{k}")) == 1
    await run_rule(db, reminders.no_report_escalation, local(2026, 12, 23, 0, 0), settings)
    assert [i.period for i in await outbox(db, "no_report_officer", f"klien:{k}")] == [
        ts(report),
        ts(later),
    ]


async def test_a_snooze_silences_both_no_report_rules_through_its_last_day(
    db: Database, world: World, settings: Settings
) -> None:
    k = world.klien_a[0]
    await add_report(db, k, world.coord_a, local(2026, 11, 1, 10, 0))
    async with db.transaction() as tx:
        await tx.sweep.snooze(
            klien_id=k,
            kind=reminders.SNOOZE_KIND,
            until_on="2026-12-05",
            reason="dirawat di rumah sakit",
            member_id=world.officer_1,
            now=ts(T0),
        )
    await reminders.sweep(db, settings, local(2026, 12, 5, 23, 0))
    assert await outbox(db, "no_report", f"klien:{k}") == []
    assert await outbox(db, "no_report_officer", f"klien:{k}") == []
    await reminders.sweep(db, settings, local(2026, 12, 6, 0, 0))
    assert len(await outbox(db, "no_report", f"klien:{k}")) == 1
    assert len(await outbox(db, "no_report_officer", f"klien:{k}")) == 1


# -- check-ins ---------------------------------------------------------------------------------


async def test_checkin_due_tomorrow_reminds_officer_and_coordinator(
    db: Database, world: World, settings: Settings
) -> None:
    k = world.klien_a[0]
    await execute(db, "UPDATE klien SET next_checkin_on = '2026-12-05' WHERE id = ?", (k,))
    await run_rule(db, reminders.checkin_due, local(2026, 12, 3, 23, 59), settings)
    assert await outbox(db, "checkin_due", f"klien:{k}") == []
    await run_rule(db, reminders.checkin_due, local(2026, 12, 4, 0, 0), settings)
    await run_rule(db, reminders.checkin_due, local(2026, 12, 4, 12, 0), settings)
    await run_rule(db, reminders.checkin_due, local(2026, 12, 5, 8, 0), settings)
    due = await outbox(db, "checkin_due", f"klien:{k}")
    assert sorted((i.member_id, i.payload["role"]) for i in due) == sorted(
        [(world.officer_1, "officer"), (world.coord_a, "coordinator")]
    )
    assert {i.period for i in due} == {"2026-12-05"}

    async with db.transaction() as tx:  # recorded: the next one is due 04/01/2027
        await tx.klien.set_checkin_state(k, "2027-01-04", 0, ts(T0))
    await run_rule(db, reminders.checkin_due, local(2027, 1, 2, 23, 0), settings)
    assert len(await outbox(db, "checkin_due", f"klien:{k}")) == 2
    await run_rule(db, reminders.checkin_due, local(2027, 1, 3, 0, 0), settings)
    periods = sorted(i.period for i in await outbox(db, "checkin_due", f"klien:{k}"))
    assert periods == ["2026-12-05", "2026-12-05", "2027-01-04", "2027-01-04"]


async def test_checkin_missed_alerts_the_day_after_and_does_not_count_a_miss(
    db: Database, world: World, settings: Settings
) -> None:
    k = world.klien_a[0]
    await execute(db, "UPDATE klien SET next_checkin_on = '2026-12-05' WHERE id = ?", (k,))
    await run_rule(db, reminders.checkin_missed, local(2026, 12, 5, 23, 59), settings)
    assert await outbox(db, "checkin_missed", f"klien:{k}") == []
    for day in (6, 7, 8):
        await run_rule(db, reminders.checkin_missed, local(2026, 12, day, 0, 0), settings)
    missed = await outbox(db, "checkin_missed", f"klien:{k}")
    assert sorted(i.member_id for i in missed) == sorted([world.officer_1, world.coord_a])
    # Policy: an unrecorded due date is not a miss; only the officer's record counts.
    assert await scalar(db, "SELECT missed_in_row FROM klien WHERE id = ?", (k,)) == 0

    async with db.transaction() as tx:
        await tx.klien.set_checkin_state(k, "2027-01-04", 0, ts(T0))
    await run_rule(db, reminders.checkin_missed, local(2027, 1, 5, 0, 0), settings)
    assert len(await outbox(db, "checkin_missed", f"klien:{k}")) == 4


async def test_three_misses_rule_fills_in_what_the_handler_did_not_write_once(
    db: Database, world: World, settings: Settings
) -> None:
    k = world.klien_a[0]
    async with db.transaction() as tx:
        checkin = await tx.checkins.add(
            klien_id=k,
            due_on="2026-11-01",
            on_date="2026-11-01",
            attendance="tidak_hadir",
            recorded_by=world.officer_1,
            now=ts(T0),
        )
        await tx.klien.set_checkin_state(k, "2026-12-01", 2, ts(T0))
    await run_rule(db, reminders.three_misses, T0, settings)
    assert await outbox(db, "three_misses") == []  # two: not yet
    await execute(db, "UPDATE klien SET missed_in_row = 3 WHERE id = ?", (k,))
    await run_rule(db, reminders.three_misses, T0, settings)
    alerts = await outbox(db, "three_misses", f"klien:{k}")
    assert sorted(i.member_id for i in alerts) == sorted([world.officer_1, world.admin])
    assert {i.period for i in alerts} == {f"checkin:{checkin}"}
    async with db.transaction() as tx:  # the handler's key is the same: nothing new
        klien = await tx.klien.get(k, Scope.everything())
        assert klien is not None
        assert await reminders.alert_three_misses(tx, klien, checkin, 3, ts(T0)) == 0
    await run_rule(db, reminders.three_misses, T0 + timedelta(hours=1), settings)
    assert len(await outbox(db, "three_misses")) == 2
    async with db.transaction() as tx:  # a fourth recorded miss: a new period
        fourth = await tx.checkins.add(
            klien_id=k,
            due_on="2026-12-01",
            on_date="2026-12-01",
            attendance="tidak_hadir",
            recorded_by=world.officer_1,
            now=ts(T0),
        )
        await tx.klien.set_checkin_state(k, "2026-12-31", 4, ts(T0))
    await run_rule(db, reminders.three_misses, T0 + timedelta(days=1), settings)
    periods = sorted({i.period for i in await outbox(db, "three_misses")})
    assert periods == sorted({f"checkin:{checkin}", f"checkin:{fourth}"})


# -- supervision ending ------------------------------------------------------------------------


async def test_supervision_end_tells_the_officer_at_30_and_at_7_days(
    db: Database, world: World, settings: Settings
) -> None:
    k, late = world.klien_a[0], world.klien_a[1]
    await execute(db, "UPDATE klien SET supervision_end = '2027-01-10' WHERE id = ?", (k,))
    await run_rule(db, reminders.supervision_ending, local(2026, 12, 10, 23, 0), settings)
    assert await outbox(db, "supervision_end") == []
    await run_rule(db, reminders.supervision_ending, local(2026, 12, 11, 0, 0), settings)
    await run_rule(db, reminders.supervision_ending, local(2027, 1, 2, 12, 0), settings)
    [thirty] = await outbox(db, "supervision_end", f"klien:{k}")
    assert (thirty.member_id, thirty.period) == (world.officer_1, "30:2027-01-10")
    await run_rule(db, reminders.supervision_ending, local(2027, 1, 3, 0, 0), settings)
    await run_rule(db, reminders.supervision_ending, local(2027, 1, 9, 0, 0), settings)
    periods = [i.period for i in await outbox(db, "supervision_end", f"klien:{k}")]
    assert periods == ["30:2027-01-10", "7:2027-01-10"]

    # First seen with 5 days left (the bot was down): only the nearest notice.
    await execute(db, "UPDATE klien SET supervision_end = '2027-01-14' WHERE id = ?", (late,))
    await run_rule(db, reminders.supervision_ending, local(2027, 1, 9, 0, 0), settings)
    assert [i.period for i in await outbox(db, "supervision_end", f"klien:{late}")] == [
        "7:2027-01-14"
    ]


# -- follow-ups ----------------------------------------------------------------------------------


async def test_stale_followup_goes_to_the_owner_then_to_the_officer(
    db: Database, world: World, settings: Settings
) -> None:
    k = world.klien_a[0]
    async with db.transaction() as tx:
        fu = await tx.followups.open(
            klien_id=k,
            owner_id=world.coord_a,
            title="Pengurusan KTP",
            due_on="2026-12-05",
            report_id=None,
            now=ts(T0),
        )
        own = await tx.followups.open(
            klien_id=k,
            owner_id=world.officer_1,
            title="Kunjungan rumah",
            due_on="2026-12-05",
            report_id=None,
            now=ts(T0),
        )
    subject = f"followup:{fu}"
    await run_rule(db, reminders.followup_stale, local(2026, 12, 5, 23, 59), settings)
    assert await outbox(db, subject=subject) == []
    await run_rule(db, reminders.followup_stale, local(2026, 12, 6, 0, 0), settings)
    [owner] = await outbox(db, subject=subject)
    assert (owner.kind, owner.member_id, owner.period) == (
        "followup_stale",
        world.coord_a,
        "2026-12-05",
    )
    await run_rule(db, reminders.followup_stale, local(2026, 12, 7, 23, 59), settings)
    assert len(await outbox(db, subject=subject)) == 1
    await run_rule(db, reminders.followup_stale, local(2026, 12, 8, 0, 0), settings)
    await run_rule(db, reminders.followup_stale, local(2026, 12, 9, 0, 0), settings)
    [officer] = await outbox(db, "followup_stale_officer", subject)
    assert officer.member_id == world.officer_1 and officer.payload["owner"] == "Ustadz Ahmad"
    # The officer's own follow-up: one reminder, to them as owner, no second copy.
    assert [(i.kind, i.member_id) for i in await outbox(db, subject=f"followup:{own}")] == [
        ("followup_stale", world.officer_1)
    ]
    async with db.transaction() as tx:  # moved: a new period
        assert await tx.followups.move(fu, "2026-12-20")
    await run_rule(db, reminders.followup_stale, local(2026, 12, 20, 12, 0), settings)
    assert len(await outbox(db, "followup_stale", subject)) == 1
    await run_rule(db, reminders.followup_stale, local(2026, 12, 21, 0, 0), settings)
    assert [i.period for i in await outbox(db, "followup_stale", subject)] == [
        "2026-12-05",
        "2026-12-20",
    ]
    async with db.transaction() as tx:  # closed: nothing more
        assert await tx.followups.close(fu, world.coord_a, "KTP sudah jadi", ts(T0))
    await run_rule(db, reminders.followup_stale, local(2027, 1, 30, 0, 0), settings)
    assert len(await outbox(db, subject=subject)) == 3


# -- incidents -------------------------------------------------------------------------------------


async def report_incident(router: Router, world: World) -> int:
    """Report an incident on the first klien of Pokmas A through /insiden; return its id."""
    chat = Chat(router, "1001")
    await chat.send("/insiden")
    await chat.tap(world.names[world.klien_a[0]])
    await chat.tap("Sedang")
    await chat.send("Bertengkar dengan rekan kerja di bengkel.")
    await chat.tap("Kirim")
    assert "tercatat" in chat.text
    return int(await scalar(world.db, "SELECT max(id) FROM incidents"))


async def test_incident_repeats_every_two_hours_then_admin_and_stops_at_acknowledgement(
    router: Router, world: World, settings: Settings, clock: Clock
) -> None:
    db = world.db
    incident = await report_incident(router, world)
    subject = f"incident:{incident}"
    rule = reminders.incident_unacknowledged

    await run_rule(db, rule, T0 + timedelta(hours=1, minutes=59), settings)
    assert [i.period for i in await outbox(db, "incident", subject)] == ["0"]
    for hours in (2, 3):
        await run_rule(db, rule, T0 + timedelta(hours=hours), settings)
    repeats = await outbox(db, "incident", subject)
    assert [(i.period, i.member_id) for i in repeats] == [
        ("0", world.officer_1),
        ("1", world.officer_1),
    ]
    assert repeats[1].payload == repeats[0].payload  # the first alert's text, repeated
    [reply] = render([repeats[1]], "id")
    assert "Pengingat ke-1" in reply.reply.text
    assert any(c.id == f"a:ack:{incident}" for c in reply.reply.choices)

    await run_rule(db, rule, T0 + timedelta(hours=4), settings)
    await run_rule(db, rule, T0 + timedelta(hours=6), settings)
    await run_rule(db, rule, T0 + timedelta(hours=6, minutes=5), settings)
    third = [i for i in await outbox(db, "incident", subject) if i.period == "3"]
    assert sorted(i.member_id for i in third) == sorted([world.officer_1, world.admin])

    # The officer taps "acknowledge": a repeat still waiting is dropped, none follows.
    async with db.transaction() as tx:  # what was due so far went out
        sent = [i.id for i in await outbox(db, "incident", subject)]
        await tx.outbox.mark_sent(sent, channel="console", message_ref=None, now=ts(T0))
    await run_rule(db, rule, T0 + timedelta(hours=8), settings)
    assert any(i.period == "4" and i.status == "pending" for i in await outbox(db, "incident"))
    clock.advance(hours=8, minutes=1)
    await Chat(router, "2001").send(choice=f"a:ack:{incident}")
    await run_rule(db, rule, T0 + timedelta(hours=10), settings)
    await run_rule(db, rule, T0 + timedelta(hours=20), settings)
    periods = sorted({i.period for i in await outbox(db, "incident", subject)})
    assert periods == ["0", "1", "2", "3"]


async def test_incident_repeat_after_downtime_is_the_current_one_only(
    router: Router, world: World, settings: Settings
) -> None:
    incident = await report_incident(router, world)
    await run_rule(world.db, reminders.incident_unacknowledged, T0 + timedelta(hours=9), settings)
    repeats = [i for i in await outbox(world.db, "incident", f"incident:{incident}")]
    assert sorted((i.period, i.member_id) for i in repeats) == sorted(
        [("0", world.officer_1), ("4", world.officer_1), ("4", world.admin)]
    )


# -- community service -----------------------------------------------------------------------------


async def test_service_hours_behind_a_linear_schedule_weekly(
    db: Database, world: World, settings: Settings
) -> None:
    k = world.klien_a[0]
    # 100 hours over 100 days (01/09 to 10/12); slack 10% = 10 hours.
    await execute(
        db,
        "UPDATE klien SET service_hours = 100, supervision_end = '2026-12-10' WHERE id = ?",
        (k,),
    )
    async with db.transaction() as tx:
        for day in ("2026-09-10", "2026-09-20", "2026-09-30", "2026-10-10"):
            await tx.hours.add(
                klien_id=k, on_date=day, hours=10, logged_by=world.coord_a, now=ts(T0)
            )
    rule = reminders.service_hours_behind
    await run_rule(db, rule, local(2026, 10, 21, 9), settings)  # day 50: 40 >= 50 - 10
    assert await outbox(db, "service_hours_behind") == []
    await run_rule(db, rule, local(2026, 10, 22, 9), settings)  # day 51: 40 < 41
    await run_rule(db, rule, local(2026, 10, 25, 9), settings)  # same ISO week
    [behind] = await outbox(db, "service_hours_behind", f"klien:{k}")
    assert (behind.member_id, behind.period) == (world.officer_1, "2026-W43")
    assert behind.payload["logged"] == 40 and behind.payload["expected"] == 51
    await run_rule(db, rule, local(2026, 10, 26, 9), settings)  # next week, still behind
    assert [i.period for i in await outbox(db, "service_hours_behind")] == [
        "2026-W43",
        "2026-W44",
    ]


# -- PKS ------------------------------------------------------------------------------------------


async def test_pks_expiring_tells_the_admins_60_days_before(
    db: Database, world: World, settings: Settings
) -> None:
    rule = reminders.pks_expiring
    await run_rule(db, rule, local(2026, 11, 15, 23, 0), settings)  # expires 15/01/2027
    assert await outbox(db, "pks_expiring") == []
    await run_rule(db, rule, local(2026, 11, 16, 0, 0), settings)
    await run_rule(db, rule, local(2026, 12, 20, 0, 0), settings)
    [notice] = await outbox(db, "pks_expiring")
    assert (notice.member_id, notice.subject, notice.period) == (
        world.admin,
        f"pokmas:{world.pokmas_b}",
        "2027-01-15",
    )
    async with db.transaction() as tx:  # renewed until 01/03/2027: a new period
        await tx.pokmas.upsert(
            PokmasIn(
                "PBG01", "Bengkel Maju Jaya", "bengkel", "Purbalingga", pks_expires="2027-03-01"
            ),
            ts(T0),
        )
    await run_rule(db, rule, local(2026, 12, 30, 23, 0), settings)
    assert len(await outbox(db, "pks_expiring")) == 1
    await run_rule(db, rule, local(2026, 12, 31, 0, 0), settings)
    assert [i.period for i in await outbox(db, "pks_expiring")] == ["2027-01-15", "2027-03-01"]


# -- digests ---------------------------------------------------------------------------------


async def test_weekly_digest_monday_0730_one_per_officer_per_week(
    db: Database, world: World, settings: Settings
) -> None:
    rule = reminders.weekly_digest
    assert await run_rule(db, rule, local(2026, 11, 30, 7, 29), settings) == 0
    assert await run_rule(db, rule, local(2026, 11, 30, 7, 30), settings) == 2
    assert await run_rule(db, rule, local(2026, 12, 2, 9, 0), settings) == 0
    assert await run_rule(db, rule, local(2026, 12, 6, 23, 59), settings) == 0  # Sunday
    assert await run_rule(db, rule, local(2026, 12, 7, 7, 30), settings) == 2
    digests = await outbox(db, "weekly_digest")
    assert sorted((i.member_id, i.period) for i in digests) == sorted(
        [
            (world.officer_1, "2026-W49"),
            (world.officer_2, "2026-W49"),
            (world.officer_1, "2026-W50"),
            (world.officer_2, "2026-W50"),
        ]
    )
    first = digests[0].payload
    assert (first["active"], first["silent"], first["checkins_missed"]) == (3, 3, 3)
    [text] = render([digests[0]], "id")
    assert "Klien aktif: 3" in text.reply.text


async def test_monthly_summary_on_the_first_at_0800_aggregate_only(
    db: Database, world: World, settings: Settings
) -> None:
    rule = reminders.monthly_summary
    assert await run_rule(db, rule, local(2026, 12, 1, 7, 59), settings) == 0
    assert await run_rule(db, rule, local(2026, 12, 1, 8, 0), settings) == 1
    assert await run_rule(db, rule, local(2026, 12, 15, 8, 0), settings) == 0
    assert await run_rule(db, rule, local(2027, 1, 1, 8, 0), settings) == 1
    summaries = await outbox(db, "monthly_summary")
    assert [(i.member_id, i.period) for i in summaries] == [
        (world.observer, "2026-12"),
        (world.observer, "2027-01"),
    ]
    payload = json.dumps(summaries[0].payload)
    texts = [r.reply.text for lang in ("id", "en") for r in render(summaries, lang)]
    for name in [*world.names.values(), *world.register_nos.values()]:
        assert name not in payload and all(name not in text for text in texts)
    assert "Banyumas" in texts[0] and "<5" in texts[0]  # 3 active klien: suppressed


async def test_delivery_problems_reported_to_admins_once_a_day(
    db: Database, world: World, settings: Settings
) -> None:
    yesterday = local(2026, 11, 29, 15, 0)
    async with db.transaction() as tx:
        await tx.outbox.enqueue(
            reminders.OutboxRow("checkin_due", "klien:1", "x", world.coord_a, {}),
            now=ts(yesterday),
        )
        [row] = await tx.sweep.outbox_after(0)
        await tx.outbox.mark_failed([row.id], error="forbidden: blocked")
    rule = reminders.delivery_problems
    assert await run_rule(db, rule, local(2026, 11, 30, 7, 59), settings) == 0
    assert await run_rule(db, rule, local(2026, 11, 30, 8, 0), settings) == 1
    assert await run_rule(db, rule, local(2026, 11, 30, 17, 0), settings) == 0
    [report] = await outbox(db, "delivery_problems")
    assert report.member_id == world.admin
    assert report.payload["by_status"] == {"failed": 1}
    [message] = render([report], "en")
    assert "1 messages not delivered" in message.reply.text and "failed 1" in message.reply.text
    assert await run_rule(db, rule, local(2026, 12, 1, 8, 0), settings) == 0  # nothing new
    async with db.transaction() as tx:  # a failure on 01/12: reported on 02/12
        await tx.outbox.enqueue(
            reminders.OutboxRow("checkin_due", "klien:2", "y", world.coord_a, {}),
            now=ts(local(2026, 12, 1, 9, 0)),
        )
        await tx.sweep.hold([await tx.sweep.last_outbox_id()], reason="no chat", now=ts(T0))
    assert await run_rule(db, rule, local(2026, 12, 1, 23, 0), settings) == 0
    assert await run_rule(db, rule, local(2026, 12, 2, 8, 0), settings) == 1
    assert [i.payload["by_status"] for i in await outbox(db, "delivery_problems")] == [
        {"failed": 1},
        {"held": 1},
    ]


async def test_draft_nudges_are_part_of_the_sweep(
    router: Router, world: World, settings: Settings
) -> None:
    await Chat(router, "1001").send("/lapor")  # draft expires 24 h later
    result = await reminders.sweep(world.db, settings, T0 + timedelta(hours=22, minutes=30))
    assert result.created["draft_nudge"] == 1
    [nudge] = await outbox(world.db, "draft_nudge")
    assert nudge.member_id == world.coord_a


# -- the sweep ------------------------------------------------------------------------------------


async def test_two_sweeps_at_once_write_each_reminder_once(
    db: Database, world: World, settings: Settings
) -> None:
    first, second = await asyncio.gather(
        reminders.sweep(db, settings, T0), reminders.sweep(db, settings, T0)
    )
    total = len(await outbox(db))
    assert total > 20
    assert sorted([first.total, second.total]) == [0, total]


async def test_two_processes_sweeping_the_same_file_write_each_reminder_once(
    db: Database, world: World, settings: Settings
) -> None:
    other = await Database.open(db.path)  # a second process's connections
    try:
        results = await asyncio.gather(
            reminders.sweep(db, settings, T0), reminders.sweep(other, settings, T0)
        )
    finally:
        await other.close()
    keys = [(i.kind, i.subject, i.period, i.member_id) for i in await outbox(db)]
    assert len(keys) == len(set(keys)) == sum(r.total for r in results)
    assert min(r.total for r in results) == 0


async def test_sweeps_one_after_another_write_nothing_new(
    db: Database, world: World, settings: Settings
) -> None:
    first = await reminders.sweep(db, settings, T0)
    again = await reminders.sweep(db, settings, T0 + timedelta(minutes=5))
    assert first.total > 0 and again.total == 0


async def test_preview_writes_nothing_and_matches_the_sweep(
    db: Database, world: World, settings: Settings
) -> None:
    found = await reminders.preview(db, settings, T0)
    assert await outbox(db) == []
    assert await reminders.last_sweep_at(db) is None
    assert found.result.total == len(found.items) > 0
    assert found.recipients[world.officer_1].name == "Siti Rahayu"
    done = await reminders.sweep(db, settings, T0)
    written = [(i.kind, i.subject, i.period, i.member_id) for i in await outbox(db)]
    assert written == [(i.kind, i.subject, i.period, i.member_id) for i in found.items]
    assert done.created == found.result.created


async def test_the_last_sweep_time_never_goes_back(
    db: Database, world: World, settings: Settings
) -> None:
    await reminders.sweep(db, settings, T0)
    await reminders.sweep(db, settings, T0 - timedelta(days=3))  # e.g. `run --at` in the past
    assert await reminders.last_sweep_at(db) == ts(T0)


async def test_every_kind_the_rules_write_renders_in_both_languages(
    router: Router, world: World, settings: Settings
) -> None:
    db = world.db
    await report_incident(router, world)
    k = world.klien_a[0]
    await execute(
        db,
        "UPDATE klien SET service_hours = 100, supervision_end = '2026-12-20', "
        "missed_in_row = 3 WHERE id = ?",
        (k,),
    )
    async with db.transaction() as tx:
        await tx.followups.open(
            klien_id=k, owner_id=world.coord_a, title="KTP", due_on="2026-11-01",
            report_id=None, now=ts(T0),
        )  # fmt: skip
        await tx.klien.set_checkin_state(world.klien_a[1], "2026-12-01", 0, ts(T0))
    await reminders.sweep(db, settings, T0 + timedelta(hours=7))
    await reminders.sweep(db, settings, local(2026, 12, 1, 8, 0))
    items = await outbox(db)
    kinds = {i.kind for i in items}
    expected = {name for name, _ in reminders.RULES} - {"delivery_problems", "draft_nudge"}
    assert kinds == expected | {"followup_stale_officer"}  # tested apart: the other two
    assert kinds <= set(RENDERERS)
    by_member: dict[int, list] = {}
    for item in items:
        by_member.setdefault(item.member_id, []).append(item)
    for member_items in by_member.values():
        for lang in ("id", "en"):
            for message in render(member_items, lang):
                assert message.reply.text.strip()
                assert len(message.reply.choices) <= 10
