"""AutoGraph: early ``return``, ``break``/``continue``, ``for`` over tensors and datasets,
``to_code`` and ``run_functions_eagerly`` (checked against the same code run eagerly)."""

import numpy as np
import pytest

import neuroflow as nf


def _both(fn, *args):
    """fn's result traced (nf.function) and run eagerly (run_functions_eagerly)."""
    traced = nf.function(fn)
    graph_value = traced(*args)
    nf.config.run_functions_eagerly(True)
    try:
        eager_value = traced(*args)
    finally:
        nf.config.run_functions_eagerly(False)
    return graph_value, eager_value, traced


def sign_return(x):
    if x > 0:
        y = x * 2.0          # a branch-local temporary
        return y
    elif x < 0:
        return -x
    return nf.constant(7.0)


@pytest.mark.parametrize("value, expected", [(3.0, 6.0), (-2.0, 2.0), (0.0, 7.0)])
def test_if_branches_that_return(value, expected):
    got, eager, f = _both(sign_return, nf.constant(value))
    assert float(got) == float(eager) == expected
    assert f.experimental_get_tracing_count() == 1


def sum_below(n):
    total = nf.constant(0)
    for i in nf.range(n):
        if i % 3 == 0:
            continue
        if total > 20:
            break
        total += i
    return total


def _sum_below_python(n):
    total = 0
    for i in range(n):
        if i % 3 == 0:
            continue
        if total > 20:
            break
        total += i
    return total


@pytest.mark.parametrize("n", [0, 4, 10, 30])
def test_for_over_range_with_break_and_continue(n):
    f = nf.function(sum_below)
    assert int(f(nf.constant(n))) == _sum_below_python(n)
    assert f.experimental_get_tracing_count() == 1


def countdown(x):
    steps = nf.constant(0)
    while True:
        x = x - 1
        steps += 1
        if x <= 0:
            break
    return steps


def test_while_true_with_break():
    got, eager, f = _both(countdown, nf.constant(5))
    assert int(got) == int(eager) == 5


def test_for_over_tensor_argument_of_unknown_length():
    @nf.function(input_signature=[nf.TensorSpec([None, 2])])
    def row_norms_sum(x):
        total = nf.constant(0.0)
        for row in x:
            total += nf.reduce_sum(row * row)
        return total

    x = np.arange(10, dtype=np.float32).reshape(5, 2)
    assert float(row_norms_sum(nf.constant(x))) == pytest.approx(float((x * x).sum()))


def test_for_over_dataset_inside_function():
    ds = nf.data.Dataset.from_tensor_slices(np.arange(6, dtype=np.float32)).batch(2)

    @nf.function
    def total(dataset):
        s = nf.constant(0.0)
        for batch in dataset:
            s += nf.reduce_sum(batch)
        return s

    assert float(total(ds)) == 15.0


def test_tensor_break_inside_python_loop():
    @nf.function
    def first_big(x):
        found = nf.constant(-1)
        for i in range(4):          # a Python loop whose `break` depends on a tensor
            if x[i] > 2.0:
                found = nf.constant(i)
                break
        return found

    assert int(first_big(nf.constant([1.0, 3.0, 5.0, 0.0]))) == 1
    assert int(first_big(nf.constant([1.0, 0.0, 0.0, 0.0]))) == -1


def test_variable_defined_in_one_branch_used_later_raises():
    @nf.function
    def f(x):
        if x > 0:
            y = x
        else:
            z = x  # noqa: F841
        return y

    with pytest.raises(ValueError, match="'y'"):
        f(nf.constant(1.0))


def test_to_code_shows_converted_control_flow():
    code = nf.autograph.to_code(sign_return)
    assert "if_stmt" in code and "__ag_ret" in code
    assert "for_stmt" in nf.autograph.to_code(nf.function(sum_below))


def test_run_functions_eagerly_runs_python():
    seen = []

    @nf.function
    def f(x):
        seen.append(x.numpy())          # .numpy() only works eagerly
        return x + 1

    nf.config.run_functions_eagerly(True)
    try:
        assert nf.config.functions_run_eagerly()
        assert float(f(nf.constant(1.0))) == 2.0
        assert float(f(nf.constant(2.0))) == 3.0
    finally:
        nf.config.run_functions_eagerly(False)
    assert not nf.config.functions_run_eagerly()
    assert len(seen) == 2


def test_gradient_through_loop_with_break():
    @nf.function
    def f(x):
        with nf.GradientTape() as tape:
            tape.watch(x)
            y = x
            for _ in nf.range(10):
                y = y * x
                if y > 100.0:
                    break
        return y, tape.gradient(y, x)

    y, g = f(nf.constant(2.0))   # 2**7 = 128 > 100 after 6 multiplications
    assert float(y) == 128.0
    assert float(g) == pytest.approx(7 * 2.0 ** 6)
