"""Storage benchmark: durable single-report inserts, and the no-report query at scale.

    python bench/bench_storage.py [--klien 100000] [--reports 1000000] [--inserts 2000]

Prints (1) single-report inserts per second, one transaction each with
synchronous=FULL, through the real repository (the trigger that keeps
klien.last_report_at included); (2) the time of "active klien with no report in the
last 14 days" (SummaryRepo.silent_count, what /ringkasan and the sweep's no-report
rules range over) on 100k klien and 1M reports, and its query plan.
The large database is built once with executemany and cached under bench/out/.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storage import Database, Scope  # noqa: E402
from storage.migrations import MIGRATIONS  # noqa: E402
from storage.reports import ReportIn  # noqa: E402
from storage.timeutil import ts  # noqa: E402

NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
OUT = ROOT / "bench" / "out"


def build(path: Path, klien: int, reports: int) -> None:
    """Create a database with `klien` klien and `reports` reports spread over 120 days."""
    asyncio.run(_migrate(path))
    rng = random.Random(7)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous = OFF")  # building the fixture only
    stamp = ts(NOW)
    officers = max(1, klien // 700)
    pokmas = max(1, klien // 500)
    with conn:
        conn.executemany(
            "INSERT INTO pokmas (code, name, sector, kabupaten, created_at, updated_at) "
            "VALUES (?, ?, 'jasa', 'Banyumas', ?, ?)",
            ((f"P{i:04d}", f"Pokmas {i}", stamp, stamp) for i in range(pokmas)),
        )
        conn.executemany(
            "INSERT INTO members (role, name, officer_code, created_at, updated_at) "
            "VALUES ('officer', ?, ?, ?, ?)",
            ((f"Officer {i}", f"PK{i:04d}", stamp, stamp) for i in range(officers)),
        )
        conn.executemany(
            "INSERT INTO members (role, name, pokmas_id, created_at, updated_at) "
            "VALUES ('coordinator', ?, ?, ?, ?)",
            ((f"Coordinator {i}", i + 1, stamp, stamp) for i in range(pokmas)),
        )
        start = (NOW - timedelta(days=200)).date().isoformat()
        end = (NOW + timedelta(days=300)).date().isoformat()
        conn.executemany(
            "INSERT INTO klien (register_no, name, program, supervision_start, supervision_end,"
            " officer_id, pokmas_id, placed_on, next_checkin_on, created_at, updated_at) "
            "VALUES (?, ?, 'PB', ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (f"R{i:07d}", f"Klien {i}", start, end, 1 + i % officers, 1 + i % pokmas,
                 start, end, stamp, stamp)
                for i in range(klien)
            ),
        )

        def rows():  # type: ignore[no-untyped-def]
            for _ in range(reports):
                k = rng.randrange(klien)
                when = NOW - timedelta(days=rng.random() * 120)
                yield (k + 1, officers + 1 + k % pokmas, 1 + k % pokmas, "telegram", "progress",
                       "pekerjaan", "selesai", "Bekerja seperti biasa minggu ini.",
                       when.date().isoformat(), ts(when))

        conn.executemany(
            "INSERT INTO reports (klien_id, author_id, pokmas_id, channel, kind, category, "
            "outcome, body, occurred_on, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows(),
        )
    conn.execute("ANALYZE")
    conn.close()


async def _migrate(path: Path) -> None:
    db = await Database.open(path)
    await db.close()


async def inserts_per_second(path: Path, count: int) -> float:
    """Insert `count` reports, each in its own durable transaction."""
    db = await Database.open(path)
    try:
        item = ReportIn(1, 2, 1, "telegram", "progress", "pekerjaan",
                        "Laporan benchmark, satu transaksi per laporan.", "2026-11-30",
                        "selesai")
        started = time.perf_counter()
        for i in range(count):
            async with db.transaction() as tx:
                await tx.reports.add(item, ts(NOW + timedelta(seconds=i)))
        return count / (time.perf_counter() - started)
    finally:
        await db.close()


async def silent_query(path: Path, runs: int = 5) -> tuple[list[float], int]:
    """Time SummaryRepo.silent_count over the whole Bapas (admin scope)."""
    db = await Database.open(path)
    try:
        since = ts(NOW - timedelta(days=14))
        times, found = [], 0
        for _ in range(runs):
            started = time.perf_counter()
            async with db.read() as tx:
                found = await tx.summary.silent_count(Scope.everything(), since)
            times.append(time.perf_counter() - started)
        return times, found
    finally:
        await db.close()


def query_plan(path: Path) -> list[str]:
    """Return the EXPLAIN QUERY PLAN lines of the no-report query (admin scope)."""
    from storage.summary import QUIET

    sql = f"SELECT count(*) FROM klien k WHERE k.status = 'aktif' AND 1 = 1 AND {QUIET} < ?"
    with sqlite3.connect(path) as conn:
        since = ts(NOW - timedelta(days=14))
        return [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, (since,))]


def main() -> None:
    """Build (or reuse) the database and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--klien", type=int, default=100_000)
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--inserts", type=int, default=2_000)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"storage-{args.klien}-{args.reports}-v{len(MIGRATIONS)}.db"
    if not path.exists():
        started = time.perf_counter()
        tmp = path.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        build(tmp, args.klien, args.reports)
        tmp.rename(path)
        print(f"built {path.name} in {time.perf_counter() - started:.1f} s")
    scratch = OUT / "storage-inserts.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    asyncio.run(_migrate(scratch))
    with sqlite3.connect(scratch) as conn:
        conn.execute("INSERT INTO pokmas (code, name, sector, kabupaten, created_at, updated_at)"
                     " VALUES ('P', 'P', 'jasa', 'Banyumas', 'x', 'x')")
        conn.execute("INSERT INTO members (role, name, officer_code, created_at, updated_at) "
                     "VALUES ('officer', 'O', 'PK', 'x', 'x')")
        conn.execute("INSERT INTO members (role, name, pokmas_id, created_at, updated_at) "
                     "VALUES ('coordinator', 'C', 1, 'x', 'x')")
        conn.execute("INSERT INTO klien (register_no, name, program, supervision_start, "
                     "supervision_end, officer_id, pokmas_id, created_at, updated_at) VALUES "
                     "('R', 'K', 'PB', '2026-01-01', '2027-01-01', 1, 1, 'x', 'x')")
    rate = asyncio.run(inserts_per_second(scratch, args.inserts))
    print(f"single-report inserts (one transaction each, synchronous=FULL): {rate:,.0f}/s "
          f"over {args.inserts} inserts")
    times, found = asyncio.run(silent_query(path))
    print(f"no report in 14 days, {args.klien:,} klien / {args.reports:,} reports: "
          f"median {statistics.median(times) * 1000:.0f} ms, best {min(times) * 1000:.0f} ms "
          f"({found:,} klien found, {len(times)} runs)")
    print("EXPLAIN QUERY PLAN:")
    for line in query_plan(path):
        print(f"  {line}")


if __name__ == "__main__":
    main()
