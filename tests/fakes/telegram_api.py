"""A fake Telegram Bot API server for offline tests, served by uvicorn on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from email.parser import Parser
from email.policy import HTTP
from http import HTTPStatus
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

Params = dict[str, Any]
Handler = Callable[[Params], Awaitable[Any]]

# Values PTB sends as plain strings; everything else is JSON-encoded by PTB and decoded here.
_RAW_STRING_FIELDS = frozenset(
    {
        "text", "caption", "data", "query", "title", "description", "short_description",
        "name", "url", "parse_mode", "secret_token", "ip_address", "language_code", "emoji",
        "action", "callback_query_id", "inline_message_id", "file_id", "photo", "document",
        "audio", "video", "voice", "animation", "sticker", "thumbnail", "certificate",
    }
)  # fmt: skip

_DESCRIPTIONS = {
    400: "Bad Request: chat not found",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    409: "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
_BAD_QUERY_ID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
# A tiny valid PNG (1x1 pixel), the default content of pushed photos.
_PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082"
)


@dataclass
class UploadedFile:
    """A file part received in a multipart request."""

    filename: str | None
    content_type: str
    content: bytes


@dataclass
class Call:
    """One API request as the fake saw it (recorded on arrival)."""

    method: str
    params: Params
    at: float
    injected: str | None = None  # e.g. "429", "delay 0.5s", "delay 0.5s+500"
    status: int | None = None  # HTTP status answered; None while still being answered
    result: Any = None  # the `result` answered when ok, e.g. the sent Message dict


@dataclass
class _Fault:
    """A queued failure or delay for one request."""

    status: int | None = None
    retry_after: int = 1
    description: str | None = None
    delay: float = 0.0


class ApiError(Exception):
    """An error answer of the Bot API (turned into an `ok: false` response)."""

    def __init__(self, status: int, description: str, parameters: Params | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


class _Server(uvicorn.Server):
    """A uvicorn server that leaves the process's signal handlers alone."""

    def capture_signals(self) -> Any:
        """Do not install SIGINT/SIGTERM handlers: Ctrl-C must still stop pytest."""
        return contextlib.nullcontext()


@dataclass
class _State:
    """Bot-side state kept by the fake between requests."""

    updates: list[dict[str, Any]] = field(default_factory=list)
    history: dict[int, dict[str, Any]] = field(default_factory=dict)
    messages: dict[tuple[int | str, int], dict[str, Any]] = field(default_factory=dict)
    users: dict[int, str] = field(default_factory=dict)
    callback_ids: set[str] = field(default_factory=set)
    files: dict[str, bytes] = field(default_factory=dict)
    commands: dict[tuple[str, str], list[Any]] = field(default_factory=dict)
    menu_buttons: dict[str, Any] = field(default_factory=dict)
    webhook_url: str = ""


