"""Intra-op parallelism (backend/parallel.py): slices of ``range(n)`` computed on worker threads
and the caller, equal to the serial computation, with errors and nesting handled."""

import itertools
import os
import threading

import numpy as np
import pytest

from neuroflow.backend import parallel

TIMEOUT = 30   # seconds: a deadlock fails the test instead of hanging the run


@pytest.fixture
def threads():
    """Restores the thread setting after the test; yields ``parallel.set_threads``."""
    before = parallel.get_threads()
    yield parallel.set_threads
    parallel.set_threads(before)


def _in_thread(fn):
    """``fn()`` run on a new thread, joined with a timeout: its result, or the failure."""
    result = {}

    def target():
        try:
            result["value"] = fn()
        except Exception as error:  # noqa: BLE001 - re-raised in the test's thread
            result["error"] = error

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(TIMEOUT)
    assert not worker.is_alive(), "deadlock: the call did not return"
    if "error" in result:
        raise result["error"]
    return result["value"]


def _recording():
    """``(fn, slices)``: ``fn(start, stop)`` appends its slice to ``slices`` and returns it."""
    slices, lock = [], threading.Lock()

    def fn(start, stop):
        with lock:
            slices.append((start, stop))
        return start, stop

    return fn, slices


def _covered(slices):
    return sorted(i for start, stop in slices for i in range(start, stop))


# -- settings -----------------------------------------------------------------------------------
def test_threads_honours_set_threads(threads):
    threads(3)
    assert parallel.get_threads() == 3 and parallel.threads() == 3


def test_zero_threads_means_one_per_available_core(threads):
    threads(0)
    assert parallel.get_threads() == 0
    if hasattr(os, "sched_getaffinity"):
        assert parallel.threads() == len(os.sched_getaffinity(0))
    else:
        assert parallel.threads() >= 1


@pytest.mark.parametrize("bad", [-1, True, False, 2.0, "2", None])
def test_set_threads_rejects_non_natural_numbers(threads, bad):
    threads(2)
    with pytest.raises(ValueError):
        parallel.set_threads(bad)
    assert parallel.get_threads() == 2


# -- bounds --------------------------------------------------------------------------------------
@pytest.mark.parametrize("n, parts", [(10, 3), (7, 7), (100, 4), (5, 1), (0, 2), (3, 5)])
def test_bounds_are_contiguous_balanced_and_cover_range_once(n, parts):
    slices = parallel.bounds(n, parts)
    sizes = [stop - start for start, stop in slices]
    assert len(slices) == parts
    assert slices[0][0] == 0 and slices[-1][1] == n
    assert all(a[1] == b[0] for a, b in itertools.pairwise(slices))
    assert max(sizes) - min(sizes) <= 1
    assert _covered(slices) == list(range(n))


# -- split ---------------------------------------------------------------------------------------
def test_split_results_come_in_slice_order(threads):
    threads(4)
    fn, _ = _recording()
    assert parallel.split(fn, 103) == parallel.bounds(103, 4)


@pytest.mark.parametrize("n", [2, 9, 64, 1001])
def test_split_slices_cover_range_exactly_once(threads, n):
    threads(4)
    fn, slices = _recording()
    parallel.split(fn, n)
    assert _covered(slices) == list(range(n))


def test_split_runs_each_slice_on_its_own_thread(threads):
    threads(3)
    idents = []
    parallel.split(lambda start, stop: idents.append(threading.get_ident()), 30)
    assert len(idents) == 3 and len(set(idents)) == 3
    assert threading.get_ident() in idents   # the caller computes a slice itself


def test_split_uses_at_most_n_over_min_rows_slices(threads):
    threads(8)
    fn, slices = _recording()
    parallel.split(fn, 10, min_rows=4)
    assert sorted(slices) == [(0, 5), (5, 10)]


def test_split_is_one_serial_call_with_one_thread(threads):
    threads(1)
    fn, slices = _recording()
    assert parallel.split(fn, 1000) == [(0, 1000)]
    assert slices == [(0, 1000)]


def test_split_is_one_serial_call_when_there_is_one_slice(threads):
    threads(4)
    fn, _ = _recording()
    assert parallel.split(fn, 7, min_rows=4) == [(0, 7)]
    assert parallel.split(fn, 1) == [(0, 1)]


def test_split_of_an_empty_range_calls_fn_once(threads):
    threads(4)
    fn, _ = _recording()
    assert parallel.split(fn, 0) == [(0, 0)]


