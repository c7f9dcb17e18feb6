"""Activations: NumPy formulas, Keras 3's defaults, names, and tf.keras when present."""

import math

import numpy as np
import pytest

import neuroflow as nf

A = nf.keras.activations
X = np.linspace(-6, 6, 49).astype(np.float32)
_ERF = np.vectorize(math.erf)


def _softplus(x):
    return np.log1p(np.exp(-np.abs(x))) + np.maximum(x, 0)


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


CASES = [
    ("relu", {}, lambda x: np.maximum(x, 0)),
    ("relu", {"negative_slope": 0.1}, lambda x: np.where(x > 0, x, 0.1 * x)),
    ("relu", {"max_value": 3.0}, lambda x: np.clip(x, 0, 3)),
    ("relu", {"threshold": 1.5}, lambda x: np.where(x > 1.5, x, 0)),
    ("relu", {"negative_slope": 0.2, "max_value": 3.0, "threshold": 1.0},
     lambda x: np.where(x > 1.0, np.minimum(x, 3.0), 0.2 * (x - 1.0))),
    ("relu6", {}, lambda x: np.clip(x, 0, 6)),
    ("leaky_relu", {}, lambda x: np.where(x > 0, x, 0.2 * x)),
    ("elu", {}, lambda x: np.where(x > 0, x, np.expm1(x))),
    ("elu", {"alpha": 0.5}, lambda x: np.where(x > 0, x, 0.5 * np.expm1(x))),
    ("selu", {}, lambda x: 1.0507009873554805 * np.where(x > 0, x,
                                                          1.6732632423543772 * np.expm1(x))),
    ("gelu", {}, lambda x: 0.5 * x * (1 + _ERF(x / math.sqrt(2)))),
    ("gelu", {"approximate": True},
     lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))),
    ("silu", {}, lambda x: x * _sigmoid(x)),
    ("swish", {}, lambda x: x * _sigmoid(x)),
    ("softplus", {}, _softplus),
    ("softsign", {}, lambda x: x / (np.abs(x) + 1)),
    ("sigmoid", {}, _sigmoid),
    ("hard_sigmoid", {}, lambda x: np.clip(x + 3, 0, 6) / 6),
    ("hard_silu", {}, lambda x: x * np.clip(x + 3, 0, 6) / 6),
    ("tanh", {}, np.tanh),
    ("exponential", {}, np.exp),
    ("linear", {}, lambda x: x),
    ("mish", {}, lambda x: x * np.tanh(_softplus(x))),
    ("log_sigmoid", {}, lambda x: -_softplus(-x)),
]


@pytest.mark.parametrize("name, kwargs, ref", CASES, ids=[f"{c[0]}-{i}" for i, c in
                                                           enumerate(CASES)])
def test_matches_numpy_formula(name, kwargs, ref):
    got = np.asarray(getattr(A, name)(nf.constant(X), **kwargs))
    np.testing.assert_allclose(got, ref(X.astype(np.float64)), rtol=1e-5, atol=1e-6)


def test_softmax_and_log_softmax():
    x = np.random.default_rng(0).normal(size=(3, 4)).astype(np.float32) * 5
    e = np.exp(x - x.max(-1, keepdims=True))
    np.testing.assert_allclose(A.softmax(x), e / e.sum(-1, keepdims=True), rtol=1e-5)
    e0 = np.exp(x - x.max(0, keepdims=True))
    np.testing.assert_allclose(A.softmax(x, axis=0), e0 / e0.sum(0, keepdims=True), rtol=1e-5)
    np.testing.assert_allclose(np.asarray(A.softmax(x, axis=None)).sum(), 1.0, rtol=1e-5)
    np.testing.assert_allclose(A.log_softmax(x), np.log(e / e.sum(-1, keepdims=True)),
                               rtol=1e-5, atol=1e-5)


def test_gradients_flow():
    x = nf.Variable(X)
    for name in ("relu", "gelu", "mish", "hard_sigmoid", "softmax"):
        with nf.GradientTape() as tape:
            y = nf.reduce_sum(getattr(A, name)(x) * nf.constant(np.arange(49, dtype=np.float32)))
        assert tape.gradient(y, x) is not None, name


def test_get_and_serialize():
    assert A.get(None) is A.linear
    assert A.get("relu") is A.relu and A.get("swish") is A.silu
    fn = lambda x: x  # noqa: E731
    assert A.get(fn) is fn
    assert A.serialize(A.relu) == "relu" and A.serialize(A.softmax) == "softmax"
    assert A.deserialize("tanh") is A.tanh
    with pytest.raises(ValueError, match="relu"):
        A.get("reluu")


@pytest.mark.tensorflow
def test_matches_tensorflow():
    tf = pytest.importorskip("tensorflow")
    for name, kwargs, _ in CASES:
        if name == "swish":
            continue
        ours = np.asarray(getattr(A, name)(nf.constant(X), **kwargs))
        theirs = getattr(tf.keras.activations, name)(tf.constant(X), **kwargs).numpy()
        np.testing.assert_allclose(ours, theirs, rtol=2e-6, atol=1e-6, err_msg=name)
    x = np.random.default_rng(0).normal(size=(3, 4)).astype(np.float32)
    for axis in (-1, 0, None):
        np.testing.assert_allclose(A.softmax(x, axis=axis),
                                   tf.keras.activations.softmax(x, axis=axis).numpy(),
                                   rtol=1e-6, atol=1e-7)
