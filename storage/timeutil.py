"""Timestamps and dates as stored: UTC ISO-8601 text and ISO calendar dates."""

from __future__ import annotations

from datetime import UTC, date, datetime

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
