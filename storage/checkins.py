"""Check-ins (wajib lapor) and community-service hours (kerja sosial)."""

from __future__ import annotations

from dataclasses import dataclass

from storage.base import Repo


@dataclass(frozen=True, slots=True)
class Checkin:
    """One recorded check-in."""

    id: int
    klien_id: int
    due_on: str
    on_date: str
    attendance: str


class CheckinsRepo(Repo):
    """Record and read check-ins."""

    async def add(
        self,
        *,
        klien_id: int,
        due_on: str,
        on_date: str,
        attendance: str,
        recorded_by: int | None,
        now: str,
    ) -> int:
        """Record a check-in; return its id."""
        checkin_id, _ = await self._exec(
            "INSERT INTO checkins (klien_id, due_on, on_date, attendance, recorded_by, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (klien_id, due_on, on_date, attendance, recorded_by, now),
        )
        return checkin_id

    async def history(self, klien_id: int, limit: int = 10) -> list[Checkin]:
        """Return a klien's newest check-ins."""
        rows = await self._all(
            "SELECT * FROM checkins WHERE klien_id = ? ORDER BY on_date DESC, id DESC LIMIT ?",
            (klien_id, limit),
        )
        return [
            Checkin(r["id"], r["klien_id"], r["due_on"], r["on_date"], r["attendance"])
            for r in rows
        ]


class HoursRepo(Repo):
    """Log and total community-service hours."""

    async def add(
        self, *, klien_id: int, on_date: str, hours: float, logged_by: int, now: str
    ) -> int:
        """Log hours worked on one day; return the row id."""
        row_id, _ = await self._exec(
            "INSERT INTO service_hours (klien_id, on_date, hours, logged_by, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (klien_id, on_date, hours, logged_by, now),
        )
        return row_id

    async def total(self, klien_id: int) -> float:
        """Return the hours logged so far."""
        value = await self._scalar(
            "SELECT coalesce(sum(hours), 0) FROM service_hours WHERE klien_id = ?", (klien_id,)
        )
        return float(value)

    async def on_day(self, klien_id: int, on_date: str) -> float:
        """Return the hours already logged for one day."""
        value = await self._scalar(
            "SELECT coalesce(sum(hours), 0) FROM service_hours WHERE klien_id = ? AND on_date = ?",
            (klien_id, on_date),
        )
        return float(value)
