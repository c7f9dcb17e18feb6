"""AutoGraph: Python if/while/and/or/not on traced tensors become graph control flow."""

import numpy as np
import pytest

import neuroflow as nf
from neuroflow.core.tensor import OperatorNotAllowedInGraphError


@nf.function
def _abs_then_scale(x, k):
    if nf.reduce_sum(x) > 0:
        y = x * k
    else:
        y = -x
    return y


def test_if_on_tensor_becomes_cond():
    np.testing.assert_allclose(_abs_then_scale(nf.constant([1.0, 2.0]), 3.0), [3.0, 6.0])
    np.testing.assert_allclose(_abs_then_scale(nf.constant([-1.0, -2.0]), 3.0), [1.0, 2.0])
    assert _abs_then_scale.experimental_get_tracing_count() == 1


def test_while_on_tensor_becomes_while_loop():
    @nf.function
    def collatz_steps(n):
        steps = nf.constant(0)
        while n > 1:
            if n % 2 == 0:
                n = n // 2
            else:
                n = 3 * n + 1
            steps = steps + 1
        return steps

    assert int(collatz_steps(nf.constant(6))) == 8
    assert int(collatz_steps(nf.constant(27))) == 111
    assert collatz_steps.experimental_get_tracing_count() == 1


def test_boolean_operators_on_tensors():
    @nf.function
    def inside(x):
        if x > 0 and x < 10 and not x == 5:  # noqa: SIM201 - tests `not`
            r = nf.constant(1)
        else:
            r = nf.constant(0)
        return r

    assert [int(inside(nf.constant(v))) for v in (3, 5, 12, -1)] == [1, 0, 0, 0]


def test_python_values_keep_python_semantics():
    calls = []

    @nf.function
    def f(x, flag):
        if flag:                 # Python bool: decided while tracing
            calls.append("t")
            x = x + 1
        if x > 100:              # tensor: a cond
            x = x * 0
        return x

    assert int(f(nf.constant(1), True)) == 2
    assert int(f(nf.constant(200), False)) == 0
    # Conversion happens when the first trace meets `if tensor:`; that failed trace had
    # already run the Python above it once: Python side effects run twice on that trace.
    assert calls == ["t", "t"]
    assert int(f(nf.constant(1), True)) == 2
    assert calls == ["t", "t"]


def test_side_effect_only_branch():
    v = nf.Variable(0.0)

    @nf.function
    def f(x):
        if x > 0:
            v.assign_add(x)
        return v.read_value()

    assert float(f(nf.constant(2.0))) == 2.0
    assert float(f(nf.constant(-1.0))) == 2.0


def test_gradient_through_converted_if():
    @nf.function
    def f(x):
        with nf.GradientTape() as tape:
            tape.watch(x)
            if x > 0:
                y = x * x
            else:
                y = x * 3.0
        return tape.gradient(y, x)

    assert float(f(nf.constant(2.0))) == 4.0
    assert float(f(nf.constant(-2.0))) == 3.0


def test_variable_defined_in_one_branch_only():
    @nf.function
    def f(x):
        if x > 0:
            y = x
        return y

    with pytest.raises(ValueError, match="both branches"):
        f(nf.constant(1.0))


def test_autograph_off():
    @nf.function(autograph=False)
    def f(x):
        if x > 0:
            x = -x
        return x

    with pytest.raises(OperatorNotAllowedInGraphError):
        f(nf.constant(1.0))


def test_method_with_closure_converted():
    offset = nf.constant(10.0)

    class Model:
        def __init__(self):
            self.w = nf.Variable(2.0)

        @nf.function
        def __call__(self, x):
            if x > 0:
                out = x * self.w + offset
            else:
                out = x
            return out

    m = Model()
    assert float(m(nf.constant(1.0))) == 12.0
    assert float(m(nf.constant(-1.0))) == -1.0
