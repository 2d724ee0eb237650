"""Configuration: a TOML file validated into frozen dataclasses; secrets from the environment.

Where the file comes from: `--config PATH`, else `$POKMAS_CONFIG`, else `./config.toml`
when present, else the built-in defaults. Every error names its key and the reason.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from handlers.settings import ConversationSettings, ReminderSettings, Settings, doc


class ConfigError(Exception):
    """A bad configuration value; the message names the key and the reason."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(f"{key}: {reason}")
        self.key = key
        self.reason = reason


@dataclass(frozen=True)
class DatabaseConfig:
    """Where the data lives."""

    path: str = field(default="pokmas.db", metadata=doc("SQLite database file."))


@dataclass(frozen=True)
class BapasConfig:
    """The probation office running this bot."""

    name: str = field(default="Bapas Kelas II Purwokerto", metadata=doc("Shown in messages."))
    timezone: str = field(
        default="Asia/Jakarta", metadata=doc("IANA time zone of the office.", pattern="timezone")
    )


@dataclass(frozen=True)
class TelegramConfig:
    """The Telegram channel."""

    enabled: bool = field(
        default=True, metadata=doc("Run the Telegram channel when a token is configured.")
    )
    token: str = field(
        default="", metadata=doc("Bot token from @BotFather (or $POKMAS_TELEGRAM_TOKEN).")
    )
    api_base_url: str = field(
        default="https://api.telegram.org/bot",
        metadata=doc("Bot API base URL; point at a self-hosted Bot API server.", pattern="url"),
    )
    mode: str = field(
        default="polling", metadata=doc("polling or webhook.", choices=("polling", "webhook"))
    )
    webhook_url: str = field(
        default="", metadata=doc("Public HTTPS URL of POST /telegram (webhook mode).")
    )
    webhook_secret: str = field(
        default="",
        metadata=doc(
            "Secret Telegram echoes in X-Telegram-Bot-Api-Secret-Token "
            "(or $POKMAS_TELEGRAM_WEBHOOK_SECRET)."
        ),
    )
    bot_username: str = field(
        default="", metadata=doc("Bot username for invite deep links (learned at start-up).")
    )
    rate_limiter: bool = field(
        default=True,
        metadata=doc(
            "Pace sends to Telegram's limits; turn off only for a self-hosted "
            "Bot API server or benchmarks."
        ),
    )


@dataclass(frozen=True)
class WhatsAppTemplate:
    """An approved template used outside the 24-hour window."""

    name: str
    language: str = "id"
    params: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class WhatsAppConfig:
    """The WhatsApp Cloud API channel."""

    enabled: bool = field(default=False, metadata=doc("Run the WhatsApp channel."))
    phone_number_id: str = field(default="", metadata=doc("Cloud API phone number id."))
    business_number: str = field(
        default="", metadata=doc("Business phone number in international form, for wa.me links.")
    )
    access_token: str = field(
        default="", metadata=doc("Graph API access token (or $POKMAS_WHATSAPP_ACCESS_TOKEN).")
    )
    app_secret: str = field(
        default="",
        metadata=doc("App secret that signs webhooks (or $POKMAS_WHATSAPP_APP_SECRET)."),
    )
    verify_token: str = field(
        default="",
        metadata=doc("Token for webhook verification (or $POKMAS_WHATSAPP_VERIFY_TOKEN)."),
    )
    graph_api_base_url: str = field(
        default="https://graph.facebook.com/v21.0",
        metadata=doc("Graph API base URL including the version.", pattern="url"),
    )
    per_recipient_seconds: float = field(
        default=6.0, metadata=doc("Minimum seconds between two messages to one recipient.", min=0)
    )
    templates: dict[str, WhatsAppTemplate] = field(
        default_factory=dict,
        metadata=doc("Reminder kind -> approved template (name, language, params)."),
    )


@dataclass(frozen=True)
class ServerConfig:
    """The web server for webhooks and health checks."""

    host: str = field(default="127.0.0.1", metadata=doc("Address to listen on."))
    port: int = field(default=8080, metadata=doc("Port to listen on.", min=1, max=65535))


@dataclass(frozen=True)
class DeliveryConfig:
    """How the outbox is delivered."""

    max_attempts: int = field(
        default=6, metadata=doc("Attempts before a transient failure becomes permanent.", min=1)
    )
    backoff_seconds: float = field(
        default=30.0, metadata=doc("First retry delay; doubles on each attempt.", min=0)
    )
    per_second: float = field(
        default=20.0, metadata=doc("Messages per second per channel from the outbox.", min=0.1)
    )


