"""The whole program through Telegram: the real PTB Application against the fake Bot API.

Each test runs `Runtime` (storage, router, Telegram channel, sender, scheduler, web server)
on a database file, with the fake Bot API server on 127.0.0.1 and the test clock.
Updates arrive by getUpdates (polling) or are POSTed to our web server (webhook).
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.admin import cmd_members
from bot.app import Runtime
from bot.cli import main as cli_main
from bot.config import Config, ServerConfig, parse_config
from bot.web import build_web_app
from handlers.invites import create_invite
from storage import Database
from storage.klien import KlienIn
from storage.pokmas import PokmasIn
from storage.timeutil import ts
from tests.conftest import T0, Clock
from tests.fakes.telegram_api import Call, FakeTelegramServer

TOKEN = "123:ABC"
SECRET = "s3cret-webhook_token"
SENT = ("sendmessage", "senddocument", "sendphoto")


@pytest.fixture
async def srv() -> AsyncIterator[FakeTelegramServer]:
    """A running fake Bot API server."""
    async with FakeTelegramServer(token=TOKEN) as server:
        yield server


def make_config(tmp_path: Path, srv: FakeTelegramServer, **telegram: Any) -> Config:
    """Return a validated config for the fake server, the web server on a free port."""
    data = {
        "database": {"path": str(tmp_path / "bot.db")},
        "telegram": {"token": TOKEN, "api_base_url": srv.base_url, **telegram},
    }
    config = parse_config(data, env={})
    return dataclasses.replace(config, server=ServerConfig(host="127.0.0.1", port=0))


@dataclasses.dataclass
class Seeded:
    klien: list[str]  # names of the klien placed with Pokmas PWT01, supervised by PK01
    codes: dict[str, str]  # role -> invite code


async def seed(config: Config) -> Seeded:
    """Seed one Pokmas, one officer and two klien placed two days ago, plus invites.

    Deliberately small and fresh: no reminder rule is due for the coordinator, so the
    sender (which runs in these tests) sends them nothing but replies.
    """
    stamp = ts(T0)
    start = (T0 - timedelta(days=2)).date().isoformat()
    end = (T0 + timedelta(days=300)).date().isoformat()
    names = ["Budi Santoso", "Joko Widodo"]
    db = await Database.open(config.database.path)
    try:
        async with db.transaction() as tx:
            await tx.pokmas.upsert(
                PokmasIn("PWT01", "Pesantren Al-Hidayah", "pesantren", "Banyumas"), stamp
            )
            pokmas = (await tx.pokmas.codes())["PWT01"]
            await tx.members.upsert_officer("PK01", "Siti Rahayu", None, stamp)
            officer = (await tx.members.officer_codes())["PK01"]
            for n, name in enumerate(names, start=1):
                item = KlienIn(f"PB-{n:04d}/2026", name, "PB", start, end, officer, pokmas)
                await tx.klien.upsert(item, stamp, changed_by="test")
            coord = await create_invite(
                tx, role="coordinator", now=T0, created_by="test", pokmas_code="PWT01"
            )
            pk = await create_invite(
                tx, role="officer", now=T0, created_by="test", officer_code="PK01"
            )
    finally:
        await db.close()
    return Seeded(names, {"coordinator": coord.code, "officer": pk.code})


async def count(config: Config, sql: str) -> int:
    """Run a count query on the config's database (opened just for it)."""
    db = await Database.open(config.database.path)
    try:
        async with db.read() as tx:
            return int(await tx.reports._scalar(sql))
    finally:
        await db.close()


