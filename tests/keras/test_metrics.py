"""Metrics: state over several batches, weights, reset, config, accuracy resolution, and
tf.keras when present."""

import json
import warnings

import numpy as np
import pytest

import neuroflow as nf

M = nf.keras.metrics
B, C = 40, 5


def _data(seed=1):
    rng = np.random.default_rng(seed)
    logits = (rng.normal(size=(B, C)) * 2).astype(np.float32)
    probs = (np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)).astype(np.float32)
    onehot = np.eye(C, dtype=np.float32)[rng.integers(0, C, B)]
    bp = rng.random((B, 1)).astype(np.float32)
    bp[:5] = np.round(bp[:5] * 4) / 4          # values exactly on thresholds
    return {"probs": probs, "onehot": onehot, "labels": onehot.argmax(-1).astype(np.int32),
            "bt": (rng.random((B, 1)) > 0.5).astype(np.float32), "bp": bp,
            "y": rng.normal(size=(B, 3)).astype(np.float32),
            "p": rng.normal(size=(B, 3)).astype(np.float32), "w": rng.random(B).astype(
                np.float32)}


D = _data()


def _feed(metric, *args, sample_weight=None, parts=2):
    for i in range(parts):
        part = slice(i * B // parts, (i + 1) * B // parts)
        metric.update_state(*(a[part] for a in args),
                            sample_weight=None if sample_weight is None else sample_weight[part])
    return np.asarray(metric.result())


def test_mean_sum_and_reset():
    values, w = D["y"][:, 0], D["w"]
    mean = M.Mean()
    assert _feed(mean, values) == pytest.approx(values.mean(), rel=1e-6)
    mean.reset_state()
    assert float(mean.result()) == 0.0
    assert _feed(mean, values, sample_weight=w) == pytest.approx((values * w).sum() / w.sum(),
                                                                 rel=1e-5)
    assert _feed(M.Sum(), values) == pytest.approx(values.sum(), rel=1e-5)
    assert [v.name for v in mean.variables] == ["total:0", "count:0"]
    assert not any(v.trainable for v in mean.variables)
    assert float(M.Mean()([1.0, 3.0])) == 2.0


def test_accuracies_against_numpy():
    bt, bp, onehot, probs, labels = D["bt"], D["bp"], D["onehot"], D["probs"], D["labels"]
    assert _feed(M.BinaryAccuracy(), bt, bp) == pytest.approx(((bp > 0.5) == bt).mean())
    assert _feed(M.BinaryAccuracy(threshold=0.3), bt, bp) == pytest.approx(
        ((bp > 0.3) == bt).mean())
    hits = probs.argmax(-1) == labels
    assert _feed(M.CategoricalAccuracy(), onehot, probs) == pytest.approx(hits.mean())
    assert _feed(M.SparseCategoricalAccuracy(), labels, probs) == pytest.approx(hits.mean())
    assert _feed(M.SparseCategoricalAccuracy(), labels[:, None], probs) == pytest.approx(
        hits.mean())
    top2 = (np.argsort(-probs, -1)[:, :2] == labels[:, None]).any(-1)
    assert _feed(M.TopKCategoricalAccuracy(k=2), onehot, probs) == pytest.approx(top2.mean())
    assert _feed(M.SparseTopKCategoricalAccuracy(k=2), labels, probs) == pytest.approx(
        top2.mean())
    assert _feed(M.Accuracy(), np.round(bp), bt) == pytest.approx((np.round(bp) == bt).mean())
    w = D["w"]
    assert _feed(M.SparseCategoricalAccuracy(), labels, probs, sample_weight=w) == \
        pytest.approx((hits * w).sum() / w.sum(), rel=1e-5)


def test_regression_metrics():
    y, p = D["y"], D["p"]
    assert _feed(M.MeanSquaredError(), y, p) == pytest.approx(((y - p) ** 2).mean(), rel=1e-5)
    assert _feed(M.MeanAbsoluteError(), y, p) == pytest.approx(np.abs(y - p).mean(), rel=1e-5)
    assert _feed(M.RootMeanSquaredError(), y, p) == pytest.approx(
        np.sqrt(((y - p) ** 2).mean()), rel=1e-5)


def _confusion(bt, bp, threshold):
    pred, true = bp.ravel() > threshold, bt.ravel() > 0
    return ((pred & true).sum(), (pred & ~true).sum(), (~pred & ~true).sum(),
            (~pred & true).sum())


def test_precision_recall_against_numpy():
    bt, bp = D["bt"], D["bp"]
    tp, fp, _, fn = _confusion(bt, bp, 0.5)
    assert _feed(M.Precision(), bt, bp) == pytest.approx(tp / (tp + fp))
    assert _feed(M.Recall(), bt, bp) == pytest.approx(tp / (tp + fn))
    got = _feed(M.Precision(thresholds=[0.2, 0.5, 0.8]), bt, bp)
    expected = [(lambda c: c[0] / (c[0] + c[1]))(_confusion(bt, bp, t)) for t in (0.2, 0.5, 0.8)]
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_auc_roc_against_numpy_trapezoids():
    bt, bp = D["bt"], D["bp"]
    n = 200
    thresholds = [-1e-7] + [(i + 1) / (n - 1) for i in range(n - 2)] + [1 + 1e-7]
    counts = np.array([_confusion(bt, bp, np.float32(t)) for t in thresholds], np.float64)
    tp, fp, tn, fn = counts.T
    tpr, fpr = tp / (tp + fn), fp / (fp + tn)
    expected = ((fpr[:-1] - fpr[1:]) * (tpr[:-1] + tpr[1:]) / 2).sum()
    assert _feed(M.AUC(), bt, bp) == pytest.approx(expected, rel=1e-5)
    auc = M.AUC(num_thresholds=3)
    auc.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    assert float(auc.result()) == pytest.approx(0.75)
    assert 0.0 < _feed(M.AUC(curve="PR"), bt, bp) < 1.0
    assert len(M.AUC().variables) == 4


def test_call_updates_and_returns_result():
    acc = M.BinaryAccuracy()
    assert float(acc([[1.0], [0.0]], [[0.9], [0.2]])) == 1.0
    assert float(acc([[1.0], [0.0]], [[0.1], [0.2]])) == 0.75


def test_resolve_accuracy():
    r = M.resolve_accuracy
    assert isinstance(r("binary_crossentropy", (None, 1), "float32", (None, 1)),
                      M.BinaryAccuracy)
    assert isinstance(r("sparse_categorical_crossentropy", (None,), "int32", (None, 10)),
                      M.SparseCategoricalAccuracy)
    assert isinstance(r("x", (None, 1), "int32", (None, 10)), M.SparseCategoricalAccuracy)
    assert isinstance(r("categorical_crossentropy", (None, 10), "float32", (None, 10)),
                      M.CategoricalAccuracy)
    assert isinstance(r("sparse_categorical_crossentropy"), M.SparseCategoricalAccuracy)
    assert isinstance(r("binary_crossentropy"), M.BinaryAccuracy)
    assert r("categorical_crossentropy", name="acc").name == "acc"


def test_config_round_trip_and_names():
    for metric in (M.Mean(name="m"), M.BinaryAccuracy(threshold=0.3),
                   M.TopKCategoricalAccuracy(k=3), M.AUC(curve="PR", num_thresholds=50),
                   M.Precision(thresholds=[0.3, 0.6]), M.Recall(class_id=1),
                   M.RootMeanSquaredError(), M.MeanMetricWrapper(M.binary_accuracy,
                                                                 threshold=0.2)):
        back = M.deserialize(json.loads(json.dumps(M.serialize(metric))))
        assert type(back) is type(metric) and back.get_config() == metric.get_config()
    assert isinstance(M.get("accuracy"), M.Accuracy)
    assert isinstance(M.get("auc"), M.AUC) and isinstance(M.get("AUC"), M.AUC)
    assert isinstance(M.get("mse"), M.MeanSquaredError)
    assert M.get(M.binary_accuracy) is M.binary_accuracy
    with pytest.raises(ValueError, match="AUC"):
        M.get("aucc")


@pytest.mark.tensorflow
def test_matches_tensorflow():
    tf = pytest.importorskip("tensorflow")
    cases = [("Mean", {}, ("y",)), ("Sum", {}, ("y",)), ("BinaryAccuracy", {}, ("bt", "bp")),
             ("CategoricalAccuracy", {}, ("onehot", "probs")),
             ("SparseCategoricalAccuracy", {}, ("labels", "probs")),
             ("TopKCategoricalAccuracy", {"k": 2}, ("onehot", "probs")),
             ("SparseTopKCategoricalAccuracy", {"k": 2}, ("labels", "probs")),
             ("AUC", {}, ("bt", "bp")), ("AUC", {"curve": "PR"}, ("bt", "bp")),
             ("AUC", {"num_thresholds": 5}, ("bt", "bp")),
             ("AUC", {"summation_method": "minoring"}, ("bt", "bp")),
             ("AUC", {"thresholds": [0.25, 0.5, 0.7]}, ("bt", "bp")),
             ("Precision", {}, ("bt", "bp")), ("Recall", {"thresholds": [0.2, 0.5]},
                                                ("bt", "bp")),
             ("Recall", {"top_k": 2}, ("onehot", "probs")),
             ("Precision", {"class_id": 2}, ("onehot", "probs")),
             ("MeanSquaredError", {}, ("y", "p")), ("MeanAbsoluteError", {}, ("y", "p")),
             ("RootMeanSquaredError", {}, ("y", "p")),
             ("CategoricalCrossentropy", {}, ("onehot", "probs")),
             ("CosineSimilarity", {}, ("y", "p"))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, kwargs, args in cases:
            for w in (None, D["w"]):
                ours = _feed(getattr(M, name)(**kwargs), *(D[a] for a in args), sample_weight=w)
                theirs = _feed(getattr(tf.keras.metrics, name)(**kwargs),
                               *(D[a] for a in args), sample_weight=w)
                np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6,
                                           err_msg=f"{name} {kwargs}")
