"""The reminder scheduler: APScheduler jobs, catch-up after downtime, waking the sender."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.config import Config
from bot.scheduler import MONTHLY_JOB, SWEEP_JOB, WEEKLY_JOB, ReminderScheduler
from bot.sender import Sender
from handlers import reminders
from storage import Database
from storage.timeutil import ts
from tests.conftest import T0, Clock, World
from tests.reminders_support import FakeChannel, make_config, outbox, wait_for


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return make_config(tmp_path)


def make(db: Database, config: Config, clock: Clock) -> tuple[ReminderScheduler, FakeChannel]:
    channel = FakeChannel("console")
    sender = Sender(db, {"console": channel}, config, clock)
    return ReminderScheduler(db, config, sender, clock), channel


async def test_jobs_have_fixed_ids_the_bapas_time_zone_and_safe_options(
    db: Database, world: World, config: Config, clock: Clock
) -> None:
    scheduler, _ = make(db, config, clock)
    await scheduler.start()
    try:
        aps = scheduler.aps
        assert aps is not None and aps.running
        assert str(aps.timezone) == "Asia/Jakarta"
        jobs = {job.id: job for job in aps.get_jobs()}
        assert set(jobs) == {SWEEP_JOB, WEEKLY_JOB, MONTHLY_JOB}
        for job in jobs.values():
            assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, None)
        sweep = jobs[SWEEP_JOB].trigger
        assert isinstance(sweep, IntervalTrigger)
        assert sweep.interval == timedelta(minutes=5)
        weekly, monthly = jobs[WEEKLY_JOB].trigger, jobs[MONTHLY_JOB].trigger
        assert isinstance(weekly, CronTrigger) and isinstance(monthly, CronTrigger)
        assert str(weekly.timezone) == "Asia/Jakarta"
        fields = {f.name: str(f) for f in weekly.fields}
        assert (fields["day_of_week"], fields["hour"], fields["minute"]) == ("mon", "7", "30")
        fields = {f.name: str(f) for f in monthly.fields}
        assert (fields["day"], fields["hour"], fields["minute"]) == ("1", "8", "0")
        # The next weekly run is a Monday 07:30 in Jakarta.
        after = datetime(2026, 12, 2, tzinfo=UTC)
        nxt = weekly.get_next_fire_time(None, after)
        assert nxt is not None and (nxt.weekday(), nxt.hour, nxt.minute) == (0, 7, 30)
        assert nxt.utcoffset() == timedelta(hours=7)
    finally:
        await scheduler.stop()
    assert aps is not None and not aps.running


async def test_a_configured_interval_and_digest_times_are_used(
    db: Database, world: World, tmp_path: Path, clock: Clock
) -> None:
    config = make_config(
        tmp_path,
        reminders={"sweep_minutes": 15, "weekly_digest": "fri 16:00", "monthly_summary": "2 09:15"},
        bapas={"timezone": "Asia/Makassar"},
    )
    scheduler, _ = make(db, config, clock)
    await scheduler.start()
    try:
        assert scheduler.aps is not None
        jobs = {job.id: job for job in scheduler.aps.get_jobs()}
        assert jobs[SWEEP_JOB].trigger.interval == timedelta(minutes=15)
        weekly = {f.name: str(f) for f in jobs[WEEKLY_JOB].trigger.fields}
        assert (weekly["day_of_week"], weekly["hour"], weekly["minute"]) == ("fri", "16", "0")
        monthly = {f.name: str(f) for f in jobs[MONTHLY_JOB].trigger.fields}
        assert (monthly["day"], monthly["hour"], monthly["minute"]) == ("2", "9", "15")
        assert str(scheduler.aps.timezone) == "Asia/Makassar"
    finally:
        await scheduler.stop()


async def test_a_restart_after_downtime_catches_up_with_one_sweep(
    db: Database, world: World, config: Config, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # First start ever: no sweep on record, so one runs at once.
    first, _ = make(db, config, clock)
    await first.start()
    await first.stop()
    assert first.last_result is not None and first.last_result.total > 0
    assert await reminders.last_sweep_at(db) == ts(T0)

    # Back two minutes later: the interval has not passed, no catch-up.
    clock.advance(minutes=2)
    quick, _ = make(db, config, clock)
    await quick.start()
    await quick.stop()
    assert quick.last_result is None
    assert await reminders.last_sweep_at(db) == ts(T0)

    # Down for 9 hours (108 sweeps missed): exactly one sweep at start-up.
    clock.advance(hours=9)
    back, _ = make(db, config, clock)
    sweeps: list[datetime] = []

    async def counting(database: Database, settings: object, now: datetime) -> object:
        sweeps.append(now)
        return await original(database, settings, now)  # type: ignore[arg-type]

    original = reminders.sweep
    monkeypatch.setattr("bot.scheduler.sweep", counting)
    await back.start()
    await back.stop()
    assert sweeps == [clock.now]
    assert await reminders.last_sweep_at(db) == ts(clock.now)


async def test_sweep_now_wakes_the_sender(
    db: Database, world: World, config: Config, clock: Clock
) -> None:
    channel = FakeChannel("console")
    sender = Sender(db, {"console": channel}, config, clock)
    scheduler = ReminderScheduler(db, config, sender, clock)
    task = asyncio.create_task(sender.run())
    try:
        result = await scheduler.sweep_now()
        assert result.total > 0
        await wait_for(lambda: _all_sent(db))
    finally:
        await sender.stop()
        await task
    assert channel.sent


async def _all_sent(db: Database) -> bool:
    items = await outbox(db)
    return bool(items) and all(i.status == "sent" for i in items)


async def test_the_interval_job_runs_the_sweep(
    db: Database, world: World, config: Config, clock: Clock
) -> None:
    scheduler, _ = make(db, config, clock)
    await scheduler.start()
    try:
        assert scheduler.aps is not None
        clock.advance(minutes=5)
        scheduler.aps.get_job(SWEEP_JOB).modify(next_run_time=datetime.now(UTC))
        await wait_for(lambda: _swept_at(db, clock.now))
    finally:
        await scheduler.stop()


async def _swept_at(db: Database, now: datetime) -> bool:
    return await reminders.last_sweep_at(db) == ts(now)


async def test_stop_waits_for_a_sweep_in_progress(
    db: Database, world: World, config: Config, clock: Clock
) -> None:
    scheduler, _ = make(db, config, clock)
    await scheduler.start()
    clock.advance(hours=1)
    running = asyncio.create_task(scheduler.sweep_now())
    await asyncio.sleep(0)
    await scheduler.stop()
    assert running.done() and running.result().at == clock.now


async def test_a_failing_catch_up_sweep_does_not_stop_the_schedule(
    db: Database, world: World, config: Config, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object) -> object:
        raise RuntimeError("database is locked")

    monkeypatch.setattr("bot.scheduler.sweep", broken)
    scheduler, _ = make(db, config, clock)
    await scheduler.start()
    try:
        assert scheduler.aps is not None and scheduler.aps.running
        assert scheduler.last_result is None
    finally:
        await scheduler.stop()