class TgUser:
    """One Telegram user talking to the bot through the fake server."""

    def __init__(
        self, srv: FakeTelegramServer, user_id: int, via: Callable[..., Any] | None = None
    ):
        self.srv = srv
        self.id = user_id
        self.seen = 0  # number of calls already looked at
        self.via = via  # webhook poster; None: the update waits for getUpdates
        self.last_update: int | None = None

    def _sent_to_me(self, call: Call) -> bool:
        return call.method.lower() in SENT and str(call.params.get("chat_id")) == str(self.id)

    async def _deliver(self, update_id: int) -> None:
        self.last_update = update_id
        if self.via is not None:
            await self.via(self.srv.state.history[update_id])

    async def say(self, text: str) -> None:
        """Send a text message."""
        await self._deliver(self.srv.push_message(self.id, text))

    async def photo(self, file_id: str) -> None:
        """Send a photo."""
        await self._deliver(self.srv.push_photo(self.id, file_id))

    async def expect(self, needle: str, timeout: float = 5.0) -> Call:  # noqa: ASYNC109
        """Wait for a message to me, after those already seen, containing `needle`."""
        start = self.seen

        def match(call: Call) -> bool:
            index = self.srv.calls.index(call)
            return (
                index >= start
                and self._sent_to_me(call)
                and call.status == 200
                and needle in str(call.params.get("text") or call.params.get("caption") or "")
            )

        found = await self.srv.wait_for(match, timeout=timeout)
        self.seen = self.srv.calls.index(found[0]) + 1
        return found[0]

    def keyboard_message(self) -> Call:
        """Return the latest message to me (seen so far) that carries an inline keyboard."""
        for call in reversed(self.srv.calls[: self.seen]):
            if self._sent_to_me(call) and call.params.get("reply_markup") and call.status == 200:
                return call
        raise AssertionError("no keyboard sent to this user yet")

    def buttons(self) -> list[dict[str, str]]:
        """Return the buttons of the latest keyboard."""
        markup = self.keyboard_message().params["reply_markup"]
        return [b for row in markup["inline_keyboard"] for b in row]

    async def tap(self, label_part: str, *, message: Call | None = None) -> None:
        """Tap the button whose label contains `label_part` on the latest keyboard."""
        message = message or self.keyboard_message()
        buttons = [b for row in message.params["reply_markup"]["inline_keyboard"] for b in row]
        for button in buttons:
            if label_part.casefold() in button["text"].casefold():
                data = button["callback_data"]
                assert len(data.encode()) <= 64
                message_id = message.result["message_id"]
                await self._deliver(self.srv.push_callback(self.id, data, message_id))
                return
        raise AssertionError(f"no button like {label_part!r}: {[b['text'] for b in buttons]}")


COORD, OFFICER = 5001, 6001


async def register(user: TgUser, code: str) -> None:
    await user.say(f"/start {code}")
    await user.expect("Selamat datang")
    await user.expect("Apa yang ingin Anda lakukan?")


async def lapor_until_outcome(user: TgUser, klien_name: str) -> None:
    await user.say("/lapor")
    await user.expect("Pilih klien")
    await user.tap(klien_name)
    await user.expect("Tentang apa?")
    await user.tap("Pekerjaan")
    await user.expect("Bagaimana hasilnya?")


async def lapor_from_outcome(user: TgUser, outcome: str = "Selesai") -> Call:
    await user.tap(outcome)
    await user.expect("Ceritakan apa yang terjadi")
    await user.say("Mulai bekerja di bengkel las setiap hari.")
    await user.expect("Kapan terjadinya?")
    await user.tap("Hari ini")
    await user.expect("Kirim foto kegiatan")
    await user.tap("Lewati")
    await user.expect("Periksa sebelum dikirim")
    await user.tap("Kirim")
    return await user.expect("tersimpan")


# ---------------------------------------------------------------------- polling


