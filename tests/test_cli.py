"""The admin CLI end to end, in process: --help everywhere, init, import, invite, export..."""

from __future__ import annotations

import csv
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import build_parser, main
from tests.test_import import KLIEN_CSV, OFFICERS_CSV, POKMAS_CSV


@pytest.fixture
def cfg(tmp_path: Path) -> list[str]:
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\npath = "{tmp_path / "bot.db"}"\n'
                    '[telegram]\nbot_username = "pokmas_test_bot"\n'
                    '[whatsapp]\nbusiness_number = "6281234567890"\n')
    return ["--config", str(path)]


def run(cfg: list[str], *args: str) -> int:
    return main([*cfg, *args])


def test_help_on_every_command(capsys) -> None:
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name in commands:
        with pytest.raises(SystemExit) as caught:
            main([name, "--help"])
        assert caught.value.code == 0
        out = capsys.readouterr().out
        assert "usage: pokmas-bot" in out and name in out
        if name == "reminders":
            for action in ("preview", "run"):
                with pytest.raises(SystemExit):
                    main([name, action, "--help"])
                assert "--at" in capsys.readouterr().out
    assert {"init", "import", "invite", "members", "deactivate", "export", "backup", "demo",
            "chat", "run", "reminders"} <= set(commands)


def test_init_twice(cfg, capsys) -> None:
    assert run(cfg, "init") == 0
    assert "migrated 0 ->" in capsys.readouterr().out
    assert run(cfg, "init") == 0
    assert "up to date" in capsys.readouterr().out


def test_import_invite_members_export_backup(cfg, tmp_path: Path, capsys) -> None:
    for kind, text in (("pokmas", POKMAS_CSV), ("officers", OFFICERS_CSV), ("klien", KLIEN_CSV)):
        path = tmp_path / f"{kind}.csv"
        path.write_text(text)
        assert run(cfg, "import", kind, str(path)) == 0
        captured = capsys.readouterr()
        assert f"{kind}: 2 created, 0 updated, 0 unchanged" in captured.out
        assert captured.err == ""  # piped, not a terminal: no progress lines
    assert run(cfg, "import", "klien", str(tmp_path / "klien.csv")) == 0
    assert "0 created, 0 updated, 2 unchanged" in capsys.readouterr().out

    assert run(cfg, "invite", "--role", "coordinator", "--pokmas", "PWT01", "--name", "Ahmad") == 0
    out = capsys.readouterr().out
    code = next(line.split()[1] for line in out.splitlines() if line.startswith("code:"))
    assert f"https://t.me/pokmas_test_bot?start={code}" in out
    assert f"https://wa.me/6281234567890?text=DAFTAR%20{code}" in out
    assert run(cfg, "invite", "--role", "officer", "--officer", "PK99") == 2
    assert "Unknown officer code PK99" in capsys.readouterr().err

    assert run(cfg, "members") == 0
    out = capsys.readouterr().out
    assert "Ahmad" in out and "pokmas PWT01" in out and "officer PK01" in out

    assert run(cfg, "export", "klien", "--output", str(tmp_path / "k.csv")) == 0
    with (tmp_path / "k.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][0] == "No. register" and len(rows) == 3
    assert run(cfg, "export", "klien", "--output", str(tmp_path / "k.xlsx")) == 0
    book = load_workbook(tmp_path / "k.xlsx")
    sheet = book.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 3
    start_col = values[0].index("Mulai pembimbingan")
    assert isinstance(values[1][start_col], date)  # a real date cell
    book.close()
    assert run(cfg, "export", "reports", "--format", "csv", "--output", str(tmp_path / "r.csv"),
               "--from", "01/11/2026", "--to", "30/11/2026") == 0
    assert run(cfg, "export", "reports", "--output", str(tmp_path / "r.txt")) == 2

    assert run(cfg, "backup", str(tmp_path / "copy.db")) == 0
    with sqlite3.connect(tmp_path / "copy.db") as conn:
        assert conn.execute("SELECT count(*) FROM klien").fetchone()[0] == 2

    assert run(cfg, "deactivate", "PK01") == 0
    assert run(cfg, "deactivate", "nobody") == 2
    capsys.readouterr()
    assert run(cfg, "members") == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "officer PK01" in x)
    assert line.rstrip().endswith("no")


def test_import_errors_exit_2_and_print_every_row(cfg, tmp_path: Path, capsys) -> None:
    path = tmp_path / "p.csv"
    path.write_text(POKMAS_CSV + "X1,,nowhere,Banyumas,,,,\nX2,Y,jasa,Kebumen,,99/99/2026,,-1\n")
    assert run(cfg, "import", "pokmas", str(path)) == 2
    err = capsys.readouterr().err
    assert f"{path}:4: name: required" in err
    assert f"{path}:4: sector:" in err
    assert f"{path}:5: pks_signed:" in err and f"{path}:5: capacity:" in err
    assert "nothing was imported" in err


def test_demo_is_quiet_and_exits_0_without_a_terminal(cfg, capsys) -> None:
    assert run(cfg, "demo") == 0
    out = capsys.readouterr().out
    assert "Seeded 32 Pokmas" in out and "120 klien" in out


def test_progress_shows_in_a_terminal(tmp_path: Path) -> None:
    import sys

    import pexpect

    config = tmp_path / "config.toml"
    config.write_text(f'[database]\npath = "{tmp_path / "bot.db"}"\n')
    path = tmp_path / "pokmas.csv"
    path.write_text(POKMAS_CSV)
    child = pexpect.spawn(sys.executable, ["-m", "bot.cli", "--config", str(config), "import",
                                           "pokmas", str(path)], encoding="utf-8", timeout=30)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "import pokmas: 2/2" in (child.before or "")
