"""Benchmark the router: complete /lapor conversations at the handler level.

Builds a file database (WAL, synchronous=FULL, as in production) with 100,000 klien
spread over 200 Pokmas (one coordinator each) and 500 officers, plus existing
reports, then drives complete /lapor conversations through `Router.handle` with
channel-neutral `Incoming` events: first one conversation at a time, then many at
once from concurrent asyncio tasks. Prints events per second and p50/p95 latency per
event and per complete conversation.

    .venv/bin/python bench/bench_router.py            # defaults below
    .venv/bin/python bench/bench_router.py --profile  # cProfile of the sequential part
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import itertools
import pstats
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from handlers.model import Incoming, Reply
from handlers.router import Router
from handlers.settings import Settings
from storage import Database
from storage.timeutil import ts

FIRST = [
    "Budi",
    "Agus",
    "Siti",
    "Dewi",
    "Joko",
    "Rina",
    "Eko",
    "Wati",
    "Andi",
    "Sri",
    "Dimas",
    "Yanto",
    "Rudi",
    "Tono",
    "Putri",
    "Fajar",
    "Bayu",
    "Nur",
    "Indah",
    "Hendra",
]
LAST = [
    "Santoso",
    "Wijaya",
    "Saputra",
    "Hidayat",
    "Pratama",
    "Setiawan",
    "Nugroho",
    "Lestari",
    "Kurniawan",
    "Susanto",
    "Rahmawati",
    "Purnomo",
    "Wibowo",
    "Gunawan",
    "Utomo",
]
PROGRAMS = ["PB", "CB", "CMB", "asimilasi", "diversi", "pidana_pengawasan", "kerja_sosial"]
SECTORS = ["pesantren", "bengkel", "cuci_kendaraan", "toko_sepeda", "peternakan", "jasa"]
KABUPATEN = ["Banyumas", "Purbalingga", "Banjarnegara", "Kebumen"]


async def build(path: Path, *, klien: int, pokmas: int, officers: int, reports: int) -> list[str]:
    """Create the database; return the chat ids of the coordinators."""
    rng = random.Random(7)
    now = datetime.now(UTC)
    stamp = ts(now)
    db = await Database.open(path)
    try:
        async with db.transaction() as tx:
            await tx.conn.executemany(
                "INSERT INTO pokmas (code, name, sector, kabupaten, active, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)",
                [
                    (
                        f"P{i:04d}",
                        f"Pokmas {i}",
                        SECTORS[i % len(SECTORS)],
                        KABUPATEN[i % len(KABUPATEN)],
                        stamp,
                        stamp,
                    )
                    for i in range(1, pokmas + 1)
                ],
            )
            await tx.conn.executemany(
                "INSERT INTO members (id, role, name, officer_code, created_at, updated_at) "
                "VALUES (?, 'officer', ?, ?, ?, ?)",
                [(i, f"PK {i}", f"PK{i:04d}", stamp, stamp) for i in range(1, officers + 1)],
            )
            coordinators = [(officers + i, i) for i in range(1, pokmas + 1)]
            await tx.conn.executemany(
                "INSERT INTO members (id, role, name, pokmas_id, created_at, updated_at) "
                "VALUES (?, 'coordinator', ?, ?, ?, ?)",
                [(m, f"Koordinator {p}", p, stamp, stamp) for m, p in coordinators],
            )
            await tx.conn.executemany(
                "INSERT INTO identities (channel, external_id, member_id, address, linked_at) "
                "VALUES ('console', ?, ?, ?, ?)",
                [(f"c{m}", m, f"c{m}", stamp) for m, _ in coordinators],
            )
        start = (now - timedelta(days=200)).date().isoformat()
        end = (now + timedelta(days=400)).date().isoformat()
        batch = 25_000
        for first in range(0, klien, batch):
            rows = []
            for n in range(first, min(first + batch, klien)):
                program = PROGRAMS[n % len(PROGRAMS)]
                rows.append(
                    (
                        f"REG-{n:06d}",
                        f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}",
                        program,
                        start,
                        end,
                        1 + n % officers,
                        1 + n % pokmas,
                        start,
                        start,
                        120.0 if program == "kerja_sosial" else None,
                        stamp,
                        stamp,
                    )
                )
            async with db.transaction() as tx:
                await tx.conn.executemany(
                    "INSERT INTO klien (register_no, name, program, supervision_start, "
                    "supervision_end, officer_id, pokmas_id, placed_on, next_checkin_on, "
                    "service_hours, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    rows,
                )
        for first in range(0, reports, batch):
            rows = []
            for _ in range(first, min(first + batch, reports)):
                k = rng.randrange(klien)
                when = now - timedelta(days=rng.randrange(1, 180))
                rows.append(
                    (
                        k + 1,
                        officers + 1 + k % pokmas,
                        1 + k % pokmas,
                        "pekerjaan",
                        "Laporan lama untuk mengisi tabel.",
                        when.date().isoformat(),
                        ts(when),
                    )
                )
            async with db.transaction() as tx:
                await tx.conn.executemany(
                    "INSERT INTO reports (klien_id, author_id, pokmas_id, channel, kind, "
                    "category, outcome, body, occurred_on, created_at) "
                    "VALUES (?, ?, ?, 'console', 'progress', ?, 'selesai', ?, ?, ?)",
                    rows,
                )
    finally:
        await db.close()
    return [f"c{m}" for m, _ in coordinators]


_ids = itertools.count(1)


def _choice(replies: list[Reply], label: str) -> str:
    for reply in reversed(replies):
        for choice in reply.choices:
            if label in choice.label:
                return choice.id
    raise AssertionError(f"no choice {label!r} in {[r.text[:60] for r in replies]}")


def _first_klien(replies: list[Reply]) -> str:
    for reply in reversed(replies):
        for choice in reply.choices:
            if ".k" in choice.id:
                return choice.id
    raise AssertionError("no klien offered")


async def conversation(router: Router, sender: str, event_ms: list[float]) -> float:
    """Run one complete /lapor (8 events); record each event's latency; return the total."""

    async def send(**kw: str) -> list[Reply]:
        event = Incoming("console", sender, f"b{next(_ids)}", **kw)
        t0 = time.perf_counter()
        replies = await router.handle(event)
        event_ms.append((time.perf_counter() - t0) * 1000)
        return replies

    began = time.perf_counter()
    r = await send(text="/lapor")
    r = await send(choice=_first_klien(r))
    r = await send(choice=_choice(r, "Pekerjaan"))
    r = await send(choice=_choice(r, "Dalam proses"))  # opens a follow-up too
    r = await send(text="Klien mulai bekerja di bengkel dan datang tepat waktu setiap hari.")
    r = await send(choice=_choice(r, "Hari ini"))
    r = await send(choice=_choice(r, "Lewati"))
    r = await send(choice=_choice(r, "Kirim"))
    assert "tersimpan" in r[0].text, r[0].text
    return (time.perf_counter() - began) * 1000


