"""`pokmas-bot reminders preview|run`: preview writes nothing; run sweeps and delivers once.

The last test is the end-to-end acceptance test: `pokmas-bot reminders run --at T`,
run twice, against the fake Bot API, delivers a due reminder to the officer's
Telegram chat exactly once.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from bot.cli import main as cli_main
from storage import Database
from storage.timeutil import ts
from tests.conftest import T0, World, seed_world
from tests.fakes.telegram_api import FakeTelegramServer

TOKEN = "123:ABC"
AT = "2026-12-01T09:00"  # Jakarta time: the seeded klien are silent and missed a check-in
OFFICER_TG = 4242


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POKMAS_TELEGRAM_TOKEN", raising=False)
    monkeypatch.delenv("POKMAS_CONFIG", raising=False)
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


async def seed(path: Path, *, telegram_officer: bool = False) -> World:
    db = await Database.open(path)
    try:
        world = await seed_world(db)
        if telegram_officer:  # PK01 also writes from Telegram, more recently than the console
            async with db.transaction() as tx:
                chat = str(OFFICER_TG)
                await tx.members.link(
                    world.officer_1, "telegram", chat, chat, ts(T0 + timedelta(hours=1))
                )
    finally:
        await db.close()
    return world


async def count(path: Path, sql: str) -> int:
    db = await Database.open(path)
    try:
        async with db.read() as tx, tx.conn.execute(sql) as cur:
            row = await cur.fetchone()
    finally:
        await db.close()
    assert row is not None
    return int(row[0])


def write_config(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\npath = "{tmp_path / "bot.db"}"\n{extra}')
    return path


def test_preview_lists_what_a_sweep_would_create_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world = asyncio.run(seed(tmp_path / "bot.db"))
    config = write_config(tmp_path, "[telegram]\nenabled = false\n")
    before = (tmp_path / "bot.db").stat().st_size
    assert cli_main(["--config", str(config), "reminders", "preview", "--at", AT]) == 0
    out = capsys.readouterr().out
    assert "sweep at 2026-12-01 09:00 WIB" in out and "nothing was written" in out
    assert f"no_report_officer        klien:{world.klien_a[0]}" in out
    assert "-> officer #1 Siti Rahayu" in out and "weekly_digest" in out
    for secret in [*world.names.values(), *world.register_nos.values()]:
        assert secret not in out  # klien are shown by id only
    assert asyncio.run(count(tmp_path / "bot.db", "SELECT count(*) FROM outbox")) == 0
    assert asyncio.run(count(tmp_path / "bot.db", "SELECT count(*) FROM meta")) == 0
    assert (tmp_path / "bot.db").stat().st_size == before


def test_run_sweeps_and_delivers_through_the_console_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world = asyncio.run(seed(tmp_path / "bot.db"))
    config = write_config(tmp_path, "[telegram]\nenabled = false\n")
    assert cli_main(["--config", str(config), "reminders", "run", "--at", AT]) == 0
    first = capsys.readouterr().out
    assert "--- [digest] to 2001 ---" in first  # the officer's items: one message
    assert first.count("--- [digest] to 2001 ---") == 1
    assert world.names[world.klien_a[0]] in first
    assert "delivery (console):" in first and "0 failed, 0 held" in first
    assert cli_main(["--config", str(config), "reminders", "run", "--at", AT]) == 0
    second = capsys.readouterr().out
    assert "0 new outbox rows" in second and "--- [" not in second
    assert "delivery (console): 0 messages" in second


def test_a_bad_time_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path)
    assert cli_main(["--config", str(config), "reminders", "preview", "--at", "besok"]) == 2
    assert "--at" in capsys.readouterr().err


async def test_run_twice_delivers_a_due_reminder_to_the_officers_telegram_chat_once(
    tmp_path: Path,
) -> None:
    world = await seed(tmp_path / "bot.db", telegram_officer=True)
    async with FakeTelegramServer(token=TOKEN) as srv:
        config = write_config(
            tmp_path,
            f'[telegram]\ntoken = "{TOKEN}"\napi_base_url = "{srv.base_url}"\n'
            "rate_limiter = false\n",
        )
        argv = ["--config", str(config), "reminders", "run", "--at", AT]
        assert await asyncio.to_thread(cli_main, argv) == 0
        first = srv.sent_texts(OFFICER_TG)
        assert await asyncio.to_thread(cli_main, argv) == 0
        second = srv.sent_texts(OFFICER_TG)
    reminders = [text for text in first if text.startswith("Pengingat:")]
    assert len(reminders) == 1  # all of the officer's items in one message
    assert all(world.names[k] in reminders[0] for k in world.klien_a)
    assert second == first  # the second run sent the officer nothing more
    [call] = [
        c
        for c in srv.calls_of("sendMessage")
        if str(c.params.get("chat_id")) == str(OFFICER_TG) and "Pengingat:" in c.params["text"]
    ]
    buttons = [
        b["callback_data"] for row in call.params["reply_markup"]["inline_keyboard"] for b in row
    ]
    assert f"a:klien:{world.klien_a[0]}" in buttons
    sent = await count(
        tmp_path / "bot.db",
        f"SELECT count(*) FROM outbox WHERE member_id = {world.officer_1} AND channel = 'telegram'",
    )
    assert sent == await count(
        tmp_path / "bot.db", f"SELECT count(*) FROM outbox WHERE member_id = {world.officer_1}"
    )
