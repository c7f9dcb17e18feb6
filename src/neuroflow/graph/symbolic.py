"""Symbolic tensors (the edges of a graph) and ``TensorSpec`` (what a function input looks like)."""

from ..backend.dtypes import as_dtype
from ..core.shape import TensorShape
from ..core.tensor import OperatorNotAllowedInGraphError, Tensor


def _no_value(self):
    raise OperatorNotAllowedInGraphError(
        f"Tensor {self.name!r} is symbolic: it is an edge of a graph being traced (inside "
        "nf.function, nf.cond or a TF1 graph) and has no value until the graph runs. Return it "
        "from the function, print it with nf.print, or branch on it with nf.cond / "
        "nf.while_loop instead of Python `if`/`while`.")


# Set by ``compat.v1``: evaluates a tensor in a session (TF1's ``Tensor.eval``).
session_evaluator = []


class SymbolicTensor(Tensor):
    """An output of a graph node: a shape (dims may be None) and a dtype, but no value.

    Ops on it add nodes to its graph instead of computing. ``.numpy()``, ``bool()`` and other
    uses of the value raise ``OperatorNotAllowedInGraphError``.
    """

    __slots__ = ("_dtype", "_graph", "_index", "_node", "_shape")
    _value = property(_no_value)

    def __init__(self, graph, node, index, shape, dtype):
        self._graph, self._node, self._index = graph, node, index
        self._shape, self._dtype = TensorShape(shape), as_dtype(dtype)

    @property
    def dtype(self):
        """The element type, a ``nf.DType``."""
        return self._dtype

    @property
    def shape(self):
        """The static shape; unknown dims are None."""
        return self._shape

    @property
    def ndim(self):
        """The rank (None when unknown)."""
        return self._shape.rank

    def set_shape(self, shape):
        """Refines the static shape with ``shape`` (e.g. after ``nf.py_function``, whose
        output shape is unknown); ValueError when they conflict."""
        try:
            self._shape = self._shape.merge_with(shape)
        except ValueError:
            raise ValueError(f"Tensor's shape {self._shape} is not compatible with supplied "
                             f"shape {TensorShape(shape)}.") from None

    @property
    def graph(self):
        """The ``Graph`` this tensor belongs to."""
        return self._graph

    @property
    def op(self):
        """The node producing this tensor."""
        return self._node

    @property
    def name(self):
        """TF-style name, ``'<node name>:<output index>'``."""
        return f"{self._node.name}:{self._index}"

    @property
    def device(self):
        """Symbolic tensors live in no device until run."""
        return ""

    def numpy(self):
        """Not available: raises, pointing to what to do instead."""
        raise OperatorNotAllowedInGraphError(
            f"Tensor.numpy() is not available on the symbolic tensor {self.name!r} (its value "
            "exists only when the graph runs). Return the tensor from the nf.function and call "
            ".numpy() on the result, or use nf.print to see it at every call.")

    def eval(self, feed_dict=None, session=None):
        """TF1: the value in ``session`` (default: the active ``tf.Session``)."""
        if not session_evaluator:
            raise OperatorNotAllowedInGraphError(
                f"{self.name!r} is symbolic; eval() needs a TF1 session (neuroflow.compat.v1)")
        return session_evaluator[-1](self, feed_dict, session)

    def __bool__(self):
        raise OperatorNotAllowedInGraphError(
            f"Using the symbolic tensor {self.name!r} as a Python bool is not allowed: a Python "
            "`if`/`while`/`and`/`or` on a traced tensor would be decided once, at trace time. "
            "Use nf.cond(pred, true_fn, false_fn) or nf.while_loop(cond, body, loop_vars).")

    def _scalar(self, kind):
        raise OperatorNotAllowedInGraphError(
            f"Converting the symbolic tensor {self.name!r} to a Python {kind} is not allowed "
            "inside a graph; keep it a tensor (e.g. nf.cast) or return it.")

    def __array__(self, dtype=None, copy=None):
        raise OperatorNotAllowedInGraphError(
            f"Cannot convert the symbolic tensor {self.name!r} to a NumPy array: it has no value "
            "while the graph is being built. Use neuroflow ops on it instead of NumPy.")

    def __len__(self):
        if not self._shape or self._shape[0] is None:
            raise TypeError(f"len() of the symbolic tensor {self.name!r} with shape "
                            f"{tuple(self._shape)} is not known while tracing")
        return self._shape[0]

    def __iter__(self):
        if not self._shape or self._shape[0] is None:
            raise OperatorNotAllowedInGraphError(
                f"Iterating over the symbolic tensor {self.name!r} of shape "
                f"{tuple(self._shape)} is not allowed: its length is not known while tracing. "
                "Inside nf.function, AutoGraph turns such a `for` loop into nf.while_loop.")
        n = len(self)
        return (self[i] for i in range(n))

    def __repr__(self):
        return (f"<nf.Tensor '{self.name}' shape={tuple(self._shape)} "
                f"dtype={self._dtype.name}>")

    __str__ = __repr__

    def __format__(self, spec):
        return repr(self)

    def __hash__(self):  # graph tensors are dict keys in TF1 (feed_dict); ids are unique
        return id(self)

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        raise TypeError(f"Cannot pickle the symbolic tensor {self.name!r}")


class TensorSpec:
    """Describes a tensor argument of ``nf.function``: shape (dims may be None), dtype, name.

    Args:
        shape: list of dims, None for unknown ones.
        dtype: element type (default float32).
        name: optional name of the placeholder.

    Example:
        >>> @nf.function(input_signature=[nf.TensorSpec([None, 784], nf.float32)])
        ... def f(x):
        ...     return x * 2
    """

    __slots__ = ("dtype", "name", "shape")

    def __init__(self, shape, dtype="float32", name=None):
        self.shape = TensorShape(shape)
        self.dtype = as_dtype(dtype)
        self.name = name

    @classmethod
    def from_tensor(cls, tensor, name=None):
        """The spec of ``tensor`` (its shape and dtype)."""
        return cls(tensor.shape, tensor.dtype, name)

    def is_compatible_with(self, other):
        """True when ``other`` (a tensor or spec) has this dtype and a shape that fits."""
        shape, dtype = TensorShape(other.shape), other.dtype
        return dtype == self.dtype and self.shape.is_compatible_with(shape)

    def __eq__(self, other):
        return (isinstance(other, TensorSpec) and self.shape == other.shape
                and self.dtype == other.dtype)

    def __hash__(self):
        return hash((tuple(self.shape), self.dtype))

    def __repr__(self):
        return (f"TensorSpec(shape={self.shape}, dtype=nf.{self.dtype.name}, "
                f"name={self.name!r})")
