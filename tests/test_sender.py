"""The outbox sender against an in-memory channel, with an injected clock (no sleeping)."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.channels.base import DeliveryError, Outbound
from bot.config import Config
from bot.sender import Sender, TokenBucket, backoff_seconds, quiet_until
from handlers import reminders
from storage import Database
from storage.outbox import OutboxRow
from storage.timeutil import ts
from tests.conftest import T0, Clock, World
from tests.reminders_support import TZ, FakeChannel, local, make_config, outbox, scalar, wait_for

OFFICER_CHAT = "2001"


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return make_config(tmp_path)


def with_delivery(config: Config, **changes: Any) -> Config:
    return dataclasses.replace(config, delivery=dataclasses.replace(config.delivery, **changes))


def due_payload(klien_id: int, name: str, role: str = "officer") -> dict[str, Any]:
    return {"klien_id": klien_id, "klien": name, "due_on": "2026-12-01", "role": role}


async def enqueue(
    db: Database, kind: str, member_id: int, payload: dict[str, Any], *, at: datetime = T0,
    subject: str = "klien:1", period: str = "p",
) -> int:  # fmt: skip
    async with db.transaction() as tx:
        await tx.outbox.enqueue(OutboxRow(kind, subject, period, member_id, payload), now=ts(at))
        return await tx.sweep.last_outbox_id()


async def status_of(db: Database, row_id: int) -> tuple[str, int, str, str | None]:
    async with (
        db.read() as tx,
        tx.conn.execute(
            "SELECT status, attempts, not_before, last_error FROM outbox WHERE id = ?", (row_id,)
        ) as cur,
    ):
        row = await cur.fetchone()
    assert row is not None
    return row[0], row[1], row[2], row[3]


def sender_for(db: Database, config: Config, clock: Clock, *channels: FakeChannel) -> Sender:
    return Sender(db, {c.name: c for c in channels}, config, clock)


# -- one message per officer ---------------------------------------------------------------------


async def test_all_due_items_of_an_officer_go_as_one_message_with_klien_choices(
    db: Database, world: World, config: Config, clock: Clock
) -> None:
    await reminders.sweep(db, config.settings(), T0)
    channel = FakeChannel("console")
    stats = await sender_for(db, config, clock, channel).drain_once()
    to_officer = [m for m in channel.sent if m.identity.address == OFFICER_CHAT]
    [batch] = [m for m in to_officer if m.kind == "digest"]
    [weekly] = [m for m in to_officer if m.kind == "weekly_digest"]
    text = batch.replies[0].text
    for klien in world.klien_a:
        assert text.count(world.names[klien]) == 2  # no report + missed check-in, one message
    ids = [c.id for c in batch.replies[0].choices]
    assert [f"a:klien:{k}" for k in world.klien_a] == ids[:3]
    assert "a:cmd:wajiblapor" in ids
    assert stats.sent == len(await outbox(db)) and stats.failed == stats.held == 0
    assert {i.status for i in await outbox(db)} == {"sent"}
    assert stats.messages == len(channel.sent)
    assert weekly.replies[0].text.startswith("Ringkasan mingguan")


# -- quiet hours -----------------------------------------------------------------------------------


async def test_quiet_hours_defer_to_0700_and_never_drop(
    db: Database, world: World, config: Config
) -> None:
    clock = Clock(local(2026, 11, 30, 21, 0))
    row = await enqueue(db, "checkin_due", world.officer_1, due_payload(1, "Budi"), at=clock.now)
    channel = FakeChannel("console")
    sender = sender_for(db, config, clock, channel)
    stats = await sender.drain_once()
    assert stats.deferred == 1 and channel.calls == 0
    status, attempts, not_before, _ = await status_of(db, row)
    assert (status, attempts, not_before) == ("pending", 0, ts(local(2026, 12, 1, 7, 0)))
    clock.now = local(2026, 12, 1, 6, 59)
    await sender.drain_once()
    assert channel.calls == 0
    clock.now = local(2026, 12, 1, 7, 0)
    await sender.drain_once()
    assert channel.calls == 1 and (await status_of(db, row))[0] == "sent"


def test_quiet_until_handles_windows_across_and_within_a_day() -> None:
    night = (time(20, 0), time(7, 0))
    assert quiet_until(local(2026, 12, 1, 19, 59), night, TZ) is None
    assert quiet_until(local(2026, 12, 1, 20, 0), night, TZ) == local(2026, 12, 2, 7, 0)
    assert quiet_until(local(2026, 12, 2, 1, 30), night, TZ) == local(2026, 12, 2, 7, 0)
    assert quiet_until(local(2026, 12, 2, 7, 0), night, TZ) is None
    lunch = (time(12, 0), time(13, 0))
    assert quiet_until(local(2026, 12, 1, 12, 30), lunch, TZ) == local(2026, 12, 1, 13, 0)
    assert quiet_until(local(2026, 12, 1, 13, 0), lunch, TZ) is None


async def test_incident_alerts_go_during_quiet_hours_the_three_misses_alert_waits(
    db: Database, world: World, config: Config
) -> None:
    clock = Clock(local(2026, 11, 30, 23, 0))
    incident = {
        "incident_id": 1, "report_id": 1, "klien_id": 1, "klien": "Budi", "pokmas": "P",
        "severity": "berat", "body": "Melarikan diri dari rumah.", "author": "Ustadz Ahmad",
    }  # fmt: skip
    misses = {"klien_id": 1, "klien": "Budi", "misses": 3, "officer": "Siti"}
    alert = await enqueue(db, "incident", world.officer_1, incident, at=clock.now, period="0")
    waits = await enqueue(db, "three_misses", world.officer_1, misses, at=clock.now)
    channel = FakeChannel("console")
    await sender_for(db, config, clock, channel).drain_once()
    assert [m.kind for m in channel.sent] == ["incident"]
    assert (await status_of(db, alert))[0] == "sent"
    assert (await status_of(db, waits))[:3] == ("pending", 0, ts(local(2026, 12, 1, 7, 0)))


# -- errors ----------------------------------------------------------------------------------------


async def test_transient_errors_are_retried_with_exponential_backoff(
    db: Database, world: World, config: Config, clock: Clock
) -> None:
    row = await enqueue(db, "checkin_due", world.officer_1, due_payload(1, "Budi"))
    channel = FakeChannel("console")
    channel.errors = [DeliveryError("HTTP 502", permanent=False) for _ in range(3)]
    sender = sender_for(db, config, clock, channel)  # backoff 30 s, doubling
    start = clock.now
    for seconds, calls, status in (
        (0, 1, "pending"),  # fails: next try at +30
        (29, 1, "pending"),
        (30, 2, "pending"),  # fails: next try at +30+60
        (89, 2, "pending"),
        (90, 3, "pending"),  # fails: next try at +90+120
        (209, 3, "pending"),
        (210, 4, "sent"),
    ):
        clock.now = start + timedelta(seconds=seconds)
        await sender.drain_once()
        assert (channel.calls, (await status_of(db, row))[0]) == (calls, status), seconds
    status, attempts, _, error = await status_of(db, row)
    assert (status, attempts, error) == ("sent", 4, None)


def test_backoff_doubles_and_respects_retry_after() -> None:
    assert [backoff_seconds(n, 30.0, None) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff_seconds(1, 30.0, 120.0) == 120.0
    assert backoff_seconds(3, 30.0, 5.0) == 120.0


async def test_a_429_waits_its_retry_after(
    db: Database, world: World, config: Config, clock: Clock
) -> None:
    row = await enqueue(db, "checkin_due", world.officer_1, due_payload(1, "Budi"))
    channel = FakeChannel("console")
    channel.errors = [DeliveryError("429", permanent=False, retry_after=120.0, code="rate")]
    stats = await sender_for(db, config, clock, channel).drain_once()
    status, attempts, not_before, error = await status_of(db, row)
    assert stats.retried == 1
    assert (status, attempts, not_before) == ("pending", 1, ts(T0 + timedelta(seconds=120)))
    assert error is not None and error.startswith("rate: 429")


async def test_transient_errors_give_up_after_max_attempts(
    db: Database, world: World, config: Config, clock: Clock
) -> None:
    row = await enqueue(db, "checkin_due", world.officer_1, due_payload(1, "Budi"))
    channel = FakeChannel("console")
    channel.errors = [DeliveryError("timed out", permanent=False) for _ in range(5)]
    sender = sender_for(db, with_delivery(config, max_attempts=3), clock, channel)
    for _ in range(5):
        await sender.drain_once()
        clock.advance(hours=1)
    status, attempts, _, error = await status_of(db, row)
    assert (status, attempts, channel.calls) == ("failed", 3, 3)
    assert error is not None and error.startswith("gave up after 3 attempts")


async def test_a_permanent_error_is_marked_failed_and_counted_for_the_admins(
    db: Database, world: World, config: Config, clock: Clock
) -> None:
    row = await enqueue(db, "checkin_due", world.officer_1, due_payload(1, "Budi"))
    channel = FakeChannel("console")
    channel.errors = [DeliveryError("chat not found", permanent=True, code="chat_not_found")]
    sender = sender_for(db, config, clock, channel)
    stats = await sender.drain_once()
    clock.advance(hours=1)
    await sender.drain_once()
    assert (stats.failed, channel.calls) == (1, 1)
    assert (await status_of(db, row))[0] == "failed"
    await reminders.sweep(db, config.settings(), local(2026, 12, 1, 8, 0))
    [report] = await outbox(db, "delivery_problems")
    assert report.member_id == world.admin and report.payload["by_status"] == {"failed": 1}


async def test_blocked_identity_is_marked_unreachable_and_held_until_they_write(
    db: Database, world: World, config: Config, clock: Clock
) -> None:
    row = await enqueue(db, "checkin_due", world.officer_1, due_payload(1, "Budi"))
    channel = FakeChannel("console")
    channel.errors = [DeliveryError("blocked", permanent=True, unreachable=True, code="forbidden")]
    sender = sender_for(db, config, clock, channel)
    await sender.drain_once()
    assert await scalar(
        db, "SELECT unreachable_since FROM identities WHERE external_id = ?", (OFFICER_CHAT,)
    ) == ts(T0)
    stats = await sender.drain_once()  # no other chat: held, with the reason
    status, _, _, error = await status_of(db, row)
    assert (stats.held, status) == (1, "held")
    assert error is not None and "no reachable chat" in error
    clock.advance(minutes=10)
    await sender.drain_once()
    assert channel.calls == 1  # nothing more is sent to that identity
    async with db.transaction() as tx:  # they write again
        await tx.members.touch_inbound("console", OFFICER_CHAT, OFFICER_CHAT, ts(clock.now))
    clock.advance(minutes=1)
    stats = await sender.drain_once()
    assert (stats.released, stats.sent, channel.calls) == (1, 1, 2)
    assert (await status_of(db, row))[0] == "sent"


async def test_blocked_identity_reroutes_to_the_members_other_chat(
    db: Database, world: World, config: Config, clock: Clock
) -> None:
    async with db.transaction() as tx:
        await tx.members.link(
            world.officer_1, "whatsapp", "wa-1", "wa-1", ts(T0 - timedelta(days=1))
        )
        await tx.members.link(world.officer_1, "telegram", "777", "777", ts(T0))
    row = await enqueue(db, "checkin_due", world.officer_1, due_payload(1, "Budi"))
    whatsapp, telegram = FakeChannel("whatsapp"), FakeChannel("telegram")
    telegram.errors = [DeliveryError("blocked", permanent=True, unreachable=True)]
    sender = sender_for(db, config, clock, whatsapp, telegram)
    first = await sender.drain_once()  # Telegram was written from last: tried first
    second = await sender.drain_once()
    assert (first.rerouted, second.sent) == (1, 1)
    assert (telegram.calls, [m.identity.address for m in whatsapp.sent]) == (1, ["wa-1"])
    assert (await status_of(db, row))[0] == "sent"


async def test_a_member_without_a_chat_is_held_visibly(
    db: Database, world: World, config: Config, clock: Clock
) -> None:
    await reminders.sweep(db, config.settings(), T0)
    channel = FakeChannel("telegram")  # nobody has a Telegram chat in the seeded world
    stats = await sender_for(db, config, clock, channel).drain_once()
    items = await outbox(db)
    assert channel.calls == 0 and stats.held == len(items) > 0
    async with db.read() as tx:
        held = await tx.outbox.failed_since(ts(T0 - timedelta(days=1)), limit=500)
    assert len(held) == len(items)
    assert all(i.last_error and "no reachable chat" in i.last_error for i in held)


async def test_a_message_the_channel_cannot_send_as_is_is_held(
    db: Database, world: World, config: Config, clock: Clock
) -> None:
    row = await enqueue(db, "checkin_due", world.officer_1, due_payload(1, "Budi"))
    channel = FakeChannel("console")
    channel.errors = [DeliveryError("outside the window", permanent=True, held=True)]
    stats = await sender_for(db, config, clock, channel).drain_once()
    assert stats.held == 1 and (await status_of(db, row))[0] == "held"


async def test_rows_of_a_deactivated_member_fail(
    db: Database, world: World, config: Config, clock: Clock
) -> None:
    row = await enqueue(db, "checkin_due", world.officer_1, due_payload(1, "Budi"))
    async with db.transaction() as tx:
        await tx.members.deactivate(world.officer_1, ts(T0))
    await sender_for(db, config, clock, FakeChannel("console")).drain_once()
    assert (await status_of(db, row))[::3] == ("failed", "member deactivated")


async def test_a_nudge_about_a_draft_that_expired_meanwhile_is_discarded(
    db: Database, world: World, config: Config, clock: Clock
) -> None:
    expired = ts(T0 - timedelta(minutes=1))
    payload = {"flow": "lapor", "expires_at": expired, "hours": 1}
    await enqueue(db, "draft_nudge", world.coord_a, payload, period=expired, subject="conv:5")
    channel = FakeChannel("console")
    stats = await sender_for(db, config, clock, channel).drain_once()
    assert (stats.discarded, channel.calls, await outbox(db)) == (1, 0, [])


# -- crash in the middle of a send ----------------------------------------------------------------


async def test_rows_left_sending_by_a_crash_are_sent_after_restart(
    db: Database, world: World, config: Config, clock: Clock
) -> None:
    row = await enqueue(db, "checkin_due", world.officer_1, due_payload(1, "Budi"))
    stuck = FakeChannel("console")
    stuck.gate = asyncio.Event()  # the send never completes: the process dies in it
    crashed = asyncio.create_task(sender_for(db, config, clock, stuck).drain_once())
    await stuck.entered.wait()
    crashed.cancel()
    with pytest.raises(asyncio.CancelledError):
        await crashed
    assert (await status_of(db, row))[:2] == ("sending", 1)  # claimed and committed

    # A delivery pass that is not a start-up (e.g. `reminders run`) leaves them alone...
    other = FakeChannel("console")
    await sender_for(db, config, clock, other).drain_once()
    assert other.calls == 0 and (await status_of(db, row))[0] == "sending"
    # ...the restarted sender recovers them first: at least once, never lost.
    restarted = FakeChannel("console")
    sender = sender_for(db, config, clock, restarted)
    task = asyncio.create_task(sender.run())
    await wait_for(lambda: _is_sent(db, row))
    await sender.stop()
    await task
    assert len(restarted.sent) == 1
    status, attempts, _, _ = await status_of(db, row)
    assert (status, attempts) == ("sent", 2)


async def _is_sent(db: Database, row: int) -> bool:
    return (await status_of(db, row))[0] == "sent"


class DeliversThenDies(FakeChannel):
    """Delivers, then the process dies before the row is marked sent."""

    async def deliver(self, message: Outbound) -> str | None:
        ref = await super().deliver(message)
        await asyncio.Event().wait()  # cancelled here
        return ref


async def test_a_crash_after_delivery_sends_again_at_least_once(
    db: Database, world: World, config: Config, clock: Clock
) -> None:
    row = await enqueue(db, "checkin_due", world.officer_1, due_payload(1, "Budi"))
    dying = DeliversThenDies("console")
    crashed = asyncio.create_task(sender_for(db, config, clock, dying).drain_once())
    await dying.entered.wait()
    await asyncio.sleep(0)
    crashed.cancel()
    with pytest.raises(asyncio.CancelledError):
        await crashed
    assert len(dying.sent) == 1
    after = FakeChannel("console")
    sender = sender_for(db, config, clock, after)
    assert await sender.recover() == 1
    await sender.drain_once()
    assert len(after.sent) == 1  # a duplicate, by the stated policy: never a loss
    assert (await status_of(db, row))[0] == "sent"


# -- pacing and the loop ---------------------------------------------------------------------------


async def test_token_bucket_paces_sends() -> None:
    now = [0.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(round(seconds, 6))
        now[0] += seconds

    bucket = TokenBucket(2.0, capacity=1.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        await bucket.acquire()
    assert slept == [0.5, 0.5]
    now[0] += 10  # idle time refills up to the capacity only
    await bucket.acquire()
    await bucket.acquire()
    assert slept == [0.5, 0.5, 0.5]


async def test_run_delivers_when_woken_and_stops(
    db: Database, world: World, config: Config, clock: Clock
) -> None:
    channel = FakeChannel("console")
    sender = sender_for(db, config, clock, channel)
    task = asyncio.create_task(sender.run())
    row = await enqueue(db, "checkin_due", world.officer_1, due_payload(1, "Budi"))
    sender.wake()
    await wait_for(lambda: _is_sent(db, row))
    await sender.stop()
    await asyncio.wait_for(task, 5)
    assert [m.identity.address for m in channel.sent] == [OFFICER_CHAT]


async def test_messages_are_rendered_in_the_members_language(
    db: Database, world: World, config: Config, clock: Clock
) -> None:
    async with db.transaction() as tx:
        await tx.members.set_language(world.officer_1, "en", ts(T0))
    await enqueue(db, "checkin_due", world.officer_1, due_payload(1, "Budi"))
    channel = FakeChannel("console")
    await sender_for(db, config, clock, channel).drain_once()
    assert "Check-ins (wajib lapor) coming due" in channel.texts(OFFICER_CHAT)[0]


async def test_a_member_cut_off_by_the_batch_limit_gets_one_whole_message_next_pass(
    db: Database, world: World, config: Config, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.sender.BATCH", 3)
    for member, chat_klien in ((world.officer_1, world.klien_a), (world.officer_2, world.klien_b)):
        for k in chat_klien[:2]:
            await enqueue(
                db, "checkin_due", member, due_payload(k, world.names[k]), subject=f"klien:{k}"
            )
    channel = FakeChannel("console")
    sender = sender_for(db, config, clock, channel)
    await sender.drain_once()  # reads 3 rows: officer 1's two and one of officer 2's
    assert [m.identity.address for m in channel.sent] == ["2001"]
    await sender.drain_once()
    assert [m.identity.address for m in channel.sent] == ["2001", "2002"]
    assert all(world.names[k] in channel.texts("2002")[0] for k in world.klien_b[:2])
