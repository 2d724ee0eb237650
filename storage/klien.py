"""Klien: people under supervision, their placement and their officer."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from storage.base import Repo
from storage.scope import Scope


@dataclass(frozen=True, slots=True)
class KlienIn:
    """A klien as imported (officer and Pokmas already resolved to ids)."""

    register_no: str
    name: str
    program: str
    supervision_start: str
    supervision_end: str
    officer_id: int | None
    pokmas_id: int | None
    checkin_every_days: int = 30
    service_hours: float | None = None


@dataclass(frozen=True, slots=True)
class Klien:
    """A stored klien."""

    id: int
    register_no: str
    name: str
    program: str
    supervision_start: str
    supervision_end: str
    officer_id: int | None
    pokmas_id: int | None
    placed_on: str | None
    interests: str | None
    checkin_every_days: int
    next_checkin_on: str | None
    missed_in_row: int
    service_hours: float | None
    status: str
    last_report_at: str | None  # kept by triggers on reports (migration M003)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Klien:
        """Build from a `SELECT k.*` row."""
        return cls(**{name: row[name] for name in cls.__slots__})


_COMPARED = (
    "name",
    "program",
    "supervision_start",
    "supervision_end",
    "officer_id",
    "pokmas_id",
    "checkin_every_days",
    "service_hours",
)


class KlienRepo(Repo):
    """Read and write klien, always within a scope when reading for a member."""

    async def get(self, klien_id: int, scope: Scope) -> Klien | None:
        """Return one klien if it is inside `scope`."""
        cond, params = scope.klien_condition("k")
        row = await self._one(
            f"SELECT k.* FROM klien k WHERE k.id = ? AND {cond}", (klien_id, *params)
        )
        return None if row is None else Klien.from_row(row)

    async def by_register_no(self, register_no: str, scope: Scope) -> Klien | None:
        """Return one klien by register number if it is inside `scope`."""
        cond, params = scope.klien_condition("k")
        row = await self._one(
            f"SELECT k.* FROM klien k WHERE k.register_no = ? COLLATE NOCASE AND {cond}",
            (register_no.strip(), *params),
        )
        return None if row is None else Klien.from_row(row)

    async def list_active(
        self,
        scope: Scope,
        *,
        query: str | None = None,
        program: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[Klien], int]:
        """Return one page of active klien in scope (optionally one program, a name part)."""
        cond, params = scope.klien_condition("k")
        where = f"k.status = 'aktif' AND {cond}"
        args: list[Any] = list(params)
        if program:
            # "+" keeps the program out of index choice: a Pokmas' or an officer's few
            # hundred klien are found by their own index, not among every klien of a
            # program in the whole Bapas (klien_caseload would otherwise win unanalysed).
            where += " AND +k.program = ?"
            args.append(program)
        if query:
            where += " AND (k.name LIKE ? ESCAPE '\\' OR k.register_no = ? COLLATE NOCASE)"
            escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            args += [f"%{escaped}%", query]
        total = int(await self._scalar(f"SELECT count(*) FROM klien k WHERE {where}", args))
        rows = await self._all(
            f"SELECT k.* FROM klien k WHERE {where} ORDER BY k.name, k.id LIMIT ? OFFSET ?",
            (*args, limit, offset),
        )
        return [Klien.from_row(r) for r in rows], total

    async def upsert(
        self, item: KlienIn, now: str, changed_by: str, *, today: str | None = None
    ) -> str:
        """Insert or update by register number; return created/updated/unchanged.

        `today` is the Bapas' local date (a move is placed on it); default: now's UTC date.
        """
        today = today or now[:10]
        row = await self._one("SELECT * FROM klien WHERE register_no = ?", (item.register_no,))
        if row is None:
            start = date.fromisoformat(item.supervision_start)
            next_checkin = start + timedelta(days=item.checkin_every_days)
            klien_id, _ = await self._exec(
                "INSERT INTO klien (register_no, name, program, supervision_start, "
                "supervision_end, officer_id, pokmas_id, placed_on, checkin_every_days, "
                "next_checkin_on, service_hours, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    item.register_no,
                    item.name,
                    item.program,
                    item.supervision_start,
                    item.supervision_end,
                    item.officer_id,
                    item.pokmas_id,
                    item.supervision_start if item.pokmas_id else None,
                    item.checkin_every_days,
                    next_checkin.isoformat(),
                    item.service_hours,
                    now,
                    now,
                ),
            )
            await self._placement(
                klien_id, item.officer_id, item.pokmas_id, item.supervision_start, changed_by, now
            )
            return "created"
        if all(row[name] == getattr(item, name) for name in _COMPARED):
            return "unchanged"
        moved = row["officer_id"] != item.officer_id or row["pokmas_id"] != item.pokmas_id
        placed_on = row["placed_on"]
        if row["pokmas_id"] != item.pokmas_id:
            placed_on = today if item.pokmas_id else None
        await self._exec(
            "UPDATE klien SET name = ?, program = ?, supervision_start = ?, supervision_end = ?, "
            "officer_id = ?, pokmas_id = ?, placed_on = ?, checkin_every_days = ?, "
            "service_hours = ?, updated_at = ? WHERE id = ?",
            (
                item.name,
                item.program,
                item.supervision_start,
                item.supervision_end,
                item.officer_id,
                item.pokmas_id,
                placed_on,
                item.checkin_every_days,
                item.service_hours,
                now,
                row["id"],
            ),
        )
        if moved:
            await self._hand_over_followups(row["id"], item.officer_id, item.pokmas_id)
            await self._placement(
                row["id"], item.officer_id, item.pokmas_id, today, changed_by, now
            )
        return "updated"

    async def reassign(
        self,
        klien_id: int,
        *,
        officer_id: int | None,
        pokmas_id: int | None,
        on: str,
        changed_by: str,
        now: str,
    ) -> None:
        """Move a klien to another officer and/or Pokmas, keeping the history."""
        row = await self._one("SELECT * FROM klien WHERE id = ?", (klien_id,))
        if row is None:
            raise LookupError(klien_id)
        placed_on = on if pokmas_id != row["pokmas_id"] else row["placed_on"]
        await self._exec(
            "UPDATE klien SET officer_id = ?, pokmas_id = ?, placed_on = ?, updated_at = ? "
            "WHERE id = ?",
            (officer_id, pokmas_id, placed_on, now, klien_id),
        )
        await self._placement(klien_id, officer_id, pokmas_id, on, changed_by, now)
        await self._hand_over_followups(klien_id, officer_id, pokmas_id)

    async def _hand_over_followups(
        self, klien_id: int, officer_id: int | None, pokmas_id: int | None
    ) -> None:
        """Give open follow-ups whose owner no longer sees the klien to its officer."""
        if officer_id is None:
            return
        await self._exec(
            "UPDATE followups SET owner_id = ? WHERE klien_id = ? AND status = 'open' "
            "AND owner_id IN (SELECT id FROM members WHERE "
            "(role = 'coordinator' AND pokmas_id IS NOT ?) OR (role = 'officer' AND id <> ?))",
            (officer_id, klien_id, pokmas_id, officer_id),
        )

    async def visible(self, scope: Scope, klien_ids: list[int]) -> set[int]:
        """Return which of these klien ids are inside `scope`."""
        if not klien_ids:
            return set()
        cond, params = scope.klien_condition("k")
        marks = ", ".join("?" for _ in klien_ids)
        rows = await self._all(
            f"SELECT k.id FROM klien k WHERE k.id IN ({marks}) AND {cond}",
            [*klien_ids, *params],
        )
        return {int(r["id"]) for r in rows}

    async def set_status(self, klien_id: int, status: str, now: str) -> None:
        """Change a klien's supervision status."""
        await self._exec(
            "UPDATE klien SET status = ?, updated_at = ? WHERE id = ?", (status, now, klien_id)
        )

    async def set_checkin_state(
        self, klien_id: int, next_checkin_on: str | None, missed_in_row: int, now: str
    ) -> None:
        """Store the next check-in date and the run of consecutive misses."""
        await self._exec(
            "UPDATE klien SET next_checkin_on = ?, missed_in_row = ?, updated_at = ? WHERE id = ?",
            (next_checkin_on, missed_in_row, now, klien_id),
        )

    async def count(self, scope: Scope, *, status: str | None = "aktif") -> int:
        """Count klien in scope (by status, or all with None)."""
        cond, params = scope.klien_condition("k")
        if status is None:
            return int(await self._scalar(f"SELECT count(*) FROM klien k WHERE {cond}", params))
        return int(
            await self._scalar(
                f"SELECT count(*) FROM klien k WHERE k.status = ? AND {cond}", (status, *params)
            )
        )

    async def _placement(
        self,
        klien_id: int,
        officer_id: int | None,
        pokmas_id: int | None,
        from_date: str,
        changed_by: str,
        now: str,
    ) -> None:
        await self._exec(
            "INSERT INTO placements (klien_id, officer_id, pokmas_id, from_date, changed_by, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (klien_id, officer_id, pokmas_id, from_date, changed_by, now),
        )
