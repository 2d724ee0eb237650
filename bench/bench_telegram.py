"""Benchmark: N simulated coordinators through complete /lapor conversations over Telegram.

Compares, in one run and against the same fake Bot API server (tests/fakes/telegram_api.py):

  (a) this bot: `pokmas-bot run` (Runtime, Telegram channel, router, SQLite with one
      `synchronous=FULL` transaction per update, sender, scheduler, web server);
  (b) a minimal python-telegram-bot echo bot (defaults, run_polling);
  (c) a plain PTB ConversationHandler bot with PicklePersistence running a similar
      seven-prompt /lapor flow (defaults, run_polling; state in memory, pickled every
      60 s and at exit: not durable per update).

Each bot runs in its own subprocess, so its CPU time (user+sys from /proc/<pid>/stat,
all threads) is attributable; the fake server and the simulated users share this
process. Every bot runs twice: with AIORateLimiter (Telegram's ~30 messages/s) and
without (our `telegram.rate_limiter = false`). A coordinator sends one update, waits for
the bot's answer, then sends the next: 8 updates per conversation (/lapor, 3 taps, a
text, 3 taps).

    .venv/bin/python bench/bench_telegram.py                 # 50 coordinators, both modes
    .venv/bin/python bench/bench_telegram.py --limiter off --bots a,c -n 50 -k 4
    .venv/bin/python bench/bench_telegram.py --profile       # cProfile of (a), limiter off

Internal modes (used for the subprocesses): `--serve echo|conv ...`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PTB_TIMEDELTA", "true")

TOKEN = "123:BENCH"
BODY = "Mulai bekerja di bengkel las setiap hari, datang tepat waktu."
SCRIPT = ("/lapor", "tap", "tap", "tap", BODY, "tap", "tap", "tap")
FIRST_USER = 700_000
TICK = os.sysconf("SC_CLK_TCK")


# ====================================================================== bots (b) and (c)


def serve_echo(base_url: str, limiter: bool) -> None:
    """(b) A minimal PTB echo bot: echo texts, answer taps and echo their data."""
    from telegram import Update
    from telegram.ext import (
        AIORateLimiter,
        Application,
        CallbackQueryHandler,
        ContextTypes,
        MessageHandler,
        filters,
    )

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        await update.message.reply_text(update.message.text)

    async def tap(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        await query.answer()
        await context.bot.send_message(query.message.chat.id, query.data or "?")

    builder = Application.builder().token(TOKEN).base_url(base_url)
    builder = builder.base_file_url(base_url.removesuffix("bot") + "file/bot")
    if limiter:
        builder = builder.rate_limiter(AIORateLimiter())
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.add_handler(CallbackQueryHandler(tap))
    app.run_polling()


CATEGORIES = ("Pekerjaan", "Pelatihan", "Dokumen", "Mediasi keluarga", "Bimbingan", "Lainnya")
OUTCOMES = ("Selesai", "Dalam proses", "Butuh bantuan PK")


def serve_conv(base_url: str, limiter: bool, state: str, klien_file: str) -> None:
    """(c) A plain ConversationHandler /lapor with PicklePersistence, as most would write it."""
    import warnings

    from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
    from telegram.ext import (
        AIORateLimiter,
        Application,
        CallbackQueryHandler,
        CommandHandler,
        ContextTypes,
        ConversationHandler,
        MessageHandler,
        PicklePersistence,
        filters,
    )
    from telegram.warnings import PTBUserWarning

    warnings.filterwarnings("ignore", category=PTBUserWarning)
    klien: dict[str, list[list[Any]]] = json.loads(Path(klien_file).read_text())
    KLIEN, CATEGORY, OUTCOME, BODY_, DATE, PHOTO, CONFIRM = range(7)

    def kb(options: list[tuple[str, str]]) -> InlineKeyboardMarkup:
        rows = [[InlineKeyboardButton(text, callback_data=data)] for data, text in options]
        return InlineKeyboardMarkup(rows)

    async def lapor(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        assert update.message is not None and update.effective_user is not None
        mine = klien.get(str(update.effective_user.id), [])
        await update.message.reply_text(
            "Pilih klien:", reply_markup=kb([(f"k:{i}", name) for i, name in mine])
        )
        return KLIEN

    async def answered(update: Update) -> tuple[Any, str]:
        query = update.callback_query
        assert query is not None and query.message is not None
        await query.answer()
        return query.message, query.data or ""

    async def on_klien(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        message, data = await answered(update)
        context.user_data["draft"] = {"klien": data}  # type: ignore[index]
        await message.reply_text(
            "Tentang apa?", reply_markup=kb([(f"c:{c}", c) for c in CATEGORIES])
        )
        return CATEGORY

    async def on_category(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        message, data = await answered(update)
        context.user_data["draft"]["category"] = data  # type: ignore[index]
        await message.reply_text(
            "Bagaimana hasilnya?", reply_markup=kb([(f"o:{o}", o) for o in OUTCOMES])
        )
        return OUTCOME

    async def on_outcome(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        message, data = await answered(update)
        context.user_data["draft"]["outcome"] = data  # type: ignore[index]
        await message.reply_text("Ceritakan apa yang terjadi (10-2000 huruf).")
        return BODY_

    async def on_body(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        assert update.message is not None
        text = (update.message.text or "").strip()
        if not 10 <= len(text) <= 2000:
            await update.message.reply_text("Terlalu pendek atau panjang; coba lagi.")
            return BODY_
        context.user_data["draft"]["body"] = text  # type: ignore[index]
        today = datetime.now(UTC).date()
        await update.message.reply_text(
            "Kapan terjadinya?",
            reply_markup=kb(
                [(f"d:{today}", "Hari ini"), (f"d:{today - timedelta(days=1)}", "Kemarin")]
            ),
        )
        return DATE

    async def on_date(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        message, data = await answered(update)
        context.user_data["draft"]["date"] = data  # type: ignore[index]
        await message.reply_text("Kirim foto, atau Lewati.", reply_markup=kb([("skip", "Lewati")]))
        return PHOTO

    async def on_photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        message, _ = await answered(update)
        draft = context.user_data["draft"]  # type: ignore[index]
        summary = "\n".join(f"{k}: {v}" for k, v in draft.items())
        await message.reply_text(
            f"Periksa sebelum dikirim:\n\n{summary}",
            reply_markup=kb([("send", "Kirim"), ("cancel", "Batal")]),
        )
        return CONFIRM

    async def on_confirm(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        message, data = await answered(update)
        draft = context.user_data.pop("draft", {})  # type: ignore[union-attr]
        if data == "send":
            reports = context.bot_data.setdefault("reports", [])
            reports.append(draft)
            await message.reply_text(f"Laporan tersimpan (no. {len(reports)}). Terima kasih!")
        else:
            await message.reply_text("Dibatalkan.")
        return ConversationHandler.END

    async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        assert update.message is not None
        await update.message.reply_text("Dibatalkan.")
        return ConversationHandler.END

    builder = Application.builder().token(TOKEN).base_url(base_url)
    builder = builder.base_file_url(base_url.removesuffix("bot") + "file/bot")
    builder = builder.persistence(PicklePersistence(state))
    if limiter:
        builder = builder.rate_limiter(AIORateLimiter())
    app = builder.build()
    app.add_handler(
        ConversationHandler(
            entry_points=[CommandHandler("lapor", lapor)],
            states={
                KLIEN: [CallbackQueryHandler(on_klien)],
                CATEGORY: [CallbackQueryHandler(on_category)],
                OUTCOME: [CallbackQueryHandler(on_outcome)],
                BODY_: [MessageHandler(filters.TEXT & ~filters.COMMAND, on_body)],
                DATE: [CallbackQueryHandler(on_date)],
                PHOTO: [CallbackQueryHandler(on_photo)],
                CONFIRM: [CallbackQueryHandler(on_confirm)],
            },
            fallbacks=[CommandHandler("batal", cancel)],
            name="lapor",
            persistent=True,
        )
    )
    app.run_polling()


# ====================================================================== preparing the bots


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def seed_ours(path: Path, users: list[int]) -> None:
    """Seed our database: one Pokmas per coordinator with two klien, linked to Telegram."""
    from storage import Database
    from storage.klien import KlienIn
    from storage.pokmas import PokmasIn
    from storage.timeutil import ts

    now = datetime.now(UTC)
    stamp = ts(now)
    start = (now - timedelta(days=3)).date().isoformat()  # recent: no reminder is due
    end = (now + timedelta(days=300)).date().isoformat()
    db = await Database.open(path)
    try:
        async with db.transaction() as tx:
            await tx.members.upsert_officer("PK01", "Petugas Bench", None, stamp)
            officer = (await tx.members.officer_codes())["PK01"]
            for n, user in enumerate(users):
                code = f"B{n:04d}"
                await tx.pokmas.upsert(PokmasIn(code, f"Pokmas {n}", "jasa", "Banyumas"), stamp)
                pokmas = (await tx.pokmas.codes())[code]
                member = await tx.members.create(
                    role="coordinator", name=f"Koordinator {n}", pokmas_id=pokmas, now=stamp
                )
                await tx.members.link(member, "telegram", str(user), str(user), stamp)
                for k in range(2):
                    item = KlienIn(
                        f"BEN-{n:04d}-{k}", f"Klien {n}-{k}", "PB", start, end, officer, pokmas
                    )
                    await tx.klien.upsert(item, stamp, changed_by="bench")
    finally:
        await db.close()


def conv_klien(users: list[int]) -> dict[str, list[list[Any]]]:
    return {str(u): [[n * 2 + k, f"Klien {n}-{k}"] for k in range(2)] for n, u in enumerate(users)}


@dataclass
class BotProcess:
    proc: asyncio.subprocess.Process
    label: str

    def cpu_seconds(self) -> float:
        """User+sys CPU of the bot process, all threads, from /proc."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK

    def other_threads_cpu(self) -> float:
        """User+sys CPU of every thread but the main one (for us: the aiosqlite worker)."""
        total = 0
        for task in Path(f"/proc/{self.proc.pid}/task").iterdir():
            if task.name == str(self.proc.pid):
                continue
            with contextlib.suppress(FileNotFoundError):
                fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
        return total / TICK

    async def stop(self) -> int:
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), 30)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        return self.proc.returncode or 0