class FakeTelegramServer:
    """Fake Bot API: `async with FakeTelegramServer() as srv: Bot(token, base_url=srv.base_url)`."""

    def __init__(self, token: str = "123:ABC", *, start_timeout: float = 5.0) -> None:
        """Prepare the fake; the server starts in `__aenter__`."""
        self.token = token
        self.calls: list[Call] = []
        self.state = _State()
        head = token.split(":", 1)[0]
        self.bot_user: dict[str, Any] = {
            "id": int(head) if head.isdigit() else 123456,
            "is_bot": True,
            "first_name": "Pokmas Test Bot",
            "username": "pokmas_test_bot",
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.base_url = ""
        self.base_file_url = ""
        self._start_timeout = start_timeout
        self._next_update_id = 1000
        self._next_message_id = 1
        self._next_file = 1
        self._faults: dict[str, deque[_Fault]] = {}
        self._calls_changed = asyncio.Condition()
        # Called (synchronously) with each call once it is answered: status and result set.
        # Cheaper than wait_for() for drivers with many simulated users (bench/).
        self.listeners: list[Callable[[Call], None]] = []
        self._update_event = asyncio.Event()  # replaced (after being set) at each push
        self._poll_generation = 0
        self._closing = asyncio.Event()
        self._server: _Server | None = None
        self._task: asyncio.Task[None] | None = None
        handlers: dict[str, Handler] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "answerCallbackQuery": self._answer_callback_query,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "setMyCommands": self._set_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "getMyCommands": self._get_my_commands,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "getFile": self._get_file,
            "setChatMenuButton": self._set_chat_menu_button,
            "getChatMenuButton": self._get_chat_menu_button,
            "close": self._true,
            "logOut": self._true,
            "sendChatAction": self._true,
            "deleteMessage": self._true,
        }
        self._handlers = {name.lower(): fn for name, fn in handlers.items()}
        self._app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._handle_api, methods=["GET", "POST"]),
                Route("/file/bot{token}/{path:path}", self._handle_file, methods=["GET"]),
            ]
        )

    # ------------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> FakeTelegramServer:
        """Start uvicorn as a task on a free port and wait until it accepts connections."""
        config = uvicorn.Config(
            self._app,
            host="127.0.0.1",
            port=0,
            loop="none",
            lifespan="off",
            http="h11",
            ws="none",
            log_level="warning",
            timeout_graceful_shutdown=2,
        )
        self._server = _Server(config)
        self._task = asyncio.create_task(self._server.serve(), name="fake-telegram-api")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._start_timeout
        while not self._server.started:
            if self._task.done():
                await self._task  # surfaces the startup error, if any
                raise RuntimeError("fake Telegram server stopped during startup")
            if loop.time() > deadline:
                await self._stop()
                raise RuntimeError(f"fake Telegram server not started in {self._start_timeout}s")
            await asyncio.sleep(0.005)
        port = self._server.servers[0].sockets[0].getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}/bot"
        self.base_file_url = f"http://127.0.0.1:{port}/file/bot"
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Release pending long polls and stop the server."""
        await self._stop()

    async def _stop(self) -> None:
        """Ask uvicorn to exit and wait for its task."""
        self._closing.set()
        self._wake_pollers()
        if self._server is not None:
            self._server.should_exit = True
        if self._task is not None:
            await self._task
            self._task = None

    # ------------------------------------------------------------------ test helpers: updates

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue a raw Update dict (adds update_id if missing; a given one is kept, even twice)."""
        update = dict(update)
        if "update_id" not in update:
            update["update_id"] = self._next_update_id
        update_id = int(update["update_id"])
        self._next_update_id = max(self._next_update_id, update_id + 1)
        callback = update.get("callback_query")
        if isinstance(callback, dict) and "id" in callback:
            self.state.callback_ids.add(str(callback["id"]))
        self.state.updates.append(update)
        self.state.history[update_id] = update
        self._wake_pollers()
        return update_id

    def push_duplicate(self, update_id: int) -> int:
        """Queue again an update pushed earlier, with the same update_id."""
        return self.push_update(self.state.history[update_id])

    def push_message(self, user_id: int, text: str, *, first_name: str = "Tester") -> int:
        """Queue a private text message from a user; `/cmd ...` gets a bot_command entity."""
        message = self._user_message(user_id, first_name)
        message["text"] = text
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            length = len(command.encode("utf-16-le")) // 2  # Telegram counts UTF-16 units
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self.push_update({"message": message})

    def push_photo(
        self,
        user_id: int,
        file_id: str,
        *,
        caption: str | None = None,
        content: bytes = _PNG_1X1,
        first_name: str = "Tester",
    ) -> int:
        """Queue a photo from a user; `file_id` is the largest size and getFile serves it."""
        self.state.files[file_id] = content
        message = self._user_message(user_id, first_name)
        message["photo"] = _photo_sizes(file_id, len(content))
        if caption is not None:
            message["caption"] = caption
        return self.push_update({"message": message})

    def push_callback(
        self,
        user_id: int,
        data: str,
        message_id: int | None = None,
        *,
        first_name: str = "Tester",
    ) -> int:
        """Queue a callback query (inline button press) on a bot message."""
        self.state.users.setdefault(user_id, first_name)
        message = self.state.messages.get((user_id, message_id or 0))
        if message is None:  # unknown message: make up a plausible bot message
            message = self._bot_message(user_id, text="…", message_id=message_id)
        query_id = f"cbq{self._next_update_id}"
        callback = {
            "id": query_id,
            "from": _user(user_id, first_name),
            "message": message,
            "chat_instance": f"ci{user_id}",
            "data": data,
        }
        return self.push_update({"callback_query": callback})

    # ------------------------------------------------------------------ test helpers: calls

    def calls_of(self, method: str) -> list[Call]:
        """Recorded calls of one method (case-insensitive, as Telegram is)."""
        return [c for c in self.calls if c.method.lower() == method.lower()]

    def sent_texts(self, chat_id: int | str) -> list[str]:
        """Texts sent (sendMessage) or edited in (editMessageText) a chat, failures excluded."""
        methods = {"sendmessage", "editmessagetext"}
        return [
            str(c.params.get("text", ""))
            for c in self.calls
            if c.method.lower() in methods
            and str(c.params.get("chat_id")) == str(chat_id)
            and (c.status is None or c.status < 400)
        ]

    async def wait_for(
        self,
        predicate: Callable[[Call], bool],
        *,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline is this helper's point
    ) -> list[Call]:
        """Wait until `count` recorded calls match `predicate`; return all matching calls."""

        def matching() -> list[Call]:
            return [c for c in self.calls if predicate(c)]

        async with self._calls_changed:
            try:
                async with asyncio.timeout(timeout):
                    await self._calls_changed.wait_for(lambda: len(matching()) >= count)
            except TimeoutError:
                seen = Counter(c.method for c in self.calls)
                listing = ", ".join(f"{m}×{n}" for m, n in seen.items()) or "none"
                raise AssertionError(
                    f"timed out after {timeout}s waiting for {count} matching call(s); "
                    f"got {len(matching())}; calls seen: {listing}"
                ) from None
        return matching()

    async def wait_for_call(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        *,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline is this helper's point
    ) -> list[Call]:
        """Wait for `count` calls of `method` (optionally matching `predicate`); return them."""
        return await self.wait_for(
            lambda c: c.method.lower() == method.lower() and (predicate is None or predicate(c)),
            count=count,
            timeout=timeout,
        )

    # ------------------------------------------------------------------ test helpers: faults

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 1,
        count: int = 1,
        description: str | None = None,
    ) -> None:
        """Answer the next `count` calls of `method` with an error (429, 500, 403, 400...)."""
        fault = _Fault(status=status, retry_after=retry_after, description=description)
        self._faults.setdefault(method.lower(), deque()).extend([fault] * count)

    def delay_next(self, method: str, seconds: float, *, count: int = 1) -> None:
        """Answer the next `count` calls of `method` only after `seconds` (a slow network)."""
        self._faults.setdefault(method.lower(), deque()).extend([_Fault(delay=seconds)] * count)

    # ------------------------------------------------------------------ HTTP layer

    async def _handle_api(self, request: Request) -> Response:
        """Route `/bot<token>/<method>` to its handler, applying injected faults."""
        method = request.path_params["method"]
        params = await _read_params(request)
        if request.path_params["token"] != self.token:
            return await self._answer(Call(method, params, time.time()), error=ApiError(401, ""))
        key = method.lower()
        handler = self._handlers.get(key)
        if handler is None:
            error = ApiError(400, "Bad Request: method not found")
            return await self._answer(Call(method, params, time.time()), error=error)
        faults = self._faults.get(key)
        fault = faults.popleft() if faults else None
        call = Call(method, params, time.time(), injected=_describe(fault))
        if fault is not None and fault.status is not None:
            return await self._answer(call, error=_fault_error(fault), delay=fault.delay)
        delay = fault.delay if fault is not None else 0.0
        await self._record(call)
        try:
            result = await handler(params)
        except ApiError as exc:
            return await self._answer(call, error=exc, delay=delay, recorded=True)
        except (KeyError, ValueError, TypeError) as exc:
            error = ApiError(400, f"Bad Request: invalid parameters ({exc!r})")
            return await self._answer(call, error=error, delay=delay, recorded=True)
        return await self._answer(call, result=result, delay=delay, recorded=True)

    async def _answer(
        self,
        call: Call,
        *,
        result: Any = None,
        error: ApiError | None = None,
        delay: float = 0.0,
        recorded: bool = False,
    ) -> Response:
        """Record `call` (if not yet), wait `delay`, and answer in Bot API form."""
        call.status = error.status if error is not None else 200
        call.result = copy.deepcopy(result)  # later edits must not rewrite history
        if not recorded:
            await self._record(call)
        else:  # recorded on arrival; wake waiters again now that status and result are set
            async with self._calls_changed:
                self._calls_changed.notify_all()
        for listener in self.listeners:
            listener(call)
        if delay > 0:  # a slow network; cut short when the server stops
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), delay)
        if error is None:
            return JSONResponse({"ok": True, "result": result})
        body: dict[str, Any] = {
            "ok": False,
            "error_code": error.status,
            "description": error.description or _DESCRIPTIONS.get(error.status, "Error"),
        }
        if error.parameters:
            body["parameters"] = error.parameters
        return JSONResponse(body, status_code=error.status)

    async def _record(self, call: Call) -> None:
        """Append a call and wake the waiters."""
        self.calls.append(call)
        async with self._calls_changed:
            self._calls_changed.notify_all()

    async def _handle_file(self, request: Request) -> Response:
        """Serve `/file/bot<token>/<file_path>` for files known to the fake."""
        if request.path_params["token"] != self.token:
            return Response(status_code=401)
        file_id = request.path_params["path"].rsplit("/", 1)[-1]
        content = self.state.files.get(file_id)
        if content is None:
            return Response(status_code=404)
        return Response(content, media_type="application/octet-stream")

    # ------------------------------------------------------------------ Bot API methods

    async def _true(self, params: Params) -> bool:
        """Methods whose result is just True."""
        return True

    async def _get_me(self, params: Params) -> dict[str, Any]:
        """getMe: the bot user."""
        return self.bot_user

    async def _get_updates(self, params: Params) -> list[dict[str, Any]]:
        """getUpdates: long polling with offset, limit and timeout."""
        if self.state.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        self._poll_generation += 1
        generation = self._poll_generation
        self._wake_pollers()  # an older pending poll is terminated, as Telegram does
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(float(params.get("timeout") or 0), 0.0)
        while True:
            if generation != self._poll_generation:
                raise ApiError(409, _DESCRIPTIONS[409])
            self._confirm(offset)
            if self.state.updates or self._closing.is_set():
                return self.state.updates[:limit]
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            try:
                await asyncio.wait_for(self._update_event.wait(), remaining)
            except TimeoutError:
                pass

    async def _send_message(self, params: Params) -> dict[str, Any]:
        """sendMessage: a new bot message."""
        text = str(params.get("text", ""))
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        message = self._bot_message(_chat_id(params), text=text)
        _set_markup(message, params.get("reply_markup"))
        return message

    async def _edit_message_text(self, params: Params) -> dict[str, Any] | bool:
        """editMessageText: update a bot message's text (and markup)."""
        if "inline_message_id" in params:
            return True
        message = self._message_to_edit(params)
        old = (message.get("text"), message.get("reply_markup"))
        message["text"] = str(params["text"])
        _set_markup(message, params.get("reply_markup"))
        if (message.get("text"), message.get("reply_markup")) == old:
            raise ApiError(400, _NOT_MODIFIED)
        message["edit_date"] = int(time.time())
        return message

    async def _edit_message_reply_markup(self, params: Params) -> dict[str, Any] | bool:
        """editMessageReplyMarkup: replace (or remove) a message's inline keyboard."""
        if "inline_message_id" in params:
            return True
        message = self._message_to_edit(params)
        old = message.get("reply_markup")
        _set_markup(message, params.get("reply_markup"))
        if message.get("reply_markup") == old:
            raise ApiError(400, _NOT_MODIFIED)
        message["edit_date"] = int(time.time())
        return message

    async def _answer_callback_query(self, params: Params) -> bool:
        """answerCallbackQuery: only ids of pushed callback queries are valid."""
        if str(params.get("callback_query_id")) not in self.state.callback_ids:
            raise ApiError(400, _BAD_QUERY_ID)
        return True

    async def _send_document(self, params: Params) -> dict[str, Any]:
        """sendDocument: a bot message with a Document; uploads become downloadable files."""
        document = params["document"]
        file_id, size, name = self._store_upload(document)
        message = self._bot_message(_chat_id(params), caption=params.get("caption"))
        message["document"] = {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": name or "document",
            "mime_type": getattr(document, "content_type", "application/octet-stream"),
            "file_size": size,
        }
        _set_markup(message, params.get("reply_markup"))
        return message

    async def _send_photo(self, params: Params) -> dict[str, Any]:
        """sendPhoto: a bot message with PhotoSizes; uploads become downloadable files."""
        file_id, size, _ = self._store_upload(params["photo"])
        message = self._bot_message(_chat_id(params), caption=params.get("caption"))
        message["photo"] = _photo_sizes(file_id, size)
        _set_markup(message, params.get("reply_markup"))
        return message

    async def _set_my_commands(self, params: Params) -> bool:
        """setMyCommands: stored per scope and language."""
        self.state.commands[_commands_key(params)] = list(params["commands"])
        return True

    async def _delete_my_commands(self, params: Params) -> bool:
        """deleteMyCommands: forget the commands of a scope and language."""
        self.state.commands.pop(_commands_key(params), None)
        return True

    async def _get_my_commands(self, params: Params) -> list[Any]:
        """getMyCommands: the commands of a scope and language."""
        return self.state.commands.get(_commands_key(params), [])

    async def _set_webhook(self, params: Params) -> bool:
        """setWebhook: remember the URL (getUpdates then answers 409, as Telegram does)."""
        self.state.webhook_url = str(params.get("url") or "")
        if params.get("drop_pending_updates"):
            self.state.updates.clear()
        return True

    async def _delete_webhook(self, params: Params) -> bool:
        """deleteWebhook: forget the URL, optionally dropping pending updates."""
        self.state.webhook_url = ""
        if params.get("drop_pending_updates"):
            self.state.updates.clear()
        return True

    async def _get_webhook_info(self, params: Params) -> dict[str, Any]:
        """getWebhookInfo: URL and pending update count."""
        info: dict[str, Any] = {
            "url": self.state.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.state.updates),
        }
        if self.state.webhook_url:
            info["max_connections"] = 40
        return info

    async def _get_file(self, params: Params) -> dict[str, Any]:
        """getFile: a File whose file_path the file route serves."""
        file_id = str(params.get("file_id"))
        content = self.state.files.get(file_id)
        if content is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(content),
            "file_path": f"files/{file_id}",
        }

    async def _set_chat_menu_button(self, params: Params) -> bool:
        """setChatMenuButton: stored per chat ("" is the default button)."""
        self.state.menu_buttons[str(params.get("chat_id", ""))] = params.get("menu_button")
        return True

    async def _get_chat_menu_button(self, params: Params) -> Any:
        """getChatMenuButton: the stored button, else the commands menu."""
        stored = self.state.menu_buttons.get(str(params.get("chat_id", "")))
        return stored or {"type": "commands"}

    # ------------------------------------------------------------------ internals

    def _wake_pollers(self) -> None:
        """Wake every pending getUpdates (they re-check the queue)."""
        event, self._update_event = self._update_event, asyncio.Event()
        event.set()

    def _confirm(self, offset: int) -> None:
        """Forget updates confirmed by `offset` (negative: keep only the last -offset)."""
        if offset > 0:
            self.state.updates = [u for u in self.state.updates if u["update_id"] >= offset]
        elif offset < 0:
            self.state.updates = self.state.updates[offset:]

    def _new_message_id(self) -> int:
        """Next message_id (one counter for every chat)."""
        self._next_message_id += 1
        return self._next_message_id - 1

    def _chat(self, chat_id: int | str) -> dict[str, Any]:
        """A Chat object: private for positive ids, a group otherwise."""
        if isinstance(chat_id, int) and chat_id > 0:
            name = self.state.users.get(chat_id, "Tester")
            return {"id": chat_id, "type": "private", "first_name": name}
        numeric = chat_id if isinstance(chat_id, int) else -1000000000001
        return {"id": numeric, "type": "supergroup", "title": "Test group"}

    def _user_message(self, user_id: int, first_name: str) -> dict[str, Any]:
        """A message skeleton sent by a user in their private chat."""
        self.state.users[user_id] = first_name
        message: dict[str, Any] = {
            "message_id": self._new_message_id(),
            "date": int(time.time()),
            "chat": self._chat(user_id),
            "from": _user(user_id, first_name),
        }
        self.state.messages[(user_id, message["message_id"])] = message
        return message

    def _bot_message(
        self,
        chat_id: int | str,
        *,
        text: str | None = None,
        caption: Any = None,
        message_id: int | None = None,
    ) -> dict[str, Any]:
        """A message sent by the bot, stored so it can be edited later."""
        message: dict[str, Any] = {
            "message_id": message_id or self._new_message_id(),
            "date": int(time.time()),
            "chat": self._chat(chat_id),
            "from": {k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")},
        }
        if text is not None:
            message["text"] = text
        if caption is not None:
            message["caption"] = str(caption)
        self.state.messages[(chat_id, message["message_id"])] = message
        return message

    def _message_to_edit(self, params: Params) -> dict[str, Any]:
        """The stored message named by chat_id/message_id (made up if unknown)."""
        chat_id, message_id = _chat_id(params), int(params["message_id"])
        stored = self.state.messages.get((chat_id, message_id))
        return stored or self._bot_message(chat_id, message_id=message_id)

    def _store_upload(self, value: Any) -> tuple[str, int, str | None]:
        """Keep an uploaded file (or look up a file_id): (file_id, size, file name)."""
        if isinstance(value, UploadedFile):
            file_id = f"file{self._next_file}"
            self._next_file += 1
            self.state.files[file_id] = value.content
            return file_id, len(value.content), value.filename
        file_id = str(value)
        return file_id, len(self.state.files.get(file_id, b"")), None


# ---------------------------------------------------------------------- module helpers


async def _read_params(request: Request) -> Params:
    """Parameters of a request: query string, then urlencoded, multipart or JSON body."""
    params: Params = {k: _decode(k, v) for k, v in request.query_params.items()}
    content_type = request.headers.get("content-type", "")
    body = await request.body()
    if not body:
        return params
    if content_type.startswith("application/json"):
        params.update(json.loads(body))
    elif content_type.startswith("multipart/form-data"):
        params.update(_parse_multipart(content_type, body))
    else:
        pairs = parse_qsl(body.decode(), keep_blank_values=True)
        params.update({k: _decode(k, v) for k, v in pairs})
    return params


def _parse_multipart(content_type: str, body: bytes) -> Params:
    """Parse multipart/form-data (stdlib only: python-multipart is not a dependency)."""
    boundary = Parser(policy=HTTP).parsestr(f"Content-Type: {content_type}\n\n")
    delimiter = b"--" + str(boundary.get_param("boundary")).encode()
    params: Params = {}
    for part in body.split(delimiter)[1:-1]:  # skip preamble and the closing "--"
        head, _, content = part.removeprefix(b"\r\n").removesuffix(b"\r\n").partition(b"\r\n\r\n")
        headers = Parser(policy=HTTP).parsestr(head.decode("utf-8") + "\n\n")
        name = str(headers.get_param("name", header="content-disposition"))
        filename = headers.get_filename()
        if filename is None and headers.get("content-type") is None:
            params[name] = _decode(name, content.decode("utf-8"))
        else:
            params[name] = UploadedFile(filename, headers.get_content_type(), content)
    return params


def _decode(key: str, value: str) -> Any:
    """Decode a JSON-encoded form value (numbers, booleans, objects, arrays) unless textual."""
    if key in _RAW_STRING_FIELDS:
        return value
    try:
        decoded = json.loads(value)
    except ValueError:
        return value
    return value if isinstance(decoded, str) or decoded is None else decoded


def _describe(fault: _Fault | None) -> str | None:
    """How an injected fault is shown in `Call.injected`."""
    if fault is None:
        return None
    parts = [f"delay {fault.delay}s"] if fault.delay or fault.status is None else []
    if fault.status is not None:
        parts.append(str(fault.status))
    return "+".join(parts)


def _fault_error(fault: _Fault) -> ApiError:
    """The error answer of an injected failure."""
    status = fault.status or 500
    if status == 429:
        description = fault.description or f"Too Many Requests: retry after {fault.retry_after}"
        return ApiError(429, description, {"retry_after": fault.retry_after})
    fallback = _DESCRIPTIONS.get(status) or HTTPStatus(status).phrase
    return ApiError(status, fault.description or fallback)


def _chat_id(params: Params) -> int | str:
    """The chat_id parameter (int, or "@channel")."""
    chat_id = params.get("chat_id")
    if chat_id is None or chat_id == "":
        raise ApiError(400, "Bad Request: chat_id is empty")
    return chat_id if isinstance(chat_id, int | str) else str(chat_id)


def _user(user_id: int, first_name: str) -> dict[str, Any]:
    """A User object for a human tester."""
    return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "id"}


def _photo_sizes(file_id: str, size: int) -> list[dict[str, Any]]:
    """PhotoSizes as Telegram sends them: a thumbnail first, the largest (file_id) last."""
    return [
        {"file_id": f"{file_id}-thumb", "file_unique_id": f"u{file_id}-thumb",
         "width": 90, "height": 90, "file_size": min(size, 1000)},
        {"file_id": file_id, "file_unique_id": f"u{file_id}",
         "width": 800, "height": 600, "file_size": size},
    ]  # fmt: skip


def _set_markup(message: dict[str, Any], markup: Any) -> None:
    """Attach an inline keyboard to a message (other markups are not echoed by Telegram)."""
    if isinstance(markup, dict) and markup.get("inline_keyboard"):
        message["reply_markup"] = {"inline_keyboard": markup["inline_keyboard"]}
    else:
        message.pop("reply_markup", None)


def _commands_key(params: Params) -> tuple[str, str]:
    """Key of a command list: scope (default if absent) and language code."""
    scope = params.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")
