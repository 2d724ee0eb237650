"""Streaming reads for exports: rows come from a cursor, never a whole table in memory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from storage.base import Repo
from storage.scope import Scope

# Columns of each export, in order; the header texts live in the handlers' catalog.
REPORT_COLUMNS = (
    "created_at",
    "occurred_on",
    "register_no",
    "klien_name",
    "program",
    "pokmas_code",
    "pokmas_name",
    "officer_code",
    "category",
    "outcome",
    "kind",
    "body",
    "author",
    "channel",
)
KLIEN_COLUMNS = (
    "register_no",
    "name",
    "program",
    "status",
    "supervision_start",
    "supervision_end",
    "officer_code",
    "pokmas_code",
    "placed_on",
    "checkin_every_days",
    "next_checkin_on",
    "missed_in_row",
    "service_hours",
    "service_hours_done",
)
CHECKIN_COLUMNS = (
    "on_date",
    "due_on",
    "register_no",
    "klien_name",
    "attendance",
    "officer_code",
    "recorded_by",
)


class ExportsRepo(Repo):
    """Yield export rows in scope, one cursor batch at a time."""

    async def _stream(self, sql: str, params: list[Any]) -> AsyncIterator[tuple[Any, ...]]:
        async with self._conn.execute(sql, params) as cursor:
            while True:
                batch = await cursor.fetchmany(1000)
                if not batch:
                    return
                for row in batch:
                    yield tuple(row)

    def reports(
        self, scope: Scope, date_from: str | None, date_to: str | None
    ) -> AsyncIterator[tuple[Any, ...]]:
        """Yield reports (REPORT_COLUMNS) created in [date_from, date_to) (stored UTC text)."""
        cond, params = scope.klien_condition("k")
        where, args = [cond], list(params)
        if date_from:
            where.append("r.created_at >= ?")
            args.append(date_from)
        if date_to:
            where.append("r.created_at < ?")
            args.append(date_to)
        sql = f"""
            SELECT r.created_at, r.occurred_on, k.register_no, k.name, k.program,
                   p.code, p.name, o.officer_code, r.category, r.outcome, r.kind, r.body,
                   a.name, r.channel
            FROM reports r
            JOIN klien k ON k.id = r.klien_id
            LEFT JOIN pokmas p ON p.id = r.pokmas_id
            LEFT JOIN members o ON o.id = k.officer_id
            LEFT JOIN members a ON a.id = r.author_id
            WHERE {" AND ".join(where)}
            ORDER BY r.created_at, r.id
        """
        return self._stream(sql, args)

    def klien(self, scope: Scope) -> AsyncIterator[tuple[Any, ...]]:
        """Yield klien (KLIEN_COLUMNS) in scope."""
        cond, params = scope.klien_condition("k")
        sql = f"""
            SELECT k.register_no, k.name, k.program, k.status, k.supervision_start,
                   k.supervision_end, o.officer_code, p.code, k.placed_on,
                   k.checkin_every_days, k.next_checkin_on, k.missed_in_row, k.service_hours,
                   (SELECT coalesce(sum(h.hours), 0) FROM service_hours h
                     WHERE h.klien_id = k.id)
            FROM klien k
            LEFT JOIN pokmas p ON p.id = k.pokmas_id
            LEFT JOIN members o ON o.id = k.officer_id
            WHERE {cond}
            ORDER BY k.register_no
        """
        return self._stream(sql, list(params))

    def checkins(
        self, scope: Scope, date_from: str | None, date_to: str | None
    ) -> AsyncIterator[tuple[Any, ...]]:
        """Yield check-ins (CHECKIN_COLUMNS) on local dates in [date_from, date_to]."""
        cond, params = scope.klien_condition("k")
        where, args = [cond], list(params)
        if date_from:
            where.append("c.on_date >= ?")
            args.append(date_from)
        if date_to:
            where.append("c.on_date <= ?")
            args.append(date_to)
        sql = f"""
            SELECT c.on_date, c.due_on, k.register_no, k.name, c.attendance, o.officer_code,
                   rb.name
            FROM checkins c
            JOIN klien k ON k.id = c.klien_id
            LEFT JOIN members o ON o.id = k.officer_id
            LEFT JOIN members rb ON rb.id = c.recorded_by
            WHERE {" AND ".join(where)}
            ORDER BY c.on_date, c.id
        """
        return self._stream(sql, args)
