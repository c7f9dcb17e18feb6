"""Every example script runs end to end on small data (--quick)."""

import pathlib
import subprocess
import sys

import pytest

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"
SCRIPTS = sorted(p.name for p in EXAMPLES.glob("*.py") if not p.name.startswith("_"))


@pytest.mark.parametrize("script", SCRIPTS)
def test_example_runs(script):
    quick = "from _common import" in (EXAMPLES / script).read_text()
    args = [sys.executable, script] + (["--quick"] if quick else [])
    out = subprocess.run(args, cwd=EXAMPLES, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip(), "the example printed nothing"


def test_lecture_tf2_listing_output():
    out = subprocess.run([sys.executable, "tf2_eager.py"], cwd=EXAMPLES, capture_output=True,
                         text=True, timeout=120, check=True).stdout
    assert out.splitlines() == ["x= 1.0 --> z= 2.7", "x= 0.6 --> z= 1.9", "x=-1.8 --> z=-2.9"]
