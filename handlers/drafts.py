"""Nudges about unfinished drafts, shortly before they expire.

The reminder sweep calls `nudge_expiring_drafts`; it queues one outbox row per draft
that expires within `conversations.nudge_before_hours`. The row's period is the
draft's expiry time, so a draft that is continued (and so gets a later expiry) can be
nudged again, while overlapping sweeps never nudge the same expiry twice.

The draft itself expires lazily: the router drops it and tells the member on their
next message (handlers/router.py).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from handlers.i18n import t
from handlers.model import Reply
from handlers.notify import renderer
from handlers.settings import Settings
from storage import Tx
from storage.outbox import OutboxItem, OutboxRow
from storage.timeutil import parse_ts, ts

NUDGE_KIND = "draft_nudge"


def nudge_subject(member_id: int) -> str:
    """Return the outbox subject of a member's draft nudges."""
    return f"conv:{member_id}"


async def nudge_expiring_drafts(tx: Tx, now: datetime, settings: Settings) -> int:
    """Queue a nudge for each draft expiring within the configured hours; return how many."""
    horizon = now + timedelta(hours=settings.conversations.nudge_before_hours)
    drafts = await tx.conversations.expiring_between(ts(now), ts(horizon))
    rows = []
    for draft in drafts:
        left = parse_ts(draft.expires_at) - now
        rows.append(
            OutboxRow(
                kind=NUDGE_KIND,
                subject=nudge_subject(draft.member_id),
                period=draft.expires_at,
                member_id=draft.member_id,
                payload={
                    "flow": draft.flow,
                    "expires_at": draft.expires_at,
                    "hours": max(1, math.ceil(left.total_seconds() / 3600)),
                },
            )
        )
    if not rows:
        return 0
    queued = await tx.outbox.enqueue_many(rows, now=ts(now))
    for draft in drafts:
        await tx.conversations.mark_nudged(draft.member_id)
    return queued


def nudge_is_stale(item: OutboxItem, now: datetime) -> bool:
    """Return True when a queued nudge would arrive after its draft expired.

    A nudge held back (quiet hours, retries) past the expiry would point to a draft
    that is gone; the sender may drop such rows instead of sending them.
    """
    return item.kind == NUDGE_KIND and parse_ts(item.period) <= now


@renderer(NUDGE_KIND)
def render_nudge(items: list[OutboxItem], lang: str) -> Reply:
    """Remind a member of an unfinished draft and how long it is kept."""
    p = items[0].payload
    return Reply(t(lang, "flow.nudge", flow=p["flow"], hours=p["hours"]))
