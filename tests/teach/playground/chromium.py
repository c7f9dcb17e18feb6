"""Headless Chromium driven through the DevTools protocol (aiohttp's websocket client).

``browser()`` starts ``/usr/bin/chromium`` with a fresh profile and yields a ``Page`` with
``navigate``, ``evaluate`` and ``screenshot``; JavaScript exceptions are collected in
``page.exceptions``.
"""

import asyncio
import base64
import contextlib
import json
import os
import shutil
import subprocess
import tempfile

import aiohttp

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-port=0", "--window-size=1440,900", "--hide-scrollbars"]


def executable():
    """The Chromium binary, or None when it is not installed."""
    for candidate in ("/usr/bin/chromium", shutil.which("chromium") or "",
                      shutil.which("chromium-browser") or ""):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


class Page:
    """One tab, spoken to over its DevTools websocket."""

    def __init__(self, ws):
        self.ws, self.next_id, self.exceptions, self.pending = ws, 0, [], {}
        self.reader = asyncio.create_task(self._read())

    async def _read(self):
        async for message in self.ws:
            data = json.loads(message.data)
            if "id" in data and data["id"] in self.pending:
                self.pending.pop(data["id"]).set_result(data)
            elif data.get("method") == "Runtime.exceptionThrown":
                self.exceptions.append(data["params"]["exceptionDetails"])

    async def send(self, method, **params):
        self.next_id += 1
        future = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = future
        await self.ws.send_json({"id": self.next_id, "method": method, "params": params})
        reply = await asyncio.wait_for(future, 60)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply["result"]

    async def evaluate(self, expression):
        """The JSON value of a JavaScript expression in the page."""
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True,
                                 awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def wait_for(self, expression, timeout=60, every=0.1):
        """Polls ``expression`` until it is truthy; returns it."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            value = await self.evaluate(expression)
            if value:
                return value
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"{expression} stayed false for {timeout} s")
            await asyncio.sleep(every)

    async def navigate(self, url):
        await self.send("Page.navigate", url=url)

    async def screenshot(self, path):
        data = (await self.send("Page.captureScreenshot", format="png"))["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))


def _devtools_port(profile, process, timeout=30):
    path = os.path.join(profile, "DevToolsActivePort")
    for _ in range(int(timeout / 0.1)):
        if os.path.exists(path):
            lines = open(path).read().split()
            if lines:
                return int(lines[0])
        if process.poll() is not None:
            raise RuntimeError(f"chromium exited with code {process.returncode}")
        subprocess.run(["sleep", "0.1"], check=False)
    raise TimeoutError("chromium did not open its DevTools port")


@contextlib.asynccontextmanager
async def browser(width=1440, height=900):
    """A headless Chromium with a fresh profile; yields a ``Page`` (about:blank)."""
    profile = tempfile.mkdtemp(prefix="nf-chromium-")
    process = subprocess.Popen([executable(), *FLAGS, f"--user-data-dir={profile}",
                                "about:blank"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        port = await asyncio.to_thread(_devtools_port, profile, process)
        async with aiohttp.ClientSession() as http:
            targets = await (await http.get(f"http://127.0.0.1:{port}/json/list")).json()
            url = next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")
            async with http.ws_connect(url, max_msg_size=0) as ws:
                page = Page(ws)
                await page.send("Runtime.enable")
                await page.send("Page.enable")
                await page.send("Emulation.setDeviceMetricsOverride", width=width,
                                height=height, deviceScaleFactor=1, mobile=False)
                yield page
                page.reader.cancel()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(profile, ignore_errors=True)
