"""What a handler gets: the transaction, the member, the event, the clock and the settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from handlers.i18n import t
from handlers.model import Incoming, Reply
from handlers.settings import Settings
from storage import Tx
from storage.conversations import ConversationState
from storage.members import Member
from storage.timeutil import date_text, ts


@dataclass
class Context:
    """One event being handled, inside one database transaction."""

    tx: Tx
    member: Member
    event: Incoming
    now: datetime
    settings: Settings
    state: ConversationState | None = None
    # Set by handlers that wrote to the outbox, so the sender is woken at once.
    outbox_written: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def lang(self) -> str:
        """Return the member's language."""
        return self.member.language

    @property
    def stamp(self) -> str:
        """Return `now` as stored text."""
        return ts(self.now)

    @property
    def today(self) -> date:
        """Return today's date in the Bapas time zone."""
        return self.now.astimezone(self.settings.timezone).date()

    def local(self, moment: datetime) -> datetime:
        """Return a moment in the Bapas time zone."""
        return moment.astimezone(self.settings.timezone)

    def t(self, key: str, /, **params: object) -> str:
        """Return a catalog text in the member's language."""
        return t(self.lang, key, **params)

    def reply(self, key: str, /, **params: object) -> Reply:
        """Return a Reply with a catalog text."""
        return Reply(self.t(key, **params))

    def date_text(self, day: date | str) -> str:
        """Format a date as Indonesians write it (DD/MM/YYYY)."""
        return date_text(day)

    def days_ago(self, days: int) -> date:
        """Return the local date `days` days before today."""
        return self.today - timedelta(days=days)

    async def audit(
        self, action: str, klien_id: int | None = None, detail: str | None = None
    ) -> None:
        """Append an audit row for this member and channel."""
        await self.tx.audit.add(
            at=self.stamp,
            actor=self.event.channel,
            action=action,
            member_id=self.member.id,
            klien_id=klien_id,
            detail=detail,
        )
