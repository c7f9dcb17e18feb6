"""Random ops: normal, uniform, truncated_normal, shuffle, categorical (stateful, seeded).

Each is a registry op marked ``stateful``: its kernel draws from
``backend.random.generator(seed)`` every time it runs, so a traced graph re-draws on every
call and graph passes never fold it. ``set_seed(s)`` makes the whole sequence of draws
reproducible; an op-level ``seed`` gives that op its own reproducible stream.
``stateless_*`` ops are pure functions of their ``seed`` pair.
"""

import numbers

import numpy as np

from ...backend import random as _random
from ...backend.device import to_numpy
from ...backend.dtypes import as_dtype
from ...backend.errors import InvalidArgumentError
from ..convert import _on_device
from ..registry import bind, current_tracer, defop
from ..shape import TensorShape
from ..tensor import Tensor
from ._base import tensor
from .math import cast
from .shape import stack

__all__ = ["set_seed", "normal", "uniform", "truncated_normal", "shuffle", "categorical",
           "stateless_normal", "stateless_uniform", "stateless_truncated_normal"]


def set_seed(seed):
    """Sets the global seed: the same seed gives the same random numbers on every run."""
    _random.set_seed(seed)


# -- shape and dtype arguments ------------------------------------------------------------
def _shape_arg(shape, op_name):
    """``(inputs, attrs)`` for a shape: a static tuple, or (while tracing) an int tensor input."""
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    if isinstance(shape, (list, tuple)) and any(isinstance(d, Tensor) for d in shape):
        if current_tracer() is None:
            shape = [int(d) for d in shape]
        else:
            shape = stack([cast(tensor(d), "int64") for d in shape])
    if isinstance(shape, Tensor):
        if not shape.dtype.is_integer or shape.ndim > 1:
            raise TypeError(f"{op_name}: shape must be a 1-D integer tensor, got "
                            f"{shape.dtype.name} of shape {tuple(shape.shape)}")
        if current_tracer() is not None:
            return (shape,), {"shape": None}
        shape = np.reshape(shape.numpy(), -1).tolist()
    try:
        dims = tuple(int(d) for d in shape)
    except TypeError:
        raise TypeError(f"{op_name}: shape must be a list of ints or an int tensor, got "
                        f"{shape!r}") from None
    if any(d < 0 for d in dims):
        raise InvalidArgumentError(f"{op_name}: shape must not have negative dims, got {dims}")
    return (), {"shape": dims}


def _resolve(shape, shape_t):
    """The run-time shape: the static one, or the values of the shape tensor input."""
    if shape is not None:
        return shape
    dims = tuple(int(d) for d in np.reshape(to_numpy(shape_t[0]), -1))
    if any(d < 0 for d in dims):
        raise InvalidArgumentError(f"random op: shape must not have negative dims, got {dims}")
    return dims


def _shape_rule(*shapes, shape, **attrs):
    if shape is not None:
        return TensorShape(shape)
    return TensorShape([None] * (shapes[0][0] if shapes[0] else 1))


def _dtype_rule(*dtypes, dtype, **attrs):
    return dtype


def _gen_dtype(dtype):
    """NumPy draws float32 directly (fast); other float types are drawn in float64."""
    return np.float32 if dtype._np == np.float32 else np.float64


def _float_dtype(dtype, op_name):
    dtype = as_dtype(dtype)
    if not dtype.is_floating:
        raise TypeError(f"{op_name}: dtype must be floating-point, got {dtype.name}")
    return dtype


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _seed(seed):
    return None if seed is None else int(seed)


def _scaled(standard, scale, shift, dtype):
    """``standard * scale + shift`` for tensor-valued parameters (differentiable in them)."""
    return standard * tensor(scale, dtype) + tensor(shift, dtype)


# -- normal and truncated normal ----------------------------------------------------------
def _truncate(rng, z):
    """Redraws the entries of ``z`` beyond 2 (standard deviations) until none remain."""
    bad = np.abs(z) > 2
    while bad.any():
        z[bad] = rng.standard_normal(int(bad.sum()), dtype=z.dtype)
        bad = np.abs(z) > 2
    return z


def _normal_forward(xp, *shape_t, shape, mean, stddev, dtype, seed, truncated):
    rng = _random.generator(seed)
    z = rng.standard_normal(_resolve(shape, shape_t), dtype=_gen_dtype(dtype))
    if truncated:
        z = _truncate(rng, z)
    return _on_device((z * stddev + mean).astype(dtype._np, copy=False))


_NORMAL = defop("random_normal", _normal_forward, grad=lambda gy, y, *inputs, **attrs: (None,),
                shape=_shape_rule, dtype=_dtype_rule, stateful=True)


