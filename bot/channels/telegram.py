"""The Telegram channel: python-telegram-bot as the transport, nothing more.

PTB builds the Bot (token, base URL, rate limiter) and dispatches each Update to one
catch-all handler, which turns it into a neutral `Incoming`, hands it to the program
and renders the replies. No ConversationHandler, no PTB persistence, no job queue:
conversation state lives in SQLite and the scheduler is ours.

Delivery semantics
- Polling is our own loop over `getUpdates`, not PTB's Updater: the Updater confirms a
  batch (by asking for the next offset) as soon as it has queued it, so a crash while
  the batch is being handled loses it. We confirm a batch only after every update in it
  was handled. A crash before that makes Telegram deliver the batch again and the
  processed-events table (channel, update_id) turns the repeats into no-ops:
  at-least-once delivery, effectively once. Pending updates are never dropped.
- Webhook requests are handled before they are answered (200), for the same reason.
- Ordering: updates of different chats are handled concurrently (their replies overlap
  on the network; the database serialises the writes), updates of one chat strictly in
  arrival order (ChatOrderedUpdateProcessor).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from telegram import (
    BotCommand,
    BotCommandScopeChat,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    ContextTypes,
    TypeHandler,
)

from bot.channels.base import DeliveryError, EventHandler, Outbound
from bot.channels.text import split_text, utf16_len
from bot.config import TelegramConfig
from handlers.commands import for_role
from handlers.i18n import t
from handlers.model import MAX_CHOICE_ID_BYTES, Choice, Incoming, Reply
from storage import Database
from storage.timeutil import ts

log = logging.getLogger(__name__)

CHANNEL = "telegram"
TEXT_LIMIT = 4096  # sendMessage text, in UTF-16 code units
CAPTION_LIMIT = 1024  # sendPhoto / sendDocument caption
ALLOWED_UPDATES = ("message", "callback_query", "my_chat_member")
POLL_TIMEOUT = timedelta(seconds=25)  # long-polling wait; stop() cuts it short
RATE_LIMIT_RETRIES = 3  # AIORateLimiter: wait out this many 429s before giving up
REPLY_RETRIES = 2  # without the limiter, a reply waits out at most this many 429s
MAX_RETRY_WAIT = 30.0  # seconds; a longer flood wait gives the reply up
MAX_CONCURRENT_UPDATES = 64
MAX_WEBHOOK_BODY = 1 << 20
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
# Commands after which the member's role or language may have changed: refresh the menu.
MENU_TRIGGERS = frozenset({"start", "daftar", "bahasa", "language"})
_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")

App = Application[Any, Any, Any, Any, Any, Any]


# ---------------------------------------------------------------------- pure helpers


def file_base_url(api_base_url: str) -> str:
    """Return the file download base URL matching a Bot API base URL (".../bot")."""
    base = api_base_url.rstrip("/")
    if base.endswith("/bot"):
        return base[: -len("bot")] + "file/bot"
    return base + "/file/bot"


def _short(label: str) -> bool:
    return len(label) <= 12


def keyboard(choices: Sequence[Choice]) -> InlineKeyboardMarkup | None:
    """Render choices as an inline keyboard: short labels share a row (up to 3)."""
    if not choices:
        return None
    rows: list[list[InlineKeyboardButton]] = []
    last_short = False
    for choice in choices:
        data = choice.id
        size = len(data.encode())
        if not 1 <= size <= MAX_CHOICE_ID_BYTES:
            raise ValueError(f"callback_data must be 1-{MAX_CHOICE_ID_BYTES} bytes, got {size}")
        label = choice.label.strip() or "…"
        button = InlineKeyboardButton(label, callback_data=data)
        if rows and last_short and _short(label) and len(rows[-1]) < 3:
            rows[-1].append(button)
        else:
            rows.append([button])
        last_short = _short(label)
    return InlineKeyboardMarkup(rows)


def _strip_bot_mention(text: str) -> str:
    """Turn "/start@my_bot CODE" into "/start CODE" (Telegram adds the name in groups)."""
    if not text.startswith("/"):
        return text
    head, sep, tail = text.partition(" ")
    return head.split("@", 1)[0] + sep + tail


def to_incoming(update: Update) -> Incoming | None:
    """Turn an Update into the neutral event; None for what the bot does not handle.

    Only private chats are handled: klien data must never be answered into a group.
    """
    event_id = str(update.update_id)
    query = update.callback_query
    if query is not None:
        message = query.message
        if message is not None and message.chat.type != ChatType.PRIVATE:
            return None
        if not query.data:
            return None
        chat_id = message.chat.id if message is not None else query.from_user.id
        return Incoming(
            CHANNEL, str(query.from_user.id), event_id, address=str(chat_id), choice=query.data
        )
    msg = update.message
    if msg is None or msg.from_user is None or msg.chat.type != ChatType.PRIVATE:
        return None
    text = msg.text if msg.text is not None else msg.caption
    return Incoming(
        CHANNEL,
        str(msg.from_user.id),
        event_id,
        address=str(msg.chat.id),
        text=_strip_bot_mention(text) if text is not None else None,
        photo=msg.photo[-1].file_id if msg.photo else None,
        document=msg.document.file_id if msg.document else None,
        location=(msg.location.latitude, msg.location.longitude) if msg.location else None,
    )


def _chat_key(update: object) -> int | None:
    """Return the chat whose order an update belongs to (None: no ordering needed)."""
    if not isinstance(update, Update):
        return None
    chat = update.effective_chat
    if chat is not None:
        return chat.id
    user = update.effective_user
    return user.id if user is not None else None


def commands_for(role: str | None, lang: str) -> list[BotCommand]:
    """Return the "/" menu: a role's commands, or registration and help for strangers."""
    pairs: list[tuple[str, str]]
    if role is None:
        pairs = [("start", "telegram.cmd_start"), ("bantuan", "telegram.cmd_bantuan")]
    else:
        pairs = [(c.name, c.help) for c in for_role(role)]
        pairs += [
            ("menu", "menu.menu"),
            ("bantuan", "telegram.cmd_bantuan"),
            ("batal", "telegram.cmd_batal"),
        ]
    seen: set[str] = set()
    out = []
    for name, key in pairs:
        if name in seen or not _COMMAND_NAME.match(name):
            continue
        seen.add(name)
        out.append(BotCommand(name, t(lang, key)[:256]))
    return out