async def start_bot(
    kind: str, base_url: str, limiter: bool, work: Path, users: list[int], profile: Path | None
) -> BotProcess:
    """Prepare state and start one bot as a subprocess."""
    env = {**os.environ, "PTB_TIMEDELTA": "true", "PYTHONPATH": str(ROOT)}
    env.pop("POKMAS_CONFIG", None)
    if kind == "a":
        db_path = work / "ours.db"
        await seed_ours(db_path, users)
        config = work / "config.toml"
        config.write_text(
            f'[database]\npath = "{db_path}"\n'
            f'[telegram]\napi_base_url = "{base_url}"\n'
            f"rate_limiter = {'true' if limiter else 'false'}\n"
            f'[server]\nhost = "127.0.0.1"\nport = {free_port()}\n'
        )
        env["POKMAS_TELEGRAM_TOKEN"] = TOKEN
        head = [sys.executable]
        if profile is not None:
            head += ["-m", "cProfile", "-o", str(profile)]
        argv = [*head, "-m", "bot.cli", "--config", str(config), "run"]
    elif kind == "b":
        argv = [sys.executable, __file__, "--serve", "echo", "--base-url", base_url]
        argv += ["--with-limiter"] if limiter else []
    else:
        klien_file = work / "klien.json"
        klien_file.write_text(json.dumps(conv_klien(users)))
        argv = [sys.executable, __file__, "--serve", "conv", "--base-url", base_url]
        argv += ["--state", str(work / "conv.pickle"), "--klien", str(klien_file)]
        argv += ["--with-limiter"] if limiter else []
    with (work / f"bot-{kind}.log").open("wb") as log:
        proc = await asyncio.create_subprocess_exec(
            *argv, env=env, cwd=str(work), stdout=asyncio.subprocess.DEVNULL, stderr=log
        )
    return BotProcess(proc, kind)


