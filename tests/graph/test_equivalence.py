"""A graph's result equals eager's (float32, rtol 1e-6), for values and gradients, over a wide
sample of ops; every op goes through the same registry, so this checks the tracer, the passes
and the executor generically."""

import numpy as np
import pytest

import neuroflow as nf


def _rand(shape, seed=0, low=-2.0, high=2.0):
    return np.random.default_rng(seed).uniform(low, high, shape).astype(np.float32)


def _pos(shape, seed=0):
    return _rand(shape, seed, 0.5, 3.0)


def _maybe(name):
    """nf.<name> or nf.nn.<name>, skipping the case when another team has not added it yet."""
    for space in (nf, nf.nn):
        fn = getattr(space, name, None)
        if fn is not None:
            return fn
    pytest.skip(f"{name} not available")


UNARY = ["negative", "abs", "exp", "tanh", "sigmoid", "square", "sin", "cos", "atan", "sinh",
         "floor", "sign", "erf"]
POSITIVE = ["log", "sqrt", "rsqrt", "log1p", "reciprocal"]
BINARY = ["add", "subtract", "multiply", "divide", "maximum", "minimum", "squared_difference",
          "pow"]


def _check(fn, *arrays, grad=True):
    tensors = [nf.constant(a) for a in arrays]
    eager = fn(*tensors)
    graph = nf.function(fn)(*tensors)
    np.testing.assert_allclose(np.asarray(graph), np.asarray(eager), rtol=1e-6, atol=1e-6)
    if not grad:
        return

    def grads(*xs):
        with nf.GradientTape() as tape:
            for x in xs:
                tape.watch(x)
            y = nf.reduce_sum(fn(*xs) * 1.5)
        return tape.gradient(y, list(xs))

    eager_g = grads(*tensors)
    graph_g = nf.function(grads)(*tensors)
    for e, g in zip(eager_g, graph_g):
        if e is None:
            assert g is None
        else:
            np.testing.assert_allclose(np.asarray(g), np.asarray(e), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", UNARY)
def test_unary(name):
    fn = _maybe(name)
    _check(lambda x: fn(x), _rand((3, 4)), grad=name not in ("floor", "sign"))


@pytest.mark.parametrize("name", POSITIVE)
def test_unary_positive(name):
    fn = _maybe(name)
    _check(lambda x: fn(x), _pos((3, 4)))


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("shapes", [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 4), (3, 1))])
def test_binary_broadcasting(name, shapes):
    fn = _maybe(name)
    a, b = _pos(shapes[0], 1), _pos(shapes[1], 2)
    _check(lambda x, y: fn(x, y), a, b)


@pytest.mark.parametrize("case", [
    ("reduce_sum", lambda f, x: f(x, axis=1)),
    ("reduce_mean", lambda f, x: f(x, axis=[0, 2], keepdims=True)),
    ("reduce_max", lambda f, x: f(x, axis=-1)),
    ("reduce_min", lambda f, x: f(x)),
    ("reduce_prod", lambda f, x: f(x, axis=0)),
    ("reduce_logsumexp", lambda f, x: f(x, axis=1)),
])
def test_reductions(case):
    name, call = case
    fn = _maybe(name)
    _check(lambda x: call(fn, x), _rand((2, 3, 4)))


@pytest.mark.parametrize("case", [
    ("reshape", lambda f, x: f(x, [4, 6])),
    ("transpose", lambda f, x: f(x, [2, 0, 1])),
    ("expand_dims", lambda f, x: f(x, 1)),
    ("squeeze", lambda f, x: f(x[:, :1], 1)),
    ("tile", lambda f, x: f(x, [1, 2, 1])),
    ("concat", lambda f, x: f([x, x * 2.0], axis=1)),
    ("stack", lambda f, x: f([x, x + 1.0], axis=0)),
    ("broadcast_to", lambda f, x: f(x[:1], [3, 3, 4])),
    ("pad", lambda f, x: f(x, [[0, 0], [1, 2], [0, 1]])),
    ("gather", lambda f, x: f(x, [2, 0], axis=1)),
])
def test_shape_ops(case):
    name, call = case
    fn = _maybe(name)
    _check(lambda x: call(fn, x), _rand((2, 3, 4)))


def test_indexing_and_operators():
    _check(lambda x: x[1:, ::2] * 2.0 + x[0, 0] - x[..., 1:, -2:] / 3.0, _rand((3, 4)))


def test_matmul_chain():
    _check(lambda x, w: nf.tanh(nf.matmul(x, w) + 1.0) @ nf.transpose(w),
           _rand((5, 3)), _rand((3, 4), 1))


@pytest.mark.parametrize("name", ["relu", "softmax", "log_softmax", "elu", "softplus",
                                  "gelu", "leaky_relu"])
def test_nn_activations(name):
    fn = _maybe(name)
    _check(lambda x: fn(x), _rand((4, 5)))


def test_softmax_cross_entropy():
    fn = _maybe("softmax_cross_entropy_with_logits")
    labels = np.eye(5, dtype=np.float32)[[0, 3, 1, 4]]
    _check(lambda z: fn(labels=nf.constant(labels), logits=z), _rand((4, 5)))


def test_comparisons_and_where():
    _check(lambda x, y: nf.where(x > y, x, y * 2.0), _rand((3, 4)), _rand((3, 4), 3))


def test_cast_and_integer_math():
    a = np.arange(12, dtype=np.int32).reshape(3, 4)
    _check(lambda x: nf.cast(x * 3 + 1, nf.float32) / 2.0, a, grad=False)


def test_mlp_loss_and_gradients():
    w1, w2 = _rand((6, 8), 1) * 0.3, _rand((8, 3), 2) * 0.3

    def loss(x, a, b):
        h = nf.maximum(nf.matmul(x, a), 0.0)
        z = nf.matmul(h, b)
        return nf.reduce_mean(nf.square(z))

    _check(loss, _rand((4, 6)), w1, w2)
