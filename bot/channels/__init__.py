"""Transport adapters behind the `Channel` protocol (base.py), and the factory that builds them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from bot.channels.base import Channel
from bot.config import Config
from storage import Database


def _utc_now() -> datetime:
    return datetime.now(UTC)


def build_channels(
    config: Config,
    *,
    db: Database | None = None,
    clock: Callable[[], datetime] = _utc_now,
) -> dict[str, Channel]:
    """Return the configured channels by name: Telegram when it has a token, WhatsApp if on.

    `db` lets a channel record what only it sees (a member who blocked the bot);
    nothing touches the network until a channel's start() or deliver().
    """
    channels: dict[str, Channel] = {}
    if config.telegram.enabled and config.telegram.token:
        from bot.channels.telegram import TelegramChannel

        channels["telegram"] = TelegramChannel(config.telegram, db=db, clock=clock)
    if config.whatsapp.enabled:
        from bot.channels.whatsapp import WhatsAppChannel

        channels["whatsapp"] = WhatsAppChannel(config.whatsapp, db=db, clock=clock)
    return channels
