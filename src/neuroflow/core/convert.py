"""Turning Python and NumPy values into tensors: ``nf.constant`` and ``nf.convert_to_tensor``."""


import numpy as np

from ..backend import device as _device
from ..backend.dtypes import FROM_NP, as_dtype
from .tensor import Tensor

_INT32 = np.iinfo(np.int32)


def _infer(value):
    """``value`` as an array with TF's default dtypes: Python floats float32, ints int32.

    A NumPy array is copied (as TF does): the tensor must not change when the caller later
    writes into their array.
    """
    if isinstance(value, np.ndarray | np.generic):
        return np.array(value)
    array = np.asarray(value)
    kind = array.dtype.kind
    if kind == "f":
        return array.astype(np.float32)
    if kind == "i":
        if array.size == 0 or (_INT32.min <= array.min() and array.max() <= _INT32.max):
            return array.astype(np.int32)
        return array.astype(np.int64)
    if kind == "c":
        return array.astype(np.complex128)
    if kind in "bu":
        return array
    raise TypeError(f"Cannot convert {value!r} (of type {type(value).__name__}) to a tensor")


def to_array(value, dtype=None):
    """``value`` as an array of ``dtype`` (or TF's inferred dtype), checked for lossy casts."""
    if dtype is None:
        return _infer(value)
    np_dtype = as_dtype(dtype)._np
    if np_dtype.kind in "iub" and not isinstance(value, np.ndarray):
        source = np.asarray(value)
        if source.dtype.kind == "f" or source.dtype.kind == "c":
            if source.size and not np.all(np.mod(source, 1) == 0):
                raise TypeError(f"Cannot convert {value!r} to a tensor of dtype {np_dtype.name}: "
                                "it has a fractional part")
        elif source.dtype.kind not in "iub":
            raise TypeError(f"Cannot convert {value!r} to a tensor of dtype {np_dtype.name}")
        return source.astype(np_dtype)
    try:
        return np.array(value, dtype=np_dtype)   # always a copy, as TF's conversion
    except (TypeError, ValueError) as error:
        raise TypeError(f"Cannot convert {value!r} to a tensor of dtype {np_dtype.name}: "
                        f"{error}") from None


def _on_device(array):
    if _device.gpu_count():
        return _device.place(array)
    return array


def convert_to_tensor(value, dtype=None, dtype_hint=None, name=None):
    """Converts a tensor, variable, NumPy array, Python scalar or nested list to a ``Tensor``.

    Args:
        value: what to convert.
        dtype: required element type; a tensor of another dtype raises TypeError.
        dtype_hint: preferred type for Python values when ``dtype`` is None.
        name: ignored (accepted for TF compatibility).

    Returns:
        A ``Tensor`` (tensors and variables are returned as they are). A NumPy array is
        copied, as in TF: later writes into it do not change the tensor.
    """
    if isinstance(value, Tensor):
        if dtype is not None and as_dtype(dtype) != value.dtype:
            raise TypeError(f"Tensor conversion requested dtype {as_dtype(dtype).name} for a "
                            f"tensor of dtype {value.dtype.name}")
        return value
    if hasattr(value, "__nf_tensor__"):
        return convert_to_tensor(value.__nf_tensor__(), dtype)
    if dtype is None and dtype_hint is not None and not isinstance(value, np.ndarray | np.generic):
        try:
            return Tensor(_on_device(to_array(value, dtype_hint)))
        except TypeError:
            pass
    value = _plain(value)
    if isinstance(value, str | bytes):
        raise TypeError(f"String tensors are not supported: got {value!r}")
    return Tensor(_on_device(to_array(value, dtype)))


def _plain(value):
    """``value`` with every tensor in it (nested lists included) as a NumPy value."""
    if isinstance(value, Tensor):
        return value.numpy()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def constant(value, dtype=None, shape=None, name="Const"):
    """Creates a constant tensor from a Python or NumPy value.

    Args:
        value: a scalar, nested list or array.
        dtype: element type; inferred as TF does when None (float -> float32, int -> int32).
        shape: optional shape; a scalar is broadcast to it, otherwise the value is reshaped.
        name: ignored (accepted for TF compatibility).

    The tensor holds a copy of ``value`` (as in TF), so it never changes afterwards.

    Example:
        >>> nf.constant(2.7)
        <nf.Tensor: shape=(), dtype=float32, numpy=2.7>
    """
    array = to_array(_plain(value), dtype)
    if shape is not None:
        shape = tuple(int(d) for d in shape)
        if array.size == 1:
            array = np.broadcast_to(array.reshape(()), shape).copy()
        elif array.size == int(np.prod(shape)):
            array = array.reshape(shape)
        else:
            raise TypeError(f"Eager execution of constant: expected {int(np.prod(shape))} "
                            f"elements for shape {shape}, got {array.size}")
    try:
        FROM_NP[array.dtype]   # a lookup, not ``in``: bfloat16 registers itself on first sight
    except KeyError:
        raise TypeError(f"Unsupported dtype {array.dtype} for a tensor") from None
    return Tensor(_on_device(array))
