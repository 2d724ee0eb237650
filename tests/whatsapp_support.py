"""Helpers for the WhatsApp tests: virtual time, a local uvicorn server, a chat driver."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
import re
import tomllib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from starlette.types import ASGIApp

from bot.channels.whatsapp import WhatsAppChannel
from bot.config import Config, ServerConfig, WhatsAppConfig, parse_config
from tests.fakes.graph_api import (
    FakeGraphServer,
    SentMessage,
    build_button_reply,
    build_image_message,
    build_list_reply,
    build_text_message,
    post_webhook,
)

APP_SECRET = "app-secret-for-tests"
VERIFY_TOKEN = "verify-token-for-tests"
ACCESS_TOKEN = "test-token"


TEMPLATES_DOC = Path(__file__).resolve().parent.parent / "docs" / "whatsapp-templates.md"


def doc_templates() -> dict[str, Any]:
    """Return the `[whatsapp.templates]` table of docs/whatsapp-templates.md, as TOML data."""
    block = re.search(r"```toml\n(.*?)```", TEMPLATES_DOC.read_text(), re.S)
    assert block is not None, "the config block of docs/whatsapp-templates.md is missing"
    templates: dict[str, Any] = tomllib.loads(block.group(1))["whatsapp"]["templates"]
    return templates


def full_config(tmp_path: Path, graph: FakeGraphServer, **whatsapp: Any) -> Config:
    """A validated config: Telegram off, WhatsApp at the fake server with the documented
    templates, no pacing unless asked, the web server on a free port."""
    data = {
        "database": {"path": str(tmp_path / "bot.db")},
        "telegram": {"enabled": False},
        "whatsapp": {
            "enabled": True,
            "phone_number_id": graph.phone_number_id,
            "business_number": "+62 811-0000-1111",
            "access_token": ACCESS_TOKEN,
            "app_secret": APP_SECRET,
            "verify_token": VERIFY_TOKEN,
            "graph_api_base_url": f"{graph.base_url}/v21.0",
            "per_recipient_seconds": 0,
            "templates": doc_templates(),
            **whatsapp,
        },
    }
    config = parse_config(data, env={})
    return dataclasses.replace(config, server=ServerConfig(host="127.0.0.1", port=0))


def wa_config(graph: FakeGraphServer, **overrides: Any) -> WhatsAppConfig:
    """Return a WhatsApp config pointing at the fake Graph server (no pacing unless asked)."""
    values: dict[str, Any] = {
        "enabled": True,
        "phone_number_id": graph.phone_number_id,
        "access_token": ACCESS_TOKEN,
        "app_secret": APP_SECRET,
        "verify_token": VERIFY_TOKEN,
        "graph_api_base_url": f"{graph.base_url}/v21.0",
        "per_recipient_seconds": 0.0,
    }
    values.update(overrides)
    return WhatsAppConfig(**values)


class FakeTime:
    """Virtual monotonic time: a sleep lets ready tasks run, then jumps to its wake-up time."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        wake = self.now + max(0.0, seconds)
        for _ in range(20):  # what is ready to run now runs before the clock moves
            await asyncio.sleep(0)
        self.now = max(self.now, wake)


class ScaledTime:
    """Time that runs `factor` times faster than the wall clock (6 s of it = 6/factor s)."""

    def __init__(self, factor: float) -> None:
        self.factor = factor
        self.sleeps: list[float] = []
        self._loop_time = asyncio.get_running_loop().time

    def monotonic(self) -> float:
        return self._loop_time() * self.factor

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        await asyncio.sleep(seconds / self.factor)


