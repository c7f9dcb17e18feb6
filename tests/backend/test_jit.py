"""Optional Numba kernels (backend/jit.py): a kernel applies only to float NumPy arrays with
Numba on, ``jit.disabled()`` switches every kernel off, and a compiled kernel computes what
its plain Python loop computes."""

import os
import subprocess
import sys
import types

import numpy as np
import pytest

from neuroflow.backend import jit


def _double_into(x, out):
    """out = 2 x, as a loop (the kind of function a Kernel compiles)."""
    for i in range(x.shape[0]):
        out[i] = 2 * x[i]


DOUBLE = jit.kernel()(_double_into)


@pytest.fixture
def numba():
    """Skips without Numba, or when NEUROFLOW_JIT=0 switched the kernels off."""
    module = pytest.importorskip("numba")
    if not jit.enabled():
        pytest.skip("Numba kernels are switched off (NEUROFLOW_JIT=0)")
    return module


def test_disabled_switches_kernels_off_and_restores_the_setting():
    before = jit.enabled()
    with jit.disabled():
        assert not jit.enabled()
    assert jit.enabled() == before


def test_disabled_restores_the_setting_after_an_error():
    before = jit.enabled()
    with pytest.raises(KeyError), jit.disabled():
        raise KeyError("inside the block")
    assert jit.enabled() == before


def test_nested_disabled_blocks_stay_off_until_the_outer_one_ends():
    before = jit.enabled()
    with jit.disabled():
        with jit.disabled():
            pass
        assert not jit.enabled()
    assert jit.enabled() == before


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.float16, np.bool_, np.complex64])
def test_get_is_none_for_arrays_that_are_not_float32_or_float64(dtype):
    assert DOUBLE.get(np, np.zeros(3, dtype)) is None


def test_get_is_none_when_any_array_is_not_float():
    assert DOUBLE.get(np, np.zeros(3, np.float32), np.zeros(3, np.int32)) is None


def test_get_is_none_for_another_array_module():
    cupy_like = types.SimpleNamespace(__name__="cupy")
    assert DOUBLE.get(cupy_like, np.zeros(3, np.float32)) is None


def test_get_is_none_inside_disabled():
    with jit.disabled():
        assert DOUBLE.get(np, np.zeros(3, np.float32)) is None


def test_get_is_none_without_numba(monkeypatch):
    monkeypatch.setattr(jit, "_NUMBA", [None])
    assert not jit.enabled()
    assert DOUBLE.get(np, np.zeros(3, np.float32)) is None


def test_kernel_keeps_the_loop_name_and_docstring():
    assert DOUBLE.__name__ == "_double_into" and DOUBLE.__doc__ == _double_into.__doc__


def test_the_loop_runs_as_plain_python():
    x, out = np.arange(4.0), np.empty(4)
    DOUBLE.fn(x, out)
    np.testing.assert_array_equal(out, 2 * x)


def test_environment_variable_switches_kernels_off():
    env = dict(os.environ, NEUROFLOW_JIT="0")
    code = "from neuroflow.backend import jit; print(jit.enabled())"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, timeout=120, check=True)
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_get_compiles_a_callable_equal_to_the_loop(numba, dtype):
    x = np.arange(5, dtype=dtype) - 2.5
    compiled = DOUBLE.get(np, x)
    assert callable(compiled) and compiled is not DOUBLE.fn
    out = np.empty_like(x)
    compiled(x, out)
    np.testing.assert_array_equal(out, 2 * x)


def test_get_compiles_once(numba):
    x = np.zeros(3, np.float64)
    assert DOUBLE.get(np, x) is DOUBLE.get(np, x.astype(np.float32))
