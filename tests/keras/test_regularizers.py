"""Regularizers and constraints: formulas, configs, names, tf.keras when present."""

import json

import numpy as np
import pytest

import neuroflow as nf

R = nf.keras.regularizers
K = nf.keras.constraints
X = np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32)


def test_penalties():
    assert float(R.L1()(X)) == pytest.approx(0.01 * np.abs(X).sum(), rel=1e-6)
    assert float(R.L2()(X)) == pytest.approx(0.01 * (X**2).sum(), rel=1e-6)
    assert float(R.L2(0.1)(nf.constant([1.0, 2.0]))) == pytest.approx(0.5)
    assert float(R.L1L2(l1=0.1, l2=0.2)(X)) == pytest.approx(
        0.1 * np.abs(X).sum() + 0.2 * (X**2).sum(), rel=1e-6)
    assert float(R.L1L2()(X)) == 0.0
    assert float(R.OrthogonalRegularizer()(np.eye(3, dtype=np.float32))) == pytest.approx(0.0)
    with pytest.raises(ValueError):
        R.L2(-1.0)


def test_regularizer_gradient():
    w = nf.Variable(X)
    with nf.GradientTape() as tape:
        loss = R.L2(0.5)(w)
    np.testing.assert_allclose(tape.gradient(loss, w), X, rtol=1e-6)


def test_regularizer_names_and_configs():
    assert isinstance(R.get("l2"), R.L2) and isinstance(R.get("l1_l2"), R.L1L2)
    assert R.l2 is R.L2 and R.l1 is R.L1
    for reg in (R.L1(0.3), R.L2(0.2), R.L1L2(0.1, 0.2), R.OrthogonalRegularizer(0.1, "columns")):
        back = R.deserialize(json.loads(json.dumps(R.serialize(reg))))
        assert type(back) is type(reg) and back.get_config() == reg.get_config()
    with pytest.raises(ValueError, match="l2"):
        R.get("l3")


def test_constraints():
    w = X * 3
    norms = np.sqrt((w**2).sum(0, keepdims=True))
    np.testing.assert_allclose(K.MaxNorm()(w), w * np.clip(norms, 0, 2) / (norms + 1e-7),
                               rtol=1e-5)
    np.testing.assert_allclose(K.NonNeg()(w), np.maximum(w, 0))
    np.testing.assert_allclose(K.UnitNorm()(w), w / (norms + 1e-7), rtol=1e-5)
    desired = 0.7 * np.clip(norms, 0.5, 1.0) + 0.3 * norms
    np.testing.assert_allclose(K.MinMaxNorm(0.5, 1.0, rate=0.7)(w), w * desired / (norms + 1e-7),
                               rtol=1e-5)
    assert isinstance(K.get("max_norm"), K.MaxNorm) and isinstance(K.get("non_neg"), K.NonNeg)
    for c in (K.MaxNorm(3, axis=1), K.UnitNorm(axis=1), K.MinMaxNorm(0.1, 2.0, 0.5), K.NonNeg()):
        back = K.deserialize(json.loads(json.dumps(K.serialize(c))))
        assert type(back) is type(c) and back.get_config() == c.get_config()
    with pytest.raises(ValueError, match="max_norm"):
        K.get("maxnorm2")


def test_constraint_applied_by_optimizer():
    w = nf.Variable([[3.0], [4.0]], constraint=K.MaxNorm(1.0))
    nf.keras.optimizers.SGD(0.0).apply_gradients([(nf.constant([[0.0], [0.0]]), w)])
    np.testing.assert_allclose(w.numpy(), [[0.6], [0.8]], rtol=1e-5)


@pytest.mark.tensorflow
def test_matches_tensorflow():
    tf = pytest.importorskip("tensorflow")
    for name, kwargs in [("L1", {}), ("L2", {}), ("L1L2", {"l1": 0.1, "l2": 0.2}),
                         ("OrthogonalRegularizer", {}),
                         ("OrthogonalRegularizer", {"mode": "columns"})]:
        assert float(getattr(R, name)(**kwargs)(X)) == pytest.approx(
            float(getattr(tf.keras.regularizers, name)(**kwargs)(tf.constant(X))), rel=1e-6)
    for name, kwargs in [("MaxNorm", {}), ("MaxNorm", {"max_value": 1.0, "axis": 1}),
                         ("NonNeg", {}), ("UnitNorm", {}),
                         ("MinMaxNorm", {"min_value": 0.5, "max_value": 1.0, "rate": 0.7})]:
        np.testing.assert_allclose(getattr(K, name)(**kwargs)(X * 2),
                                   getattr(tf.keras.constraints, name)(**kwargs)(
                                       tf.constant(X * 2)).numpy(), rtol=1e-6, atol=1e-7)
        assert getattr(K, name)(**kwargs).get_config() == \
            getattr(tf.keras.constraints, name)(**kwargs).get_config()