@pytest.mark.parametrize("failing", ["worker", "caller"])
def test_an_error_in_any_slice_is_raised_in_the_caller(threads, failing):
    threads(4)
    n = 40

    def fn(start, stop):
        if (failing == "worker" and start == 0) or (failing == "caller" and stop == n):
            raise KeyError(f"slice {start}:{stop}")
        return stop - start

    with pytest.raises(KeyError, match="slice"):
        _in_thread(lambda: parallel.split(fn, n))


def test_the_pool_still_works_after_an_error(threads):
    threads(4)

    def fail(start, stop):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        _in_thread(lambda: parallel.split(fail, 40))
    fn, slices = _recording()
    assert _in_thread(lambda: parallel.split(fn, 40)) == parallel.bounds(40, 4)
    assert _covered(slices) == list(range(40))


def test_nested_split_runs_serially_without_deadlock(threads):
    threads(4)

    def outer(start, stop):
        inner, _ = _recording()
        return parallel.split(inner, 100)

    # Every slice, on a worker or on the caller, gets one serial inner call over all rows.
    assert _in_thread(lambda: parallel.split(outer, 8)) == [[(0, 100)]] * 4


def test_concurrent_splits_both_finish_with_right_results(threads):
    threads(4)
    barrier = threading.Barrier(2, timeout=TIMEOUT)

    def call():
        barrier.wait()
        return [parallel.split(lambda a, b: list(range(a, b)), 1000) for _ in range(50)]

    outs = ([], [])
    callers = [threading.Thread(target=lambda out=out: out.append(call()), daemon=True)
               for out in outs]
    for t in callers:
        t.start()
    for t in callers:
        t.join(TIMEOUT)
        assert not t.is_alive(), "deadlock: concurrent splits did not return"
    for out in outs:
        for parts in out[0]:
            assert [i for part in parts for i in part] == list(range(1000))


# -- elementwise ---------------------------------------------------------------------------------
BIG = (67, 131, 131)   # 1,149,787 elements >= ELEMENTWISE_MIN; 67 rows split unevenly


def _spy_split(monkeypatch):
    """Counts the slices parallel.elementwise/sum_leading hand to split."""
    slices = []
    real = parallel.split

    def spy(fn, n, min_rows=1):
        def recorded(start, stop):
            slices.append((start, stop))
            return fn(start, stop)
        return real(recorded, n, min_rows)

    monkeypatch.setattr(parallel, "split", spy)
    return slices


