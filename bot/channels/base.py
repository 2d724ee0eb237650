"""The channel contract: what every transport adapter offers the rest of the program."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from handlers.model import Incoming, Reply
from storage.members import Identity

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

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
        held: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.retry_after = retry_after
        self.unreachable = unreachable  # the user blocked the bot / left: stop sending
        self.code = code
        # Cannot go as it is (e.g. WhatsApp outside the 24-hour window with no template for
        # its kind): park the row as 'held' and report it to the admin; never drop it.
        self.held = held


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


# Optional extras a channel may offer; the runtime checks them with isinstance().


@runtime_checkable
class HasRoutes(Protocol):
    """A channel that receives over HTTP: bot/web.py mounts its routes on the one web server.

    Example: WhatsApp returns `[Route("/whatsapp", self.verify, methods=["GET"]),
    Route("/whatsapp", self.receive, methods=["POST"])]`. Routes are collected once, before
    the server starts; a handler should answer 503 while the channel is not started or is
    stopping, so the platform retries later.
    """

    def routes(self) -> Sequence[BaseRoute]:
        """Return the starlette routes to mount."""
        ...


@runtime_checkable
class Closable(Protocol):
    """A channel whose deliver() keeps working after stop() until close().

    The runtime stops intake first (stop), lets the sender make a last delivery pass,
    then calls close(). A channel without close() releases everything in stop().
    """

    async def close(self) -> None:
        """Release what deliver() needs (HTTP clients)."""
        ...
