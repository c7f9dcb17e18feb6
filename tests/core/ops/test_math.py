"""Elementwise math ops: NumPy reference, gradients, second order, edge values."""

import math

import numpy as np
import pytest
from opcheck import BROADCAST_PAIRS, SHAPES, check_forward, check_grad, check_op, \
    check_second_order, rand

import neuroflow as nf

try:
    from scipy.special import erf as _erf
except ImportError:  # pragma: no cover
    _erf = np.vectorize(math.erf)

# name: (neuroflow fn, numpy reference, input range, smooth)
UNARY = {
    "negative": (nf.negative, np.negative, (-2, 2), True),
    "abs": (nf.abs, np.abs, (0.1, 2), True),
    "exp": (nf.exp, np.exp, (-2, 2), True),
    "log": (nf.log, np.log, (0.5, 2), True),
    "log1p": (nf.log1p, np.log1p, (-0.5, 2), True),
    "expm1": (nf.expm1, np.expm1, (-2, 2), True),
    "sqrt": (nf.sqrt, np.sqrt, (0.5, 2), True),
    "rsqrt": (nf.rsqrt, lambda x: 1 / np.sqrt(x), (0.5, 2), True),
    "square": (nf.square, np.square, (-2, 2), True),
    "reciprocal": (nf.reciprocal, np.reciprocal, (0.5, 2), True),
    "sin": (nf.sin, np.sin, (-2, 2), True),
    "cos": (nf.cos, np.cos, (-2, 2), True),
    "tan": (nf.tan, np.tan, (-1, 1), True),
    "tanh": (nf.tanh, np.tanh, (-2, 2), True),
    "sigmoid": (nf.sigmoid, lambda x: 1 / (1 + np.exp(-x)), (-3, 3), True),
    "erf": (nf.erf, _erf, (-2, 2), True),
    "asin": (nf.math.asin, np.arcsin, (-0.8, 0.8), True),
    "atan": (nf.math.atan, np.arctan, (-2, 2), True),
}

BINARY = {
    "add": (nf.add, np.add, (-2, 2)),
    "subtract": (nf.subtract, np.subtract, (-2, 2)),
    "multiply": (nf.multiply, np.multiply, (-2, 2)),
    "divide": (nf.divide, np.divide, (0.5, 2)),
    "pow": (nf.pow, np.power, (0.5, 2)),
    "maximum": (nf.maximum, np.maximum, (-2, 2)),
    "minimum": (nf.minimum, np.minimum, (-2, 2)),
    "squared_difference": (nf.math.squared_difference, lambda x, y: (x - y) ** 2, (-2, 2)),
}


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary(name, shape):
    fn, ref, (low, high), smooth = UNARY[name]
    x = rand(shape, low, high)
    check_op(fn, ref, x, second=smooth and shape in [(3, 4), ()])


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_same_shape(name, shape):
    fn, ref, (low, high) = BINARY[name]
    x, y = rand(shape, low, high, seed=1), rand(shape, low, high, seed=2)
    check_op(fn, ref, x, y, second=name in ("multiply", "divide", "pow") and shape == (3, 4))


@pytest.mark.parametrize("shapes", BROADCAST_PAIRS, ids=str)
@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_broadcast(name, shapes):
    fn, ref, (low, high) = BINARY[name]
    x, y = rand(shapes[0], low, high, seed=3), rand(shapes[1], low, high, seed=4)
    check_op(fn, ref, x, y)
    check_op(fn, ref, y, x)


def test_second_order_broadcast_multiply():
    check_second_order(nf.multiply, rand((3, 4)), rand((4,), seed=5))


@pytest.mark.parametrize("fn,ref", [(nf.floor, np.floor), (nf.ceil, np.ceil),
                                    (nf.round, np.round), (nf.sign, np.sign)])
def test_rounding_values_and_no_gradient(fn, ref):
    x = np.array([-2.5, -1.5, -0.4, 0.0, 0.5, 1.5, 2.5, 3.7])
    check_forward(fn, ref, x)
    t = nf.constant(x)
    with nf.GradientTape() as tape:
        tape.watch(t)
        y = nf.reduce_sum(fn(t))
    g = tape.gradient(y, t)
    assert g is None or np.all(g.numpy() == 0)


def test_round_is_half_to_even_like_tf():
    assert nf.round(nf.constant([0.5, 1.5, 2.5, -0.5])).numpy().tolist() == [0, 2, 2, -0]


@pytest.mark.parametrize("name", ["equal", "not_equal", "less", "less_equal", "greater",
                                  "greater_equal"])
def test_comparisons(name):
    x, y = np.array([1.0, 2.0, 3.0]), np.array([[2.0], [1.0]])
    got = getattr(nf, name)(nf.constant(x), nf.constant(y))
    assert got.dtype == nf.bool
    np.testing.assert_array_equal(got.numpy(), getattr(np, name)(x, y))


