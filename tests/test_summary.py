"""/ringkasan on a seeded database: officer, admin, observer; the chart; suppression."""

from __future__ import annotations

import itertools
import struct
import sys
import zlib
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.summary import SMALL, chart_series, parse_period, suppress
from storage import Scope
from storage.klien import KlienIn
from storage.timeutil import ts
from tests.conftest import T0, Chat, World
from tests.seed_activity import TODAY, add_report, audit_rows, seed_activity

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """Check the PNG signature and IHDR chunk (with its CRC); return (width, height)."""
    assert data[:8] == PNG_MAGIC
    length, kind = struct.unpack(">I4s", data[8:16])
    assert (length, kind) == (13, b"IHDR")
    width, height = struct.unpack(">II", data[16:24])
    (crc,) = struct.unpack(">I", data[29:33])
    assert zlib.crc32(data[12:29]) == crc
    assert data[-12:] == b"\x00\x00\x00\x00IEND\xaeB`\x82"
    return width, height


async def test_officer_summary_counts_their_caseload(router, world: World) -> None:
    await seed_activity(world)
    chat = Chat(router, "2001")
    replies = await chat.send("/ringkasan")
    text = replies[0].text
    assert "Ringkasan 30 hari terakhir (01/11/2026\u201330/11/2026)" in text
    assert "Klien Anda: 3 aktif dari 3" in text
    assert "Program (aktif): PB 2 \u00b7 Kerja sosial 1" in text
    # 5 reports of A1 and its incident, 1 of A2 in November; the older two are outside.
    assert "Laporan dalam periode: 7" in text
    assert (
        "Per kategori: Pekerjaan 2 \u00b7 Pelatihan keterampilan 1 \u00b7 "
        "Dokumen (SIM/KTP/KK/BPJS) 2 \u00b7 Kesehatan 1 \u00b7 Insiden/pelanggaran 1"
    ) in text
    assert "Per Pokmas: PWT01 7" in text
    # Longest quiet first: A3 never reported (placed 01/09), A2 last reported 14/11.
    assert "Tanpa laporan lebih dari 14 hari: 2 \u2014 Budi Klien3, Budi Klien2" in text
    assert "Wajib lapor: 1 jatuh tempo dalam 7 hari, 2 terlewat" in text
    assert "Tindak lanjut terbuka: 2 (1 lewat tenggat)" in text
    assert "Insiden belum diterima: 1" in text
    for klien_id in world.klien_b:
        assert world.names[klien_id] not in chat.text
    assert "PBG01" not in chat.text

    chart = replies[1].attachment
    assert chart is not None and chart.kind == "image" and chart.mime == "image/png"
    assert png_size(chart.data) == (800, 450)
    assert await audit_rows(world, "summary.read") == [(world.officer_1, None)]


async def test_periods_seven_days_and_month(router, world: World) -> None:
    await seed_activity(world)
    chat = Chat(router, "2001")
    await chat.send("/ringkasan 7")
    assert "Ringkasan 7 hari terakhir (24/11/2026\u201330/11/2026)" in chat.text
    assert "Laporan dalam periode: 4" in chat.text  # 1, 3, 5 days ago and the incident
    await chat.send("/ringkasan bulan")
    assert "Ringkasan bulan ini (01/11/2026\u201330/11/2026)" in chat.text
    assert "Laporan dalam periode: 7" in chat.text
    await chat.send("/ringkasan 90")
    assert "Pakai: /ringkasan 7" in chat.text


def test_parse_period_bounds_are_local_midnight() -> None:
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Jakarta")
    period = parse_period(["bulan"], T0, tz)
    assert period is not None
    assert period.start == "2026-10-31T17:00:00Z"  # 1 November 00:00 in Jakarta
    assert period.first.isoformat() == "2026-11-01" and period.last == TODAY
    week = parse_period(["7"], T0, tz)
    assert week is not None and week.start == "2026-11-23T17:00:00Z"
    assert parse_period(["minggu"], T0, tz) is None


