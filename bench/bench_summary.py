"""Summaries and exports benchmark (issue 6): /ringkasan and /ekspor at Bapas scale.

    python bench/bench_summary.py [--klien 100000] [--reports 1000000] [--runs 7]

Builds (once, cached under bench/out/ keyed by the schema and this file's data
version) a database of 100k klien over 150 officers and 32 Pokmas in 4 kabupaten,
1M reports over a year in time order, follow-ups, incidents, check-ins and service
hours, then prints:

1. `/ringkasan` end to end through the Router (one transaction, the scoped queries,
   the audit row, the text and the PNG chart) for one officer (~667 klien) and for
   the admin (the whole Bapas), and the queries alone, and the chart alone;
2. `/ringkasan` for an observer (one kabupaten, no chart);
3. the reports export through `handlers.export.write_export` (admin scope) of ~10k
   and ~100k rows: time, tracemalloc peak and ru_maxrss growth, each in a fresh
   subprocess so that one size's memory does not hide the other's;
4. `/ekspor` for one officer (a month) end to end;
5. EXPLAIN QUERY PLAN of the summary queries, officer and admin scope.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handlers.export import write_export  # noqa: E402
from handlers.model import Incoming  # noqa: E402
from handlers.router import Router  # noqa: E402
from handlers.settings import Settings  # noqa: E402
from storage import Database, Scope  # noqa: E402
from storage.enums import CATEGORIES, OUTCOMES, PROGRAMS, SECTORS  # noqa: E402
from storage.migrations import MIGRATIONS  # noqa: E402
from storage.timeutil import ts  # noqa: E402

NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)  # Monday 10:00 in Jakarta
TZ = ZoneInfo("Asia/Jakarta")
OUT = ROOT / "bench" / "out"
DATA_VERSION = 1  # bump when build() changes what it writes
OFFICERS = 150
POKMAS = 32
KABUPATEN = ("Banyumas", "Purbalingga", "Banjarnegara", "Kebumen")
REPORT_DAYS = 365


def schema_stamp() -> str:
    """Return a short hash of every migration statement (a changed schema rebuilds)."""
    text = "\n".join(s for m in MIGRATIONS for s in m.statements)
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def build(path: Path, klien: int, reports: int) -> None:
    """Write the benchmark database with executemany (synchronous off while building)."""
    asyncio.run(_migrate(path))
    rng = random.Random(6)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous = OFF")
    stamp = ts(NOW)
    today = (NOW + timedelta(hours=7)).date()
    with conn:
        conn.executemany(
            "INSERT INTO pokmas (code, name, sector, kabupaten, pks_expires, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    f"P{i + 1:02d}",
                    f"Pokmas {i + 1}",
                    SECTORS[i % len(SECTORS)],
                    KABUPATEN[i % len(KABUPATEN)],
                    (today + timedelta(days=30 * (i % 30))).isoformat(),
                    stamp,
                    stamp,
                )
                for i in range(POKMAS)
            ),
        )
        # ids: officers 1..150, coordinators 151..182, admin 183, observers 184..187
        conn.executemany(
            "INSERT INTO members (role, name, officer_code, created_at, updated_at) "
            "VALUES ('officer', ?, ?, ?, ?)",
            ((f"Petugas {i}", f"PK{i:03d}", stamp, stamp) for i in range(1, OFFICERS + 1)),
        )
        conn.executemany(
            "INSERT INTO members (role, name, pokmas_id, created_at, updated_at) "
            "VALUES ('coordinator', ?, ?, ?, ?)",
            ((f"Koordinator {i}", i, stamp, stamp) for i in range(1, POKMAS + 1)),
        )
        conn.execute(
            "INSERT INTO members (role, name, created_at, updated_at) "
            "VALUES ('admin', 'Admin', ?, ?)",
            (stamp, stamp),
        )
        conn.executemany(
            "INSERT INTO members (role, name, kabupaten, created_at, updated_at) "
            "VALUES ('observer', ?, ?, ?, ?)",
            ((f"Dinsos {k}", k, stamp, stamp) for k in KABUPATEN),
        )

        def klien_rows():  # type: ignore[no-untyped-def]
            for i in range(klien):
                start = today - timedelta(days=rng.randrange(30, 700))
                end = start + timedelta(days=rng.randrange(200, 1100))
                program = PROGRAMS[rng.randrange(len(PROGRAMS))]
                status = "aktif" if end >= today or rng.random() < 0.5 else "selesai"
                if rng.random() < 0.03:
                    status = rng.choice(("dicabut", "mangkir"))
                misses = rng.choice((0,) * 12 + (1, 1, 2, 3))
                hours = float(rng.randrange(8, 241)) if program == "kerja_sosial" else None
                yield (
                    f"R{i:07d}/2026",
                    f"Klien Nomor {i}",
                    program,
                    start.isoformat(),
                    end.isoformat(),
                    1 + i % OFFICERS,
                    1 + i % POKMAS,
                    start.isoformat(),
                    (today + timedelta(days=rng.randrange(-10, 31))).isoformat(),
                    misses,
                    hours,
                    status,
                    stamp,
                    stamp,
                )

        conn.executemany(
            "INSERT INTO klien (register_no, name, program, supervision_start, supervision_end,"
            " officer_id, pokmas_id, placed_on, next_checkin_on, missed_in_row, service_hours,"
            " status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            klien_rows(),
        )

        first = NOW - timedelta(days=REPORT_DAYS)
        step = timedelta(days=REPORT_DAYS) / reports
        bodies = [
            "Bekerja seperti biasa minggu ini, datang tepat waktu.",
            "Mengikuti pelatihan las bersama tiga peserta lain.",
            "Mengurus KTP di Disdukcapil, menunggu jadwal foto.",
            "Mediasi dengan keluarga berjalan baik.",
        ]

        def report_rows():  # type: ignore[no-untyped-def]
            for n in range(reports):
                k = rng.randrange(klien)
                when = first + step * n
                category = CATEGORIES[rng.randrange(len(CATEGORIES))]
                kind = "incident" if category == "insiden" else "progress"
                outcome = None if kind == "incident" else OUTCOMES[rng.randrange(3)]
                yield (
                    k + 1,
                    OFFICERS + 1 + k % POKMAS,
                    1 + k % POKMAS,
                    "telegram",
                    kind,
                    category,
                    outcome,
                    bodies[n % len(bodies)],
                    (when + timedelta(hours=7)).date().isoformat(),
                    ts(when),
                )

        conn.executemany(
            "INSERT INTO reports (klien_id, author_id, pokmas_id, channel, kind, category, "
            "outcome, body, occurred_on, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            report_rows(),
        )
        conn.execute(
            "INSERT INTO incidents (report_id, klien_id, severity, created_at, acknowledged_at) "
            "SELECT id, klien_id, 'sedang', created_at, "
            "CASE WHEN id % 50 = 0 THEN NULL ELSE created_at END "
            "FROM reports WHERE category = 'insiden'"
        )
        conn.execute(
            "INSERT INTO followups (report_id, klien_id, owner_id, title, due_on, status, "
            "created_at) SELECT id, klien_id, author_id, 'Tindak lanjut', "
            "date(created_at, '+7 days'), CASE WHEN id % 7 = 0 THEN 'open' ELSE 'done' END, "
            "created_at FROM reports WHERE outcome IN ('dalam_proses', 'butuh_bantuan') "
            "AND id % 3 = 0"
        )
        conn.executemany(
            "INSERT INTO checkins (klien_id, due_on, on_date, attendance, recorded_by, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                (
                    1 + i % klien,
                    (today - timedelta(days=30 * (i // klien) + 1)).isoformat(),
                    (today - timedelta(days=30 * (i // klien) + 1)).isoformat(),
                    ("hadir", "daring", "tidak_hadir")[i % 3],
                    1 + i % OFFICERS,
                    stamp,
                )
                for i in range(2 * klien)
            ),
        )
        conn.execute(
            "INSERT INTO service_hours (klien_id, on_date, hours, logged_by, created_at) "
            "SELECT id, date(supervision_start, '+' || (id % 60) || ' days'), 4, "
            f"{OFFICERS} + 1 + (id % {POKMAS}), created_at "
            "FROM klien WHERE service_hours IS NOT NULL"
        )
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


async def _migrate(path: Path) -> None:
    db = await Database.open(path)
    await db.close()


def database(klien: int, reports: int) -> Path:
    """Return the cached benchmark database, building it when missing."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"summary-{klien}-{reports}-s{schema_stamp()}-d{DATA_VERSION}.db"
    if not path.exists():
        started = time.perf_counter()
        tmp = path.with_suffix(".tmp")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{tmp}{suffix}").unlink(missing_ok=True)
        build(tmp, klien, reports)
        tmp.rename(path)
        print(f"built {path.name} in {time.perf_counter() - started:.1f} s")
    return path