# ====================================================================== simulated users


@dataclass
class Result:
    bot: str
    limiter: bool
    updates: int = 0
    messages: int = 0
    seconds: float = 0.0
    cpu: float = 0.0
    driver_cpu: float = 0.0
    thread_cpu: float = 0.0  # of `cpu`, spent outside the main thread
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    p50: float = 0.0
    p95: float = 0.0
    runs: int = 1

    @property
    def per_second(self) -> float:
        return self.updates / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms(self) -> float:
        return 1000 * self.cpu / self.updates if self.updates else 0.0

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


class Driver:
    """Simulated users: push an update, wait for the bot's next message to that chat."""

    def __init__(self, srv: Any) -> None:
        self.srv = srv
        self.waiting: dict[int, asyncio.Future[Any]] = {}
        self.keyboards: dict[int, tuple[int, list[str]]] = {}
        self.last_message: dict[int, int] = {}
        srv.listeners.append(self.on_call)

    def on_call(self, call: Any) -> None:
        if call.method != "sendMessage" or call.status != 200:
            return
        chat = int(call.params["chat_id"])
        message_id = int(call.result["message_id"])
        self.last_message[chat] = message_id
        markup = call.params.get("reply_markup")
        if isinstance(markup, dict) and markup.get("inline_keyboard"):
            data = [b["callback_data"] for row in markup["inline_keyboard"] for b in row]
            self.keyboards[chat] = (message_id, data)
        waiter = self.waiting.pop(chat, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(call)

    async def step(self, user: int, what: str) -> float:
        """Send one update (text, or a tap on the first button shown); return the latency."""
        loop = asyncio.get_running_loop()
        reply: asyncio.Future[Any] = loop.create_future()
        self.waiting[user] = reply
        started = time.perf_counter()
        if what == "tap":
            message_id, data = self.keyboards.pop(user, (self.last_message.get(user, 0), ["tap"]))
            self.srv.push_callback(user, data[0], message_id)
        else:
            self.srv.push_message(user, what)
        await asyncio.wait_for(reply, 60)
        return time.perf_counter() - started

    async def conversations(self, user: int, count: int, sink: list[float]) -> None:
        for _ in range(count):
            for what in SCRIPT:
                sink.append(await self.step(user, what))


async def run_one(
    kind: str,
    limiter: bool,
    users: list[int],
    conversations: int,
    warmup: int,
    profile: Path | None = None,
) -> Result:
    """Start one bot against a fresh fake server, warm it up, measure the workload."""
    from tests.fakes.telegram_api import FakeTelegramServer

    result = Result(kind, limiter)
    (ROOT / "bench" / "out").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"tg-{kind}-", dir=ROOT / "bench" / "out") as tmp:
        work = Path(tmp)
        async with FakeTelegramServer(token=TOKEN) as srv:
            driver = Driver(srv)
            bot = await start_bot(kind, srv.base_url, limiter, work, users, profile)
            try:
                await srv.wait_for_call("getUpdates", timeout=60)
                warm: list[float] = []
                await asyncio.gather(*(driver.conversations(u, 1, warm) for u in users[:warmup]))
                sent_before = len(srv.calls_of("sendMessage"))
                threads0 = bot.other_threads_cpu()
                cpu0, own0, t0 = bot.cpu_seconds(), time.process_time(), time.perf_counter()
                await asyncio.gather(
                    *(driver.conversations(u, conversations, result.latencies) for u in users)
                )
                result.seconds = time.perf_counter() - t0
                result.cpu = bot.cpu_seconds() - cpu0
                result.thread_cpu = bot.other_threads_cpu() - threads0
                result.driver_cpu = time.process_time() - own0
                result.updates = len(result.latencies)
                result.messages = len(srv.calls_of("sendMessage")) - sent_before
                result.errors = sum(1 for c in srv.calls if c.status and c.status >= 400)
            finally:
                code = await bot.stop()
            if code not in (0, -signal.SIGTERM):
                log = (work / f"bot-{kind}.log").read_text()[-2000:]
                raise RuntimeError(f"bot {kind} exited with {code}:\n{log}")
            if kind == "a":
                result_check = await count_reports(work / "ours.db")
                expected = (warmup + len(users) * conversations) if warmup else None
                if expected is not None and result_check != expected:
                    raise RuntimeError(f"(a) stored {result_check} reports, expected {expected}")
    return result