def _normal(shape, mean, stddev, dtype, seed, truncated, op_name):
    dtype = _float_dtype(dtype, op_name)
    inputs, attrs = _shape_arg(shape, op_name)
    attrs.update(dtype=dtype, seed=_seed(seed), truncated=truncated)
    if _is_number(mean) and _is_number(stddev):
        attrs.update(mean=float(mean), stddev=float(stddev))
        return bind(_NORMAL, inputs, attrs)
    attrs.update(mean=0.0, stddev=1.0)
    return _scaled(bind(_NORMAL, inputs, attrs), stddev, mean, dtype)


def normal(shape, mean=0.0, stddev=1.0, dtype="float32", seed=None, name=None):
    """Samples from a normal distribution N(mean, stddev^2).

    Args:
        shape: list of ints or a 1-D int tensor.
        mean, stddev: numbers or tensors (broadcast against the samples).
        dtype: a floating-point type (default float32).
        seed: op-level seed; with ``nf.random.set_seed`` the sequence of draws repeats.

    Example:
        >>> nf.random.set_seed(0)
        >>> nf.random.normal([2, 3]).shape
        TensorShape([2, 3])
    """
    return _normal(shape, mean, stddev, dtype, seed, False, "normal")


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype="float32", seed=None, name=None):
    """Samples N(mean, stddev^2), redrawing values more than 2 stddev from the mean."""
    return _normal(shape, mean, stddev, dtype, seed, True, "truncated_normal")


# -- uniform ------------------------------------------------------------------------------
def _uniform_forward(xp, *shape_t, shape, minval, maxval, dtype, seed):
    rng = _random.generator(seed)
    dims = _resolve(shape, shape_t)
    if dtype.is_integer:
        return _on_device(rng.integers(minval, maxval, dims, dtype=dtype._np))
    u = rng.random(dims, dtype=_gen_dtype(dtype))
    return _on_device((u * (maxval - minval) + minval).astype(dtype._np, copy=False))


_UNIFORM = defop("random_uniform", _uniform_forward, grad=lambda gy, y, *inputs, **attrs: (None,),
                 shape=_shape_rule, dtype=_dtype_rule, stateful=True)


def uniform(shape, minval=0, maxval=None, dtype="float32", seed=None, name=None):
    """Samples uniformly from [minval, maxval).

    Args:
        shape: list of ints or a 1-D int tensor.
        minval, maxval: the range; ``maxval`` defaults to 1 for floats and is required for
            integer dtypes.
        dtype: float16/32/64 or int32/int64.
        seed: op-level seed.

    Raises:
        ValueError: an integer dtype without ``maxval``; InvalidArgumentError when
            minval >= maxval for integers.
    """
    dtype = as_dtype(dtype)
    inputs, attrs = _shape_arg(shape, "uniform")
    attrs.update(dtype=dtype, seed=_seed(seed))
    if dtype.is_integer:
        if maxval is None:
            raise ValueError(f"uniform: maxval must be specified for integer dtype {dtype.name}")
        minval, maxval = (int(v.numpy()) if hasattr(v, "numpy") else int(v)
                          for v in (minval, maxval))
        if minval >= maxval:
            raise InvalidArgumentError(f"uniform: need minval < maxval, got {minval} and "
                                       f"{maxval}")
        return bind(_UNIFORM, inputs, dict(attrs, minval=minval, maxval=maxval))
    _float_dtype(dtype, "uniform")
    maxval = 1.0 if maxval is None else maxval
    if _is_number(minval) and _is_number(maxval):
        return bind(_UNIFORM, inputs, dict(attrs, minval=float(minval), maxval=float(maxval)))
    u = bind(_UNIFORM, inputs, dict(attrs, minval=0.0, maxval=1.0))
    low = tensor(minval, dtype)
    return _scaled(u, tensor(maxval, dtype) - low, low, dtype)


# -- shuffle and categorical --------------------------------------------------------------
def _shuffle_forward(xp, x, seed):
    if x.ndim == 0:
        return x
    perm = _random.generator(seed).permutation(x.shape[0])
    return x[xp.asarray(perm)]


_SHUFFLE = defop("random_shuffle", _shuffle_forward, grad=lambda gy, y, x, seed: (None,),
                 shape=lambda x, seed: x, stateful=True)


def shuffle(value, seed=None, name=None):
    """Randomly permutes ``value`` along its first axis (not differentiable, as in TF)."""
    return bind(_SHUFFLE, (tensor(value),), {"seed": _seed(seed)})


def _categorical_forward(xp, logits, num_samples, dtype, seed):
    logits = np.asarray(to_numpy(logits), np.float64)
    batch, classes = logits.shape
    u = _random.generator(seed).random((batch, num_samples))
    if batch == 0 or num_samples == 0:
        return _on_device(np.zeros((batch, num_samples), dtype._np))
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    cdf = np.cumsum(p, axis=1)
    cdf /= cdf[:, -1:]
    # One searchsorted for all rows: row r's cdf is shifted into [r, r + 1].
    rows = np.arange(batch)[:, None]
    flat = np.searchsorted((cdf + rows).ravel(), (u + rows).ravel(), side="right")
    index = flat.reshape(batch, num_samples) - rows * classes
    return xp.asarray(np.clip(index, 0, classes - 1).astype(dtype._np))