class _Server(uvicorn.Server):
    """uvicorn.Server that leaves the test runner's signal handlers alone."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@contextlib.asynccontextmanager
async def serve(app: ASGIApp) -> AsyncIterator[str]:
    """Serve an ASGI app with uvicorn on 127.0.0.1 (a free port); yield its base URL."""
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        lifespan="off",
        log_level="warning",
        access_log=False,
        http="h11",
        ws="none",
        timeout_graceful_shutdown=2,
    )
    server = _Server(config)
    task = asyncio.create_task(server.serve())
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 5
    while not server.started:
        if task.done():
            await task
            raise RuntimeError("uvicorn exited before starting")
        if loop.time() > deadline:
            raise TimeoutError("uvicorn did not start")
        await asyncio.sleep(0.005)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=10)


def bodies(messages: list[SentMessage]) -> list[str]:
    """Return the visible text of each sent message (text body, interactive body, caption)."""
    out = []
    for m in messages:
        body = m["body"]
        if m["type"] == "text":
            out.append(body["text"]["body"])
        elif m["type"] == "interactive":
            out.append(body["interactive"]["body"]["text"])
        elif m["type"] in ("image", "document"):
            out.append(body[m["type"]].get("caption", ""))
        else:
            out.append("")
    return out


def offered(message: SentMessage) -> list[tuple[str, str]]:
    """Return the (id, title) options of an interactive message (or numbered text lines)."""
    body = message["body"]
    if message["type"] == "interactive":
        inter = body["interactive"]
        if inter["type"] == "button":
            return [(b["reply"]["id"], b["reply"]["title"]) for b in inter["action"]["buttons"]]
        return [
            (row["id"], row["title"])
            for section in inter["action"]["sections"]
            for row in section["rows"]
        ]
    if message["type"] == "text":
        lines = re.findall(r"^(\d+)\. (.+)$", body["text"]["body"], re.MULTILINE)
        return [(f"#{n}", label) for n, label in lines]
    return []


class WaUser:
    """A WhatsApp user talking to the bot through the signed webhook and the fake server."""

    _ids = itertools.count(1)

    def __init__(
        self,
        http: httpx.AsyncClient,
        url: str,
        graph: FakeGraphServer,
        channel: WhatsAppChannel,
        wa_id: str | None,
        *,
        user_id: str | None = None,
    ) -> None:
        self.http = http
        self.url = url
        self.graph = graph
        self.channel = channel
        self.wa_id = wa_id
        self.user_id = user_id
        self.address = wa_id or user_id or ""
        self.seen = 0
        self.last: list[SentMessage] = []

    def _wamid(self) -> str:
        return f"wamid.test{next(self._ids):08d}"

    async def post(self, payload: dict[str, Any]) -> httpx.Response:
        """Post a signed webhook, then wait for every reply it caused to be sent."""
        response = await post_webhook(self.http, self.url, payload, APP_SECRET)
        assert response.status_code == 200, response.text
        await self.channel.idle()
        mine = self.graph.messages_to(self.address)
        self.last = mine[self.seen :]
        self.seen = len(mine)
        return response

    async def say(self, text: str, *, wamid: str | None = None) -> list[str]:
        """Send a text message; return the texts of the bot's answers."""
        payload = build_text_message(
            self.wa_id, text, wamid=wamid or self._wamid(), user_id=self.user_id
        )
        await self.post(payload)
        return self.texts

    async def photo(self, media_id: str) -> list[str]:
        """Send an image message."""
        payload = build_image_message(
            self.wa_id, media_id, wamid=self._wamid(), user_id=self.user_id
        )
        await self.post(payload)
        return self.texts

    def options(self) -> list[tuple[str, str]]:
        """Return the options of the last message that offered any."""
        for message in reversed(self.last):
            if found := offered(message):
                return found
        raise AssertionError(f"no options offered; last: {self.texts}")

    def last_kind(self) -> str:
        """Return 'button', 'list' or 'text' for the last message that offered options."""
        for message in reversed(self.last):
            if offered(message):
                if message["type"] == "interactive":
                    return str(message["body"]["interactive"]["type"])
                return "text"
        raise AssertionError("no options offered")

    def _find(self, label_part: str) -> tuple[int, str, str]:
        for index, (option_id, title) in enumerate(self.options()):
            if label_part.casefold() in title.casefold():
                return index, option_id, title
        raise AssertionError(f"no option like {label_part!r}; offered {self.options()}")

    async def tap(self, label_part: str) -> list[str]:
        """Tap a reply button or a list row whose title contains `label_part`."""
        _, option_id, title = self._find(label_part)
        if self.last_kind() == "button":
            payload = build_button_reply(
                self.wa_id, option_id, title, wamid=self._wamid(), user_id=self.user_id
            )
        elif self.last_kind() == "list":
            payload = build_list_reply(
                self.wa_id, option_id, title, wamid=self._wamid(), user_id=self.user_id
            )
        else:
            raise AssertionError("the last options are numbered text: type the number")
        await self.post(payload)
        return self.texts

    async def tap_template_button(self, text: str, payload: str) -> list[str]:
        """Tap a quick-reply button of a template (a `button` message with its payload)."""
        tap = build_text_message(self.wa_id, "-", wamid=self._wamid(), user_id=self.user_id)
        message = tap["entry"][0]["changes"][0]["value"]["messages"][0]
        message.pop("text")
        message.update(type="button", button={"text": text, "payload": payload})
        await self.post(tap)
        return self.texts

    async def type_number(self, label_part: str) -> list[str]:
        """Type the number of the option whose title contains `label_part`."""
        index, _, _ = self._find(label_part)
        return await self.say(str(index + 1))

    @property
    def texts(self) -> list[str]:
        """Return the visible texts of the bot's last answers."""
        return bodies(self.last)

    @property
    def text(self) -> str:
        """Return the bot's last answers as one string."""
        return "\n".join(self.texts)