@dataclass(frozen=True)
class Config:
    """The whole configuration."""

    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    bapas: BapasConfig = field(default_factory=BapasConfig)
    telegram: TelegramConfig = field(default_factory=TelegramConfig)
    whatsapp: WhatsAppConfig = field(default_factory=WhatsAppConfig)
    server: ServerConfig = field(default_factory=ServerConfig)
    reminders: ReminderSettings = field(default_factory=ReminderSettings)
    conversations: ConversationSettings = field(default_factory=ConversationSettings)
    delivery: DeliveryConfig = field(default_factory=DeliveryConfig)
    source: str = field(default="(defaults)", compare=False)

    def settings(self) -> Settings:
        """Return what the handlers need."""
        return Settings(
            bapas_name=self.bapas.name,
            timezone=ZoneInfo(self.bapas.timezone),
            reminders=self.reminders,
            conversations=self.conversations,
            bot_username=self.telegram.bot_username or None,
            whatsapp_number=self.whatsapp.business_number or None,
        )


SECRETS_FROM_ENV = {
    "POKMAS_TELEGRAM_TOKEN": ("telegram", "token"),
    "POKMAS_TELEGRAM_WEBHOOK_SECRET": ("telegram", "webhook_secret"),
    "POKMAS_WHATSAPP_ACCESS_TOKEN": ("whatsapp", "access_token"),
    "POKMAS_WHATSAPP_APP_SECRET": ("whatsapp", "app_secret"),
    "POKMAS_WHATSAPP_VERIFY_TOKEN": ("whatsapp", "verify_token"),
}

_HHMM = r"([01]\d|2[0-3]):[0-5]\d"
_PATTERNS: dict[str, tuple[str, str]] = {
    "quiet_hours": (rf"^{_HHMM}\s*-\s*{_HHMM}$", "expected HH:MM-HH:MM, e.g. 20:00-07:00"),
    "weekly": (rf"^(mon|tue|wed|thu|fri|sat|sun) {_HHMM}$", "expected 'mon 07:30'"),
    "monthly": (rf"^([1-9]|1\d|2[0-8]) {_HHMM}$", "expected '1 08:00' (day 1-28, HH:MM)"),
    "url": (r"^https?://\S+$", "expected an http(s) URL"),
}


def _type_name(expected: Any) -> str:
    names = {bool: "true or false", int: "an integer", float: "a number", str: "a string"}
    origin = typing.get_origin(expected)
    if origin is list:
        return f"a list of {_type_name(typing.get_args(expected)[0]).removeprefix('a ')}s"
    return names.get(expected, str(expected))


def _check_value(key: str, expected: Any, value: Any) -> Any:
    """Check one value against a field type; return it converted (int -> float)."""
    origin = typing.get_origin(expected)
    if origin is list:
        if not isinstance(value, list):
            raise ConfigError(key, f"expected {_type_name(expected)}, got {value!r}")
        (item,) = typing.get_args(expected)
        return [_check_value(f"{key}[{i}]", item, v) for i, v in enumerate(value)]
    if expected is bool:
        ok = isinstance(value, bool)
    elif expected is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif expected is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif expected is str:
        ok = isinstance(value, str)
    else:  # pragma: no cover - a programming error in the dataclasses
        raise TypeError(expected)
    if not ok:
        raise ConfigError(key, f"expected {_type_name(expected)}, got {value!r}")
    return value


def _check_rules(key: str, meta: typing.Mapping[str, Any], value: Any) -> None:
    """Apply a field's min/max/choices/pattern rules."""
    values = value if isinstance(value, list) else [value]
    for v in values:
        if "min" in meta and v < meta["min"]:
            raise ConfigError(key, f"must be at least {meta['min']}, got {v!r}")
        if "max" in meta and v > meta["max"]:
            raise ConfigError(key, f"must be at most {meta['max']}, got {v!r}")
        if "choices" in meta and v not in meta["choices"]:
            raise ConfigError(key, f"must be one of {', '.join(meta['choices'])}, got {v!r}")
    pattern = meta.get("pattern")
    if pattern == "timezone":
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(key, f"unknown time zone {value!r}") from None
    elif pattern in _PATTERNS:
        regex, hint = _PATTERNS[pattern]
        if not re.match(regex, value):
            raise ConfigError(key, f"{hint}, got {value!r}")
        if (
            pattern == "quiet_hours"
            and value.replace(" ", "").split("-")[0] == value.replace(" ", "").split("-")[1]
        ):
            raise ConfigError(key, f"start and end are the same, got {value!r}")


