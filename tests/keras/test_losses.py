"""Losses: each against its formula in NumPy, reductions and sample weights, names, and
tf.keras when present."""

import json
import warnings

import numpy as np
import pytest

import neuroflow as nf

L = nf.keras.losses
EPS = 1e-7
B, C = 6, 4


def _data(seed=0):
    rng = np.random.default_rng(seed)
    logits = (rng.normal(size=(B, C)) * 3).astype(np.float32)
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    onehot = np.eye(C, dtype=np.float32)[rng.integers(0, C, B)]
    return {
        "logits": logits, "probs": probs.astype(np.float32), "onehot": onehot,
        "labels": onehot.argmax(-1).astype(np.int32),
        "y": rng.normal(size=(B, 3)).astype(np.float32),
        "p": rng.normal(size=(B, 3)).astype(np.float32),
        "bt": (rng.random((B, 1)) > 0.5).astype(np.float32),
        "bp": rng.random((B, 1)).astype(np.float32),
        "bl": (rng.normal(size=(B, 1)) * 4).astype(np.float32),
        "w": rng.random(B).astype(np.float32),
    }


D = _data()


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _log_softmax(x):
    x = x - x.max(-1, keepdims=True)
    return x - np.log(np.exp(x).sum(-1, keepdims=True))


def _cos(a, b):
    na = a / np.sqrt((a * a).sum(-1, keepdims=True))
    nb = b / np.sqrt((b * b).sum(-1, keepdims=True))
    return -(na * nb).sum(-1)


def _bce(y, p):
    p = np.clip(p, EPS, 1 - EPS)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p)).mean(-1)


def _huber(y, p, delta=1.0):
    e = np.abs(p - y)
    return np.where(e <= delta, 0.5 * e * e, delta * e - 0.5 * delta * delta).mean(-1)


# (function, args, NumPy reference of per-sample values)
CASES = [
    ("mean_squared_error", ("y", "p"), lambda y, p: ((y - p) ** 2).mean(-1)),
    ("mean_absolute_error", ("y", "p"), lambda y, p: np.abs(y - p).mean(-1)),
    ("mean_absolute_percentage_error", ("y", "p"),
     lambda y, p: 100 * np.abs((y - p) / np.maximum(np.abs(y), EPS)).mean(-1)),
    ("mean_squared_logarithmic_error", ("y", "p"),
     lambda y, p: ((np.log(np.maximum(p, EPS) + 1) - np.log(np.maximum(y, EPS) + 1)) ** 2
                   ).mean(-1)),
    ("huber", ("y", "p"), _huber),
    ("log_cosh", ("y", "p"), lambda y, p: np.log(np.cosh(p - y)).mean(-1)),
    ("binary_crossentropy", ("bt", "bp"), _bce),
    ("categorical_crossentropy", ("onehot", "probs"),
     lambda y, p: -(y * np.log(np.clip(p / p.sum(-1, keepdims=True), EPS, 1 - EPS))).sum(-1)),
    ("sparse_categorical_crossentropy", ("labels", "probs"),
     lambda y, p: -np.log(np.clip(p, EPS, 1 - EPS))[np.arange(len(y)), y.astype(int)]),
    ("kl_divergence", ("onehot", "probs"),
     lambda y, p: (np.clip(y, EPS, 1) * np.log(np.clip(y, EPS, 1) / np.clip(p, EPS, 1))).sum(-1)),
    ("poisson", ("bp", "bt"), lambda y, p: (p - y * np.log(p + EPS)).mean(-1)),
    ("hinge", ("bt", "bl"), lambda y, p: np.maximum(1 - (2 * y - 1) * p, 0).mean(-1)),
    ("squared_hinge", ("bt", "bl"),
     lambda y, p: (np.maximum(1 - (2 * y - 1) * p, 0) ** 2).mean(-1)),
    ("categorical_hinge", ("onehot", "logits"),
     lambda y, p: np.maximum(((1 - y) * p).max(-1) - (y * p).sum(-1) + 1, 0)),
    ("cosine_similarity", ("y", "p"), _cos),
]


