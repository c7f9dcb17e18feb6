"""The functional API's symbolic side: ``KerasTensor``, the ``Node`` a layer call records, masks.

Calling a layer on KerasTensors records a ``Node`` (the layer, its arguments, its outputs) and
returns new KerasTensors whose ``_keras_history`` points back at it; a functional model walks
these nodes from its outputs back to its inputs.
"""

import collections
import weakref

from ...backend.dtypes import as_dtype
from ...core import nest
from ...core.shape import TensorShape
from ...core.tensor import Tensor
from .. import backend

__all__ = ["KerasTensor"]

KerasHistory = collections.namedtuple("KerasHistory", ["operation", "node_index", "tensor_index"])


class KerasTensor:
    """A symbolic tensor: a shape (``None`` for unknown dims) and a dtype, no value.

    ``nf.keras.Input`` returns one; calling layers on it builds a functional model's graph.

    Example:
        >>> x = nf.keras.Input(shape=(784,))
        >>> x.shape
        (None, 784)
    """

    def __init__(self, shape, dtype="float32", sparse=False, name=None):
        self._shape = TensorShape(shape)
        self._dtype = as_dtype(dtype)
        self.sparse = sparse
        self.name = name or backend.unique_name("keras_tensor")
        self._keras_history = None
        self._keras_mask = None

    @property
    def shape(self):
        """Static shape as a tuple, as Keras 3 gives it (the batch dim is usually None)."""
        return tuple(self._shape)

    @property
    def dtype(self):
        """Element type name, e.g. ``'float32'`` (as Keras 3 reports it)."""
        return self._dtype.name

    @property
    def ndim(self):
        """Rank."""
        return len(self._shape)

    def ref(self):
        """A hashable reference (KerasTensors already hash by identity)."""
        return self

    def __repr__(self):
        return (f"<KerasTensor shape={tuple(self._shape)}, dtype={self.dtype}, "
                f"sparse={self.sparse}, ragged=False, name={self.name}>")

    def __bool__(self):
        raise TypeError("A symbolic KerasTensor cannot be used as a Python bool")

    def __array__(self, *args, **kwargs):
        raise TypeError("A symbolic KerasTensor has no value. It is only a placeholder in a "
                        "functional model; build a model with nf.keras.Model(inputs, outputs) "
                        "and call it on data.")


class Node:
    """One call of a layer in a functional graph: its arguments and its output KerasTensors."""

    def __init__(self, operation, call_args, call_kwargs, outputs):
        self.operation = operation
        self.arguments = (tuple(call_args), dict(call_kwargs))
        self.outputs = outputs
        self.input_tensors = [t for t in nest.flatten(self.arguments) if is_symbolic(t)]
        self.output_tensors = [t for t in nest.flatten(outputs) if is_symbolic(t)]
        node_index = len(operation._inbound_nodes)
        operation._inbound_nodes.append(self)
        for parent in self.parent_nodes:
            parent.operation._outbound_nodes.append(self)
        for i, t in enumerate(self.output_tensors):
            t._keras_history = KerasHistory(operation, node_index, i)

    @property
    def parent_nodes(self):
        """Nodes that produced this node's inputs."""
        nodes = []
        for t in self.input_tensors:
            if t._keras_history is None:
                continue
            layer, index, _ = t._keras_history
            node = layer._inbound_nodes[index]
            if node not in nodes:
                nodes.append(node)
        return nodes

    @property
    def is_input(self):
        """True for the node of an InputLayer (it has no inputs)."""
        return not self.input_tensors

    def __repr__(self):
        return f"<Node of {self.operation.name!r}>"


def is_symbolic(x):
    """True for KerasTensors."""
    return isinstance(x, KerasTensor)


def any_symbolic(structure):
    """True when a nested structure holds a KerasTensor."""
    return any(is_symbolic(x) for x in nest.flatten(structure))


# -- masks: Keras keeps them on tensors as ``_keras_mask``; Tensor has __slots__ ------------------
_MASKS = {}


def set_mask(tensor, mask):
    """Attaches a boolean mask (or None) to an output tensor."""
    if isinstance(tensor, KerasTensor):
        tensor._keras_mask = mask
        return
    if not isinstance(tensor, Tensor):
        return
    key = id(tensor)
    if mask is None:
        _MASKS.pop(key, None)
        if hasattr(tensor, "_keras_mask"):
            del tensor._keras_mask
        return
    try:
        tensor._keras_mask = mask       # Keras's attribute, read by user code
    except AttributeError:              # a Tensor subclass without the slot
        pass
    _MASKS[key] = (weakref.ref(tensor, lambda _, key=key: _MASKS.pop(key, None)), mask)


def get_mask(tensor):
    """The mask attached to ``tensor``, or None."""
    if isinstance(tensor, KerasTensor):
        return tensor._keras_mask
    entry = _MASKS.get(id(tensor)) if isinstance(tensor, Tensor) else None
    if entry is None or entry[0]() is not tensor:
        return None
    return entry[1]
