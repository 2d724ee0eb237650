"""WhatsApp benchmark: webhook messages per second and latency through the whole path.

    python bench/bench_whatsapp.py [--users 20] [--reports 5]

Each user is a registered coordinator who files `--reports` complete /lapor reports
(8 messages each: command, klien button, category list row, outcome button, text,
date button, skip-photo button, send button), one message after the other, as real
people do; the users run concurrently. The bot runs in its own process (as in
production, where Meta and the users are elsewhere); the load and the fake Graph API
run in this one. For every message the clock runs from the signed POST to /whatsapp
(served by uvicorn on 127.0.0.1 through bot/web.py), through
signature verification, the router and its SQLite transaction (synchronous=FULL), to
the bot's reply arriving at the fake Graph API server. Pacing is off
(per_recipient_seconds = 0), so the figures measure the program, not Meta's limit.

Prints messages per second, the p50/p95/max of that full-path latency, and the p95 of
the webhook's own answer (the 200 Meta waits for).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import multiprocessing
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bot.channels.whatsapp import WhatsAppChannel  # noqa: E402
from bot.config import WhatsAppConfig  # noqa: E402
from bot.web import WebServer, build_web_app  # noqa: E402
from handlers.router import Router  # noqa: E402
from handlers.settings import Settings  # noqa: E402
from storage import Database  # noqa: E402
from storage.timeutil import ts  # noqa: E402
from tests.conftest import seed_world  # noqa: E402
from tests.fakes.graph_api import (  # noqa: E402
    DEFAULT_PHONE_NUMBER_ID,
    FakeGraphServer,
    SentMessage,
    build_button_reply,
    build_list_reply,
    build_text_message,
    post_webhook,
)
from tests.whatsapp_support import ACCESS_TOKEN, APP_SECRET, VERIFY_TOKEN, offered  # noqa: E402

NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
BODY = "Klien sudah mulai bekerja di bengkel las setiap hari, didampingi pengurus."


class Inbox(list[SentMessage]):
    """The fake's record of sent messages, also indexed by recipient with a wake-up event.

    (The fake's own wait_for_messages wakes every waiter on every message and rescans
    the whole list, which at 50 users costs more than the bot under test.)
    """

    def __init__(self) -> None:
        super().__init__()
        self.by_to: dict[str, list[SentMessage]] = defaultdict(list)
        self.arrived: dict[str, asyncio.Event] = defaultdict(asyncio.Event)

    def append(self, message: SentMessage) -> None:
        super().append(message)
        self.by_to[message["to"]].append(message)
        self.arrived[message["to"]].set()


class User:
    """One coordinator on WhatsApp, filing reports one message at a time."""

    _ids = itertools.count(1)

    def __init__(self, http: httpx.AsyncClient, url: str, inbox: Inbox, phone: str):
        self.http = http
        self.url = url
        self.inbox = inbox
        self.phone = phone
        self.latencies: list[float] = []
        self.acks: list[float] = []

    async def _post(self, payload: dict[str, object]) -> None:
        mine = self.inbox.by_to[self.phone]
        before = len(mine)
        start = time.monotonic()
        response = await post_webhook(self.http, self.url, payload, APP_SECRET)
        self.acks.append(time.monotonic() - start)
        if response.status_code != 200:
            raise RuntimeError(f"webhook answered {response.status_code}")
        arrived = self.inbox.arrived[self.phone]
        async with asyncio.timeout(30):
            while len(mine) == before:
                arrived.clear()
                await arrived.wait()
        # The fake stamps each message with time.monotonic() when it accepts it.
        self.latencies.append(mine[before]["timestamp"] - start)

    def last(self) -> SentMessage:
        return self.inbox.by_to[self.phone][-1]

    def _wamid(self) -> str:
        return f"wamid.bench{next(self._ids):010d}"

    async def say(self, text: str) -> None:
        await self._post(build_text_message(self.phone, text, wamid=self._wamid()))

    async def tap(self, label: str) -> None:
        last = self.last()
        [(option_id, title)] = [o for o in offered(last) if label in o[1]]
        kind = last["body"]["interactive"]["type"]
        build = build_button_reply if kind == "button" else build_list_reply
        await self._post(build(self.phone, option_id, title, wamid=self._wamid()))

    async def report(self, klien: str) -> None:
        await self.say("/lapor")
        await self.tap(klien)
        await self.tap("Pekerjaan")
        await self.tap("Dalam proses")
        await self.say(BODY)
        await self.tap("Hari ini")
        await self.tap("Lewati")
        await self.tap("Kirim")
        last = self.last()
        if "tersimpan" not in last["body"].get("text", {}).get("body", ""):
            raise RuntimeError("the report was not saved")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def seed(path: Path, users: int) -> tuple[list[str], str]:
    """Create the database: the seeded Bapas plus `users` coordinators linked on WhatsApp."""
    db = await Database.open(path)
    world = await seed_world(db, NOW)
    phones = [f"62812{n:07d}" for n in range(users)]
    async with db.transaction() as tx:
        for phone in phones:
            member = await tx.members.create(
                role="coordinator",
                name=f"Koordinator {phone[-4:]}",
                pokmas_id=world.pokmas_a,
                now=ts(NOW),
            )
            await tx.members.link(member, "whatsapp", phone, phone, ts(NOW))
    await db.close()
    return phones, world.names[world.klien_a[0]]


async def serve_bot(db_path: str, graph_base: str, conn: Connection) -> None:
    """The program under test: web server, WhatsApp channel, router, database."""
    db = await Database.open(db_path)
    router = Router(db, Settings(bapas_name="Bapas Kelas II Purwokerto"), lambda: NOW)
    config = wa_config_for(graph_base)
    channel = WhatsAppChannel(config, db=db)
    web = WebServer(build_web_app(db, channel.routes()), "127.0.0.1", 0)
    await web.start()
    await channel.start(router.handle)
    conn.send(web.port)
    await asyncio.get_running_loop().run_in_executor(None, conn.recv)  # wait for "stop"
    await channel.stop()
    await channel.close()
    await web.stop()
    await db.close()


def bot_process(db_path: str, graph_base: str, conn: Connection) -> None:
    """Run the bot in its own process (its own core), as in production."""
    asyncio.run(serve_bot(db_path, graph_base, conn))


def wa_config_for(graph_base: str) -> WhatsAppConfig:
    return WhatsAppConfig(
        enabled=True,
        phone_number_id=DEFAULT_PHONE_NUMBER_ID,
        access_token=ACCESS_TOKEN,
        app_secret=APP_SECRET,
        verify_token=VERIFY_TOKEN,
        graph_api_base_url=f"{graph_base}/v21.0",
        per_recipient_seconds=0.0,  # pacing off: measure the program, not Meta's limit
    )


async def run(users: int, reports: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "bench.db"
        phones, klien = await seed(db_path, users)
        async with FakeGraphServer(access_token=ACCESS_TOKEN) as graph:
            inbox = graph.messages = Inbox()
            ctx = multiprocessing.get_context("spawn")
            ours, theirs = ctx.Pipe()
            child = ctx.Process(target=bot_process, args=(str(db_path), graph.base_url, theirs))
            child.start()
            try:
                port = await asyncio.get_running_loop().run_in_executor(None, ours.recv)
                limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
                async with httpx.AsyncClient(limits=limits, timeout=30) as http:
                    url = f"http://127.0.0.1:{port}/whatsapp"
                    people = [User(http, url, inbox, phone) for phone in phones]
                    start = time.perf_counter()

                    async def file_reports(user: User) -> None:
                        for _ in range(reports):
                            await user.report(klien)

                    await asyncio.gather(*(file_reports(u) for u in people))
                    elapsed = time.perf_counter() - start
            finally:
                ours.send("stop")
                await asyncio.get_running_loop().run_in_executor(None, child.join, 30)
        db = await Database.open(db_path)
        async with db.read() as tx:
            saved = int(await tx.reports._scalar("SELECT count(*) FROM reports"))
        await db.close()
    latencies = [x for u in people for x in u.latencies]
    acks = [x for u in people for x in u.acks]
    print(f"users {users}, reports {saved} ({reports} each), webhook messages {len(latencies)}")
    print(f"throughput: {len(latencies) / elapsed:,.0f} messages/s ({elapsed:.1f} s)")
    print(
        "full path (signed POST -> reply at the Graph API): "
        f"p50 {statistics.median(latencies) * 1000:.1f} ms, "
        f"p95 {pct(latencies, 0.95) * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms"
    )
    print(
        f"webhook answer (200): p50 {statistics.median(acks) * 1000:.1f} ms, "
        f"p95 {pct(acks, 0.95) * 1000:.1f} ms"
    )
    if saved != users * reports:
        raise SystemExit(f"expected {users * reports} reports, found {saved}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=20, help="concurrent WhatsApp users")
    parser.add_argument("--reports", type=int, default=5, help="reports filed by each user")
    args = parser.parse_args()
    asyncio.run(run(args.users, args.reports))


if __name__ == "__main__":
    main()
