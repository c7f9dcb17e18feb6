"""``nf.keras.initializers``: Keras 3's weight initializers.

An initializer is called as ``init(shape, dtype=None)`` and returns a Tensor. Random ones draw
from the global generator of ``neuroflow.backend.random`` (so ``nf.random.set_seed`` makes
them reproducible); one given ``seed=`` returns the same values on every call, as in Keras.
"""

import math as _math

import numpy as np

from ..backend import random as _random
from ..backend.dtypes import as_dtype
from ..core.convert import convert_to_tensor
from . import _objects

__all__ = ["Initializer", "Zeros", "Ones", "Constant", "RandomNormal", "RandomUniform",
           "TruncatedNormal", "VarianceScaling", "GlorotUniform", "GlorotNormal", "HeNormal",
           "HeUniform", "LecunNormal", "LecunUniform", "Orthogonal", "Identity",
           "compute_fans", "get", "serialize", "deserialize"]

# Stddev of a unit normal truncated to [-2, 2]: dividing by it restores the wanted variance.
_TRUNCATION_STDDEV = 0.87962566103423978


def compute_fans(shape, input_axes=None, output_axes=None):
    """(fan_in, fan_out) as Keras computes them.

    Dense kernels ``(in, out)`` give ``(in, out)``; conv kernels ``(*window, in, out)`` give
    ``(in * prod(window), out * prod(window))``; vectors give ``(n, n)``; scalars ``(1, 1)``.
    With ``input_axes`` and ``output_axes``, the fans are the products of those dims.
    """
    shape = tuple(int(d) for d in shape)
    if input_axes is not None and output_axes is not None:
        return (int(np.prod([shape[a] for a in input_axes])),
                int(np.prod([shape[a] for a in output_axes])))
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive_field = int(np.prod(shape[:-2]))
    return shape[-2] * receptive_field, shape[-1] * receptive_field


def _np_dtype(dtype):
    return as_dtype(dtype or "float32")._np


def _tensor(array, dtype):
    return convert_to_tensor(np.asarray(array).astype(_np_dtype(dtype), copy=False))


class Initializer:
    """Base class: subclasses implement ``__call__(shape, dtype=None)`` and ``get_config``."""

    def __call__(self, shape, dtype=None):
        raise NotImplementedError(f"{type(self).__name__} must implement __call__")

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def clone(self):
        return type(self).from_config(self.get_config())

    def __repr__(self):
        return f"<{type(self).__name__} {self.get_config()}>"


class _Random(Initializer):
    """An initializer drawing random numbers; ``seed`` fixes them across calls."""

    def __init__(self, seed=None):
        if seed is not None and not isinstance(seed, (int, np.integer)):
            raise ValueError(f"`seed` must be an integer or None. Received: seed={seed}")
        self.seed = seed

    def _rng(self):
        if self.seed is None:
            return _random.generator()
        return np.random.default_rng(int(self.seed))

    def get_config(self):
        return {"seed": self.seed}


