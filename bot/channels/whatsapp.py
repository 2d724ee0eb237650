"""The WhatsApp channel: a small Cloud API (Graph API) client and the webhook adapter.

`WhatsAppClient` sends: text split under 4096 characters, reply buttons (up to 3),
lists (up to 10 rows), numbered text beyond that, images and documents (upload,
then send) and templates. It paces messages to one recipient (at most one per
`per_recipient_seconds`, queued, never dropped) and backs off and retries on the
pair rate limit (131056) and the throughput limit (130429).

`WhatsAppChannel` implements the Channel protocol: it serves `GET /whatsapp`
(verification) and `POST /whatsapp` (signed webhooks) on the shared web server,
turns messages into `Incoming` events, sends the replies back, applies delivery
statuses to the outbox, and delivers outbox messages as free-form text inside the
24-hour customer-service window and as the configured template outside it.

Webhook policy: a POST is verified, then its messages are handled (one short
database transaction each, de-duplicated on the wamid) *before* it is answered
200; only the replies are sent in the background. So an acknowledged event is
always committed. Under `pokmas-bot run` a handler error is answered like on every
channel — logged without content, the sender gets the short apology, the event is
acknowledged (the member sees it failed and sends again; redelivering an event
that fails every time would only block the ones after it). An error outside the
handler (the channel itself) is answered 500 and Meta redelivers. Handling takes a
few milliseconds (see docs/benchmarks.md), far inside Meta's timeout, so no
separate inbox table is needed.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import re
import time
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.channels.base import DeliveryError, EventHandler, Outbound
from bot.channels.text import fit, utf16_len
from bot.channels.text import split_text as shared_split
from bot.config import WhatsAppConfig, WhatsAppTemplate
from bot.logsafe import describe
from handlers.i18n import t
from handlers.model import Attachment, Choice, Incoming, Reply
from storage import Database
from storage.members import Identity
from storage.timeutil import parse_ts, ts

log = logging.getLogger(__name__)

CHANNEL = "whatsapp"
JSON = dict[str, Any]

# Limits from Meta's Cloud API message reference.
TEXT_MAX = 4096
BODY_MAX = 1024  # interactive body text and media captions
BUTTONS_MAX = 3
BUTTON_TITLE_MAX = 20
LIST_ROWS_MAX = 10
ROW_TITLE_MAX = 24
ROW_DESCRIPTION_MAX = 72
LIST_BUTTON_MAX = 20
# A template parameter may not hold newlines, tabs or more than 4 spaces in a row;
# the whole body must stay under 1024 characters, so one parameter gets at most this.
TEMPLATE_PARAM_MAX = 600

WINDOW = timedelta(hours=24)
# Treat the window as closed a little early: a message sent at 23:59 may arrive late.
WINDOW_MARGIN = timedelta(minutes=10)
MAX_WEBHOOK_BYTES = 1_000_000
ELLIPSIS = "…"


# -- errors ---------------------------------------------------------------------------


class WhatsAppError(Exception):
    """A send the Graph API refused (or could not be reached for)."""

    def __init__(
        self,
        code: int | None,
        message: str,
        *,
        http_status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"({code}) {message}" if code is not None else message)
        self.code = code
        self.message = message
        self.http_status = http_status
        self.retry_after = retry_after


class OutsideWindow(WhatsAppError):
    """131047: more than 24 hours since the user last wrote; only a template may go."""


class ThroughputLimited(WhatsAppError):
    """130429: the phone number's message throughput was reached; back off and retry."""


class PairRateLimited(WhatsAppError):
    """131056: too many messages to the same user in a short time; back off and retry."""


class Undeliverable(WhatsAppError):
    """131026: the message cannot reach this user (not on WhatsApp, old app, blocked)."""


class GraphUnavailable(WhatsAppError):
    """A network error, a timeout or a 5xx: the send may be tried again."""


ERRORS: dict[int, type[WhatsAppError]] = {
    131047: OutsideWindow,
    130429: ThroughputLimited,
    131056: PairRateLimited,
    131026: Undeliverable,
    131000: GraphUnavailable,  # "something went wrong"
    131016: GraphUnavailable,  # service unavailable
    1: GraphUnavailable,
    2: GraphUnavailable,
}
# Template problems an admin fixes in the config or in WhatsApp Manager: hold, don't drop.
TEMPLATE_ERRORS = {132000, 132001, 132005, 132007, 132012, 132015, 132016}


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def graph_error(response: httpx.Response) -> WhatsAppError:
    """Turn an error answer of the Graph API into the matching typed exception."""
    try:
        body = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    code: int | None = None
    message = f"HTTP {response.status_code}"
    if isinstance(error, dict):
        raw = error.get("code")
        code = raw if isinstance(raw, int) else None
        details = (error.get("error_data") or {}).get("details")
        message = str(details or error.get("message") or message)
    cls = ERRORS.get(code) if code is not None else None
    if cls is None:
        if response.status_code == 429:
            cls = ThroughputLimited
        elif response.status_code >= 500:
            cls = GraphUnavailable
        else:
            cls = WhatsAppError
    return cls(
        code,
        message,
        http_status=response.status_code,
        retry_after=_retry_after(response),
    )


