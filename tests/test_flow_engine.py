"""The conversation engine (handlers/flow.py) through the router, with /lapor as the flow."""

from __future__ import annotations

from handlers.model import Incoming
from handlers.router import Router
from storage import Database
from tests.conftest import Chat, Clock, World
from tests.flowkit import rows, scalar, seq_of, snapshot, state


async def to_confirm(chat: Chat, world: World) -> None:
    """Walk a /lapor draft to its confirm screen."""
    await chat.send("/lapor")
    await chat.tap(world.names[world.klien_a[0]])
    await chat.tap("Pekerjaan")
    await chat.tap("Selesai")
    await chat.send("Mulai bekerja di bengkel las setiap hari.")
    await chat.tap("Hari ini")
    await chat.tap("Lewati")
    assert "Periksa sebelum dikirim" in chat.text


async def test_stale_token_from_an_older_prompt_is_refused(router: Router, world: World) -> None:
    chat = Chat(router, "1001")
    await chat.send("/lapor")
    old = chat.choice_id(world.names[world.klien_a[0]])
    await chat.tap(world.names[world.klien_a[0]])
    before = await state(world.db, world.coord_a)
    await chat.send(choice=old)
    assert "sudah tidak berlaku" in chat.text
    assert await state(world.db, world.coord_a) == before == ("lapor", "category")


async def test_forged_token_with_current_seq_is_refused(router: Router, world: World) -> None:
    chat = Chat(router, "1001")
    await chat.send("/lapor")
    seq = seq_of(chat)
    await chat.send(choice=f"{seq}.k{world.klien_b[0]}")
    assert "tidak tersedia untuk Anda" in chat.text
    assert await state(world.db, world.coord_a) == ("lapor", "klien")
    assert world.names[world.klien_b[0]] not in chat.text


async def test_typed_number_and_label_select_options(router: Router, world: World) -> None:
    chat = Chat(router, "1001")
    await chat.send("/lapor")
    await chat.send("1")  # the first klien in the list
    assert "Tentang apa?" in chat.text
    await chat.send("kesehatan")  # a label, any case
    assert "Bagaimana hasilnya?" in chat.text
    async with world.db.read() as tx:
        conv = await tx.conversations.load(world.coord_a)
    assert conv is not None and conv.data["category"] == "kesehatan"


async def test_typed_number_out_of_range(router: Router, world: World) -> None:
    chat = Chat(router, "1001")
    await chat.send("/lapor")
    await chat.send("1")
    await chat.send("42")  # the category step has no free text
    assert "Ketik nomor dari 1 sampai 8" in chat.text
    assert await state(world.db, world.coord_a) == ("lapor", "category")


async def test_free_text_on_a_choice_only_step(router: Router, world: World) -> None:
    chat = Chat(router, "1001")
    await chat.send("/lapor")
    await chat.send("1")
    await chat.send("sesuatu yang lain")
    assert "Pilih salah satu pilihan" in chat.text


async def test_unicode_digit_that_int_rejects_is_not_a_crash(router: Router, world: World) -> None:
    """'²'.isdigit() is True but int('²') fails: the engine must not crash on it."""
    chat = Chat(router, "1001")
    await chat.send("/lapor")
    await chat.send("1")
    await chat.send("\u00b2")
    assert "Pilih salah satu pilihan" in chat.text
    await chat.send("\u0661")  # ARABIC-INDIC DIGIT ONE is a decimal digit: option 1
    assert "Bagaimana hasilnya?" in chat.text


async def test_photo_on_the_confirm_screen_asks_again(router: Router, world: World) -> None:
    chat = Chat(router, "1001")
    await to_confirm(chat, world)
    await chat.send(photo="file-1")
    assert "Pilih salah satu pilihan" in chat.text
    assert await state(world.db, world.coord_a) == ("lapor", "_confirm")


async def test_photo_on_the_edit_menu_asks_again(router: Router, world: World) -> None:
    chat = Chat(router, "1001")
    await to_confirm(chat, world)
    await chat.tap("Ubah")
    await chat.send(photo="file-1")
    assert "Pilih salah satu pilihan" in chat.text
    assert await state(world.db, world.coord_a) == ("lapor", "_edit")


async def test_location_mid_flow_is_unsupported(router: Router, world: World) -> None:
    chat = Chat(router, "1001")
    await chat.send("/lapor")
    replies = await router.handle(Incoming("console", "1001", "loc-1", location=(-7.42, 109.23)))
    assert "belum bisa diproses" in replies[0].text
    assert await state(world.db, world.coord_a) == ("lapor", "klien")