def test_logical_ops():
    a, b = nf.constant([True, True, False, False]), nf.constant([True, False, True, False])
    assert nf.logical_and(a, b).numpy().tolist() == [True, False, False, False]
    assert nf.logical_or(a, b).numpy().tolist() == [True, True, True, False]
    assert nf.logical_not(a).numpy().tolist() == [False, False, True, True]
    assert (a & b).numpy().tolist() == [True, False, False, False]
    assert (a | b).numpy().tolist() == [True, True, True, False]
    assert (a ^ b).numpy().tolist() == [False, True, True, False]
    assert (~a).numpy().tolist() == [False, False, True, True]
    with pytest.raises(TypeError, match="bool"):
        nf.logical_and(nf.constant([1.0]), nf.constant([0.0]))


def test_where_values_and_gradient():
    c = np.array([[True, False, True], [False, False, True]])
    x, y = rand((2, 3), seed=1), rand((3,), seed=2)
    check_forward(lambda x, y: nf.where(nf.constant(c), x, y),
                  lambda x, y: np.where(c, x, y), x, y)
    check_grad(lambda x, y: nf.where(nf.constant(c), x, y), x, y)
    np.testing.assert_array_equal(nf.where(nf.constant(c)).numpy(), np.argwhere(c))


def test_clip_by_value_gradient_passes_inside_and_at_bounds():
    x = nf.constant([-2.0, -1.0, 0.0, 1.0, 2.0])
    with nf.GradientTape() as tape:
        tape.watch(x)
        y = nf.reduce_sum(nf.clip_by_value(x, -1.0, 1.0))
    assert nf.clip_by_value(x, -1.0, 1.0).numpy().tolist() == [-1, -1, 0, 1, 1]
    assert tape.gradient(y, x).numpy().tolist() == [0, 1, 1, 1, 0]


def test_cast_and_gradient():
    x = nf.constant([1.7, -1.7, 2.5])
    assert nf.cast(x, nf.int32).numpy().tolist() == [1, -1, 2]
    x64 = nf.constant([1.0, 2.0], nf.float64)
    with nf.GradientTape() as tape:
        tape.watch(x64)
        y = nf.reduce_sum(nf.cast(x64, nf.float32) * 3.0)
    g = tape.gradient(y, x64)
    assert g.dtype == nf.float64 and g.numpy().tolist() == [3.0, 3.0]
    with nf.GradientTape() as tape:
        tape.watch(x64)
        y = nf.cast(nf.cast(x64, nf.int32), nf.float64)
    assert tape.gradient(y, x64) is None


def test_integer_arithmetic_follows_tf():
    a, b = nf.constant([7, -7]), nf.constant([2, 2])
    assert (a // b).numpy().tolist() == [3, -4]
    assert (a % b).numpy().tolist() == [1, 1]
    assert (a / b).dtype == nf.float64 and (a / b).numpy().tolist() == [3.5, -3.5]
    assert (a * 2).dtype == nf.int32
    with pytest.raises(ValueError, match="division by zero"):
        nf.floordiv(a, nf.constant([0, 1]))


def test_floormod_gradient():
    check_grad(nf.floormod, rand((5,), 0.1, 3, seed=8), rand((5,), 0.5, 1.0, seed=9))


def test_mixed_dtypes_raise_type_error():
    with pytest.raises(TypeError, match="float32 and float64"):
        nf.add(nf.constant(1.0), nf.constant(np.float64(1.0)))
    with pytest.raises(TypeError):
        nf.constant(1) + 1.5


def test_python_scalars_take_tensor_dtype():
    assert (nf.constant(1.0) * 2).dtype == nf.float32
    assert (2 ** nf.constant(2.0, nf.float64)).dtype == nf.float64
    assert (np.float64(2) * nf.constant(1.0)).dtype == nf.float32


def test_edge_values():
    x = nf.constant([0.0, -1.0, np.inf, -np.inf, np.nan, 1e20])
    logs = nf.log(x).numpy()
    assert logs[0] == -np.inf and np.isnan(logs[1]) and logs[2] == np.inf
    assert np.isnan(nf.exp(x).numpy()[4])
    assert nf.sigmoid(nf.constant([-1e4, 1e4, np.inf, -np.inf])).numpy().tolist() == [0, 1, 1, 0]
    assert nf.tanh(nf.constant([1e20, -1e20])).numpy().tolist() == [1, -1]


def test_sigmoid_derivative_is_s_times_one_minus_s():
    x = nf.constant(np.linspace(-5, 5, 11))
    with nf.GradientTape() as tape:
        tape.watch(x)
        s = nf.sigmoid(x)
    np.testing.assert_allclose(tape.gradient(s, x).numpy(), (s * (1 - s)).numpy(), rtol=1e-12)
    assert float(nf.reduce_max(tape.gradient(s, x) if False else s * (1 - s))) <= 0.25


def test_add_n():
    xs = [rand((2, 3), seed=i) for i in range(3)]
    check_op(lambda a, b, c: nf.add_n([a, b, c]), lambda a, b, c: a + b + c, *xs)
    with pytest.raises(ValueError):
        nf.add_n([])


def test_divide_no_nan():
    got = nf.math.divide_no_nan(nf.constant([1.0, 2.0]), nf.constant([0.0, 4.0]))
    assert got.numpy().tolist() == [0.0, 0.5]


def test_broadcast_error_names_op_and_shapes():
    with pytest.raises(ValueError, match=r"add.*\(3,\).*\(4,\)"):
        nf.add(nf.ones([3]), nf.ones([4]))
