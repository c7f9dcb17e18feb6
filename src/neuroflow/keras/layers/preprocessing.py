"""Preprocessing layers: Rescaling and Normalization (with ``adapt``)."""

import numpy as np

from ...core import ops
from ...core.convert import convert_to_tensor
from ...core.tensor import Tensor
from .layer import Layer

__all__ = ["Rescaling", "Normalization"]


class Rescaling(Layer):
    """Multiplies by ``scale`` and adds ``offset``: ``Rescaling(1/255)`` maps pixels to [0, 1]."""

    _cast_int_inputs = True

    _shape_rule = "compute"

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale, self.offset = scale, offset
        self.supports_masking = True

    def call(self, inputs):
        dtype = self.dtype
        x = ops.cast(inputs, dtype) if inputs.dtype.name != dtype else inputs
        scale = ops.cast(convert_to_tensor(np.asarray(self.scale)), dtype)
        offset = ops.cast(convert_to_tensor(np.asarray(self.offset)), dtype)
        return x * scale + offset

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale, "offset": self.offset}


class Normalization(Layer):
    """Standardizes features: ``(x - mean) / sqrt(variance)``, per feature along ``axis``.

    Give ``mean`` and ``variance``, or call ``adapt(data)`` to compute them from data.

    Args:
        axis: axis (or axes) that keep separate statistics (default -1, the features).
        mean, variance: optional precomputed statistics.
        invert: apply the inverse, ``x * sqrt(variance) + mean``.

    Example:
        >>> norm = nf.keras.layers.Normalization()
        >>> norm.adapt(np.array([[1.0], [2.0], [3.0]]))
        >>> norm(np.array([[2.0]])).numpy()
        array([[0.]], dtype=float32)
    """

    _cast_int_inputs = True

    _shape_rule = "compute"

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        self.axis = (axis,) if isinstance(axis, int) else (() if axis is None else tuple(axis))
        if (mean is None) != (variance is None):
            raise ValueError(f"When setting values directly, both `mean` and `variance` must be "
                             f"set. Received: mean={mean} and variance={variance}")
        self.input_mean, self.input_variance, self.invert = mean, variance, invert
        self.supports_masking = True

    def _stat_shape(self, input_shape):
        ndim = len(input_shape)
        keep = [a % ndim for a in self.axis]
        return tuple(input_shape[a] if a in keep else 1 for a in range(ndim)), keep

    def build(self, input_shape):
        shape, keep = self._stat_shape(input_shape)
        stat = tuple(shape[a] for a in keep)
        self._broadcast_shape = shape
        if self.input_mean is not None:  # given statistics are constants, not weights (Keras)
            dtype = np.dtype(self.dtype)
            self._mean = convert_to_tensor(np.broadcast_to(
                np.asarray(self.input_mean, dtype), stat).astype(dtype))
            self._variance = convert_to_tensor(np.broadcast_to(
                np.asarray(self.input_variance, dtype), stat).astype(dtype))
            return
        self.adapt_mean = self.add_weight(name="mean", shape=stat, initializer="zeros",
                                          trainable=False)
        self.adapt_variance = self.add_weight(name="variance", shape=stat, initializer="ones",
                                              trainable=False)
        self.count = self.add_weight(name="count", shape=(), initializer="zeros",
                                     dtype="int64", trainable=False)
        self._mean, self._variance = self.adapt_mean, self.adapt_variance

    def adapt(self, data, batch_size=None, steps=None):
        """Computes the mean and variance of ``data`` (array, tensor, or iterable of batches)."""
        if isinstance(data, (np.ndarray, Tensor, list)):
            array = np.asarray(data, dtype=np.float64)
        else:
            array = np.concatenate([np.asarray(b[0] if isinstance(b, tuple) else b,
                                               dtype=np.float64) for b in data], axis=0)
        if array.ndim == 1:
            array = array[:, None]
        if self.input_mean is not None:
            raise ValueError("Cannot `adapt` a Normalization layer that is initialized with "
                             "static `mean` and `variance`, you passed mean "
                             f"{self.input_mean} and variance {self.input_variance}.")
        if not self.built:
            self._build_with(array.shape)
        _, keep = self._stat_shape(array.shape)
        reduce = tuple(a for a in range(array.ndim) if a not in keep)
        self.adapt_mean.assign(array.mean(axis=reduce).astype(self.adapt_mean.dtype._np))
        self.adapt_variance.assign(array.var(axis=reduce).astype(self.adapt_variance.dtype._np))
        self.count.assign(np.int64(array.shape[0]))

    @property
    def mean(self):
        """The mean (given, or computed by ``adapt``) in the broadcast shape of the inputs,
        e.g. ``(1, features)``; as Keras, set once the layer is built."""
        return self._statistic("_mean")

    @property
    def variance(self):
        """The variance, like ``mean``."""
        return self._statistic("_variance")

    def _statistic(self, attr):
        if not self.built:
            raise AttributeError(f"'Normalization' layer {self.name!r} has no statistics until "
                                 "it is built (call `adapt(data)` or call the layer)")
        return ops.reshape(convert_to_tensor(getattr(self, attr)), self._broadcast_shape)

    def call(self, inputs):
        x = ops.cast(inputs, self.dtype) if inputs.dtype.name != self.dtype else inputs
        shape, _ = self._stat_shape(tuple(x.shape))
        shape = tuple(-1 if d is None else d for d in shape)
        mean = ops.reshape(self._mean, shape)
        std = ops.maximum(ops.sqrt(ops.reshape(self._variance, shape)), 1e-7)
        if self.invert:
            return x * std + mean
        return (x - mean) / std

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        mean, var = self.input_mean, self.input_variance
        return {**super().get_config(), "axis": self.axis, "invert": self.invert,
                "mean": np.asarray(mean).tolist() if mean is not None else None,
                "variance": np.asarray(var).tolist() if var is not None else None}