def delivery_error(exc: TelegramError) -> DeliveryError:
    """Say what a failed send means for the outbox: retry (when), give up, or stop sending."""
    reason = f"{type(exc).__name__}: {exc.message}"
    if isinstance(exc, RetryAfter):
        wait = exc.retry_after
        seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
        return DeliveryError(reason, permanent=False, retry_after=seconds, code="rate_limited")
    if isinstance(exc, Forbidden):
        return DeliveryError(reason, permanent=True, unreachable=True, code="forbidden")
    if isinstance(exc, InvalidToken):  # a configuration problem: keep the rows for later
        return DeliveryError(reason, permanent=False, code="invalid_token")
    if isinstance(exc, ChatMigrated):
        return DeliveryError(reason, permanent=True, code="chat_migrated")
    if isinstance(exc, BadRequest):
        code = "chat_not_found" if "chat not found" in exc.message.lower() else "bad_request"
        return DeliveryError(reason, permanent=True, code=code)
    if isinstance(exc, TimedOut):  # it may have arrived; the sender's policy decides
        return DeliveryError(reason, permanent=False, code="timeout")
    if isinstance(exc, NetworkError):
        return DeliveryError(reason, permanent=False, code="network")
    return DeliveryError(reason, permanent=False, code="telegram_error")


def _retry_seconds(exc: RetryAfter) -> float:
    wait = exc.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


# ---------------------------------------------------------------------- update processing


class ChatOrderedUpdateProcessor(BaseUpdateProcessor):
    """Handle updates of different chats concurrently and each chat's updates in order.

    Why not `concurrent_updates(False)`: one slow reply (a 429 being waited out, an
    upload) would hold up every other member. Why not `True`: two quick taps of one
    member could be handled out of order. Here each chat has a lane: an update waits
    for the previous update of its chat, nothing else. Lanes are joined in the order
    updates enter (PTB's semaphore in front is asyncio's, which is FIFO), i.e. update_id
    order; a waiting update holds a concurrency slot only behind one that already holds
    its own, so the lanes cannot deadlock.
    """

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._tails: dict[int, asyncio.Future[None]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the chat's previous update, then handle this one."""
        key = _chat_key(update)
        if key is None:
            await coroutine
            return
        previous = self._tails.get(key)
        mine: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._tails[key] = mine
        try:
            if previous is not None and not previous.done():
                try:
                    await asyncio.wait((previous,))
                except BaseException:
                    if isinstance(coroutine, Coroutine):
                        coroutine.close()
                    raise
            await coroutine
        finally:
            mine.set_result(None)
            if self._tails.get(key) is mine:
                del self._tails[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


def build_application(config: TelegramConfig) -> App:
    """Build the PTB Application: transport only (no updater, job queue or persistence)."""
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder()
        .token(config.token)
        .base_url(config.api_base_url)
        .base_file_url(file_base_url(config.api_base_url))
        .updater(None)  # our own polling loop confirms updates only once handled
        .job_queue(None)  # the scheduler is ours (APScheduler over SQLite state)
        .concurrent_updates(ChatOrderedUpdateProcessor())
    )
    if config.rate_limiter:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=RATE_LIMIT_RETRIES))
    app: App = builder.build()
    return app