async def test_admin_summary_covers_the_whole_bapas(router, world: World) -> None:
    await seed_activity(world)
    chat = Chat(router, "3001")
    replies = await chat.send("/ringkasan")
    text = replies[0].text
    assert "Seluruh Bapas Kelas II Purwokerto: 6 aktif dari 6" in text
    # Officer 1's 7 reports, B1's work report and acknowledged incident, B2's report.
    assert "Laporan dalam periode: 10" in text
    assert "Per Pokmas: PWT01 7 \u00b7 PBG01 3" in text
    assert "Insiden belum diterima: 1" in text
    # Silent past 14 days: A2, A3, B2 (25 days), B3 (never).
    assert "Tanpa laporan lebih dari 14 hari: 4" in text
    assert replies[1].attachment is not None
    assert png_size(replies[1].attachment.data) == (800, 450)


async def test_summary_without_reports_sends_no_chart(router, world: World) -> None:
    chat = Chat(router, "2002")
    replies = await chat.send("/ringkasan")
    assert "Laporan dalam periode: 0" in replies[0].text
    assert all(r.attachment is None for r in replies)
    assert "tidak ada grafik" in replies[-1].text


async def test_without_matplotlib_the_text_comes_and_says_so(
    router, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    await seed_activity(world)
    for name in ("matplotlib", "matplotlib.figure", "matplotlib.backends.backend_agg"):
        monkeypatch.setitem(sys.modules, name, None)  # import raises ImportError
    chat = Chat(router, "2001")
    replies = await chat.send("/ringkasan")
    assert "Laporan dalam periode: 7" in replies[0].text
    assert all(r.attachment is None for r in replies)
    assert "matplotlib" in replies[-1].text


def test_chart_series_folds_small_pokmas() -> None:
    weekly: dict[tuple[int, str | None], int] = {(1, f"P{n:02d}"): 10 - n for n in range(9)}
    weekly[(4, None)] = 2
    weekly[(0, "P00")] = 99
    weekly[(6, "P00")] = 5  # outside the 6 weeks: ignored
    series = chart_series(weekly, 6, "Lainnya", "-")
    labels = [label for label, _ in series]
    assert labels[:7] == ["P00", "P01", "P02", "P03", "P04", "P05", "P06"]
    assert labels[-1] == "Lainnya"
    other = dict(series)["Lainnya"]
    assert other == [0, (10 - 7) + (10 - 8), 0, 0, 2, 0]  # P07, P08 and the unplaced
    assert dict(series)["P00"] == [99, 10, 0, 0, 0, 0]


def test_period_weeks_are_local_mondays() -> None:
    from zoneinfo import ZoneInfo

    period = parse_period([], T0, ZoneInfo("Asia/Jakarta"))
    assert period is not None
    assert [w.isoformat() for w in period.weeks] == [
        "2026-10-26",
        "2026-11-02",
        "2026-11-09",
        "2026-11-16",
        "2026-11-23",
        "2026-11-30",
    ]
    assert period.weeks_from[0] == "2026-11-01T17:00:00Z"  # Monday 2/11 00:00 in Jakarta
    assert len(period.weeks_from) == 5


async def test_weekly_counts_follow_local_weeks(router, world: World) -> None:
    """A report on Monday 00:30 local (Sunday 17:30 UTC) counts in the Monday's week."""
    a1 = world.klien_a[0]
    await add_report(world, a1, at=datetime(2026, 11, 22, 17, 30, tzinfo=UTC), category="pekerjaan")
    await add_report(world, a1, at=datetime(2026, 11, 22, 16, 30, tzinfo=UTC), category="pekerjaan")
    async with world.db.read() as tx:
        period = parse_period(["30"], T0, ZoneInfo("Asia/Jakarta"))
        assert period is not None
        load = await tx.summary.caseload(
            Scope(role="officer", member_id=world.officer_1),
            start=period.start,
            end=period.end,
            weeks_from=list(period.weeks_from),
            today="2026-11-30",
            due_until="2026-12-07",
            quiet_before="2026-11-16T03:00:00Z",
        )
    # Weeks start on Mondays 26/10, 2/11, 9/11, 16/11, 23/11 and 30/11 (numbers 0-5):
    # 17:30 UTC is 00:30 on Monday 23/11 (week 4); 16:30 UTC is Sunday 22/11 (week 3).
    assert load.weekly() == {(3, "PWT01"): 1, (4, "PWT01"): 1}
    assert load.reports_by_category == {"pekerjaan": 2}


async def test_last_report_at_is_kept_by_triggers(world: World) -> None:
    a1, a2 = world.klien_a[:2]
    first = await add_report(world, a1, at=T0 - timedelta(days=3), category="pekerjaan")
    await add_report(world, a1, at=T0 - timedelta(days=9), category="pekerjaan")  # older
    second = await add_report(world, a1, at=T0 - timedelta(days=1), category="pekerjaan")

    async def last(klien_id: int) -> str | None:
        async with world.db.read() as tx:
            value = await tx.summary._scalar(
                "SELECT last_report_at FROM klien WHERE id = ?", (klien_id,)
            )
            return None if value is None else str(value)

    assert await last(a1) == ts(T0 - timedelta(days=1))
    assert await last(a2) is None
    async with world.db.transaction() as tx:
        await tx.summary._exec("DELETE FROM reports WHERE id = ?", (second,))
    assert await last(a1) == ts(T0 - timedelta(days=3))
    async with world.db.transaction() as tx:
        await tx.summary._exec("UPDATE reports SET klien_id = ? WHERE id = ?", (a2, first))
    assert await last(a1) == ts(T0 - timedelta(days=9))
    assert await last(a2) == ts(T0 - timedelta(days=3))


async def test_migration_fills_last_report_at_of_existing_reports(tmp_path) -> None:
    """M003 on a database that already has reports: the column is back-filled."""
    import aiosqlite

    from storage.migrations import MIGRATIONS, apply_migrations

    path = tmp_path / "old.db"
    conn = await aiosqlite.connect(path, isolation_level=None)
    try:
        await apply_migrations(conn)  # all, then rewind the new column by hand
        for statement in (
            "INSERT INTO pokmas (code, name, sector, kabupaten, created_at, updated_at) "
            "VALUES ('P', 'P', 'jasa', 'Banyumas', 'x', 'x')",
            "INSERT INTO members (role, name, pokmas_id, created_at, updated_at) "
            "VALUES ('coordinator', 'C', 1, 'x', 'x')",
            "INSERT INTO klien (register_no, name, program, supervision_start, supervision_end, "
            "pokmas_id, created_at, updated_at) VALUES ('R', 'K', 'PB', '2026-01-01', "
            "'2027-01-01', 1, 'x', 'x')",
            "INSERT INTO reports (klien_id, author_id, channel, kind, category, body, "
            "occurred_on, created_at) VALUES (1, 1, 'console', 'progress', 'lainnya', 'b', "
            "'2026-02-01', '2026-02-01T01:00:00Z')",
        ):
            await conn.execute(statement)
        await conn.execute("UPDATE klien SET last_report_at = NULL")
        # Re-run M003's back-fill as the migration does.
        m003 = next(m for m in MIGRATIONS if m.name.startswith("summaries"))
        await conn.execute(m003.statements[1])
        row = await (await conn.execute("SELECT last_report_at FROM klien")).fetchone()
        assert row is not None and row[0] == "2026-02-01T01:00:00Z"
    finally:
        await conn.close()


async def seed_banyumas(world: World) -> None:
    """Add 9 klien to Pokmas A (Banyumas): 6 PB, 2 CB, 1 diversi; 5 of them with work."""
    programs = ["PB"] * 6 + ["CB"] * 2 + ["diversi"]
    start = (T0 - timedelta(days=90)).date().isoformat()
    end = (T0 + timedelta(days=365)).date().isoformat()
    async with world.db.transaction() as tx:
        for n, program in enumerate(programs, start=100):
            register_no = f"BMS-{n}/2026"
            name = f"Warga Banyumas{n}"
            await tx.klien.upsert(
                KlienIn(register_no, name, program, start, end, world.officer_1, world.pokmas_a),
                ts(T0),
                changed_by="test",
            )
            klien = await tx.klien.by_register_no(register_no, Scope.everything())
            assert klien is not None
            world.names[klien.id] = name
            world.register_nos[klien.id] = register_no
            world.klien_a.append(klien.id)
    for klien_id in world.klien_a[3:8]:
        await add_report(
            world,
            klien_id,
            at=T0 - timedelta(days=20),
            category="pekerjaan",
            outcome="dalam_proses",
        )
    # Work that does not count: failed outcome, too old, another kabupaten.
    await add_report(
        world,
        world.klien_a[8],
        at=T0 - timedelta(days=3),
        category="pekerjaan",
        outcome="butuh_bantuan",
    )
    await add_report(world, world.klien_a[9], at=T0 - timedelta(days=61), category="pekerjaan")


async def test_observer_gets_their_kabupaten_only_without_names(router, world: World) -> None:
    await seed_activity(world)
    await seed_banyumas(world)
    chat = Chat(router, "4001")
    replies = await chat.send("/ringkasan")
    assert len(replies) == 1 and replies[0].attachment is None and not replies[0].choices
    text = replies[0].text
    assert "Ringkasan Kabupaten Banyumas" in text
    assert "Klien aktif: 12" in text  # 3 + 9 in Banyumas; Purbalingga's 3 are not counted
    # PB 8, kerja sosial 1 (A1), CB 2, diversi 1: the three small counts are masked.
    assert "Per program: PB 8 \u00b7 CB <5 \u00b7 Diversi <5 \u00b7 Kerja sosial <5" in text
    assert "Penempatan per sektor Pokmas: Pesantren 12" in text
    # A1's November work report and 5 new ones; butuh_bantuan, too old and Purbalingga don't count.
    assert "Klien bekerja: 6" in text
    assert "Laporan dalam periode: 13" in text  # 7 of A1/A2, 5 work reports, 1 butuh bantuan
    for klien_id in world.names:
        assert world.names[klien_id] not in text
        assert world.register_nos[klien_id] not in text
    for word in ("PWT01", "Pesantren Al-Hidayah", "PBG01", "Bengkel Maju Jaya", "Budi", "Joko"):
        assert word not in text
    assert await audit_rows(world, "summary.area") == [(world.observer, None)]


async def test_observer_small_area_is_suppressed(router, world: World) -> None:
    await seed_activity(world)
    chat = Chat(router, "4001")
    await chat.send("/ringkasan")
    assert "Klien aktif: <5" in chat.text
    # PB 2 + kerja sosial 1 = 3: either could be the 1, so both show as "<5".
    assert "Per program: PB <5 \u00b7 Kerja sosial <5" in chat.text
    # One sector holding all three would equal the (hidden) total: withheld.
    assert "Penempatan per sektor Pokmas: terlalu sedikit untuk dirinci" in chat.text
    assert "Klien bekerja: <5" in chat.text


def test_suppress_examples() -> None:
    assert suppress({"a": 10, "b": 0, "c": 7}) == {"a": "10", "c": "7"}
    # One small count next to a large one: the large one is masked too.
    assert suppress({"a": 3, "b": 20, "c": 9}) == {"a": "<5", "b": "20", "c": "\u22655"}
    # 1 + 5 = 6: a masked 5 would still give the 1 away, so mask 9 as well.
    assert suppress({"a": 1, "b": 5, "c": 9}) == {"a": "<5", "b": "\u22655", "c": "\u22655"}
    assert suppress({"a": 1, "b": 5}) is None
    assert suppress({"a": 2}) is None
    assert suppress({}) == {}


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from("abcd"), st.integers(0, 9), max_size=4))
def test_suppressed_small_counts_cannot_be_worked_out(counts: dict[str, int]) -> None:
    """Knowing the total and the shown cells, every "<5" cell has at least two possible values."""
    shown = suppress(counts)
    if shown is None:
        return
    total = sum(counts.values())
    keys = sorted(shown)
    ranges = []
    for key in keys:
        value = shown[key]
        if value == "<5":
            ranges.append(range(1, SMALL))
        elif value == "\u22655":
            ranges.append(range(SMALL, total + 1))
        else:
            ranges.append(range(int(value), int(value) + 1))
    possible: dict[str, set[int]] = {k: set() for k in keys}
    for combo in itertools.product(*ranges):
        if sum(combo) == total:
            for key, value in zip(keys, combo, strict=True):
                possible[key].add(value)
    for key in keys:
        assert possible[key], key
        if shown[key] == "<5":
            assert len(possible[key]) >= 2, (counts, shown)
        if shown[key] not in ("<5", "\u22655"):
            assert possible[key] == {counts[key]}


