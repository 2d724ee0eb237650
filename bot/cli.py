"""The `pokmas-bot` command line: admin tasks, the demo, the console chat and `run`."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable, Coroutine, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.config import Config, ConfigError, load_config

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2

Handler = Callable[[argparse.Namespace, Config], Coroutine[Any, Any, int]]


def _add(
    sub: Any, name: str, help: str, handler: str, description: str | None = None
) -> argparse.ArgumentParser:
    """Add a subcommand whose implementation is `module:function`, imported when it runs."""
    parser: argparse.ArgumentParser = sub.add_parser(
        name, help=help, description=description or help
    )
    parser.set_defaults(handler=handler)
    return parser


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="pokmas-bot",
        description="Pokmas Lipas bot: reports from community partners to probation officers.",
    )
    parser.add_argument(
        "--config", metavar="PATH", help="config file (default: $POKMAS_CONFIG or ./config.toml)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    _add(sub, "init", "create or migrate the database (safe to run twice)", "bot.admin:cmd_init")

    p = _add(
        sub,
        "import",
        "import pokmas, officers or klien from CSV or XLSX",
        "bot.admin:cmd_import",
        "Import a CSV or XLSX file with a header row. Every row is checked first; "
        "any error lists every bad row and imports nothing. Re-importing updates "
        "by code / register number.",
    )
    p.add_argument("kind", choices=("pokmas", "officers", "klien"))
    p.add_argument("file", type=Path)

    p = _add(sub, "invite", "create a one-time registration code", "bot.admin:cmd_invite")
    p.add_argument("--role", required=True, choices=("coordinator", "officer", "admin", "observer"))
    p.add_argument("--pokmas", metavar="CODE", help="Pokmas code (coordinator)")
    p.add_argument("--officer", metavar="CODE", help="officer code (officer)")
    p.add_argument("--kabupaten", metavar="NAME", help="kabupaten (observer)")
    p.add_argument("--name", help="the person's name (coordinator, admin, observer)")
    p.add_argument("--days", type=int, default=7, help="days until the code expires (default 7)")

    _add(sub, "members", "list members, their scope and linked chats", "bot.admin:cmd_members")

    p = _add(
        sub, "deactivate", "disable a member and unlink their chats", "bot.admin:cmd_deactivate"
    )
    p.add_argument("member", help="member id (see `members`) or officer code")

    p = _add(
        sub, "export", "export reports, klien or check-ins to CSV or XLSX", "bot.admin:cmd_export"
    )
    p.add_argument("what", choices=("reports", "klien", "checkins"))
    p.add_argument(
        "--format",
        choices=("csv", "xlsx"),
        default=None,
        help="file format (default: from the output file name)",
    )
    p.add_argument("--output", "-o", type=Path, required=True)
    p.add_argument(
        "--from", dest="date_from", metavar="DATE", help="first day (YYYY-MM-DD or DD/MM/YYYY)"
    )
    p.add_argument("--to", dest="date_to", metavar="DATE", help="last day (inclusive)")

    p = _add(
        sub,
        "backup",
        "consistent online copy of the database",
        "bot.admin:cmd_backup",
        "Copy the database with SQLite's backup API; safe while the bot runs.",
    )
    p.add_argument("file", type=Path)

    p = _add(
        sub,
        "demo",
        "try the bot in the terminal on a throw-away demo database",
        "bot.demo:cmd_demo",
    )
    p.add_argument(
        "--keep",
        type=Path,
        metavar="PATH",
        help="keep the demo database at PATH instead of a temporary file",
    )

    p = _add(
        sub,
        "chat",
        "chat with the bot in the terminal as a member",
        "bot.channels.console:cmd_chat",
    )
    p.add_argument(
        "--as",
        dest="member",
        required=True,
        help="member id, officer code, or name (see `members`)",
    )

    _add(sub, "run", "run the bot: channels, scheduler and web server", "bot.app:cmd_run")

    p = _add(sub, "reminders", "preview or run the reminder sweep", "bot.reminders_cli:cmd")
    rsub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    for action, text in (
        ("preview", "list what a sweep would create, writing nothing"),
        ("run", "run one sweep and one delivery pass"),
    ):
        rp = rsub.add_parser(action, help=text, description=text)
        rp.add_argument(
            "--at",
            metavar="DATETIME",
            help="pretend it is this time (ISO 8601; local time if no offset)",
        )
    return parser


def parse_when(text: str | None, tz: Any) -> datetime:
    """Parse --at (ISO 8601; local Bapas time when it has no offset); default now."""
    if not text:
        return datetime.now(UTC)
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(UTC)


def local_day_bounds(
    day_from: str | None, day_to: str | None, tz: Any
) -> tuple[str | None, str | None]:
    """Turn inclusive local dates into [from, to) UTC timestamps as stored."""
    from bot.importer import parse_date
    from storage.timeutil import local_midnight

    start = local_midnight(parse_date(day_from), tz) if day_from else None
    end = local_midnight(parse_date(day_to) + timedelta(days=1), tz) if day_to else None
    return start, end


def is_interactive() -> bool:
    """Return True when both stdin and stdout are terminals."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code."""
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"pokmas-bot: config error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    module_name, _, func_name = args.handler.partition(":")
    import importlib

    handler: Handler = getattr(importlib.import_module(module_name), func_name)
    try:
        return asyncio.run(handler(args, config))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
