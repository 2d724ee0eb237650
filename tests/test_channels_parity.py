"""One conversation over every channel: the same stored report and the same words.

The scenario (register with DAFTAR, /lapor to the confirm screen by choices, edit one
field, send; then /batal in the middle of a second /lapor) runs over each channel's
real intake and rendering. Each turn is compared with the channel-neutral reference
(the router's own replies): the text, the offered choice ids and their labels. A
channel that drops a reply, renames an option or loses a choice cannot pass.
"""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import httpx
import pytest
from starlette.applications import Starlette

from bot.channels.console import ConsoleChannel
from bot.channels.telegram import TelegramChannel
from bot.channels.whatsapp import WhatsAppChannel
from bot.config import TelegramConfig
from handlers.invites import create_invite
from handlers.model import Incoming, Reply
from handlers.router import Router
from handlers.settings import Settings
from storage import Database
from tests.conftest import Clock, World, seed_world
from tests.fakes.graph_api import FakeGraphServer
from tests.fakes.telegram_api import Call, FakeTelegramServer
from tests.whatsapp_support import ACCESS_TOKEN, WaUser, serve, wa_config

BODY = "Mulai bekerja di bengkel las setiap hari."


@dataclass(frozen=True)
class Turn:
    """What one message got back: all text, and the options of the last choices."""

    text: str
    options: tuple[tuple[str, str], ...]  # (id, label as shown); ids are "#n" for numbers


class Driver(Protocol):
    """Talks to the bot over one channel as one person."""

    async def say(self, text: str) -> Turn: ...

    async def choose(self, label: str) -> Turn: ...


def squash(text: str) -> str:
    """Compare texts without their whitespace (wrapping and splitting differ by channel)."""
    return "".join(text.split())


def label_shown(shown: str, label: str) -> bool:
    """Return True when `shown` is the label, or the label shortened to fit a button."""
    if shown == label:
        return True
    shown = re.sub(r"^\d+\. ", "", shown)
    return shown.endswith("…") and label.startswith(shown[:-1].rstrip())


def _turn(replies: list[Reply]) -> Turn:
    options: tuple[tuple[str, str], ...] = ()
    for reply in replies:
        if reply.choices:
            options = tuple((c.id, c.label) for c in reply.choices)
    return Turn("\n".join(r.text for r in replies), options)


class ReferenceDriver:
    """The router itself: the replies every channel must render."""

    def __init__(self, router: Router, sender: str) -> None:
        self.router = router
        self.sender = sender
        self.n = 0
        self.last = Turn("", ())

    async def _send(self, **fields: str) -> Turn:
        self.n += 1
        event = Incoming("console", self.sender, f"ref{self.n}", **fields)  # type: ignore[arg-type]
        replies = await self.router.handle(event)
        turn = _turn(replies)
        self.last = turn if turn.options else Turn(turn.text, self.last.options)
        return turn

    async def say(self, text: str) -> Turn:
        return await self._send(text=text)

    async def choose(self, label: str) -> Turn:
        [option_id] = [i for i, shown in self.last.options if label in shown]
        return await self._send(choice=option_id)


class ConsoleDriver:
    """The console channel: its own parsing of typed numbers and its own rendering."""

    def __init__(self, router: Router, sender: str) -> None:
        self.router = router
        self.out = io.StringIO()
        self.channel = ConsoleChannel(sender, out=self.out)

    async def say(self, text: str) -> Turn:
        event = self.channel.to_event(text)
        start = self.out.tell()
        self.channel.show(await self.router.handle(event))
        rendered = self.out.getvalue()[start:]
        numbered = re.compile(r"^\s+\[\d+\] ")
        lines = rendered.splitlines()
        options: tuple[tuple[str, str], ...] = ()
        if any(numbered.match(line) for line in lines):
            options = tuple((c.id, c.label) for c in self.channel._choices)
        text = "\n".join(line for line in lines if not numbered.match(line))
        return Turn(text, options)

    async def choose(self, label: str) -> Turn:
        numbers = [n for n, c in enumerate(self.channel._choices, 1) if label in c.label]
        return await self.say(str(numbers[0]))