async def count_reports(path: Path) -> int:
    from storage import Database

    db = await Database.open(path)
    try:
        async with db.read() as tx:
            return int(await tx.reports._scalar("SELECT count(*) FROM reports"))
    finally:
        await db.close()


# ====================================================================== report


NAMES = {"a": "(a) pokmas-bot", "b": "(b) PTB echo", "c": "(c) PTB ConversationHandler+Pickle"}


def median_of(runs: list[Result]) -> Result:
    """Combine repeated runs of one bot and mode: the median of each figure."""
    first = runs[0]
    out = Result(first.bot, first.limiter)
    out.updates = first.updates
    pick = statistics.median
    out.seconds = first.updates / pick(r.per_second for r in runs)
    out.messages = round(pick(r.messages / r.seconds for r in runs) * out.seconds)
    out.cpu = pick(r.cpu_ms for r in runs) * out.updates / 1000
    out.driver_cpu = pick(r.driver_cpu / r.seconds for r in runs) * out.seconds
    out.thread_cpu = pick(r.thread_cpu / r.updates for r in runs) * out.updates
    out.p50 = pick(r.pct(0.5) for r in runs)
    out.p95 = pick(r.pct(0.95) for r in runs)
    out.runs = len(runs)
    return out


def table(results: list[Result]) -> str:
    lines = [
        "| bot | limiter | runs | updates/run | updates/s | messages/s | p50 ms | p95 ms "
        "| CPU ms/update | of which not main thread | fake+driver CPU % |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {NAMES[r.bot]} | {'on' if r.limiter else 'off'} | {r.runs} | {r.updates} "
            f"| {r.per_second:.0f} | {r.messages / r.seconds:.1f} | {r.p50:.1f} "
            f"| {r.p95:.1f} | {r.cpu_ms:.2f} | {1000 * r.thread_cpu / r.updates:.2f} "
            f"| {100 * r.driver_cpu / r.seconds:.0f} |"
        )
    return "\n".join(lines)


