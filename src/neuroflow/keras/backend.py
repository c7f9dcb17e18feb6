"""``nf.keras.backend``: Keras's session-wide state (unique names, floatx) and its ``Variable``.

Layers name themselves ``dense``, ``dense_1``, ... from a counter per prefix kept here;
``clear_session()`` resets the counters, as in Keras.
"""

import collections
import re

from ..backend.dtypes import as_dtype
from ..core import variable as _variable
from ..core.ops import random as _random_ops
from ..core.tensor import Tensor

__all__ = ["Variable", "clear_session", "get_uid", "floatx", "set_floatx", "epsilon",
           "set_epsilon", "image_data_format", "set_image_data_format", "int_shape",
           "standardize_dtype", "is_float_dtype", "to_snake_case", "is_keras_tensor",
           "random_normal", "random_uniform"]

_UIDS = collections.defaultdict(int)
_CONFIG = {"floatx": "float32", "epsilon": 1e-7, "image_data_format": "channels_last"}


class Variable(_variable.Variable):
    """A Keras variable: an ``nf.Variable`` whose ``name`` is Keras's (``'kernel'``, no ``':0'``)
    and whose ``path`` names its owner (``'dense/kernel'``).

    Example:
        >>> v = nf.keras.Variable(nf.zeros((2,)), name='kernel')
        >>> v.name, v.path
        ('kernel', 'kernel')
    """

    __slots__ = ("_path", "regularizer")

    def __init__(self, initializer=None, shape=None, dtype=None, trainable=True, name=None,
                 constraint=None, path=None, **kwargs):
        initial = kwargs.pop("initial_value", initializer)
        if callable(initial) and not isinstance(initial, Tensor):
            if shape is None:
                initial = initial()
            else:
                shape_, dtype_ = tuple(shape), standardize_dtype(dtype)
                initial = _call_initializer(initial, shape_, dtype_)
        super().__init__(initial, trainable=trainable, name=name or "variable",
                         dtype=None if dtype is None else standardize_dtype(dtype),
                         constraint=constraint)
        self._path = path or self._name
        self.regularizer = None

    @property
    def name(self):
        """Keras's variable name, e.g. ``'kernel'``."""
        return self._name

    @property
    def path(self):
        """``'<layer name>/<variable name>'``."""
        return self._path

    def __repr__(self):
        return (f"<KerasVariable shape={tuple(self.shape)}, dtype={self.dtype.name}, "
                f"path={self._path}>")

    def __deepcopy__(self, memo):
        return Variable(self.value(), trainable=self.trainable, name=self._name,
                        path=self._path, constraint=self._constraint)

    def __reduce__(self):
        return _rebuild, (self.numpy(), self.trainable, self._name, self._path)


def _rebuild(value, trainable, name, path):
    return Variable(value, trainable=trainable, name=name, path=path)


def _call_initializer(initializer, shape, dtype):
    try:
        return initializer(shape, dtype=dtype)
    except TypeError:
        return initializer(shape)


def get_uid(prefix=""):
    """The next number for ``prefix``: 1 on the first call, then 2, ... (per session)."""
    _UIDS[prefix] += 1
    return _UIDS[prefix]


def unique_name(prefix):
    """``prefix`` the first time, then ``prefix_1``, ``prefix_2``, ... as Keras names layers."""
    uid = get_uid(prefix)
    return prefix if uid == 1 else f"{prefix}_{uid - 1}"


def clear_session(free_memory=True):
    """Resets the layer-name counters (the next Dense is ``'dense'`` again)."""
    _UIDS.clear()


def floatx():
    """The default float type as a string, ``'float32'``."""
    return _CONFIG["floatx"]


def set_floatx(value):
    """Sets the default float type (``'float16'``, ``'float32'`` or ``'float64'``)."""
    if value not in ("float16", "bfloat16", "float32", "float64"):
        raise ValueError(f"Unknown floatx type: {value!r}. Expected one of 'float16', "
                         "'bfloat16', 'float32', 'float64'")
    _CONFIG["floatx"] = str(value)


def epsilon():
    """The fuzz factor used in numeric expressions, ``1e-7``."""
    return _CONFIG["epsilon"]


def set_epsilon(value):
    """Sets the fuzz factor."""
    _CONFIG["epsilon"] = float(value)


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples from N(mean, stddev²): Keras 2's ``K.random_normal`` (e.g. a VAE's sampling).

    Args:
        shape: output shape (ints, or a 1-D int tensor such as ``tf.shape(z_mean)``).
        mean, stddev: the distribution's parameters.
        dtype: default ``floatx()``.
        seed: op-level seed.
    """
    return _random_ops.normal(shape, mean, stddev, dtype=dtype or floatx(), seed=seed)


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Samples from U[minval, maxval): Keras 2's ``K.random_uniform``."""
    return _random_ops.uniform(shape, minval, maxval, dtype=dtype or floatx(), seed=seed)


def image_data_format():
    """``'channels_last'`` (the only layout neuroflow's conv layers use by default)."""
    return _CONFIG["image_data_format"]


def set_image_data_format(data_format):
    """Sets the default image layout (``'channels_last'`` or ``'channels_first'``)."""
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"Unknown data_format: {data_format!r}")
    _CONFIG["image_data_format"] = data_format


def standardize_dtype(dtype):
    """A dtype as Keras's string name (``None`` -> floatx)."""
    if dtype is None:
        return floatx()
    if isinstance(dtype, dict):  # a serialized DTypePolicy
        dtype = dtype.get("config", {}).get("name", floatx())
    if hasattr(dtype, "name") and not isinstance(dtype, str) and not hasattr(dtype, "_np"):
        dtype = dtype.name  # a DTypePolicy-like object
    return as_dtype(dtype).name


def is_float_dtype(dtype):
    """True for floating-point dtypes."""
    return as_dtype(standardize_dtype(dtype)).is_floating


def int_shape(x):
    """The static shape of a tensor or KerasTensor as a tuple."""
    return tuple(x.shape)


def is_keras_tensor(x):
    """True for the symbolic tensors of the functional API."""
    return hasattr(x, "_keras_history") and not isinstance(x, Tensor)


def to_snake_case(name):
    """``'BatchNormalization'`` -> ``'batch_normalization'``, as Keras derives layer names."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()
    return name