@pytest.mark.parametrize("name, args, ref", CASES, ids=[c[0] for c in CASES])
def test_function_matches_numpy_formula(name, args, ref):
    y_true, y_pred = (D[a] for a in args)
    got = getattr(L, name)(nf.constant(y_true), nf.constant(y_pred)).numpy()
    expected = ref(y_true.astype(np.float64), y_pred.astype(np.float64))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_from_logits_and_label_smoothing():
    logits, onehot, labels, bt, bl = D["logits"], D["onehot"], D["labels"], D["bt"], D["bl"]
    expected = -(onehot * _log_softmax(logits.astype(np.float64))).sum(-1)
    np.testing.assert_allclose(L.categorical_crossentropy(onehot, logits, from_logits=True),
                               expected, rtol=1e-5)
    np.testing.assert_allclose(
        L.sparse_categorical_crossentropy(labels, logits, from_logits=True), expected,
        rtol=1e-5)
    x = bl.astype(np.float64)
    expected = (np.maximum(x, 0) - x * bt + np.log1p(np.exp(-np.abs(x)))).mean(-1)
    np.testing.assert_allclose(L.binary_crossentropy(bt, bl, from_logits=True), expected,
                               rtol=1e-5)
    smoothed = onehot * 0.8 + 0.2 / C
    np.testing.assert_allclose(
        L.categorical_crossentropy(onehot, logits, from_logits=True, label_smoothing=0.2),
        -(smoothed * _log_softmax(logits.astype(np.float64))).sum(-1), rtol=1e-5)
    np.testing.assert_allclose(
        L.binary_crossentropy(bt, D["bp"], label_smoothing=0.1),
        _bce(bt * 0.9 + 0.05, D["bp"].astype(np.float64)), rtol=1e-5)


def test_probabilities_are_clipped_as_keras_does():
    loss = L.binary_crossentropy([[1.0], [0.0]], [[0.0], [1.0]]).numpy()
    # Clipped to [1e-7, 1 - 1e-7] in float32, where 1 - (1 - 1e-7) is 1.19e-7.
    top = np.float32(1) - np.float32(1 - 1e-7)
    np.testing.assert_allclose(loss, [-np.log(1e-7), -np.log(top)], rtol=1e-5)
    assert np.isfinite(L.categorical_crossentropy([[1.0, 0.0]], [[0.0, 1.0]]).numpy()).all()


def test_softmax_output_uses_its_logits():
    """As Keras: a crossentropy on softmax/sigmoid output computes from the logits."""
    logits = nf.constant([[40.0, 0.0, -40.0]])
    probs = nf.keras.activations.softmax(logits)
    loss = L.categorical_crossentropy([[0.0, 0.0, 1.0]], probs)
    assert float(loss[0]) == pytest.approx(80.0, rel=1e-5)   # not -log(1e-7) = 16.1
    x = nf.Variable([[30.0]])
    with nf.GradientTape() as tape:
        out = L.binary_crossentropy([[0.0]], nf.keras.activations.sigmoid(x))
    assert float(tape.gradient(out, x)[0, 0]) == pytest.approx(1.0)


def test_reductions_and_sample_weight():
    y, p, w = D["y"], D["p"], D["w"]
    values = ((y - p) ** 2).mean(-1)
    mse = L.MeanSquaredError
    assert float(mse()(y, p)) == pytest.approx(values.mean(), rel=1e-6)
    assert float(mse(reduction="sum")(y, p)) == pytest.approx(values.sum(), rel=1e-6)
    np.testing.assert_allclose(mse(reduction="none")(y, p), values, rtol=1e-6)
    np.testing.assert_allclose(mse(reduction=None)(y, p), values, rtol=1e-6)
    assert float(mse()(y, p, sample_weight=w)) == pytest.approx((values * w).sum() / B,
                                                                rel=1e-6)
    assert float(mse(reduction="mean_with_sample_weight")(y, p, sample_weight=w)) == \
        pytest.approx((values * w).sum() / w.sum(), rel=1e-6)
    with pytest.raises(ValueError, match="reduction"):
        mse(reduction="bogus")


