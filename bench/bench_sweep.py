"""Reminder sweep benchmark (issue 5): one sweep of every rule at 10k and 100k klien.

    python bench/bench_sweep.py [--sizes 10000 100000] [--runs 5] [--plans]

For each size, builds (once, cached under bench/out/ keyed by the schema and this
file's data version) a Bapas with 10 reports per klien over 120 days, officers of
~667 klien, 32 Pokmas with a coordinator each, and a realistic mix: ~10% of klien
silent past 14 days, check-ins (3 recorded per klien; ~4% due tomorrow, ~3% missed,
~1% on a run of three misses), open follow-ups (1 in 5 klien, some overdue),
unacknowledged incidents with their first alert, community-service orders (5%),
Pokmas agreements expiring; reports in a mix of categories and outcomes. Then, on
a fresh copy each time, it times:

- the first sweep on a Monday 10:00 (writes every reminder due: the weekly digest
  to each officer, the no-report nudges, check-ins, ...);
- the steady sweep five minutes later (what runs every 5 minutes: every rule is
  evaluated, nothing new is due, nothing is written);

and prints the growth factor (time at the large size / time at the small size,
divided by the size ratio: 1.0 is linear). `--plans` prints EXPLAIN QUERY PLAN of
every statement a sweep runs.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random
import re
import shutil
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handlers import reminders  # noqa: E402
from handlers.settings import Settings  # noqa: E402
from storage import Database  # noqa: E402
from storage.migrations import MIGRATIONS  # noqa: E402
from storage.timeutil import ts  # noqa: E402

NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)  # Monday 10:00 in Jakarta
TZ = ZoneInfo("Asia/Jakarta")
OUT = ROOT / "bench" / "out"
DATA_VERSION = 3  # bump when build() changes what it writes
KLIEN_PER_OFFICER = 667
POKMAS = 32
KABUPATEN = ("Banyumas", "Purbalingga", "Banjarnegara", "Kebumen")
REPORTS_PER_KLIEN = 10
REPORT_DAYS = 120
CATEGORY_MIX = ("pekerjaan", "pelatihan", "dokumen", "mediasi_keluarga", "bimbingan",
                "kesehatan", "kerja_sosial", "lainnya")  # fmt: skip
CATEGORY_WEIGHTS = (30, 15, 10, 5, 20, 5, 5, 10)
OUTCOME_MIX = ("selesai", "dalam_proses", "butuh_bantuan")
OUTCOME_WEIGHTS = (50, 40, 10)


def schema_stamp() -> str:
    """Return a short hash of every migration statement (a changed schema rebuilds)."""
    text = "\n".join(s for m in MIGRATIONS for s in m.statements)
    return hashlib.sha256(text.encode()).hexdigest()[:10]


async def _migrate(path: Path) -> None:
    db = await Database.open(path)
    await db.close()


def build(path: Path, klien: int) -> None:
    """Write the benchmark database with executemany (synchronous off while building)."""
    asyncio.run(_migrate(path))
    rng = random.Random(5)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous = OFF")
    stamp = ts(NOW)
    today = NOW.astimezone(TZ).date()
    officers = max(2, klien // KLIEN_PER_OFFICER)
    with conn:
        conn.executemany(
            "INSERT INTO pokmas (id, code, name, sector, kabupaten, pks_expires, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    p,
                    f"P{p:03d}",
                    f"Pokmas {p}",
                    "bengkel",
                    KABUPATEN[p % len(KABUPATEN)],
                    (today + timedelta(days=rng.randint(-30, 400))).isoformat(),
                    stamp,
                    stamp,
                )
                for p in range(1, POKMAS + 1)
            ),
        )
        members: list[tuple[object, ...]] = []
        for o in range(1, officers + 1):
            members.append((o, "officer", f"PK {o}", None, f"PK{o:04d}", None))
        base = officers
        for p in range(1, POKMAS + 1):
            members.append((base + p, "coordinator", f"Koordinator {p}", p, None, None))
        base += POKMAS
        members.append((base + 1, "admin", "Admin 1", None, None, None))
        members.append((base + 2, "admin", "Admin 2", None, None, None))
        for i, kab in enumerate(KABUPATEN, start=3):
            members.append((base + i, "observer", f"Dinsos {kab}", None, None, kab))
        conn.executemany(
            "INSERT INTO members (id, role, name, pokmas_id, officer_code, kabupaten, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            ((*m, stamp, stamp) for m in members),
        )
        conn.executemany(
            "INSERT INTO identities (channel, external_id, member_id, address, linked_at, "
            "last_inbound_at) VALUES ('telegram', ?, ?, ?, ?, ?)",
            ((str(10_000 + m[0]), m[0], str(10_000 + m[0]), stamp, stamp) for m in members),
        )

        klien_rows = []
        for k in range(1, klien + 1):
            start = today - timedelta(days=rng.randint(30, 700))
            end = today + timedelta(days=rng.randint(1, 900))
            roll = rng.random()
            if roll < 0.04:
                next_checkin = today + timedelta(days=1)  # due tomorrow
            elif roll < 0.07:
                next_checkin = today - timedelta(days=rng.randint(1, 20))  # missed
            else:
                next_checkin = today + timedelta(days=rng.randint(2, 30))
            misses = 3 if rng.random() < 0.01 else (1 if rng.random() < 0.05 else 0)
            service = float(rng.choice((60, 120, 240))) if rng.random() < 0.05 else None
            program = "kerja_sosial" if service else rng.choice(("PB", "CB", "CMB", "asimilasi"))
            klien_rows.append(
                (
                    k,
                    f"REG-{k:07d}",
                    f"Klien {k}",
                    program,
                    start.isoformat(),
                    end.isoformat(),
                    rng.randint(1, officers),
                    rng.randint(1, POKMAS),
                    start.isoformat(),
                    next_checkin.isoformat(),
                    misses,
                    service,
                    stamp,
                    stamp,
                )
            )
        conn.executemany(
            "INSERT INTO klien (id, register_no, name, program, supervision_start, "
            "supervision_end, officer_id, pokmas_id, placed_on, next_checkin_on, missed_in_row, "
            "service_hours, created_at, updated_at) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            klien_rows,
        )

        def reports() -> object:
            for k, row in enumerate(klien_rows, start=1):
                pokmas = row[7]
                author = officers + pokmas
                silent = rng.random() < 0.10
                for n in range(REPORTS_PER_KLIEN):
                    # A reporting klien has its newest report within the last 13 days.
                    low, high = (15, REPORT_DAYS) if silent or n else (0, 13)
                    ago = timedelta(days=rng.uniform(low, high), seconds=rng.randint(0, 86_399))
                    at = NOW - ago
                    yield (
                        k,
                        author,
                        pokmas,
                        rng.choices(CATEGORY_MIX, CATEGORY_WEIGHTS)[0],
                        rng.choices(OUTCOME_MIX, OUTCOME_WEIGHTS)[0],
                        "Kegiatan seperti biasa.",
                        at.astimezone(TZ).date().isoformat(),
                        ts(at),
                    )

        conn.executemany(
            "INSERT INTO reports (klien_id, author_id, pokmas_id, channel, kind, category, "
            "outcome, body, occurred_on, created_at) "
            "VALUES (?, ?, ?, 'telegram', 'progress', ?, ?, ?, ?, ?)",
            reports(),  # type: ignore[arg-type]
        )
        conn.executemany(
            "INSERT INTO checkins (klien_id, due_on, on_date, attendance, recorded_by, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                (
                    k,
                    (today - timedelta(days=30 * i)).isoformat(),
                    (today - timedelta(days=30 * i)).isoformat(),
                    "tidak_hadir" if klien_rows[k - 1][10] >= i else "hadir",
                    klien_rows[k - 1][6],
                    stamp,
                )
                for k in range(1, klien + 1)
                for i in (3, 2, 1)
            ),
        )
        conn.executemany(
            "INSERT INTO followups (klien_id, owner_id, title, due_on, created_at) "
            "VALUES (?, ?, 'Pengurusan KTP', ?, ?)",
            (
                (
                    k,
                    officers + klien_rows[k - 1][7],
                    (today + timedelta(days=rng.randint(-20, 30))).isoformat(),
                    stamp,
                )
                for k in range(1, klien + 1, 5)
            ),
        )
        conn.executemany(
            "INSERT INTO service_hours (klien_id, on_date, hours, logged_by, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                (k, (today - timedelta(days=d)).isoformat(), 4.0, officers + 1, stamp)
                for k, row in enumerate(klien_rows, start=1)
                if row[11]
                for d in range(0, 60, 7)
            ),
        )
        incidents = rng.sample(range(1, klien + 1), max(1, klien // 500))
        for n, k in enumerate(incidents, start=1):
            at = NOW - timedelta(hours=rng.uniform(0, 20))
            conn.execute(
                "INSERT INTO reports (id, klien_id, author_id, pokmas_id, channel, kind, "
                "category, body, occurred_on, created_at) VALUES "
                "(?, ?, ?, ?, 'telegram', 'incident', 'insiden', 'Insiden.', ?, ?)",
                (
                    10_000_000 + n,
                    k,
                    officers + klien_rows[k - 1][7],
                    klien_rows[k - 1][7],
                    at.date().isoformat(),
                    ts(at),
                ),
            )
            conn.execute(
                "INSERT INTO incidents (id, report_id, klien_id, severity, created_at) "
                "VALUES (?, ?, ?, 'sedang', ?)",
                (n, 10_000_000 + n, k, ts(at)),
            )
            payload = {
                "incident_id": n, "report_id": 10_000_000 + n, "klien_id": k,
                "klien": f"Klien {k}", "pokmas": "Pokmas", "severity": "sedang",
                "body": "Insiden.", "author": "Koordinator",
            }  # fmt: skip
            conn.execute(
                "INSERT INTO outbox (kind, subject, period, member_id, payload, status, "
                "attempts, not_before, created_at, sent_at) "
                "VALUES ('incident', ?, '0', ?, ?, 'sent', 1, ?, ?, ?)",
                (f"incident:{n}", klien_rows[k - 1][6], json.dumps(payload), *[ts(at)] * 3),
            )
    conn.execute("ANALYZE")
    conn.close()


def fixture(klien: int) -> Path:
    """Return the cached fixture database for a size, building it when missing."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"sweep-{klien}-s{schema_stamp()}-d{DATA_VERSION}.db"
    if not path.exists():
        started = time.perf_counter()
        scratch = path.with_suffix(".building")
        scratch.unlink(missing_ok=True)
        build(scratch, klien)
        scratch.rename(path)
        print(f"built {path.name} in {time.perf_counter() - started:.1f} s", flush=True)
    return path