def _rand(shape, dtype=np.float32, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def test_big_shape_is_large_enough_to_split():
    assert np.prod(BIG) >= parallel.ELEMENTWISE_MIN


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_elementwise_add_equals_numpy_and_is_split(threads, monkeypatch, dtype):
    threads(4)
    slices = _spy_split(monkeypatch)
    x, y = _rand(BIG, dtype, 1), _rand(BIG, dtype, 2)
    out = np.empty(BIG, dtype)
    assert parallel.elementwise(np.add, x, y, out=out) is out
    np.testing.assert_array_equal(out, x + y)
    assert len(slices) > 1 and _covered(slices) == list(range(BIG[0]))


@pytest.mark.parametrize("b_shape", [(BIG[-1],), (1, BIG[-1]), (1, 1, BIG[-1]), (1,) + BIG[1:],
                                     (BIG[0], 1, 1), (BIG[0], BIG[1], 1)],
                         ids=["bias", "1xC", "1x1xC", "leading-1", "per-row", "per-row-col"])
def test_elementwise_broadcasts_each_operand_like_numpy(threads, b_shape):
    threads(4)
    x, b = _rand(BIG, seed=1), _rand(b_shape, seed=2)
    out = np.empty(BIG, np.float32)
    parallel.elementwise(np.add, x, b, out=out)
    np.testing.assert_array_equal(out, x + b)
    parallel.elementwise(np.subtract, b, x, out=out)   # the broadcast operand first
    np.testing.assert_array_equal(out, b - x)


def test_elementwise_with_a_python_scalar(threads):
    threads(4)
    x = _rand(BIG)
    out = np.empty(BIG, np.float32)
    parallel.elementwise(np.maximum, x, 0, out=out)   # relu, as the graph executor emits it
    np.testing.assert_array_equal(out, np.maximum(x, 0))


def test_elementwise_with_a_function_of_ufuncs_taking_out(threads):
    threads(4)
    gy, y = _rand(BIG, seed=1), np.maximum(_rand(BIG, seed=2), 0)

    def relu_grad(gy, y, out=None):
        return np.multiply(gy, y > 0, out=out)

    out = np.empty(BIG, np.float32)
    parallel.elementwise(relu_grad, gy, y, out=out)
    np.testing.assert_array_equal(out, gy * (y > 0))


def test_elementwise_may_write_into_an_operand(threads):
    threads(4)
    x, b = _rand(BIG, seed=1), _rand(BIG[-1:], seed=2)
    expected = x * b
    parallel.elementwise(np.multiply, x, b, out=x)
    np.testing.assert_array_equal(x, expected)


def test_elementwise_of_a_one_dimensional_array(threads):
    threads(4)
    x = _rand(parallel.ELEMENTWISE_MIN * 2 + 3)
    out = np.empty_like(x)
    parallel.elementwise(np.tanh, x, out=out)
    np.testing.assert_array_equal(out, np.tanh(x))


def test_small_elementwise_runs_as_one_call(threads, monkeypatch):
    threads(4)
    slices = _spy_split(monkeypatch)
    x = _rand((64, 64))
    out = np.empty_like(x)
    parallel.elementwise(np.exp, x, out=out)
    np.testing.assert_array_equal(out, np.exp(x))
    assert slices == []


def test_elementwise_results_do_not_depend_on_the_thread_count(threads):
    x, b = _rand(BIG, seed=1), _rand(BIG[-1:], seed=2)
    results = []
    for n in (1, 2, 5):
        threads(n)
        out = np.empty(BIG, np.float32)
        results.append(parallel.elementwise(np.add, x, b, out=out))
    np.testing.assert_array_equal(results[0], results[1])
    np.testing.assert_array_equal(results[0], results[2])


# -- sum_leading ---------------------------------------------------------------------------------
@pytest.mark.parametrize("lead", [1, 2, 3])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sum_leading_equals_add_reduce(threads, lead, dtype):
    threads(4)
    x = np.random.default_rng(0).uniform(0, 1, BIG).astype(dtype)
    total = parallel.sum_leading(x, lead)
    assert total.shape == BIG[lead:] and total.dtype == dtype
    np.testing.assert_allclose(total, np.add.reduce(x.astype(np.float64), tuple(range(lead))),
                               rtol=1e-5)


def test_sum_leading_of_a_bias_gradient_is_split(threads, monkeypatch):
    threads(4)
    slices = _spy_split(monkeypatch)
    gy = _rand((64, 26, 26, 32))
    gb = parallel.sum_leading(gy, 3)
    np.testing.assert_allclose(gb, gy.astype(np.float64).sum((0, 1, 2)), rtol=1e-5, atol=1e-3)
    assert len(slices) > 1 and _covered(slices) == list(range(64 * 26 * 26))


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_sum_leading_of_integers_is_exact(dtype):
    x = np.random.default_rng(0).integers(-100, 100, BIG).astype(dtype)
    total = parallel.sum_leading(x, 2)
    np.testing.assert_array_equal(total, x.sum((0, 1)))
    assert total.dtype == np.add.reduce(x, (0, 1)).dtype


@pytest.mark.parametrize("layout", ["transposed", "strided", "fortran"])
def test_sum_leading_of_a_non_contiguous_array(layout):
    base = _rand((BIG[2], BIG[1], BIG[0]) if layout == "transposed" else BIG)
    x = {"transposed": base.T, "strided": base[:, ::2], "fortran": np.asfortranarray(base)}[layout]
    np.testing.assert_allclose(parallel.sum_leading(x, 1), np.add.reduce(x, (0,)), rtol=1e-5,
                               atol=1e-4)


def test_sum_leading_of_everything_is_the_total(threads):
    threads(4)
    x = np.random.default_rng(0).uniform(0, 1, BIG).astype(np.float64)
    np.testing.assert_allclose(parallel.sum_leading(x, 3), x.sum(), rtol=1e-10)


def test_sum_leading_results_do_not_depend_on_the_thread_count(threads):
    x = np.random.default_rng(0).uniform(0, 1, (64, 26, 26, 32)).astype(np.float32)
    results = []
    for n in (1, 2, 5):
        threads(n)
        results.append(parallel.sum_leading(x, 3))
    np.testing.assert_allclose(results[1], results[0], rtol=1e-5)
    np.testing.assert_allclose(results[2], results[0], rtol=1e-5)


def test_sum_leading_with_an_empty_trailing_axis_is_zeros():
    x = np.zeros((5, 0), np.float32)
    np.testing.assert_array_equal(parallel.sum_leading(x, 1), np.add.reduce(x, (0,)))



def test_serial_turns_every_split_off_inside_its_block_only():
    before = parallel.get_threads()
    try:
        parallel.set_threads(2)
        with parallel.serial():
            assert parallel.threads() == 1
            assert parallel.split(lambda a, b: (a, b), 10) == [(0, 10)]
            with parallel.serial():
                assert parallel.threads() == 1
            assert parallel.threads() == 1
        assert parallel.threads() == 2
    finally:
        parallel.set_threads(before)