async def test_control_words_without_slash(router: Router, world: World) -> None:
    chat = Chat(router, "1001")
    await chat.send("/lapor")
    await chat.send("1")
    await chat.send("Kembali")
    assert "Pilih klien" in chat.text
    await chat.send("bantuan")
    assert "ketuk namanya" in chat.text
    await chat.send("batal")
    assert "Dibatalkan" in chat.text
    assert await state(world.db, world.coord_a) is None


async def test_back_at_first_step_and_without_a_flow(router: Router, world: World) -> None:
    chat = Chat(router, "1001")
    await chat.send("/kembali")
    assert "Tidak ada langkah sebelumnya" in chat.text
    await chat.send("/batal")
    assert "Tidak ada yang sedang berlangsung" in chat.text
    await chat.send("/lapor")
    await chat.send("/kembali")
    assert "Ini sudah langkah pertama" in chat.text
    assert "Pilih klien" in chat.text


async def test_help_without_a_flow_shows_the_menu(router: Router, world: World) -> None:
    chat = Chat(router, "1001")
    await chat.send("/bantuan")
    assert "/lapor" in chat.text and "/batal" in chat.text


async def test_starting_another_flow_replaces_the_draft(router: Router, world: World) -> None:
    chat = Chat(router, "1001")
    await chat.send("/lapor")
    await chat.send("1")
    await chat.send("/insiden")
    assert "Draf sebelumnya yang belum selesai dibuang" in chat.text
    assert await state(world.db, world.coord_a) == ("insiden", "klien")


async def test_choice_without_a_flow_is_stale(router: Router, world: World) -> None:
    chat = Chat(router, "1001")
    await chat.send(choice="3.k1")
    assert "sudah tidak berlaku" in chat.text
    assert "/lapor" in chat.text  # and the menu follows


async def test_text_without_a_flow_points_to_the_menu(router: Router, world: World) -> None:
    chat = Chat(router, "1001")
    await chat.send("halo pak")
    assert "/menu" in chat.text


async def test_no_klien_ends_the_flow_with_a_message(
    router: Router, world: World, db: Database
) -> None:
    """A step that has nothing to offer must answer, not raise out of the router."""
    async with db.transaction() as tx:
        await tx.conn.execute(
            "UPDATE klien SET status = 'selesai' WHERE pokmas_id = ?", (world.pokmas_a,)
        )
    chat = Chat(router, "1001")
    await chat.send("/lapor")
    assert "Belum ada klien aktif" in chat.text
    assert await state(db, world.coord_a) is None


async def test_klien_moved_away_before_confirm(router: Router, world: World, db: Database) -> None:
    chat = Chat(router, "1001")
    await to_confirm(chat, world)
    before = await snapshot(db)
    async with db.transaction() as tx:
        await tx.klien.reassign(
            world.klien_a[0],
            officer_id=world.officer_2,
            pokmas_id=world.pokmas_b,
            on="2026-11-30",
            changed_by="test",
            now="2026-11-30T03:00:00Z",
        )
    await chat.tap("Kirim")
    assert "tidak ada dalam daftar Anda" in chat.text
    after = await snapshot(db)
    assert after["reports"] == before["reports"] and after["followups"] == before["followups"]


async def test_expiry_after_24_hours(router: Router, world: World, clock: Clock) -> None:
    chat = Chat(router, "1001")
    await chat.send("/lapor")
    await chat.send("1")
    clock.advance(hours=23, minutes=59)
    await chat.send("/bantuan")  # still there; and touching it restarts the 24 hours
    assert await state(world.db, world.coord_a) == ("lapor", "category")
    clock.advance(hours=24, seconds=1)
    await chat.send("Pekerjaan")
    assert "kedaluwarsa" in chat.text
    assert await state(world.db, world.coord_a) is None
    assert await scalar(world.db, "SELECT count(*) FROM conversations") == 0


async def test_expired_then_a_command_runs_it(router: Router, world: World, clock: Clock) -> None:
    chat = Chat(router, "1001")
    await chat.send("/lapor")
    clock.advance(hours=25)
    await chat.send("/lapor")
    assert "kedaluwarsa" in chat.last[0].text
    assert "Pilih klien" in chat.text
    assert "Draf sebelumnya" not in chat.text  # the expired draft was not 'replaced'


async def test_every_prompt_token_fits_telegram(router: Router, world: World) -> None:
    chat = Chat(router, "1001")
    await to_confirm(chat, world)
    for reply in chat.last:
        for choice in reply.choices:
            assert len(choice.id.encode()) <= 64


async def test_state_is_saved_per_member(router: Router, world: World) -> None:
    a, b = Chat(router, "1001"), Chat(router, "1002")
    await a.send("/lapor")
    await b.send("/insiden")
    assert await rows(world.db, "SELECT member_id, flow FROM conversations ORDER BY member_id") == [
        (world.coord_a, "lapor"),
        (world.coord_b, "insiden"),
    ]