# -- timings ------------------------------------------------------------------------


async def link(db: Database) -> dict[str, int]:
    """Link one officer, the admin and one observer to console ids; return member ids."""
    async with db.transaction() as tx:
        officer = await tx.members.by_officer_code("PK001")
        admins = await tx.members.by_role("admin")
        observers = await tx.members.by_role("observer")
        assert officer is not None
        who = {"officer": officer.id, "admin": admins[0].id, "observer": observers[0].id}
        for role, member_id in who.items():
            await tx.members.link(member_id, "console", f"bench-{role}", f"bench-{role}", ts(NOW))
    return who


def ms(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:.0f} ms, best {min(values) * 1000:.0f} ms"


async def time_command(
    router: Router, sender: str, text: str, runs: int
) -> tuple[list[float], list]:  # type: ignore[type-arg]
    """Run one command `runs` times (after one warm-up); return times and the last replies."""
    times: list[float] = []
    replies = []
    for n in range(runs + 1):
        event = Incoming("console", sender, f"{sender}-{text}-{n}-{time.monotonic_ns()}", text=text)
        started = time.perf_counter()
        replies = await router.handle(event)
        if n:
            times.append(time.perf_counter() - started)
    return times, replies


async def time_queries(db: Database, scope: Scope, runs: int) -> list[float]:
    """Time the summary's storage reads alone (SummaryRepo.caseload), 30 days."""
    from handlers.summary import parse_period

    period = parse_period([], NOW, TZ)
    assert period is not None
    today = period.last
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        async with db.read() as tx:
            await tx.summary.caseload(
                scope,
                start=period.start,
                end=period.end,
                weeks_from=list(period.weeks_from),
                today=today.isoformat(),
                due_until=(today + timedelta(days=7)).isoformat(),
                quiet_before=ts(NOW - timedelta(days=14)),
            )
        times.append(time.perf_counter() - started)
    return times


