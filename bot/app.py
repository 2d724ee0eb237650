"""`pokmas-bot run`: one asyncio program owning storage, channels, sender, scheduler, web server.

Start-up, in order: the database (migrated), the router, the channels' objects and the
outbox sender, the web server (so a webhook is served before Telegram is told about
it), the channels' intake (polling starts, webhooks are registered), the sender's
loop, the reminder scheduler.

Shutdown, once, on SIGINT or SIGTERM:
1. the channels stop taking updates and finish those in flight;
2. the scheduler stops (no new outbox rows);
3. the sender makes a last delivery pass and stops;
4. the channels release their HTTP clients;
5. the web server stops;
6. the database closes (WAL checkpointed).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import signal
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from bot.channels import build_channels
from bot.channels.base import Channel, Closable, HasRoutes
from bot.config import Config
from bot.logsafe import where
from bot.scheduler import ReminderScheduler
from bot.sender import Sender
from bot.web import WebServer, build_web_app
from handlers.i18n import t
from handlers.model import Incoming, Reply
from handlers.router import Router
from storage import Database

log = logging.getLogger(__name__)

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2

# S105 below: this explains where a token goes; it is not one.
NO_TOKEN = """\
pokmas-bot: Telegram is not configured: there is no bot token, and no other channel is enabled.

Get a token from @BotFather on Telegram, then either set it in the environment:

    export POKMAS_TELEGRAM_TOKEN=123456789:AA...

or put it in the config file ({source}):

    [telegram]
    token = "123456789:AA..."

(Or enable WhatsApp with [whatsapp] enabled = true.)"""  # noqa: S105

NO_CHANNEL = """\
pokmas-bot: no channel is enabled ([telegram] enabled = false and WhatsApp is off).
Enable one in the config file ({source})."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Runtime:
    """The running bot: started in order, stopped once, in order."""

    def __init__(
        self,
        config: Config,
        *,
        clock: Callable[[], datetime] = _utc_now,
        channels: Mapping[str, Channel] | None = None,
    ) -> None:
        """Prepare; `channels` replaces build_channels(config) (tests, embedding)."""
        self.config = config
        self.clock = clock
        self._given_channels = dict(channels) if channels is not None else None
        self.db: Database | None = None
        self.router: Router | None = None
        self.channels: dict[str, Channel] = {}
        self.sender: Sender | None = None
        self.scheduler: ReminderScheduler | None = None
        self.web: WebServer | None = None
        self._intake: list[Channel] = []
        self._sender_task: asyncio.Task[Any] | None = None
        self._scheduler_started = False
        self._stopped = False

    async def __aenter__(self) -> Runtime:
        """Start everything."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop everything."""
        await self.stop()

    @property
    def web_port(self) -> int | None:
        """Return the port the web server listens on (after start)."""
        return self.web.port if self.web is not None else None

    async def start(self) -> None:
        """Start every part in order; on failure, stop what was started and re-raise."""
        try:
            await self._start()
        except BaseException:
            await self.stop()
            raise

    async def _start(self) -> None:
        config = self.config
        self.db = await Database.open(config.database.path)
        self.router = Router(self.db, config.settings(), self.clock)
        if self._given_channels is not None:
            self.channels = self._given_channels
        else:
            self.channels = build_channels(config, db=self.db, clock=self.clock)
        if not self.channels:
            raise RuntimeError("no channel is configured")
        self.sender = Sender(self.db, self.channels, config, self.clock)
        routes = [
            route
            for channel in self.channels.values()
            if isinstance(channel, HasRoutes)
            for route in channel.routes()
        ]
        self.web = WebServer(build_web_app(self.db, routes), config.server.host, config.server.port)
        await self.web.start()
        for channel in self.channels.values():
            self._intake.append(channel)
            await channel.start(self.handle_event)
        self._learn_bot_username()
        self._sender_task = asyncio.create_task(self.sender.run(), name="outbox-sender")
        self.scheduler = ReminderScheduler(self.db, config, self.sender, self.clock)
        await self.scheduler.start()
        self._scheduler_started = True
        log.info("running: channels %s", ", ".join(self.channels))

    def _learn_bot_username(self) -> None:
        """Keep the username getMe reported, for t.me invite links."""
        telegram = self.channels.get("telegram")
        username = getattr(telegram, "username", None)
        if self.router is not None and isinstance(username, str) and username:
            self.router.settings = dataclasses.replace(self.router.settings, bot_username=username)

    async def handle_event(self, event: Incoming) -> list[Reply]:
        """Handle one incoming event; on a failure, log it without content and apologise."""
        assert self.router is not None
        try:
            outcome = await self.router.process(event)
        except Exception as exc:
            member_id, lang = await self._who(event)
            log.error(
                "event %s/%s of member %s failed: %s at %s",
                event.channel,
                event.event_id,
                member_id,
                type(exc).__name__,
                where(exc),
            )
            return [Reply(t(lang, "router.error"))]
        if outcome.outbox_written and self.sender is not None:
            self.sender.wake()
        return outcome.replies

    async def _who(self, event: Incoming) -> tuple[int | None, str]:
        """Return the sender's member id and language, as far as they can be read."""
        if self.db is None:
            return None, "id"
        try:
            async with self.db.read() as tx:
                member = await tx.members.by_identity(event.channel, event.sender)
        except Exception:
            return None, "id"
        return (member.id, member.language) if member is not None else (None, "id")

    async def stop(self) -> None:
        """Stop once, in order; a failing step is logged and the next one still runs."""
        if self._stopped:
            return
        self._stopped = True
        for channel in reversed(self._intake):
            await self._step(f"stop {channel.name} intake", channel.stop())
        if self.scheduler is not None and self._scheduler_started:
            await self._step("stop scheduler", self.scheduler.stop())
        if self.sender is not None and self._sender_task is not None:
            await self._step("stop sender", self._stop_sender())
        for channel in self.channels.values():
            if isinstance(channel, Closable):
                await self._step(f"close {channel.name}", channel.close())
        if self.web is not None:
            await self._step("stop web server", self.web.stop())
        if self.db is not None:
            await self._step("close database", self.db.close())
        log.info("stopped")

    async def _stop_sender(self) -> None:
        """Make a last delivery pass (after the one in progress), then end the loop."""
        assert self.sender is not None
        try:
            await self.sender.drain_once()
        finally:
            await self.sender.stop()
            if self._sender_task is not None:
                await self._sender_task

    async def _step(self, what: str, awaitable: Any) -> None:
        try:
            await awaitable
        except Exception as exc:
            log.error("shutdown: %s failed: %s at %s", what, type(exc).__name__, where(exc))