def ratios(results: list[Result]) -> str:
    lines = []
    for limiter in (True, False):
        mine = next((r for r in results if r.bot == "a" and r.limiter == limiter), None)
        conv = next((r for r in results if r.bot == "c" and r.limiter == limiter), None)
        if mine is None or conv is None:
            continue
        speed = mine.per_second / conv.per_second
        cpu = mine.cpu_ms / conv.cpu_ms
        label = "on" if limiter else "off"
        line = f"limiter {label}: a/c updates/s = {speed:.2f}, a/c CPU per update = {cpu:.2f}"
        if not limiter:
            ok_speed = "met" if speed >= 0.8 else "MISSED"
            ok_cpu = "met" if cpu <= 1.25 else "MISSED"
            line += f"  (targets: >= 0.80 {ok_speed}; <= 1.25 {ok_cpu})"
        lines.append(line)
    return "\n".join(lines)


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


async def orchestrate(args: argparse.Namespace) -> None:
    users = [FIRST_USER + i for i in range(args.coordinators)]
    modes = {"both": (True, False), "on": (True,), "off": (False,)}[args.limiter]
    kinds = args.bots.split(",")
    print(f"{args.coordinators} coordinators; load average before: {load()}", flush=True)
    results: list[Result] = []
    for limiter in modes:
        conversations = args.conversations_limited if limiter else args.conversations
        repeat = args.repeat_limited if limiter else args.repeat
        runs: dict[str, list[Result]] = {kind: [] for kind in kinds}
        for _ in range(repeat):  # interleaved, so drifting background load hits every bot
            for kind in kinds:
                r = await run_one(kind, limiter, users, conversations, args.warmup)
                runs[kind].append(r)
                print(
                    f"{NAMES[kind]:36} limiter {'on ' if limiter else 'off'}: "
                    f"{r.per_second:7.1f} updates/s, {r.messages / r.seconds:6.1f} msg/s, "
                    f"p50 {r.pct(0.5):6.1f} ms, p95 {r.pct(0.95):6.1f} ms, "
                    f"CPU {r.cpu_ms:5.2f} ms/update "
                    f"({1000 * r.thread_cpu / r.updates:.2f} outside the main thread)",
                    flush=True,
                )
        results.extend(median_of(runs[kind]) for kind in kinds)
    print(f"load average after: {load()}")
    print()
    print(table(results))
    print()
    print(ratios(results))


async def profile_ours(args: argparse.Namespace) -> None:
    import pstats

    users = [FIRST_USER + i for i in range(args.coordinators)]
    out = ROOT / "bench" / "out" / "telegram_a.prof"
    out.parent.mkdir(exist_ok=True)
    r = await run_one("a", False, users, args.conversations, args.warmup, profile=out)
    print(f"(a) under cProfile: {r.per_second:.0f} updates/s, CPU {r.cpu_ms:.2f} ms/update")
    stats = pstats.Stats(str(out))
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--coordinators", type=int, default=50)
    parser.add_argument(
        "-k", "--conversations", type=int, default=3, help="per coordinator, limiter off"
    )
    parser.add_argument(
        "--conversations-limited", type=int, default=1, help="per coordinator, limiter on"
    )
    parser.add_argument("--warmup", type=int, default=5, help="coordinators warming up first")
    parser.add_argument("--repeat", type=int, default=3, help="runs per bot, limiter off")
    parser.add_argument("--repeat-limited", type=int, default=1, help="runs per bot, limiter on")
    parser.add_argument("--limiter", choices=("both", "on", "off"), default="both")
    parser.add_argument("--bots", default="a,b,c")
    parser.add_argument("--profile", action="store_true", help="cProfile (a), limiter off")
    parser.add_argument("--serve", choices=("echo", "conv"), help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--with-limiter", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--state", help=argparse.SUPPRESS)
    parser.add_argument("--klien", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve == "echo":
        serve_echo(args.base_url, args.with_limiter)
    elif args.serve == "conv":
        serve_conv(args.base_url, args.with_limiter, args.state, args.klien)
    elif args.profile:
        asyncio.run(profile_ours(args))
    else:
        asyncio.run(orchestrate(args))


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
