"""The outbox: every reminder and alert, written once, delivered or visibly failed."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from storage.base import Repo


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One queued message part (a reminder item or an alert) for one member."""

    id: int
    kind: str
    subject: str
    period: str
    member_id: int
    payload: dict[str, Any]
    status: str
    attempts: int
    not_before: str
    created_at: str
    last_error: str | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> OutboxItem:
        """Build from a `SELECT *` row."""
        return cls(
            id=row["id"],
            kind=row["kind"],
            subject=row["subject"],
            period=row["period"],
            member_id=row["member_id"],
            payload=json.loads(row["payload"]),
            status=row["status"],
            attempts=row["attempts"],
            not_before=row["not_before"],
            created_at=row["created_at"],
            last_error=row["last_error"],
        )


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """A row to enqueue; (kind, subject, period, member_id) makes it unique."""

    kind: str
    subject: str
    period: str
    member_id: int
    payload: dict[str, Any]


class OutboxRepo(Repo):
    """Enqueue, claim and settle outbox rows."""

    async def enqueue(self, row: OutboxRow, *, now: str, not_before: str | None = None) -> bool:
        """Queue one row; return False when the same (kind, subject, period, member) exists."""
        _, count = await self._exec(
            "INSERT INTO outbox (kind, subject, period, member_id, payload, not_before, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (
                row.kind,
                row.subject,
                row.period,
                row.member_id,
                json.dumps(row.payload, ensure_ascii=False, separators=(",", ":")),
                not_before or now,
                now,
            ),
        )
        return count > 0

    async def enqueue_many(self, rows: list[OutboxRow], *, now: str) -> int:
        """Queue many rows in one statement batch; return how many were new."""
        before = int(await self._scalar("SELECT total_changes()"))
        await self._many(
            "INSERT INTO outbox (kind, subject, period, member_id, payload, not_before, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (
                (
                    r.kind,
                    r.subject,
                    r.period,
                    r.member_id,
                    json.dumps(r.payload, ensure_ascii=False, separators=(",", ":")),
                    now,
                    now,
                )
                for r in rows
            ),
        )
        after = int(await self._scalar("SELECT total_changes()"))
        return after - before

    async def due(self, now: str, limit: int = 500) -> list[OutboxItem]:
        """Return pending rows whose time has come, grouped by member."""
        rows = await self._all(
            "SELECT * FROM outbox WHERE status = 'pending' AND not_before <= ? "
            "ORDER BY member_id, id LIMIT ?",
            (now, limit),
        )
        return [OutboxItem.from_row(r) for r in rows]

    async def claim(self, ids: list[int], now: str) -> None:
        """Mark rows as being sent (committed before the network call)."""
        await self._many(
            "UPDATE outbox SET status = 'sending', attempts = attempts + 1 WHERE id = ?",
            ((i,) for i in ids),
        )

    async def mark_sent(
        self, ids: list[int], *, channel: str, message_ref: str | None, now: str
    ) -> None:
        """Mark rows delivered to the transport."""
        await self._many(
            "UPDATE outbox SET status = 'sent', sent_at = ?, channel = ?, message_ref = ?, "
            "last_error = NULL WHERE id = ?",
            ((now, channel, message_ref, i) for i in ids),
        )

    async def mark_retry(self, ids: list[int], *, not_before: str, error: str) -> None:
        """Put rows back as pending, not before a time (backoff or quiet hours)."""
        await self._many(
            "UPDATE outbox SET status = 'pending', not_before = ?, last_error = ? WHERE id = ?",
            ((not_before, error, i) for i in ids),
        )

    async def defer(self, ids: list[int], *, not_before: str) -> None:
        """Move pending rows to a later time without counting an attempt (quiet hours)."""
        await self._many(
            "UPDATE outbox SET not_before = ? WHERE id = ? AND status = 'pending'",
            ((not_before, i) for i in ids),
        )

    async def mark_failed(self, ids: list[int], *, error: str, status: str = "failed") -> None:
        """Mark rows permanently failed (or held: no channel, no template)."""
        await self._many(
            "UPDATE outbox SET status = ?, last_error = ? WHERE id = ?",
            ((status, error, i) for i in ids),
        )

    async def by_message_ref(self, message_ref: str) -> list[OutboxItem]:
        """Return the rows sent as one transport message."""
        rows = await self._all("SELECT * FROM outbox WHERE message_ref = ?", (message_ref,))
        return [OutboxItem.from_row(r) for r in rows]

    async def release(self, ids: list[int], *, now: str) -> None:
        """Put claimed rows that were never settled back to pending."""
        await self._many(
            "UPDATE outbox SET status = 'pending', not_before = ?, "
            "last_error = 'delivery pass interrupted; retried' "
            "WHERE id = ? AND status = 'sending'",
            ((now, i) for i in ids),
        )

    async def recover_in_flight(self, now: str) -> int:
        """After a crash: rows left 'sending' go back to pending (at-least-once)."""
        _, count = await self._exec(
            "UPDATE outbox SET status = 'pending', not_before = ?, "
            "last_error = 'interrupted while sending; retried' WHERE status = 'sending'",
            (now,),
        )
        return count

    async def counts(self, since: str | None = None) -> dict[str, int]:
        """Return row counts by status (optionally only rows created since a time)."""
        if since is None:
            rows = await self._all("SELECT status, count(*) AS n FROM outbox GROUP BY status")
        else:
            rows = await self._all(
                "SELECT status, count(*) AS n FROM outbox WHERE created_at >= ? GROUP BY status",
                (since,),
            )
        return {str(r["status"]): int(r["n"]) for r in rows}

    async def failed_since(self, since: str, limit: int = 50) -> list[OutboxItem]:
        """Return rows that failed or are held, newest first."""
        rows = await self._all(
            "SELECT * FROM outbox WHERE status IN ('failed', 'held', 'unknown') "
            "AND created_at >= ? ORDER BY id DESC LIMIT ?",
            (since, limit),
        )
        return [OutboxItem.from_row(r) for r in rows]
