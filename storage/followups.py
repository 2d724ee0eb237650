"""Follow-ups (tindak lanjut): open items that come out of a report."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from storage.base import Repo
from storage.scope import Scope


@dataclass(frozen=True, slots=True)
class Followup:
    """A stored follow-up, with its klien's name for display."""

    id: int
    report_id: int | None
    klien_id: int
    klien_name: str
    owner_id: int
    title: str
    due_on: str
    status: str
    close_note: str | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Followup:
        """Build from a row of `f.*` plus `klien_name`."""
        return cls(
            id=row["id"],
            report_id=row["report_id"],
            klien_id=row["klien_id"],
            klien_name=row["klien_name"],
            owner_id=row["owner_id"],
            title=row["title"],
            due_on=row["due_on"],
            status=row["status"],
            close_note=row["close_note"],
        )


class FollowupsRepo(Repo):
    """Open, list, move and close follow-ups."""

    async def open(
        self,
        *,
        klien_id: int,
        owner_id: int,
        title: str,
        due_on: str,
        report_id: int | None,
        now: str,
    ) -> int:
        """Open a follow-up; return its id."""
        followup_id, _ = await self._exec(
            "INSERT INTO followups (report_id, klien_id, owner_id, title, due_on, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (report_id, klien_id, owner_id, title, due_on, now),
        )
        return followup_id

    async def get(self, followup_id: int, scope: Scope) -> Followup | None:
        """Return one follow-up whose klien is inside `scope`."""
        cond, params = scope.klien_condition("k")
        row = await self._one(
            f"SELECT f.*, k.name AS klien_name FROM followups f JOIN klien k ON k.id = f.klien_id "
            f"WHERE f.id = ? AND {cond}",
            (followup_id, *params),
        )
        return None if row is None else Followup.from_row(row)

    async def open_in_scope(
        self, scope: Scope, *, klien_id: int | None = None, limit: int = 100, offset: int = 0
    ) -> list[Followup]:
        """Return open follow-ups in scope, earliest due first."""
        cond, params = scope.klien_condition("k")
        extra, args = "", list(params)
        if klien_id is not None:
            extra, args = " AND f.klien_id = ?", [*args, klien_id]
        rows = await self._all(
            f"SELECT f.*, k.name AS klien_name FROM followups f JOIN klien k ON k.id = f.klien_id "
            f"WHERE f.status = 'open' AND {cond}{extra} ORDER BY f.due_on, f.id LIMIT ? OFFSET ?",
            (*args, limit, offset),
        )
        return [Followup.from_row(r) for r in rows]

    async def count_open_in_scope(self, scope: Scope) -> int:
        """Return how many open follow-ups there are in scope."""
        cond, params = scope.klien_condition("k")
        return int(
            await self._scalar(
                f"SELECT count(*) FROM followups f JOIN klien k ON k.id = f.klien_id "
                f"WHERE f.status = 'open' AND {cond}",
                params,
            )
        )

    async def count_open(self, klien_ids: list[int]) -> dict[int, int]:
        """Return the number of open follow-ups of each of these klien."""
        if not klien_ids:
            return {}
        marks = ", ".join("?" for _ in klien_ids)
        rows = await self._all(
            f"SELECT klien_id, count(*) AS n FROM followups WHERE status = 'open' "
            f"AND klien_id IN ({marks}) GROUP BY klien_id",
            klien_ids,
        )
        return {int(r["klien_id"]): int(r["n"]) for r in rows}

    async def close(self, followup_id: int, member_id: int, note: str, now: str) -> bool:
        """Mark a follow-up done; return False if it was not open."""
        _, count = await self._exec(
            "UPDATE followups SET status = 'done', closed_at = ?, closed_by = ?, close_note = ? "
            "WHERE id = ? AND status = 'open'",
            (now, member_id, note, followup_id),
        )
        return count > 0

    async def move(self, followup_id: int, due_on: str) -> bool:
        """Move an open follow-up's due date; return False if it was not open."""
        _, count = await self._exec(
            "UPDATE followups SET due_on = ? WHERE id = ? AND status = 'open'",
            (due_on, followup_id),
        )
        return count > 0