def pct(values: list[float], p: float) -> float:
    """Return the p-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def report(title: str, wall: float, event_ms: list[float], conv_ms: list[float]) -> None:
    """Print one result block."""
    print(f"\n{title}")
    print(f"  conversations {len(conv_ms)}, events {len(event_ms)}, wall {wall:.2f} s")
    print(
        f"  throughput    {len(event_ms) / wall:8.1f} events/s, "
        f"{len(conv_ms) / wall:6.1f} conversations/s"
    )
    print(
        f"  per event     p50 {pct(event_ms, 50):6.2f} ms   p95 {pct(event_ms, 95):6.2f} ms   "
        f"max {max(event_ms):6.2f} ms"
    )
    print(
        f"  per /lapor    p50 {pct(conv_ms, 50):6.1f} ms   p95 {pct(conv_ms, 95):6.1f} ms   "
        f"max {max(conv_ms):6.1f} ms"
    )


async def run_sequential(
    router: Router, senders: list[str]
) -> tuple[float, list[float], list[float]]:
    event_ms: list[float] = []
    conv_ms: list[float] = []
    began = time.perf_counter()
    for sender in senders:
        conv_ms.append(await conversation(router, sender, event_ms))
    return time.perf_counter() - began, event_ms, conv_ms


async def run_concurrent(
    router: Router, senders: list[str], tasks: int, rounds: int
) -> tuple[float, list[float], list[float]]:
    event_ms: list[float] = []
    conv_ms: list[float] = []
    groups = [senders[i::tasks] for i in range(tasks)]

    async def worker(mine: list[str]) -> None:
        for _ in range(rounds):
            for sender in mine:
                conv_ms.append(await conversation(router, sender, event_ms))

    began = time.perf_counter()
    await asyncio.gather(*(worker(g) for g in groups))
    return time.perf_counter() - began, event_ms, conv_ms


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        t0 = time.perf_counter()
        senders = await build(
            path, klien=args.klien, pokmas=args.pokmas, officers=args.officers, reports=args.reports
        )
        built = time.perf_counter() - t0
        size = path.stat().st_size / 1e6
        print(
            f"database: {args.klien:,} klien, {args.pokmas} Pokmas/coordinators, "
            f"{args.officers} officers, {args.reports:,} reports; built in {built:.1f} s, "
            f"{size:.0f} MB (WAL, synchronous=FULL)"
        )
        db = await Database.open(path)
        try:
            clock: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731
            router = Router(db, Settings(bapas_name="Bench"), clock)
            await conversation(router, senders[0], [])  # warm-up (imports, caches)
            profiler = cProfile.Profile() if args.profile else None
            if profiler:
                profiler.enable()
            one_by_one = list(itertools.islice(itertools.cycle(senders), args.sequential))
            wall, ev, conv = await run_sequential(router, one_by_one)
            if profiler:
                profiler.disable()
            report(
                f"sequential: one conversation at a time ({args.sequential} conversations)",
                wall,
                ev,
                conv,
            )
            wall, ev, conv = await run_concurrent(router, senders, args.tasks, args.rounds)
            report(
                f"concurrent: {args.tasks} asyncio tasks, {len(senders)} coordinators x "
                f"{args.rounds} round(s)",
                wall,
                ev,
                conv,
            )
            if profiler:
                print("\ncProfile of the sequential part (top 25 by cumulative time):")
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        finally:
            await db.close()


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--klien", type=int, default=100_000)
    parser.add_argument("--pokmas", type=int, default=200)
    parser.add_argument("--officers", type=int, default=500)
    parser.add_argument("--reports", type=int, default=300_000)
    parser.add_argument("--sequential", type=int, default=400, help="conversations, one by one")
    parser.add_argument("--tasks", type=int, default=50, help="concurrent asyncio tasks")
    parser.add_argument("--rounds", type=int, default=2, help="conversations per coordinator")
    parser.add_argument("--profile", action="store_true", help="cProfile the sequential part")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse()))