def configure_logging() -> None:
    """Log to stderr; keep URLs with the bot token (httpx request lines) out of the log."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def channel_problem(config: Config) -> str | None:
    """Return why `run` cannot start for lack of a channel, or None."""
    if config.whatsapp.enabled:
        return None
    if not config.telegram.enabled:
        return NO_CHANNEL.format(source=config.source)
    if not config.telegram.token:
        return NO_TOKEN.format(source=config.source)
    return None


async def cmd_run(args: argparse.Namespace, config: Config) -> int:
    """Run the bot until SIGINT or SIGTERM."""
    problem = channel_problem(config)
    if problem is not None:
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    configure_logging()
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()

    def on_signal(name: str) -> None:
        if stop.is_set():
            log.info("%s again: already stopping", name)
        else:
            log.info("%s: stopping", name)
        stop.set()

    signals = (signal.SIGINT, signal.SIGTERM)
    for sig in signals:
        loop.add_signal_handler(sig, on_signal, sig.name)
    runtime = Runtime(config)
    try:
        try:
            await runtime.start()
        except Exception as exc:
            print(f"pokmas-bot: could not start: {_describe(exc, config)}", file=sys.stderr)
            return EXIT_ERROR
        await stop.wait()
    finally:
        await runtime.stop()
        for sig in signals:
            loop.remove_signal_handler(sig)
    return EXIT_OK


def _describe(exc: Exception, config: Config) -> str:
    """Describe a start-up failure without echoing a secret (PTB quotes a rejected token)."""
    from telegram.error import InvalidToken, TelegramError

    if isinstance(exc, InvalidToken):
        return "Telegram rejected the bot token (check POKMAS_TELEGRAM_TOKEN)"
    text = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, TelegramError):
        text = f"Telegram: {text}"
    for secret in (config.telegram.token, config.telegram.webhook_secret):
        if secret:
            text = text.replace(secret, "<secret>")
    return text