async def test_register_and_lapor_by_polling(
    tmp_path: Path, srv: FakeTelegramServer, clock: Clock
) -> None:
    config = make_config(tmp_path, srv)
    seeded = await seed(config)
    klien = seeded.klien[0]
    async with Runtime(config, clock=clock) as runtime:
        assert runtime.router is not None
        assert runtime.router.settings.bot_username == "pokmas_test_bot"  # learned from getMe
        user = TgUser(srv, COORD)
        await register(user, seeded.codes["coordinator"])
        await lapor_until_outcome(user, klien)
        await lapor_from_outcome(user)
        # the member's own "/" menu, scoped to their chat, lists /lapor ...
        calls = await srv.wait_for_call(
            "setMyCommands", lambda c: (c.params.get("scope") or {}).get("type") == "chat"
        )
        # ... and follows their language
        await user.say("/bahasa en")
        await user.expect("Language switched to English.")
        calls = await srv.wait_for_call(
            "setMyCommands",
            lambda c: (c.params.get("scope") or {}).get("type") == "chat",
            count=2,
        )
    assert calls[0].params["scope"] == {"type": "chat", "chat_id": COORD}
    menu_id, menu_en = (
        {c["command"]: c["description"] for c in x.params["commands"]} for x in calls
    )
    assert menu_id["lapor"] == "laporan perkembangan klien"
    assert menu_en["lapor"] == "progress report on a klien"
    assert await count(config, "SELECT count(*) FROM reports WHERE channel = 'telegram'") == 1
    # every tap was answered (5 taps after /lapor: klien, category, outcome, date, skip, send)
    taps = len(srv.calls_of("answerCallbackQuery"))
    assert taps == 6
    # a default command list for strangers, Indonesian and English
    defaults = [c for c in srv.calls_of("setMyCommands") if not c.params.get("scope")]
    assert {c.params.get("language_code") for c in defaults} == {None, "en"}
    # polling never dropped pending updates
    assert not any(c.params.get("drop_pending_updates") for c in srv.calls)


async def test_restart_in_the_middle_of_a_flow_resumes_it(
    tmp_path: Path, srv: FakeTelegramServer, clock: Clock
) -> None:
    config = make_config(tmp_path, srv)
    seeded = await seed(config)
    klien = seeded.klien[1]
    user = TgUser(srv, COORD)
    async with Runtime(config, clock=clock):
        await register(user, seeded.codes["coordinator"])
        await lapor_until_outcome(user, klien)
    # A new process on the same database file: the keyboard sent before still works.
    async with Runtime(config, clock=clock):
        await lapor_from_outcome(user)
    assert await count(config, "SELECT count(*) FROM reports") == 1


async def test_same_update_twice_creates_one_report(
    tmp_path: Path, srv: FakeTelegramServer, clock: Clock
) -> None:
    config = make_config(tmp_path, srv)
    seeded = await seed(config)
    klien = seeded.klien[0]
    user = TgUser(srv, COORD)
    async with Runtime(config, clock=clock):
        await register(user, seeded.codes["coordinator"])
        await lapor_until_outcome(user, klien)
        await lapor_from_outcome(user)
    send_tap = user.last_update
    assert send_tap is not None
    # Telegram delivers the "Kirim" tap again (e.g. it was handled but not confirmed).
    srv.push_duplicate(send_tap)
    before = len(srv.calls_of("sendMessage"))
    async with Runtime(config, clock=clock):
        await srv.wait_for_call(
            "getUpdates", lambda c: c.params.get("offset") == send_tap + 1, timeout=5
        )
    assert await count(config, "SELECT count(*) FROM reports") == 1
    assert len(srv.calls_of("sendMessage")) == before  # a repeat gets no second answer


async def test_a_429_is_waited_out_and_the_message_arrives(
    tmp_path: Path, srv: FakeTelegramServer, clock: Clock
) -> None:
    config = make_config(tmp_path, srv, rate_limiter=True)
    await seed(config)
    user = TgUser(srv, COORD)
    async with Runtime(config, clock=clock):
        srv.fail_next("sendMessage", status=429, retry_after=1)
        started = time.monotonic()
        await user.say("halo")
        call = await user.expect("Bot ini untuk Pokmas Lipas")
        waited = time.monotonic() - started
    refused = [c for c in srv.calls_of("sendMessage") if c.status == 429]
    assert len(refused) == 1
    assert refused[0].params["text"] == call.params["text"]  # the same message, sent again
    assert waited >= 1.0