# -- text fitting ---------------------------------------------------------------------


def split_text(text: str, limit: int = TEXT_MAX) -> list[str]:
    """Split text into pieces of at most `limit` at paragraph, line or word boundaries."""
    return shared_split(text, limit) or [""]


def split_tail(text: str, tail_limit: int, limit: int = TEXT_MAX) -> tuple[list[str], str]:
    """Split text into leading pieces (each <= `limit`) and a last piece <= `tail_limit`."""
    if utf16_len(text) <= tail_limit:
        return [], text
    for sep in ("\n\n", "\n", " "):
        start = 0
        # The earliest boundary whose remainder fits keeps the last piece as large as possible.
        while (at := text.find(sep, start)) != -1:
            tail = text[at + len(sep) :]
            if utf16_len(tail) <= tail_limit and tail.strip():
                head = text[:at].rstrip()
                return (split_text(head, limit) if head.strip() else []), tail
            start = at + 1
    at = len(text) - fit(text[::-1], tail_limit)
    return split_text(text[:at], limit), text[at:]


def shorten(label: str, limit: int) -> str:
    """Shorten a label to `limit` characters, at a word boundary when it is not too early."""
    label = " ".join(label.split())
    if utf16_len(label) <= limit:
        return label
    room = fit(label, limit - 1)
    head = label[:room]
    space = head.rfind(" ")
    if space >= room // 2:
        head = head[:space]
    return head.rstrip(" ,.;:-") + ELLIPSIS


def _unique_titles(labels: Sequence[str], limit: int) -> list[str]:
    """Shorten labels into titles that are still distinct (numbered when they collide)."""
    titles = [shorten(label, limit) for label in labels]
    if len(set(titles)) == len(titles):
        return titles
    return [shorten(f"{n}. {label}", limit) for n, label in enumerate(labels, start=1)]


def template_value(value: str, limit: int = TEMPLATE_PARAM_MAX) -> str:
    """Make text acceptable as a template parameter: one line, no long runs of spaces."""
    value = re.sub(r"\s*\n\s*", " · ", value.strip())
    value = re.sub(r"\s+", " ", value)
    return shorten(value, limit) if value else "-"


# -- planning replies into Cloud API messages -------------------------------------------


@dataclass(frozen=True)
class MediaPart:
    """An attachment to upload and then send, with an optional caption."""

    attachment: Attachment
    caption: str | None = None


Part = JSON | MediaPart


def _text(body: str) -> JSON:
    return {"type": "text", "text": {"body": body, "preview_url": False}}


def _buttons(body: str, choices: Sequence[Choice]) -> JSON:
    titles = _unique_titles([c.label for c in choices], BUTTON_TITLE_MAX)
    return {
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": body},
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": c.id, "title": title}}
                    for c, title in zip(choices, titles, strict=True)
                ]
            },
        },
    }


def _list(body: str, choices: Sequence[Choice], lang: str) -> JSON:
    titles = _unique_titles([c.label for c in choices], ROW_TITLE_MAX)
    rows: list[JSON] = []
    for choice, title in zip(choices, titles, strict=True):
        row: JSON = {"id": choice.id, "title": title}
        description = choice.description
        if title != " ".join(choice.label.split()):
            # The title lost part of the label: show the whole label underneath.
            full = " ".join(choice.label.split())
            description = f"{full} · {description}" if description else full
        if description:
            row["description"] = shorten(description, ROW_DESCRIPTION_MAX)
        rows.append(row)
    return {
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": body},
            "action": {
                "button": shorten(t(lang, "wa.list_button"), LIST_BUTTON_MAX),
                "sections": [{"rows": rows}],
            },
        },
    }


def numbered(text: str, choices: Sequence[Choice], lang: str) -> str:
    """Render choices as numbered lines under the text (typed numbers select them)."""
    lines = []
    for n, choice in enumerate(choices, start=1):
        extra = f" — {choice.description}" if choice.description else ""
        lines.append(f"{n}. {choice.label}{extra}")
    return f"{text}\n\n" + "\n".join(lines) + "\n\n" + t(lang, "wa.type_number")


