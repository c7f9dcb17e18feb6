"""A real browser: headless Chromium loads the page, trains XOR until the test loss is below
0.05, and keeps a screenshot (``tests/_artifacts/playground.png``; with
``NEUROFLOW_UPDATE_FIGURES=1`` also ``docs/figures/playground.png`` for the README)."""

import asyncio
import os
import pathlib
import shutil

import pytest

pytest.importorskip("aiohttp")
import chromium  # noqa: E402  (tests/teach/playground/chromium.py)

from neuroflow.teach.playground.server import serve_in_thread  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[3]
ARTIFACTS = pathlib.Path(os.environ.get("NEUROFLOW_TEST_ARTIFACTS", ROOT / "tests" / "_artifacts"))

pytestmark = pytest.mark.skipif(chromium.executable() is None,
                                reason="Chromium is not installed (apt-get install chromium)")


async def _train_xor(url, shot):
    async with chromium.browser() as page:
        await page.navigate(url)
        await page.wait_for("window.playground && window.playground.last !== null")
        assert await page.evaluate("window.playground.desc.config.dataset") == "xor"
        await page.evaluate("document.getElementById('play').click()")
        loss = await page.wait_for("window.playground.last.step > 0 && "
                                   "window.playground.last.test_loss < 0.05 && "
                                   "window.playground.last.test_loss", timeout=120)
        await page.evaluate("document.getElementById('play').click()")   # pause
        await asyncio.sleep(0.5)
        state = await page.evaluate(
            "({errors: window.playground.errors, steps: window.playground.last.step,"
            " tiles: window.playground.last.neurons.length,"
            " history: window.playground.history.length,"
            " shown: document.getElementById('test_loss').textContent})")
        await page.screenshot(shot)
        return loss, state, page.exceptions


def test_chromium_trains_xor_below_0_05_and_keeps_a_screenshot():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "playground.png"
    with serve_in_thread() as url:
        loss, state, exceptions = asyncio.run(_train_xor(url + "/", str(shot)))
    assert not exceptions, exceptions
    assert not state["errors"], state["errors"]
    assert loss < 0.05 and state["steps"] > 0 and state["history"] > 2
    assert state["tiles"] == 4   # features, two hidden layers, output
    assert float(state["shown"]) < 0.06   # the page shows the loss it reached
    assert shot.stat().st_size > 20_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("NEUROFLOW_UPDATE_FIGURES"):
        shutil.copy(shot, ROOT / "docs" / "figures" / "playground.png")