async def test_without_rate_limiter_a_429_is_waited_out_too(
    tmp_path: Path, srv: FakeTelegramServer, clock: Clock
) -> None:
    config = make_config(tmp_path, srv, rate_limiter=False)
    await seed(config)
    user = TgUser(srv, COORD)
    async with Runtime(config, clock=clock):
        srv.fail_next("sendMessage", status=429, retry_after=1)
        await user.say("halo")
        await user.expect("Bot ini untuk Pokmas Lipas")
    assert [c.status for c in srv.calls_of("sendMessage")] == [429, 200]


async def test_help_needed_alert_reaches_the_officer(
    tmp_path: Path, srv: FakeTelegramServer, clock: Clock
) -> None:
    config = make_config(tmp_path, srv)
    seeded = await seed(config)
    klien = seeded.klien[0]
    coordinator, officer = TgUser(srv, COORD), TgUser(srv, OFFICER)
    async with Runtime(config, clock=clock):
        await register(officer, seeded.codes["officer"])
        await register(coordinator, seeded.codes["coordinator"])
        await lapor_until_outcome(coordinator, klien)
        await lapor_from_outcome(coordinator, outcome="Butuh bantuan PK")
        alert = await officer.expect("Butuh bantuan PK")
    assert klien in alert.params["text"]
    assert alert.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"].startswith("a:")


async def test_incident_reaches_the_officer(
    tmp_path: Path, srv: FakeTelegramServer, clock: Clock
) -> None:
    config = make_config(tmp_path, srv)
    seeded = await seed(config)
    klien = seeded.klien[0]
    coordinator, officer = TgUser(srv, COORD), TgUser(srv, OFFICER)
    async with Runtime(config, clock=clock):
        await register(officer, seeded.codes["officer"])
        await register(coordinator, seeded.codes["coordinator"])
        await coordinator.say("/insiden")
        await coordinator.expect("Pilih klien")
        await coordinator.tap(klien)
        await coordinator.expect("Seberapa berat?")
        await coordinator.tap("Berat")
        await coordinator.expect("Ceritakan apa yang terjadi")
        await coordinator.say("Klien bertengkar dengan rekan kerja lalu pergi dari bengkel.")
        await coordinator.expect("Periksa sebelum dikirim")
        await coordinator.tap("Kirim")
        alert = await officer.expect("INSIDEN (Berat)")
        assert klien in alert.params["text"]
        # the officer acknowledges from the alert's button (an action token, re-checked)
        await officer.tap("Diterima", message=alert)
        await officer.expect("ditandai diterima")
    assert (
        await count(config, "SELECT count(*) FROM incidents WHERE acknowledged_at IS NOT NULL") == 1
    )