def plan_reply(reply: Reply, lang: str = "id") -> list[Part]:
    """Turn one reply into Cloud API messages (without the recipient), in sending order."""
    text = reply.text
    choices = reply.choices
    parts: list[Part] = []
    if reply.attachment is not None:
        if not choices and utf16_len(text) <= BODY_MAX:
            return [MediaPart(reply.attachment, text.strip() or None)]
        if choices:  # the file first, so the choices stay last and in view
            parts.append(MediaPart(reply.attachment))
    if not choices:
        if text.strip():
            parts.extend(_text(piece) for piece in split_text(text))
    elif len(choices) > LIST_ROWS_MAX:
        parts.extend(_text(piece) for piece in split_text(numbered(text, choices, lang)))
    else:
        head, body = split_tail(text if text.strip() else t(lang, "wa.choose"), BODY_MAX)
        parts.extend(_text(piece) for piece in head)
        if len(choices) <= BUTTONS_MAX:
            parts.append(_buttons(body, choices))
        else:
            parts.append(_list(body, choices, lang))
    if reply.attachment is not None and not choices:
        parts.append(MediaPart(reply.attachment))
    return parts


def plan_replies(replies: Iterable[Reply], lang: str = "id") -> list[Part]:
    """Plan several replies, merging plain texts into the next message to send fewer."""
    parts: list[Part] = []
    pending: list[str] = []
    for reply in replies:
        if not reply.choices and reply.attachment is None:
            if reply.text.strip():
                pending.append(reply.text)
            continue
        if pending and reply.attachment is None:
            merged = "\n\n".join([*pending, reply.text])
            parts.extend(plan_reply(Reply(merged, reply.choices), lang))
        else:
            if pending:
                parts.extend(plan_reply(Reply("\n\n".join(pending)), lang))
            parts.extend(plan_reply(reply, lang))
        pending = []
    if pending:
        parts.extend(plan_reply(Reply("\n\n".join(pending)), lang))
    return parts


# -- pacing -----------------------------------------------------------------------------

Monotonic = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass
class _Slot:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0
    next_at: float = float("-inf")


class Pacer:
    """At most one message per `interval` seconds to one recipient; others wait in turn."""

    SWEEP_AT = 1024

    def __init__(self, interval: float, monotonic: Monotonic, sleep: Sleep) -> None:
        self.interval = interval
        self._monotonic = monotonic
        self._sleep = sleep
        self._slots: dict[str, _Slot] = {}

    def _slot(self, key: str) -> _Slot:
        slot = self._slots.get(key)
        if slot is None:
            if len(self._slots) >= self.SWEEP_AT:
                now = self._monotonic()
                for old in [k for k, s in self._slots.items() if not s.users and s.next_at <= now]:
                    del self._slots[old]
            slot = self._slots[key] = _Slot()
        return slot

    @contextlib.asynccontextmanager
    async def turn(self, key: str) -> AsyncIterator[None]:
        """Wait for this recipient's turn (FIFO), then hold it while one message is sent."""
        slot = self._slot(key)
        slot.users += 1
        try:
            async with slot.lock:
                while (wait := slot.next_at - self._monotonic()) > 0:
                    await self._sleep(wait)
                try:
                    yield
                finally:
                    # Counted from the end of the send: the next one leaves >= interval later.
                    slot.next_at = max(slot.next_at, self._monotonic() + self.interval)
        finally:
            slot.users -= 1

    def hold(self, key: str, seconds: float) -> None:
        """Send nothing more to this recipient for `seconds` (after a pair rate limit)."""
        slot = self._slot(key)
        slot.next_at = max(slot.next_at, self._monotonic() + seconds)


# -- the client ---------------------------------------------------------------------------


def recipient_field(address: str) -> JSON:
    """Address a phone number with `to`, a business-scoped user id with `recipient`."""
    return {"to": address} if address.isdigit() else {"recipient": address}