async def test_coordinator_cannot_ask_for_a_summary(router, world: World) -> None:
    chat = Chat(router, "1001")
    await chat.send("/ringkasan")
    assert "tidak tersedia untuk peran Anda" in chat.text


async def query_plans(world: World, run) -> str:  # type: ignore[no-untyped-def]
    """Run `run(tx)` and return EXPLAIN QUERY PLAN of every SELECT it issued."""
    traced: list[str] = []
    async with world.db.read() as tx:
        inner = tx.conn._conn  # the sqlite3 connection, used in aiosqlite's thread
        await tx.conn._execute(inner.set_trace_callback, traced.append)
        try:
            await run(tx)
        finally:
            await tx.conn._execute(inner.set_trace_callback, None)
        lines = []
        for sql in traced:
            if sql.lstrip().upper().startswith("SELECT"):
                rows = await tx.conn.execute_fetchall("EXPLAIN QUERY PLAN " + sql)
                lines += [str(r[3]) for r in rows]
    return "\n".join(lines)


async def test_whole_bapas_and_kabupaten_queries_use_their_indexes(world: World) -> None:
    """The plans behind the benchmark figures (docs/benchmarks.md) do not drift."""
    await seed_activity(world)
    period = parse_period([], T0, ZoneInfo("Asia/Jakarta"))
    assert period is not None

    async def admin(tx) -> None:  # type: ignore[no-untyped-def]
        await tx.summary.caseload(
            Scope.everything(),
            start=period.start,
            end=period.end,
            weeks_from=list(period.weeks_from),
            today="2026-11-30",
            due_until="2026-12-07",
            quiet_before="2026-11-16T03:00:00Z",
        )

    plans = await query_plans(world, admin)
    assert "SCAN k USING COVERING INDEX klien_caseload" in plans
    assert "USING COVERING INDEX reports_period (created_at>? AND created_at<?)" in plans
    assert "klien_quiet (status=? AND <expr><?)" in plans
    assert "SCAN f USING INDEX followups_open_due" in plans
    assert not any(line.startswith(("SCAN r", "SCAN reports")) for line in plans.splitlines())

    async def observer(tx) -> None:  # type: ignore[no-untyped-def]
        await tx.summary.area_figures(
            Scope(role="observer", kabupaten="Banyumas"),
            start=period.start,
            end=period.end,
            work_since="2026-10-01T03:00:00Z",
        )

    plans = await query_plans(world, observer)
    assert "SEARCH r USING INDEX reports_work (created_at>?)" in plans
    assert "klien_pokmas" in plans and "klien_caseload" not in plans

    async def officer(tx) -> None:  # type: ignore[no-untyped-def]
        await tx.summary.caseload(
            Scope(role="officer", member_id=world.officer_1),
            start=period.start,
            end=period.end,
            weeks_from=list(period.weeks_from),
            today="2026-11-30",
            due_until="2026-12-07",
            quiet_before="2026-11-16T03:00:00Z",
        )

    plans = await query_plans(world, officer)
    assert "klien_quiet" not in plans and "reports_period" not in plans
    assert "SEARCH r USING INDEX reports_klien_created (klien_id=? AND created_at>?" in plans