def time_chart(runs: int) -> list[float]:
    """Time render_chart alone: 5 weeks x 8 series (what the admin's chart draws)."""
    from handlers.summary import render_chart

    weeks = [date(2026, 10, 26) + timedelta(days=7 * i) for i in range(6)]
    series = [(f"P{i:02d}", [100 + i * 10 + w for w in range(6)]) for i in range(8)]
    render_chart(weeks, series, title="t", xlabel="x", ylabel="y")  # warm-up (imports)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        render_chart(weeks, series, title="t", xlabel="x", ylabel="y")
        times.append(time.perf_counter() - started)
    return times


async def summaries(path: Path, runs: int) -> None:
    db = await Database.open(path)
    try:
        who = await link(db)
        router = Router(db, Settings(bapas_name="Bapas Bench"), lambda: NOW)
        async with db.read() as tx:
            caseload = await tx.klien.count(
                Scope(role="officer", member_id=who["officer"]), status=None
            )
        for role in ("officer", "admin"):
            times, replies = await time_command(router, f"bench-{role}", "/ringkasan", runs)
            chart = replies[-1].attachment
            label = (
                f"officer PK001, {caseload:,} klien" if role == "officer" else "admin, whole Bapas"
            )
            print(
                f"/ringkasan ({label}), end to end with chart: {ms(times)}"
                f" [{len(chart.data) if chart else 0:,} byte PNG]"
            )
            scope = (
                Scope(role="officer", member_id=who["officer"])
                if role == "officer"
                else Scope.everything()
            )
            print(f"  the queries alone: {ms(await time_queries(db, scope, runs))}")
        times, _ = await time_command(router, "bench-observer", "/ringkasan", runs)
        print(f"/ringkasan (observer, one kabupaten, no chart): {ms(times)}")
        print(f"  render_chart alone (6 weeks x 8 series): {ms(time_chart(runs))}")
        times, replies = await time_command(router, "bench-officer", "/ekspor", max(runs // 2, 1))
        print(f"/ekspor (officer PK001, this month): {ms(times)} [{replies[0].text}]")
    finally:
        await db.close()


# -- the export, in a child process per size ----------------------------------------


def export_range(rows: int, total_reports: int) -> tuple[str, str]:
    """Return the [start, end) stored times of the last `rows` reports (even spacing)."""
    days = REPORT_DAYS * rows / total_reports
    return ts(NOW - timedelta(days=days)), ts(NOW + timedelta(seconds=1))


def peak_rss_kib() -> int:
    """Return this process's peak resident set size in KiB.

    VmHWM from /proc starts afresh at exec; ru_maxrss would carry the parent's peak
    (this benchmark's parent holds a large page cache) into the child.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


async def _export_child(path: Path, rows: int, total: int, traced: bool) -> dict[str, float]:
    import openpyxl  # noqa: F401  (imported before measuring: not the rows' memory)

    db = await Database.open(path, migrate=False)
    start, end = export_range(rows, total)
    try:
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "export.xlsx"
            rss_before = peak_rss_kib()
            if traced:
                tracemalloc.start()
            started = time.perf_counter()
            async with db.read() as tx:
                count = await write_export(
                    tx,
                    "reports",
                    Scope.everything(),
                    out,
                    fmt="xlsx",
                    lang="id",
                    tz=TZ,
                    start=start,
                    end=end,
                )
            elapsed = time.perf_counter() - started
            peak = tracemalloc.get_traced_memory()[1] if traced else 0
            if traced:
                tracemalloc.stop()
            rss_after = peak_rss_kib()
            size = out.stat().st_size
    finally:
        await db.close()
    return {
        "rows": count,
        "seconds": elapsed,
        "peak_mib": peak / 2**20,
        "rss_growth_mib": (rss_after - rss_before) / 1024,
        "file_mib": size / 2**20,
    }


def export_in_child(path: Path, rows: int, total: int, traced: bool) -> dict[str, float]:
    """Run one export in a fresh interpreter and return its figures."""
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--export-child",
            str(path),
            str(rows),
            str(total),
            "1" if traced else "0",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def exports(path: Path, total: int) -> None:
    for rows in (10_000, 100_000):
        timed = export_in_child(path, rows, total, traced=False)
        traced = export_in_child(path, rows, total, traced=True)
        print(
            f"export reports XLSX, {int(timed['rows']):,} rows: {timed['seconds']:.2f} s, "
            f"peak RSS growth {timed['rss_growth_mib']:.1f} MiB, "
            f"tracemalloc peak {traced['peak_mib']:.1f} MiB "
            f"(traced run {traced['seconds']:.1f} s), "
            f"file {timed['file_mib']:.1f} MiB"
        )


# -- query plans --------------------------------------------------------------------


async def plans(path: Path) -> None:
    """Print EXPLAIN QUERY PLAN of each caseload query, for an officer and for the admin.

    The statements are caught with sqlite3's trace callback (parameters expanded), so
    the plans are of exactly what SummaryRepo ran.
    """
    from handlers.summary import parse_period

    period = parse_period([], NOW, TZ)
    assert period is not None
    db = await Database.open(path, migrate=False)
    raw = sqlite3.connect(path)
    try:
        for label, scope in (
            ("officer", Scope(role="officer", member_id=1)),
            ("admin", Scope.everything()),
        ):
            seen: list[str] = []
            async with db.read() as tx:
                inner = tx.conn._conn  # the sqlite3 connection behind aiosqlite, in its thread
                await tx.conn._execute(inner.set_trace_callback, seen.append)
                try:
                    await tx.summary.caseload(
                        scope,
                        start=period.start,
                        end=period.end,
                        weeks_from=list(period.weeks_from),
                        today="2026-11-30",
                        due_until="2026-12-07",
                        quiet_before=ts(NOW - timedelta(days=14)),
                    )
                finally:
                    await tx.conn._execute(inner.set_trace_callback, None)
            print(f"EXPLAIN QUERY PLAN ({label} scope):")
            for sql in seen:
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                print(f"  {' '.join(sql.split())[:90]}")
                for row in raw.execute("EXPLAIN QUERY PLAN " + sql):
                    print(f"      {row[3]}")
    finally:
        raw.close()
        await db.close()


def main() -> None:
    """Build (or reuse) the database and print the figures."""
    if len(sys.argv) > 1 and sys.argv[1] == "--export-child":
        path, rows, total, traced = sys.argv[2:6]
        result = asyncio.run(_export_child(Path(path), int(rows), int(total), traced == "1"))
        print(json.dumps(result))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--klien", type=int, default=100_000)
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-plans", action="store_true")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    cached = database(args.klien, args.reports)
    print(f"database: {cached.name} ({cached.stat().st_size / 2**20:.0f} MiB)")
    # Commands write (audit rows, chat links): run them on a copy, keep the cache pristine.
    path = OUT / "summary-scratch.db"
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(cached, path)
    asyncio.run(summaries(path, args.runs))
    exports(path, args.reports)
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    if not args.no_plans:
        asyncio.run(plans(path))


if __name__ == "__main__":
    main()
