"""The playground's web server (aiohttp): the page, its files, and one websocket per tab.

Why aiohttp: one small, well-kept library gives the HTTP server, the websocket server and the
websocket client (the tests and the Chromium driver use it), with no other framework. It is the
``web`` extra (``pip install 'neuroflow[web]'``) and is imported only by this module.

Each websocket is one session: its own data, network and training task. The task trains in
slices of ``SLICE_S`` seconds on the event loop (so tabs take turns and messages are served
between slices) and sends a snapshot at most every ``SNAPSHOT_S`` seconds. A closed tab cancels
its task; at most ``max_sessions`` sessions run at once, and the configuration limits bound
the memory of each.
"""

import asyncio
import contextlib
import json
import pathlib
import threading
import time
import webbrowser

import aiohttp
from aiohttp import web

from .config import ACTIVATIONS, DEFAULTS, LIMITS, OPTIMIZERS, REGULARIZERS
from .datasets import FEATURES, available
from .session import Session

__all__ = ["MAX_SESSIONS", "RUNNERS", "make_app", "serve", "serve_in_thread"]

STATIC = pathlib.Path(__file__).parent / "static"
MAX_SESSIONS = 8
SLICE_S = 0.04
SNAPSHOT_S = 0.1
RUNNERS = web.AppKey("runners", set)         # the open tabs
LIMIT = web.AppKey("max_sessions", int)


class Runner:
    """One tab: its ``Session``, whether it plays, and the task that trains it."""

    def __init__(self, ws):
        self.ws, self.session, self.playing = ws, None, False
        self.wake = asyncio.Event()
        self.task = None

    async def send(self, message):
        if not self.ws.closed:
            await self.ws.send_str(json.dumps(message))

    async def train(self):
        """Trains while playing, in slices, sending a snapshot every ``SNAPSHOT_S``."""
        clock = asyncio.get_running_loop().time
        last = 0.0
        while True:
            if not self.playing:
                self.wake.clear()
                await self.wake.wait()
                continue
            session, deadline = self.session, clock() + SLICE_S
            try:
                while clock() < deadline and self.playing and session is self.session:
                    session.step(5)
            except Exception as error:  # noqa: BLE001 - the page shows it; the server goes on
                self.playing = False
                await self.send({"type": "error", "message": f"training stopped: {error}"})
                continue
            if clock() - last >= SNAPSHOT_S and session is self.session:
                last = clock()
                await self.send(session.snapshot())
            await asyncio.sleep(0)

    async def configure(self, config):
        self.session = Session(config)
        await self.send(self.session.describe())
        await self.send(self.session.snapshot())

    async def handle(self, message):
        """Acts on one message from the page; errors go back as ``{"type": "error"}``."""
        kind = message.get("type")
        if kind == "config":
            self.playing = False
            await self.configure(message.get("config", {}))
        elif kind == "reset":
            self.playing = False
            await self.configure(self.session.config)
        elif kind in ("play", "pause"):
            self.playing = kind == "play"
            self.wake.set()
            if not self.playing:
                await self.send(self.session.snapshot())
        elif kind == "step":
            n = message.get("n", 1)
            if not isinstance(n, int) or not 1 <= n <= 10000:
                raise ValueError(f"step: n must be an integer from 1 to 10000, got {n!r}")
            self.playing = False
            self.session.step(n)
            await self.send(self.session.snapshot())
        elif kind == "code":
            await self.send({"type": "code", "code": self.session.code()})
        else:
            raise ValueError(f"unknown message type {kind!r}; send config, play, pause, step, "
                             "reset or code")


async def _websocket(request):
    app = request.app
    ws = web.WebSocketResponse(heartbeat=20)
    await ws.prepare(request)
    runners = app[RUNNERS]
    if len(runners) >= app[LIMIT]:
        await ws.send_str(json.dumps({"type": "error", "fatal": True, "message":
                          f"too many sessions: {len(runners)} tabs are training already "
                          f"(at most {app[LIMIT]}); close one and reload"}))
        await ws.close()
        return ws
    runner = Runner(ws)
    runners.add(runner)
    runner.task = asyncio.create_task(runner.train())
    try:
        await runner.configure({})
        async for msg in ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                continue
            try:
                await runner.handle(json.loads(msg.data))
            except (ValueError, TypeError, AttributeError, FileNotFoundError) as error:
                await runner.send({"type": "error", "message": str(error)})
    finally:
        runner.task.cancel()
        runners.discard(runner)
    return ws


async def _info(request):
    return web.json_response({
        "datasets": list(available()), "features": list(FEATURES), "defaults": DEFAULTS,
        "limits": LIMITS, "activations": list(ACTIVATIONS), "optimizers": list(OPTIMIZERS),
        "regularizers": list(REGULARIZERS)})


async def _index(request):
    return web.FileResponse(STATIC / "index.html")


def make_app(max_sessions=MAX_SESSIONS):
    """The aiohttp application: ``/`` (the page), ``/static/*``, ``/api/info``, ``/ws``."""
    app = web.Application()
    app[RUNNERS], app[LIMIT] = set(), max_sessions
    app.router.add_get("/", _index)
    app.router.add_get("/api/info", _info)
    app.router.add_get("/ws", _websocket)
    app.router.add_static("/static/", STATIC)
    return app


def serve(port=8000, open_browser=True, host="127.0.0.1", max_sessions=MAX_SESSIONS):
    """Serves the playground on ``http://host:port/`` until Ctrl-C (opens a browser tab)."""
    url = f"http://{host}:{port}/"
    print(f"neuroflow playground: {url}  (Ctrl-C stops it)", flush=True)
    if open_browser:
        threading.Timer(0.5, webbrowser.open, (url,)).start()
    web.run_app(make_app(max_sessions), host=host, port=port, print=None)


@contextlib.contextmanager
def serve_in_thread(host="127.0.0.1", port=0, max_sessions=MAX_SESSIONS):
    """Runs the server on a background thread; yields its URL (for tests and notebooks)."""
    loop = asyncio.new_event_loop()
    app = make_app(max_sessions)
    runner = web.AppRunner(app)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, host, port)
    loop.run_until_complete(site.start())
    bound = site._server.sockets[0].getsockname()[1]
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{bound}"
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=30)
        loop.close()
        time.sleep(0)
