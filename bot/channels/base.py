"""The channel contract: what every transport adapter offers the rest of the program."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from handlers.model import Incoming, Reply
from storage.members import Identity

# The program's entry for incoming events: handle one, return the replies to send back.
EventHandler = Callable[[Incoming], Awaitable[list[Reply]]]


class DeliveryError(Exception):
    """A send that did not go through; says whether trying again can help."""

    def __init__(
        self,
        reason: str,
        *,
        permanent: bool,
        retry_after: float | None = None,
        unreachable: bool = False,
        code: str | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.retry_after = retry_after
        self.unreachable = unreachable  # the user blocked the bot / left: stop sending
        self.code = code


@dataclass(frozen=True)
class Outbound:
    """A message for one chat identity, from the outbox (reminders, alerts)."""

    identity: Identity
    replies: tuple[Reply, ...]
    kind: str = "message"  # outbox kind: selects a WhatsApp template outside the window
    template_params: dict[str, str] = field(default_factory=dict)


class Channel(Protocol):
    """A transport: receives events into the handler, sends replies and outbox messages."""

    name: str

    async def start(self, on_event: EventHandler) -> None:
        """Begin taking events; each goes to `on_event` and its replies back to the sender."""

    async def stop(self) -> None:
        """Stop taking events, finish those in flight, release resources."""

    async def deliver(self, message: Outbound) -> str | None:
        """Send an outbox message; return the transport's message id or raise DeliveryError."""
