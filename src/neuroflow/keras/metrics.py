"""``nf.keras.metrics``: stateful metrics (``update_state``/``result``/``reset_state``).

A metric keeps its running state in non-trainable variables, so it accumulates over the
batches of an epoch and can be traced into a graph. ``resolve_accuracy`` picks the accuracy
that ``metrics=['accuracy']`` means for a model's outputs, as Keras's ``compile`` does.
"""

import re

import numpy as np

from ..backend.dtypes import as_dtype
from ..core.convert import convert_to_tensor
from ..core.ops import math as m
from ..core.ops import reduce as r
from ..core.ops.index import reverse
from ..core.ops.shape import expand_dims, reshape, shape, squeeze
from ..core.ops.creation import one_hot
from ..core.tensor import Tensor
from ..core.variable import Variable
from . import _objects
from . import backend as _kbackend
from . import losses as _losses
from .losses import squeeze_or_expand_to_same_rank, to_dtype

__all__ = [
    "Metric", "Mean", "Sum", "MeanMetricWrapper", "Accuracy", "BinaryAccuracy",
    "CategoricalAccuracy", "SparseCategoricalAccuracy", "TopKCategoricalAccuracy",
    "SparseTopKCategoricalAccuracy", "AUC", "Precision", "Recall", "MeanSquaredError",
    "MeanAbsoluteError", "RootMeanSquaredError", "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError", "BinaryCrossentropy", "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy", "KLDivergence", "Poisson", "Hinge", "SquaredHinge",
    "CategoricalHinge", "LogCoshError", "CosineSimilarity", "accuracy", "binary_accuracy",
    "categorical_accuracy", "sparse_categorical_accuracy", "top_k_categorical_accuracy",
    "sparse_top_k_categorical_accuracy", "resolve_accuracy", "get", "serialize", "deserialize",
]


