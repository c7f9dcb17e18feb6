"""tools/coverage.py counts public names per namespace (checked on stand-in modules)."""

import importlib.util
import pathlib
import types

_PATH = pathlib.Path(__file__).resolve().parents[1] / "tools" / "coverage.py"
_spec = importlib.util.spec_from_file_location("coverage_tool", _PATH)
coverage = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(coverage)


def _module(name, **attrs):
    module = types.ModuleType(name)
    module.__dict__.update(attrs)
    return module


def test_measure_counts_present_and_missing_names():
    tf_math = _module("tf.math", add=1, multiply=2, ragged_thing=3, _private=4,
                      sub=_module("x"))
    tf = _module("tf", math=tf_math, constant=1, Variable=2)
    nf = _module("nf", math=_module("nf.math", add=1), constant=1)
    rows = {name: (names, missing) for name, names, missing in coverage.measure(tf, nf)}
    assert rows["tf.math"] == (["add", "multiply"], ["multiply"])
    assert rows["tf"] == (["Variable", "constant"], ["Variable"])
    text = coverage.table(list(coverage.measure(tf, nf)), "0")
    assert "| `tf.math` | 2 | 1 | 50% |" in text
    assert "| **all** | **4** | **2** | **50%** |" in text


def test_absent_namespace_counts_all_missing():
    tf = _module("tf", nn=_module("tf.nn", relu=1))
    rows = {name: missing for name, _, missing in coverage.measure(tf, _module("nf"))}
    assert rows["tf.nn"] == ["relu"]
