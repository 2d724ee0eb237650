"""The SQLite database: one writer connection, one reader connection, migrations."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from storage.migrations import MIGRATIONS, apply_migrations
from storage.tx import Tx

BUSY_TIMEOUT_MS = 5000
CACHE_KIB = 64 * 1024


async def _connect(path: str) -> aiosqlite.Connection:
    """Open one connection with the pragmas every connection needs."""
    conn = await aiosqlite.connect(path, isolation_level=None)  # we issue BEGIN ourselves
    conn.row_factory = sqlite3.Row
    await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    await conn.execute("PRAGMA foreign_keys = ON")
    await conn.execute("PRAGMA synchronous = FULL")
    # A 64 MiB page cache (an upper bound, grown on demand) keeps the indexes a sweep
    # walks in memory at 100k klien; the 2 MiB default made sweeps super-linear.
    await conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    return conn


async def _rollback(conn: aiosqlite.Connection) -> None:
    """Roll back whatever is open; shielded, so a cancellation cannot skip it.

    Always sent (not only when `in_transaction` says so): aiosqlite runs requests in
    order, so this ROLLBACK also undoes a BEGIN still running when the task was
    cancelled.
    """

    async def run() -> None:
        try:
            await conn.execute("ROLLBACK")
        except sqlite3.OperationalError:
            pass  # no transaction was open

    await asyncio.shield(run())


class Database:
    """The bot's database: serialised writes, concurrent reads, migrations."""

    def __init__(self, path: str, writer: aiosqlite.Connection, reader: aiosqlite.Connection):
        self.path = path
        self._writer = writer
        self._reader = reader
        self._write_lock = asyncio.Lock()
        self._read_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str | Path, *, migrate: bool = True) -> Database:
        """Open (and by default create or migrate) the database at `path`."""
        path = str(path)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        writer = await _connect(path)
        try:
            mode = await (await writer.execute("PRAGMA journal_mode = WAL")).fetchone()
            if mode is None or str(mode[0]).lower() not in ("wal", "memory"):
                raise RuntimeError(f"could not enable WAL on {path}")
            if migrate:
                await apply_migrations(writer)
            reader = await _connect(path)
        except BaseException:
            await writer.close()
            raise
        await reader.execute("PRAGMA query_only = ON")
        return cls(path, writer, reader)

    async def close(self) -> None:
        """Wait for running transactions, then close both connections."""
        async with self._write_lock, self._read_lock:
            await self._reader.close()
            # Fold the WAL back into the main file so a copy of it alone is complete.
            try:
                await self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error:
                pass
            await self._writer.close()

    async def schema_version(self) -> int:
        """Return the applied migration count (`PRAGMA user_version`)."""
        row = await (await self._writer.execute("PRAGMA user_version")).fetchone()
        return int(row[0]) if row else 0

    @property
    def latest_version(self) -> int:
        """Return the version a fully migrated database has."""
        return len(MIGRATIONS)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """Run a block as one write transaction (BEGIN IMMEDIATE ... COMMIT)."""
        async with self._write_lock:
            try:
                # BEGIN inside the try: a task cancelled while BEGIN runs in aiosqlite's
                # thread must not leave the connection inside a transaction.
                await self._writer.execute("BEGIN IMMEDIATE")
                yield Tx(self._writer)
            except BaseException:
                await _rollback(self._writer)
                raise
            else:
                try:
                    await self._writer.execute("COMMIT")
                except BaseException:
                    await _rollback(self._writer)
                    raise

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Tx]:
        """Run a block of reads on one consistent snapshot (never blocks writers)."""
        async with self._read_lock:
            try:
                await self._reader.execute("BEGIN")
                yield Tx(self._reader, read_only=True)
            finally:
                await _rollback(self._reader)

    async def ping(self) -> bool:
        """Return True when the database answers a trivial query."""
        try:
            async with self._read_lock:
                await (await self._reader.execute("SELECT 1")).fetchone()
            return True
        except sqlite3.Error:
            return False

    async def backup(self, dest: str | Path) -> None:
        """Copy the database to `dest` with SQLite's online backup API."""
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.exists():
            dest.unlink()

        target = await aiosqlite.connect(str(dest))
        try:
            # One step (pages=0) copies every page under one read snapshot: WAL lets
            # the writer go on meanwhile, and the copy is consistent.
            async with self._read_lock:
                await self._reader.backup(target, pages=0)
        finally:
            await target.close()
