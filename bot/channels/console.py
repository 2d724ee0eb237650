"""The console channel: the same conversations in a terminal, choices as numbered options."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import textwrap
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TextIO

from bot.channels.base import EventHandler, Outbound
from bot.config import Config
from bot.logsafe import describe
from handlers.i18n import t
from handlers.model import Choice, Incoming, Reply
from handlers.router import Router
from storage import Database
from storage.members import Member
from storage.timeutil import ts

log = logging.getLogger(__name__)

QUIT_WORDS = {"/keluar", "/quit", "/exit"}


def render(replies: list[Reply], width: int = 78) -> tuple[str, list[Choice]]:
    """Render replies as terminal text; return it with the numbered choices it shows."""
    lines: list[str] = []
    numbered: list[Choice] = []
    for reply in replies:
        for paragraph in reply.text.split("\n"):
            lines.extend(textwrap.wrap(paragraph, width) or [""])
        if reply.choices:
            numbered = list(reply.choices)
            for number, choice in enumerate(reply.choices, start=1):
                extra = f" — {choice.description}" if choice.description else ""
                lines.append(f"  [{number}] {choice.label}{extra}")
        if reply.attachment is not None:
            lines.append(
                f"  (file: {reply.attachment.filename}, {len(reply.attachment.data)} bytes)"
            )
        lines.append("")
    return "\n".join(lines), numbered


class ConsoleChannel:
    """A terminal conversation as one member; also prints outbox messages for anyone."""

    name = "console"

    def __init__(
        self,
        sender: str,
        *,
        read_line: Callable[[str], str] = input,
        out: TextIO = sys.stdout,
    ) -> None:
        self.sender = sender
        self._read_line = read_line
        self._out = out
        self._choices: list[Choice] = []
        self._stopped = asyncio.Event()

    def to_event(self, line: str) -> Incoming:
        """Turn a typed line into an event: a number picks the choice shown with that number."""
        text = line.strip()
        event_id = uuid.uuid4().hex
        if text.isdigit() and 1 <= int(text) <= len(self._choices):
            chosen = self._choices[int(text) - 1]
            return Incoming("console", self.sender, event_id, choice=chosen.id)
        if text.startswith("/foto") or text.startswith("/photo"):
            # No camera in a terminal: `/foto` stands in for sending a photo.
            return Incoming("console", self.sender, event_id, photo=f"console-photo-{event_id}")
        return Incoming("console", self.sender, event_id, text=text)

    def show(self, replies: list[Reply]) -> None:
        """Print replies and remember their choices for the next typed number."""
        text, numbered = render(replies)
        self._choices = numbered  # a typed number only ever means what is on screen now
        print(text, file=self._out, flush=True)

    async def start(self, on_event: EventHandler) -> None:
        """Read lines until EOF or /keluar, sending each as an event."""
        while not self._stopped.is_set():
            try:
                line = await asyncio.to_thread(self._read_line, "> ")
            except EOFError:
                break
            if line.strip() in QUIT_WORDS:
                break
            if not line.strip():
                continue
            event = self.to_event(line)
            try:
                replies = await on_event(event)
            except Exception as exc:  # keep the session alive; no message text in logs
                log.error("console event failed: %s", describe(exc))
                replies = [Reply(t("id", "router.error"))]
            self.show(replies)

    async def stop(self) -> None:
        """Stop reading after the current line."""
        self._stopped.set()

    async def deliver(self, message: Outbound) -> str | None:
        """Print an outbox message (reminder or alert) with its recipient."""
        text, _ = render(list(message.replies))
        print(
            f"--- [{message.kind}] to {message.identity.address} ---\n{text}",
            file=self._out,
            flush=True,
        )
        return f"console-{uuid.uuid4().hex[:12]}"


async def find_member(db: Database, who: str) -> Member | None:
    """Find a member by id, officer code, or (unique) name."""
    async with db.read() as tx:
        if who.isdigit():
            member = await tx.members.get(int(who))
            if member is not None:
                return member
        member = await tx.members.by_officer_code(who)
        if member is not None:
            return member
        matches = [
            entry.member
            for entry in await tx.members.listing()
            if who.casefold() in entry.member.name.casefold()
        ]
    return matches[0] if len(matches) == 1 else None


async def link_console(db: Database, member: Member, now: datetime) -> str:
    """Link (once) a console identity to the member; return its sender id."""
    sender = f"member-{member.id}"
    async with db.transaction() as tx:
        if await tx.members.identity("console", sender) is None:
            await tx.members.link(member.id, "console", sender, sender, ts(now))
    return sender


async def chat(
    db: Database,
    config: Config,
    member: Member,
    *,
    read_line: Callable[[str], str] = input,
    out: TextIO = sys.stdout,
) -> None:
    """Run an interactive console conversation as `member` until EOF or /keluar."""
    sender = await link_console(db, member, datetime.now(UTC))
    router = Router(db, config.settings(), lambda: datetime.now(UTC))
    channel = ConsoleChannel(sender, read_line=read_line, out=out)
    print(
        f"Chat as {member.name} ({member.role}). Type a number to choose, /menu for the "
        f"menu, /foto to send a photo, /keluar to quit.\n",
        file=out,
        flush=True,
    )
    channel.show(await router.handle(Incoming("console", sender, uuid.uuid4().hex, text="/menu")))
    await channel.start(router.handle)


async def cmd_chat(args: argparse.Namespace, config: Config) -> int:
    """Chat with the bot in the terminal as a member."""
    db = await Database.open(config.database.path)
    try:
        member = await find_member(db, args.member)
        if member is None:
            print(
                f"pokmas-bot: no single member matches {args.member!r} (see `pokmas-bot members`)",
                file=sys.stderr,
            )
            return 2
        if not member.active:
            print(f"pokmas-bot: member #{member.id} is deactivated", file=sys.stderr)
            return 2
        await chat(db, config, member)
    finally:
        await db.close()
    return 0
