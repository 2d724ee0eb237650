"""Processed events (de-duplication of transport deliveries) and the audit log."""

from __future__ import annotations

from storage.base import Repo


class EventsRepo(Repo):
    """Remember which transport events were processed."""

    async def claim(self, channel: str, event_id: str, now: str) -> bool:
        """Record an event id; return False when it was processed before."""
        _, count = await self._exec(
            "INSERT INTO processed_events (channel, event_id, processed_at) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (channel, event_id, now),
        )
        return count > 0

    async def prune(self, before: str) -> int:
        """Forget events processed before a time (transports redeliver for days, not months)."""
        _, count = await self._exec(
            "DELETE FROM processed_events WHERE processed_at < ?", (before,)
        )
        return count


class AuditRepo(Repo):
    """Append to the audit trail: who read or changed which klien, when, how."""

    async def add(
        self,
        *,
        at: str,
        actor: str,
        action: str,
        member_id: int | None = None,
        klien_id: int | None = None,
        detail: str | None = None,
    ) -> None:
        """Append one audit row."""
        await self._exec(
            "INSERT INTO audit_log (at, member_id, actor, action, klien_id, detail) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (at, member_id, actor, action, klien_id, detail),
        )

    async def for_klien(self, klien_id: int, limit: int = 50) -> list[tuple[str, str, str]]:
        """Return (at, actor, action) rows for one klien, newest first."""
        rows = await self._all(
            "SELECT at, actor, action FROM audit_log WHERE klien_id = ? ORDER BY id DESC LIMIT ?",
            (klien_id, limit),
        )
        return [(r["at"], r["actor"], r["action"]) for r in rows]