_CATEGORICAL = defop(
    "random_categorical", _categorical_forward, grad=lambda gy, y, x, **attrs: (None,),
    shape=lambda x, num_samples, dtype, seed: TensorShape([x[0], num_samples]),
    dtype=lambda x, num_samples, dtype, seed: dtype, stateful=True)


def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    """Draws class indices from the categorical distributions ``softmax(logits)``.

    Args:
        logits: ``[batch, classes]`` unnormalized log-probabilities.
        num_samples: samples per row.
        dtype: int64 (default) or int32.

    Returns:
        An int tensor ``[batch, num_samples]``.
    """
    x = tensor(logits)
    if x.ndim != 2:
        raise InvalidArgumentError(f"categorical: logits must be 2-D [batch, classes], got "
                                   f"shape {tuple(x.shape)}")
    if x.shape[1] == 0:
        raise InvalidArgumentError("categorical: logits must have at least one class")
    dtype = as_dtype(dtype or "int64")
    if dtype.name not in ("int32", "int64"):
        raise TypeError(f"categorical: dtype must be int32 or int64, got {dtype.name}")
    n = int(num_samples.numpy()) if hasattr(num_samples, "numpy") else int(num_samples)
    return bind(_CATEGORICAL, (x,), {"num_samples": n, "dtype": dtype, "seed": _seed(seed)})


# -- stateless ----------------------------------------------------------------------------
def _stateless_forward(xp, *shape_t, shape, kind, a, b, dtype, seed):
    rng = np.random.default_rng([s & 0xFFFFFFFFFFFFFFFF for s in seed])
    dims = _resolve(shape, shape_t)
    if kind == "uniform":
        if dtype.is_integer:
            return _on_device(rng.integers(a, b, dims, dtype=dtype._np))
        u = rng.random(dims, dtype=_gen_dtype(dtype))
        return _on_device((u * (b - a) + a).astype(dtype._np, copy=False))
    z = rng.standard_normal(dims, dtype=_gen_dtype(dtype))
    if kind == "truncated_normal":
        z = _truncate(rng, z)
    return _on_device((z * b + a).astype(dtype._np, copy=False))


_STATELESS = defop("stateless_random", _stateless_forward,
                   grad=lambda gy, y, *inputs, **attrs: (None,), shape=_shape_rule,
                   dtype=_dtype_rule)


def _stateless(shape, seed, kind, a, b, dtype, op_name):
    if hasattr(seed, "numpy"):
        seed = seed.numpy().tolist()
    seed = tuple(int(s) for s in np.reshape(seed, -1))
    if len(seed) != 2:
        raise InvalidArgumentError(f"{op_name}: seed must have shape [2], got {len(seed)} "
                                   "values")
    inputs, attrs = _shape_arg(shape, op_name)
    return bind(_STATELESS, inputs, dict(attrs, kind=kind, a=a, b=b, dtype=dtype, seed=seed))


def stateless_normal(shape, seed, mean=0.0, stddev=1.0, dtype="float32", name=None):
    """N(mean, stddev^2) samples that depend only on ``seed`` (two ints)."""
    dtype = _float_dtype(dtype, "stateless_normal")
    return _stateless(shape, seed, "normal", float(mean), float(stddev), dtype,
                      "stateless_normal")


def stateless_truncated_normal(shape, seed, mean=0.0, stddev=1.0, dtype="float32", name=None):
    """Truncated normal samples (within 2 stddev) that depend only on ``seed``."""
    dtype = _float_dtype(dtype, "stateless_truncated_normal")
    return _stateless(shape, seed, "truncated_normal", float(mean), float(stddev), dtype,
                      "stateless_truncated_normal")


def stateless_uniform(shape, seed, minval=0, maxval=None, dtype="float32", name=None):
    """Uniform samples from [minval, maxval) that depend only on ``seed`` (two ints)."""
    dtype = as_dtype(dtype)
    if dtype.is_integer:
        if maxval is None:
            raise ValueError(f"stateless_uniform: maxval must be specified for integer dtype "
                             f"{dtype.name}")
        if int(minval) >= int(maxval):
            raise InvalidArgumentError(f"stateless_uniform: need minval < maxval, got "
                                       f"{minval} and {maxval}")
        return _stateless(shape, seed, "uniform", int(minval), int(maxval), dtype,
                          "stateless_uniform")
    _float_dtype(dtype, "stateless_uniform")
    return _stateless(shape, seed, "uniform", float(minval),
                      1.0 if maxval is None else float(maxval), dtype, "stateless_uniform")
