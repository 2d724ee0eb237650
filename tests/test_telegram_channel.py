"""The Telegram channel's parts: updates to events, keyboards, sending, delivery errors, order."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import Update

from bot.channels.base import DeliveryError, Outbound
from bot.channels.telegram import (
    ChatOrderedUpdateProcessor,
    TelegramChannel,
    commands_for,
    file_base_url,
    keyboard,
    to_incoming,
)
from bot.config import TelegramConfig
from handlers.model import Attachment, Choice, Incoming, Reply
from storage import Database
from storage.members import Identity
from storage.timeutil import ts
from tests.conftest import T0
from tests.fakes.telegram_api import FakeTelegramServer

TOKEN = "123:ABC"
USER = 4242


@pytest.fixture
async def srv() -> AsyncIterator[FakeTelegramServer]:
    async with FakeTelegramServer(token=TOKEN) as server:
        yield server


def tg_config(srv: FakeTelegramServer, **extra: Any) -> TelegramConfig:
    return TelegramConfig(token=TOKEN, api_base_url=srv.base_url, rate_limiter=False, **extra)


@pytest.fixture
async def channel(srv: FakeTelegramServer, db: Database) -> AsyncIterator[TelegramChannel]:
    """A channel that is not taking updates (deliver() initializes it on demand)."""
    ch = TelegramChannel(tg_config(srv), db=db, clock=lambda: T0)
    try:
        yield ch
    finally:
        await ch.close()


def identity(chat: int = USER) -> Identity:
    return Identity("telegram", str(chat), 1, str(chat), None, None)


def update(srv: FakeTelegramServer, update_id: int) -> Update:
    parsed = Update.de_json(srv.state.history[update_id], None)
    assert parsed is not None
    return parsed


# ---------------------------------------------------------------------- pure parts


def test_file_base_url_follows_the_api_base_url() -> None:
    assert file_base_url("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"
    assert file_base_url("http://127.0.0.1:8081/bot/") == "http://127.0.0.1:8081/file/bot"
    assert file_base_url("http://tg.local/api") == "http://tg.local/api/file/bot"


def test_keyboard_rows_and_callback_data_limit() -> None:
    markup = keyboard(
        [Choice("1.send", "Kirim"), Choice("1.edit", "Ubah"), Choice("1.cancel", "Batal")]
    )
    assert markup is not None
    assert [[b.text for b in row] for row in markup.inline_keyboard] == [["Kirim", "Ubah", "Batal"]]
    markup = keyboard([Choice("a", "Budi Santoso Wibowo"), Choice("b", "Ya"), Choice("c", "Tidak")])
    assert markup is not None
    assert [[b.text for b in row] for row in markup.inline_keyboard] == [
        ["Budi Santoso Wibowo"],
        ["Ya", "Tidak"],
    ]
    assert keyboard([]) is None
    assert keyboard([Choice("x" * 64, "ok")]) is not None
    with pytest.raises(ValueError, match="callback_data"):
        keyboard([Choice("é" * 33, "too long")])  # 66 bytes


def test_commands_for_strangers_and_roles() -> None:
    stranger = [c.command for c in commands_for(None, "id")]
    assert stranger == ["start", "bantuan"]
    coordinator = commands_for("coordinator", "en")
    names = [c.command for c in coordinator]
    assert "lapor" in names and names[-3:] == ["menu", "bantuan", "batal"]
    assert all(1 <= len(c.description) <= 256 for c in coordinator)
    assert coordinator[-1].description == "cancel what you are filling in"


async def test_updates_become_events(srv: FakeTelegramServer) -> None:
    update_id = srv.push_message(USER, "/start@pokmas_test_bot AbCd1234")
    assert to_incoming(update(srv, update_id)) == Incoming(
        "telegram", str(USER), str(update_id), address=str(USER), text="/start AbCd1234"
    )
    photo_id = srv.push_photo(USER, "big-file-id", caption="foto kegiatan")
    photo = to_incoming(update(srv, photo_id))
    assert photo is not None
    assert (photo.photo, photo.text, photo.event_id) == (
        "big-file-id",
        "foto kegiatan",
        str(photo_id),
    )
    tap = to_incoming(update(srv, srv.push_callback(USER, "3.pekerjaan", 7)))
    assert tap is not None and (tap.choice, tap.sender, tap.address) == (
        "3.pekerjaan",
        str(USER),
        str(USER),
    )
    group = srv.push_update(
        {
            "message": {
                "message_id": 99,
                "date": 0,
                "chat": {"id": -100123, "type": "supergroup", "title": "Grup"},
                "from": {"id": USER, "is_bot": False, "first_name": "T"},
                "text": "/lapor",
            }
        }
    )
    assert to_incoming(update(srv, group)) is None  # never answer klien data into a group


# ---------------------------------------------------------------------- sending and deliver()


async def test_deliver_renders_text_keyboard_and_files(
    srv: FakeTelegramServer, channel: TelegramChannel
) -> None:
    long_text = "\n\n".join(f"Paragraf {i}: " + "kata " * 150 for i in range(8))
    message_id = await channel.deliver(
        Outbound(
            identity(),
            (
                Reply(long_text, (Choice("a:klien:1", "Buka kartu klien"),)),
                Reply("Ekspor", attachment=Attachment("laporan.xlsx", b"PK\x03\x04", "x/y")),
                Reply("Grafik", attachment=Attachment("g.png", b"\x89PNG", "image/png", "image")),
            ),
        )
    )
    texts = srv.sent_texts(USER)
    assert len(texts) >= 2 and all(len(t) <= 4096 for t in texts)
    assert " ".join(" ".join(texts).split()) == " ".join(long_text.split())
    sends = srv.calls_of("sendMessage")
    assert [bool(c.params.get("reply_markup")) for c in sends] == [False] * (len(sends) - 1) + [
        True
    ]
    (document,) = srv.calls_of("sendDocument")
    assert document.params["caption"] == "Ekspor"
    assert document.params["document"].filename == "laporan.xlsx"
    (photo,) = srv.calls_of("sendPhoto")
    assert photo.params["caption"] == "Grafik"
    assert message_id == str(photo.result["message_id"])


async def test_long_caption_goes_as_text_first(
    srv: FakeTelegramServer, channel: TelegramChannel
) -> None:
    caption = "kata " * 400  # 2000 characters > 1024
    await channel.deliver(
        Outbound(identity(), (Reply(caption, attachment=Attachment("a.csv", b"x", "text/csv")),))
    )
    assert srv.sent_texts(USER) == [caption.strip()]
    assert "caption" not in srv.calls_of("sendDocument")[0].params


@pytest.mark.parametrize(
    ("status", "description", "expected"),
    [
        (403, None, {"permanent": True, "unreachable": True, "code": "forbidden"}),
        (400, None, {"permanent": True, "unreachable": False, "code": "chat_not_found"}),
        (400, "Bad Request: message text is empty", {"permanent": True, "code": "bad_request"}),
        (429, None, {"permanent": False, "retry_after": 1.0, "code": "rate_limited"}),
        (500, None, {"permanent": False, "code": "network"}),
        (502, None, {"permanent": False, "code": "network"}),
    ],
)
async def test_deliver_maps_errors(
    srv: FakeTelegramServer,
    channel: TelegramChannel,
    status: int,
    description: str | None,
    expected: dict[str, Any],
) -> None:
    srv.fail_next("sendMessage", status=status, retry_after=1, description=description)
    with pytest.raises(DeliveryError) as caught:
        await channel.deliver(Outbound(identity(), (Reply("Pengingat"),)))
    for key, value in expected.items():
        assert getattr(caught.value, key) == value, key


async def test_deliver_refuses_an_address_that_is_no_chat_id(channel: TelegramChannel) -> None:
    bad = Identity("telegram", "x", 1, "not-a-number", None, None)
    with pytest.raises(DeliveryError) as caught:
        await channel.deliver(Outbound(bad, (Reply("x"),)))
    assert caught.value.permanent


# ---------------------------------------------------------------------- intake


async def test_a_batch_is_confirmed_only_after_it_was_handled(
    srv: FakeTelegramServer, db: Database
) -> None:
    entered, release = asyncio.Event(), asyncio.Event()

    async def slow(event: Incoming) -> list[Reply]:
        entered.set()
        await release.wait()
        return [Reply("selesai")]

    ch = TelegramChannel(tg_config(srv), db=db)
    await ch.start(slow)
    try:
        update_id = srv.push_message(USER, "halo")
        await asyncio.wait_for(entered.wait(), 5)
        # while the update is being handled, nothing asks past it (which would confirm it)
        polls = srv.calls_of("getUpdates")
        assert all((c.params.get("offset") or 0) <= update_id for c in polls)
        stopping = asyncio.create_task(ch.stop())  # stop waits for the update in flight
        for _ in range(100):  # let stop() run as far as it can without the handler
            await asyncio.sleep(0)
        assert not stopping.done()
        release.set()
        await asyncio.wait_for(stopping, 5)
        assert srv.sent_texts(USER) == ["selesai"]
        # stopping confirmed the handled update
        assert srv.calls_of("getUpdates")[-1].params.get("offset") == update_id + 1
        assert srv.state.updates == []
    finally:
        await ch.close()


async def test_each_chat_in_order_chats_concurrently() -> None:
    processor = ChatOrderedUpdateProcessor(8)
    log: list[str] = []
    gate, chat_20_done = asyncio.Event(), asyncio.Event()

    def make(update_id: int, chat: int) -> Update:
        parsed = Update.de_json(
            {
                "update_id": update_id,
                "message": {
                    "message_id": update_id,
                    "date": 0,
                    "chat": {"id": chat, "type": "private", "first_name": "T"},
                    "from": {"id": chat, "is_bot": False, "first_name": "T"},
                    "text": "x",
                },
            },
            None,
        )
        assert parsed is not None
        return parsed

    async def work(name: str, wait: bool) -> None:
        if wait:
            await gate.wait()
        log.append(name)
        if log == ["b1", "b2"]:
            chat_20_done.set()

    jobs = [
        (make(1, 10), "a1", True),  # chat 10's first update is slow
        (make(2, 10), "a2", False),
        (make(3, 20), "b1", False),
        (make(4, 10), "a3", False),
        (make(5, 20), "b2", False),
    ]
    tasks = [
        asyncio.create_task(processor.process_update(u, work(name, wait))) for u, name, wait in jobs
    ]
    await asyncio.wait_for(chat_20_done.wait(), 5)  # chat 20 is not held up by chat 10
    gate.set()
    await asyncio.gather(*tasks)
    assert log == ["b1", "b2", "a1", "a2", "a3"]

    # With one slot, updates queue at PTB's semaphore first; each chat keeps its order.
    single = ChatOrderedUpdateProcessor(1)
    log.clear()
    gate.clear()
    tasks = [
        asyncio.create_task(single.process_update(u, work(name, wait))) for u, name, wait in jobs
    ]
    await asyncio.sleep(0)
    assert log == []  # a1 holds the only slot
    gate.set()
    await asyncio.gather(*tasks)
    assert log == ["a1", "a2", "b1", "a3", "b2"]


async def test_blocking_the_bot_is_noted_from_membership_updates(
    srv: FakeTelegramServer, db: Database
) -> None:
    async with db.transaction() as tx:
        member = await tx.members.create(role="officer", name="PK", officer_code="X", now=ts(T0))
        await tx.members.link(member, "telegram", str(USER), str(USER), ts(T0))

    async def never(event: Incoming) -> list[Reply]:
        raise AssertionError("membership changes are not events")

    ch = TelegramChannel(tg_config(srv), db=db, clock=lambda: T0)
    await ch.start(never)
    try:
        user = {"id": USER, "is_bot": False, "first_name": "T"}
        bot_user = {"id": 123, "is_bot": True, "first_name": "Bot"}
        srv.push_update(
            {
                "my_chat_member": {
                    "chat": {"id": USER, "type": "private", "first_name": "T"},
                    "from": user,
                    "date": 0,
                    "old_chat_member": {"status": "member", "user": bot_user},
                    "new_chat_member": {"status": "kicked", "user": bot_user, "until_date": 0},
                }
            }
        )
        for _ in range(500):
            async with db.read() as tx:
                found = await tx.members.identity("telegram", str(USER))
            if found is not None and found.unreachable_since is not None:
                break
            await asyncio.sleep(0.01)
        assert found is not None and found.unreachable_since == ts(T0)
    finally:
        await ch.stop()
        await ch.close()


async def test_taps_without_data_are_still_answered(srv: FakeTelegramServer, db: Database) -> None:
    async def never(event: Incoming) -> list[Reply]:
        raise AssertionError("no event for a tap without data")

    ch = TelegramChannel(tg_config(srv), db=db)
    await ch.start(never)
    try:
        srv.push_callback(USER, "")
        await srv.wait_for_call("answerCallbackQuery")
    finally:
        await ch.stop()
        await ch.close()
