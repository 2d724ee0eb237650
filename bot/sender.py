"""The outbox sender: delivers pending outbox rows through each member's chat channel.

One delivery pass (`drain_once`):

1. In one transaction: release held rows whose member is reachable again, read
   the due pending rows, and per member: drop obsolete rows (a nudge about a draft
   that has already expired), defer what quiet hours forbid to the end of the
   window (not an attempt, never dropped), hold the rows of a member with no
   reachable chat on a configured channel (status 'held', with the reason), and
   claim the rest ('sending', attempts + 1). COMMIT, before any network call.
2. Per member: render the rows in the member's language (batched kinds become
   ONE message, handlers/notify.py), pace each channel with a token bucket
   (`delivery.per_second`), `channel.deliver(...)`, and settle each message in
   its own transaction: sent; retried with exponential backoff
   (`delivery.backoff_seconds` doubled per attempt, at least a 429's retry_after)
   until `delivery.max_attempts`, then failed; failed at once when permanent;
   held when the channel cannot send it as it is (WhatsApp outside the 24-hour
   window without a template); and when the identity is unreachable (blocked
   the bot) the identity is marked so and the rows go back to pending, to be
   sent through another chat of the member or held until they write again.

Quiet hours (`reminders.quiet_hours`, local, may cross midnight) defer every kind
but incident alerts: an incident may need the officer now (DESIGN.md: incidents
"alert the PK at once"), so it goes at any hour; the three-misses alert is a
procedural ground acted on in office hours and waits like the rest.

Crash in the middle of a send: claimed rows stay 'sending'. `run()` starts with
`recover()`, which puts them back to pending: delivery is at least once; a
message may be sent twice, none is lost (docs/reminders.md).
"""

from __future__ import annotations

import asyncio
import logging
import time as _time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

import handlers.registry  # noqa: F401  (registers every outbox renderer)
from bot.channels.base import Channel, DeliveryError, Outbound
from bot.config import Config
from bot.logsafe import describe
from handlers.drafts import nudge_is_stale
from handlers.notify import Rendered, render
from storage import Database
from storage.members import Identity, Member
from storage.outbox import OutboxItem
from storage.timeutil import parse_ts, ts

log = logging.getLogger(__name__)

QUIET_HOURS_BYPASS = frozenset({"incident"})  # safety: incident alerts go at any hour
BATCH = 500  # due rows read per pass
HELD_RELEASE_DAYS = 7  # held rows older than this stay held (visible) when a member returns
MAX_IDLE_SECONDS = 300.0  # the loop looks again at least this often (held rows, clock jumps)
ERROR_PAUSE_SECONDS = 5.0  # after a failed pass, before the next one


@dataclass
class DrainStats:
    """What one delivery pass did (counts of outbox rows, and of messages sent)."""

    messages: int = 0  # transport messages delivered
    sent: int = 0  # rows settled as sent
    retried: int = 0  # rows put back with a backoff
    failed: int = 0  # rows given up on (permanent error, attempts exhausted, deactivated)
    held: int = 0  # rows parked: no reachable chat, or the channel cannot send them as is
    deferred: int = 0  # rows moved to the end of quiet hours
    rerouted: int = 0  # rows put back because their identity turned out unreachable
    discarded: int = 0  # obsolete rows deleted (expired drafts' nudges)
    released: int = 0  # held rows put back because their member is reachable again
    claimed: int = 0  # rows claimed for sending in this pass

    @property
    def progressed(self) -> bool:
        """Return True when the pass changed any row."""
        return any(
            (self.claimed, self.held, self.deferred, self.discarded, self.failed, self.released)
        )


