"""Fake WhatsApp Cloud API (Graph API) server and webhook helpers for offline tests."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import itertools
import json
import re
import secrets
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from typing import Any, NamedTuple, TypedDict

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

JSON = dict[str, Any]

DEFAULT_PHONE_NUMBER_ID = "1234567890"
DEFAULT_DISPLAY_PHONE_NUMBER = "6281100001111"
DEFAULT_WABA_ID = "102290129340398"
ERROR_CODES_HREF = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"

_VERSION_RE = re.compile(r"v\d+\.\d+")
_MESSAGE_TYPES = ("text", "interactive", "image", "document", "template")
_STATUSES = ("sent", "delivered", "read", "failed")

# Text limits from Meta's Cloud API message reference.
TEXT_BODY_MAX = 4096
MEDIA_CAPTION_MAX = 1024
INTERACTIVE_BODY_MAX = 1024
INTERACTIVE_HEADER_MAX = 60
INTERACTIVE_FOOTER_MAX = 60
BUTTONS_MAX = 3
BUTTON_TITLE_MAX = 20
BUTTON_ID_MAX = 256
LIST_BUTTON_MAX = 20
LIST_SECTIONS_MAX = 10
LIST_ROWS_MAX = 10
LIST_SECTION_TITLE_MAX = 24
LIST_ROW_ID_MAX = 200
LIST_ROW_TITLE_MAX = 24
LIST_ROW_DESCRIPTION_MAX = 72


class GraphErrorSpec(NamedTuple):
    """HTTP status, title and details Meta sends for one error code."""

    http_status: int
    title: str
    details: str


# Error codes that fail_next() can inject; HTTP statuses follow Meta's error-code table.
GRAPH_ERRORS: dict[int, GraphErrorSpec] = {
    131047: GraphErrorSpec(
        400,
        "Re-engagement message",
        "Message failed to send because more than 24 hours have passed since the customer "
        "last replied to this number.",
    ),
    130429: GraphErrorSpec(400, "Rate limit hit", "Cloud API message throughput has been reached."),
    131056: GraphErrorSpec(
        400,
        "(Business Account, Consumer Account) pair rate limit hit",
        "Message failed to send because there were too many messages sent from this phone "
        "number to the same phone number in a short period of time.",
    ),
    131026: GraphErrorSpec(400, "Message undeliverable", "Message Undeliverable."),
    131000: GraphErrorSpec(
        500, "Something went wrong", "Message failed to send due to an unknown error."
    ),
}
# fail_next(500) is shorthand for Meta's generic internal error 131000.
_FAULT_ALIASES = {500: 131000}


class SentMessage(TypedDict):
    """One accepted POST /messages send."""

    body: JSON
    to: str
    type: str
    wamid: str
    timestamp: float


class RejectedCall(TypedDict):
    """One request answered with a Graph error."""

    path: str
    body: Any
    status: int
    code: int
    timestamp: float


class ReadReceipt(TypedDict):
    """One mark-as-read call."""

    body: JSON
    message_id: str
    timestamp: float


@dataclass(frozen=True)
class UploadedMedia:
    """Bytes stored by POST /media (or add_media)."""

    id: str
    data: bytes
    mime_type: str
    filename: str | None
    timestamp: float

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the stored bytes."""
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class _Fault:
    code: int
    remaining: int
    to: str | None


@dataclass
class _Delay:
    seconds: float
    remaining: int


@dataclass
class _Part:
    data: bytes
    filename: str | None = None
    content_type: str | None = None


class GraphError(Exception):
    """A Graph API error answered to the client."""

    def __init__(
        self, status: int, code: int, message: str, details: str | None = None, **extra: Any
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.extra = extra

    def body(self) -> JSON:
        """The JSON body Meta would send for this error."""
        return graph_error_body(self.code, self.message, self.details, **self.extra)


def graph_error_body(code: int, message: str, details: str | None = None, **extra: Any) -> JSON:
    """Build a Graph API error body ({"error": {...}})."""
    error: JSON = {"message": message, "type": "OAuthException", "code": code}
    error.update(extra)
    if details is not None:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details}
    error["fbtrace_id"] = "A" + secrets.token_urlsafe(16)
    return {"error": error}


