"""Migrations: applied in order from an empty database, each in one transaction, idempotent."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import aiosqlite
import pytest

from storage import Database
from storage.migrations import MIGRATIONS, Migration, apply_migrations


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


async def test_every_migration_applies_from_empty(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "a.db")
    try:
        assert await db.schema_version() == len(MIGRATIONS)
    finally:
        await db.close()
    expected = {
        "pokmas", "members", "identities", "invites", "klien", "reports", "followups",
        "incidents", "checkins", "service_hours", "outbox", "processed_events",
        "conversations", "audit_log", "placements", "snoozes", "auth_failures",
    }
    assert expected <= tables(tmp_path / "a.db")


async def test_each_step_from_the_previous_version(tmp_path: Path) -> None:
    """Apply migrations one at a time; every intermediate version is a valid start."""
    path = tmp_path / "b.db"
    for version in range(1, len(MIGRATIONS) + 1):
        async with aiosqlite.connect(path, isolation_level=None) as conn:
            await conn.execute("PRAGMA foreign_keys = ON")
            for number, migration in enumerate(MIGRATIONS[:version], start=1):
                row = await (await conn.execute("PRAGMA user_version")).fetchone()
                if row and row[0] >= number:
                    continue
                await conn.execute("BEGIN IMMEDIATE")
                for statement in migration.statements:
                    await conn.execute(statement)
                await conn.execute(f"PRAGMA user_version = {number}")
                await conn.execute("COMMIT")
            row = await (await conn.execute("PRAGMA user_version")).fetchone()
            assert row is not None and row[0] == version
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


async def test_reopen_is_a_no_op(tmp_path: Path) -> None:
    for _ in range(2):
        db = await Database.open(tmp_path / "c.db")
        await db.close()
    async with aiosqlite.connect(tmp_path / "c.db") as conn:
        assert await apply_migrations(conn) == []


async def test_failed_migration_rolls_back_whole_step(tmp_path: Path, monkeypatch) -> None:
    bad = Migration("broken", ("CREATE TABLE half_done (x)", "THIS IS NOT SQL"))
    monkeypatch.setattr("storage.migrations.MIGRATIONS", (*MIGRATIONS, bad))
    async with aiosqlite.connect(tmp_path / "d.db", isolation_level=None) as conn:
        with pytest.raises(sqlite3.OperationalError):
            await apply_migrations(conn)
        row = await (await conn.execute("PRAGMA user_version")).fetchone()
        assert row is not None and row[0] == len(MIGRATIONS)
    assert "half_done" not in tables(tmp_path / "d.db")


async def test_newer_database_is_refused(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "e.db") as conn:
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(RuntimeError, match="newer than this program"):
        await Database.open(tmp_path / "e.db")


async def test_pragmas(db: Database) -> None:
    async with db.transaction() as tx:
        conn = tx.conn
        assert (await (await conn.execute("PRAGMA journal_mode")).fetchone())[0] == "wal"
        assert (await (await conn.execute("PRAGMA foreign_keys")).fetchone())[0] == 1
        assert (await (await conn.execute("PRAGMA synchronous")).fetchone())[0] == 2  # FULL
        assert (await (await conn.execute("PRAGMA busy_timeout")).fetchone())[0] > 0


async def test_failed_transaction_rolls_back(db: Database) -> None:
    with pytest.raises(ZeroDivisionError):
        async with db.transaction() as tx:
            await tx.members.create(role="admin", name="X", now="2026-01-01T00:00:00Z")
            1 / 0  # noqa: B018
    async with db.read() as tx:
        assert await tx.members.by_role("admin") == []
