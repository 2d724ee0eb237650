"""Admin CLI commands: init, import, invite, members, deactivate, export, backup."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.cli import EXIT_OK, EXIT_USAGE, local_day_bounds
from bot.config import Config
from bot.importer import ImportFailed, run_import
from handlers.export import write_export
from handlers.i18n import t
from handlers.invites import InviteError, create_invite, telegram_link, whatsapp_link
from storage import Database, Scope
from storage.migrations import MIGRATIONS
from storage.timeutil import ts


def err(message: str) -> None:
    """Print one error line to stderr."""
    print(f"pokmas-bot: {message}", file=sys.stderr)


def _progress(label: str) -> Callable[..., None] | None:
    """Return a progress printer for terminals, or None when piped."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int | None = None) -> None:
        suffix = f"/{total}" if total else ""
        end = "\n" if total and done >= total else ""
        print(f"\r{label}: {done}{suffix}", end=end, file=sys.stderr, flush=True)

    return show


async def open_db(config: Config) -> Database:
    """Open (creating or migrating) the configured database."""
    return await Database.open(config.database.path)


async def cmd_init(args: argparse.Namespace, config: Config) -> int:
    """Create or migrate the database."""
    db = await Database.open(config.database.path, migrate=False)
    try:
        before = await db.schema_version()
    finally:
        await db.close()
    db = await open_db(config)
    try:
        after = await db.schema_version()
    finally:
        await db.close()
    if before == after:
        print(f"{config.database.path}: up to date (schema {after} of {len(MIGRATIONS)})")
    else:
        names = ", ".join(m.name for m in MIGRATIONS[before:after])
        print(f"{config.database.path}: migrated {before} -> {after} ({names})")
    return EXIT_OK


async def cmd_import(args: argparse.Namespace, config: Config) -> int:
    """Import pokmas, officers or klien from a CSV or XLSX file."""
    db = await open_db(config)
    try:
        moment = datetime.now(UTC)
        result = await run_import(
            db,
            args.kind,
            args.file,
            ts(moment),
            progress=_progress(f"import {args.kind}"),
            today=moment.astimezone(ZoneInfo(config.bapas.timezone)).date().isoformat(),
        )
    except ImportFailed as failed:
        for line in failed.errors:
            print(line, file=sys.stderr)
        err(f"{len(failed.errors)} error(s); nothing was imported")
        return EXIT_USAGE
    finally:
        await db.close()
    print(result.summary(args.kind))
    return EXIT_OK


async def cmd_invite(args: argparse.Namespace, config: Config) -> int:
    """Create a one-time registration code and print it with its links."""
    db = await open_db(config)
    try:
        async with db.transaction() as tx:
            invite = await create_invite(
                tx,
                role=args.role,
                now=datetime.now(UTC),
                created_by="cli",
                name=args.name,
                pokmas_code=args.pokmas,
                officer_code=args.officer,
                kabupaten=args.kabupaten,
                days=args.days,
            )
    except InviteError as bad:
        err(t("en", bad.key, **bad.params))
        return EXIT_USAGE
    finally:
        await db.close()
    tz = ZoneInfo(config.bapas.timezone)
    print(f"Invite for {invite.role} #{invite.member_id} ({invite.member_name})")
    print(f"code:    {invite.code}")
    print(f"expires: {invite.expires_at.astimezone(tz):%Y-%m-%d %H:%M %Z}")
    tg = telegram_link(config.telegram.bot_username, invite.code)
    if tg:
        print(f"telegram: {tg}")
    wa = whatsapp_link(config.whatsapp.business_number, invite.code)
    if wa:
        print(f"whatsapp: {wa}")
    print(f"or send to the bot: DAFTAR {invite.code}")
    return EXIT_OK


async def cmd_members(args: argparse.Namespace, config: Config) -> int:
    """List members with role, scope, linked chats and state."""
    db = await open_db(config)
    try:
        async with db.read() as tx:
            listing = await tx.members.listing()
    finally:
        await db.close()
    print(f"{'id':>4}  {'role':<11} {'name':<28} {'scope':<22} {'chats':<30} active")
    for entry in listing:
        m = entry.member
        chats = (
            ", ".join(
                f"{i.channel}{' (unreachable)' if i.unreachable_since else ''}"
                for i in entry.identities
            )
            or "-"
        )
        print(
            f"{m.id:>4}  {m.role:<11} {m.name[:28]:<28} {entry.scope_label[:22]:<22} "
            f"{chats[:30]:<30} {'yes' if m.active else 'no'}"
        )
    return EXIT_OK


async def cmd_deactivate(args: argparse.Namespace, config: Config) -> int:
    """Disable a member (by id or officer code) and unlink their chats."""
    db = await open_db(config)
    try:
        async with db.transaction() as tx:
            member = None
            if args.member.isdigit():
                member = await tx.members.get(int(args.member))
            if member is None:
                member = await tx.members.by_officer_code(args.member)
            if member is None:
                err(f"no member {args.member!r} (see `pokmas-bot members`)")
                return EXIT_USAGE
            stamp = ts(datetime.now(UTC))
            await tx.members.deactivate(member.id, stamp)
            await tx.audit.add(
                at=stamp, actor="cli", action="member.deactivate", member_id=member.id
            )
    finally:
        await db.close()
    print(f"deactivated member #{member.id} ({member.role}); chats unlinked")
    return EXIT_OK


async def cmd_export(args: argparse.Namespace, config: Config) -> int:
    """Export reports, klien or check-ins to CSV or XLSX."""
    fmt = args.format or args.output.suffix.lower().lstrip(".")
    if fmt not in ("csv", "xlsx"):
        err("--format must be csv or xlsx (or use an output file ending in .csv/.xlsx)")
        return EXIT_USAGE
    tz = ZoneInfo(config.bapas.timezone)
    try:
        start, end = local_day_bounds(args.date_from, args.date_to, tz)
    except ValueError as exc:
        err(f"--from/--to: {exc}")
        return EXIT_USAGE
    show = _progress(f"export {args.what}")
    db = await open_db(config)
    try:
        async with db.read() as tx:
            count = await write_export(
                tx,
                args.what,
                Scope.everything(),
                args.output,
                fmt=fmt,
                lang="id",
                tz=tz,
                start=start,
                end=end,
                progress=show,
            )
        async with db.transaction() as tx:
            await tx.audit.add(
                at=ts(datetime.now(UTC)),
                actor="cli",
                action=f"export.{args.what}",
                detail=f"{count} rows",
            )
    finally:
        await db.close()
    if show is not None:
        print(file=sys.stderr)
    print(f"{args.what}: {count} rows written to {args.output}")
    return EXIT_OK


async def cmd_backup(args: argparse.Namespace, config: Config) -> int:
    """Take a consistent online copy of the database."""
    if os.path.abspath(args.file) == os.path.abspath(config.database.path):
        err("the backup file must not be the database itself")
        return EXIT_USAGE
    db = await open_db(config)
    try:
        await db.backup(args.file)
    finally:
        await db.close()
    print(f"backup written to {args.file}")
    return EXIT_OK
