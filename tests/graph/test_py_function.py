"""py_function / numpy_function (run at every call, differentiable) and custom_gradient."""

import numpy as np
import pytest

import neuroflow as nf


def test_py_function_runs_at_every_call():
    calls = []

    def double(x):
        calls.append(float(x.numpy()))
        return x * 2

    @nf.function
    def f(x):
        y = nf.py_function(double, [x], nf.float32)
        assert y.shape.rank is None          # unknown in the graph, as in TF
        y.set_shape(x.shape)
        return y + 1

    assert float(f(nf.constant(1.0))) == 3.0
    assert float(f(nf.constant(2.0))) == 5.0
    assert calls == [1.0, 2.0]


def test_py_function_gradient_eager_and_traced():
    def cube(x):
        return x ** 3

    def grad(x):
        with nf.GradientTape() as tape:
            tape.watch(x)
            y = nf.py_function(cube, [x], nf.float32)
        return tape.gradient(y, x)

    assert float(grad(nf.constant(2.0))) == 12.0
    assert float(nf.function(grad)(nf.constant(2.0))) == 12.0


def test_numpy_function_multiple_outputs():
    a, b = nf.numpy_function(lambda x: (x + 1, (x * 2).astype(np.float32)), [nf.constant(3)],
                             [nf.int32, nf.float32])
    assert int(a) == 4 and float(b) == 6.0 and b.dtype == nf.float32
    with pytest.raises(ValueError, match="returned 1 values"):
        nf.numpy_function(lambda x: x, [nf.constant(1)], [nf.int32, nf.int32])


@nf.custom_gradient
def log1pexp(x):
    e = nf.exp(x)

    def grad(upstream):
        return upstream * (1 - 1 / (1 + e))
    return nf.math.log(1 + e), grad


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")
@pytest.mark.parametrize("where", ["eager", "inside_function", "tape_outside_function"])
def test_custom_gradient_is_used(where):
    x = nf.constant(100.0)     # the plain gradient would be nan here (inf / inf)
    if where == "inside_function":
        @nf.function
        def g(x):
            with nf.GradientTape() as tape:
                tape.watch(x)
                y = log1pexp(x)
            return tape.gradient(y, x)
        assert float(g(x)) == 1.0
        return
    f = nf.function(log1pexp) if where == "tape_outside_function" else log1pexp
    with nf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    assert float(tape.gradient(y, x)) == 1.0


def test_custom_gradient_with_variables():
    v = nf.Variable(2.0)

    @nf.custom_gradient
    def scale(x):
        def grad(dy, variables=None):
            assert variables == [v]
            return dy * v, [dy * x * 10.0]
        return x * v, grad

    x = nf.constant(3.0)
    with nf.GradientTape() as tape:
        tape.watch(x)
        y = scale(x)
    gx, gv = tape.gradient(y, [x, v])
    assert float(gx) == 2.0 and float(gv) == 30.0


def test_custom_gradient_without_variables_argument_raises():
    v = nf.Variable(2.0)

    @nf.custom_gradient
    def scale(x):
        return x * v, lambda dy: dy

    with pytest.raises(TypeError, match="variables"):
        scale(nf.constant(1.0))


def test_custom_gradient_second_order():
    @nf.custom_gradient
    def square(x):
        return x * x, lambda dy: dy * 2.0 * x

    x = nf.constant(3.0)
    with nf.GradientTape() as outer:
        outer.watch(x)
        with nf.GradientTape() as inner:
            inner.watch(x)
            y = square(x)
        g = inner.gradient(y, x)
    assert float(g) == 6.0 and float(outer.gradient(g, x)) == 2.0
