"""/klien for coordinators: active klien, last report date, open follow-ups, pages."""

from __future__ import annotations

import pytest

from handlers.router import Router
from storage.klien import KlienIn
from storage.reports import ReportIn
from tests.conftest import Chat, World
from tests.flowkit import FlowWorld, rows, seed_flows


@pytest.fixture
async def fw(world: World) -> FlowWorld:
    return await seed_flows(world)


async def test_list_with_last_report_and_followups(router: Router, fw: FlowWorld) -> None:
    world = fw.world
    async with world.db.transaction() as tx:
        await tx.reports.add(
            ReportIn(
                world.klien_a[1],
                world.coord_a,
                world.pokmas_a,
                "console",
                "progress",
                "pekerjaan",
                "Bekerja dengan baik hari ini.",
                "2026-11-27",
            ),
            "2026-11-27T18:30:00Z",  # 28/11 01:30 in Jakarta
        )
    chat = Chat(router, "1001")
    await chat.send("/klien")
    text = chat.text
    assert "Klien aktif Anda: 4 (halaman 1 dari 1)" in text
    assert "1. Budi Klien1 \u2014 belum ada laporan; 1 tindak lanjut terbuka" in text
    assert "2. Budi Klien2 \u2014 laporan terakhir 28/11/2026; tidak ada tindak lanjut" in text
    assert "4. Sari Kerja" in text
    for klien_id in world.klien_b:
        assert world.names[klien_id] not in text
    assert chat.choices() == []
    assert await rows(world.db, "SELECT action, member_id, klien_id FROM audit_log") == [
        ("klien.list", world.coord_a, None)
    ]


async def test_pages(router: Router, fw: FlowWorld) -> None:
    world = fw.world
    async with world.db.transaction() as tx:
        for i in range(30):
            await tx.klien.upsert(
                KlienIn(
                    f"CB-{i:04d}/2026",
                    f"Zaki Banyak{i:02d}",
                    "CB",
                    "2026-09-01",
                    "2027-09-01",
                    world.officer_1,
                    world.pokmas_a,
                ),
                "2026-11-30T03:00:00Z",
                changed_by="test",
            )
    chat = Chat(router, "1001")
    await chat.send("/klien")
    assert "Klien aktif Anda: 34 (halaman 1 dari 2)" in chat.text
    assert "20. Zaki Banyak15" in chat.text and "21." not in chat.text
    await chat.tap("Berikutnya")
    assert "halaman 2 dari 2" in chat.text and "34. Zaki Banyak29" in chat.text
    await chat.tap("Sebelumnya")
    assert "halaman 1 dari 2" in chat.text
    await chat.send(choice="a:klien_page:99")  # a stale or forged page: the last page
    assert "halaman 2 dari 2" in chat.text
    await chat.send(choice="a:klien_page:x")
    assert "halaman 1 dari 2" in chat.text


async def test_empty(router: Router, fw: FlowWorld) -> None:
    async with fw.db.transaction() as tx:
        await tx.conn.execute("UPDATE klien SET status = 'selesai'")
    chat = Chat(router, "1001")
    await chat.send("/klien")
    assert "Belum ada klien aktif" in chat.text


@pytest.mark.parametrize("sender", ["2001", "3001", "4001"])
async def test_coordinator_only_for_now(router: Router, fw: FlowWorld, sender: str) -> None:
    chat = Chat(router, sender)
    await chat.send(choice="a:klien_page:0")
    assert "tidak tersedia untuk Anda" in chat.text
