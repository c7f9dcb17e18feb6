"""The playground server through HTTP and websocket clients: pages, sessions, training,
errors, the shown code, and the bound on sessions."""

import asyncio
import base64
import contextlib
import json
import re
import tracemalloc

import pytest

aiohttp = pytest.importorskip("aiohttp")
from aiohttp.test_utils import TestClient, TestServer  # noqa: E402

from neuroflow.teach.playground import server  # noqa: E402
from neuroflow.teach.playground.session import GRID  # noqa: E402

SMALL = {"dataset": "xor", "samples": 200, "hidden": [4, 2]}


def run(test, **app_args):
    """Runs ``await test(client)`` against a fresh app on a local port."""
    async def main():
        app = server.make_app(**app_args)
        async with TestClient(TestServer(app)) as client:
            client.app_ = app
            await test(client)
    asyncio.run(main())


async def receive(ws, kind, timeout=60):
    """The next message of type ``kind`` (others are skipped; an unexpected error raises)."""
    while True:
        message = await ws.receive(timeout=timeout)
        assert message.type == aiohttp.WSMsgType.TEXT, message
        data = json.loads(message.data)
        if data["type"] == kind:
            return data
        assert data["type"] != "error", data["message"]


@contextlib.asynccontextmanager
async def tab(client, config=SMALL):
    async with client.ws_connect("/ws") as ws:
        await receive(ws, "ready")
        await receive(ws, "snapshot")
        if config:
            await ws.send_json({"type": "config", "config": config})
            await receive(ws, "ready")
            await receive(ws, "snapshot")
        yield ws


def test_the_page_and_its_files_are_served_and_need_no_network():
    async def test(client):
        page = await (await client.get("/")).text()
        assert "/static/playground.js" in page and "<canvas" in page
        for name in ("playground.js", "playground.css"):
            response = await client.get(f"/static/{name}")
            assert response.status == 200
            text = await response.text()
            assert not re.search(r"(src|href)=[\"']?https?:", text + page)   # no CDN
        info = await (await client.get("/api/info")).json()
        assert info["optimizers"] == ["SGD", "Momentum", "Nesterov", "Adagrad", "RMSprop",
                                      "Adam"]
        assert {"xor4", "xor", "circle", "gaussians", "spirals"} <= set(info["datasets"])
        assert info["limits"]["max_layers"] == 6 and info["limits"]["max_units"] == 8
    run(test)


def test_configure_and_step():
    async def test(client):
        async with tab(client, {"dataset": "xor4", "hidden": [3, 2], "features":
                                ["x1", "x2", "x1*x2"]}) as ws:
            await ws.send_json({"type": "step", "n": 25})
            snap = await receive(ws, "snapshot")
            assert snap["step"] == 25 and snap["epoch"] == pytest.approx(25.0)
            assert [len(w[0]) for w in snap["weights"]] == [3, 3, 2]    # kernel rows
            assert [len(w[1]) for w in snap["weights"]] == [3, 2, 1]    # biases
            assert [len(c) for c in snap["neurons"]] == [3, 3, 2, 1]    # inputs first
            assert len(base64.b64decode(snap["neurons"][1][0])) == GRID * GRID
            assert len(snap["grad_norms"]) == 3 and all(g > 0 for g in snap["grad_norms"])
            await ws.send_json({"type": "reset"})
            ready = await receive(ws, "ready")
            assert ready["train_points"] == [[0, 0], [0, 1], [1, 0], [1, 1]]
            assert ready["layers"] == [3, 2, 1] and ready["graph"]["nodes"]
            assert (await receive(ws, "snapshot"))["step"] == 0
    run(test)


def test_play_trains_until_pause():
    async def drain(ws):
        """Steps of the snapshots that arrive before the answer to a ``code`` request."""
        await ws.send_json({"type": "code"})
        steps = []
        while (message := json.loads((await ws.receive(timeout=60)).data))["type"] != "code":
            steps.append(message["step"])
        return steps

    async def test(client):
        async with tab(client) as ws:
            await ws.send_json({"type": "play"})
            first = await receive(ws, "snapshot")
            later = await receive(ws, "snapshot")
            assert later["step"] > first["step"] > 0 and later["train_loss"] < 0.7
            await ws.send_json({"type": "pause"})
            await asyncio.sleep(0.3)
            stopped = (await drain(ws))[-1]
            await asyncio.sleep(0.3)
            assert await drain(ws) == []   # nothing trains while paused
            await ws.send_json({"type": "step", "n": 1})
            assert (await receive(ws, "snapshot"))["step"] == stopped + 1
    run(test)


