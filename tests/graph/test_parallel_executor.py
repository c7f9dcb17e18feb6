"""Compiled graphs on large static shapes: elementwise lines split over the cores (``PAR``),
bias gradients summed by BLAS (``SUM_LEAD``), and outputs of ops marked ``fresh`` (conv2d,
max_pool) overwritten in place by the next elementwise op, all equal to eager mode."""

import re

import numpy as np
import pytest

import neuroflow as nf
from neuroflow.backend import parallel

LARGE = (64, 26, 26, 32)   # 1.38M elements >= parallel.ELEMENTWISE_MIN


@pytest.fixture
def threads():
    """Restores the intra-op thread setting after the test; yields its setter."""
    before = parallel.get_threads()
    yield parallel.set_threads
    parallel.set_threads(before)


def _rand(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def _source(fn, *args):
    return nf.function(fn).get_concrete_function(*args).source


def _kernel_outputs_written_over(source):
    """Names assigned by a kernel call (``v3 = K3(...)``) that a later line uses as ``out=``."""
    made = re.findall(r"^\s+(v\d+) = K\d+\(", source, re.MULTILINE)
    return [v for v in made if re.search(rf"out={v}\)", source)]


def _bias_step(b):
    def step(x):
        with nf.GradientTape() as tape:
            y = nf.nn.relu(x + b)
            loss = nf.reduce_sum(y * y)
        return y, tape.gradient(loss, b)
    return step


def test_large_static_elementwise_ops_are_split_and_bias_gradients_summed_by_blas():
    x, b = nf.constant(_rand(LARGE)), nf.Variable(_rand(LARGE[-1:], seed=1))
    source = _source(_bias_step(b), x)
    assert "PAR(" in source and "SUM_LEAD(" in source


def test_small_elementwise_ops_are_not_split():
    x, b = nf.constant(_rand((4, 5, 5, 8))), nf.Variable(_rand((8,), seed=1))
    source = _source(_bias_step(b), x)
    assert "PAR(" not in source and "SUM_LEAD(" not in source


def test_unknown_batch_is_not_split():
    b = nf.Variable(_rand(LARGE[-1:], seed=1))
    f = nf.function(lambda x: nf.nn.relu(x + b),
                    input_signature=[nf.TensorSpec((None,) + LARGE[1:])])
    assert "PAR(" not in f.get_concrete_function().source


@pytest.mark.parametrize("n_threads", [1, 4])
def test_split_relu_and_bias_gradient_equal_eager(threads, n_threads):
    threads(n_threads)
    x, b = nf.constant(_rand(LARGE)), nf.Variable(_rand(LARGE[-1:], seed=1))
    step = _bias_step(b)
    y, gb = nf.function(step)(x)
    y_eager, gb_eager = step(x)
    np.testing.assert_array_equal(y.numpy(), y_eager.numpy())
    np.testing.assert_allclose(gb.numpy(), gb_eager.numpy(), rtol=1e-5)


def test_split_graph_leaves_its_input_unchanged(threads):
    threads(4)
    x_value = _rand(LARGE)
    x = nf.constant(x_value.copy())
    nf.function(lambda x: nf.tanh(x * 2.0) + 1.0)(x)
    np.testing.assert_array_equal(x.numpy(), x_value)


def test_bias_of_shape_1xC_and_a_scalar_broadcast_in_split_lines(threads):
    threads(4)
    x = nf.constant(_rand(LARGE))
    b = nf.constant(_rand((1, 1, 1, LARGE[-1]), seed=1))

    def f(x):
        return nf.maximum(x * 0.5 - b, 0.25)

    assert "PAR(" in _source(f, x)
    np.testing.assert_array_equal(nf.function(f)(x).numpy(), f(x).numpy())


# -- fresh kernel outputs written over in place -----------------------------------------------
def _conv_then(op):
    w = nf.constant(_rand((3, 3, LARGE[-1], 16), seed=2))
    return lambda x: op(nf.nn.conv2d(x, w, 1, "SAME"))


def test_conv2d_output_is_written_over_by_the_next_elementwise_op():
    x = nf.constant(_rand(LARGE))
    f = _conv_then(nf.tanh)
    assert _kernel_outputs_written_over(_source(f, x))
    np.testing.assert_array_equal(nf.function(f)(x).numpy(), f(x).numpy())


def test_max_pool_output_is_written_over_by_the_next_elementwise_op():
    x = nf.constant(_rand(LARGE))

    def f(x):
        return nf.nn.relu(nf.nn.max_pool2d(x, 2, 2, "VALID") - 0.5)

    assert _kernel_outputs_written_over(_source(f, x))
    np.testing.assert_array_equal(nf.function(f)(x).numpy(), f(x).numpy())


def test_a_returned_conv2d_output_is_not_written_over():
    x = nf.constant(_rand(LARGE))
    w = nf.constant(_rand((3, 3, LARGE[-1], 16), seed=2))

    def f(x):
        y = nf.nn.conv2d(x, w, 1, "SAME")
        return y, nf.tanh(y)

    y, z = nf.function(f)(x)
    y_eager, z_eager = f(x)
    np.testing.assert_array_equal(y.numpy(), y_eager.numpy())
    np.testing.assert_array_equal(z.numpy(), z_eager.numpy())


def test_max_pool_output_needed_by_its_gradient_is_not_written_over():
    x = nf.constant(np.maximum(_rand(LARGE), 0))

    def f(x):
        with nf.GradientTape() as tape:
            tape.watch(x)
            y = nf.nn.max_pool2d(x, 3, 2, "SAME")
            z = nf.nn.relu(y - 0.5)
            loss = nf.reduce_sum(z * z)
        return z, tape.gradient(loss, x)

    (z, gx), (z_eager, gx_eager) = nf.function(f)(x), f(x)
    np.testing.assert_array_equal(z.numpy(), z_eager.numpy())
    np.testing.assert_array_equal(gx.numpy(), gx_eager.numpy())


def test_conv_layer_step_with_bias_gradient_equals_eager(threads):
    threads(4)
    x = nf.constant(_rand(LARGE))
    w = nf.Variable(_rand((3, 3, LARGE[-1], 16), seed=2) * 0.1)
    b = nf.Variable(_rand((16,), seed=3))

    def step(x):
        with nf.GradientTape() as tape:
            y = nf.nn.relu(nf.nn.conv2d(x, w, 1, "SAME") + b)
            loss = nf.reduce_sum(y)
        return (y,) + tuple(tape.gradient(loss, [w, b]))

    for graph, eager in zip(nf.function(step)(x), step(x)):
        scale = float(np.abs(eager.numpy()).max())
        np.testing.assert_allclose(graph.numpy(), eager.numpy(), rtol=1e-5, atol=1e-6 * scale)


def test_relu_gradient_kernel_matches_the_mask_product_on_special_values():
    from neuroflow.graph import execute

    gy = np.array([1.0, -2.0, np.inf, -np.inf, np.nan, 3.0, -0.0, 5.0], np.float32)
    y = np.array([1.0, 0.0, -1.0, 0.0, 2.0, np.nan, 1.0, -0.0], np.float32)
    with np.errstate(invalid="ignore"):   # inf * 0 is NaN in both, on purpose
        want = np.multiply(gy, y > 0)
    got = execute.ELEMENTWISE["relu_grad"](gy, y, out=np.empty_like(gy))
    np.testing.assert_array_equal(got, want)
    assert np.array_equal(np.signbit(got), np.signbit(want))