class WhatsAppClient:
    """A small async client for the Cloud API messages and media endpoints."""

    def __init__(
        self,
        base_url: str,
        phone_number_id: str,
        access_token: str,
        *,
        per_recipient_seconds: float = 6.0,
        http: httpx.AsyncClient | None = None,
        timeout: float = 20.0,
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        max_retries: int = 5,
        pair_backoff: float = 6.0,
        throughput_backoff: float = 1.0,
    ) -> None:
        self._base = base_url.rstrip("/")
        self.phone_number_id = phone_number_id
        self._own_http = http is None
        self._http = http or httpx.AsyncClient(timeout=timeout)
        self._headers = {"Authorization": f"Bearer {access_token}"}
        self._sleep = sleep
        self.pacer = Pacer(per_recipient_seconds, monotonic, sleep)
        self.max_retries = max_retries
        self.pair_backoff = pair_backoff
        self.throughput_backoff = throughput_backoff

    async def aclose(self) -> None:
        """Close the HTTP connections (when the client made them)."""
        if self._own_http:
            await self._http.aclose()

    async def _post(self, path: str, **kwargs: Any) -> JSON:
        url = f"{self._base}/{self.phone_number_id}/{path}"
        try:
            response = await self._http.post(url, headers=self._headers, **kwargs)
        except httpx.HTTPError as exc:  # connect errors, timeouts, broken connections
            raise GraphUnavailable(None, type(exc).__name__) from exc
        if response.status_code >= 400:
            raise graph_error(response)
        try:
            data = response.json()
        except ValueError:
            raise GraphUnavailable(None, "answer is not JSON", http_status=200) from None
        if not isinstance(data, dict):
            raise GraphUnavailable(None, "answer is not an object", http_status=200)
        return data

    async def send(self, address: str, message: JSON) -> str:
        """Send one message to `address`, paced and retried on rate limits; return its wamid."""
        body: JSON = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            **recipient_field(address),
            **message,
        }
        attempt = 0
        while True:
            try:
                async with self.pacer.turn(address):
                    data = await self._post("messages", json=body)
                return str(data["messages"][0]["id"])
            except PairRateLimited as exc:
                if attempt >= self.max_retries:
                    raise
                self.pacer.hold(address, exc.retry_after or self.pair_backoff * 2**attempt)
                log.info("whatsapp: pair rate limit, retry %d", attempt + 1)
            except (ThroughputLimited, GraphUnavailable) as exc:
                if attempt >= self.max_retries:
                    raise
                log.info("whatsapp: %s, retry %d", type(exc).__name__, attempt + 1)
                await self._sleep(exc.retry_after or self.throughput_backoff * 2**attempt)
            except (KeyError, IndexError, TypeError):
                raise GraphUnavailable(None, "answer without a message id") from None
            attempt += 1

    async def send_text(self, address: str, text: str) -> list[str]:
        """Send text, split under 4096 characters; return the wamids."""
        return [await self.send(address, _text(piece)) for piece in split_text(text)]

    async def send_buttons(self, address: str, body: str, choices: Sequence[Choice]) -> str:
        """Send up to three reply buttons under `body`."""
        if not 1 <= len(choices) <= BUTTONS_MAX:
            raise ValueError(f"reply buttons take 1 to {BUTTONS_MAX} choices")
        return await self.send(address, _buttons(body, choices))

    async def send_list(
        self, address: str, body: str, choices: Sequence[Choice], lang: str = "id"
    ) -> str:
        """Send a list message with up to ten rows under `body`."""
        if not 1 <= len(choices) <= LIST_ROWS_MAX:
            raise ValueError(f"a list takes 1 to {LIST_ROWS_MAX} choices")
        return await self.send(address, _list(body, choices, lang))

    async def upload_media(self, data: bytes, mime: str, filename: str) -> str:
        """Upload bytes to /media; return the media id to send."""
        answer = await self._post(
            "media",
            data={"messaging_product": "whatsapp", "type": mime},
            files={"file": (filename, data, mime)},
        )
        return str(answer["id"])

    async def send_media(
        self,
        address: str,
        kind: str,
        media_id: str,
        *,
        caption: str | None = None,
        filename: str | None = None,
    ) -> str:
        """Send an uploaded image or document."""
        if kind not in ("image", "document"):
            raise ValueError("kind must be image or document")
        media: JSON = {"id": media_id}
        if caption:
            media["caption"] = caption
        if filename and kind == "document":
            media["filename"] = filename
        return await self.send(address, {"type": kind, kind: media})

    async def send_attachment(
        self, address: str, attachment: Attachment, caption: str | None = None
    ) -> str:
        """Upload a file, then send it as an image or a document."""
        media_id = await self.upload_media(attachment.data, attachment.mime, attachment.filename)
        return await self.send_media(
            address,
            attachment.kind,
            media_id,
            caption=caption,
            filename=attachment.filename,
        )

    async def send_template(
        self,
        address: str,
        name: str,
        language: str,
        params: Sequence[str] = (),
        buttons: Sequence[str] = (),
    ) -> str:
        """Send an approved template: body parameters, then quick-reply payloads, in order."""
        template: JSON = {"name": name, "language": {"code": language}}
        components: list[JSON] = []
        if params:
            components.append(
                {
                    "type": "body",
                    "parameters": [{"type": "text", "text": template_value(p)} for p in params],
                }
            )
        for index, payload in enumerate(buttons):
            components.append(
                {
                    "type": "button",
                    "sub_type": "quick_reply",
                    "index": str(index),
                    "parameters": [{"type": "payload", "payload": payload}],
                }
            )
        if components:
            template["components"] = components
        return await self.send(address, {"type": "template", "template": template})

    async def send_replies(
        self, address: str, replies: Iterable[Reply], lang: str = "id"
    ) -> list[str]:
        """Send replies as few messages as the limits allow; return the wamids in order."""
        sent: list[str] = []
        for part in plan_replies(replies, lang):
            if isinstance(part, MediaPart):
                sent.append(await self.send_attachment(address, part.attachment, part.caption))
            else:
                sent.append(await self.send(address, part))
        return sent


