"""Config: sources in order, every error names its key, the example documents every key."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from bot.config import (
    SECRETS_FROM_ENV,
    ConfigError,
    documented_keys,
    load_config,
    parse_config,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "config.example.toml"


def test_defaults_without_a_file(tmp_path: Path) -> None:
    config = load_config(None, env={}, cwd=tmp_path)
    assert config.bapas.timezone == "Asia/Jakarta"
    assert config.telegram.api_base_url == "https://api.telegram.org/bot"
    assert config.reminders.quiet_hours == "20:00-07:00"
    assert config.source == "(defaults)"


def test_source_order(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[bapas]\nname = "cwd"\n')
    env_file = tmp_path / "env.toml"
    env_file.write_text('[bapas]\nname = "env"\n')
    explicit = tmp_path / "explicit.toml"
    explicit.write_text('[bapas]\nname = "explicit"\n')
    env = {"POKMAS_CONFIG": str(env_file)}
    assert load_config(str(explicit), env=env, cwd=tmp_path).bapas.name == "explicit"
    assert load_config(None, env=env, cwd=tmp_path).bapas.name == "env"
    assert load_config(None, env={}, cwd=tmp_path).bapas.name == "cwd"


def test_secrets_from_environment_override_the_file() -> None:
    env = {var: f"secret-{i}" for i, var in enumerate(SECRETS_FROM_ENV)}
    env["POKMAS_TELEGRAM_WEBHOOK_SECRET"] = "abc_DEF-123"
    config = parse_config({"telegram": {"token": "from-file"}}, env=env)
    assert config.telegram.token == "secret-0"
    assert config.telegram.webhook_secret == "abc_DEF-123"
    assert config.whatsapp.access_token == env["POKMAS_WHATSAPP_ACCESS_TOKEN"]
    assert config.whatsapp.app_secret == env["POKMAS_WHATSAPP_APP_SECRET"]
    assert config.whatsapp.verify_token == env["POKMAS_WHATSAPP_VERIFY_TOKEN"]


@pytest.mark.parametrize(
    ("data", "key", "reason"),
    [
        ({"telegram": {"tokn": "x"}}, "telegram.tokn", "unknown key"),
        ({"bogus": {}}, "bogus", "unknown section"),
        ({"database": {"path": 3}}, "database.path", "expected a string"),
        ({"server": {"port": "80"}}, "server.port", "expected an integer"),
        ({"server": {"port": 70000}}, "server.port", "at most 65535"),
        ({"telegram": {"enabled": "yes"}}, "telegram.enabled", "expected true or false"),
        ({"bapas": {"timezone": "Asia/Jakart"}}, "bapas.timezone", "unknown time zone"),
        ({"reminders": {"quiet_hours": "20-07"}}, "reminders.quiet_hours", "HH:MM-HH:MM"),
        ({"reminders": {"quiet_hours": "25:00-07:00"}}, "reminders.quiet_hours", "HH:MM-HH:MM"),
        ({"reminders": {"quiet_hours": "07:00-07:00"}}, "reminders.quiet_hours", "the same"),
        ({"reminders": {"no_report_days": 0}}, "reminders.no_report_days", "at least 1"),
        ({"reminders": {"supervision_end_days": [30, "x"]}},
         "reminders.supervision_end_days[1]", "expected an integer"),
        ({"reminders": {"escalation_days": 10}}, "reminders.escalation_days", "greater than"),
        ({"reminders": {"weekly_digest": "monday 7:30"}}, "reminders.weekly_digest", "mon 07:30"),
        ({"telegram": {"mode": "push"}}, "telegram.mode", "one of polling, webhook"),
        ({"telegram": {"api_base_url": "ftp://x"}}, "telegram.api_base_url", "http(s) URL"),
        ({"telegram": {"token": "t", "mode": "webhook"}}, "telegram.webhook_url", "required"),
        ({"telegram": {"token": "t", "mode": "webhook", "webhook_url": "https://x/telegram",
                       "webhook_secret": "no spaces!"}}, "telegram.webhook_secret", "A-Z"),
        ({"whatsapp": {"enabled": True}}, "whatsapp.phone_number_id", "required"),
        ({"whatsapp": {"templates": {"digest": {"language": "id"}}}},
         "whatsapp.templates.digest.name", "missing required key"),
        ({"whatsapp": {"templates": {"digest": {"name": "x", "params": "a"}}}},
         "whatsapp.templates.digest.params", "expected a list"),
        ({"delivery": {"backoff_seconds": True}}, "delivery.backoff_seconds", "expected a number"),
    ],
)
def test_every_error_names_its_key(data: dict, key: str, reason: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(data, env={})
    assert caught.value.key == key
    assert reason in caught.value.reason
    assert str(caught.value).startswith(f"{key}: ")


def test_bad_toml_and_missing_file_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[bapas\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(str(bad), env={})
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(str(tmp_path / "missing.toml"), env={})


def test_example_documents_every_key() -> None:
    """Every field appears in config.example.toml with a comment line right above it."""
    text = EXAMPLE.read_text()
    parse_config(tomllib.loads(text), env={})  # the example itself is valid
    section = ""
    documented: set[str] = set()
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if m := re.match(r"^\[([a-z_.]+)\]", line):
            section = m.group(1)
        elif m := re.match(r"^([a-z_]+)\s*=", line):
            assert lines[i - 1].startswith("#"), f"{section}.{m.group(1)} has no comment above"
            documented.add(f"{section}.{m.group(1)}")
    missing = set(documented_keys()) - documented - {"whatsapp.templates"}
    assert not missing, f"undocumented keys: {sorted(missing)}"
    assert "[whatsapp.templates]" in text
    stale = documented - set(documented_keys())
    assert not stale, f"example documents keys that do not exist: {sorted(stale)}"


def test_every_field_has_a_docstring() -> None:
    assert all(doc for doc in documented_keys().values())


def test_cli_exits_2_with_one_line_naming_the_key(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[reminders]\nquiet_hours = "late"\n')
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "--config", str(config), "members"],
        capture_output=True, text=True, cwd=tmp_path, timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "reminders.quiet_hours" in lines[0] and "HH:MM-HH:MM" in lines[0]