def test_bad_configurations_get_clear_errors_and_the_session_goes_on():
    bad = [({"hidden": []}, "at least one hidden layer"),
           ({"activation": "swish"}, "unknown activation 'swish'; choose one of sigmoid"),
           ({"hidden": [1000]}, "1 to 8 units"),
           ({"hidden": [2] * 7}, "at most 6 hidden layers"),
           ({"samples": 10**9}, "samples must be between"),
           ({"optimizer": "adam"}, "unknown optimizer 'adam'"),
           ({"features": []}, "features must be"),
           ({"learning_rate": "fast"}, "learning_rate must be a number"),
           ({"layers": 3}, "unknown setting(s) layers")]

    async def test(client):
        async with tab(client) as ws:
            for config, message in bad:
                await ws.send_json({"type": "config", "config": config})
                error = await receive(ws, "error")
                assert message in error["message"], (config, error)
            await ws.send_json({"type": "step", "n": 10**9})
            assert "1 to 10000" in (await receive(ws, "error"))["message"]
            await ws.send_json({"type": "fly"})
            assert "unknown message type" in (await receive(ws, "error"))["message"]
            await ws.send_json({"type": "step", "n": 3})
            assert (await receive(ws, "snapshot"))["step"] == 3   # the old session still works
    run(test)


def test_a_closed_tab_stops_its_training():
    async def test(client):
        runners = client.app_[server.RUNNERS]
        async with tab(client) as ws:
            await ws.send_json({"type": "play"})
            await receive(ws, "snapshot")
            (runner,) = runners
            task = runner.task
        for _ in range(100):
            if not runners and task.done():
                break
            await asyncio.sleep(0.05)
        assert not runners and task.cancelled()
    run(test)


def test_sessions_are_bounded_in_number_and_memory():
    biggest = {"dataset": "spirals", "samples": 2000, "hidden": [8] * 6,
               "features": ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]}

    async def test(client):
        async with contextlib.AsyncExitStack() as stack:
            tracemalloc.start()
            try:
                for _ in range(3):
                    ws = await stack.enter_async_context(tab(client, biggest))
                    await ws.send_json({"type": "step", "n": 20})
                    await receive(ws, "snapshot")
                used = tracemalloc.get_traced_memory()[0]
            finally:
                tracemalloc.stop()
            assert used < 3 * 20 * 2**20, f"{used / 2**20:.1f} MiB for 3 sessions"
            async with client.ws_connect("/ws") as extra:
                error = await receive(extra, "error")
                assert error["fatal"] and "too many sessions" in error["message"]
                assert (await extra.receive()).type in (aiohttp.WSMsgType.CLOSE,
                                                        aiohttp.WSMsgType.CLOSED)
        async with tab(client, None):   # closing tabs frees their places
            assert len(client.app_[server.RUNNERS]) == 1
    run(test, max_sessions=3)


def test_the_shown_code_runs_and_reaches_the_same_accuracy(capsys):
    config = {"dataset": "xor", "samples": 200, "hidden": [8, 4], "seed": 3}

    async def test(client):
        async with tab(client, config) as ws:
            await ws.send_json({"type": "step", "n": 400})   # 100 training points: 40 epochs
            snap = await receive(ws, "snapshot")
            await ws.send_json({"type": "code"})
            return snap, (await receive(ws, "code"))["code"]

    result = {}

    async def keep(client):
        result["snap"], result["code"] = await test(client)
    run(keep)
    code, snap = result["code"], result["snap"]
    assert "import neuroflow as tf" in code and "epochs=40" in code
    capsys.readouterr()
    exec(compile(code, "<playground code>", "exec"), {"__name__": "__main__"})
    printed = capsys.readouterr().out
    accuracy = float(re.search(r"test accuracy ([0-9.]+)", printed).group(1))
    assert snap["test_accuracy"] > 0.9
    assert accuracy == pytest.approx(snap["test_accuracy"], abs=0.05), printed
