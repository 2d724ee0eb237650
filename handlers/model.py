"""The channel-neutral message model: what comes in, what goes out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True, slots=True)
class Incoming:
    """One event from a chat channel, already stripped of transport details."""

    channel: str  # telegram | whatsapp | console
    sender: str  # the transport's stable user id (Telegram user id, WhatsApp id)
    event_id: str  # the transport's id for de-duplication (update_id, wamid)
    address: str = ""  # where to write back (chat id, phone); defaults to sender
    text: str | None = None
    choice: str | None = None  # an option id chosen from a previous reply
    photo: str | None = None  # the transport's file reference
    document: str | None = None
    location: tuple[float, float] | None = None

    @property
    def reply_address(self) -> str:
        """Return where replies and alerts for this sender go."""
        return self.address or self.sender

    def command(self) -> tuple[str, list[str]] | None:
        """Return (command, args) when the text is a /command, else None."""
        if not self.text or not self.text.startswith("/"):
            return None
        head, *args = self.text.strip().split()
        name = head[1:].split("@", 1)[0].lower()  # Telegram adds @botname in groups
        return (name, args) if name else None


@dataclass(frozen=True, slots=True)
class Choice:
    """An option offered with a reply; `id` is opaque and never trusted."""

    id: str
    label: str
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a reply (an export, a chart)."""

    filename: str
    data: bytes
    mime: str
    kind: Literal["document", "image"] = "document"


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to the sender: text, optional choices, optional file."""

    text: str
    choices: tuple[Choice, ...] = field(default=())
    attachment: Attachment | None = None


MAX_CHOICE_ID_BYTES = 64  # Telegram's callback_data limit
