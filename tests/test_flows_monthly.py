"""/bulanan: the five check-in questions, edits, length limits, once per klien per month."""

from __future__ import annotations

import json

import pytest

from handlers.router import Router
from tests.conftest import Chat, Clock, World
from tests.flowkit import FlowWorld, rows, scalar, scripts, seed_flows, state, walk

QUESTIONS = ("kondisi", "pekerjaan", "lingkungan_sosial", "masalah", "rencana")


@pytest.fixture
async def fw(world: World) -> FlowWorld:
    return await seed_flows(world)


async def _monthly(fw: FlowWorld) -> list[tuple[object, ...]]:
    return await rows(
        fw.db,
        "SELECT klien_id, kind, category, outcome, body, answers, occurred_on, author_id "
        "FROM reports WHERE kind = 'monthly'",
    )


async def test_complete(router: Router, fw: FlowWorld) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, "bulanan")
    assert "Bulan: November 2026" in chat.text
    await chat.tap("Kirim")
    assert "Laporan bulanan Budi Klien1 untuk November 2026 tersimpan" in chat.text
    [(klien_id, kind, category, outcome, body, answers, occurred_on, author)] = await _monthly(fw)
    assert (klien_id, kind, category, outcome, occurred_on, author) == (
        fw.world.klien_a[0],
        "monthly",
        "bimbingan",
        None,
        "2026-11-30",
        fw.world.coord_a,
    )
    expected = {m.step: m.answer for m in scripts(fw)["bulanan"][1:]}
    assert json.loads(str(answers)) == expected
    assert body == (
        "Kondisi: Sehat, rajin sholat.\nPekerjaan: Bekerja di bengkel.\n"
        "Lingkungan sosial: Akur dengan keluarga.\nMasalah: tidak ada\n"
        "Rencana: Ikut pelatihan las."
    )
    assert await scalar(fw.db, "SELECT action FROM audit_log") == "report.create"


async def test_english_member_sees_english_but_body_is_indonesian(
    router: Router, fw: FlowWorld
) -> None:
    chat = Chat(router, "1001")
    await chat.send("/bahasa en")
    await chat.send("/bulanan")
    await chat.tap(fw.world.names[fw.world.klien_a[0]])
    assert "question 1 of 5" in chat.text
    for text in ("Healthy.", "Works daily.", "Gets on well.", "none", "Training."):
        await chat.send(text)
    assert "Check before sending" in chat.text and "Month: November 2026" in chat.text
    await chat.tap("Send")
    [row] = await _monthly(fw)
    assert str(row[4]).startswith("Kondisi: Healthy.\nPekerjaan: Works daily.")


@pytest.mark.parametrize(("index", "question"), list(enumerate(QUESTIONS)))
async def test_edit_each_answer(router: Router, fw: FlowWorld, index: int, question: str) -> None:
    labels = ("Kondisi", "Pekerjaan", "Lingkungan sosial", "Masalah", "Rencana")
    chat = Chat(router, "1001")
    await walk(chat, fw, "bulanan")
    await chat.tap("Ubah")
    await chat.tap(labels[index])
    assert f"{index + 1} dari 5" in chat.text
    await chat.send("Jawaban yang diperbaiki")
    assert "Periksa sebelum dikirim" in chat.text
    await chat.tap("Kirim")
    [row] = await _monthly(fw)
    answers = json.loads(str(row[5]))
    assert answers[question] == "Jawaban yang diperbaiki"
    assert sum(v == "Jawaban yang diperbaiki" for v in answers.values()) == 1


async def test_edit_klien(router: Router, fw: FlowWorld) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, "bulanan")
    await chat.tap("Ubah")
    await chat.tap("Klien")
    await chat.tap(fw.world.names[fw.world.klien_a[2]])
    assert "Periksa sebelum dikirim" in chat.text
    await chat.tap("Kirim")
    [row] = await _monthly(fw)
    assert row[0] == fw.world.klien_a[2]


@pytest.mark.parametrize(
    ("text", "message"),
    [("ok", "Terlalu pendek (2 karakter). Tulis minimal 3"), ("y" * 1001, "Maksimal 1000")],
)
@pytest.mark.parametrize("question", QUESTIONS)
async def test_answer_length(
    router: Router, fw: FlowWorld, question: str, text: str, message: str
) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, "bulanan", upto=question)
    await chat.send(text)
    assert message in chat.text
    assert await state(fw.db, fw.world.coord_a) == ("bulanan", question)


async def test_second_monthly_in_the_same_month_is_refused(
    router: Router, fw: FlowWorld, clock: Clock
) -> None:
    chat = Chat(router, "1001")
    await walk(chat, fw, "bulanan")
    await chat.tap("Kirim")
    number = (await _monthly(fw))[0]
    assert number
    await chat.send("/bulanan")
    await chat.tap(fw.world.names[fw.world.klien_a[0]])
    assert "sudah punya laporan bulanan untuk November 2026" in chat.text
    assert await state(fw.db, fw.world.coord_a) == ("bulanan", "klien")
    # another klien is fine
    await chat.tap(fw.world.names[fw.world.klien_a[1]])
    assert "pertanyaan 1 dari 5" in chat.text
    await chat.send("/batal")
    # next month (Jakarta time) the first klien may be reported on again
    clock.advance(days=1)  # 1 December 2026, 10:00 WIB
    await walk(chat, fw, "bulanan")
    assert "Bulan: Desember 2026" in chat.text
    await chat.tap("Kirim")
    assert len(await _monthly(fw)) == 2


async def test_second_monthly_refused_at_send_too(router: Router, fw: FlowWorld) -> None:
    """Two drafts for the same klien (two coordinators of one Pokmas): the second loses."""
    world = fw.world
    async with world.db.transaction() as tx:
        other = await tx.members.create(
            role="coordinator",
            name="Bu Aminah",
            pokmas_id=world.pokmas_a,
            now="2026-11-30T03:00:00Z",
        )
        await tx.members.link(other, "console", "1003", "1003", "2026-11-30T03:00:00Z")
    first, second = Chat(router, "1001"), Chat(router, "1003")
    await walk(first, fw, "bulanan")
    await walk(second, fw, "bulanan")
    await first.tap("Kirim")
    await second.tap("Kirim")
    assert "sudah punya laporan bulanan" in second.text
    assert len(await _monthly(fw)) == 1


async def test_refused_edit_keeps_the_klien_chosen_before(router: Router, fw: FlowWorld) -> None:
    world = fw.world
    chat = Chat(router, "1001")
    await walk(chat, fw, "bulanan")
    await chat.tap("Kirim")
    await walk(chat, fw, "bulanan", upto="klien")
    await chat.tap(world.names[world.klien_a[1]])
    for move in scripts(fw)["bulanan"][1:]:
        await chat.send(move.answer)
    await chat.tap("Ubah")
    await chat.tap("Klien")
    await chat.tap(world.names[world.klien_a[0]])  # already reported this month
    assert "sudah punya laporan bulanan" in chat.text
    await chat.send("/kembali")
    await chat.send("/kembali")
    assert world.names[world.klien_a[1]] in chat.text  # the confirm screen, unchanged
    await chat.tap("Kirim")
    assert [r[0] for r in await _monthly(fw)] == [world.klien_a[0], world.klien_a[1]]
