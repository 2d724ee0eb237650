"""The one web server: `GET /healthz` plus whatever routes the channels contribute.

Channels that receive over HTTP implement `routes()` (see `HasRoutes` in
bot/channels/base.py): Telegram adds `POST /telegram` in webhook mode, WhatsApp adds
`GET/POST /whatsapp`. The runtime collects them before the server starts. Uvicorn
serves the app; it does not install signal handlers — the runtime owns SIGINT/SIGTERM
and stops the server as one step of its ordered shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Generator, Iterable, Sequence

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from storage import Database

log = logging.getLogger(__name__)

HEALTH_TIMEOUT = 2.0  # seconds; a database slower than this is reported unhealthy


def build_web_app(db: Database, routes: Iterable[BaseRoute] = ()) -> Starlette:
    """Return the starlette app: /healthz and the channels' routes."""

    async def healthz(request: Request) -> JSONResponse:
        """Answer 200 when the database answers, 503 otherwise."""
        try:
            ok = await asyncio.wait_for(db.ping(), HEALTH_TIMEOUT)
        except Exception:  # timed out, or closed (aiosqlite raises ValueError then)
            ok = False
        return JSONResponse({"ok": ok}, status_code=200 if ok else 503)

    mounted: list[BaseRoute] = [Route("/healthz", healthz, methods=["GET"])]
    mounted.extend(routes)
    _check_unique(mounted)
    return Starlette(routes=mounted)


def _check_unique(routes: Sequence[BaseRoute]) -> None:
    """Refuse two channels claiming the same path and method."""
    seen: set[tuple[str, str]] = set()
    for route in routes:
        if not isinstance(route, Route):
            continue
        for method in route.methods or ():
            key = (route.path, method)
            if key in seen:
                raise ValueError(f"route {method} {route.path} mounted twice")
            seen.add(key)


class _Server(uvicorn.Server):
    """Uvicorn without its own signal handlers: the runtime decides when to stop."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        """Leave SIGINT/SIGTERM to the runtime."""
        yield


class WebServer:
    """Serve a starlette app with uvicorn as a task; start() returns once listening."""

    def __init__(self, app: Starlette, host: str, port: int) -> None:
        """Prepare the server (port 0 picks a free port; see `port` after start)."""
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            loop="none",
            lifespan="off",
            access_log=False,  # paths and client addresses only, but nobody reads them
            log_level="warning",
            timeout_graceful_shutdown=10,
        )
        self._server = _Server(config)
        self._task: asyncio.Task[None] | None = None
        self.host = host
        self.port = port

    async def start(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109 - a startup bound
        """Start listening; raise RuntimeError when the address cannot be used."""
        self._task = asyncio.create_task(self._serve(), name="web-server")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self._server.started:
            if self._task.done():
                self._task = None
                raise RuntimeError(f"web server could not listen on {self.host}:{self.port}")
            if loop.time() > deadline:
                await self.stop()
                raise RuntimeError(f"web server did not start in {timeout}s")
            await asyncio.sleep(0.01)
        sockets = self._server.servers[0].sockets if self._server.servers else []
        if sockets:
            self.port = int(sockets[0].getsockname()[1])
        log.info("web server on http://%s:%s", self.host, self.port)

    async def _serve(self) -> None:
        """Run uvicorn; a failed bind ends it (uvicorn raises SystemExit for that)."""
        try:
            await self._server.serve()
        except SystemExit:
            log.error("web server: cannot listen on %s:%s", self.host, self.port)

    async def stop(self) -> None:
        """Finish open requests (up to the graceful timeout) and stop listening."""
        if self._task is None:
            return
        self._server.should_exit = True
        task, self._task = self._task, None
        await task