def _snake(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _float(x, dtype="float32"):
    if isinstance(x, Tensor):
        return x if x.dtype == dtype else m.cast(x, dtype)
    return convert_to_tensor(x, dtype=dtype)


def _tensor(x):
    return x if isinstance(x, Tensor) else convert_to_tensor(x)


# -- base classes ------------------------------------------------------------------------------
class Metric:
    """Base class of metrics: state in ``variables``, ``update_state`` accumulates,
    ``result`` reads, ``reset_state`` zeroes. Calling a metric updates it and returns the
    result.

    Args:
        name: name of the metric (default: from the class, ``'binary_accuracy'``).
        dtype: dtype of the state and result (default float32).
    """

    def __init__(self, dtype=None, name=None):
        self.name = name or _kbackend.unique_name(_kbackend.to_snake_case(type(self).__name__))
        self.dtype = dtype or "float32"
        self._variables = []

    def add_variable(self, shape, initializer="zeros", dtype=None, name=None, **unused):
        """Adds a non-trainable state variable: zeros, a number, or ``initializer(shape,
        dtype)``."""
        dtype = as_dtype(dtype or self.dtype)
        if callable(initializer):
            value = initializer(tuple(shape), dtype=dtype)
        else:
            fill = 0.0 if initializer in ("zeros", None) else initializer
            value = np.full(tuple(shape), fill, dtype=dtype._np)
        variable = Variable(value, trainable=False, name=name, dtype=dtype)
        self._variables.append(variable)
        return variable

    add_weight = add_variable

    @property
    def variables(self):
        """The state variables, in creation order."""
        return list(self._variables)

    def reset_state(self):
        """Sets every state variable to zero."""
        for v in self._variables:
            v.assign(m.zeros_like(v.value()))

    def update_state(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must implement update_state")

    def result(self):
        raise NotImplementedError(f"{type(self).__name__} must implement result")

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


def _samplewise(values, sample_weight, reduce_fn, dtype):
    """Keras's reduction of ``values`` to one value per sample, weighted."""
    values = _float(values, dtype)
    if sample_weight is not None:
        sample_weight = _float(sample_weight, dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        w_rank, v_rank = sample_weight.ndim, values.ndim
        if v_rank > w_rank:
            values = reduce_fn(values, axis=list(range(w_rank, v_rank)))
        sample_weight = m.zeros_like(values) + sample_weight   # broadcast, shapes may be unknown
        values = values * sample_weight
        if w_rank > 1:
            sample_weight = reduce_fn(sample_weight, axis=list(range(1, w_rank)))
    if values.ndim > 1:
        values = reduce_fn(values, axis=list(range(1, values.ndim)))
    return values, sample_weight


class Sum(Metric):
    """Running (weighted) sum of the values given.

    Example:
        >>> s = nf.keras.metrics.Sum(); s.update_state([1.0, 3.0]); float(s.result())
        4.0
    """

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), name="total")

    def update_state(self, values, sample_weight=None):
        values, _ = _samplewise(values, sample_weight, r.reduce_sum, self.dtype)
        self.total.assign_add(r.reduce_sum(values))

    def result(self):
        return self.total.value()


class Mean(Metric):
    """Running (weighted) mean of the values given.

    Formula:
        result = sum(values * sample_weight) / sum(sample_weight)

    Example:
        >>> mean = nf.keras.metrics.Mean(); mean.update_state([1.0, 3.0])
        >>> float(mean.result())
        2.0
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), name="total")
        self.count = self.add_variable((), name="count")

    def update_state(self, values, sample_weight=None):
        values, sample_weight = _samplewise(values, sample_weight, r.reduce_mean, self.dtype)
        self.total.assign_add(r.reduce_sum(values))
        if sample_weight is not None:
            count = r.reduce_sum(sample_weight)
        elif values.ndim == 0:
            count = _float(1.0, self.dtype)
        elif values.shape[0] is None:
            count = m.cast(shape(values)[0], self.dtype)
        else:
            count = _float(float(values.shape[0]), self.dtype)
        self.count.assign_add(count)

    def result(self):
        return m.divide_no_nan(self.total.value(), self.count.value())


class MeanMetricWrapper(Mean):
    """Mean of a per-sample function ``fn(y_true, y_pred, **kwargs)`` over all samples seen.

    Example:
        >>> acc = nf.keras.metrics.MeanMetricWrapper(nf.keras.metrics.binary_accuracy)
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        name = name or getattr(fn, "name", None) or getattr(fn, "__name__", None)  # a Loss: .name
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        return super().update_state(values, sample_weight=sample_weight)

    def get_config(self):
        return _objects.fn_wrapper_config(super().get_config(), self._fn, self._fn_kwargs,
                                          "keras.metrics", type(self) is MeanMetricWrapper)

    @classmethod
    def from_config(cls, config):
        return _objects.fn_wrapper_from_config(cls, config, deserialize)


def _wrapper(class_name, fn, default_name, doc, **defaults):
    """A ``MeanMetricWrapper`` subclass with ``defaults`` as its keyword arguments."""

    def __init__(self, *args, name=default_name, dtype=None, **kwargs):
        values = _objects.bind_arguments(class_name, defaults, args, kwargs)
        MeanMetricWrapper.__init__(self, fn, name=name, dtype=dtype, **values)
        for key, value in values.items():
            setattr(self, key, value)

    return type(class_name, (MeanMetricWrapper,), {"__init__": __init__, "__doc__": doc,
                                                    "__module__": __name__})


# -- accuracy functions ------------------------------------------------------------------------
def accuracy(y_true, y_pred):
    """1.0 where ``y_true == y_pred`` exactly, else 0.0."""
    y_pred = _tensor(y_pred)
    y_true = to_dtype(y_true, y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return m.cast(m.equal(y_true, y_pred), "float32")


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1.0 where ``(y_pred > threshold) == y_true``, else 0.0.

    Example:
        >>> nf.keras.metrics.binary_accuracy([1.0, 0.0], [0.7, 0.6]).numpy()
        array([1., 0.], dtype=float32)
    """
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    predicted = m.cast(m.greater(y_pred, to_dtype(threshold, y_pred.dtype)), y_true.dtype)
    return m.cast(m.equal(y_true, predicted), "float32")


def categorical_accuracy(y_true, y_pred):
    """1.0 where ``argmax(y_true) == argmax(y_pred)`` (one-hot labels), else 0.0."""
    y_true = r.argmax(_tensor(y_true), axis=-1)
    y_pred = r.argmax(_tensor(y_pred), axis=-1)
    return m.cast(m.equal(y_true, y_pred), "float32")


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where the integer label equals ``argmax(y_pred)``, else 0.0."""
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true)
    original = None
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        original = tuple(y_true.shape)
        y_true = squeeze(y_true, -1)
    predicted = r.argmax(y_pred, axis=-1)
    if not y_true.dtype.is_integer:
        predicted = m.cast(predicted, y_true.dtype)
    elif y_true.dtype != predicted.dtype:
        y_true = m.cast(y_true, predicted.dtype)
    matches = m.cast(m.equal(y_true, predicted), "float32")
    if original is not None:
        matches = reshape(matches, original)
    if matches.ndim > 1 and matches.shape[-1] == 1:
        matches = squeeze(matches, -1)
    return matches


def _in_top_k(targets, predictions, k):
    # As tf.math.in_top_k: ties at the boundary count as inside; non-finite scores never do.
    mask = one_hot(m.cast(targets, "int32"), predictions.shape[-1], dtype="bool")
    target_score = r.reduce_sum(m.where(mask, predictions, m.zeros_like(predictions)), axis=-1)
    above = r.reduce_sum(m.cast(predictions > expand_dims(target_score, -1), "int32"), axis=-1)
    return m.logical_and(above < k, m.is_finite(target_score))


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the one-hot label's class is among the ``k`` highest predictions."""
    y_pred = _tensor(y_pred)
    labels = r.argmax(_tensor(y_true), axis=-1)
    shape = tuple(labels.shape)
    y_pred = reshape(y_pred, [-1, y_pred.shape[-1]])
    matches = m.cast(_in_top_k(reshape(labels, [-1]), y_pred, k), "float32")
    return reshape(matches, shape) if len(shape) > 1 else matches


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """1.0 where the integer label is among the ``k`` highest predictions."""
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true)
    shape = tuple(y_true.shape)
    if y_pred.ndim > 2:
        y_pred = reshape(y_pred, [-1, y_pred.shape[-1]])
    labels = reshape(y_true, [-1]) if y_true.ndim > 1 else y_true
    if from_sorted_ids:
        ids = m.cast(y_pred[:, :k], "int32")
        hit = r.reduce_any(m.equal(expand_dims(m.cast(labels, "int32"), 1), ids), axis=1)
    else:
        hit = _in_top_k(labels, y_pred, k)
    matches = m.cast(hit, "float32")
    return reshape(matches, shape) if len(shape) > 1 else matches


