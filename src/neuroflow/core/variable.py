"""``Variable``: a mutable tensor holding model state, updated with ``assign``."""

import numpy as np

from ..backend.dtypes import FROM_NP, as_dtype
from . import registry
from .convert import convert_to_tensor
from .shape import TensorShape
from .tensor import Tensor


class Variable(Tensor):
    """A tensor whose value can change: weights, biases, optimizer slots, counters.

    Usable anywhere a tensor is; reads inside a ``GradientTape`` are recorded, so trainable
    variables get gradients without ``tape.watch``.

    Args:
        initial_value: tensor, array, Python value or a zero-argument callable returning one.
        trainable: whether tapes watch it automatically and optimizers update it.
        name: TF-style name; ``.name`` adds ``':0'`` (``'weight'`` -> ``'weight:0'``).
        dtype: element type; the initial value is converted to it.
        shape: optional static shape to check the initial value against.

    Example:
        >>> w = nf.Variable(2.0, name='weight')
        >>> w.assign_add(1.0).numpy(), w.name
        (3.0, 'weight:0')
    """

    __slots__ = ("_name", "trainable", "_constraint", "_shape", "_buffer", "_owned")
    _is_variable = True
    _STORAGE = "_buffer"   # the attribute holding the array (TF1 variables use their own)

    # Ownership: ``_owned`` is True while no one outside the library can see the buffer (it
    # was made for this variable and not handed out since), so the library may update it in
    # place. Every ``_value`` read may escape (an eager op's view, a tape's snapshot) and clears
    # it; a write of ``_value`` from outside may share the array and clears it too. Readers
    # that cannot leak the array (dtype, numpy(), the compiled executor) use the storage
    # directly. A library-kept flag, never an interpreter reference count.
    @property
    def _value(self):
        self._owned = False
        return getattr(self, self._STORAGE)

    @_value.setter
    def _value(self, array):
        setattr(self, self._STORAGE, array)
        self._owned = False

    def _peek(self):
        """The current array, for readers that do not keep or hand it out."""
        return getattr(self, self._STORAGE)

    def _own(self, array):
        """Makes ``array``, which no one else references, the variable's private buffer."""
        setattr(self, self._STORAGE, array)
        self._owned = True

    def __init__(self, initial_value=None, trainable=True, name=None, dtype=None, shape=None,
                 constraint=None, validate_shape=True, **unused):
        if initial_value is None:
            raise ValueError("Variable: initial_value must be given")
        tracer = registry.current_tracer()
        if tracer is not None:  # created while tracing: the initial value is computed eagerly
            initial_value = tracer.lift_variable_value(initial_value, name)
        if callable(initial_value):
            initial_value = initial_value()
        if isinstance(initial_value, Tensor):
            value = initial_value
            if dtype is not None and as_dtype(dtype) != value.dtype:
                value = Tensor(value._value.astype(as_dtype(dtype)._np))
        else:
            value = convert_to_tensor(initial_value, dtype=dtype)
        array = value._value
        super().__init__(array)
        self._own(array.copy())   # the variable owns its storage (TF copies, too)
        self._name = name or "Variable"
        self.trainable = bool(trainable)
        self._constraint = constraint
        self._shape = TensorShape(shape) if shape is not None else TensorShape(array.shape)
        if shape is not None and validate_shape and not self._shape.is_compatible_with(
                array.shape):
            raise ValueError(f"Variable {self._name!r}: initial value has shape "
                             f"{tuple(array.shape)}, expected {self._shape}")

    @property
    def name(self):
        """TF-style name with output index, e.g. ``'weight:0'``."""
        return self._name + ":0"

    @property
    def shape(self):
        """The variable's static shape."""
        return self._shape

    @property
    def constraint(self):
        """Function applied to the value after optimizer updates, or None."""
        return self._constraint

    def value(self):
        """The current value as a ``Tensor``."""
        if registry._tracers:
            return registry._tracers[-1].read_variable(self)
        return Tensor(self._value)

    read_value = value

    def _checked(self, value, op):
        if isinstance(value, Tensor):
            if value.dtype != self.dtype:
                raise TypeError(f"{op}: variable {self._name!r} has dtype {self.dtype.name}, "
                                f"got a value of dtype {value.dtype.name}")
        else:
            value = convert_to_tensor(value, dtype=self.dtype)
        if not self._shape.is_compatible_with(value.shape):
            raise ValueError(f"{op}: variable {self._name!r} has shape {self._shape}, got a "
                             f"value of shape {value.shape}")
        return value

    def assign(self, value, use_locking=False, name=None, read_value=True):
        """Sets the value; returns the variable. Shape and dtype must match."""
        return self._update(value, "assign")

    def assign_add(self, delta, use_locking=False, name=None, read_value=True):
        """Adds ``delta`` to the value; returns the variable."""
        return self._update(delta, "assign_add")

    def assign_sub(self, delta, use_locking=False, name=None, read_value=True):
        """Subtracts ``delta`` from the value; returns the variable."""
        return self._update(delta, "assign_sub")

    def _update(self, value, kind):
        tracer = registry.current_tracer()
        if tracer is not None:
            return tracer.assign(self, value, kind)
        value = self._checked(value, kind)
        graph = getattr(value, "_graph", None)
        if graph is not None:  # a symbolic value outside a trace: an assign node in its graph
            return graph.assign(self, value, kind)
        # A new array, never an in-place write: tapes may still hold the old value.
        old, x = self._peek(), value._value
        if kind == "assign":
            self._own(x.copy())
        else:
            self._own(old + x if kind == "assign_add" else old - x)
        return self

    # Reads that copy or only look: they leave the buffer owned.
    @property
    def dtype(self):
        """The element type, a ``nf.DType``."""
        return FROM_NP[self._peek().dtype]

    @property
    def ndim(self):
        """Number of dimensions (the rank)."""
        return self._peek().ndim

    def numpy(self):
        """A copy of the current value as a NumPy array (a NumPy scalar for rank 0)."""
        return Tensor(self._peek()).numpy()

    def _scalar(self, kind):
        return Tensor(self._peek())._scalar(kind)

    def __array__(self, dtype=None, copy=None):
        value = self.numpy()   # a copy, as TF's variables give
        return np.asarray(value) if dtype is None else np.asarray(value).astype(dtype)

    def __repr__(self):
        value = self.numpy()
        shown = repr(value) if np.ndim(value) else str(value)
        return (f"<nf.Variable '{self.name}' shape={self.shape} dtype={self.dtype.name}, "
                f"numpy={shown}>")

    def __deepcopy__(self, memo):
        return Variable(self._peek().copy(), trainable=self.trainable, name=self._name)

    def __reduce__(self):
        return _rebuild_variable, (self.numpy(), self.trainable, self._name)


def _rebuild_variable(value, trainable, name):
    return Variable(value, trainable=trainable, name=name)
