"""/tunda KLIEN HARI ALASAN: snooze the no-report reminders of one klien, with an audit row."""

from __future__ import annotations

from handlers import reminders
from handlers.router import Router
from handlers.settings import Settings
from handlers.snooze import SnoozeArgs, parse_args
from storage import Database
from tests.conftest import Chat, World
from tests.reminders_support import local, outbox, scalar


def test_parse_args_finds_the_days_after_a_name_of_several_words() -> None:
    assert parse_args(["Budi", "Klien1", "14", "dirawat", "di", "RS"]) == SnoozeArgs(
        "Budi Klien1", 14, "dirawat di RS"
    )
    assert parse_args(["PB-0001/2026", "30", "pindah", "kota"]) == SnoozeArgs(
        "PB-0001/2026", 30, "pindah kota"
    )
    assert parse_args([]) == "tunda.usage"
    assert parse_args(["Budi"]) == "tunda.usage"
    assert parse_args(["Budi", "31", "alasan"]) == "tunda.bad_days"
    assert parse_args(["Budi", "0", "alasan"]) == "tunda.bad_days"
    assert parse_args(["Budi", "7"]) == "tunda.need_reason"
    assert parse_args(["Budi", "7", "ok"]) == "tunda.need_reason"


async def test_snooze_by_register_number_is_stored_audited_and_silences_the_rules(
    router: Router, world: World, db: Database, settings: Settings
) -> None:
    k = world.klien_a[0]
    chat = Chat(router, "2001")
    await chat.send(f"/tunda {world.register_nos[k]} 14 klien dirawat di rumah sakit")
    assert "ditunda 14 hari, sampai 14/12/2026" in chat.text
    until = await scalar(
        db, "SELECT until_on || '|' || reason FROM snoozes WHERE klien_id = ?", (k,)
    )
    assert until == "2026-12-14|klien dirawat di rumah sakit"
    detail = await scalar(
        db, "SELECT detail FROM audit_log WHERE action = 'snooze.set' AND klien_id = ?", (k,)
    )
    assert detail == "no_report until 2026-12-14: klien dirawat di rumah sakit"

    await reminders.sweep(db, settings, local(2026, 12, 14, 23, 0))
    assert await outbox(db, "no_report", f"klien:{k}") == []
    assert await outbox(db, "no_report_officer", f"klien:{k}") == []
    assert len(await outbox(db, "no_report", f"klien:{world.klien_a[1]}")) == 1  # not snoozed
    await reminders.sweep(db, settings, local(2026, 12, 15, 0, 0))
    assert len(await outbox(db, "no_report", f"klien:{k}")) == 1


async def test_snooze_by_a_unique_part_of_a_name(
    router: Router, world: World, db: Database
) -> None:
    chat = Chat(router, "2001")
    await chat.send("/tunda klien2 3 keluarga berduka")
    assert "Budi Klien2" in chat.text and "3 hari" in chat.text
    assert await scalar(db, "SELECT klien_id FROM snoozes") == world.klien_a[1]


async def test_ambiguous_unknown_and_other_officers_klien_are_refused(
    router: Router, world: World, db: Database
) -> None:
    chat = Chat(router, "2001")
    await chat.send("/tunda Budi 3 keluarga berduka")
    assert (
        "Lebih dari satu klien" in chat.text and world.register_nos[world.klien_a[0]] in chat.text
    )
    await chat.send(f"/tunda {world.register_nos[world.klien_b[0]]} 3 keluarga berduka")
    assert "Tidak ada klien aktif Anda" in chat.text
    await chat.send("/tunda Joko 3 keluarga berduka")
    assert "Tidak ada klien aktif Anda" in chat.text
    await chat.send("/tunda Budi Klien1 45 terlalu lama")
    assert "1 sampai 30" in chat.text
    await chat.send("/tunda Budi Klien1 5")
    assert "Tulis alasannya" in chat.text
    assert await scalar(db, "SELECT count(*) FROM snoozes") == 0


async def test_only_officers_may_snooze(router: Router, world: World, db: Database) -> None:
    chat = Chat(router, "1001")
    await chat.send(f"/tunda {world.register_nos[world.klien_a[0]]} 3 keluarga berduka")
    assert "tidak tersedia untuk peran Anda" in chat.text
    assert await scalar(db, "SELECT count(*) FROM snoozes") == 0