async def test_handler_error_apologises_and_the_bot_keeps_answering(
    tmp_path: Path, srv: FakeTelegramServer, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    config = make_config(tmp_path, srv)
    seeded = await seed(config)
    user = TgUser(srv, COORD)
    async with Runtime(config, clock=clock) as runtime:
        await register(user, seeded.codes["coordinator"])
        router = runtime.router
        assert router is not None
        real = router.process

        async def failing(event: Any) -> Any:
            if event.text == "/menu":
                raise ValueError(f"bad input from {seeded.klien[0]}")
            return await real(event)

        router.process = failing  # type: ignore[method-assign]
        await user.say("/menu")
        await user.expect("terjadi kesalahan")
        await user.say("/lapor")
        await user.expect("Pilih klien")  # still answering
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "ValueError" in logged
    assert seeded.klien[0] not in logged  # no personal data
    assert "/menu" not in logged


async def test_forbidden_marks_the_identity_unreachable_until_they_write(
    tmp_path: Path,
    srv: FakeTelegramServer,
    clock: Clock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = make_config(tmp_path, srv)
    seeded = await seed(config)
    user = TgUser(srv, COORD)
    async with Runtime(config, clock=clock):
        await register(user, seeded.codes["coordinator"])
        srv.fail_next("sendMessage", status=403)  # the user blocked the bot
        await user.say("/menu")
        await srv.wait_for_call("sendMessage", lambda c: c.status == 403)
        await wait_until(lambda: unreachable(config))
    sends = len(srv.calls_of("sendMessage"))
    assert sends == len([c for c in srv.calls_of("sendMessage") if c.status != 403]) + 1
    capsys.readouterr()
    assert await cmd_members(None, config) == 0  # type: ignore[arg-type]
    listing = capsys.readouterr().out
    assert "(unreachable)" in listing
    # They write again: reachable, and answered.
    async with Runtime(config, clock=clock):
        await user.say("/menu")
        await user.expect("Apa yang ingin Anda lakukan?")
    assert not await unreachable(config)


async def unreachable(config: Config) -> bool:
    return bool(
        await count(
            config,
            f"SELECT count(*) FROM identities WHERE channel = 'telegram' "
            f"AND external_id = '{COORD}' AND unreachable_since IS NOT NULL",
        )
    )


async def wait_until(check: Callable[[], Any], timeout: float = 5.0) -> None:  # noqa: ASYNC109
    """Poll an async check with a deadline."""
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


# ---------------------------------------------------------------------- webhook


def webhook_poster(client: httpx.AsyncClient, runtime: Runtime) -> Callable[..., Any]:
    async def post(update: dict[str, Any]) -> None:
        response = await client.post(
            f"http://127.0.0.1:{runtime.web_port}/telegram",
            json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
        assert response.status_code == 200

    return post


async def test_webhook_register_and_lapor_over_real_uvicorn(
    tmp_path: Path, srv: FakeTelegramServer, clock: Clock
) -> None:
    config = make_config(
        tmp_path,
        srv,
        mode="webhook",
        webhook_url="https://bot.example.org/telegram",
        webhook_secret=SECRET,
    )
    seeded = await seed(config)
    klien = seeded.klien[0]
    async with Runtime(config, clock=clock) as runtime, httpx.AsyncClient() as client:
        (registered,) = srv.calls_of("setWebhook")
        assert registered.params["url"] == "https://bot.example.org/telegram"
        assert registered.params["secret_token"] == SECRET
        assert set(registered.params["allowed_updates"]) >= {"message", "callback_query"}
        assert not registered.params.get("drop_pending_updates")
        assert not srv.calls_of("getUpdates")
        url = f"http://127.0.0.1:{runtime.web_port}/telegram"
        update = srv.state.history[srv.push_message(COORD, "halo")]
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
            response = await client.post(url, json=update, headers=headers)
            assert response.status_code == 403
        assert not srv.calls_of("sendMessage")  # refused updates were not handled

        user = TgUser(srv, COORD, via=webhook_poster(client, runtime))
        await register(user, seeded.codes["coordinator"])
        await lapor_until_outcome(user, klien)
        await lapor_from_outcome(user)
        # the same update posted twice: one report, no second answer
        assert user.last_update is not None
        before = len(srv.calls_of("sendMessage"))
        await user.via(srv.state.history[user.last_update])  # type: ignore[misc]
        assert len(srv.calls_of("sendMessage")) == before
        health = await client.get(f"http://127.0.0.1:{runtime.web_port}/healthz")
        assert (health.status_code, health.json()) == (200, {"ok": True})
    assert await count(config, "SELECT count(*) FROM reports") == 1


async def test_webhook_bad_body_is_400_and_stopped_channel_is_503(
    tmp_path: Path, srv: FakeTelegramServer, clock: Clock
) -> None:
    config = make_config(
        tmp_path,
        srv,
        mode="webhook",
        webhook_url="https://x.example/telegram",
        webhook_secret=SECRET,
    )
    await seed(config)
    runtime = Runtime(config, clock=clock)
    await runtime.start()
    try:
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        url = f"http://127.0.0.1:{runtime.web_port}/telegram"
        async with httpx.AsyncClient() as client:
            bad = await client.post(url, content=b"not json", headers=headers)
            assert bad.status_code == 400
            channel = runtime.channels["telegram"]
            await channel.stop()  # intake stopped, the server still up
            update = srv.state.history[srv.push_message(COORD, "halo")]
            late = await client.post(url, json=update, headers=headers)
            assert late.status_code == 503
    finally:
        await runtime.stop()


# ---------------------------------------------------------------------- the command


def test_run_without_token_explains_and_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("POKMAS_TELEGRAM_TOKEN", raising=False)
    monkeypatch.delenv("POKMAS_CONFIG", raising=False)
    config_file = tmp_path / "config.toml"
    config_file.write_text(f'[database]\npath = "{tmp_path / "bot.db"}"\n')
    assert cli_main(["--config", str(config_file), "run"]) == 2
    err = capsys.readouterr().err
    assert "POKMAS_TELEGRAM_TOKEN" in err
    assert "[telegram]" in err and "token" in err
    assert not (tmp_path / "bot.db").exists()  # nothing started


async def test_pokmas_bot_run_serves_healthz_and_stops_on_sigterm(
    tmp_path: Path, srv: FakeTelegramServer
) -> None:
    port = free_port()
    config_file = tmp_path / "config.toml"
    config_file.write_text(
        f'[database]\npath = "{tmp_path / "bot.db"}"\n'
        f'[telegram]\napi_base_url = "{srv.base_url}"\n'
        f'[server]\nhost = "127.0.0.1"\nport = {port}\n'
    )
    env = {**os.environ, "POKMAS_TELEGRAM_TOKEN": TOKEN, "PTB_TIMEDELTA": "true"}
    env.pop("POKMAS_CONFIG", None)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "--config", str(config_file), "run",
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        async with httpx.AsyncClient() as client:
            deadline = time.monotonic() + 20
            while True:
                try:
                    health = await client.get(f"http://127.0.0.1:{port}/healthz")
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline or proc.returncode is not None:
                        raise
                    await asyncio.sleep(0.05)
        assert (health.status_code, health.json()) == (200, {"ok": True})
        await srv.wait_for_call("getUpdates", timeout=10)
        proc.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(proc.communicate(), 20)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode == 0, stderr.decode()
    log = stderr.decode()
    assert "SIGTERM: stopping" in log and "stopped" in log
    assert TOKEN not in log  # the token is in every Bot API URL; httpx lines are muted


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_run_with_a_rejected_token_exits_1_without_echoing_it(
    tmp_path: Path, srv: FakeTelegramServer
) -> None:
    config_file = tmp_path / "config.toml"
    config_file.write_text(
        f'[database]\npath = "{tmp_path / "bot.db"}"\n'
        f'[telegram]\napi_base_url = "{srv.base_url}"\n'
        f'[server]\nhost = "127.0.0.1"\nport = {free_port()}\n'
    )
    wrong = "999:WRONG-TOKEN"
    env = {**os.environ, "POKMAS_TELEGRAM_TOKEN": wrong, "PTB_TIMEDELTA": "true"}
    env.pop("POKMAS_CONFIG", None)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "--config", str(config_file), "run",
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 1
    err = stderr.decode()
    assert "Telegram rejected the bot token" in err
    assert wrong not in err and "WRONG-TOKEN" not in err


async def test_healthz_is_503_when_the_database_does_not_answer(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "h.db")
    app = build_web_app(db)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
        assert (await client.get("/healthz")).status_code == 200
        await db.close()
        down = await client.get("/healthz")
    assert (down.status_code, down.json()) == (503, {"ok": False})


def test_two_channels_cannot_claim_the_same_route() -> None:
    from starlette.responses import Response
    from starlette.routing import Route

    async def nothing(request: Any) -> Response:
        return Response()

    with pytest.raises(ValueError, match="POST /telegram"):
        build_web_app(
            None,  # type: ignore[arg-type]
            [Route("/telegram", nothing, methods=["POST"])] * 2,
        )
