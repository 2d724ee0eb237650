"""Registration by invite code, the privacy notice, the role menu and the language."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timedelta

from handlers.commands import EVERYONE, action, action_choice, command, for_role, lookup
from handlers.context import Context
from handlers.i18n import t
from handlers.model import Incoming, Reply
from handlers.settings import Settings
from storage import Tx
from storage.timeutil import ts

_CODE = re.compile(r"^[A-Za-z0-9_-]{8,32}$")
_DAFTAR = re.compile(r"^\s*(?:/start|/daftar|daftar)(?:\s+(\S+))?\s*$", re.IGNORECASE)


def parse_registration(text: str | None) -> tuple[bool, str | None]:
    """Return (is a registration attempt, code) for `/start CODE` or `DAFTAR CODE`."""
    if not text:
        return False, None
    match = _DAFTAR.match(text)
    if not match:
        return False, None
    return True, match.group(1)


async def unknown_sender(tx: Tx, event: Incoming, now: datetime, settings: Settings) -> list[Reply]:
    """Answer a sender with no linked member: register with a code, or explain how."""
    lang = "id"
    attempt, code = parse_registration(event.text)
    if not attempt:
        # Deactivation unlinks the chat, so look at the invite that once linked it.
        if await tx.members.was_deactivated(event.channel, event.sender):
            return [Reply(t(lang, "auth.deactivated"))]
        return [Reply(t(lang, "auth.unknown_sender"))]
    if not code:
        return [Reply(t(lang, "auth.need_code"))]
    stamp = ts(now)
    hour_ago = ts(now - timedelta(hours=1))
    limit = settings.conversations.max_wrong_codes
    if await tx.members.auth_failures_since(event.channel, event.sender, hour_ago) >= limit:
        return [Reply(t(lang, "auth.too_many"))]
    check = (
        await tx.members.redeem_invite(code, event.channel, event.sender, stamp)
        if _CODE.match(code)
        else None
    )
    if check is None or check.status != "ok" or check.member is None:
        await tx.members.record_auth_failure(event.channel, event.sender, stamp)
        status = "unknown" if check is None else check.status
        return [Reply(t(lang, f"auth.code_{status}"))]
    member = check.member
    await tx.members.link(member.id, event.channel, event.sender, event.reply_address, stamp)
    await tx.audit.add(at=stamp, actor=event.channel, action="member.link", member_id=member.id)
    ctx = Context(tx=tx, member=member, event=event, now=now, settings=settings)
    return [
        ctx.reply("auth.welcome", name=member.name, bapas=settings.bapas_name),
        ctx.reply("auth.privacy"),
        *menu(ctx),
    ]


def menu(ctx: Context, intro: str = "menu.intro") -> list[Reply]:
    """Return the menu of the member's role, as text and as tappable choices."""
    commands = for_role(ctx.member.role)
    lines = [f"/{c.name} — {ctx.t(c.help)}" for c in commands]
    choices = tuple(action_choice("cmd", c.name, f"/{c.name}") for c in commands[:10])
    return [Reply(ctx.t(intro) + "\n\n" + "\n".join(lines), choices)]


@command("menu", EVERYONE, "menu.menu", in_menu=False)
async def show_menu(ctx: Context, args: list[str]) -> list[Reply]:
    """Show the member's menu."""
    return menu(ctx)


@command("start", EVERYONE, "menu.menu", aliases=("daftar",), in_menu=False)
async def start_known(ctx: Context, args: list[str]) -> list[Reply]:
    """Greet a member who is already registered (a code is not needed again)."""
    if args:
        return [ctx.reply("auth.already_registered", name=ctx.member.name), *menu(ctx)]
    return menu(ctx)


@command("bahasa", EVERYONE, "menu.bahasa", aliases=("language",))
async def language(ctx: Context, args: list[str]) -> list[Reply]:
    """Switch between Bahasa Indonesia and English."""
    wanted = (args[0].lower() if args else "").strip()
    if wanted in ("id", "indonesia", "in"):
        choice = "id"
    elif wanted in ("en", "english", "inggris"):
        choice = "en"
    elif not wanted:
        choice = "en" if ctx.lang == "id" else "id"
    else:
        return [ctx.reply("menu.bahasa_usage")]
    await ctx.tx.members.set_language(ctx.member.id, choice, ctx.stamp)
    ctx.member = dataclasses.replace(ctx.member, language=choice)
    return [ctx.reply("menu.bahasa_set")]


@action("cmd", EVERYONE)
async def run_command(ctx: Context, value: str) -> list[Reply]:
    """Run a menu command tapped as a button."""
    cmd = lookup(value)
    if cmd is None or ctx.member.role not in cmd.roles:
        return [ctx.reply("flow.bad_choice")]
    return await cmd.run(ctx, [])