def _invalid(details: str) -> GraphError:
    return GraphError(400, 131009, "(#131009) Parameter value is not valid", details)


def _bad_param(details: str) -> GraphError:
    return GraphError(400, 100, f"(#100) {details}", details)


def _check_text(
    value: Any, path: str, max_len: int, *, required: bool = True, code: int = 131009
) -> None:
    """Check one string field against Meta's length limit."""
    if value is None:
        if required:
            raise _bad_param(f"The parameter {path} is required.")
        return
    if not isinstance(value, str):
        raise _bad_param(f"Param {path} must be a string.")
    make = _invalid if code == 131009 else _bad_param
    if not value:
        raise make(f"Param {path} must not be empty (min length: 1).")
    if len(value) > max_len:
        raise make(f"Param {path} is {len(value)} characters long; max length: {max_len}.")


def _obj(value: Any, path: str) -> JSON:
    if not isinstance(value, dict):
        raise _bad_param(f"The parameter {path} is required.")
    return value


def _items(value: Any, path: str, max_items: int) -> list[Any]:
    if not isinstance(value, list) or not value:
        raise _bad_param(f"The parameter {path} is required (at least 1 item).")
    if len(value) > max_items:
        raise _invalid(f"Param {path} has {len(value)} items; max items: {max_items}.")
    return value