# -- the webhook payload --------------------------------------------------------------------


@dataclass(frozen=True)
class StatusUpdate:
    """A sent/delivered/read/failed status of a message we sent."""

    wamid: str
    status: str
    recipient: str
    error_code: int | None = None
    error_title: str | None = None


def _contact_ids(value: JSON) -> dict[str, str]:
    """Map each contact's user id and wa_id to its preferred sender id (wa_id first)."""
    out: dict[str, str] = {}
    for contact in value.get("contacts") or []:
        if not isinstance(contact, dict):
            continue
        wa_id, user_id = contact.get("wa_id"), contact.get("user_id")
        preferred = wa_id or user_id
        if isinstance(preferred, str):
            for key in (wa_id, user_id):
                if isinstance(key, str):
                    out[key] = preferred
    return out


def message_event(message: JSON, contacts: dict[str, str]) -> Incoming | None:
    """Turn one webhook message into an Incoming event (None for reactions and the like)."""
    wamid = message.get("id")
    raw_from = message.get("from") or message.get("from_user_id")
    if not isinstance(wamid, str) or not isinstance(raw_from, str):
        return None
    # The sender is the phone wa_id when Meta gives one, else the business-scoped user id.
    sender = message.get("from") or contacts.get(raw_from, raw_from)
    assert isinstance(sender, str)
    base = Incoming(channel=CHANNEL, sender=sender, event_id=wamid, address=sender)
    kind = message.get("type")
    body = message.get(kind) if isinstance(kind, str) else None
    body = body if isinstance(body, dict) else {}
    if kind == "text":
        return _with(base, text=str(body.get("body", "")))
    if kind == "interactive":
        reply = body.get("button_reply") or body.get("list_reply")
        if isinstance(reply, dict) and isinstance(reply.get("id"), str):
            return _with(base, choice=reply["id"])
        return base
    if kind == "button":  # a template's quick-reply button: its payload (see template_params)
        payload = body.get("payload")
        if isinstance(payload, str) and payload.startswith("a:"):
            return _with(base, choice=payload)
        if isinstance(payload, str) and payload.startswith("/"):
            return _with(base, text=payload)
        return _with(base, text=str(body.get("text") or payload or ""))
    if kind == "image":
        return _with(base, photo=str(body.get("id")), text=body.get("caption"))
    if kind == "document":
        return _with(base, document=str(body.get("id")), text=body.get("caption"))
    if kind == "location":
        try:
            return _with(base, location=(float(body["latitude"]), float(body["longitude"])))
        except (KeyError, TypeError, ValueError):
            return base
    if kind in ("reaction", "system", "ephemeral", "request_welcome"):
        return None
    return base  # audio, video, sticker, contacts, unsupported: the router says what it takes


def _with(base: Incoming, **fields: Any) -> Incoming:
    values = {
        "channel": base.channel,
        "sender": base.sender,
        "event_id": base.event_id,
        "address": base.address,
        **fields,
    }
    return Incoming(**values)


def parse_webhook(
    payload: Any, phone_number_id: str | None = None
) -> tuple[list[Incoming], list[StatusUpdate]]:
    """Extract message events and statuses for our phone number from a webhook payload."""
    events: list[Incoming] = []
    statuses: list[StatusUpdate] = []
    if not isinstance(payload, dict):
        return events, statuses
    for entry in payload.get("entry") or []:
        for change in (entry or {}).get("changes") or []:
            value = (change or {}).get("value")
            if not isinstance(value, dict) or change.get("field") != "messages":
                continue
            metadata = value.get("metadata") or {}
            if phone_number_id and metadata.get("phone_number_id") not in (None, phone_number_id):
                continue  # another number of the same app
            contacts = _contact_ids(value)
            for message in value.get("messages") or []:
                if isinstance(message, dict) and (event := message_event(message, contacts)):
                    events.append(event)
            for status in value.get("statuses") or []:
                if isinstance(status, dict) and (update := _status(status)):
                    statuses.append(update)
    return events, statuses