def _truncated_normal(rng, shape, mean, stddev):
    """Normal samples redrawn until within two standard deviations of the mean."""
    values = rng.standard_normal(shape)
    outside = np.abs(values) > 2.0
    while outside.any():
        values[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(values) > 2.0
    return values * stddev + mean


class Zeros(Initializer):
    """All zeros.

    Example:
        >>> nf.keras.initializers.Zeros()((2,)).numpy()
        array([0., 0.], dtype=float32)
    """

    def __call__(self, shape, dtype=None):
        return _tensor(np.zeros(tuple(shape)), dtype)


class Ones(Initializer):
    """All ones."""

    def __call__(self, shape, dtype=None):
        return _tensor(np.ones(tuple(shape)), dtype)


class Constant(Initializer):
    """Every element equal to ``value`` (a scalar, or an array of the requested shape)."""

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        return _tensor(np.broadcast_to(np.asarray(self.value), tuple(shape)), dtype)

    def get_config(self):
        value = self.value
        return {"value": value.tolist() if hasattr(value, "tolist") else value}


class RandomNormal(_Random):
    """Normal distribution with ``mean`` (default 0.0) and ``stddev`` (default 0.05)."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        return _tensor(self._rng().normal(self.mean, self.stddev, tuple(shape)), dtype)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomUniform(_Random):
    """Uniform distribution on ``[minval, maxval)`` (default [-0.05, 0.05))."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def __call__(self, shape, dtype=None):
        dtype = dtype or "float32"
        if as_dtype(dtype).is_integer:
            values = self._rng().integers(self.minval, self.maxval, tuple(shape))
        else:
            values = self._rng().uniform(self.minval, self.maxval, tuple(shape))
        return _tensor(values, dtype)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class TruncatedNormal(_Random):
    """Normal distribution cut at two standard deviations (values beyond are redrawn).

    Defaults: mean 0.0, stddev 0.05.
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        return _tensor(_truncated_normal(self._rng(), tuple(shape), self.mean, self.stddev),
                       dtype)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class VarianceScaling(_Random):
    """Samples with variance ``scale / n``, n the fan-in, fan-out or their mean.

    Formula:
        n = fan_in | fan_out | (fan_in + fan_out) / 2      (by ``mode``), s = scale / max(1, n)
        truncated_normal:    stddev = sqrt(s) / 0.87962566103423978, cut at 2 stddev
        untruncated_normal:  stddev = sqrt(s)
        uniform:             U(-sqrt(3 s), sqrt(3 s))

    Args:
        scale: positive float (default 1.0).
        mode: ``'fan_in'`` (default), ``'fan_out'`` or ``'fan_avg'``.
        distribution: ``'truncated_normal'`` (default), ``'untruncated_normal'``, ``'uniform'``.
        seed: int or None.
        input_axes, output_axes: axes whose dims make the fans (default: Keras's rule).
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 input_axes=None, output_axes=None):
        super().__init__(seed)
        self.input_axes, self.output_axes = input_axes, output_axes
        if scale <= 0.0:
            raise ValueError(f"Argument `scale` must be positive float. Received: scale={scale}")
        if mode not in {"fan_in", "fan_out", "fan_avg"}:
            raise ValueError("Invalid `mode` argument: expected one of {'fan_in', 'fan_out', "
                             f"'fan_avg'}}. Received: mode={mode}")
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in {"uniform", "truncated_normal", "untruncated_normal"}:
            raise ValueError("Invalid `distribution` argument: expected one of {'uniform', "
                             "'truncated_normal', 'untruncated_normal'}. Received: "
                             f"distribution={distribution}")
        self.scale, self.mode, self.distribution = scale, mode, distribution

    def _variance(self, shape):
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        return self.scale / max(1.0, n)

    def __call__(self, shape, dtype=None):
        shape = tuple(int(d) for d in shape)
        scale = self._variance(shape)
        rng = self._rng()
        if self.distribution == "truncated_normal":
            values = _truncated_normal(rng, shape, 0.0, _math.sqrt(scale) / _TRUNCATION_STDDEV)
        elif self.distribution == "untruncated_normal":
            values = rng.normal(0.0, _math.sqrt(scale), shape)
        else:
            limit = _math.sqrt(3.0 * scale)
            values = rng.uniform(-limit, limit, shape)
        return _tensor(values, dtype)

    def get_config(self):
        return {"seed": self.seed, "scale": self.scale, "mode": self.mode,
                "distribution": self.distribution, "input_axes": self.input_axes,
                "output_axes": self.output_axes}


def _preset(class_name, scale, mode, distribution, doc):
    """A ``VarianceScaling`` subclass with fixed scale, mode and distribution."""

    def __init__(self, seed=None, input_axes=None, output_axes=None):
        VarianceScaling.__init__(self, scale=scale, mode=mode, distribution=distribution,
                                 seed=seed, input_axes=input_axes, output_axes=output_axes)

    def get_config(self):
        return {"seed": self.seed, "input_axes": self.input_axes,
                "output_axes": self.output_axes}

    return type(class_name, (VarianceScaling,), {"__init__": __init__, "get_config": get_config,
                                                 "__doc__": doc, "__module__": __name__})


GlorotUniform = _preset("GlorotUniform", 1.0, "fan_avg", "uniform",
                        "Glorot (Xavier) uniform: U(-l, l), l = sqrt(6 / (fan_in + fan_out)). "
                        "The default kernel initializer.")
GlorotNormal = _preset("GlorotNormal", 1.0, "fan_avg", "truncated_normal",
                       "Glorot normal: truncated normal, stddev sqrt(2 / (fan_in + fan_out)).")
HeNormal = _preset("HeNormal", 2.0, "fan_in", "truncated_normal",
                   "He normal: truncated normal, stddev sqrt(2 / fan_in).")
HeUniform = _preset("HeUniform", 2.0, "fan_in", "uniform",
                    "He uniform: U(-l, l), l = sqrt(6 / fan_in).")
LecunNormal = _preset("LecunNormal", 1.0, "fan_in", "truncated_normal",
                      "LeCun normal: truncated normal, stddev sqrt(1 / fan_in).")
LecunUniform = _preset("LecunUniform", 1.0, "fan_in", "uniform",
                       "LeCun uniform: U(-l, l), l = sqrt(3 / fan_in).")


class Orthogonal(_Random):
    """A (semi-)orthogonal matrix times ``gain``, from the QR decomposition of a normal matrix.

    Shapes of rank > 2 are flattened to ``(prod(shape[:-1]), shape[-1])``.
    """

    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape = tuple(int(d) for d in shape)
        if len(shape) < 2:
            raise ValueError("The tensor to initialize must be at least two-dimensional. "
                             f"Received: shape={shape} of rank {len(shape)}.")
        rows, cols = int(np.prod(shape[:-1])), shape[-1]
        a = self._rng().normal(0.0, 1.0, (max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q = q * np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return _tensor(self.gain * q.reshape(shape), dtype)

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}


class Identity(Initializer):
    """``gain`` times the identity matrix (2-D shapes only; rectangular allowed)."""

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape = tuple(int(d) for d in shape)
        if len(shape) != 2:
            raise ValueError("Identity matrix initializer can only be used for 2D matrices. "
                             f"Received: shape={shape} of rank {len(shape)}.")
        return _tensor(self.gain * np.eye(*shape), dtype)

    def get_config(self):
        return {"gain": self.gain}


_CLASSES = (Zeros, Ones, Constant, RandomNormal, RandomUniform, TruncatedNormal,
            VarianceScaling, GlorotUniform, GlorotNormal, HeNormal, HeUniform, LecunNormal,
            LecunUniform, Orthogonal, Identity)
ALL_OBJECTS_DICT = {cls.__name__: cls for cls in _CLASSES}
ALL_OBJECTS_DICT.update({
    "zeros": Zeros, "zero": Zeros, "ones": Ones, "one": Ones, "constant": Constant,
    "random_normal": RandomNormal, "normal": RandomNormal, "random_uniform": RandomUniform,
    "uniform": RandomUniform, "truncated_normal": TruncatedNormal,
    "variance_scaling": VarianceScaling, "glorot_uniform": GlorotUniform,
    "glorot_normal": GlorotNormal, "he_normal": HeNormal, "he_uniform": HeUniform,
    "lecun_normal": LecunNormal, "lecun_uniform": LecunUniform, "orthogonal": Orthogonal,
    "identity": Identity,
})

# Keras's snake_case function-style names (``keras.initializers.glorot_uniform()``).
zeros, ones, constant = Zeros, Ones, Constant
random_normal, random_uniform, truncated_normal = RandomNormal, RandomUniform, TruncatedNormal
variance_scaling, glorot_uniform, glorot_normal = VarianceScaling, GlorotUniform, GlorotNormal
he_normal, he_uniform, lecun_normal, lecun_uniform = HeNormal, HeUniform, LecunNormal, LecunUniform
orthogonal, identity = Orthogonal, Identity


def serialize(initializer):
    """The initializer as Keras's config dict."""
    return _objects.serialize(initializer, "keras.initializers")


def deserialize(config, custom_objects=None):
    """The initializer a config dict (or name) describes."""
    return _objects.deserialize_instance(config, ALL_OBJECTS_DICT, "initializer", custom_objects)


def get(identifier):
    """An initializer from a name (``'glorot_uniform'``), a config dict, an instance or a
    callable ``fn(shape, dtype=None)``.

    Raises:
        ValueError: for an unknown name (the message lists the valid names).
    """
    if identifier is None:
        return None
    if isinstance(identifier, (int, float)) and not isinstance(identifier, bool):
        return Constant(identifier)
    return _objects.get(identifier, ALL_OBJECTS_DICT, "initializer")