def _cosine(y_true, y_pred, axis=-1):
    return m.negative(_losses.cosine_similarity(y_true, y_pred, axis=axis))


Accuracy = _wrapper("Accuracy", accuracy, "accuracy",
                    "How often predictions equal labels exactly (mean of ``accuracy``).")
BinaryAccuracy = _wrapper("BinaryAccuracy", binary_accuracy, "binary_accuracy",
                          "How often ``y_pred > threshold`` matches binary labels "
                          "(threshold 0.5).", threshold=0.5)
CategoricalAccuracy = _wrapper("CategoricalAccuracy", categorical_accuracy,
                               "categorical_accuracy",
                               "How often argmax(y_pred) matches one-hot labels.")
SparseCategoricalAccuracy = _wrapper("SparseCategoricalAccuracy", sparse_categorical_accuracy,
                                     "sparse_categorical_accuracy",
                                     "How often argmax(y_pred) matches integer labels.")
TopKCategoricalAccuracy = _wrapper("TopKCategoricalAccuracy", top_k_categorical_accuracy,
                                   "top_k_categorical_accuracy",
                                   "How often one-hot labels are in the top ``k`` (5).", k=5)
SparseTopKCategoricalAccuracy = _wrapper(
    "SparseTopKCategoricalAccuracy", sparse_top_k_categorical_accuracy,
    "sparse_top_k_categorical_accuracy", "How often integer labels are in the top ``k`` (5).",
    k=5, from_sorted_ids=False)
