"""``nf.TensorArray``: a list of same-shaped tensors that loops in graphs can grow and read.

It is a value, as in TF 2: ``ta = ta.write(i, x)`` returns a new TensorArray. The elements live
in one stacked tensor (``stack()`` is free); a write is ``tensor_scatter_nd_update`` on it, so
eager mode, graphs, ``nf.while_loop`` and gradients need nothing special. It flattens (``nest``)
into that tensor, so it can be a loop variable or a function argument.
"""

from ..backend.dtypes import as_dtype
from ..core.convert import convert_to_tensor
from ..core.ops import creation as _c
from ..core.ops import index as _index
from ..core.ops import math as _m
from ..core.ops import shape as _shape
from ..core.shape import TensorShape
from ..core.tensor import Tensor
from .symbolic import SymbolicTensor


class TensorArray:
    """A list of tensors of one dtype and shape, usable in graph loops, as ``tf.TensorArray``.

    Args:
        dtype: the elements' dtype.
        size: the initial number of elements (int or scalar tensor).
        dynamic_size: allow writes past the end (the array grows).
        clear_after_read, tensor_array_name, handle, flow, infer_shape, colocate_with_first_write_call:
            accepted for TF compatibility.
        element_shape: the elements' shape when known before the first write.

    Example:
        >>> ta = nf.TensorArray(nf.float32, size=0, dynamic_size=True)
        >>> for i in range(3):
        ...     ta = ta.write(i, nf.constant(float(i)))
        >>> ta.stack().numpy()
        array([0., 1., 2.], dtype=float32)
    """

    def __init__(self, dtype, size=None, dynamic_size=None, clear_after_read=None,
                 tensor_array_name=None, handle=None, flow=None, infer_shape=True,
                 element_shape=None, colocate_with_first_write_call=True, name=None):
        self._dtype = as_dtype(dtype)
        self._size = 0 if size is None else size
        self._dynamic_size = bool(dynamic_size)
        self._element_shape = None if element_shape is None else TensorShape(element_shape)
        self._buffer = None
        if self._element_shape is not None and self._element_shape.is_fully_defined():
            self._buffer = self._zeros(self._size, self._element_shape)

    # -- nest: a TensorArray flattens into its stacked buffer --------------------------------
    def _nest_components(self):
        return [] if self._buffer is None else [self._buffer]

    def _nest_rebuild(self, components):
        return self._with(components[0] if components else None)

    def _with(self, buffer):
        ta = TensorArray.__new__(TensorArray)
        ta.__dict__.update(self.__dict__)
        ta._buffer = buffer
        if buffer is not None:
            ta._element_shape = TensorShape(buffer.shape)[1:]
        return ta

    def _zeros(self, size, element_shape):
        size = size if isinstance(size, Tensor) else convert_to_tensor(size, dtype="int32")
        dims = _shape.concat([_shape.reshape(_m.cast(size, "int32"), [1]),
                              convert_to_tensor(list(element_shape), dtype="int32")], 0)
        zeros = _c.zeros(dims, self._dtype)
        zeros.set_shape([None] + list(element_shape))   # a traced size leaves dims unknown
        return zeros

    def ready(self, element_shape):
        """This (empty) array with its buffer made for elements of ``element_shape``."""
        element_shape = TensorShape(element_shape)
        if not element_shape.is_fully_defined():
            raise ValueError(f"TensorArray: the element shape {element_shape} written in the "
                             "loop is not fully known; pass element_shape= to TensorArray")
        return self._with(self._zeros(self._size, element_shape))

    # -- properties ----------------------------------------------------------------------------
    @property
    def dtype(self):
        """The elements' dtype."""
        return self._dtype

    @property
    def element_shape(self):
        """The elements' shape (``TensorShape(None)`` before the first write)."""
        return self._element_shape if self._element_shape is not None else TensorShape(None)

    @property
    def dynamic_size(self):
        """Whether writes past the end grow the array."""
        return self._dynamic_size

    @property
    def flow(self):
        """The tensor that carries the array's value (its stacked elements)."""
        return self._buffer

    def size(self, name=None):
        """The number of elements, an int32 scalar tensor."""
        if self._buffer is None:
            return convert_to_tensor(self._size, dtype="int32")
        return _shape.shape(self._buffer)[0]

    # -- reading and writing ---------------------------------------------------------------
    def write(self, index, value, name=None):
        """A new TensorArray whose element ``index`` is ``value``."""
        value = convert_to_tensor(value, dtype=self._dtype)
        if self._element_shape is not None and not self._element_shape.is_compatible_with(
                value.shape):
            raise ValueError(f"TensorArray.write: value of shape {value.shape} does not match "
                             f"the element shape {self._element_shape}")
        buffer = self._buffer
        if buffer is None:
            buffer = self._zeros(self._size, value.shape)
        index = _m.cast(convert_to_tensor(index), "int32")
        if self._dynamic_size:
            buffer = _grown(buffer, index)
        elif not isinstance(index, SymbolicTensor) and not isinstance(buffer, SymbolicTensor):
            n = buffer.shape[0]
            if not 0 <= int(index) < n:
                raise IndexError(f"TensorArray.write: index {int(index)} out of range for a "
                                 f"TensorArray of size {n} (use dynamic_size=True to grow)")
        updated = _index.tensor_scatter_nd_update(buffer, _shape.reshape(index, [1, 1]),
                                                  _shape.expand_dims(value, 0))
        return self._with(updated)

    def read(self, index, name=None):
        """Element ``index``."""
        return _index.gather(self._stacked(), _m.cast(convert_to_tensor(index), "int32"))

    def gather(self, indices, name=None):
        """The elements at ``indices``, stacked."""
        return _index.gather(self._stacked(), _m.cast(convert_to_tensor(indices), "int32"))

    def stack(self, name=None):
        """All elements stacked along a new first axis."""
        return self._stacked()

    def concat(self, name=None):
        """All elements concatenated along their first axis."""
        stacked = self._stacked()
        rest = _shape.shape(stacked)[2:]
        return _shape.reshape(stacked, _shape.concat([[-1], rest], 0))

    def unstack(self, value, name=None):
        """A TensorArray holding the slices of ``value`` along its first axis."""
        value = convert_to_tensor(value, dtype=self._dtype)
        return self._with(value)

    def scatter(self, indices, value, name=None):
        """A TensorArray with ``value[k]`` written at ``indices[k]``."""
        value = convert_to_tensor(value, dtype=self._dtype)
        buffer = self._buffer if self._buffer is not None else self._zeros(
            self._size, value.shape[1:])
        indices = _shape.reshape(_m.cast(convert_to_tensor(indices), "int32"), [-1, 1])
        return self._with(_index.tensor_scatter_nd_update(buffer, indices, value))

    def split(self, value, lengths, name=None):
        """Not-equal-length elements are not supported: ``lengths`` must all be equal."""
        value = convert_to_tensor(value, dtype=self._dtype)
        lengths = [int(n) for n in convert_to_tensor(lengths).numpy()]
        if len(set(lengths)) > 1:
            raise ValueError("TensorArray.split: elements of different lengths are not "
                             "supported (neuroflow's TensorArray stacks equal-shaped elements)")
        n = len(lengths)
        return self._with(_shape.reshape(value, [n, lengths[0] if n else 0]
                                         + list(value.shape[1:])))

    def identity(self, name=None):
        """This TensorArray."""
        return self

    def close(self, name=None):
        """Accepted for TF compatibility."""

    def mark_used(self):
        """Accepted for TF compatibility."""

    def _stacked(self):
        if self._buffer is not None:
            return self._buffer
        if self._element_shape is not None and self._element_shape.is_fully_defined():
            return self._zeros(self._size, self._element_shape)
        return _c.zeros([0], self._dtype)

    def __repr__(self):
        return (f"<nf.TensorArray dtype={self._dtype.name} element_shape={self.element_shape} "
                f"dynamic_size={self._dynamic_size}>")


def _grown(buffer, index):
    """``buffer`` padded with zero rows so that row ``index`` exists."""
    n = _shape.shape(buffer)[0]
    missing = _m.maximum(index + 1 - n, 0)
    dims = _shape.concat([_shape.reshape(missing, [1]), _shape.shape(buffer)[1:]], 0)
    return _shape.concat([buffer, _c.zeros(dims, buffer.dtype)], 0)