def fresh_copy(source: Path) -> Path:
    """Copy the fixture so that every measurement starts from the same state."""
    target = OUT / "sweep-scratch.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return target


async def timed(db: Database, settings: Settings, at: datetime) -> tuple[float, int]:
    started = time.perf_counter()
    result = await reminders.sweep(db, settings, at)
    return time.perf_counter() - started, result.total


async def measure(path: Path, runs: int, cache_mb: int | None) -> dict[str, object]:
    """Time the first sweep (fresh copies) and the steady sweeps after it."""
    settings = Settings()
    firsts: list[float] = []
    steady: list[float] = []
    written = steady_rows = 0
    for _ in range(runs):
        db = await Database.open(fresh_copy(path))
        if cache_mb is not None:  # SQLite's page cache of the writer connection
            await db._writer.execute(f"PRAGMA cache_size = -{cache_mb * 1024}")
        try:
            seconds, written = await timed(db, settings, NOW)
            firsts.append(seconds)
            for minute in (5, 10, 15):
                seconds, more = await timed(db, settings, NOW + timedelta(minutes=minute))
                steady.append(seconds)
                steady_rows += more
        finally:
            await db.close()
    return {
        "first": statistics.median(firsts),
        "steady": statistics.median(steady),
        "written": written,
        "steady_rows": steady_rows / (3 * runs),
    }


