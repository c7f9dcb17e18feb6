"""``Tensor``: an immutable n-dimensional array on a device, with TF 2 semantics.

Arithmetic operators (``+ - * / @ ...``) and indexing are attached by ``core.ops``, which
defines them once in the op registry; this file holds only what a tensor *is*.
"""

import numpy as np

from ..backend import device as _device
from ..backend.dtypes import FROM_NP
from .shape import TensorShape


class OperatorNotAllowedInGraphError(TypeError):
    """A tensor's value was needed, but the tensor is symbolic (a graph tensor being traced).

    Raised by ``.numpy()``, ``bool()``, ``float()`` ... on the tensors ``nf.function`` traces and
    on TF1 placeholders; ``bind`` catches it to hand the op to the tensor's graph.
    """


class Tensor:
    """An immutable array with a dtype and a shape, the value every op takes and returns.

    Build one with ``nf.constant`` or ``nf.convert_to_tensor``; read it with ``.numpy()``.

    Example:
        >>> x = nf.constant([[1.0, 2.0]])
        >>> (x * 2).numpy()
        array([[2., 4.]], dtype=float32)
    """

    # ``_keras_mask``: set by Keras layers that produce a mask (unset: AttributeError, as TF)
    __slots__ = ("_value", "_keras_mask", "__weakref__")
    # Makes ``ndarray + tensor`` call ``Tensor.__radd__``, as TF's EagerTensor does.
    __array_priority__ = 100
    _is_variable = False

    def __init__(self, value):
        self._value = value

    # -- what a tensor is ------------------------------------------------------------------
    @property
    def dtype(self):
        """The element type, a ``nf.DType``."""
        return FROM_NP[self._value.dtype]

    @property
    def shape(self):
        """The shape, a ``nf.TensorShape`` (a tuple of ints)."""
        return TensorShape(self._value.shape)

    @property
    def ndim(self):
        """Number of dimensions (the rank)."""
        return self._value.ndim

    @property
    def device(self):
        """Name of the device holding the value, e.g. ``'/job:localhost/.../device:CPU:0'``."""
        return _device.device_of(self._value)

    def numpy(self):
        """Returns the value as a NumPy array (a NumPy scalar for rank 0), copied off the GPU."""
        value = _device.to_numpy(self._value)
        if not isinstance(value, np.ndarray):
            return value  # already a NumPy scalar
        return value[()] if value.ndim == 0 else value.copy()

    def get_shape(self):
        """Alias of ``.shape`` (TF 1 spelling)."""
        return self.shape

    def set_shape(self, shape):
        """Checks that ``shape`` (dims may be None) fits this tensor's shape, as TF does for an
        eager tensor; on a traced tensor it refines the static shape instead.

        Raises:
            ValueError: when the shapes are not compatible.
        """
        if not TensorShape(shape).is_compatible_with(self.shape):
            raise ValueError(f"Tensor's shape {self.shape} is not compatible with supplied "
                             f"shape {TensorShape(shape)}.")

    def ref(self):
        """A hashable reference to this tensor, for use as a dict key or set member."""
        return _Reference(self)

    # -- Python protocols --------------------------------------------------------------------
    def __array__(self, dtype=None, copy=None):
        """NumPy 2's protocol: ``copy=True`` gives a new array; otherwise, as TF, a read-only
        view of the value (so no write through it changes the tensor); ``copy=False`` raises
        ValueError when a dtype change needs a copy."""
        value = np.asarray(_device.to_numpy(self._value))
        if dtype is not None and value.dtype != np.dtype(dtype):
            if copy is False:
                raise ValueError(f"Unable to avoid a copy converting a {self.dtype.name} "
                                 f"tensor to {np.dtype(dtype)}")
            return value.astype(dtype)
        if copy:
            return value.copy()
        view = value.view()
        view.flags.writeable = False
        return view

    def _scalar(self, kind):
        if self._value.size != 1:
            raise TypeError(f"only a scalar tensor can be converted to {kind}; this one has "
                            f"shape {self.shape}")
        return _device.to_numpy(self._value).reshape(())[()]

    def __float__(self):
        return float(self._scalar("float"))

    def __int__(self):
        return int(self._scalar("int"))

    def __complex__(self):
        return complex(self._scalar("complex"))

    def __index__(self):
        if not self.dtype.is_integer:
            raise TypeError(f"only integer tensors can be used as an index, not {self.dtype.name}")
        return int(self._scalar("index"))

    def __bool__(self):
        if self._value.size != 1:
            raise ValueError(f"The truth value of a tensor with shape {self.shape} is ambiguous; "
                             "use nf.reduce_any or nf.reduce_all")
        return bool(self._scalar("bool"))

    def __len__(self):
        if not self._value.ndim:
            raise TypeError("len() of a scalar (rank 0) tensor is undefined")
        return self._value.shape[0]

    def __iter__(self):
        if not self._value.ndim:
            raise TypeError("Cannot iterate over a scalar (rank 0) tensor")
        return (self[i] for i in range(self._value.shape[0]))

    def __format__(self, spec):
        value = self.numpy()
        if not spec:
            return str(self)
        return format(value.item() if np.ndim(value) == 0 else value, spec)

    def __repr__(self):
        value = self.numpy()
        shown = repr(value) if np.ndim(value) else str(value)
        return f"<nf.Tensor: shape={self.shape}, dtype={self.dtype.name}, numpy={shown}>"

    def __str__(self):
        return f"nf.Tensor({str(self.numpy())}, shape={self.shape}, dtype={self.dtype.name})"

    def __hash__(self):
        raise TypeError("Tensor is unhashable (== compares elementwise). "
                        "Use tensor.ref() as the key instead.")

    def __copy__(self):
        return self  # immutable

    def __deepcopy__(self, memo):
        return type(self)(self._value.copy()) if type(self) is Tensor else self.__copy__()

    def __reduce__(self):
        return _rebuild, (self.numpy(),)


def _rebuild(value):
    return Tensor(np.asarray(value))


class _Reference:
    """What ``Tensor.ref()`` returns: hashes and compares by identity; ``.deref()`` undoes it."""

    __slots__ = ("_obj",)

    def __init__(self, obj):
        self._obj = obj

    def deref(self):
        """The referenced tensor or variable."""
        return self._obj

    def __hash__(self):
        return id(self._obj)

    def __eq__(self, other):
        return isinstance(other, _Reference) and other._obj is self._obj
