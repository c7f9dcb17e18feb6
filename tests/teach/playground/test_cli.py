"""``neuroflow playground`` from the command line: it serves the page on the given port."""

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

pytest.importorskip("aiohttp")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_neuroflow_playground_serves_the_page(tmp_path):
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    process = subprocess.Popen([sys.executable, "-m", "neuroflow", "playground", "--port",
                                str(port), "--no-browser"], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, env=env, text=True)
    try:
        page = None
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                    page = r.read().decode()
                break
            except OSError:
                if process.poll() is not None:
                    break
                time.sleep(0.1)
        assert page is not None and "neuroflow playground" in page, process.stdout.read()
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert f"http://127.0.0.1:{port}/" in process.stdout.read()