def _status(raw: JSON) -> StatusUpdate | None:
    wamid, status = raw.get("id"), raw.get("status")
    recipient = raw.get("recipient_id") or raw.get("recipient_user_id") or ""
    if not isinstance(wamid, str) or not isinstance(status, str):
        return None
    code: int | None = None
    title: str | None = None
    errors = raw.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        raw_code = errors[0].get("code")
        code = raw_code if isinstance(raw_code, int) else None
        title = str(errors[0].get("title") or errors[0].get("message") or "")
    return StatusUpdate(wamid, status, str(recipient), code, title)


def signature_ok(body: bytes, header: str, app_secret: str) -> bool:
    """Check X-Hub-Signature-256 (HMAC-SHA256 of the raw body) in constant time."""
    if not app_secret or not header:
        return False
    expected = "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header.strip().encode("utf-8", "replace"))


# -- the channel ------------------------------------------------------------------------------


def inside_window(identity: Identity, now: datetime) -> bool:
    """Return True when free-form messages may still go to this identity (24-hour window)."""
    if not identity.last_inbound_at:
        return False
    return now - parse_ts(identity.last_inbound_at) < WINDOW - WINDOW_MARGIN


def _reply_text(replies: Iterable[Reply]) -> str:
    return "\n".join(r.text for r in replies)