MeanSquaredError = _wrapper("MeanSquaredError", _losses.mean_squared_error,
                            "mean_squared_error", "Mean of squared errors.")
MeanAbsoluteError = _wrapper("MeanAbsoluteError", _losses.mean_absolute_error,
                             "mean_absolute_error", "Mean of absolute errors.")
MeanAbsolutePercentageError = _wrapper(
    "MeanAbsolutePercentageError", _losses.mean_absolute_percentage_error,
    "mean_absolute_percentage_error", "Mean absolute percentage error.")
MeanSquaredLogarithmicError = _wrapper(
    "MeanSquaredLogarithmicError", _losses.mean_squared_logarithmic_error,
    "mean_squared_logarithmic_error", "Mean squared logarithmic error.")
BinaryCrossentropy = _wrapper("BinaryCrossentropy", _losses.binary_crossentropy,
                              "binary_crossentropy", "Mean binary crossentropy.",
                              from_logits=False, label_smoothing=0.0)
CategoricalCrossentropy = _wrapper("CategoricalCrossentropy", _losses.categorical_crossentropy,
                                   "categorical_crossentropy", "Mean categorical crossentropy.",
                                   from_logits=False, label_smoothing=0.0, axis=-1)
SparseCategoricalCrossentropy = _wrapper(
    "SparseCategoricalCrossentropy", _losses.sparse_categorical_crossentropy,
    "sparse_categorical_crossentropy", "Mean sparse categorical crossentropy.",
    from_logits=False, axis=-1)
KLDivergence = _wrapper("KLDivergence", _losses.kl_divergence, "kl_divergence",
                        "Mean Kullback-Leibler divergence.")
Poisson = _wrapper("Poisson", _losses.poisson, "poisson", "Mean Poisson loss.")
Hinge = _wrapper("Hinge", _losses.hinge, "hinge", "Mean hinge loss.")
SquaredHinge = _wrapper("SquaredHinge", _losses.squared_hinge, "squared_hinge",
                        "Mean squared hinge loss.")
CategoricalHinge = _wrapper("CategoricalHinge", _losses.categorical_hinge, "categorical_hinge",
                            "Mean categorical hinge loss.")
LogCoshError = _wrapper("LogCoshError", _losses.log_cosh, "logcosh",
                        "Mean log-cosh error.")
CosineSimilarity = _wrapper("CosineSimilarity", _cosine, "cosine_similarity",
                            "Mean cosine similarity (+1 for vectors pointing the same way).",
                            axis=-1)