class WhatsAppDriver:
    """WhatsApp through the signed webhook and the fake Graph API: taps buttons and rows."""

    def __init__(self, user: WaUser) -> None:
        self.user = user

    def _turn(self) -> Turn:
        options: tuple[tuple[str, str], ...] = ()
        try:
            options = tuple(self.user.options()) if self.user.last else ()
        except AssertionError:
            options = ()
        return Turn("\n".join(self.user.texts), options)

    async def say(self, text: str) -> Turn:
        await self.user.say(text)
        return self._turn()

    async def choose(self, label: str) -> Turn:
        await self.user.tap(label)
        return self._turn()


class TelegramDriver:
    """Telegram through PTB, polling the fake Bot API: taps inline keyboard buttons."""

    CHAT = 7001

    def __init__(self, srv: FakeTelegramServer) -> None:
        self.srv = srv
        self.seen = 0
        self.keyboard: Call | None = None

    async def _deliver(self, update_id: int) -> Turn:
        # Handled (and its replies sent) once the channel asks for the updates after it.
        await self.srv.wait_for_call(
            "getUpdates", lambda c: int(c.params.get("offset") or 0) > update_id
        )
        calls = self.srv.calls[self.seen :]
        self.seen = len(self.srv.calls)
        mine = [
            c
            for c in calls
            if c.method.lower() in ("sendmessage", "sendphoto", "senddocument")
            and str(c.params.get("chat_id")) == str(self.CHAT)
            and c.status == 200
        ]
        options: tuple[tuple[str, str], ...] = ()
        for call in mine:
            markup = call.params.get("reply_markup")
            if markup:
                self.keyboard = call
                buttons = [b for row in markup["inline_keyboard"] for b in row]
                options = tuple((b["callback_data"], b["text"]) for b in buttons)
        text = "\n".join(str(c.params.get("text") or c.params.get("caption") or "") for c in mine)
        return Turn(text, options)

    async def say(self, text: str) -> Turn:
        return await self._deliver(self.srv.push_message(self.CHAT, text))

    async def choose(self, label: str) -> Turn:
        assert self.keyboard is not None
        markup = self.keyboard.params["reply_markup"]
        [data] = [
            b["callback_data"]
            for row in markup["inline_keyboard"]
            for b in row
            if label in b["text"]
        ]
        message_id = self.keyboard.result["message_id"]
        return await self._deliver(self.srv.push_callback(self.CHAT, data, message_id))


Scenario = Callable[[Driver], Awaitable[list[Turn]]]


async def scenario(driver: Driver, code: str, klien: str) -> list[Turn]:
    """Register, report with an edit, send; start another report and cancel it."""
    turns = [await driver.say(f"DAFTAR {code}")]
    turns.append(await driver.say("/lapor"))
    for label in (klien, "Pekerjaan", "Dalam proses"):
        turns.append(await driver.choose(label))
    turns.append(await driver.say(BODY))
    turns.append(await driver.choose("Hari ini"))
    turns.append(await driver.choose("Lewati"))
    assert "Periksa sebelum dikirim" in turns[-1].text
    turns.append(await driver.choose("Ubah"))
    turns.append(await driver.choose("Hasil"))
    turns.append(await driver.choose("Selesai"))
    assert "Periksa sebelum dikirim" in turns[-1].text
    turns.append(await driver.choose("Kirim"))
    assert "tersimpan" in turns[-1].text
    turns.append(await driver.say("/lapor"))
    turns.append(await driver.choose(klien))
    turns.append(await driver.say("/batal"))
    assert "Dibatalkan" in turns[-1].text
    return turns


@dataclass
class Run:
    db: Database
    router: Router
    code: str
    world: World


async def fresh(tmp_path: Path, name: str, clock: Clock, settings: Settings) -> Run:
    """A new database with the seeded world and an invite for a new coordinator."""
    db = await Database.open(tmp_path / f"{name}.db")
    world = await seed_world(db, clock())
    async with db.transaction() as tx:
        invite = await create_invite(
            tx,
            role="coordinator",
            pokmas_code="PWT01",
            name="Bu Aminah",
            now=clock(),
            created_by="test",
        )
    return Run(db, Router(db, settings, clock), invite.code, world)


