"""Tests of the fake Telegram Bot API server, driven by the real python-telegram-bot client."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import httpx
import pytest
import telegram
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes

from tests.fakes.telegram_api import FakeTelegramServer

TOKEN = "123:ABC"
USER = 42


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opt in to PTB's timedelta periods: the int form warns, even inside RetryAfter()."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def srv() -> AsyncIterator[FakeTelegramServer]:
    """A running fake server."""
    async with FakeTelegramServer(token=TOKEN) as server:
        yield server


@pytest.fixture
async def bot(srv: FakeTelegramServer) -> AsyncIterator[Bot]:
    """A real PTB Bot pointed at the fake."""
    async with Bot(TOKEN, base_url=srv.base_url, base_file_url=srv.base_file_url) as b:
        yield b


async def test_get_me(bot: Bot, srv: FakeTelegramServer) -> None:
    me = await bot.get_me()
    assert me.id == 123
    assert me.is_bot
    assert me.username == "pokmas_test_bot"
    assert me.can_join_groups is True
    assert srv.base_url.startswith("http://127.0.0.1:")
    assert srv.calls_of("getMe")  # `async with bot` already called it


async def test_send_message_with_inline_keyboard(bot: Bot, srv: FakeTelegramServer) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Ya", callback_data="yes:1")]])
    first = await bot.send_message(USER, "Halo", reply_markup=markup)
    second = await bot.send_message(USER, "Lagi")

    assert second.message_id == first.message_id + 1
    assert first.chat.id == USER and first.chat.type == "private"
    assert first.from_user is not None and first.from_user.id == bot.id
    assert first.reply_markup == markup
    (call,) = srv.calls_of("sendMessage")[:1]
    assert call.params["chat_id"] == USER
    assert call.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "Ya", "callback_data": "yes:1"}]]
    }
    assert srv.sent_texts(USER) == ["Halo", "Lagi"]


async def test_edit_and_not_modified(bot: Bot, srv: FakeTelegramServer) -> None:
    sent = await bot.send_message(USER, "v1")
    edited = await bot.edit_message_text("v2", chat_id=USER, message_id=sent.message_id)
    assert isinstance(edited, telegram.Message) and edited.edit_date is not None
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)not modified"):
        await bot.edit_message_text("v2", chat_id=USER, message_id=sent.message_id)
    assert srv.sent_texts(USER) == ["v1", "v2"]


async def test_get_updates_offset_confirms(bot: Bot, srv: FakeTelegramServer) -> None:
    first = srv.push_message(USER, "/start")
    second = srv.push_message(USER, "halo", first_name="Budi")

    updates = await bot.get_updates()
    assert [u.update_id for u in updates] == [first, second]
    start = updates[0].message
    assert start is not None and start.text == "/start"
    assert start.entities[0].type == "bot_command" and start.entities[0].length == 6
    assert updates[1].effective_user is not None
    assert updates[1].effective_user.first_name == "Budi"

    # Not confirmed yet: the same updates come again; limit caps the batch.
    assert [u.update_id for u in await bot.get_updates(limit=1)] == [first]
    # Confirming the first one drops it for good.
    assert [u.update_id for u in await bot.get_updates(offset=second)] == [second]
    assert [u.update_id for u in await bot.get_updates()] == [second]
    assert await bot.get_updates(offset=second + 1) == ()
    assert await bot.get_updates() == ()


async def test_duplicates_and_callbacks(bot: Bot, srv: FakeTelegramServer) -> None:
    sent = await bot.send_message(USER, "Pilih")
    update_id = srv.push_callback(USER, "yes:1", message_id=sent.message_id)
    srv.push_duplicate(update_id)

    updates = await bot.get_updates()
    assert [u.update_id for u in updates] == [update_id, update_id]
    query = updates[0].callback_query
    assert query is not None and query.data == "yes:1"
    assert query.message is not None and query.message.message_id == sent.message_id
    assert await query.answer()
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)query id is invalid"):
        await bot.answer_callback_query("nope")


async def test_long_poll_returns_when_update_pushed(bot: Bot, srv: FakeTelegramServer) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await srv.wait_for_call("getUpdates", lambda c: c.params.get("timeout") == 10)
    assert not poll.done()
    update_id = srv.push_message(USER, "ping")
    updates = await asyncio.wait_for(poll, 5)
    assert [u.update_id for u in updates] == [update_id]
    assert loop.time() - started < 5


async def test_long_poll_times_out_empty(bot: Bot) -> None:
    assert await bot.get_updates(timeout=dt.timedelta(seconds=0.2)) == ()


async def test_retry_after_injection(bot: Bot, srv: FakeTelegramServer) -> None:
    srv.fail_next("sendMessage", status=429, retry_after=7)
    with pytest.raises(telegram.error.RetryAfter) as info:
        await bot.send_message(USER, "spam")
    assert info.value.retry_after.total_seconds() == 7  # type: ignore[union-attr]
    (call,) = srv.calls_of("sendMessage")
    assert call.injected == "429" and call.status == 429
    assert srv.sent_texts(USER) == []
    await bot.send_message(USER, "ok now")  # the fault was used up
    assert srv.sent_texts(USER) == ["ok now"]


@pytest.mark.parametrize(
    ("status", "error", "text"),
    [
        (500, telegram.error.NetworkError, "Internal Server Error"),
        (403, telegram.error.Forbidden, "bot was blocked by the user"),
        (400, telegram.error.BadRequest, "chat not found"),
    ],
)
async def test_error_injection(
    bot: Bot, srv: FakeTelegramServer, status: int, error: type[Exception], text: str
) -> None:
    srv.fail_next("sendMessage", status=status, count=2)
    for _ in range(2):
        with pytest.raises(error, match=f"(?i){text}"):  # PTB strips "Bad Request: "
            await bot.send_message(USER, "x")
    await bot.send_message(USER, "y")
    assert [c.status for c in srv.calls_of("sendMessage")] == [status, status, 200]


async def test_delay_injection(bot: Bot, srv: FakeTelegramServer) -> None:
    srv.delay_next("sendMessage", 2.0)
    with pytest.raises(telegram.error.TimedOut):
        await bot.send_message(USER, "slow", read_timeout=0.2)
    (call,) = srv.calls_of("sendMessage")
    assert call.injected == "delay 2.0s"
    # The message was delivered even though the client gave up: a classic duplicate source.
    assert srv.sent_texts(USER) == ["slow"]


async def test_unknown_method(bot: Bot, srv: FakeTelegramServer) -> None:
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)method not found"):
        await bot.do_api_request("noSuchMethod")
    assert srv.calls_of("noSuchMethod")[0].status == 400


async def test_wrong_token(srv: FakeTelegramServer) -> None:
    with pytest.raises(telegram.error.InvalidToken):
        async with Bot("999:WRONG", base_url=srv.base_url):
            pass
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{srv.base_url}999:WRONG/getMe")
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


async def test_unknown_method_raw(srv: FakeTelegramServer) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{srv.base_url}{TOKEN}/noSuchMethod")
    assert response.status_code == 400
    assert response.json() == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: method not found",
    }


async def test_commands_webhook_menu(bot: Bot, srv: FakeTelegramServer) -> None:
    assert await bot.set_my_commands([("start", "Mulai"), ("lapor", "Kirim laporan")])
    commands = await bot.get_my_commands()
    assert [c.command for c in commands] == ["start", "lapor"]
    assert srv.calls_of("setMyCommands")[0].params["commands"][1] == {
        "command": "lapor",
        "description": "Kirim laporan",
    }
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()

    assert await bot.set_webhook("https://example.invalid/hook")
    assert (await bot.get_webhook_info()).url == "https://example.invalid/hook"
    with pytest.raises(telegram.error.Conflict):
        await bot.get_updates()
    srv.push_message(USER, "pending")
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert (await bot.get_webhook_info()).pending_update_count == 0

    assert await bot.set_chat_menu_button(menu_button=telegram.MenuButtonCommands())
    assert await bot.close()
    assert await bot.log_out()


async def test_files(bot: Bot, srv: FakeTelegramServer) -> None:
    payload = bytes(range(256)) * 40 + b"\r\n--boundary-lookalike\r\n"
    message = await bot.send_document(USER, payload, filename="rekap.xlsx", caption="Rekap")
    assert message.document is not None and message.document.file_name == "rekap.xlsx"
    assert message.caption == "Rekap"
    call = srv.calls_of("sendDocument")[0]
    assert call.params["chat_id"] == USER and call.params["caption"] == "Rekap"
    file = await bot.get_file(message.document.file_id)
    assert bytes(await file.download_as_bytearray()) == payload

    photo = await bot.send_photo(USER, b"\x89PNG fake", caption="grafik")
    assert photo.photo[-1].file_size == len(b"\x89PNG fake")

    update_id = srv.push_photo(USER, "AgACphoto1", caption="bukti")
    (update,) = await bot.get_updates()
    assert update.update_id == update_id and update.message is not None
    assert update.message.photo[-1].file_id == "AgACphoto1"
    assert update.message.caption == "bukti"
    downloaded = await (await bot.get_file("AgACphoto1")).download_as_bytearray()
    assert bytes(downloaded).startswith(b"\x89PNG")
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)invalid file_id"):
        await bot.get_file("unknown")


async def test_wait_for_timeout_lists_methods(bot: Bot, srv: FakeTelegramServer) -> None:
    with pytest.raises(AssertionError, match=r"calls seen: getMe×1"):
        await srv.wait_for_call("sendMessage", timeout=0.05)


async def test_application_polling(srv: FakeTelegramServer) -> None:
    """End to end: a PTB Application polls the fake and answers a command and a button."""

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("OK", callback_data="ok")]])
        await update.effective_message.reply_text("Selamat datang", reply_markup=keyboard)

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        await update.callback_query.answer()
        await update.callback_query.edit_message_text("Dipilih: ok")

    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(srv.base_url)
        .base_file_url(srv.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(button))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=10)
        srv.push_message(USER, "/start")
        (sent,) = await srv.wait_for_call("sendMessage")
        srv.push_callback(USER, "ok", message_id=sent.result["message_id"])
        await srv.wait_for_call("editMessageText")
        await srv.wait_for_call("answerCallbackQuery")
        await app.updater.stop()
        await app.stop()
    assert srv.sent_texts(USER) == ["Selamat datang", "Dipilih: ok"]
    # The final getUpdates (timeout 0) confirmed every update: nothing is left pending.
    assert srv.state.updates == []