class RootMeanSquaredError(Mean):
    """Square root of the mean squared error over all samples seen.

    Formula:
        result = sqrt(sum(w * (y_pred - y_true)^2) / sum(w))
    """

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = _float(y_true, self.dtype), _float(y_pred, self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return super().update_state(m.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self):
        return m.sqrt(super().result())


# -- confusion-matrix metrics ------------------------------------------------------------------
_NEG_INF = -1e10
_EPSILON = 1e-7


def _evenly_spaced(thresholds):
    n = len(thresholds)
    return n >= 3 and np.allclose(thresholds, np.arange(n, dtype=np.float32) / (n - 1),
                                  atol=_EPSILON)


def _filter_top_k(x, k):
    _, indices = r.top_k(x, k)
    mask = r.reduce_sum(one_hot(indices, x.shape[-1], dtype=x.dtype), axis=-2)
    return x * mask + (1 - mask) * _NEG_INF


def _prepare(y_true, y_pred, sample_weight, top_k, class_id, dtype):
    y_true, y_pred = _float(y_true, dtype), _float(y_pred, dtype)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if sample_weight is not None:
        sample_weight = expand_dims(_float(sample_weight, dtype), -1)
        _, sample_weight = squeeze_or_expand_to_same_rank(y_true, sample_weight,
                                                          expand_rank_1=False)
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim == 1:
            raise ValueError("When class_id is provided, y_pred must be a 2D array with shape "
                             f"(num_samples, num_classes), found shape: {y_pred.shape}")
        y_true = y_true[..., class_id:class_id + 1]
        y_pred = y_pred[..., class_id:class_id + 1]
    return y_true, y_pred, sample_weight


def update_confusion_matrix(variables, y_true, y_pred, thresholds, top_k=None, class_id=None,
                            sample_weight=None, evenly=False):
    """Adds the weighted counts of (label, prediction > threshold) pairs to ``variables``.

    Args:
        variables: dict with some of the keys ``'tp', 'fp', 'tn', 'fn'`` -> a variable of
            shape ``(len(thresholds),)``.
        evenly: thresholds are ``i / (n - 1)`` (plus or minus epsilon at the ends): counts go
            by bucket and cumulative sums, as Keras's fast path (the same results).
    """
    dtype = next(iter(variables.values())).dtype
    y_true, y_pred, sample_weight = _prepare(y_true, y_pred, sample_weight, top_k, class_id,
                                             dtype)
    labels = m.cast(m.not_equal(y_true, 0.0), dtype)
    weights = None
    if sample_weight is not None:
        weights = reshape(m.zeros_like(y_pred) + sample_weight, [-1])
    labels, preds = reshape(labels, [-1]), reshape(y_pred, [-1])
    pos = labels if weights is None else labels * weights
    neg = (1.0 - labels) if weights is None else (1.0 - labels) * weights
    n = len(thresholds)
    if evenly:
        preds = m.clip_by_value(preds, 0.0, 1.0)
        buckets = m.ceil(preds * float(n - 1)) - 1.0
        if thresholds[0] < 0.0 or thresholds[-1] > 1.0:
            buckets = m.maximum(buckets, 0.0)
        hot = one_hot(m.cast(buckets, "int32"), n, dtype=dtype)      # (N, n)
        tp = reverse(r.cumsum(reverse(r.reduce_sum(hot * expand_dims(pos, -1), axis=0), [0])),
                     [0])
        fp = reverse(r.cumsum(reverse(r.reduce_sum(hot * expand_dims(neg, -1), axis=0), [0])),
                     [0])
    else:
        above = m.cast(expand_dims(preds, 0) > expand_dims(_float(thresholds, dtype), 1), dtype)
        tp = r.reduce_sum(above * pos, axis=1)
        fp = r.reduce_sum(above * neg, axis=1)
    updates = {"tp": lambda: tp, "fp": lambda: fp,
               "tn": lambda: r.reduce_sum(neg) - fp, "fn": lambda: r.reduce_sum(pos) - tp}
    for key, variable in variables.items():
        variable.assign(variable + updates[key]())


def _thresholds(thresholds, default):
    values = [default] if thresholds is None else (
        list(thresholds) if isinstance(thresholds, (list, tuple)) else [thresholds])
    bad = [t for t in values if t is None or (thresholds is not None and not 0 <= t <= 1)]
    if bad:
        raise ValueError(f"Threshold values must be in [0, 1]. Received: {bad}")
    return [float(t) for t in values]


class _PrecisionRecall(Metric):
    _second = None   # 'fp' for precision, 'fn' for recall

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds, self.top_k, self.class_id = thresholds, top_k, class_id
        self.thresholds = _thresholds(thresholds, 0.5 if top_k is None else _NEG_INF)
        self._evenly = _evenly_spaced(self.thresholds)
        n = len(self.thresholds)
        self.true_positives = self.add_variable((n,), name="true_positives")
        second = "false_positives" if self._second == "fp" else "false_negatives"
        setattr(self, second, self.add_variable((n,), name=second))
        self._other = getattr(self, second)

    def update_state(self, y_true, y_pred, sample_weight=None):
        update_confusion_matrix({"tp": self.true_positives, self._second: self._other},
                                y_true, y_pred, self.thresholds, self.top_k, self.class_id,
                                sample_weight, self._evenly)

    def result(self):
        result = m.divide_no_nan(self.true_positives.value(),
                                 self.true_positives + self._other)
        return result[0] if len(self.thresholds) == 1 else result

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds,
                "top_k": self.top_k, "class_id": self.class_id}


