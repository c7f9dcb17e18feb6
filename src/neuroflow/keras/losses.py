"""``nf.keras.losses``: Keras 3's loss functions and ``Loss`` classes with reductions.

A loss function maps ``(y_true, y_pred)`` to one value per sample (the mean over the last
axis); a ``Loss`` object then weights the values by ``sample_weight`` and reduces them:
``'sum_over_batch_size'`` (default: sum / number of values), ``'sum'``, or ``'none'``/None.
"""

import math as _math
import warnings

from ..core.convert import convert_to_tensor
from ..core.ops import math as m
from ..core.ops import nn as _nn
from ..core.ops import reduce as r
from ..core.ops.shape import expand_dims, size, squeeze
from ..core.tensor import Tensor
from . import _objects
from . import backend as _kbackend
from .activations import logits_of

__all__ = [
    "Loss", "LossFunctionWrapper", "MeanSquaredError", "MeanAbsoluteError",
    "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError", "Huber", "LogCosh",
    "BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy",
    "KLDivergence", "Poisson", "Hinge", "SquaredHinge", "CategoricalHinge", "CosineSimilarity",
    "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error", "huber", "log_cosh", "binary_crossentropy",
    "categorical_crossentropy", "sparse_categorical_crossentropy", "kl_divergence", "poisson",
    "hinge", "squared_hinge", "categorical_hinge", "cosine_similarity", "mse", "mae", "mape",
    "msle", "kld", "MSE", "MAE", "MAPE", "MSLE", "KLD", "logcosh", "get", "serialize",
    "deserialize",
]

EPSILON = 1e-7   # Keras's backend.epsilon()
_REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


# -- helpers -----------------------------------------------------------------------------------
def to_dtype(x, dtype):
    """``x`` as a tensor of ``dtype``, casting tensors (Keras's convert_to_tensor(x, dtype))."""
    if isinstance(x, Tensor):
        return x if x.dtype == dtype else m.cast(x, dtype)
    return convert_to_tensor(x, dtype=dtype)


