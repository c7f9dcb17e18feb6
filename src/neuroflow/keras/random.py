"""``keras.random``: random tensors seeded as Keras 3 seeds them.

The ``seed`` argument of every function takes, as in Keras:

- ``None``: a draw from the global stream (``keras.utils.set_random_seed`` makes it
  reproducible);
- an ``int``: a stateless draw, the same values on every call;
- a ``SeedGenerator``: the generator's own stream, new values on every call, also inside a
  traced function (each run of the graph draws again), reproducible from the generator's seed.

Everything is composed from neuroflow's ``random`` ops (``dropout``, ``shuffle`` and
``categorical`` from uniform draws), so the three kinds of seed behave alike in every function.
"""

import itertools

import numpy as np

from ..core import ops
from ..core.convert import convert_to_tensor
from ..core.ops import random as random_ops
from ..core.ops import shape as shape_ops
from . import backend

__all__ = ["SeedGenerator", "categorical", "dropout", "normal", "randint", "shuffle",
           "truncated_normal", "uniform"]

_INSTANCES = itertools.count()


class SeedGenerator:
    """A seed whose draws differ on every call: the state of Keras layers that sample.

    Args:
        seed: int (default: one drawn from the global stream).

    Example:
        >>> gen = nf.keras.random.SeedGenerator(1337)
        >>> a = nf.keras.random.normal((2,), seed=gen)
        >>> b = nf.keras.random.normal((2,), seed=gen)     # differs from a
    """

    def __init__(self, seed=None, name=None, **kwargs):
        if seed is None:
            seed = int(random_ops.uniform((), 0, 2**31 - 1, dtype="int64").numpy())
        if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
            raise ValueError(f"Argument `seed` must be an integer. Received: seed={seed!r}")
        self.seed = int(seed)
        self.name = name or backend.unique_name("seed_generator")
        # the key of this generator's own stream: two generators made with one seed draw
        # alike, and apart from each other and from ops seeded with that int
        sequence = np.random.SeedSequence([self.seed, next(_INSTANCES)])
        self._stream = int(sequence.generate_state(1, np.uint64)[0] >> np.uint64(1))

    def next(self):
        """A fresh ``(2,)`` int32 seed tensor from the stream (for stateless ops)."""
        return random_ops.uniform((2,), 0, 2**31 - 1, dtype="int32", seed=self._stream)

    def get_config(self):
        """``{'seed': seed}``."""
        return {"seed": self.seed}

    @classmethod
    def from_config(cls, config):
        """A generator from ``get_config()``'s dict."""
        return cls(**config)


def _dims(x):
    """``x``'s shape: a tuple when known, else (while tracing) a list of dims and tensors."""
    if None not in tuple(x.shape):
        return tuple(x.shape)
    dynamic = shape_ops.shape(x)
    return [dynamic[i] if d is None else d for i, d in enumerate(x.shape)]


def _float(dtype):
    return backend.standardize_dtype(dtype or backend.floatx())


def _check_seed(seed):
    if seed is not None and not isinstance(seed, SeedGenerator) and (
            not isinstance(seed, (int, np.integer)) or isinstance(seed, bool)):
        raise ValueError("Argument `seed` must be either an integer or an instance of "
                         f"`SeedGenerator`. Received: seed={seed!r} (of type {type(seed)})")


def _draw(kind, shape, a, b, dtype, seed):
    """One draw of ``kind`` ('normal', 'truncated_normal', 'uniform') for any kind of seed."""
    _check_seed(seed)
    if isinstance(seed, (int, np.integer)):
        stateless = {"normal": random_ops.stateless_normal,
                     "truncated_normal": random_ops.stateless_truncated_normal,
                     "uniform": random_ops.stateless_uniform}[kind]
        return stateless(shape, (int(seed), 0), a, b, dtype=dtype)
    stream = seed._stream if isinstance(seed, SeedGenerator) else None
    stateful = {"normal": random_ops.normal, "truncated_normal": random_ops.truncated_normal,
                "uniform": random_ops.uniform}[kind]
    return stateful(shape, a, b, dtype=dtype, seed=stream)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples from N(mean, stddev²).

    Args:
        shape: output shape.
        mean, stddev: the distribution's parameters.
        dtype: a float dtype (default ``floatx()``).
        seed: None, int or ``SeedGenerator`` (see the module).
    """
    return _draw("normal", shape, mean, stddev, _float(dtype), seed)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples from N(mean, stddev²) redrawn beyond two standard deviations."""
    return _draw("truncated_normal", shape, mean, stddev, _float(dtype), seed)


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Samples from U[minval, maxval) (a float dtype; see ``randint`` for integers)."""
    dtype = _float(dtype)
    if not backend.is_float_dtype(dtype):
        raise ValueError("`keras.random.uniform` requires a floating point `dtype`. Received: "
                         f"dtype={dtype} ")
    return _draw("uniform", shape, minval, maxval, dtype, seed)


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Integers drawn uniformly from [minval, maxval)."""
    dtype = backend.standardize_dtype(dtype)
    if backend.is_float_dtype(dtype):
        raise ValueError("`keras.random.randint` requires an integer `dtype`. Received: "
                         f"dtype={dtype} ")
    return _draw("uniform", shape, int(minval), int(maxval), dtype, seed)


def dropout(inputs, rate, noise_shape=None, seed=None):
    """Zeroes each entry with probability ``rate`` and scales the rest by 1 / (1 - rate).

    Args:
        inputs: a float tensor.
        rate: the drop probability in [0, 1).
        noise_shape: shape of the mask, broadcast against ``inputs`` (None entries take the
            input's dims).
        seed: None, int or ``SeedGenerator``.
    """
    x = convert_to_tensor(inputs)
    rate = float(rate)
    if not 0 <= rate < 1:
        raise ValueError(f"dropout: rate must be a float in the range [0, 1), got {rate}")
    if rate == 0:
        return x
    shape = _dims(x)
    if noise_shape is not None:
        shape = [shape[i] if d is None else d for i, d in enumerate(noise_shape)]
    keep = ops.cast(_draw("uniform", shape, 0.0, 1.0, x.dtype.name, seed) >= rate, x.dtype)
    return x * keep / (1.0 - rate)


def shuffle(x, axis=0, seed=None):
    """``x`` with its entries along ``axis`` in a random order."""
    x = convert_to_tensor(x)
    axis = axis % max(x.ndim, 1)
    keys = _draw("uniform", _dims(x)[axis:axis + 1], 0.0, 1.0, "float32", seed)
    return ops.gather(x, ops.argsort(keys), axis=axis)


def categorical(logits, num_samples, dtype="int32", seed=None):
    """``num_samples`` class indices per row of ``logits`` (batch, classes), drawn with the
    probabilities ``softmax(logits)`` (by the Gumbel-max trick)."""
    logits = convert_to_tensor(logits)
    rows, classes = _dims(logits)[0], _dims(logits)[1]
    u = _draw("uniform", [rows, int(num_samples), classes], 1e-20, 1.0,
              logits.dtype.name, seed)
    gumbel = -ops.log(-ops.log(u))
    return ops.cast(ops.argmax(ops.expand_dims(logits, 1) + gumbel, axis=-1), dtype)