def _templates(key: str, raw: Any) -> dict[str, WhatsAppTemplate]:
    if not isinstance(raw, dict):
        raise ConfigError(key, "expected a table of reminder kind -> template")
    out = {}
    for kind, spec in raw.items():
        out[kind] = _build(f"{key}.{kind}", WhatsAppTemplate, spec)
    return out


def _build(prefix: str, cls: type[Any], raw: Any) -> Any:
    """Validate a TOML table against a dataclass and build it."""
    if not isinstance(raw, dict):
        raise ConfigError(prefix, "expected a table")
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls) if f.compare or f.name != "source"}
    for name in raw:
        if name not in known:
            raise ConfigError(f"{prefix}.{name}", "unknown key")
    values = {}
    for name, raw_value in raw.items():
        key = f"{prefix}.{name}"
        expected = hints[name]
        if expected == dict[str, WhatsAppTemplate]:
            values[name] = _templates(key, raw_value)
            continue
        if isinstance(expected, types.UnionType):  # pragma: no cover - not used in sections
            raise TypeError(expected)
        value = _check_value(key, expected, raw_value)
        _check_rules(key, known[name].metadata, value)
        values[name] = value
    missing = [
        f.name
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING
        and f.default_factory is dataclasses.MISSING
        and f.name not in values
    ]
    if missing:
        raise ConfigError(f"{prefix}.{missing[0]}", "missing required key")
    return cls(**values)


def _sections() -> dict[str, type[Any]]:
    hints = typing.get_type_hints(Config)
    return {f.name: hints[f.name] for f in dataclasses.fields(Config) if f.name != "source"}


def parse_config(
    data: dict[str, Any], *, env: typing.Mapping[str, str] | None = None, source: str = "(defaults)"
) -> Config:
    """Validate parsed TOML (plus secrets from `env`) into a Config."""
    env = os.environ if env is None else env
    sections = _sections()
    for name in data:
        if name not in sections:
            raise ConfigError(name, "unknown section")
    merged: dict[str, dict[str, Any]] = {name: dict(data.get(name, {})) for name in sections}
    for var, (section, key) in SECRETS_FROM_ENV.items():
        if env.get(var):
            merged[section][key] = env[var]
    built = {name: _build(name, cls, merged[name]) for name, cls in sections.items()}
    config = Config(**built, source=source)
    _check_cross(config)
    return config


def _check_cross(config: Config) -> None:
    """Check rules that involve more than one key."""
    r = config.reminders
    if r.escalation_days <= r.no_report_days:
        raise ConfigError("reminders.escalation_days", "must be greater than no_report_days")
    tg = config.telegram
    if tg.mode == "webhook" and tg.token:
        if not tg.webhook_url.startswith("https://") and not tg.webhook_url.startswith("http://"):
            raise ConfigError("telegram.webhook_url", "required in webhook mode (an https URL)")
        if not tg.webhook_secret:
            raise ConfigError("telegram.webhook_secret", "required in webhook mode")
        if not re.match(r"^[A-Za-z0-9_-]{1,256}$", tg.webhook_secret):
            raise ConfigError(
                "telegram.webhook_secret", "1-256 characters of A-Z, a-z, 0-9, _ and - only"
            )
    wa = config.whatsapp
    if wa.enabled:
        for key in ("phone_number_id", "access_token", "app_secret", "verify_token"):
            if not getattr(wa, key):
                raise ConfigError(f"whatsapp.{key}", "required when whatsapp.enabled = true")


def find_config_file(
    explicit: str | None, env: typing.Mapping[str, str] | None = None, cwd: Path | None = None
) -> Path | None:
    """Return the config file to use: --config, $POKMAS_CONFIG, ./config.toml, or None."""
    env = os.environ if env is None else env
    if explicit:
        return Path(explicit)
    if env.get("POKMAS_CONFIG"):
        return Path(env["POKMAS_CONFIG"])
    candidate = (cwd or Path.cwd()) / "config.toml"
    return candidate if candidate.is_file() else None


def load_config(
    explicit: str | None = None,
    *,
    env: typing.Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Config:
    """Find, read and validate the configuration."""
    path = find_config_file(explicit, env, cwd)
    if path is None:
        return parse_config({}, env=env)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError("--config", f"cannot read {path}: {exc.strerror}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), f"not valid TOML: {exc}") from None
    return parse_config(data, env=env, source=str(path))


def documented_keys() -> dict[str, str]:
    """Return every configurable key with its documentation (for tests and docs)."""
    out = {}
    for section, cls in _sections().items():
        for f in dataclasses.fields(cls):
            out[f"{section}.{f.name}"] = str(f.metadata.get("doc", ""))
    return out