def _pred_true(y_true, y_pred):
    y_pred = y_pred if isinstance(y_pred, Tensor) else convert_to_tensor(y_pred,
                                                                         dtype_hint="float32")
    if not y_pred.dtype.is_floating:
        y_pred = m.cast(y_pred, "float32")
    return to_dtype(y_true, y_pred.dtype), y_pred


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Squeezes or expands the last axis when the ranks differ by exactly one (as Keras)."""
    r1, r2 = x1.ndim, x2.ndim
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = expand_dims(x2, -1)
        else:
            x1 = squeeze(x1, -1)
    elif r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = expand_dims(x1, -1)
        else:
            x2 = squeeze(x2, -1)
    return x1, x2


def _same_rank(y_true, y_pred):
    y_true, y_pred = _pred_true(y_true, y_pred)
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def _mean_last(x):
    return r.reduce_mean(x, axis=-1)


# -- loss functions ----------------------------------------------------------------------------
def mean_squared_error(y_true, y_pred):
    """Mean squared error per sample.

    Formula:
        loss = mean(square(y_true - y_pred), axis=-1)

    Example:
        >>> nf.keras.losses.mean_squared_error([[0., 1.]], [[1., 1.]]).numpy()
        array([0.5], dtype=float32)
    """
    y_true, y_pred = _same_rank(y_true, y_pred)
    return _mean_last(m.square(y_true - y_pred))


def mean_absolute_error(y_true, y_pred):
    """Mean absolute error per sample.

    Formula:
        loss = mean(abs(y_true - y_pred), axis=-1)
    """
    y_true, y_pred = _same_rank(y_true, y_pred)
    return _mean_last(m.abs(y_true - y_pred))


def mean_absolute_percentage_error(y_true, y_pred):
    """Mean absolute percentage error per sample.

    Formula:
        loss = 100 * mean(abs((y_true - y_pred) / max(abs(y_true), epsilon)), axis=-1)
    """
    y_true, y_pred = _same_rank(y_true, y_pred)
    diff = m.abs((y_true - y_pred) / m.maximum(m.abs(y_true), EPSILON))
    return _mean_last(diff) * 100.0


def mean_squared_logarithmic_error(y_true, y_pred):
    """Mean squared logarithmic error per sample.

    Formula:
        loss = mean(square(log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1)), axis=-1)
    """
    y_true, y_pred = _same_rank(y_true, y_pred)
    first = m.log(m.maximum(y_pred, EPSILON) + 1.0)
    second = m.log(m.maximum(y_true, EPSILON) + 1.0)
    return _mean_last(m.square(first - second))


def huber(y_true, y_pred, delta=1.0):
    """Huber loss per sample: quadratic for small errors, linear for large ones.

    Formula:
        e = y_pred - y_true
        loss = mean(0.5 * e^2             if |e| <= delta
                    delta * |e| - 0.5 * delta^2  otherwise, axis=-1)
    """
    y_true, y_pred = _same_rank(y_true, y_pred)
    error = y_pred - y_true
    abs_error = m.abs(error)
    delta_t = to_dtype(delta, y_pred.dtype)
    quadratic = m.square(error) * 0.5
    linear = abs_error * delta_t - m.square(delta_t) * 0.5
    return _mean_last(m.where(abs_error <= delta_t, quadratic, linear))


def log_cosh(y_true, y_pred):
    """Logarithm of the hyperbolic cosine of the error, per sample.

    Formula:
        x = y_pred - y_true
        loss = mean(x + softplus(-2 x) - log(2), axis=-1)     (= log(cosh(x)), stably)
    """
    y_true, y_pred = _same_rank(y_true, y_pred)
    x = y_pred - y_true
    return _mean_last(x + _nn.softplus(x * -2.0) - _math.log(2.0))


def _binary_ce_values(y_true, y_pred, from_logits):
    logits = None if from_logits else logits_of(y_pred)
    if logits is not None:
        y_pred, from_logits = logits, True
    if from_logits:
        return _nn.sigmoid_cross_entropy_with_logits(labels=y_true, logits=y_pred)
    p = m.clip_by_value(y_pred, EPSILON, 1.0 - EPSILON)
    return m.negative(y_true * m.log(p) + (1.0 - y_true) * m.log(1.0 - p))


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary crossentropy per sample.

    Formula:
        y = y_true * (1 - label_smoothing) + 0.5 * label_smoothing
        p = clip(y_pred, 1e-7, 1 - 1e-7)        (or sigmoid(y_pred) when from_logits)
        loss = mean(-(y log p + (1 - y) log(1 - p)), axis=axis)

    Example:
        >>> nf.keras.losses.binary_crossentropy([[1.0]], [[0.5]]).numpy()
        array([0.6931472], dtype=float32)
    """
    y_true, y_pred = _pred_true(y_true, y_pred)
    if y_true.ndim != y_pred.ndim or tuple(y_true.shape) != tuple(y_pred.shape):
        if y_true.ndim != y_pred.ndim:
            raise ValueError("Arguments `target` and `output` must have the same rank (ndim). "
                             f"Received: target.shape={y_true.shape}, "
                             f"output.shape={y_pred.shape}")
        raise ValueError("Arguments `target` and `output` must have the same shape. "
                         f"Received: target.shape={y_true.shape}, output.shape={y_pred.shape}")
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return r.reduce_mean(_binary_ce_values(y_true, y_pred, from_logits), axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Categorical crossentropy per sample, for one-hot (or soft) labels.

    Formula:
        y = y_true * (1 - label_smoothing) + label_smoothing / num_classes
        p = clip(y_pred / sum(y_pred, axis), 1e-7, 1 - 1e-7)
        loss = -sum(y * log p, axis)
        from_logits: loss = -sum(y * log_softmax(y_pred), axis)  (fused, stable)

    Example:
        >>> nf.keras.losses.categorical_crossentropy([[0., 1.]], [[0.5, 0.5]]).numpy()
        array([0.6931472], dtype=float32)
    """
    if isinstance(axis, bool):
        raise ValueError(f"`axis` must be of type `int`. Received: axis={axis} of type "
                         f"{type(axis)}")
    y_true, y_pred = _pred_true(y_true, y_pred)
    if y_true.ndim < 1 or tuple(y_true.shape) != tuple(y_pred.shape):
        raise ValueError("Arguments `target` and `output` must have the same shape. "
                         f"Received: target.shape={y_true.shape}, output.shape={y_pred.shape}")
    if y_pred.shape[-1] == 1:
        warnings.warn("In loss categorical_crossentropy, expected y_pred.shape to be "
                      f"(batch_size, num_classes) with num_classes > 1. Received: "
                      f"y_pred.shape={y_pred.shape}. Consider using 'binary_crossentropy' if "
                      "you only have 2 classes.", SyntaxWarning, stacklevel=2)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_true.shape[-1]
    logits = None if from_logits else logits_of(y_pred)
    if logits is not None:
        y_pred, from_logits = logits, True
    if from_logits:
        return _nn.softmax_cross_entropy_with_logits(labels=y_true, logits=y_pred, axis=axis)
    p = y_pred / r.reduce_sum(y_pred, axis=axis, keepdims=True)
    p = m.clip_by_value(p, EPSILON, 1.0 - EPSILON)
    return m.negative(r.reduce_sum(y_true * m.log(p), axis=axis))


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None,
                                    axis=-1):
    """Categorical crossentropy per sample, for integer class labels.

    Formula:
        loss = -log(p[y_true])   with p = clip(y_pred, 1e-7, 1 - 1e-7) renormalized,
        or -log_softmax(y_pred)[y_true] when from_logits. Samples whose label equals
        ``ignore_class`` get loss 0 (and do not count in the mean of a ``Loss`` object).

    Example:
        >>> nf.keras.losses.sparse_categorical_crossentropy([1], [[0.5, 0.5]]).numpy()
        array([0.6931472], dtype=float32)
    """
    values, _ = _sparse_ce(y_true, y_pred, from_logits, ignore_class, axis)
    return values


def _sparse_ce(y_true, y_pred, from_logits, ignore_class, axis):
    if not isinstance(y_pred, Tensor):
        y_pred = convert_to_tensor(y_pred, dtype_hint="float32")
    y_true = y_true if isinstance(y_true, Tensor) else convert_to_tensor(y_true)
    rank = y_pred.ndim
    if axis not in (-1, rank - 1):
        raise ValueError(f"Only axis=-1 is currently supported. Received: axis={axis}")
    if y_true.ndim == rank and y_true.shape[-1] == 1:
        y_true = squeeze(y_true, -1)
    if y_true.ndim != rank - 1:
        raise ValueError("Argument `output` must have rank (ndim) `target.ndim - 1`. Received: "
                         f"target.shape={y_true.shape}, output.shape={y_pred.shape}")
    mask = None
    if ignore_class is not None:
        mask = m.not_equal(y_true, to_dtype(ignore_class, y_true.dtype))
        y_true = m.where(mask, y_true, m.zeros_like(y_true))
        y_pred = m.where(expand_dims(mask, -1), y_pred, m.zeros_like(y_pred))
    labels = y_true if y_true.dtype.is_integer else m.cast(y_true, "int64")
    logits = None if from_logits else logits_of(y_pred)
    if logits is not None and ignore_class is None:
        y_pred, from_logits = logits, True
    if not from_logits:
        y_pred = m.log(m.clip_by_value(y_pred, EPSILON, 1 - EPSILON))
    values = _nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=y_pred)
    if mask is not None:
        values = m.where(mask, values, m.zeros_like(values))
    return values, mask


def kl_divergence(y_true, y_pred):
    """Kullback-Leibler divergence per sample.

    Formula:
        loss = sum(y_true * log(y_true / y_pred), axis=-1), both clipped to [1e-7, 1]
    """
    y_true, y_pred = _pred_true(y_true, y_pred)
    y_true = m.clip_by_value(y_true, EPSILON, 1.0)
    y_pred = m.clip_by_value(y_pred, EPSILON, 1.0)
    return r.reduce_sum(y_true * m.log(y_true / y_pred), axis=-1)


def poisson(y_true, y_pred):
    """Poisson loss per sample.

    Formula:
        loss = mean(y_pred - y_true * log(y_pred + 1e-7), axis=-1)
    """
    y_true, y_pred = _pred_true(y_true, y_pred)
    return _mean_last(y_pred - y_true * m.log(y_pred + EPSILON))


def _hinge_labels(y_true):
    # Keras maps {0, 1} labels to {-1, 1}; other labels are used as given.
    binary = r.reduce_all(m.logical_or(m.equal(y_true, 0.0), m.equal(y_true, 1.0)))
    return m.where(binary, y_true * 2.0 - 1.0, y_true)


def hinge(y_true, y_pred):
    """Hinge loss per sample (labels in {-1, 1}; {0, 1} are converted).

    Formula:
        loss = mean(max(1 - y_true * y_pred, 0), axis=-1)
    """
    y_true, y_pred = _pred_true(y_true, y_pred)
    y_true = _hinge_labels(y_true)
    return _mean_last(m.maximum(1.0 - y_true * y_pred, 0.0))


def squared_hinge(y_true, y_pred):
    """Squared hinge loss per sample.

    Formula:
        loss = mean(square(max(1 - y_true * y_pred, 0)), axis=-1)
    """
    y_true, y_pred = _pred_true(y_true, y_pred)
    y_true = _hinge_labels(y_true)
    return _mean_last(m.square(m.maximum(1.0 - y_true * y_pred, 0.0)))


def categorical_hinge(y_true, y_pred):
    """Categorical hinge loss per sample.

    Formula:
        pos = sum(y_true * y_pred, axis=-1);  neg = max((1 - y_true) * y_pred, axis=-1)
        loss = max(neg - pos + 1, 0)
    """
    y_true, y_pred = _pred_true(y_true, y_pred)
    pos = r.reduce_sum(y_true * y_pred, axis=-1)
    neg = r.reduce_max((1.0 - y_true) * y_pred, axis=-1)
    return m.maximum(neg - pos + 1.0, 0.0)


def _l2_normalize(x, axis):
    inv_norm = m.rsqrt(r.reduce_sum(m.square(x), axis=axis, keepdims=True))
    return x * m.minimum(inv_norm, 1.0 / EPSILON)


def cosine_similarity(y_true, y_pred, axis=-1):
    """Negative cosine similarity per sample (-1 means the vectors point the same way).

    Formula:
        loss = -sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)
    """
    y_true, y_pred = _same_rank(y_true, y_pred)
    return m.negative(r.reduce_sum(_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis),
                                   axis=axis))


# -- reduction ---------------------------------------------------------------------------------
def standardize_reduction(reduction):
    """Checks ``reduction`` against Keras's list (``'auto'`` means the default)."""
    if reduction == "auto":
        return "sum_over_batch_size"
    if reduction not in _REDUCTIONS:
        raise ValueError(f"Invalid value for argument `reduction`. Expected one of "
                         f"{_REDUCTIONS}. Received: reduction={reduction}")
    return reduction


