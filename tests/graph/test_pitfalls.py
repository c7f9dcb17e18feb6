"""One named test per tracing pitfall (as tinygrad's test_jit_footguns): what surprises users
of tf.function, and what neuroflow does about it."""

import warnings

import numpy as np
import pytest

import neuroflow as nf
from neuroflow.core.tensor import OperatorNotAllowedInGraphError


def test_python_side_effects_happen_only_while_tracing():
    log = []

    @nf.function
    def f(x):
        log.append("traced")
        return x + 1

    for _ in range(3):
        f(nf.constant(1))
    assert log == ["traced"]


def test_python_scalars_cause_a_retrace_per_value():
    f = nf.function(lambda x: x * 2)
    for i in range(3):
        f(i)
    assert f.experimental_get_tracing_count() == 3
    g = nf.function(lambda x: x * 2)
    for i in range(3):
        g(nf.constant(i))
    assert g.experimental_get_tracing_count() == 1


def test_retracing_every_call_is_warned():
    f = nf.function(lambda x: x * 2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for i in range(6):
            f(float(i))
    assert any(issubclass(w.category, nf.RetracingWarning) for w in caught)
    assert "retracing" in str([str(w.message) for w in caught])


def test_creating_a_variable_on_retrace_is_an_error():
    @nf.function
    def f(x):
        v = nf.Variable(1.0)
        return v + x

    f(nf.constant(1.0))
    with pytest.raises(ValueError, match="first trace"):
        f(nf.constant([1.0, 2.0]))


def test_closure_over_python_value_is_frozen_at_trace():
    scale = 2.0
    f = nf.function(lambda x: x * scale)
    assert float(f(nf.constant(1.0))) == 2.0
    scale = 10.0
    assert float(f(nf.constant(1.0))) == 2.0


def test_closure_over_variable_is_live():
    scale = nf.Variable(2.0)
    f = nf.function(lambda x: x * scale)
    assert float(f(nf.constant(1.0))) == 2.0
    scale.assign(10.0)
    assert float(f(nf.constant(1.0))) == 10.0


def test_closure_over_eager_tensor_is_a_constant():
    t = nf.constant(2.0)
    f = nf.function(lambda x: x * t)
    assert float(f(nf.constant(1.0))) == 2.0


def test_numpy_inside_trace_raises_clear_error():
    @nf.function
    def f(x):
        return x.numpy()

    with pytest.raises(OperatorNotAllowedInGraphError, match="nf.print|Return"):
        f(nf.constant(1.0))


def test_python_if_on_tensor_points_to_cond():
    @nf.function(autograph=False)
    def f(x):
        if x > 0:
            return x
        return -x

    with pytest.raises(OperatorNotAllowedInGraphError, match="nf.cond"):
        f(nf.constant(1.0))


def test_python_while_on_tensor_points_to_while_loop():
    @nf.function(autograph=False)
    def f(x):
        while x < 10:
            x = x + 1
        return x

    with pytest.raises(TypeError, match="while_loop"):
        f(nf.constant(1))


def test_float_of_symbolic_tensor_raises():
    f = nf.function(lambda x: float(x))
    with pytest.raises(TypeError):
        f(nf.constant(1.0))


def test_np_asarray_of_symbolic_tensor_raises():
    f = nf.function(lambda x: np.asarray(x))
    with pytest.raises(TypeError, match="NumPy"):
        f(nf.constant(1.0))


def test_leaked_tensor_is_a_clear_error():
    leaked = []

    @nf.function
    def f(x):
        y = x * 2
        leaked.append(y)
        return y

    f(nf.constant(1.0))
    with pytest.raises(ValueError, match="escaped"):
        leaked[0] + 1.0


def test_python_loop_over_python_range_unrolls():
    @nf.function
    def f(x):
        for _ in range(3):
            x = x * 2
        return x

    assert float(f(nf.constant(1.0))) == 8.0
    concrete = f.get_concrete_function(nf.constant(1.0))
    assert concrete.unoptimized_counts["multiply"] == 3


def test_random_ops_are_not_frozen():
    if not hasattr(nf, "random") or not hasattr(nf.random, "normal"):
        pytest.skip("random ops not available")
    f = nf.function(lambda: nf.random.normal([4]))
    a, b = f().numpy(), f().numpy()
    assert not np.allclose(a, b)


def test_tensor_arguments_do_not_retrace_on_new_values():
    f = nf.function(lambda x: x + 1)
    for i in range(5):
        assert int(f(nf.constant(i))) == i + 1
    assert f.experimental_get_tracing_count() == 1


def test_random_ops_draw_the_same_numbers_as_eager_under_one_seed():
    def f(x):
        return x + nf.random.uniform([3]) + nf.random.normal([3])

    nf.random.set_seed(7)
    eager = [f(nf.constant(0.0)).numpy() for _ in range(2)]
    graph = nf.function(f)
    nf.random.set_seed(7)
    traced = [graph(nf.constant(0.0)).numpy() for _ in range(2)]
    np.testing.assert_allclose(traced, eager, rtol=1e-6)
