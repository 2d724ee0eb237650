"""Timestamps and dates as stored: UTC ISO-8601 text and ISO calendar dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, tzinfo

_TS_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def ts(moment: datetime) -> str:
    """Render an aware datetime as the stored UTC text (sortable, second precision)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: every time in pokmas-bot is timezone-aware")
    return moment.astimezone(UTC).strftime(_TS_FORMAT)


def parse_ts(text: str) -> datetime:
    """Parse stored UTC text back into an aware datetime."""
    return datetime.strptime(text, _TS_FORMAT).replace(tzinfo=UTC)


def ds(day: date) -> str:
    """Render a calendar date as stored (YYYY-MM-DD)."""
    return day.isoformat()


def parse_ds(text: str) -> date:
    """Parse a stored calendar date."""
    return date.fromisoformat(text)


def local_midnight(day: date, tz: tzinfo) -> str:
    """Return the stored UTC time of local midnight starting `day` in time zone `tz`."""
    return ts(datetime.combine(day, time(), tzinfo=tz))


def date_text(day: date | str) -> str:
    """Format a date (or stored date/time text) as Indonesians write it: DD/MM/YYYY."""
    if isinstance(day, str):
        day = date.fromisoformat(day[:10])
    return day.strftime("%d/%m/%Y")
