"""`pokmas-bot chat` in a real pseudo-terminal, through a whole /lapor."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pexpect

from storage import Database
from tests.conftest import seed_world


async def test_chat_through_a_whole_lapor(tmp_path: Path) -> None:
    db_path = tmp_path / "bot.db"
    db = await Database.open(db_path)
    try:
        world = await seed_world(db)
    finally:
        await db.close()
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\npath = "{db_path}"\n')
    child = pexpect.spawn(
        sys.executable, ["-m", "bot.cli", "--config", str(config), "chat", "--as",
                         str(world.coord_a)],
        encoding="utf-8", timeout=20, dimensions=(40, 120),
    )
    try:
        child.expect("Chat as Ustadz Ahmad")
        child.expect("> ")
        child.sendline("/lapor")
        child.expect(r"\[1\] Budi Klien1")
        child.sendline("1")
        child.expect(r"\[1\] Pekerjaan")
        child.sendline("1")
        child.expect(r"\[2\] Dalam proses")
        child.sendline("2")
        child.expect("Ceritakan apa yang terjadi")
        child.sendline("Mulai bekerja di bengkel las setiap hari.")
        child.expect(r"\[1\] Hari ini")
        child.sendline("1")
        child.expect(r"\[1\] Lewati")
        child.sendline("/foto")
        child.expect("Periksa sebelum dikirim")
        child.expect(r"\[1\] Kirim")
        child.sendline("1")
        child.expect("tersimpan")
        child.expect("Tindak lanjut dibuka")
        child.sendline("/keluar")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(
            "SELECT klien_id, category, outcome, photo_ref IS NOT NULL FROM reports"
        ).fetchall()
        followups = conn.execute("SELECT count(*) FROM followups").fetchone()[0]
    assert rows == [(world.klien_a[0], "pekerjaan", "dalam_proses", 1)]
    assert followups == 1
