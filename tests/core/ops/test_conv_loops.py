"""The Numba loops of max pooling and col2im (core/ops/_loops.py) against the ``xp`` kernels
that define the ops (the ones run under ``jit.disabled()``), and every kernel against TF's
gradient routing and against itself split over the cores.

Pooling is compared exactly: the maximum is a selection, and upstream gradients with small
integer values make the sums of overlapping windows exact in any order. Convolution input
gradients are sums of products taken in another order: compared to rtol 1e-5.
"""

import itertools

import numpy as np
import pytest

import neuroflow as nf
from neuroflow.backend import jit, parallel

LARGE = (64, 26, 26, 32)   # > 131k output elements: kernels split the batch over threads


@pytest.fixture
def loops():
    """Skips unless the Numba loops are there and on."""
    pytest.importorskip("numba")
    if not jit.enabled():
        pytest.skip("Numba kernels are switched off (NEUROFLOW_JIT=0)")


@pytest.fixture
def threads():
    """Restores the intra-op thread setting after the test; yields its setter."""
    before = nf.config.threading.get_intra_op_parallelism_threads()
    yield nf.config.threading.set_intra_op_parallelism_threads
    nf.config.threading.set_intra_op_parallelism_threads(before)


def _rand(shape, dtype=np.float32, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def _small_ints(shape, dtype, seed=1):
    """Upstream gradients in {-3, ..., 3}: sums of them are exact in any order."""
    return np.random.default_rng(seed).integers(-3, 4, shape).astype(dtype)


def _loops_and_xp(fn):
    """``(fn() with the Numba loops, fn() with the xp kernels)``."""
    on = fn()
    with jit.disabled():
        off = fn()
    return on, off


def max_pool_and_grad(x, ksize, strides, padding, gy=None, pool=None):
    """``(y, gx)``: max pooling of ``x`` and its input gradient for upstream ``gy`` (default:
    small integers)."""
    pool = pool or nf.nn.max_pool2d
    xt = nf.constant(x)
    with nf.GradientTape() as tape:
        tape.watch(xt)
        y = pool(xt, ksize, strides, padding)
    if gy is None:
        gy = _small_ints(y.shape, x.dtype)
    return y.numpy(), tape.gradient(y, xt, output_gradients=nf.constant(gy)).numpy()


def naive_max_pool_and_grad(x, ksize, strides, padding, gy):
    """TF's max pooling by loops over windows of real (unpadded) elements: the maximum (NaN
    if the window has one), and each window's gradient added at its first maximum."""
    h, w = x.shape[1:3]
    pads = []
    for size, k, s in zip((h, w), ksize, strides):
        total = max((-(-size // s) - 1) * s + k - size, 0) if padding == "SAME" else 0
        pads.append(total // 2)
    y, gx = np.empty(gy.shape, x.dtype), np.zeros(x.shape, gy.dtype)
    for b, i, j, ch in itertools.product(*map(range, gy.shape)):
        rows = range(max(i * strides[0] - pads[0], 0), min(i * strides[0] - pads[0] + ksize[0], h))
        cols = range(max(j * strides[1] - pads[1], 0), min(j * strides[1] - pads[1] + ksize[1], w))
        window = [(r, q) for r in rows for q in cols]
        values = np.array([x[b, r, q, ch] for r, q in window])
        y[b, i, j, ch] = np.nan if np.isnan(values).any() else values.max()
        first = np.flatnonzero(values == y[b, i, j, ch])
        if first.size:
            gx[(b,) + window[first[0]] + (ch,)] += gy[b, i, j, ch]
    return y, gx


def _assert_close(actual, desired):
    scale = float(np.abs(desired).max()) or 1.0
    np.testing.assert_allclose(actual, desired, rtol=1e-5, atol=1e-6 * scale)


POOLS = list(itertools.product(["VALID", "SAME"], [1, 2, 3], [2, 3]))
POOL_IDS = [f"{p}-s{s}-k{k}" for p, s, k in POOLS]


# -- max pooling: TF's definition, both kernels ------------------------------------------------
@pytest.mark.parametrize("padding, stride, ksize", POOLS, ids=POOL_IDS)
@pytest.mark.parametrize("jit_on", [True, False], ids=["loops", "xp"])
def test_max_pool_and_gradient_equal_the_naive_definition(padding, stride, ksize, jit_on):
    x = _rand((2, 11, 11, 3))
    x[0] = np.maximum(x[0], 0)   # ties: after a ReLU many windows are all zeros
    gy = _small_ints(nf.nn.max_pool2d(x, ksize, stride, padding).shape, np.float32)
    y_ref, gx_ref = naive_max_pool_and_grad(x, (ksize,) * 2, (stride,) * 2, padding, gy)
    if jit_on:
        y, gx = max_pool_and_grad(x, ksize, stride, padding, gy)
    else:
        with jit.disabled():
            y, gx = max_pool_and_grad(x, ksize, stride, padding, gy)
    np.testing.assert_array_equal(y, y_ref)
    np.testing.assert_array_equal(gx, gx_ref)


def test_tied_maxima_route_the_gradient_to_the_first_in_row_major_order():
    x = np.array([[0, 0, 5, 1],
                  [0, 0, 5, 5],
                  [2, 7, 3, 3],
                  [7, 1, 3, 3]], np.float32).reshape(1, 4, 4, 1)
    expected = np.array([[1, 0, 2, 0],
                         [0, 0, 0, 0],
                         [0, 3, 4, 0],
                         [0, 0, 0, 0]], np.float32).reshape(1, 4, 4, 1)
    gy = np.float32([1, 2, 3, 4]).reshape(1, 2, 2, 1)
    for gx in _loops_and_xp(lambda: max_pool_and_grad(x, 2, 2, "VALID", gy)[1]):
        np.testing.assert_array_equal(gx, expected)


def test_overlapping_windows_sum_their_gradients_at_a_shared_maximum():
    x = np.array([[0, 0, 0],
                  [0, 9, 0],
                  [0, 0, 0]], np.float32).reshape(1, 3, 3, 1)
    gy = np.float32([1, 2, 3, 4]).reshape(1, 2, 2, 1)
    for gx in _loops_and_xp(lambda: max_pool_and_grad(x, 2, 1, "VALID", gy)[1]):
        assert gx[0, 1, 1, 0] == 10 and np.count_nonzero(gx) == 1


def test_nan_propagates_through_max_pool_forward():
    x = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1)
    x[0, 0, 0, 0] = np.nan    # first in its window
    x[0, 3, 3, 0] = np.nan    # last in its window, after larger values
    for y in _loops_and_xp(lambda: nf.nn.max_pool2d(x, 2, 2, "VALID").numpy()):
        np.testing.assert_array_equal(y[0, ..., 0], [[np.nan, 7], [13, np.nan]])


# -- max pooling: the Numba loops equal the xp kernels ---------------------------------------------
@pytest.mark.parametrize("padding, stride, ksize", POOLS, ids=POOL_IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_max_pool_loops_equal_xp(loops, padding, stride, ksize, dtype):
    for shape in [(1, 11, 11, 3), (3, 8, 7, 5)]:
        x = _rand(shape, dtype)
        x[-1] = np.maximum(x[-1], 0)
        (y, gx), (y_xp, gx_xp) = _loops_and_xp(
            lambda x=x: max_pool_and_grad(x, ksize, stride, padding))
        np.testing.assert_array_equal(y, y_xp)
        np.testing.assert_array_equal(gx, gx_xp)


@pytest.mark.parametrize("ksize, stride, padding", [(2, 2, "VALID"), (3, 2, "SAME")])
def test_max_pool_loops_equal_xp_on_a_batch_split_over_threads(loops, threads, ksize, stride,
                                                               padding):
    threads(4)
    x = np.maximum(_rand(LARGE), 0)
    (y, gx), (y_xp, gx_xp) = _loops_and_xp(lambda: max_pool_and_grad(x, ksize, stride, padding))
    np.testing.assert_array_equal(y, y_xp)
    np.testing.assert_array_equal(gx, gx_xp)


@pytest.mark.parametrize("padding", ["VALID", "SAME"])
def test_max_pool1d_loops_equal_xp(loops, padding):
    x = np.maximum(_rand((4, 29, 6), np.float64), 0)
    (y, gx), (y_xp, gx_xp) = _loops_and_xp(
        lambda: max_pool_and_grad(x, 3, 2, padding, pool=nf.nn.max_pool1d))
    np.testing.assert_array_equal(y, y_xp)
    np.testing.assert_array_equal(gx, gx_xp)


def test_max_pool_of_integers_uses_the_xp_kernel():
    x = np.random.default_rng(0).integers(-50, 50, (2, 6, 6, 3)).astype(np.int32)
    y = nf.nn.max_pool2d(x, 2, 2, "VALID").numpy()
    np.testing.assert_array_equal(y, x.reshape(2, 3, 2, 3, 2, 3).max((2, 4)))


# -- convolution input gradients (col2im) ----------------------------------------------------------
CONVS = [(p, s, k, 1) for p, s, k in itertools.product(["VALID", "SAME"], [1, 2, 3], [2, 3])]
CONVS += [("VALID", 1, 3, 2), ("SAME", 1, 3, 2), ("SAME", 1, 2, 2),
          ([[0, 0], [1, 2], [2, 0], [0, 0]], 2, 3, 1)]
CONV_IDS = [f"{'explicit' if isinstance(p, list) else p}-s{s}-k{k}-d{d}" for p, s, k, d in CONVS]


def conv2d_input_grad(x, w, strides, padding, dilations=1):
    xt = nf.constant(x)
    with nf.GradientTape() as tape:
        tape.watch(xt)
        y = nf.nn.conv2d(xt, nf.constant(w), strides, padding, dilations=dilations)
    gy = _rand(y.shape, x.dtype, seed=7)
    return tape.gradient(y, xt, output_gradients=nf.constant(gy)).numpy()


@pytest.mark.parametrize("padding, stride, ksize, dilation", CONVS, ids=CONV_IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_conv2d_input_gradient_loops_equal_xp(loops, padding, stride, ksize, dilation, dtype):
    for shape in [(1, 11, 11, 3), (3, 8, 7, 1)]:
        x, w = _rand(shape, dtype), _rand((ksize, ksize, shape[-1], 4), dtype, seed=2)
        _assert_close(*_loops_and_xp(
            lambda x=x, w=w: conv2d_input_grad(x, w, stride, padding, dilation)))


def test_conv2d_input_gradient_loops_equal_xp_on_a_batch_split_over_threads(loops, threads):
    threads(4)
    x, w = _rand(LARGE), _rand((3, 3, 32, 16), seed=2)
    _assert_close(*_loops_and_xp(lambda: conv2d_input_grad(x, w, 1, "SAME")))


@pytest.mark.parametrize("stride, padding", [(1, "SAME"), (2, "SAME"), (2, "VALID"),
                                             (3, "VALID")])
def test_conv2d_transpose_loops_equal_xp(loops, stride, padding):
    x, w = _rand((2, 5, 6, 4)), _rand((3, 3, 2, 4), seed=2)
    h, wd = [(n - 1) * stride + (3 if padding == "VALID" else 1) for n in (5, 6)]
    _assert_close(*_loops_and_xp(lambda: nf.nn.conv2d_transpose(
        x, w, [2, h, wd, 2], stride, padding).numpy()))


@pytest.mark.parametrize("stride, padding, dilation", [(1, "SAME", 1), (2, "VALID", 1),
                                                       (3, "SAME", 1), (1, "SAME", 2)])
def test_conv1d_input_gradient_loops_equal_xp(loops, stride, padding, dilation):
    x, w = _rand((3, 23, 4), np.float64), _rand((3, 4, 5), np.float64, seed=2)

    def grad():
        xt = nf.constant(x)
        with nf.GradientTape() as tape:
            tape.watch(xt)
            y = nf.nn.conv1d(xt, nf.constant(w), stride, padding, dilations=dilation)
        return tape.gradient(y, xt, output_gradients=nf.constant(_rand(y.shape, seed=7))
                             ).numpy()

    _assert_close(*_loops_and_xp(grad))


# -- splitting over threads (runs with or without Numba) -------------------------------------------
def _split_spy(monkeypatch):
    """``calls``: per parallel.split call, ``(n, slices computed)``."""
    calls, real = [], parallel.split

    def spy(fn, n, min_rows=1):
        slices = []

        def recorded(start, stop):
            slices.append((start, stop))
            return fn(start, stop)
        calls.append((n, slices))
        return real(recorded, n, min_rows)

    monkeypatch.setattr(parallel, "split", spy)
    return calls


def _one_and_many_threads(threads, fn):
    """``(fn() on one thread, fn() split over 4 threads)``."""
    threads(1)
    one = fn()
    threads(4)
    return one, fn()


def _assert_each_call_split_over_the_batch(calls, at_least):
    assert len(calls) >= at_least
    for n, slices in calls:
        covered = sorted(i for start, stop in slices for i in range(start, stop))
        assert n == LARGE[0] and len(slices) > 1 and covered == list(range(n))


def test_large_pooling_loops_are_split_into_slices_covering_the_batch(loops, threads,
                                                                      monkeypatch):
    threads(4)
    calls = _split_spy(monkeypatch)
    max_pool_and_grad(np.maximum(_rand(LARGE), 0), 2, 2, "VALID")
    _assert_each_call_split_over_the_batch(calls, 2)   # the forward pass and the gradient


def test_large_conv2d_is_split_into_slices_covering_the_batch(threads, monkeypatch):
    threads(4)
    calls = _split_spy(monkeypatch)
    conv2d_input_grad(_rand(LARGE), _rand((3, 3, 32, 16), seed=2), 1, "SAME")
    _assert_each_call_split_over_the_batch(calls, 2)   # forward, then gradient(s)


@pytest.mark.parametrize("ksize, stride, padding", [(2, 2, "VALID"), (3, 2, "SAME")])
def test_max_pool_is_the_same_on_one_thread_and_many(threads, ksize, stride, padding):
    x = np.maximum(_rand(LARGE), 0)
    (y1, gx1), (y4, gx4) = _one_and_many_threads(
        threads, lambda: max_pool_and_grad(x, ksize, stride, padding))
    np.testing.assert_array_equal(y1, y4)
    np.testing.assert_array_equal(gx1, gx4)


def test_conv2d_is_the_same_on_one_thread_and_many(threads):
    x, w = _rand(LARGE), _rand((3, 3, 32, 16), seed=2)

    def conv_and_grads():
        xt, wt = nf.constant(x), nf.constant(w)
        with nf.GradientTape(persistent=True) as tape:
            tape.watch([xt, wt])
            y = nf.nn.conv2d(xt, wt, 1, "SAME")
        gy = nf.constant(_rand(y.shape, seed=7))
        return y.numpy(), *(g.numpy() for g in tape.gradient(y, [xt, wt], output_gradients=gy))

    for one, many in zip(*_one_and_many_threads(threads, conv_and_grads)):
        _assert_close(many, one)


# -- bugs in the xp kernels (the Numba loops get these right) --------------------------------------
def test_xp_max_pool_gradient_with_a_nan_window_and_a_tied_window():
    x = np.array([[1, 1, np.nan, 0],
                  [0, 0, 0, 0]], np.float32).reshape(1, 2, 4, 1)
    with jit.disabled():
        _, gx = max_pool_and_grad(x, 2, 2, "VALID", np.ones((1, 1, 2, 1), np.float32))
    np.testing.assert_array_equal(gx[0, ..., 0], [[1, 0, 0, 0], [0, 0, 0, 0]])


def test_xp_max_pool_gradient_of_all_minus_infinity_goes_to_a_real_element():
    x = np.full((1, 3, 3, 1), -np.inf, np.float32)
    with jit.disabled():
        _, gx = max_pool_and_grad(x, 3, 1, "SAME", np.ones((1, 3, 3, 1), np.float32))
    assert gx.sum() == 9


def test_loop_max_pool_gradient_of_all_minus_infinity_goes_to_a_real_element(loops):
    x = np.full((1, 3, 3, 1), -np.inf, np.float32)
    gy = np.ones((1, 3, 3, 1), np.float32)
    _, gx = max_pool_and_grad(x, 3, 1, "SAME", gy)
    np.testing.assert_array_equal(gx, naive_max_pool_and_grad(x, (3, 3), (1, 1), "SAME", gy)[1])