async def stored(db: Database) -> list[tuple[object, ...]]:
    async with db.read() as tx:
        rows = await tx.reports._all(
            "SELECT klien_id, author_id, kind, category, outcome, body, occurred_on, photo_ref, "
            "created_at FROM reports ORDER BY id"
        )
        followups = await tx.reports._scalar("SELECT count(*) FROM followups")
        drafts = await tx.reports._scalar("SELECT count(*) FROM conversations")
    return [tuple(r) for r in rows] + [("followups", followups), ("drafts", drafts)]


@pytest.fixture
async def stack() -> AsyncIterator[AsyncExitStack]:
    async with AsyncExitStack() as exits:
        yield exits


async def console_driver(run: Run, stack: AsyncExitStack) -> Driver:
    return ConsoleDriver(run.router, "console-parity")


async def whatsapp_driver(run: Run, stack: AsyncExitStack) -> Driver:
    graph = await stack.enter_async_context(FakeGraphServer(access_token=ACCESS_TOKEN))
    channel = WhatsAppChannel(wa_config(graph), db=run.db)
    await channel.start(run.router.handle)
    stack.push_async_callback(channel.close)
    stack.push_async_callback(channel.stop)
    base = await stack.enter_async_context(serve(Starlette(routes=channel.routes())))
    http = await stack.enter_async_context(httpx.AsyncClient(base_url=base))
    return WhatsAppDriver(WaUser(http, f"{base}/whatsapp", graph, channel, "6281298765432"))


async def telegram_driver(run: Run, stack: AsyncExitStack) -> Driver:
    srv = await stack.enter_async_context(FakeTelegramServer(token="123:ABC"))
    config = TelegramConfig(token="123:ABC", api_base_url=srv.base_url, rate_limiter=False)
    channel = TelegramChannel(config, db=run.db)
    stack.push_async_callback(channel.close)
    await channel.start(run.router.handle)
    stack.push_async_callback(channel.stop)
    return TelegramDriver(srv)


def unseq(token: str) -> str:
    """Drop a flow token's prompt number (random per conversation), keep the value."""
    head, dot, value = token.partition(".")
    return value if dot and head.isdigit() else token


DRIVERS: dict[str, Callable[[Run, AsyncExitStack], Awaitable[Driver]]] = {
    "console": console_driver,
    "telegram": telegram_driver,
    "whatsapp": whatsapp_driver,
}


@pytest.mark.parametrize("channel", sorted(DRIVERS))
async def test_same_conversation_on_every_channel(
    channel: str, tmp_path: Path, clock: Clock, settings: Settings, stack: AsyncExitStack
) -> None:
    reference = await fresh(tmp_path, "reference", clock, settings)
    stack.push_async_callback(reference.db.close)
    under_test = await fresh(tmp_path, channel, clock, settings)
    stack.push_async_callback(under_test.db.close)
    klien = reference.world.names[reference.world.klien_a[0]]

    expected = await scenario(ReferenceDriver(reference.router, "reference"), reference.code, klien)
    driver = await DRIVERS[channel](under_test, stack)
    got = await scenario(driver, under_test.code, klien)

    assert len(got) == len(expected)
    for step, (want, seen) in enumerate(zip(expected, got, strict=True)):
        assert squash(seen.text) == squash(want.text), f"turn {step}: text differs"
        assert [unseq(i) for i, _ in seen.options] == [unseq(i) for i, _ in want.options], (
            f"turn {step}: choice ids differ"
        )
        for (_, shown), (_, label) in zip(seen.options, want.options, strict=True):
            assert label_shown(shown, label), f"turn {step}: {shown!r} is not {label!r}"
    # The same report, follow-ups and (no) open draft, whichever channel carried them.
    ours, theirs = await stored(under_test.db), await stored(reference.db)
    assert ours == theirs
    assert ours[0][3:7] == ("pekerjaan", "selesai", BODY, "2026-11-30")
