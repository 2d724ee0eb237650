"""`pokmas-bot reminders preview|run [--at DATETIME]`: look at, or run, one reminder sweep.

`preview` computes what a sweep at that time would write and rolls it back: the
database is left exactly as it was. `run` sweeps (at that time) and makes one
delivery pass through the configured channels (Telegram, WhatsApp) and the
console, which prints the messages of members linked to it. Neither prints a
klien's name or register number: rows are shown by kind, recipient and subject id.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime

from bot.channels import build_channels
from bot.channels.base import Channel, Closable
from bot.channels.console import ConsoleChannel
from bot.cli import EXIT_OK, EXIT_USAGE, parse_when
from bot.config import Config
from bot.sender import DrainStats, Sender
from handlers.reminders import preview, sweep
from handlers.settings import Settings
from storage import Database


async def cmd(args: argparse.Namespace, config: Config) -> int:
    """Preview or run one reminder sweep (and, for run, one delivery pass)."""
    settings = config.settings()
    try:
        at = parse_when(args.at, settings.timezone)
    except ValueError:
        print(f"pokmas-bot: --at: not an ISO 8601 time: {args.at!r}", file=sys.stderr)
        return EXIT_USAGE
    db = await Database.open(config.database.path)
    try:
        if args.action == "preview":
            await show_preview(db, settings, at)
        else:
            await run_once(db, config, at)
    finally:
        await db.close()
    return EXIT_OK


def _local(moment: datetime, settings: Settings) -> str:
    return moment.astimezone(settings.timezone).strftime("%Y-%m-%d %H:%M %Z")


async def show_preview(db: Database, settings: Settings, at: datetime) -> None:
    """Print what a sweep at `at` would write; write nothing."""
    found = await preview(db, settings, at)
    print(f"sweep at {_local(at, settings)}: {found.result.total} new outbox rows (preview)")
    for item in found.items:
        member = found.recipients.get(item.member_id)
        who = f"{member.role} #{member.id} {member.name}" if member else f"#{item.member_id}"
        print(f"  {item.kind:<24} {item.subject:<16} {item.period:<22} -> {who}")
    _print_counts(found.result.created)
    print("nothing was written")


async def run_once(db: Database, config: Config, at: datetime) -> DrainStats:
    """Sweep at `at`, then one delivery pass through the configured channels and the console."""
    settings = config.settings()

    def clock() -> datetime:
        return at

    channels: dict[str, Channel] = {"console": ConsoleChannel("cli", out=sys.stdout)}
    channels.update(build_channels(config, db=db, clock=clock))
    try:
        result = await sweep(db, settings, at)
        print(f"sweep at {_local(at, settings)}: {result.total} new outbox rows")
        _print_counts(result.created)
        stats = await Sender(db, channels, config, clock).drain_once()
    finally:
        for channel in channels.values():
            if isinstance(channel, Closable):
                await channel.close()
    print(
        f"delivery ({', '.join(channels)}): {stats.messages} messages, {stats.sent} rows sent, "
        f"{stats.retried} to retry, {stats.failed} failed, {stats.held} held, "
        f"{stats.deferred} deferred (quiet hours)"
    )
    return stats


def _print_counts(created: dict[str, int]) -> None:
    for name, count in created.items():
        if count:
            print(f"  {name}: {count}")