def _check_unique(values: list[str], path: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise _invalid(f"Param {path} must be unique; duplicate value: {value!r}.")
        seen.add(value)


def _check_media(obj: Any, path: str) -> None:
    media = _obj(obj, path)
    if ("id" in media) == ("link" in media):
        raise _bad_param(f"Param {path} must have exactly one of 'id' or 'link'.")


def _check_interactive(raw: Any) -> None:
    """Validate an interactive button or list message."""
    inter = _obj(raw, "interactive")
    kind = inter.get("type")
    if kind not in ("button", "list"):
        raise _invalid(f"Param interactive.type must be 'button' or 'list', got {kind!r}.")
    _check_text(_obj(inter.get("body"), "interactive.body").get("text"),
                "interactive.body.text", INTERACTIVE_BODY_MAX)
    if "footer" in inter:
        _check_text(_obj(inter["footer"], "interactive.footer").get("text"),
                    "interactive.footer.text", INTERACTIVE_FOOTER_MAX)
    if "header" in inter:
        header = _obj(inter["header"], "interactive.header")
        if header.get("type") == "text":
            _check_text(header.get("text"), "interactive.header.text", INTERACTIVE_HEADER_MAX)
        elif kind == "button" and header.get("type") in ("image", "document", "video"):
            _check_media(header.get(header["type"]), f"interactive.header.{header['type']}")
        else:
            raise _invalid(f"Param interactive.header.type {header.get('type')!r} not allowed.")
    action = _obj(inter.get("action"), "interactive.action")
    if kind == "button":
        _check_buttons(action)
    else:
        _check_list(action)


def _check_buttons(action: JSON) -> None:
    buttons = _items(action.get("buttons"), "interactive.action.buttons", BUTTONS_MAX)
    ids: list[str] = []
    titles: list[str] = []
    for i, button in enumerate(buttons):
        path = f"interactive.action.buttons[{i}]"
        if _obj(button, path).get("type") != "reply":
            raise _invalid(f"Param {path}.type must be 'reply'.")
        reply = _obj(button.get("reply"), f"{path}.reply")
        _check_text(reply.get("id"), f"{path}.reply.id", BUTTON_ID_MAX)
        _check_text(reply.get("title"), f"{path}.reply.title", BUTTON_TITLE_MAX)
        ids.append(reply["id"])
        titles.append(reply["title"])
    _check_unique(ids, "interactive.action.buttons[].reply.id")
    _check_unique(titles, "interactive.action.buttons[].reply.title")


def _check_list(action: JSON) -> None:
    _check_text(action.get("button"), "interactive.action.button", LIST_BUTTON_MAX)
    sections = _items(action.get("sections"), "interactive.action.sections", LIST_SECTIONS_MAX)
    row_ids: list[str] = []
    for i, raw_section in enumerate(sections):
        path = f"interactive.action.sections[{i}]"
        section = _obj(raw_section, path)
        _check_text(section.get("title"), f"{path}.title", LIST_SECTION_TITLE_MAX,
                    required=len(sections) > 1)
        rows = section.get("rows")
        if not isinstance(rows, list) or not rows:
            raise _bad_param(f"The parameter {path}.rows is required (at least 1 item).")
        for j, raw_row in enumerate(rows):
            row_path = f"{path}.rows[{j}]"
            row = _obj(raw_row, row_path)
            _check_text(row.get("id"), f"{row_path}.id", LIST_ROW_ID_MAX)
            _check_text(row.get("title"), f"{row_path}.title", LIST_ROW_TITLE_MAX)
            _check_text(row.get("description"), f"{row_path}.description",
                        LIST_ROW_DESCRIPTION_MAX, required=False)
            row_ids.append(row["id"])
    if len(row_ids) > LIST_ROWS_MAX:
        raise _invalid(
            f"Param interactive.action.sections has {len(row_ids)} rows in total; "
            f"max rows: {LIST_ROWS_MAX}."
        )
    _check_unique(row_ids, "interactive.action.sections[].rows[].id")


def validate_send(body: JSON) -> tuple[str, str]:
    """Validate a send body like the Cloud API; return (recipient, type) or raise GraphError."""
    if body.get("messaging_product") != "whatsapp":
        raise _bad_param("The parameter messaging_product is required and must be 'whatsapp'.")
    recipient = body.get("to") or body.get("recipient")
    if not isinstance(recipient, str) or not recipient:
        raise _bad_param("The parameter to is required.")
    if body.get("recipient_type", "individual") != "individual":
        raise _bad_param("Param recipient_type must be 'individual'.")
    kind = body.get("type", "text")
    if kind not in _MESSAGE_TYPES:
        raise _bad_param(f"Param type must be one of {', '.join(_MESSAGE_TYPES)}.")
    if kind == "text":
        text = _obj(body.get("text"), "text")
        _check_text(text.get("body"), "text.body", TEXT_BODY_MAX, code=100)
    elif kind == "interactive":
        _check_interactive(body.get("interactive"))
    elif kind in ("image", "document"):
        _check_media(body.get(kind), kind)
        _check_text(body[kind].get("caption"), f"{kind}.caption", MEDIA_CAPTION_MAX,
                    required=False)
    else:
        template = _obj(body.get("template"), "template")
        _check_text(template.get("name"), "template.name", 512)
        _check_text(_obj(template.get("language"), "template.language").get("code"),
                    "template.language.code", 15)
    return recipient, kind


def _parse_multipart(content_type: str, body: bytes) -> dict[str, _Part]:
    """Parse a multipart/form-data body (python-multipart is not a dependency)."""
    header = Message()
    header["content-type"] = content_type
    boundary = header.get_param("boundary")
    if header.get_content_type() != "multipart/form-data" or not isinstance(boundary, str):
        raise _bad_param("Request must be multipart/form-data.")
    parts: dict[str, _Part] = {}
    for segment in body.split(b"--" + boundary.encode("latin-1"))[1:]:
        if segment.startswith(b"--"):
            break
        head, sep, data = segment.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        if not sep:
            raise _bad_param("Malformed multipart body.")
        headers: dict[str, str] = {}
        for line in head.decode("latin-1").split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        disposition = Message()
        disposition["content-disposition"] = headers.get("content-disposition", "")
        name = disposition.get_param("name", header="content-disposition")
        filename = disposition.get_param("filename", header="content-disposition")
        if isinstance(name, str):
            parts[name] = _Part(
                data=data.removesuffix(b"\r\n"),
                filename=filename if isinstance(filename, str) else None,
                content_type=headers.get("content-type"),
            )
    return parts


def _new_wamid(recipient: str) -> str:
    raw = f"{recipient}:{uuid.uuid4().hex.upper()}".encode()
    return "wamid." + base64.b64encode(raw).decode("ascii")


class _Server(uvicorn.Server):
    """uvicorn.Server that leaves signal handlers alone and stops without polling."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.exit_requested = asyncio.Event()

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """Do not hijack SIGINT/SIGTERM from the test runner."""
        yield

    async def main_loop(self) -> None:
        """Set the default headers once, then wait for stop()."""
        await self.on_tick(0)
        await self.exit_requested.wait()


class FakeGraphServer:
    """In-process fake of the WhatsApp Cloud API messages and media endpoints."""

    def __init__(
        self,
        phone_number_id: str = DEFAULT_PHONE_NUMBER_ID,
        access_token: str = "test-token",
        *,
        startup_timeout: float = 5.0,
    ) -> None:
        self.phone_number_id = phone_number_id
        self.access_token = access_token
        self.startup_timeout = startup_timeout
        self.messages: list[SentMessage] = []
        self.rejected: list[RejectedCall] = []
        self.read_receipts: list[ReadReceipt] = []
        self.media: dict[str, UploadedMedia] = {}
        self._faults: list[_Fault] = []
        self._delays: list[_Delay] = []
        self._media_ids = itertools.count(1037543291543636)
        self._cond: asyncio.Condition | None = None
        self._server: _Server | None = None
        self._task: asyncio.Task[None] | None = None
        self._port: int | None = None
        self.app = Starlette(
            routes=[
                Route("/{version}/{node_id}/messages", self._messages, methods=["POST"]),
                Route("/{version}/{node_id}/media", self._upload_media, methods=["POST"]),
                Route("/media-download/{media_id}", self._media_download, methods=["GET"]),
                Route("/{version}/{media_id}", self._media_info, methods=["GET"]),
            ]
        )

    # Lifecycle

    @property
    def base_url(self) -> str:
        """Root URL such as http://127.0.0.1:PORT (no version segment)."""
        if self._port is None:
            raise RuntimeError("FakeGraphServer is not running")
        return f"http://127.0.0.1:{self._port}"

    @property
    def messages_url(self) -> str:
        """Full messages endpoint URL using API version v21.0."""
        return f"{self.base_url}/v21.0/{self.phone_number_id}/messages"

    @property
    def media_url(self) -> str:
        """Full media upload endpoint URL using API version v21.0."""
        return f"{self.base_url}/v21.0/{self.phone_number_id}/media"

    async def start(self) -> None:
        """Start uvicorn on 127.0.0.1 with an OS-chosen port and wait until it serves."""
        loop = asyncio.get_running_loop()
        self._cond = asyncio.Condition()
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=0, lifespan="off", log_level="warning",
            access_log=False, http="h11", ws="none", timeout_graceful_shutdown=2,
        )
        server = self._server = _Server(config)
        self._task = asyncio.create_task(server.serve(), name="fake-graph-api")
        deadline = loop.time() + self.startup_timeout
        while not server.started:
            if self._task.done():
                await self._task  # re-raise the startup error
                raise RuntimeError("uvicorn exited before starting")
            if loop.time() > deadline:
                await self.stop()
                raise TimeoutError(f"fake Graph API not started within {self.startup_timeout}s")
            await asyncio.sleep(0.005)
        self._port = server.servers[0].sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Ask uvicorn to exit and wait for it; force it after a grace period."""
        server, task = self._server, self._task
        if server is None or task is None:
            return
        server.should_exit = True
        server.exit_requested.set()
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout=5.0)
        except TimeoutError:
            server.force_exit = True
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        finally:
            self._server = self._task = None
            self._port = None

    async def __aenter__(self) -> FakeGraphServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # Test controls

    def fail_next(self, code: int, *, count: int = 1, to: str | None = None) -> None:
        """Answer the next `count` sends (optionally only to `to`) with Graph error `code`."""
        code = _FAULT_ALIASES.get(code, code)
        if code not in GRAPH_ERRORS:
            raise ValueError(f"unsupported fault code {code}; known: {sorted(GRAPH_ERRORS)}")
        self._faults.append(_Fault(code, count, to))

    def delay_next(self, seconds: float, *, count: int = 1) -> None:
        """Delay the answer to the next `count` requests by `seconds`."""
        self._delays.append(_Delay(seconds, count))

    def add_media(self, data: bytes, mime_type: str, filename: str | None = None) -> str:
        """Store media as if a user had sent it; return its media id."""
        media_id = str(next(self._media_ids))
        self.media[media_id] = UploadedMedia(media_id, data, mime_type, filename, time.monotonic())
        return media_id

    def messages_to(self, to: str) -> list[SentMessage]:
        """Accepted messages addressed to `to` (phone number or BSUID)."""
        return [m for m in self.messages if m["to"] == to]

    async def wait_for_messages(
        self,
        count: int,
        to: str | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - enforced with asyncio.timeout below
    ) -> list[SentMessage]:
        """Wait until at least `count` messages (to `to`, if given) were accepted."""
        if self._cond is None:
            raise RuntimeError("FakeGraphServer is not running")

        def matching() -> list[SentMessage]:
            return self.messages if to is None else self.messages_to(to)

        async with self._cond:
            try:
                async with asyncio.timeout(timeout):
                    await self._cond.wait_for(lambda: len(matching()) >= count)
            except TimeoutError:
                seen = [(m["to"], m["type"], _summary(m["body"])) for m in self.messages]
                raise AssertionError(
                    f"expected {count} message(s){f' to {to}' if to else ''} within {timeout}s, "
                    f"got {len(matching())}; all seen: {seen}; rejected: "
                    f"{[(r['status'], r['code']) for r in self.rejected]}"
                ) from None
        return matching()

    # Request handling

    async def _before(self, request: Request) -> None:
        """Apply injected delays, then check version and token."""
        if self._delays:
            delay = self._delays[0]
            delay.remaining -= 1
            if delay.remaining <= 0:
                self._delays.pop(0)
            await asyncio.sleep(delay.seconds)
        version = request.path_params.get("version")
        if version is not None and not _VERSION_RE.fullmatch(version):
            raise GraphError(400, 2500, f"Unknown path components: /{version}")
        if request.headers.get("authorization") != f"Bearer {self.access_token}":
            raise GraphError(
                401, 190, "Invalid OAuth access token - Cannot parse access token", None
            )
        node_id = request.path_params.get("node_id")
        if node_id is not None and node_id != self.phone_number_id:
            raise GraphError(
                400, 100,
                f"Unsupported post request. Object with ID '{node_id}' does not exist, "
                "cannot be loaded due to missing permissions, or does not support this operation.",
                None, error_subcode=33,
            )

    def _reject(self, request: Request, body: Any, error: GraphError) -> JSONResponse:
        self.rejected.append(RejectedCall(
            path=request.url.path, body=body, status=error.status, code=error.code,
            timestamp=time.monotonic(),
        ))
        return JSONResponse(error.body(), status_code=error.status)

    def _take_fault(self, recipient: str) -> GraphError | None:
        for fault in self._faults:
            if fault.to is None or fault.to == recipient:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                spec = GRAPH_ERRORS[fault.code]
                return GraphError(
                    spec.http_status, fault.code, f"(#{fault.code}) {spec.title}", spec.details
                )
        return None

    async def _messages(self, request: Request) -> Response:
        body: Any = None
        try:
            await self._before(request)
            try:
                body = json.loads(await request.body())
            except ValueError:
                raise _bad_param("Request body must be valid JSON.") from None
            if not isinstance(body, dict):
                raise _bad_param("Request body must be a JSON object.")
            if body.get("status") == "read":
                return self._mark_read(body)
            recipient, kind = validate_send(body)
            fault = self._take_fault(recipient)
            if fault is not None:
                raise fault
        except GraphError as error:
            return self._reject(request, body, error)
        wamid = _new_wamid(recipient)
        self.messages.append(SentMessage(
            body=body, to=recipient, type=kind, wamid=wamid, timestamp=time.monotonic()
        ))
        assert self._cond is not None
        async with self._cond:
            self._cond.notify_all()
        # A send addressed by BSUID ("recipient") echoes user_id instead of wa_id.
        contact = {"input": recipient, "wa_id": recipient}
        if not body.get("to"):
            contact = {"input": recipient, "user_id": recipient}
        return JSONResponse({
            "messaging_product": "whatsapp",
            "contacts": [contact],
            "messages": [{"id": wamid}],
        })

    def _mark_read(self, body: JSON) -> Response:
        if body.get("messaging_product") != "whatsapp":
            raise _bad_param("The parameter messaging_product is required and must be 'whatsapp'.")
        message_id = body.get("message_id")
        if not isinstance(message_id, str) or not message_id:
            raise _bad_param("The parameter message_id is required.")
        self.read_receipts.append(
            ReadReceipt(body=body, message_id=message_id, timestamp=time.monotonic())
        )
        return JSONResponse({"success": True})

    async def _upload_media(self, request: Request) -> Response:
        try:
            await self._before(request)
            form = _parse_multipart(request.headers.get("content-type", ""), await request.body())
            product = form.get("messaging_product")
            if product is None or product.data != b"whatsapp":
                raise _bad_param("The parameter messaging_product is required.")
            upload = form.get("file")
            if upload is None or not upload.data:
                raise _bad_param("The parameter file is required.")
            mime = form.get("type")
            if mime is None or not mime.data:
                raise _bad_param("The parameter type is required.")
        except GraphError as error:
            return self._reject(request, None, error)
        media_id = self.add_media(upload.data, mime.data.decode(), upload.filename)
        return JSONResponse({"id": media_id})

    async def _media_info(self, request: Request) -> Response:
        try:
            await self._before(request)
            item = self.media.get(request.path_params["media_id"])
            if item is None:
                raise GraphError(400, 100, "(#100) Invalid parameter", "Media not found.")
        except GraphError as error:
            return self._reject(request, None, error)
        return JSONResponse({
            "messaging_product": "whatsapp",
            "url": f"{self.base_url}/media-download/{item.id}",
            "mime_type": item.mime_type,
            "sha256": item.sha256,
            "file_size": len(item.data),
            "id": item.id,
        })

    async def _media_download(self, request: Request) -> Response:
        try:
            await self._before(request)
            item = self.media.get(request.path_params["media_id"])
            if item is None:
                raise GraphError(404, 100, "(#100) Invalid parameter", "Media not found.")
        except GraphError as error:
            return self._reject(request, None, error)
        return Response(item.data, media_type=item.mime_type)


def _summary(body: JSON) -> str:
    """Short human description of a send body for assertion messages."""
    kind = body.get("type")
    if kind == "text":
        return repr(str(body.get("text", {}).get("body", ""))[:40])
    if kind == "interactive":
        inter = body.get("interactive", {})
        return f"{inter.get('type')}:{str(inter.get('body', {}).get('text', ''))[:40]!r}"
    return str(kind)


# Webhook payload builders


def _envelope(value: JSON, phone_number_id: str) -> JSON:
    value = {
        "messaging_product": "whatsapp",
        "metadata": {
            "display_phone_number": DEFAULT_DISPLAY_PHONE_NUMBER,
            "phone_number_id": phone_number_id,
        },
        **value,
    }
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": DEFAULT_WABA_ID, "changes": [{"value": value, "field": "messages"}]}],
    }


def _inbound(
    from_wa_id: str | None,
    fields: JSON,
    *,
    wamid: str | None,
    user_id: str | None,
    name: str,
    username: str | None,
    timestamp: int | None,
    phone_number_id: str,
) -> JSON:
    """Envelope for one incoming user message; BSUID fields are user_id / from_user_id."""
    if from_wa_id is None and user_id is None:
        raise ValueError("need from_wa_id, user_id or both")
    profile: JSON = {"name": name}
    if username is not None:
        profile["username"] = username
    contact: JSON = {"profile": profile}
    message: JSON = {}
    if from_wa_id is not None:
        contact["wa_id"] = from_wa_id
        message["from"] = from_wa_id
    if user_id is not None:
        contact["user_id"] = user_id
        message["from_user_id"] = user_id
    message["id"] = wamid or _new_wamid(from_wa_id or str(user_id))
    message["timestamp"] = str(int(time.time()) if timestamp is None else timestamp)
    message.update(fields)
    return _envelope({"contacts": [contact], "messages": [message]}, phone_number_id)


def _context(context_wamid: str | None) -> JSON:
    return {"from": DEFAULT_DISPLAY_PHONE_NUMBER, "id": context_wamid or _new_wamid("bot")}


def build_text_message(
    from_wa_id: str | None,
    text: str,
    *,
    wamid: str | None = None,
    user_id: str | None = None,
    name: str = "Tester",
    username: str | None = None,
    timestamp: int | None = None,
    phone_number_id: str = DEFAULT_PHONE_NUMBER_ID,
) -> JSON:
    """Webhook envelope for an incoming text message."""
    return _inbound(
        from_wa_id, {"type": "text", "text": {"body": text}}, wamid=wamid, user_id=user_id,
        name=name, username=username, timestamp=timestamp, phone_number_id=phone_number_id,
    )


def build_button_reply(
    from_wa_id: str | None,
    reply_id: str,
    title: str,
    *,
    context_wamid: str | None = None,
    wamid: str | None = None,
    user_id: str | None = None,
    name: str = "Tester",
    username: str | None = None,
    timestamp: int | None = None,
    phone_number_id: str = DEFAULT_PHONE_NUMBER_ID,
) -> JSON:
    """Webhook envelope for a tap on a reply button."""
    fields: JSON = {
        "context": _context(context_wamid),
        "type": "interactive",
        "interactive": {"type": "button_reply", "button_reply": {"id": reply_id, "title": title}},
    }
    return _inbound(
        from_wa_id, fields, wamid=wamid, user_id=user_id, name=name, username=username,
        timestamp=timestamp, phone_number_id=phone_number_id,
    )


def build_list_reply(
    from_wa_id: str | None,
    reply_id: str,
    title: str,
    description: str | None = None,
    *,
    context_wamid: str | None = None,
    wamid: str | None = None,
    user_id: str | None = None,
    name: str = "Tester",
    username: str | None = None,
    timestamp: int | None = None,
    phone_number_id: str = DEFAULT_PHONE_NUMBER_ID,
) -> JSON:
    """Webhook envelope for a choice from a list message."""
    reply: JSON = {"id": reply_id, "title": title}
    if description is not None:
        reply["description"] = description
    fields: JSON = {
        "context": _context(context_wamid),
        "type": "interactive",
        "interactive": {"type": "list_reply", "list_reply": reply},
    }
    return _inbound(
        from_wa_id, fields, wamid=wamid, user_id=user_id, name=name, username=username,
        timestamp=timestamp, phone_number_id=phone_number_id,
    )


def build_image_message(
    from_wa_id: str | None,
    media_id: str,
    caption: str | None = None,
    *,
    mime_type: str = "image/jpeg",
    sha256: str | None = None,
    wamid: str | None = None,
    user_id: str | None = None,
    name: str = "Tester",
    username: str | None = None,
    timestamp: int | None = None,
    phone_number_id: str = DEFAULT_PHONE_NUMBER_ID,
) -> JSON:
    """Webhook envelope for an incoming image (fetch bytes via GET /{version}/{media_id})."""
    image: JSON = {}
    if caption is not None:
        image["caption"] = caption
    image.update({
        "mime_type": mime_type,
        "sha256": sha256 or base64.b64encode(hashlib.sha256(media_id.encode()).digest()).decode(),
        "id": media_id,
    })
    return _inbound(
        from_wa_id, {"type": "image", "image": image}, wamid=wamid, user_id=user_id, name=name,
        username=username, timestamp=timestamp, phone_number_id=phone_number_id,
    )


def build_status(
    wamid: str,
    recipient_id: str | None,
    status: str,
    *,
    error_code: int | None = None,
    recipient_user_id: str | None = None,
    timestamp: int | None = None,
    phone_number_id: str = DEFAULT_PHONE_NUMBER_ID,
) -> JSON:
    """Webhook envelope for a sent/delivered/read/failed status of an outgoing message."""
    if status not in _STATUSES:
        raise ValueError(f"status must be one of {_STATUSES}")
    if (status == "failed") != (error_code is not None):
        raise ValueError("error_code is required for, and only for, status 'failed'")
    if recipient_id is None and recipient_user_id is None:
        raise ValueError("need recipient_id, recipient_user_id or both")
    ts = int(time.time()) if timestamp is None else timestamp
    entry: JSON = {"id": wamid, "status": status, "timestamp": str(ts)}
    if recipient_id is not None:
        entry["recipient_id"] = recipient_id
    if recipient_user_id is not None:
        entry["recipient_user_id"] = recipient_user_id
    value: JSON = {"statuses": [entry]}
    if error_code is not None:
        spec = GRAPH_ERRORS.get(_FAULT_ALIASES.get(error_code, error_code))
        title = spec.title if spec else "Unknown error"
        entry["errors"] = [{
            "code": error_code,
            "title": title,
            "message": title,
            "error_data": {"details": spec.details if spec else title},
            "href": ERROR_CODES_HREF,
        }]
        return _envelope(value, phone_number_id)
    conversation: JSON = {"id": hashlib.sha256(wamid.encode()).hexdigest()[:32],
                          "origin": {"type": "service"}}
    if status == "sent":
        conversation["expiration_timestamp"] = str(ts + 24 * 3600)
    entry["conversation"] = conversation
    entry["pricing"] = {"billable": True, "pricing_model": "PMP", "category": "service",
                        "type": "free_customer_service"}
    if recipient_user_id is not None:
        # Sent/delivered/read statuses carry a contacts array once BSUIDs are enabled.
        contact: JSON = {"user_id": recipient_user_id}
        if recipient_id is not None:
            contact = {"wa_id": recipient_id, **contact}
        value = {"contacts": [contact], **value}
    return _envelope(value, phone_number_id)


# Webhook signing


def sign_payload(body: bytes, app_secret: str) -> str:
    """X-Hub-Signature-256 header value for `body` ("sha256=" + hex HMAC-SHA256)."""
    digest = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


async def post_webhook(
    client: httpx.AsyncClient,
    url: str,
    payload: JSON,
    app_secret: str,
    *,
    signature: str | None = None,
) -> httpx.Response:
    """POST `payload` the way Meta does: serialised once, signed over the exact bytes sent."""
    # Meta escapes non-ASCII as \\uXXXX, so verifiers must hash raw bytes, never re-dumped JSON.
    body = json.dumps(payload, separators=(",", ":")).encode("ascii")
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "facebookexternalua",
        "X-Hub-Signature-256": signature if signature is not None else sign_payload(
            body, app_secret
        ),
    }
    return await client.post(url, content=body, headers=headers)
