"""What every repository shares: a connection and three small query helpers."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

import aiosqlite

Params = Sequence[Any] | dict[str, Any]


class Repo:
    """Base of the per-aggregate repositories; bound to one connection."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    # Each aiosqlite call is a round trip to its worker thread (~50 µs, most of the
    # time of a small query), so these helpers use one round trip per statement:
    # execute_fetchall instead of execute + fetch + close.

    async def _one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        """Return the first row of a query, or None (for queries by key or aggregates)."""
        rows = await self._conn.execute_fetchall(sql, params)
        for row in rows:
            return row
        return None

    async def _all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """Return every row of a query (only for result sets bounded by design)."""
        return list(await self._conn.execute_fetchall(sql, params))

    async def _scalar(self, sql: str, params: Params = ()) -> Any:
        """Return the first column of the first row, or None."""
        row = await self._one(sql, params)
        return None if row is None else row[0]

    async def _exec(self, sql: str, params: Params = ()) -> tuple[int, int]:
        """Run one statement; return (lastrowid, rowcount)."""
        cur = await self._conn.execute(sql, params)
        # A write statement is finished once executed; closing the cursor would only
        # cost another round trip (its statement is reset, not left in progress).
        return (cur.lastrowid or 0), cur.rowcount

    async def _many(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement for many parameter rows."""
        await self._conn.executemany(sql, rows)