class TokenBucket:
    """A simple async token bucket: `rate` sends per second, bursts up to `capacity`."""

    def __init__(
        self,
        rate: float,
        *,
        capacity: float | None = None,
        clock: Callable[[], float] = _time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.capacity = capacity if capacity is not None else max(1.0, rate)
        self._clock = clock
        self._sleep = sleep
        self._tokens = self.capacity
        self._at = clock()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        """Wait until one send is allowed, then take it."""
        async with self._lock:
            while True:
                now = self._clock()
                self._tokens = min(self.capacity, self._tokens + (now - self._at) * self.rate)
                self._at = now
                if self._tokens >= 1.0:
                    self._tokens -= 1.0
                    return
                await self._sleep((1.0 - self._tokens) / self.rate)


def quiet_until(now: datetime, window: tuple[time, time], tz: tzinfo) -> datetime | None:
    """Return when the quiet window that `now` falls in ends (an aware time), or None.

    The window is local; start > end means it crosses midnight (20:00-07:00).
    """
    local = now.astimezone(tz)
    start, end = window
    moment, day = local.time().replace(tzinfo=None), local.date()
    if start < end:
        inside, end_day = start <= moment < end, day
    elif moment >= start:
        inside, end_day = True, day + timedelta(days=1)
    else:
        inside, end_day = moment < end, day
    return datetime.combine(end_day, end, tzinfo=tz) if inside else None


def backoff_seconds(attempts: int, base: float, retry_after: float | None) -> float:
    """Return the wait before the next attempt: base x 2^(attempts-1), at least retry_after."""
    delay = base * 2.0 ** max(0, attempts - 1)
    return max(delay, retry_after or 0.0)


@dataclass(frozen=True)
class _Job:
    """One member's claimed rows and the chat they go to."""

    member: Member
    identity: Identity
    items: tuple[OutboxItem, ...]


class Sender:
    """Drain the outbox through the configured channels; see the module docstring."""

    def __init__(
        self,
        db: Database,
        channels: Mapping[str, Channel],
        config: Config,
        clock: Callable[[], datetime],
    ) -> None:
        self._db = db
        self._channels = dict(channels)
        self._config = config
        self._settings = config.settings()
        self._clock = clock
        self._buckets = {name: TokenBucket(config.delivery.per_second) for name in channels}
        self._lock = asyncio.Lock()
        self._wakeup = asyncio.Event()
        self._stopping = asyncio.Event()
        self._running = False
        self._finished = asyncio.Event()

    def wake(self) -> None:
        """Say that new outbox rows exist: the loop drains soon."""
        self._wakeup.set()

    async def recover(self) -> int:
        """Put rows left 'sending' by a crash back to pending (at least once); return how many."""
        async with self._db.transaction() as tx:
            count = await tx.outbox.recover_in_flight(ts(self._clock()))
        if count:
            log.warning("sender: %d outbox rows were interrupted while sending; retrying", count)
        return count

    async def _release(self, ids: list[int]) -> None:
        """Put claimed rows that were not settled back to pending (best effort)."""
        try:
            async with self._db.transaction() as tx:
                await tx.outbox.release(ids, now=ts(self._clock()))
        except Exception as exc:  # the loop's next recovery puts them back instead
            log.error("sender: releasing claimed rows failed: %s", describe(exc))

    async def drain_once(self) -> DrainStats:
        """Make one delivery pass over the due rows; return what happened."""
        async with self._lock:
            stats = DrainStats()
            jobs = await self._plan(stats)
            try:
                for job in jobs:
                    await self._deliver(job, stats)
            except Exception:
                # Settling a send failed (say, the database stayed locked): the pass's
                # rows that are still 'sending' go back to pending, not stuck. (A
                # cancellation is a shutdown: start-up recovery takes those rows.)
                await self._release([i.id for job in jobs for i in job.items])
                raise
            if stats.progressed:
                log.info(
                    "sender: %d messages, %d sent, %d retried, %d failed, %d held, %d deferred",
                    stats.messages,
                    stats.sent,
                    stats.retried,
                    stats.failed,
                    stats.held,
                    stats.deferred,
                )
            return stats

    async def run(self) -> None:
        """Deliver until stop(): recover, then drain whenever woken or when rows come due."""
        self._running = True
        self._finished.clear()
        try:
            await self.recover()
            recover_next = False
            while not self._stopping.is_set():
                self._wakeup.clear()
                if recover_next:  # a failed pass may have left rows 'sending'
                    try:
                        await self.recover()
                        recover_next = False
                    except Exception as exc:
                        log.error("sender: recovery failed: %s", describe(exc))
                try:
                    stats = await self.drain_once()
                    delay = await self._idle_seconds(stats)
                except Exception as exc:  # keep delivering; no row content in the log
                    log.error("sender: delivery pass failed: %s", describe(exc))
                    delay = ERROR_PAUSE_SECONDS
                    recover_next = True
                if self._stopping.is_set():
                    break
                try:
                    await asyncio.wait_for(self._wakeup.wait(), timeout=delay)
                except TimeoutError:
                    pass
        finally:
            self._running = False
            self._finished.set()

    async def stop(self) -> None:
        """End run() after the pass in progress (if it runs)."""
        self._stopping.set()
        self._wakeup.set()
        if self._running:
            await self._finished.wait()

    # -- one pass ------------------------------------------------------------------------------

    async def _idle_seconds(self, stats: DrainStats) -> float:
        """Return how long to wait for the next due row (capped; no busy loop)."""
        if stats.claimed >= BATCH:
            return 0.0
        async with self._db.read() as tx:
            next_at = await tx.sweep.next_pending_at()
        if next_at is None:
            return MAX_IDLE_SECONDS
        seconds = (parse_ts(next_at) - self._clock()).total_seconds()
        if seconds <= 0 and not stats.progressed:
            seconds = 1.0  # due rows nobody could touch: do not spin
        return min(max(seconds, 0.0), MAX_IDLE_SECONDS)

    async def _plan(self, stats: DrainStats) -> list[_Job]:
        """Claim this pass's rows in one committed transaction (see the module docstring)."""
        now = self._clock()
        stamp = ts(now)
        quiet_end = quiet_until(
            now, self._settings.reminders.quiet_window(), self._settings.timezone
        )
        jobs: list[_Job] = []
        async with self._db.transaction() as tx:
            stats.released = await tx.sweep.release_held(
                list(self._channels),
                since=ts(now - timedelta(days=HELD_RELEASE_DAYS)),
                now=stamp,
            )
            due = await tx.outbox.due(stamp, limit=BATCH)
            groups: dict[int, list[OutboxItem]] = {}
            for item in due:
                groups.setdefault(item.member_id, []).append(item)
            if len(due) >= BATCH and len(groups) > 1:
                groups.pop(due[-1].member_id)  # maybe cut short: whole next pass, one message
            for member_id, items in groups.items():
                stale = [i.id for i in items if nudge_is_stale(i, now)]
                if stale:
                    await tx.sweep.discard(stale)
                    stats.discarded += len(stale)
                    items = [i for i in items if i.id not in stale]
                if quiet_end is not None:
                    later = [i.id for i in items if i.kind not in QUIET_HOURS_BYPASS]
                    if later:
                        await tx.outbox.defer(later, not_before=ts(quiet_end))
                        stats.deferred += len(later)
                        items = [i for i in items if i.kind in QUIET_HOURS_BYPASS]
                if not items:
                    continue
                ids = [i.id for i in items]
                member = await tx.members.get(member_id)
                if member is None or not member.active:
                    await tx.outbox.mark_failed(ids, error="member deactivated")
                    stats.failed += len(ids)
                    continue
                # A klien may have moved since the row was queued: never tell someone
                # about a klien they no longer see (the row fails, visibly).
                about = {int(i.payload["klien_id"]) for i in items if "klien_id" in i.payload}
                moved = about - await tx.klien.visible(member.scope, sorted(about))
                if moved:
                    gone = [i.id for i in items if i.payload.get("klien_id") in moved]
                    await tx.outbox.mark_failed(
                        gone, error="klien moved out of the recipient's scope"
                    )
                    stats.failed += len(gone)
                    items = [i for i in items if i.id not in gone]
                    ids = [i.id for i in items]
                    if not items:
                        continue
                identity = self._pick(await tx.members.identities_of(member_id))
                if identity is None:
                    names = ", ".join(sorted(self._channels)) or "none"
                    reason = f"no reachable chat on a configured channel ({names})"
                    await tx.sweep.hold(ids, reason=reason, now=stamp)
                    stats.held += len(ids)
                    continue
                await tx.outbox.claim(ids, stamp)
                stats.claimed += len(ids)
                jobs.append(_Job(member, identity, tuple(items)))
        return jobs

    def _pick(self, identities: list[Identity]) -> Identity | None:
        """Return the member's reachable identity on a configured channel, last written first."""
        usable = [
            i for i in identities if i.channel in self._channels and i.unreachable_since is None
        ]
        if not usable:
            return None
        # A terminal session (`pokmas-bot chat --as`) is for trying things out: a member's
        # real chats win over it, whenever they last wrote.
        chats = [i for i in usable if i.channel != "console"] or usable
        # identities_of lists by link time; the last one linked wins a tie.
        return max(reversed(chats), key=lambda i: i.last_inbound_at or "")

    async def _deliver(self, job: _Job, stats: DrainStats) -> None:
        """Render one member's rows and send them, settling each message on its own."""
        channel = self._channels[job.identity.channel]
        try:
            messages = render(list(job.items), job.member.language)
        except Exception as exc:  # a renderer bug: sending again will not help
            async with self._db.transaction() as tx:
                await tx.outbox.mark_failed(
                    [i.id for i in job.items], error=f"render failed: {type(exc).__name__}"
                )
            stats.failed += len(job.items)
            return
        by_id = {i.id: i for i in job.items}
        for index, message in enumerate(messages):
            await self._buckets[channel.name].acquire()
            outbound = Outbound(
                job.identity, (message.reply,), message.kind, message.template_params
            )
            try:
                ref = await channel.deliver(outbound)
            except DeliveryError as exc:
                await self._settle_error(job, message, by_id, exc, stats)
                if exc.unreachable:  # the rest must not go to this identity either
                    rest = [i for m in messages[index + 1 :] for i in m.item_ids]
                    if rest:
                        await self._reroute(rest, exc.reason, stats)
                    return
                continue
            except Exception as exc:  # unexpected transport failure: retry like a transient one
                error = DeliveryError(type(exc).__name__, permanent=False)
                await self._settle_error(job, message, by_id, error, stats)
                continue
            async with self._db.transaction() as tx:
                await tx.outbox.mark_sent(
                    list(message.item_ids),
                    channel=channel.name,
                    message_ref=ref,
                    now=ts(self._clock()),
                )
            stats.messages += 1
            stats.sent += len(message.item_ids)

    async def _settle_error(
        self,
        job: _Job,
        message: Rendered,
        by_id: dict[int, OutboxItem],
        exc: DeliveryError,
        stats: DrainStats,
    ) -> None:
        """Record a failed send: reroute, hold, fail, or retry after a backoff."""
        now = self._clock()
        ids = list(message.item_ids)
        attempts = max(by_id[i].attempts for i in ids) + 1  # the claim counted this one
        reason = f"{exc.code or 'error'}: {exc.reason}"[:500]
        delivery = self._config.delivery
        if exc.unreachable:
            async with self._db.transaction() as tx:
                identity = job.identity
                await tx.members.mark_unreachable(identity.channel, identity.external_id, ts(now))
            await self._reroute(ids, reason, stats)
            return
        async with self._db.transaction() as tx:
            if exc.held:
                await tx.sweep.hold(ids, reason=reason, now=ts(now))
                stats.held += len(ids)
            elif exc.permanent:
                await tx.outbox.mark_failed(ids, error=reason)
                stats.failed += len(ids)
            elif attempts >= delivery.max_attempts:
                await tx.outbox.mark_failed(
                    ids, error=f"gave up after {attempts} attempts: {reason}"
                )
                stats.failed += len(ids)
            else:
                delay = backoff_seconds(attempts, delivery.backoff_seconds, exc.retry_after)
                not_before = ts(now + timedelta(seconds=delay))
                await tx.outbox.mark_retry(ids, not_before=not_before, error=reason)
                stats.retried += len(ids)
        log.warning(
            "sender: %s to member %s on %s: %s (%d rows, attempt %d)",
            message.kind,
            job.member.id,
            job.identity.channel,
            exc.code or ("permanent" if exc.permanent else "transient"),
            len(ids),
            attempts,
        )

    async def _reroute(self, ids: list[int], reason: str, stats: DrainStats) -> None:
        """Put rows back to pending now: another chat of the member, or held, next pass."""
        async with self._db.transaction() as tx:
            await tx.outbox.mark_retry(ids, not_before=ts(self._clock()), error=reason)
        stats.rerouted += len(ids)
        self.wake()
