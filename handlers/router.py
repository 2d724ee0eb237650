"""The router: one incoming event in, replies out, all in one database transaction."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import handlers.registry  # noqa: F401  (registers every command, action and flow)
from handlers import flow, registration
from handlers.commands import ACTIONS, lookup
from handlers.context import Context
from handlers.i18n import t
from handlers.model import Incoming, Reply
from handlers.settings import Settings
from storage import Database
from storage.timeutil import ts

log = logging.getLogger(__name__)

# Words that work without a slash, because typing "/" is awkward on WhatsApp keyboards.
CONTROL_WORDS = {
    "batal": "batal",
    "cancel": "batal",
    "kembali": "kembali",
    "back": "kembali",
    "bantuan": "bantuan",
    "help": "bantuan",
    "menu": "menu",
}


@dataclass
class Outcome:
    """What handling one event produced."""

    replies: list[Reply] = field(default_factory=list)
    duplicate: bool = False
    outbox_written: bool = False
    member_id: int | None = None
    language: str = "id"


def offered_actions(replies: list[Reply]) -> list[tuple[str, str]]:
    """Return the action buttons (id, label) of the last reply that has choices."""
    for reply in reversed(replies):
        if reply.choices:
            return [(c.id, c.label) for c in reply.choices if c.id.startswith("a:")]
    return []


class Router:
    """Turn incoming events into replies; the only entry point channels call."""

    def __init__(self, db: Database, settings: Settings, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock

    async def handle(self, event: Incoming) -> list[Reply]:
        """Handle one event; return the replies to send back to its sender."""
        return (await self.process(event)).replies

    async def process(self, event: Incoming) -> Outcome:
        """Handle one event in one transaction and say what happened."""
        now = self.clock()
        stamp = ts(now)
        async with self.db.transaction() as tx:
            if not await tx.events.claim(event.channel, event.event_id, stamp):
                return Outcome(duplicate=True)
            member = await tx.members.by_identity(event.channel, event.sender)
            if member is None:
                replies = await registration.unknown_sender(tx, event, now, self.settings)
                return Outcome(replies)
            if not member.active:
                return Outcome([Reply(t(member.language, "auth.deactivated"))], member_id=member.id)
            ctx = Context(tx=tx, member=member, event=event, now=now, settings=self.settings)
            replies = await self._dispatch(ctx)
            await tx.members.touch_inbound(
                event.channel, event.sender, event.reply_address, stamp, offered_actions(replies)
            )
            return Outcome(replies, False, ctx.outbox_written, member.id, ctx.lang)

    async def _dispatch(self, ctx: Context) -> list[Reply]:
        """Route one event of a registered member."""
        ctx.state = await ctx.tx.conversations.load(ctx.member.id)
        expired: list[Reply] = []
        if ctx.state is not None and ctx.state.expires_at <= ctx.stamp:
            await ctx.tx.conversations.clear(ctx.member.id)
            ctx.state = None
            expired = [ctx.reply("flow.expired")]

        event = ctx.event
        if event.choice is not None and event.choice.startswith("a:"):
            return expired + await self._action(ctx, event.choice)

        parsed = event.command()
        if parsed is None and event.text:
            word = event.text.strip().casefold()
            if word in CONTROL_WORDS:
                parsed = (CONTROL_WORDS[word], [])
            else:
                # `DAFTAR CODE` again (a wa.me link tapped twice): already registered.
                attempt, code = registration.parse_registration(event.text)
                if attempt:
                    parsed = ("start", [code] if code else [])
        if parsed is not None:
            name, args = parsed
            return expired + await self._command(ctx, name, args)

        if ctx.state is not None:
            if event.choice is None and event.text is None and event.photo is None:
                return [ctx.reply("router.unsupported")]
            return await flow.resume(ctx)
        if event.choice is not None:
            return expired + [ctx.reply("flow.stale_choice"), *registration.menu(ctx)]
        token = await self._typed_action(ctx)
        if token is not None:
            return expired + await self._action(ctx, token)
        return expired + [ctx.reply("router.not_understood")]

    async def _typed_action(self, ctx: Context) -> str | None:
        """Return the action button a typed number or label picks from the last message."""
        text = (ctx.event.text or "").strip()
        if not text or len(text) > 64:
            return None
        offered = await ctx.tx.members.offered(ctx.event.channel, ctx.event.sender)
        if text.isascii() and text.isdigit() and 1 <= int(text) <= len(offered):
            return offered[int(text) - 1][0]
        folded = text.casefold()
        return next((token for token, label in offered if label.casefold() == folded), None)

    async def _command(self, ctx: Context, name: str, args: list[str]) -> list[Reply]:
        """Run a control word or a registered command the member's role allows."""
        if name == "batal":
            return await flow.cancel(ctx)
        if name == "kembali":
            return await flow.back(ctx)
        if name == "bantuan":
            if ctx.state is not None:
                return await flow.help_for_step(ctx)
            return registration.menu(ctx, intro="menu.help_intro")
        command = lookup(name)
        if command is None:
            return [ctx.reply("router.unknown_command", command=name[:32])]
        if ctx.member.role not in command.roles:
            return [ctx.reply("router.not_allowed", command=command.name)]
        return await command.run(ctx, args)

    async def _action(self, ctx: Context, token: str) -> list[Reply]:
        """Run a tapped action after checking the role; the action checks the subject."""
        _, name, value = (token.split(":", 2) + ["", ""])[:3]
        action = ACTIONS.get(name)
        if action is None or ctx.member.role not in action.roles:
            return [ctx.reply("flow.bad_choice")]
        return await action.run(ctx, value)