async def plans(path: Path) -> None:
    """Print EXPLAIN QUERY PLAN of every distinct statement one first sweep runs."""
    statements: list[str] = []
    db = await Database.open(fresh_copy(path))
    try:
        await db._writer.set_trace_callback(statements.append)
        await reminders.sweep(db, Settings(), NOW)
        await db._writer.set_trace_callback(None)
    finally:
        await db.close()
    conn = sqlite3.connect(fresh_copy(path))
    seen: set[str] = set()
    for sql in statements:
        if not sql.lstrip().upper().startswith(("WITH", "INSERT", "SELECT", "DELETE", "UPDATE")):
            continue
        shape = re.sub(r"'[^']*'|\b\d+\b", "?", " ".join(sql.split()))  # literals out
        if shape in seen or shape.startswith(("INSERT INTO outbox (kind, subject, period, "
                                               "member_id, payload, not_before, created_at) "
                                               "VALUES",)):  # fmt: skip
            continue
        seen.add(shape)
        print(f"\n-- {shape[:160]}")
        depth = {0: -1}
        for node, parent, _, detail in conn.execute(f"EXPLAIN QUERY PLAN {sql}"):
            depth[node] = depth.get(parent, -1) + 1
            print("   " + "  " * depth[node] + detail)
    conn.close()


def report(
    label: str, value: Callable[[dict[str, object]], float], results: dict[int, dict]
) -> None:
    sizes = sorted(results)
    small, large = sizes[0], sizes[-1]
    for size in sizes:
        print(f"  {label:<14} {size:>7} klien: {value(results[size]) * 1000:8.1f} ms")
    if small != large:
        growth = (value(results[large]) / value(results[small])) / (large / small)
        print(f"  {label:<14} growth factor ({large}/{small}, / {large // small}): {growth:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--plans", action="store_true", help="print EXPLAIN QUERY PLAN")
    parser.add_argument(
        "--cache-mb",
        type=int,
        default=None,
        help="set the writer's SQLite page cache (default: the program's, 64 MiB)",
    )
    args = parser.parse_args()
    results: dict[int, dict] = {}
    for size in args.sizes:
        path = fixture(size)
        results[size] = asyncio.run(measure(path, args.runs, args.cache_mb))
        print(
            f"{size} klien: first sweep {results[size]['first'] * 1000:.1f} ms "  # type: ignore[operator]
            f"({results[size]['written']} rows written), steady sweep "
            f"{results[size]['steady'] * 1000:.1f} ms "  # type: ignore[operator]
            f"({results[size]['steady_rows']:.1f} rows written on average: incident repeats "
            "coming due)",
            flush=True,
        )
    print(f"\nmedians of {args.runs} runs (first) and {3 * args.runs} runs (steady):")
    report("first sweep", lambda r: float(r["first"]), results)  # type: ignore[arg-type]
    report("steady sweep", lambda r: float(r["steady"]), results)  # type: ignore[arg-type]
    if args.plans:
        asyncio.run(plans(fixture(max(args.sizes))))


if __name__ == "__main__":
    main()