class WhatsAppChannel:
    """The WhatsApp Cloud API as a Channel: webhook in, replies and outbox messages out."""

    name = CHANNEL
    ALIASES_KEPT = 10_000

    def __init__(
        self,
        config: WhatsAppConfig,
        *,
        db: Database | None = None,
        client: WhatsAppClient | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self.config = config
        self.db = db
        self.client = client or WhatsAppClient(
            config.graph_api_base_url,
            config.phone_number_id,
            config.access_token,
            per_recipient_seconds=config.per_recipient_seconds,
            http=http,
            monotonic=monotonic,
            sleep=sleep,
        )
        self._clock = clock
        self._on_event: EventHandler | None = None
        self._stopping = False
        self._in_flight = 0
        self._idle_intake = asyncio.Event()
        self._sender_locks: dict[str, tuple[asyncio.Lock, list[int]]] = {}
        self._queues: dict[str, deque[list[Reply]]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._told_error: OrderedDict[str, None] = OrderedDict()
        # Every wamid of a multi-message delivery -> the one stored as the outbox message_ref.
        self._aliases: OrderedDict[str, str] = OrderedDict()

    # -- Channel protocol

    async def start(self, on_event: EventHandler) -> None:
        """Take webhook events from now on (the routes are served by the web server)."""
        self._on_event = on_event
        self._stopping = False

    async def stop(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109 - bounded shutdown
        """Refuse new webhooks (503: Meta retries), finish those in flight and queued replies."""
        self._stopping = True
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._in_flight and loop.time() < deadline:
            self._idle_intake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._idle_intake.wait(), deadline - loop.time())
        if self._tasks:
            _, pending = await asyncio.wait(
                set(self._tasks), timeout=max(0.0, deadline - loop.time())
            )
            for task in pending:
                task.cancel()
            if pending:
                log.warning("whatsapp: %d reply queue(s) not finished at stop", len(pending))
                await asyncio.gather(*pending, return_exceptions=True)

    async def close(self) -> None:
        """Release the HTTP client (after the sender's last delivery pass)."""
        await self.client.aclose()

    async def deliver(self, message: Outbound) -> str | None:
        """Send an outbox message: free-form inside the 24-hour window, else its template."""
        identity = message.identity
        address = identity.address or identity.external_id
        if inside_window(identity, self._clock()):
            lang = await self._language(identity.member_id, message.replies)
            try:
                wamids = await self.client.send_replies(address, message.replies, lang)
            except OutsideWindow:
                log.info("whatsapp: window closed earlier than recorded; using the template")
            except WhatsAppError as exc:
                raise delivery_error(exc) from exc
            else:
                if not wamids:
                    return None
                self._remember(wamids)
                return wamids[-1]
        template = self.config.templates.get(message.kind)
        if template is None:
            raise DeliveryError(
                f"outside the 24-hour window, no [whatsapp.templates] entry for {message.kind!r}",
                permanent=True,
                held=True,
                code="no_template",
            )
        params, buttons = template_params(template, message)
        try:
            return await self.client.send_template(
                address, template.name, template.language, params, buttons
            )
        except WhatsAppError as exc:
            raise delivery_error(exc) from exc

    def routes(self) -> list[BaseRoute]:
        """Return the webhook routes to mount on the shared web server."""
        return [
            Route("/whatsapp", self.verify, methods=["GET"]),
            Route("/whatsapp", self.receive, methods=["POST"]),
        ]

    # -- webhook

    async def verify(self, request: Request) -> Response:
        """Answer Meta's subscription check with the challenge, or 403."""
        query = request.query_params
        token = query.get("hub.verify_token", "")
        expected = self.config.verify_token
        if (
            query.get("hub.mode") == "subscribe"
            and expected
            and hmac.compare_digest(token.encode(), expected.encode())
        ):
            return PlainTextResponse(query.get("hub.challenge", ""))
        return PlainTextResponse("forbidden", status_code=403)

    async def receive(self, request: Request) -> Response:
        """Verify the signature, handle the events, then answer (500 makes Meta redeliver)."""
        body = bytearray()
        async for chunk in request.stream():
            body.extend(chunk)
            if len(body) > MAX_WEBHOOK_BYTES:
                return PlainTextResponse("too large", status_code=413)
        raw = bytes(body)
        if not signature_ok(
            raw, request.headers.get("x-hub-signature-256", ""), self.config.app_secret
        ):
            log.warning("whatsapp: webhook with a bad signature refused")
            return PlainTextResponse("forbidden", status_code=403)
        if self._on_event is None or self._stopping:
            return PlainTextResponse("not ready", status_code=503)
        try:
            payload = json.loads(raw)
        except ValueError:
            return PlainTextResponse("bad json", status_code=400)
        events, statuses = parse_webhook(payload, self.config.phone_number_id)
        self._in_flight += 1
        try:
            await self.handle(events, statuses)
        except Exception as exc:  # nothing was acknowledged: Meta redelivers, dedup holds
            log.error("whatsapp: webhook handling failed: %s", describe(exc))
            return PlainTextResponse("error", status_code=500)
        finally:
            self._in_flight -= 1
            if not self._in_flight:
                self._idle_intake.set()
        return PlainTextResponse("ok")

    async def handle(self, events: Sequence[Incoming], statuses: Sequence[StatusUpdate]) -> None:
        """Handle message events in order per sender and apply delivery statuses."""
        for event in events:
            await self._handle_event(event)
        for status in statuses:
            await self._apply_status(status)

    async def _handle_event(self, event: Incoming) -> None:
        on_event = self._on_event
        assert on_event is not None
        async with self._sender_lock(event.sender):
            try:
                replies = await on_event(event)
            except Exception:
                self._tell_error_once(event)
                raise
        self.queue_replies(event.reply_address, replies)

    def _tell_error_once(self, event: Incoming) -> None:
        """Say sorry once per failing event, not on each of Meta's redeliveries."""
        if event.event_id in self._told_error:
            return
        self._told_error[event.event_id] = None
        while len(self._told_error) > 1000:
            self._told_error.popitem(last=False)
        self.queue_replies(event.reply_address, [Reply(t("id", "router.error"))])

    @contextlib.asynccontextmanager
    async def _sender_lock(self, sender: str) -> AsyncIterator[None]:
        """Serialise one sender's events in arrival order (asyncio locks are FIFO)."""
        lock, users = self._sender_locks.setdefault(sender, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                yield
        finally:
            users[0] -= 1
            if not users[0]:
                del self._sender_locks[sender]

    # -- sending replies in the background, in order per recipient

    def queue_replies(self, address: str, replies: list[Reply]) -> None:
        """Queue replies for one recipient; one worker per recipient sends them in order."""
        if not replies:
            return
        queue = self._queues.get(address)
        if queue is None:
            queue = self._queues[address] = deque()
            task = asyncio.create_task(self._drain(address, queue), name=f"wa-replies-{address}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        queue.append(replies)

    async def _drain(self, address: str, queue: deque[list[Reply]]) -> None:
        try:
            while queue:
                replies = queue[0]
                try:
                    lang = await self._language_of_address(address, replies)
                    await self.client.send_replies(address, replies, lang)
                except WhatsAppError as exc:
                    log.warning(
                        "whatsapp: reply not delivered: %s (code %s)",
                        type(exc).__name__,
                        getattr(exc, "code", None),
                    )
                except Exception as exc:
                    log.error("whatsapp: reply sending failed: %s", describe(exc))
                queue.popleft()
        finally:
            self._queues.pop(address, None)

    async def idle(self) -> None:
        """Wait until every queued reply was sent (for tests and shutdown)."""
        while self._tasks:
            await asyncio.gather(*set(self._tasks), return_exceptions=True)

    # -- language of list buttons and numbered hints

    async def _language(self, member_id: int, replies: Sequence[Reply]) -> str:
        if self.db is None or not any(len(r.choices) > BUTTONS_MAX for r in replies):
            return "id"
        async with self.db.read() as tx:
            member = await tx.members.get(member_id)
        return member.language if member else "id"

    async def _language_of_address(self, address: str, replies: Sequence[Reply]) -> str:
        if self.db is None or not any(len(r.choices) > BUTTONS_MAX for r in replies):
            return "id"
        async with self.db.read() as tx:
            member = await tx.members.by_identity(CHANNEL, address)
        return member.language if member else "id"

    # -- statuses

    def _remember(self, wamids: list[str]) -> None:
        for wamid in wamids[:-1]:
            self._aliases[wamid] = wamids[-1]
        while len(self._aliases) > self.ALIASES_KEPT:
            self._aliases.popitem(last=False)

    async def _apply_status(self, status: StatusUpdate) -> None:
        """Mark the outbox rows of a failed message failed, with the error code."""
        if status.status != "failed":
            return
        error = f"whatsapp {status.error_code}: {status.error_title or 'failed'}"
        if self.db is None:
            log.warning("whatsapp: message failed (%s), no database to record it", error)
            return
        ref = self._aliases.get(status.wamid, status.wamid)
        async with self.db.transaction() as tx:
            rows = await tx.outbox.by_message_ref(ref)
            if rows:
                await tx.outbox.mark_failed([r.id for r in rows], error=error)
            if status.error_code == 131026 and status.recipient:
                await tx.members.mark_unreachable(CHANNEL, status.recipient, ts(self._clock()))
        log.warning("whatsapp: delivery failed (%s); %d outbox row(s) marked", error, len(rows))


def template_params(template: WhatsAppTemplate, message: Outbound) -> tuple[list[str], list[str]]:
    """Return the template's body parameters and quick-reply payloads, in config order.

    A name in `params` is a body parameter from the outbox row (`text` is the whole
    rendered message on one line), except `choice1`..`choice3`, the ids of the message's
    tappable choices (e.g. "acknowledge"), and a `/command`, sent as it is: both become
    the payloads of the template's quick-reply buttons, in order.
    """
    available = dict(message.template_params)
    available.setdefault("text", _reply_text(message.replies))
    choices = [c for reply in message.replies for c in reply.choices]
    body: list[str] = []
    buttons: list[str] = []
    for name in template.params:
        if name.startswith("/"):
            buttons.append(name)
            continue
        if (match := re.fullmatch(r"choice([1-9])", name)) is not None:
            index = int(match.group(1)) - 1
            # Without that choice the button still opens the window (its text goes in).
            buttons.append(choices[index].id if index < len(choices) else "/menu")
            continue
        if name not in available:
            raise DeliveryError(
                f"template {template.name!r} needs {name!r}, which {message.kind!r} lacks",
                permanent=True,
                held=True,
                code="template_param",
            )
        body.append(template_value(str(available[name])))
    return body, buttons


def delivery_error(exc: WhatsAppError) -> DeliveryError:
    """Map a Graph API error to what the sender does: retry, fail, hold, stop sending."""
    code = str(exc.code) if exc.code is not None else None
    if isinstance(exc, ThroughputLimited | PairRateLimited):
        return DeliveryError(
            str(exc), permanent=False, retry_after=exc.retry_after or 60, code=code
        )
    if isinstance(exc, GraphUnavailable):
        return DeliveryError(str(exc), permanent=False, retry_after=exc.retry_after, code=code)
    if isinstance(exc, Undeliverable):
        return DeliveryError(str(exc), permanent=True, unreachable=True, code=code)
    if exc.code == 190 or exc.http_status == 401:  # the access token expired: fix, then resend
        return DeliveryError(str(exc), permanent=False, retry_after=300, code=code)
    if exc.code in TEMPLATE_ERRORS or isinstance(exc, OutsideWindow):
        return DeliveryError(str(exc), permanent=True, held=True, code=code)
    return DeliveryError(str(exc), permanent=True, code=code)