def test_sparse_ignore_class_excludes_samples_from_the_mean():
    labels, logits = D["labels"], D["logits"]
    keep = labels != 1
    per = -_log_softmax(logits.astype(np.float64))[np.arange(B), labels]
    got = L.SparseCategoricalCrossentropy(from_logits=True, ignore_class=1)(labels, logits)
    assert float(got) == pytest.approx(per[keep].mean(), rel=1e-5)


def test_config_round_trip_and_names():
    for loss in (L.MeanSquaredError(), L.Huber(delta=0.5),
                 L.BinaryCrossentropy(from_logits=True, label_smoothing=0.1),
                 L.CategoricalCrossentropy(label_smoothing=0.2, reduction="sum"),
                 L.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0),
                 L.CosineSimilarity(axis=0)):
        config = json.loads(json.dumps(L.serialize(loss)))
        back = L.deserialize(config)
        assert type(back) is type(loss) and back.get_config() == loss.get_config()
    assert L.get("mse") is L.mean_squared_error
    assert L.get("mae") is L.mean_absolute_error
    assert L.get("categorical_crossentropy") is L.categorical_crossentropy
    assert L.get("categorical crossentropy") is L.categorical_crossentropy   # the lecture
    assert isinstance(L.get("BinaryCrossentropy"), L.BinaryCrossentropy)
    assert L.Huber().name == "huber_loss" and L.MeanSquaredError().name == "mean_squared_error"
    custom = lambda y, p: y - p  # noqa: E731
    assert L.get(custom) is custom
    with pytest.raises(ValueError, match="mean_squared_error"):
        L.get("mean_sqared_error")


def test_custom_loss_subclass():
    class Scaled(L.Loss):
        def call(self, y_true, y_pred):
            return nf.reduce_mean(nf.abs(y_true - y_pred), axis=-1) * 2.0

    assert float(Scaled()([[1.0, 2.0]], [[2.0, 2.0]])) == pytest.approx(1.0)


def test_gradient_of_crossentropy_is_softmax_minus_labels():
    logits = nf.Variable(D["logits"])
    with nf.GradientTape() as tape:
        loss = L.CategoricalCrossentropy(from_logits=True)(D["onehot"], logits)
    p = np.exp(_log_softmax(D["logits"].astype(np.float64)))
    np.testing.assert_allclose(tape.gradient(loss, logits), (p - D["onehot"]) / B, atol=1e-6)


@pytest.mark.tensorflow
def test_matches_tensorflow():
    tf = pytest.importorskip("tensorflow")
    cases = [("MeanSquaredError", {}, "y", "p"), ("MeanAbsoluteError", {}, "y", "p"),
             ("MeanAbsolutePercentageError", {}, "y", "p"), ("Huber", {"delta": 0.5}, "y", "p"),
             ("LogCosh", {}, "y", "p"), ("BinaryCrossentropy", {}, "bt", "bp"),
             ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "bt", "bl"),
             ("CategoricalCrossentropy", {}, "onehot", "probs"),
             ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.2},
              "onehot", "logits"),
             ("SparseCategoricalCrossentropy", {}, "labels", "probs"),
             ("SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": 1},
              "labels", "logits"),
             ("KLDivergence", {}, "onehot", "probs"), ("Poisson", {}, "bp", "bt"),
             ("Hinge", {}, "bt", "bl"), ("SquaredHinge", {}, "y", "p"),
             ("CategoricalHinge", {}, "onehot", "logits"), ("CosineSimilarity", {}, "y", "p")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, kwargs, a, b in cases:
            for reduction in ("sum_over_batch_size", "sum", "none"):
                for w in (None, D["w"]):
                    ours = getattr(L, name)(reduction=reduction, **kwargs)(D[a], D[b],
                                                                           sample_weight=w)
                    theirs = getattr(tf.keras.losses, name)(reduction=reduction, **kwargs)(
                        D[a], D[b], sample_weight=w)
                    np.testing.assert_allclose(np.asarray(ours), theirs.numpy(), rtol=1e-5,
                                               atol=1e-6, err_msg=f"{name} {reduction}")
            # Ours may hold more (Keras drops Huber's delta, CosineSimilarity's axis).
            ours = getattr(L, name)(**kwargs).get_config()
            theirs = getattr(tf.keras.losses, name)(**kwargs).get_config()
            assert theirs.items() <= ours.items(), name
