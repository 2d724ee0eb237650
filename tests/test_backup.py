"""Online backup while another task writes: the copy is consistent."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from storage import Database
from storage.reports import ReportIn
from tests.conftest import World


async def test_backup_while_writing(db: Database, world: World, tmp_path: Path) -> None:
    stop = asyncio.Event()
    enough = asyncio.Event()
    written = 0

    async def writer() -> None:
        nonlocal written
        while not stop.is_set():
            async with db.transaction() as tx:
                await tx.reports.add(
                    ReportIn(world.klien_a[0], world.coord_a, world.pokmas_a, "console",
                             "progress", "pekerjaan", "x" * 200, "2026-11-30", "selesai"),
                    f"2026-11-30T03:{written // 60 % 60:02d}:{written % 60:02d}Z",
                )
            written += 1
            if written == 50:
                enough.set()
            await asyncio.sleep(0)

    task = asyncio.create_task(writer())
    try:
        # Let some writes land, then take several backups while the writer keeps going.
        await asyncio.wait_for(enough.wait(), timeout=30)
        copies = []
        for i in range(3):
            target = tmp_path / f"copy{i}.db"
            await db.backup(target)
            copies.append(target)
    finally:
        stop.set()
        await task
    assert written >= 50
    counts = []
    for target in copies:
        with sqlite3.connect(target) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
            counts.append(conn.execute("SELECT count(*) FROM reports").fetchone()[0])
            assert conn.execute("PRAGMA user_version").fetchone()[0] >= 1
    assert counts == sorted(counts) and counts[0] > 0
    # The copy is a standalone database, openable with the migrations already applied.
    copy = await Database.open(copies[-1])
    try:
        async with copy.read() as tx:
            assert await tx.reports.count_for_klien(world.klien_a[0]) == counts[-1]
    finally:
        await copy.close()