def reduce_weighted_values(values, sample_weight=None, mask=None,
                           reduction="sum_over_batch_size"):
    """Weights per-sample ``values`` by ``sample_weight`` (and ``mask``) and reduces them."""
    dtype = values.dtype
    if mask is not None:
        fmask = m.cast(mask, dtype)
        if reduction in ("mean", "sum_over_batch_size"):
            valid = r.reduce_sum(fmask)
            fmask = fmask * m.divide_no_nan(_count(fmask, dtype), valid)
        if sample_weight is not None:
            sample_weight = to_dtype(sample_weight, dtype)
            fmask, sample_weight = squeeze_or_expand_to_same_rank(fmask, sample_weight)
            sample_weight = sample_weight * fmask
        else:
            sample_weight = fmask
    if sample_weight is not None:
        sample_weight = to_dtype(sample_weight, dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        values = values * sample_weight
    if reduction in (None, "none") or values.ndim == 0 or tuple(values.shape) == (0,):
        return values
    loss = r.reduce_sum(values)
    if reduction == "sum":
        return loss
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = r.reduce_sum(sample_weight)
    else:
        divisor = _count(values, dtype)
    return m.divide_no_nan(loss, divisor)


def _count(x, dtype):
    """The number of elements of ``x`` as a scalar of ``dtype`` (at run time if unknown)."""
    if None in tuple(x.shape):
        return m.cast(size(x), dtype)
    count = 1
    for d in x.shape:
        count *= d
    return to_dtype(float(count), dtype)


# -- Loss classes ------------------------------------------------------------------------------
def _auto_name(class_name):
    return _kbackend.unique_name(_kbackend.to_snake_case(class_name))


class Loss:
    """Base class of losses: ``call(y_true, y_pred)`` gives per-sample values; ``__call__``
    weights and reduces them.

    Args:
        reduction: ``'sum_over_batch_size'`` (default), ``'sum'``, ``'mean'``,
            ``'mean_with_sample_weight'``, ``'none'`` or None.
        name: name of the loss.
        dtype: computation dtype (default float32); inputs are cast to it.

    Example:
        >>> class MyMSE(nf.keras.losses.Loss):
        ...     def call(self, y_true, y_pred):
        ...         return nf.reduce_mean(nf.square(y_pred - y_true), axis=-1)
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or _auto_name(type(self).__name__)
        self.reduction = standardize_reduction(reduction)
        self.dtype = dtype or "float32"

    def __call__(self, y_true, y_pred, sample_weight=None):
        y_pred = to_dtype(y_pred, self.dtype)
        y_true = to_dtype(y_true, self.dtype)
        values, mask = self._values_and_mask(y_true, y_pred)
        return reduce_weighted_values(values, sample_weight, mask, self.reduction)

    def _values_and_mask(self, y_true, y_pred):
        return self.call(y_true, y_pred), None

    def call(self, y_true, y_pred):
        """Per-sample loss values; subclasses implement it."""
        raise NotImplementedError(f"{type(self).__name__} must implement call")

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r}>"


class LossFunctionWrapper(Loss):
    """A ``Loss`` around a loss function ``fn(y_true, y_pred, **kwargs)``."""

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        return _objects.fn_wrapper_config(super().get_config(), self.fn, self._fn_kwargs,
                                          "keras.losses", type(self) is LossFunctionWrapper)

    @classmethod
    def from_config(cls, config):
        return _objects.fn_wrapper_from_config(cls, config, deserialize)


def _wrapper(class_name, fn, default_name, doc, **defaults):
    """Defines a ``LossFunctionWrapper`` subclass with ``defaults`` as its arguments."""

    def __init__(self, *args, reduction="sum_over_batch_size", name=default_name, dtype=None,
                 **kwargs):
        values = _objects.bind_arguments(class_name, defaults, args, kwargs)
        LossFunctionWrapper.__init__(self, fn, reduction=reduction, name=name, dtype=dtype,
                                     **values)

    return type(class_name, (LossFunctionWrapper,), {"__init__": __init__, "__doc__": doc,
                                                      "__module__": __name__})


MeanSquaredError = _wrapper("MeanSquaredError", mean_squared_error, "mean_squared_error",
                            "Mean of the squared errors. " + mean_squared_error.__doc__)
MeanAbsoluteError = _wrapper("MeanAbsoluteError", mean_absolute_error, "mean_absolute_error",
                             "Mean of the absolute errors. " + mean_absolute_error.__doc__)
MeanAbsolutePercentageError = _wrapper(
    "MeanAbsolutePercentageError", mean_absolute_percentage_error,
    "mean_absolute_percentage_error", mean_absolute_percentage_error.__doc__)
MeanSquaredLogarithmicError = _wrapper(
    "MeanSquaredLogarithmicError", mean_squared_logarithmic_error,
    "mean_squared_logarithmic_error", mean_squared_logarithmic_error.__doc__)
Huber = _wrapper("Huber", huber, "huber_loss", huber.__doc__, delta=1.0)
LogCosh = _wrapper("LogCosh", log_cosh, "log_cosh", log_cosh.__doc__)
KLDivergence = _wrapper("KLDivergence", kl_divergence, "kl_divergence", kl_divergence.__doc__)
Poisson = _wrapper("Poisson", poisson, "poisson", poisson.__doc__)
Hinge = _wrapper("Hinge", hinge, "hinge", hinge.__doc__)
SquaredHinge = _wrapper("SquaredHinge", squared_hinge, "squared_hinge", squared_hinge.__doc__)
CategoricalHinge = _wrapper("CategoricalHinge", categorical_hinge, "categorical_hinge",
                            categorical_hinge.__doc__)
CosineSimilarity = _wrapper("CosineSimilarity", cosine_similarity, "cosine_similarity",
                            cosine_similarity.__doc__, axis=-1)
BinaryCrossentropy = _wrapper(
    "BinaryCrossentropy", binary_crossentropy, "binary_crossentropy",
    binary_crossentropy.__doc__, from_logits=False, label_smoothing=0.0, axis=-1)
CategoricalCrossentropy = _wrapper(
    "CategoricalCrossentropy", categorical_crossentropy, "categorical_crossentropy",
    categorical_crossentropy.__doc__, from_logits=False, label_smoothing=0.0, axis=-1)


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    __doc__ = sparse_categorical_crossentropy.__doc__

    def __init__(self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size",
                 axis=-1, name="sparse_categorical_crossentropy", dtype=None):
        super().__init__(sparse_categorical_crossentropy, reduction=reduction, name=name,
                         dtype=dtype, from_logits=from_logits, ignore_class=ignore_class,
                         axis=axis)

    def __call__(self, y_true, y_pred, sample_weight=None):
        # Labels stay integers: casting them to float32 would be exact only below 2**24.
        y_pred = to_dtype(y_pred, self.dtype)
        y_true = y_true if isinstance(y_true, Tensor) else convert_to_tensor(y_true)
        values, mask = self._values_and_mask(y_true, y_pred)
        return reduce_weighted_values(values, sample_weight, mask, self.reduction)

    def _values_and_mask(self, y_true, y_pred):
        kw = self._fn_kwargs
        return _sparse_ce(y_true, y_pred, kw["from_logits"], kw["ignore_class"], kw["axis"])


# -- names -------------------------------------------------------------------------------------
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh

_CLASSES = (Loss, LossFunctionWrapper, MeanSquaredError, MeanAbsoluteError,
            MeanAbsolutePercentageError, MeanSquaredLogarithmicError, Huber, LogCosh,
            BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy,
            KLDivergence, Poisson, Hinge, SquaredHinge, CategoricalHinge, CosineSimilarity)
_FUNCTIONS = (mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
              mean_squared_logarithmic_error, huber, log_cosh, binary_crossentropy,
              categorical_crossentropy, sparse_categorical_crossentropy, kl_divergence,
              poisson, hinge, squared_hinge, categorical_hinge, cosine_similarity)
ALL_OBJECTS_DICT = {obj.__name__: obj for obj in _CLASSES + _FUNCTIONS}
ALL_OBJECTS_DICT.update({"bce": binary_crossentropy, "BCE": binary_crossentropy,
                         "kld": kl_divergence, "KLD": kl_divergence,
                         "kullback_leibler_divergence": kl_divergence,
                         "mae": mean_absolute_error, "MAE": mean_absolute_error,
                         "mse": mean_squared_error, "MSE": mean_squared_error,
                         "mape": mean_absolute_percentage_error,
                         "MAPE": mean_absolute_percentage_error,
                         "msle": mean_squared_logarithmic_error,
                         "MSLE": mean_squared_logarithmic_error,
                         "logcosh": log_cosh, "huber_loss": huber})


def serialize(loss):
    """A loss object or function as Keras's config dict."""
    return _objects.serialize(loss, "keras.losses")


def deserialize(name, custom_objects=None):
    """The loss a name or config dict describes."""
    if isinstance(name, str):
        name = _lecture_name(name)
    return _objects.deserialize(name, ALL_OBJECTS_DICT, "loss function", custom_objects)


def _lecture_name(name):
    # The lecture writes 'categorical crossentropy'; Keras's names use underscores.
    return name.strip().replace(" ", "_") if name not in ALL_OBJECTS_DICT else name


def get(identifier):
    """A loss from a name (``'mse'``, ``'categorical_crossentropy'``), a config dict, a
    ``Loss`` instance, or a callable. Names give Keras's functions; class names an instance.

    Raises:
        ValueError: for an unknown name (the message lists the valid names).
    """
    if identifier is None:
        return None
    if isinstance(identifier, str):
        identifier = _lecture_name(identifier)
    return _objects.get(identifier, ALL_OBJECTS_DICT, "loss function")
