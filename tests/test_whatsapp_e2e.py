"""WhatsApp end to end: signed webhooks into a real server, replies at the fake Graph API."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from bot.app import Runtime
from bot.channels.whatsapp import WhatsAppChannel
from bot.sender import Sender
from bot.web import build_web_app
from handlers import reminders
from handlers.invites import create_invite
from handlers.router import Router
from handlers.settings import Settings
from storage import Database
from storage.outbox import OutboxRow
from storage.timeutil import ts
from tests.conftest import Clock, World, seed_world
from tests.fakes.graph_api import (
    FakeGraphServer,
    SentMessage,
    build_text_message,
    post_webhook,
)
from tests.whatsapp_support import (
    ACCESS_TOKEN,
    APP_SECRET,
    VERIFY_TOKEN,
    ScaledTime,
    WaUser,
    bodies,
    full_config,
    serve,
)

COORD_PHONE = "6281234567890"
OFFICER_PHONE = "6281100000001"


@dataclass
class Bot:
    """The WhatsApp channel served by uvicorn on 127.0.0.1, the outbox sender, the fakes."""

    channel: WhatsAppChannel
    sender: Sender
    http: httpx.AsyncClient
    url: str
    graph: FakeGraphServer
    db: Database
    clock: Clock
    settled: set[str] = dataclasses.field(default_factory=set)  # message ids reported

    def user(self, wa_id: str | None, user_id: str | None = None) -> WaUser:
        return WaUser(self.http, self.url, self.graph, self.channel, wa_id, user_id=user_id)

    async def invite(self, role: str = "coordinator", **kwargs: Any) -> str:
        async with self.db.transaction() as tx:
            made = await create_invite(tx, role=role, now=self.clock(), created_by="test", **kwargs)
        return made.code

    async def deliver_due(self) -> list[str]:
        """Run one pass of the real outbox sender; return the message ids it sent, in order."""
        await self.sender.drain_once()
        async with self.db.read() as tx:
            rows = await tx.outbox._all(
                "SELECT id, message_ref FROM outbox WHERE status != 'pending' ORDER BY id"
            )
        refs: list[str] = []
        for row in rows:
            ref = row["message_ref"]
            if ref and ref not in self.settled and ref not in refs:
                refs.append(ref)
        self.settled.update(refs)
        return refs


@pytest.fixture
async def graph() -> AsyncIterator[FakeGraphServer]:
    async with FakeGraphServer(access_token=ACCESS_TOKEN) as server:
        yield server


async def start_bot(
    tmp_path: Path,
    graph: FakeGraphServer,
    db: Database,
    router: Router,
    clock: Clock,
    *,
    per_recipient_seconds: float = 0.0,
    **kwargs: Any,
) -> tuple[WhatsAppChannel, Sender, Starlette]:
    config = full_config(tmp_path, graph, per_recipient_seconds=per_recipient_seconds)
    channel = WhatsAppChannel(config.whatsapp, db=db, clock=clock, **kwargs)
    await channel.start(router.handle)
    sender = Sender(db, {"whatsapp": channel}, config, clock)
    return channel, sender, build_web_app(db, channel.routes())


@pytest.fixture
async def bot(
    tmp_path: Path,
    graph: FakeGraphServer,
    db: Database,
    router: Router,
    clock: Clock,
    world: World,
) -> AsyncIterator[Bot]:
    channel, sender, app = await start_bot(tmp_path, graph, db, router, clock)
    async with serve(app) as base, httpx.AsyncClient(base_url=base, timeout=10) as http:
        yield Bot(channel, sender, http, f"{base}/whatsapp", graph, db, clock)
    await channel.stop()
    await channel.close()


def text_of(message: SentMessage) -> str:
    return bodies([message])[0]


async def wait_for_text(graph: FakeGraphServer, to: str, needle: str) -> SentMessage:
    """Wait until a message to `to` contains `needle` (each round waits for one more)."""
    count = 1
    while True:
        sent = await graph.wait_for_messages(count, to=to)
        for message in sent:
            if needle in text_of(message):
                return message
        count = len(sent) + 1


async def registered(bot: Bot, wa_id: str = COORD_PHONE, **invite: Any) -> WaUser:
    code = await bot.invite(**(invite or {"role": "coordinator", "pokmas_code": "PWT01"}))
    user = bot.user(wa_id)
    await user.say(f"DAFTAR {code}")
    assert "Selamat datang" in user.text
    return user


async def test_registration_with_daftar(bot: Bot) -> None:
    user = bot.user(COORD_PHONE)
    await user.say("Halo")
    assert "DAFTAR" in user.text
    await user.say("DAFTAR kodesalah123")
    assert "tidak dikenal" in user.text
    code = await bot.invite(role="coordinator", pokmas_code="PWT01", name="Ustadzah Aminah")
    await user.say(f"DAFTAR {code}")
    assert "Selamat datang, Ustadzah Aminah" in user.text
    assert "privasi" in user.text.casefold()
    assert "/lapor" in user.text
    async with bot.db.read() as tx:
        member = await tx.members.by_identity("whatsapp", COORD_PHONE)
        identity = await tx.members.identity("whatsapp", COORD_PHONE)
    assert member is not None and member.name == "Ustadzah Aminah"
    assert identity is not None and identity.address == COORD_PHONE
    await user.say(f"DAFTAR {code}")  # the code works once
    async with bot.db.read() as tx:
        assert await tx.members.by_identity("whatsapp", COORD_PHONE) == member


async def test_complete_lapor_with_buttons_lists_and_typed_numbers(bot: Bot, world: World) -> None:
    user = await registered(bot)
    await user.say("/lapor")
    assert user.last_kind() == "button"  # three klien
    await user.tap(world.names[world.klien_a[1]])
    assert user.last_kind() == "list"  # eight categories
    await user.tap("Mediasi keluarga")
    assert "Bagaimana hasilnya" in user.text and user.last_kind() == "button"
    await user.type_number("Butuh bantuan")  # typed "3" on the buttons
    assert "Ceritakan apa yang terjadi" in user.text
    await user.say("Mediasi dengan orang tua klien sudah dua kali, belum ada kesepakatan.")
    assert "Kapan terjadinya" in user.text
    await user.say("1")  # "Hari ini" by number, on the buttons
    bot.graph.add_media(b"\xff\xd8 jpeg", "image/jpeg")
    media_id = next(iter(bot.graph.media))
    await user.photo(media_id)
    assert "Periksa sebelum dikirim" in user.text and user.last_kind() == "button"
    await user.tap("Kirim")
    assert "tersimpan" in user.text
    async with bot.db.read() as tx:
        [report] = await tx.reports.recent_for_klien(world.klien_a[1])
    assert report.category == "mediasi_keluarga"
    assert report.outcome == "butuh_bantuan"
    assert report.channel == "whatsapp"
    assert report.photo_ref == media_id
    # Every message the bot sent passed the fake's Cloud API validation.
    assert bot.graph.rejected == []


async def test_help_needed_alert_reaches_the_officer(bot: Bot, world: World) -> None:
    officer = await registered(bot, OFFICER_PHONE, role="officer", officer_code="PK01")
    user = await registered(bot)
    await user.say("/lapor")
    await user.tap(world.names[world.klien_a[0]])
    await user.tap("Pekerjaan")
    await user.tap("Butuh bantuan")
    await user.say("Klien butuh surat keterangan untuk melamar kerja.")
    await user.tap("Hari ini")
    await user.tap("Lewati")
    await user.tap("Kirim")
    assert "PK klien sudah diberi tahu" in user.text
    [ref] = await bot.deliver_due()
    to_officer = bot.graph.messages_to(OFFICER_PHONE)[officer.seen :]
    assert [m["wamid"] for m in to_officer][-1] == ref
    alert = to_officer[-1]["body"]
    assert alert["type"] == "interactive"  # inside the window: free-form, with a button
    assert "Klien butuh surat keterangan" in alert["interactive"]["body"]["text"]
    assert world.names[world.klien_a[0]] in alert["interactive"]["body"]["text"]


async def test_incident_alert_reaches_the_officer(bot: Bot, world: World) -> None:
    officer = await registered(bot, OFFICER_PHONE, role="officer", officer_code="PK01")
    user = await registered(bot)
    await user.say("/insiden")
    await user.tap(world.names[world.klien_a[0]])
    await user.tap("Berat")
    await user.say("Klien tidak pulang dua hari dan tidak bisa dihubungi.")
    await user.tap("Kirim")
    [ref] = await bot.deliver_due()
    alert = bot.graph.messages_to(OFFICER_PHONE)[-1]
    assert alert["wamid"] == ref
    assert "tidak pulang dua hari" in alert["body"]["interactive"]["body"]["text"]
    # The officer acknowledges with the button on the alert.
    officer.seen = len(bot.graph.messages_to(OFFICER_PHONE)) - 1
    officer.last = [alert]
    await officer.tap("Diterima")
    async with bot.db.read() as tx:
        incidents = await tx.reports._all("SELECT acknowledged_by FROM incidents")
    assert [r["acknowledged_by"] for r in incidents] == [world.officer_1]


async def test_reminder_outside_the_window_goes_as_its_template(bot: Bot, world: World) -> None:
    await registered(bot, OFFICER_PHONE, role="officer", officer_code="PK01")
    user = await registered(bot)
    await user.say("/lapor")
    await user.tap(world.names[world.klien_a[0]])
    await user.tap("Pekerjaan")
    await user.tap("Butuh bantuan")
    await user.say("Klien butuh surat keterangan untuk melamar kerja.")
    await user.tap("Hari ini")
    await user.tap("Lewati")
    await user.tap("Kirim")
    bot.clock.advance(hours=30)  # the officer last wrote 30 hours ago
    before = len(bot.graph.messages_to(OFFICER_PHONE))
    [ref] = await bot.deliver_due()
    [message] = bot.graph.messages_to(OFFICER_PHONE)[before:]
    assert message["wamid"] == ref and message["type"] == "template"
    template = message["body"]["template"]
    assert template["name"] == "pokmas_butuh_bantuan"
    assert template["language"] == {"code": "id"}
    body, button = template["components"]
    [param] = body["parameters"]
    assert "Klien butuh surat keterangan" in param["text"] and "\n" not in param["text"]
    assert button["parameters"][0]["payload"] == f"a:klien:{world.klien_a[0]}"


async def test_no_report_reminders_outside_the_window_go_as_one_digest_template(
    bot: Bot, world: World, settings: Settings
) -> None:
    user = await registered(bot)  # a second coordinator of Pokmas A, on WhatsApp
    bot.clock.advance(days=2)  # the window closed; the klien have had no report for 92 days
    async with bot.db.transaction() as tx:
        assert await reminders.no_report(tx, bot.clock(), settings) > 0
    [ref] = await bot.deliver_due()
    [message] = bot.graph.messages_to(COORD_PHONE)[user.seen :]
    assert message["wamid"] == ref and message["type"] == "template"
    template = message["body"]["template"]
    assert template["name"] == "pokmas_pengingat"
    body, follow_up, menu = template["components"]
    count, text = (p["text"] for p in body["parameters"])
    assert count == str(len(world.klien_a))  # the coordinator's items batched in one message
    assert all(world.names[k] in text for k in world.klien_a)
    assert follow_up["parameters"][0]["payload"] == "a:cmd:lapor"
    assert menu["parameters"][0]["payload"] == "/menu"
    async with bot.db.read() as tx:
        rows = await tx.outbox._all(
            "SELECT status, message_ref FROM outbox o JOIN identities i "
            "ON i.member_id = o.member_id WHERE i.external_id = ?",
            (COORD_PHONE,),
        )
    assert {(r["status"], r["message_ref"]) for r in rows} == {("sent", ref)}
    # "Tindak lanjuti" on the template starts /lapor (and reopens the window).
    await user.tap_template_button("Tindak lanjuti", "a:cmd:lapor")
    assert "Pilih klien" in user.text and user.last_kind() == "button"


async def test_incident_outside_the_window_is_acknowledged_from_its_template(
    bot: Bot, world: World
) -> None:
    officer = await registered(bot, OFFICER_PHONE, role="officer", officer_code="PK01")
    user = await registered(bot)
    bot.clock.advance(hours=25)  # the officer has not written for a day
    await user.say("/insiden")
    await user.tap(world.names[world.klien_a[0]])
    await user.tap("Sedang")
    await user.say("Klien bertengkar dengan pekerja lain di bengkel.")
    await user.tap("Kirim")
    [ref] = await bot.deliver_due()
    message = bot.graph.messages_to(OFFICER_PHONE)[-1]
    assert message["wamid"] == ref and message["type"] == "template"
    body, ack, card = message["body"]["template"]["components"]
    assert "bertengkar" in body["parameters"][0]["text"]
    payload = ack["parameters"][0]["payload"]
    assert payload.startswith("a:ack:") and card["parameters"][0]["payload"].startswith("a:klien:")
    # The officer taps the template's quick-reply button: a "button" message comes back.
    await officer.tap_template_button("Diterima", payload)
    assert "ditandai diterima" in officer.text
    async with bot.db.read() as tx:
        acked = await tx.reports._all("SELECT acknowledged_by FROM incidents")
    assert [r["acknowledged_by"] for r in acked] == [world.officer_1]


async def test_kind_without_template_is_held_not_dropped(bot: Bot, world: World) -> None:
    await registered(bot, OFFICER_PHONE, role="officer", officer_code="PK01")
    bot.clock.advance(days=2)
    async with bot.db.transaction() as tx:
        await tx.outbox.enqueue(
            OutboxRow("no_such_template_kind", "x:1", "once", world.officer_1, {"a": "b"}),
            now=ts(bot.clock()),
        )
    before = len(bot.graph.messages)
    assert await bot.deliver_due() == []
    assert len(bot.graph.messages) == before
    async with bot.db.read() as tx:
        [held] = await tx.outbox.failed_since("2000-01-01T00:00:00Z")
    assert held.status == "held" and "no_such_template_kind" in (held.last_error or "")
    # The officer writes: the window reopens and the held message goes, free-form.
    officer = bot.user(OFFICER_PHONE)
    await officer.say("/menu")
    [ref] = await bot.deliver_due()
    message = bot.graph.messages_to(OFFICER_PHONE)[-1]
    assert message["wamid"] == ref and message["type"] == "text"
    assert "no_such_template_kind" in message["body"]["text"]["body"]


async def test_per_recipient_pace_is_respected(
    tmp_path: Path,
    graph: FakeGraphServer,
    db: Database,
    router: Router,
    clock: Clock,
    world: World,
) -> None:
    scaled = ScaledTime(factor=100.0)  # 6 s of pacing = 60 ms of test time
    channel, _, app = await start_bot(
        tmp_path,
        graph,
        db,
        router,
        clock,
        per_recipient_seconds=6.0,
        monotonic=scaled.monotonic,
        sleep=scaled.sleep,
    )
    async with serve(app) as base, httpx.AsyncClient(base_url=base) as http:
        url = f"{base}/whatsapp"
        posts = [
            post_webhook(http, url, build_text_message(COORD_PHONE, f"Halo {i}"), APP_SECRET)
            for i in range(4)
        ] + [post_webhook(http, url, build_text_message("628999", "Halo"), APP_SECRET)]
        answers = await asyncio.gather(*posts)
        assert all(a.status_code == 200 for a in answers)  # answered before the replies went
        await channel.idle()
    await channel.stop()
    await channel.close()
    stamps = [m["timestamp"] for m in graph.messages_to(COORD_PHONE)]
    assert len(stamps) == 4  # queued, none dropped
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    assert min(gaps) >= 6.0 / scaled.factor, gaps
    other = graph.messages_to("628999")[0]["timestamp"]
    assert other < stamps[-1]  # another recipient does not wait in this queue


async def test_pair_rate_limit_131056_is_retried(
    tmp_path: Path,
    graph: FakeGraphServer,
    db: Database,
    router: Router,
    clock: Clock,
    world: World,
) -> None:
    scaled = ScaledTime(factor=100.0)
    channel, _, app = await start_bot(
        tmp_path, graph, db, router, clock, monotonic=scaled.monotonic, sleep=scaled.sleep
    )
    async with serve(app) as base, httpx.AsyncClient(base_url=base) as http:
        user = WaUser(http, f"{base}/whatsapp", graph, channel, COORD_PHONE)
        graph.fail_next(131056, count=2, to=COORD_PHONE)
        await user.say("Halo")
    await channel.stop()
    await channel.close()
    assert [r["code"] for r in graph.rejected] == [131056, 131056]
    assert len(user.last) == 1 and "DAFTAR" in user.text  # delivered once, after backing off
    # Backed off 6 s, then 12 s (of scaled time) before the attempts that followed.
    first, second = (r["timestamp"] for r in graph.rejected)
    delivered = user.last[0]["timestamp"]
    assert second - first >= 6.0 / scaled.factor
    assert delivered - second >= 12.0 / scaled.factor


# -- the whole program: `Runtime` with WhatsApp enabled -------------------------------------


async def test_whole_program_incident_reaches_the_officer(
    tmp_path: Path, graph: FakeGraphServer, clock: Clock
) -> None:
    """`Runtime` (as `pokmas-bot run`): one web server, the router, the sender, WhatsApp."""
    config = full_config(tmp_path, graph)
    db = await Database.open(config.database.path)
    world = await seed_world(db)
    async with db.transaction() as tx:
        coordinator = await create_invite(
            tx, role="coordinator", pokmas_code="PWT01", now=clock(), created_by="test"
        )
        officer_code = await create_invite(
            tx, role="officer", officer_code="PK01", now=clock(), created_by="test"
        )
    await db.close()
    async with Runtime(config, clock=clock) as runtime:
        channel = runtime.channels["whatsapp"]
        assert isinstance(channel, WhatsAppChannel)
        base = f"http://127.0.0.1:{runtime.web_port}"
        async with httpx.AsyncClient(base_url=base) as http:
            assert (await http.get("/healthz")).status_code == 200
            check = {
                "hub.mode": "subscribe",
                "hub.verify_token": VERIFY_TOKEN,
                "hub.challenge": "42",
            }
            assert (await http.get("/whatsapp", params=check)).text == "42"
            officer = WaUser(http, f"{base}/whatsapp", graph, channel, OFFICER_PHONE)
            await officer.say(f"DAFTAR {officer_code.code}")
            user = WaUser(http, f"{base}/whatsapp", graph, channel, COORD_PHONE)
            await user.say(f"DAFTAR {coordinator.code}")
            assert "Selamat datang" in user.text
            await user.say("/insiden")
            await user.tap(world.names[world.klien_a[0]])
            await user.tap("Berat")
            await user.say("Klien tidak pulang dua hari dan tidak bisa dihubungi.")
            await user.tap("Kirim")
            # The router wrote the alert to the outbox and woke the sender: no sweep needed.
            alert = await wait_for_text(graph, OFFICER_PHONE, "tidak pulang dua hari")
            # The scheduler's start-up sweep batched the officer's reminders into one message.
            await wait_for_text(graph, OFFICER_PHONE, "Pengingat:")
            digests = [m for m in graph.messages_to(OFFICER_PHONE) if "Pengingat:" in text_of(m)]
    assert len(digests) == 1
    assert alert["type"] == "interactive"
    titles = [b["reply"]["title"] for b in alert["body"]["interactive"]["action"]["buttons"]]
    assert "Diterima" in titles