# ---------------------------------------------------------------------- the channel


class TelegramChannel:
    """Telegram through python-telegram-bot: polling or webhook intake, replies, outbox."""

    name = CHANNEL

    def __init__(
        self,
        config: TelegramConfig,
        *,
        db: Database | None = None,
        clock: Callable[[], datetime] | None = None,
        poll_timeout: timedelta = POLL_TIMEOUT,
    ) -> None:
        """Prepare the channel; nothing touches the network before start() or deliver()."""
        if not config.token:
            raise ValueError("telegram.token is not set")
        self.config = config
        self.username: str | None = config.bot_username or None
        self._db = db
        self._clock = clock or (lambda: datetime.now(UTC))
        self._poll_timeout = poll_timeout
        self._app: App = build_application(config)
        self._app.add_handler(TypeHandler(Update, self._on_update))
        self._app.add_error_handler(self._on_error)
        self._on_event: EventHandler | None = None
        self._init_lock = asyncio.Lock()
        self._accepting = False
        self._stopping = asyncio.Event()
        self._poll_task: asyncio.Task[None] | None = None
        self._offset: int | None = None
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._menus: dict[int, tuple[str, str]] = {}

    @property
    def application(self) -> App:
        """Return the PTB Application (for tests and the web server)."""
        return self._app

    @property
    def webhook_mode(self) -> bool:
        """Return True when updates come by webhook (POST /telegram)."""
        return self.config.mode == "webhook"

    # -- lifecycle -------------------------------------------------------------------------

    async def _ensure_initialized(self) -> None:
        """Initialize the Bot once (getMe), whether start() or deliver() comes first."""
        async with self._init_lock:
            if not self._app._initialized:  # PTB has no public flag for it
                await self._app.initialize()
                self.username = self._app.bot.username or self.username

    async def start(self, on_event: EventHandler) -> None:
        """Connect (getMe), publish the command menu, then take updates."""
        self._on_event = on_event
        await self._ensure_initialized()
        await self._app.start()
        await self._set_default_commands()
        bot = self._app.bot
        self._stopping.clear()
        if self.webhook_mode:
            await bot.set_webhook(
                url=self.config.webhook_url,
                secret_token=self.config.webhook_secret,
                allowed_updates=list(ALLOWED_UPDATES),
                drop_pending_updates=False,
            )
            self._accepting = True
        else:
            # A webhook left from an earlier deployment would make getUpdates fail (409).
            await bot.delete_webhook(drop_pending_updates=False)
            self._accepting = True
            self._poll_task = asyncio.create_task(self._poll(), name="telegram-poll")
        log.info(
            "telegram: taking updates by %s as @%s",
            "webhook" if self.webhook_mode else "polling",
            self.username,
        )

    async def stop(self) -> None:
        """Stop taking updates and finish those in flight; deliver() keeps working."""
        self._accepting = False
        self._stopping.set()
        if self._poll_task is not None:
            task, self._poll_task = self._poll_task, None
            await task
            await self._confirm_offset()
        await self._idle.wait()
        if self._app.running:
            await self._app.stop()

    async def close(self) -> None:
        """Release the HTTP clients (after the sender's last delivery pass)."""
        if self._app.running:
            await self.stop()
        async with self._init_lock:
            if self._app._initialized:
                await self._app.shutdown()

    # -- intake: polling -------------------------------------------------------------------

    async def _poll(self) -> None:
        """Fetch batches with getUpdates; confirm a batch only after handling all of it."""
        bot = self._app.bot
        stop_wait = asyncio.create_task(self._stopping.wait())
        backoff = 1.0
        try:
            while not self._stopping.is_set():
                fetch = asyncio.create_task(
                    bot.get_updates(
                        offset=self._offset,
                        timeout=self._poll_timeout,
                        allowed_updates=list(ALLOWED_UPDATES),
                    )
                )
                await asyncio.wait((fetch, stop_wait), return_when=asyncio.FIRST_COMPLETED)
                if not fetch.done():  # stopping: abandon the long poll (nothing confirmed)
                    fetch.cancel()
                    with contextlib.suppress(asyncio.CancelledError, TelegramError):
                        await fetch
                    break
                try:
                    updates = fetch.result()
                except RetryAfter as exc:
                    await self._pause(_retry_seconds(exc))
                    continue
                except TelegramError as exc:  # network trouble, 409 Conflict, 5xx, bad token
                    level = logging.CRITICAL if isinstance(exc, InvalidToken) else logging.WARNING
                    log.log(level, "telegram: getUpdates failed (%s); retrying", type(exc).__name__)
                    await self._pause(backoff)
                    backoff = min(backoff * 2, 30.0)
                    continue
                backoff = 1.0
                if updates:
                    await self._handle_batch(updates)
                    self._offset = updates[-1].update_id + 1
        finally:
            stop_wait.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await stop_wait

    async def _pause(self, seconds: float) -> None:
        """Sleep, unless stop() comes first."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    async def _handle_batch(self, updates: Sequence[Update]) -> None:
        """Handle a batch: chats concurrently, each chat in order; wait for all."""
        tasks = [asyncio.create_task(self._process(update)) for update in updates]
        await asyncio.gather(*tasks)

    async def _confirm_offset(self) -> None:
        """Tell Telegram which updates are handled, so a restart does not see them again."""
        if self._offset is None:
            return
        with contextlib.suppress(TelegramError):
            await self._app.bot.get_updates(offset=self._offset, limit=1, timeout=0)

    async def _process(self, update: Update) -> None:
        """Run one update through PTB's processor and our handler; never raises."""
        self._in_flight += 1
        self._idle.clear()
        try:
            app = self._app
            await app.update_processor.process_update(update, app.process_update(update))
        except Exception as exc:  # PTB reports handler errors itself; this is a last guard
            log.error("telegram: update %s failed: %s", update.update_id, type(exc).__name__)
        finally:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.set()

    # -- intake: webhook ---------------------------------------------------------------------

    def routes(self) -> list[BaseRoute]:
        """Return POST /telegram in webhook mode (nothing in polling mode)."""
        if not self.webhook_mode:
            return []
        return [Route("/telegram", self.webhook, methods=["POST"])]

    async def webhook(self, request: Request) -> Response:
        """Take one Update from Telegram: check the secret, handle it, then answer 200."""
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not self.config.webhook_secret or not hmac.compare_digest(
            given, self.config.webhook_secret.encode()
        ):
            return Response(status_code=403)
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > MAX_WEBHOOK_BODY:
            return Response(status_code=413)
        try:
            data = await request.json()
            update = Update.de_json(data, self._app.bot) if isinstance(data, dict) else None
        except (ValueError, TypeError, KeyError):
            update = None
        if update is None:
            return Response(status_code=400)
        if not self._accepting:  # checked right before counting it in flight: stop() waits
            return Response(status_code=503)  # Telegram retries later
        await self._process(update)
        return Response(status_code=200)

    # -- handling one update -------------------------------------------------------------

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Turn an Update into an event, hand it over, send the replies; answer every tap."""
        query = update.callback_query
        if update.my_chat_member is not None:
            await self._on_membership(update)
            return
        event = to_incoming(update)
        if event is None:
            if query is not None:
                await self._answer(query)
            return
        assert self._on_event is not None
        try:
            replies = await self._on_event(event)
        except Exception as exc:  # the runtime already guards; no message text in logs
            log.error("telegram: update %s: %s", update.update_id, type(exc).__name__)
            replies = [Reply(t("id", "router.error"))]
        answering = asyncio.create_task(self._answer(query)) if query is not None else None
        try:
            await self._send_replies(
                int(event.reply_address), event.sender, replies, update.update_id
            )
        finally:
            if answering is not None:
                await answering
        command = event.command()
        registering = (event.text or "").strip().lower().startswith("daftar")
        if replies and ((command is not None and command[0] in MENU_TRIGGERS) or registering):
            await self._refresh_menu(int(event.reply_address), event.sender)

    async def _on_membership(self, update: Update) -> None:
        """Note when a member blocks the bot (they are told nothing until they write)."""
        change = update.my_chat_member
        if change is None or change.chat.type != ChatType.PRIVATE:
            return
        if change.new_chat_member.status == ChatMemberStatus.BANNED:
            await self._mark_unreachable(str(change.from_user.id))

    async def _answer(self, query: CallbackQuery) -> None:
        """Answer a callback query (stops the button's spinner); failures do not matter."""
        try:
            await query.answer()
        except TelegramError as exc:
            log.debug("telegram: answerCallbackQuery failed: %s", type(exc).__name__)

    async def _send_replies(
        self, chat_id: int, sender: str, replies: Sequence[Reply], update_id: int
    ) -> None:
        """Send replies in order; a blocked bot marks the identity and sends nothing more."""
        for reply in replies:
            try:
                await self._send_with_retry(chat_id, reply)
            except Forbidden:
                await self._mark_unreachable(sender)
                return
            except Exception as exc:  # TelegramError, or a reply we cannot render
                name = type(exc).__name__
                log.warning("telegram: reply to update %s not sent: %s", update_id, name)
                return

    async def _send_with_retry(self, chat_id: int, reply: Reply) -> Message | None:
        """Send one reply, waiting out a short flood limit (the limiter may be off)."""
        for attempt in range(REPLY_RETRIES + 1):
            try:
                return await self.send(chat_id, reply)
            except RetryAfter as exc:
                wait = _retry_seconds(exc)
                if attempt == REPLY_RETRIES or wait > MAX_RETRY_WAIT:
                    raise
                await asyncio.sleep(wait)
        return None  # pragma: no cover - the loop returns or raises

    async def send(self, chat_id: int, reply: Reply) -> Message | None:
        """Render one reply: text split under 4096, choices as a keyboard, files as files."""
        bot = self._app.bot
        markup = keyboard(reply.choices)
        attachment = reply.attachment
        if attachment is None:
            parts = split_text(reply.text, TEXT_LIMIT)
            last: Message | None = None
            for index, part in enumerate(parts):
                final = index == len(parts) - 1
                last = await bot.send_message(chat_id, part, reply_markup=markup if final else None)
            return last
        caption: str | None = reply.text.strip() or None
        if caption is not None and utf16_len(caption) > CAPTION_LIMIT:
            for part in split_text(caption, TEXT_LIMIT):
                await bot.send_message(chat_id, part)
            caption = None
        sent: Message
        if attachment.kind == "image":
            sent = await bot.send_photo(
                chat_id,
                attachment.data,
                caption=caption,
                reply_markup=markup,
                filename=attachment.filename,
            )
            return sent
        sent = await bot.send_document(
            chat_id,
            attachment.data,
            caption=caption,
            reply_markup=markup,
            filename=attachment.filename,
        )
        return sent

    async def _mark_unreachable(self, sender: str) -> None:
        """Record that this identity blocked the bot (cleared when they write again)."""
        log.info("telegram: an identity blocked the bot; marked unreachable")
        if self._db is None:
            return
        async with self._db.transaction() as tx:
            await tx.members.mark_unreachable(CHANNEL, sender, ts(self._clock()))
        if sender.isdigit():
            self._menus.pop(int(sender), None)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log an error PTB caught, without the update's content."""
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("telegram: update %s: %s", update_id, type(context.error).__name__)

    # -- command menus -----------------------------------------------------------------------

    async def _set_default_commands(self) -> None:
        """Publish the "/" menu for strangers, in Indonesian and in English."""
        bot = self._app.bot
        try:
            await bot.set_my_commands(commands_for(None, "id"))
            await bot.set_my_commands(commands_for(None, "en"), language_code="en")
        except TelegramError as exc:
            log.warning("telegram: setMyCommands failed: %s", type(exc).__name__)

    async def _refresh_menu(self, chat_id: int, sender: str) -> None:
        """Publish a member's "/" menu for their chat, in their language and role."""
        if self._db is None:
            return
        async with self._db.read() as tx:
            member = await tx.members.by_identity(CHANNEL, sender)
        if member is None or not member.active:
            return
        wanted = (member.role, member.language)
        if self._menus.get(chat_id) == wanted:
            return
        try:
            await self._app.bot.set_my_commands(
                commands_for(member.role, member.language), scope=BotCommandScopeChat(chat_id)
            )
        except TelegramError as exc:
            log.warning("telegram: setMyCommands for a chat failed: %s", type(exc).__name__)
            return
        self._menus[chat_id] = wanted

    # -- outbox ----------------------------------------------------------------------------

    async def deliver(self, message: Outbound) -> str | None:
        """Send an outbox message; return the last message id or raise DeliveryError."""
        await self._ensure_initialized()
        address = message.identity.address or message.identity.external_id
        try:
            chat_id = int(address)
        except ValueError:
            raise DeliveryError(
                "not a Telegram chat id", permanent=True, code="bad_address"
            ) from None
        last: Message | None = None
        try:
            for reply in message.replies:
                last = await self.send(chat_id, reply) or last
        except TelegramError as exc:
            raise delivery_error(exc) from exc
        except ValueError as exc:  # e.g. a choice id over 64 bytes: sending again won't help
            raise DeliveryError(str(exc), permanent=True, code="bad_message") from exc
        return str(last.message_id) if last is not None else None
