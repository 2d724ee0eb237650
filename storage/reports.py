"""Reports (laporan perkembangan) and incidents, which are reports of category insiden."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from storage.base import Repo
from storage.scope import Scope


@dataclass(frozen=True, slots=True)
class ReportIn:
    """A report about to be stored."""

    klien_id: int
    author_id: int
    pokmas_id: int | None
    channel: str
    kind: str  # progress | monthly | incident
    category: str
    body: str
    occurred_on: str
    outcome: str | None = None
    answers: dict[str, str] | None = None
    photo_ref: str | None = None


@dataclass(frozen=True, slots=True)
class Report:
    """A stored report."""

    id: int
    klien_id: int
    author_id: int
    pokmas_id: int | None
    channel: str
    kind: str
    category: str
    outcome: str | None
    body: str
    occurred_on: str
    created_at: str
    photo_ref: str | None = None
    answers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Report:
        """Build from a `SELECT r.*` row."""
        return cls(
            id=row["id"],
            klien_id=row["klien_id"],
            author_id=row["author_id"],
            pokmas_id=row["pokmas_id"],
            channel=row["channel"],
            kind=row["kind"],
            category=row["category"],
            outcome=row["outcome"],
            body=row["body"],
            occurred_on=row["occurred_on"],
            created_at=row["created_at"],
            photo_ref=row["photo_ref"],
            answers=json.loads(row["answers"]) if row["answers"] else {},
        )


@dataclass(frozen=True, slots=True)
class Incident:
    """A stored incident with its acknowledgement state."""

    id: int
    report_id: int
    klien_id: int
    severity: str
    created_at: str
    acknowledged_at: str | None
    acknowledged_by: int | None


class ReportsRepo(Repo):
    """Write reports and incidents; read them within a scope."""

    async def add(self, item: ReportIn, now: str) -> int:
        """Store a report; return its id."""
        report_id, _ = await self._exec(
            "INSERT INTO reports (klien_id, author_id, pokmas_id, channel, kind, category, "
            "outcome, body, answers, occurred_on, photo_ref, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                item.klien_id,
                item.author_id,
                item.pokmas_id,
                item.channel,
                item.kind,
                item.category,
                item.outcome,
                item.body,
                json.dumps(item.answers, ensure_ascii=False) if item.answers else None,
                item.occurred_on,
                item.photo_ref,
                now,
            ),
        )
        return report_id

    async def add_incident(self, report_id: int, klien_id: int, severity: str, now: str) -> int:
        """Store the incident part of an insiden report; return its id."""
        incident_id, _ = await self._exec(
            "INSERT INTO incidents (report_id, klien_id, severity, created_at) VALUES (?, ?, ?, ?)",
            (report_id, klien_id, severity, now),
        )
        return incident_id

    async def get(self, report_id: int, scope: Scope) -> Report | None:
        """Return one report if its klien is inside `scope`."""
        cond, params = scope.klien_condition("k")
        row = await self._one(
            f"SELECT r.* FROM reports r JOIN klien k ON k.id = r.klien_id "
            f"WHERE r.id = ? AND {cond}",
            (report_id, *params),
        )
        return None if row is None else Report.from_row(row)

    async def recent_for_klien(self, klien_id: int, limit: int = 5) -> list[Report]:
        """Return a klien's newest reports (the caller has checked scope)."""
        rows = await self._all(
            "SELECT * FROM reports WHERE klien_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
            (klien_id, limit),
        )
        return [Report.from_row(r) for r in rows]

    async def count_for_klien(self, klien_id: int) -> int:
        """Return how many reports a klien has."""
        return int(
            await self._scalar("SELECT count(*) FROM reports WHERE klien_id = ?", (klien_id,))
        )

    async def monthly_between(self, klien_id: int, first: str, last: str) -> int | None:
        """Return the id of a klien's monthly report dated first..last (inclusive), if any."""
        value = await self._scalar(
            "SELECT id FROM reports WHERE klien_id = ? AND kind = 'monthly' "
            "AND occurred_on BETWEEN ? AND ? ORDER BY id LIMIT 1",
            (klien_id, first, last),
        )
        return None if value is None else int(value)

    async def incident(self, incident_id: int, scope: Scope) -> Incident | None:
        """Return one incident if its klien is inside `scope`."""
        cond, params = scope.klien_condition("k")
        row = await self._one(
            f"SELECT i.* FROM incidents i JOIN klien k ON k.id = i.klien_id "
            f"WHERE i.id = ? AND {cond}",
            (incident_id, *params),
        )
        if row is None:
            return None
        return Incident(
            id=row["id"],
            report_id=row["report_id"],
            klien_id=row["klien_id"],
            severity=row["severity"],
            created_at=row["created_at"],
            acknowledged_at=row["acknowledged_at"],
            acknowledged_by=row["acknowledged_by"],
        )

    async def acknowledge(self, incident_id: int, member_id: int, now: str) -> bool:
        """Acknowledge an incident; return False if it already was."""
        _, count = await self._exec(
            "UPDATE incidents SET acknowledged_at = ?, acknowledged_by = ? "
            "WHERE id = ? AND acknowledged_at IS NULL",
            (now, member_id, incident_id),
        )
        return count > 0
