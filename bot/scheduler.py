"""The reminder scheduler: APScheduler's AsyncIOScheduler runs the sweep inside `pokmas-bot run`.

Three jobs with fixed ids, in the Bapas time zone, each with coalesce=True,
max_instances=1 and misfire_grace_time=None (a late run still runs, once):

- `reminders.sweep`: every `reminders.sweep_minutes` minutes;
- `reminders.weekly_digest`: at `reminders.weekly_digest` (Monday 07:30);
- `reminders.monthly_summary`: at `reminders.monthly_summary` (the 1st, 08:00).

Every job runs the same sweep: reminders are not scheduler jobs, the sweep derives
them from the database, and the digest rules fire from their moment on. The
cron jobs only make the weekly digest and the monthly summary go out on the
minute instead of at the next interval sweep.

The time of the last sweep is kept in the database (`meta`); at start-up, when
the last sweep is older than the interval (the process was down) or there was
none, one sweep runs at once — one, however long the downtime: it sees
everything that came due meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.config import Config
from bot.sender import Sender
from handlers.reminders import SweepResult, last_sweep_at, sweep
from storage import Database
from storage.timeutil import parse_ts

log = logging.getLogger(__name__)

SWEEP_JOB = "reminders.sweep"
WEEKLY_JOB = "reminders.weekly_digest"
MONTHLY_JOB = "reminders.monthly_summary"
JOB_OPTIONS: dict[str, Any] = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}


class ReminderScheduler:
    """Run the reminder sweep on a schedule; wake the sender after each sweep."""

    def __init__(
        self, db: Database, config: Config, sender: Sender, clock: Callable[[], datetime]
    ) -> None:
        self._db = db
        self._config = config
        self._settings = config.settings()
        self._sender = sender
        self._clock = clock
        self._tz = ZoneInfo(config.bapas.timezone)
        self._lock = asyncio.Lock()
        self._stopping = False
        self._aps: AsyncIOScheduler | None = None
        self.last_result: SweepResult | None = None

    @property
    def aps(self) -> AsyncIOScheduler | None:
        """Return the APScheduler scheduler (after start)."""
        return self._aps

    async def start(self) -> None:
        """Catch up on a sweep missed while down, then schedule the jobs."""
        self._stopping = False
        try:
            await self.catch_up()
        except Exception as exc:  # the schedule still starts; the next sweep tries again
            log.error("reminders: catch-up sweep failed: %s", type(exc).__name__)
        reminders = self._config.reminders
        weekday, weekly_at = reminders.weekly_digest.split()
        day, monthly_at = reminders.monthly_summary.split()
        weekly, monthly = time.fromisoformat(weekly_at), time.fromisoformat(monthly_at)
        aps = AsyncIOScheduler(timezone=self._tz, job_defaults=dict(JOB_OPTIONS))
        aps.add_job(
            self._run_job,
            IntervalTrigger(minutes=reminders.sweep_minutes, timezone=self._tz),
            id=SWEEP_JOB,
            name="reminder sweep",
            replace_existing=True,
            **JOB_OPTIONS,
        )
        aps.add_job(
            self._run_job,
            CronTrigger(
                day_of_week=weekday, hour=weekly.hour, minute=weekly.minute, timezone=self._tz
            ),
            id=WEEKLY_JOB,
            name="weekly officer digest",
            replace_existing=True,
            **JOB_OPTIONS,
        )
        aps.add_job(
            self._run_job,
            CronTrigger(day=int(day), hour=monthly.hour, minute=monthly.minute, timezone=self._tz),
            id=MONTHLY_JOB,
            name="monthly observer summary",
            replace_existing=True,
            **JOB_OPTIONS,
        )
        aps.start()
        self._aps = aps

    async def catch_up(self) -> SweepResult | None:
        """Sweep once now when the last sweep is older than the interval (or never ran)."""
        last = await last_sweep_at(self._db)
        interval = timedelta(minutes=self._config.reminders.sweep_minutes)
        if last is not None and self._clock() - parse_ts(last) < interval:
            return None
        log.info("reminders: catching up (last sweep %s)", last or "never")
        return await self.sweep_now()

    async def sweep_now(self, at: datetime | None = None) -> SweepResult:
        """Run one sweep (at `at`, default the clock's now), then wake the sender."""
        async with self._lock:
            result = await sweep(self._db, self._settings, at or self._clock())
        self.last_result = result
        if result.total:
            log.info("reminders: sweep wrote %d outbox rows", result.total)
        self._sender.wake()
        return result

    async def _run_job(self) -> None:
        """Run a scheduled sweep; a failure is logged and the schedule goes on."""
        if self._stopping:
            return
        try:
            await self.sweep_now()
        except Exception as exc:  # no row content in the log
            log.error("reminders: sweep failed: %s", type(exc).__name__)

    async def stop(self) -> None:
        """Stop scheduling and wait for a sweep in progress."""
        self._stopping = True
        async with self._lock:  # a sweep in progress finishes (shutdown would cancel it)
            pass
        aps, self._aps = self._aps, None
        if aps is not None and aps.running:
            aps.shutdown(wait=False)
            await asyncio.sleep(0)  # AsyncIOScheduler shuts down on the loop's next turn
