"""/tertunda: an officer's overdue items, most urgent first, each klien one tap away."""

from __future__ import annotations

from datetime import timedelta

from storage.timeutil import ts
from tests.conftest import T0, Chat, World
from tests.seed_activity import day, seed_activity


async def test_overdue_items_most_urgent_first(router, world: World) -> None:
    await seed_activity(world)
    a1, a2, a3 = world.klien_a
    chat = Chat(router, "2001")
    await chat.send("/tertunda")
    lines = chat.text.splitlines()
    assert lines[0] == "Tertunda: 6 hal, paling mendesak dulu."
    assert lines[2:8] == [
        "1. Insiden (berat) belum diterima \u2014 Budi Klien1, sejak 30/11/2026 05:00",
        "2. Tidak hadir wajib lapor berturut-turut: 3 \u2014 Budi Klien3",
        "3. Tidak hadir wajib lapor berturut-turut: 1 (jadwal berikutnya 28/11/2026) "
        "\u2014 Budi Klien2",
        "4. Tindak lanjut lewat tenggat 27/11/2026: Mediasi dengan keluarga \u2014 Budi Klien2",
        # A2's last report is 16 days old: past the 14-day nudge, not the 21-day escalation.
        "5. Belum pernah ada laporan \u2014 Budi Klien3",
        "6. Masa pembimbingan berakhir 05/12/2026 \u2014 Budi Klien3",
    ]
    assert [c.id for c in chat.choices()] == [f"a:klien:{k}" for k in (a1, a3, a2)]
    for klien_id in world.klien_b:
        assert world.names[klien_id] not in chat.text
    await chat.tap("Budi Klien3")
    assert chat.text.startswith("Kartu klien: Budi Klien3")


async def test_acknowledging_and_reporting_clears_items(router, world: World) -> None:
    act = await seed_activity(world)
    a3 = world.klien_a[2]
    async with world.db.transaction() as tx:
        await tx.reports.acknowledge(act.incident_open, world.officer_1, ts(T0))
        await tx.klien.set_checkin_state(a3, day(28), 0, ts(T0))
        await tx.followups.close(act.followup_overdue, world.officer_1, "beres", ts(T0))
    chat = Chat(router, "2001")
    await chat.send("/tertunda")
    assert chat.text.startswith("Tertunda: 3 hal")
    assert "Insiden" not in chat.text and "Tindak lanjut" not in chat.text
    assert "berturut-turut: 1 " in chat.text  # A2 still missed one
    assert "berturut-turut: 3" not in chat.text


async def test_silent_klien_shows_the_last_report_date(router, world: World) -> None:
    from tests.seed_activity import add_report

    await add_report(world, world.klien_b[0], at=T0 - timedelta(days=30), category="pekerjaan")
    chat = Chat(router, "2002")
    await chat.send("/tertunda")
    assert "Tidak ada laporan sejak 31/10/2026 \u2014 Joko Klien4" in chat.text
    assert "Belum pernah ada laporan \u2014 Joko Klien5" in chat.text


async def test_nothing_overdue(router, world: World) -> None:
    await seed_activity(world)
    # Officer 2: B1 reported 2 days ago, B2 25 days ago (past 21), B3 never.
    from tests.seed_activity import add_report

    for klien_id in world.klien_b[1:]:
        await add_report(world, klien_id, at=T0 - timedelta(days=1), category="bimbingan")
    chat = Chat(router, "2002")
    await chat.send("/tertunda")
    assert chat.text == "Tidak ada yang tertunda. Semua klien Anda tertangani."
    assert chat.choices() == []


async def test_long_lists_are_cut_with_a_count(router, world: World) -> None:
    async with world.db.transaction() as tx:
        for n in range(30):
            await tx.followups.open(
                klien_id=world.klien_a[n % 3],
                owner_id=world.coord_a,
                title=f"Urusan nomor {n}",
                due_on=day(-1 - n),
                report_id=None,
                now=ts(T0),
            )
    chat = Chat(router, "2001")
    await chat.send("/tertunda")
    # 30 follow-ups + 3 missed check-ins (due dates passed) + 3 never reported.
    assert chat.text.startswith("Tertunda: 36 hal")
    assert "\u2026 dan 11 lainnya." in chat.text
    numbered = [line for line in chat.text.splitlines() if line[:1].isdigit()]
    assert len(numbered) == 25
    assert numbered[3].startswith("4. Tindak lanjut lewat tenggat 31/10/2026: Urusan nomor 29")
    assert len(chat.choices()) == 3


async def test_only_officers_have_tertunda(router, world: World) -> None:
    for sender in ("1001", "3001", "4001"):
        chat = Chat(router, sender)
        await chat.send("/tertunda")
        assert "tidak tersedia untuk peran Anda" in chat.text