class Precision(_PrecisionRecall):
    """Fraction of positive predictions that are correct.

    Formula:
        precision = TP / (TP + FP)      (prediction positive when y_pred > threshold, 0.5)

    Args:
        thresholds: float or list of floats in [0, 1]; a list gives one result each.
        top_k: count only the ``k`` highest predictions per sample as positive.
        class_id: compute for this class only.
    """

    _second = "fp"


class Recall(_PrecisionRecall):
    """Fraction of positive labels that are predicted positive.

    Formula:
        recall = TP / (TP + FN)         (prediction positive when y_pred > threshold, 0.5)

    Args: as ``Precision``.
    """

    _second = "fn"


class AUC(Metric):
    """Area under the ROC or precision-recall curve, from counts at ``num_thresholds``
    thresholds.

    Formula:
        thresholds: -eps, 1/(n-1), ..., (n-2)/(n-1), 1+eps
        ROC: sum over neighbouring thresholds of (FPR_i - FPR_{i+1}) * (TPR_i + TPR_{i+1}) / 2
        PR (interpolation): Davis & Goadrich's interpolation of precision between thresholds,
        as Keras computes it.

    Args:
        num_thresholds: default 200.
        curve: ``'ROC'`` (default) or ``'PR'``.
        summation_method: ``'interpolation'`` (default), ``'minoring'`` or ``'majoring'``.
        thresholds: explicit thresholds in [0, 1] (then num_thresholds = len + 2).
        from_logits: apply a sigmoid to y_pred first.

    Example:
        >>> auc = nf.keras.metrics.AUC(num_thresholds=3)
        >>> auc.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9]); float(auc.result())
        0.75
    """

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation",
                 name=None, dtype=None, thresholds=None, multi_label=False, num_labels=None,
                 label_weights=None, from_logits=False):
        super().__init__(name=name or "auc", dtype=dtype)
        if multi_label:
            raise NotImplementedError("AUC(multi_label=True) is not supported yet")
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            self.num_thresholds = len(thresholds) + 2
            thresholds = sorted(float(t) for t in thresholds)
            self._evenly = _evenly_spaced(np.array([0.0] + thresholds + [1.0]))
        else:
            if num_thresholds <= 1:
                raise ValueError("Argument `num_thresholds` must be an integer > 1. Received: "
                                 f"num_thresholds={num_thresholds}")
            self.num_thresholds = num_thresholds
            thresholds = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._evenly = True
        self._thresholds = [0.0 - _EPSILON] + thresholds + [1.0 + _EPSILON]
        curve = str(getattr(curve, "value", curve)).upper()
        if curve not in ("ROC", "PR"):
            raise ValueError(f'Invalid AUC curve value: "{curve}". Expected values are '
                             '["PR", "ROC"]')
        summation = str(getattr(summation_method, "value", summation_method)).lower()
        if summation not in ("interpolation", "minoring", "majoring"):
            raise ValueError(f'Invalid AUC summation method value: "{summation_method}". '
                             'Expected values are ["interpolation", "majoring", "minoring"]')
        self.curve, self.summation_method = curve, summation
        self.multi_label, self.num_labels = multi_label, num_labels
        self.label_weights, self._from_logits = label_weights, from_logits
        n = self.num_thresholds
        self.true_positives = self.add_variable((n,), name="true_positives")
        self.false_positives = self.add_variable((n,), name="false_positives")
        self.true_negatives = self.add_variable((n,), name="true_negatives")
        self.false_negatives = self.add_variable((n,), name="false_negatives")

    @property
    def thresholds(self):
        return list(self._thresholds)

    def update_state(self, y_true, y_pred, sample_weight=None):
        if self._from_logits:
            y_pred = m.sigmoid(_float(y_pred, self.dtype))
        update_confusion_matrix({"tp": self.true_positives, "tn": self.true_negatives,
                                 "fp": self.false_positives, "fn": self.false_negatives},
                                y_true, y_pred, self._thresholds, sample_weight=sample_weight,
                                evenly=self._evenly)

    def _interpolate_pr_auc(self):
        n = self.num_thresholds
        tp, fp, fn = (v.value() for v in (self.true_positives, self.false_positives,
                                          self.false_negatives))
        dtp = tp[: n - 1] - tp[1:]
        p = tp + fp
        dp = p[: n - 1] - p[1:]
        slope = m.divide_no_nan(dtp, m.maximum(dp, 0.0))
        intercept = tp[1:] - slope * p[1:]
        both = m.logical_and(p[: n - 1] > 0, p[1:] > 0)
        ratio = m.where(both, m.divide_no_nan(p[: n - 1], m.maximum(p[1:], 0.0)),
                        m.ones_like(p[1:]))
        increment = m.divide_no_nan(slope * (dtp + intercept * m.log(ratio)),
                                    m.maximum(tp[1:] + fn[1:], 0.0))
        return r.reduce_sum(increment)

    def result(self):
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolate_pr_auc()
        n = self.num_thresholds
        tp, fp, tn, fn = (v.value() for v in (self.true_positives, self.false_positives,
                                              self.true_negatives, self.false_negatives))
        recall = m.divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = m.divide_no_nan(fp, fp + tn), recall
        else:
            x, y = recall, m.divide_no_nan(tp, tp + fp)
        if self.summation_method == "interpolation":
            heights = (y[: n - 1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = m.minimum(y[: n - 1], y[1:])
        else:
            heights = m.maximum(y[: n - 1], y[1:])
        return r.reduce_sum((x[: n - 1] - x[1:]) * heights)

    def get_config(self):
        config = {**super().get_config(), "num_thresholds": self.num_thresholds,
                  "curve": self.curve, "summation_method": self.summation_method,
                  "multi_label": self.multi_label, "num_labels": self.num_labels,
                  "label_weights": self.label_weights, "from_logits": self._from_logits}
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config


# -- accuracy resolution -----------------------------------------------------------------------
def resolve_accuracy(loss=None, y_true_shape=None, y_true_dtype=None, y_pred_shape=None,
                     name="accuracy"):
    """The metric ``metrics=['accuracy']`` (or ``'acc'``) means, as Keras's ``compile`` does.

    Binary when the output has one unit; sparse categorical when the labels have lower rank
    than the output, or one column against several output units; else categorical. When the
    shapes are unknown, the loss decides (``'sparse_categorical_crossentropy'`` -> sparse,
    ``'binary_crossentropy'`` -> binary).

    Returns:
        a ``BinaryAccuracy``, ``SparseCategoricalAccuracy`` or ``CategoricalAccuracy`` named
        ``name``.
    """
    if y_pred_shape is not None and y_true_shape is not None and len(y_pred_shape) > 0:
        y_pred_shape, y_true_shape = tuple(y_pred_shape), tuple(y_true_shape)
        p_last = y_pred_shape[-1]
        t_last = y_true_shape[-1] if y_true_shape else None
        if p_last == 1:
            return BinaryAccuracy(name=name)
        if len(y_true_shape) < len(y_pred_shape) or (t_last == 1 and (p_last or 2) > 1):
            return SparseCategoricalAccuracy(name=name)
        return CategoricalAccuracy(name=name)
    loss_name = _loss_name(loss)
    if "sparse" in loss_name:
        return SparseCategoricalAccuracy(name=name)
    if "binary" in loss_name or loss_name in ("bce", "hinge", "squared_hinge"):
        return BinaryAccuracy(name=name)
    if y_true_dtype is not None and convert_to_tensor(
            np.zeros((), np.dtype(str(getattr(y_true_dtype, "name", y_true_dtype))))
    ).dtype.is_integer:
        return SparseCategoricalAccuracy(name=name)
    return CategoricalAccuracy(name=name)


def _loss_name(loss):
    if loss is None:
        return ""
    if isinstance(loss, str):
        return loss.lower().replace(" ", "_")
    if hasattr(loss, "fn"):
        return getattr(loss.fn, "__name__", "").lower()
    return _snake(getattr(loss, "__name__", type(loss).__name__))


# -- names -------------------------------------------------------------------------------------
_CLASSES = (Metric, Mean, Sum, MeanMetricWrapper, Accuracy, BinaryAccuracy, CategoricalAccuracy,
            SparseCategoricalAccuracy, TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy,
            AUC, Precision, Recall, MeanSquaredError, MeanAbsoluteError, RootMeanSquaredError,
            MeanAbsolutePercentageError, MeanSquaredLogarithmicError, BinaryCrossentropy,
            CategoricalCrossentropy, SparseCategoricalCrossentropy, KLDivergence, Poisson, Hinge,
            SquaredHinge, CategoricalHinge, LogCoshError, CosineSimilarity)
_FUNCTIONS = (accuracy, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy,
              top_k_categorical_accuracy, sparse_top_k_categorical_accuracy)
ALL_OBJECTS_DICT = {cls.__name__: cls for cls in _CLASSES}
ALL_OBJECTS_DICT.update({_snake(cls.__name__): cls for cls in _CLASSES})
ALL_OBJECTS_DICT.update({
    "acc": Accuracy, "auc": AUC, "bce": BinaryCrossentropy, "BCE": BinaryCrossentropy,
    "mse": MeanSquaredError, "MSE": MeanSquaredError, "mae": MeanAbsoluteError,
    "MAE": MeanAbsoluteError, "mape": MeanAbsolutePercentageError,
    "MAPE": MeanAbsolutePercentageError, "msle": MeanSquaredLogarithmicError,
    "MSLE": MeanSquaredLogarithmicError, "rmse": RootMeanSquaredError,
})
# Serialized metric functions (``{'class_name': 'function', 'config': name}``).
_FUNCTIONS_DICT = {fn.__name__: fn for fn in _FUNCTIONS}
_FUNCTIONS_DICT.update({name: fn for name, fn in _losses.ALL_OBJECTS_DICT.items()
                        if not isinstance(fn, type)})
mean_squared_error = mse = _losses.mean_squared_error
mean_absolute_error = mae = _losses.mean_absolute_error
binary_crossentropy = _losses.binary_crossentropy
categorical_crossentropy = _losses.categorical_crossentropy
sparse_categorical_crossentropy = _losses.sparse_categorical_crossentropy


def serialize(metric):
    """The metric as Keras's config dict."""
    return _objects.serialize(metric, "keras.metrics")


def deserialize(config, custom_objects=None):
    """The metric (or metric function) a config dict or name describes."""
    if isinstance(config, dict) and config.get("class_name") == "function":
        return _objects.deserialize(config, _FUNCTIONS_DICT, "metric function", custom_objects)
    return _objects.deserialize(config, ALL_OBJECTS_DICT, "metric", custom_objects)


def get(identifier):
    """A metric from a name (``'mse'``, ``'AUC'``), a config dict, a ``Metric`` or a
    function. Names of classes give instances; function names give the function.
    ``'accuracy'`` gives ``Accuracy`` here; ``compile`` resolves it with
    ``resolve_accuracy`` instead.

    Raises:
        ValueError: for an unknown name (the message lists the valid names).
    """
    return _objects.get(identifier, ALL_OBJECTS_DICT, "metric")
