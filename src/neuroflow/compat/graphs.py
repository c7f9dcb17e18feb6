"""TF1 graph objects: the default graph, placeholders, variables, operations, initializers.

``placeholder`` returns a symbolic tensor of the default graph; every op that touches one (or a
TF1 ``Variable``) adds a node to that graph instead of computing. TF1 variables hold their value
for sessions: reading one needs ``global_variables_initializer()`` run first, as in TF1.
"""

import contextlib
import math as _math

import numpy as np

from ..backend import random as _random
from ..backend.dtypes import FROM_NP, as_dtype
from ..core import nest, registry
from ..core import variable as _variable
from ..core.convert import to_array
from ..core.registry import Op
from ..core.shape import TensorShape
from ..core.tensor import OperatorNotAllowedInGraphError, Tensor
from ..graph import ir as _ir
from ..graph.symbolic import SymbolicTensor

_sessions = []   # the default sessions (``with tf.Session():``), innermost last


def _active_session():
    if not _sessions:
        raise ValueError("No default session is registered: use `with tf.Session() as sess:` "
                         "or pass session=")
    return _sessions[-1]


# -- graphs -----------------------------------------------------------------------------------
class Graph(_ir.Graph):
    """A TF1 graph: placeholders, variables and the ops built on them.

    Example:
        >>> g = tf.Graph()
        >>> with g.as_default():
        ...     x = tf.placeholder(tf.float32, [None, 3])
    """

    def __init__(self, name="graph"):
        super().__init__(name)
        self.collections = {"variables": [], "trainable_variables": []}
        self.seed = None

    @contextlib.contextmanager
    def as_default(self):
        """Makes this the graph that ``placeholder`` and ``Variable`` add to."""
        _stack.append(self)
        try:
            yield self
        finally:
            _stack.remove(self)

    def get_tensor_by_name(self, name):
        """The tensor called ``name`` (``'z:0'``)."""
        node_name, _, index = name.partition(":")
        for node in self.nodes:
            if node.name == node_name:
                return node.outputs[int(index or 0)]
        raise KeyError(f"The name {name!r} refers to a tensor which does not exist")

    def get_collection(self, key):
        """The list stored under ``key`` (``'variables'``, ``'trainable_variables'``)."""
        return list(self.collections.get(key, []))

    def finalize(self):
        """Accepted for compatibility."""


_default = [Graph("default")]
_stack = []


def get_default_graph():
    """The graph new placeholders and variables go to."""
    return _stack[-1] if _stack else _default[0]


def reset_default_graph():
    """Starts a fresh default graph."""
    _default[0] = Graph("default")


# -- placeholders and variables ---------------------------------------------------------------
def placeholder(dtype, shape=None, name=None):
    """A graph input to be fed in ``Session.run(..., feed_dict={placeholder: value})``.

    Args:
        dtype: element type.
        shape: list of dims (None for unknown ones). ``None`` (unknown rank) is taken as a
            scalar, the lecture's use; give the shape to feed arrays.
        name: node name.
    """
    graph = get_default_graph()
    unknown_rank = shape is None
    sym = graph.placeholder(() if unknown_rank else TensorShape(shape), as_dtype(dtype),
                            name or "Placeholder")
    sym._node.attrs = {"unknown_rank": unknown_rank}
    return sym


def _symbolic_value(self):
    raise OperatorNotAllowedInGraphError(
        f"TF1 variable {self._name!r} has a value only inside a session: use "
        "sess.run(variable) (after running tf.global_variables_initializer())")


def _store(self, array):
    self._array = array
    self._owned = False


class Variable(_variable.Variable):
    """A TF1 variable: a graph node whose value lives in sessions; ops on it build graph nodes.

    It must be initialized (``global_variables_initializer``) in a session before use, and
    ``assign`` returns a tensor that performs the assignment when run.

    Example:
        >>> w = tf.Variable(2.0, name='weight')
    """

    __slots__ = ("_array", "_graph", "_initial")
    _STORAGE = "_array"
    _value = property(_symbolic_value, _store)
    numpy, _scalar, __array__ = Tensor.numpy, Tensor._scalar, Tensor.__array__  # no value

    def __init__(self, initial_value=None, trainable=True, name=None, dtype=None, **kwargs):
        if isinstance(initial_value, Variable):
            initial_value = initial_value._initial
        elif isinstance(initial_value, SymbolicTensor):
            initial_value = initial_value._graph.evaluate_constant(initial_value)
        super().__init__(initial_value, trainable=trainable, name=name, dtype=dtype, **kwargs)
        self._initial = self._array
        self._graph = get_default_graph()
        self._graph.collections["variables"].append(self)
        if self.trainable:
            self._graph.collections["trainable_variables"].append(self)

    @property
    def dtype(self):
        """The element type."""
        return FROM_NP[self._array.dtype]

    @property
    def ndim(self):
        """The rank."""
        return len(self._shape)

    @property
    def device(self):
        """Where the session keeps it."""
        return ""

    @property
    def graph(self):
        """The graph the variable belongs to."""
        return self._graph

    @property
    def initial_value(self):
        """The value the initializer sets."""
        return Tensor(self._initial)

    @property
    def initializer(self):
        """An operation that (re)sets the variable to its initial value."""
        return variables_initializer([self])

    def _update(self, value, kind):
        if registry._tracers:
            return super()._update(value, kind)
        return self._graph.assign(self, value, kind)

    def value(self):
        """A graph tensor reading the variable."""
        return self._graph.read_variable(self)

    read_value = value

    def eval(self, session=None):
        """The value in ``session`` (default: the active one)."""
        return (session or _active_session()).run(self)

    def load(self, value, session=None):
        """Sets the value now (TF1's ``Variable.load``)."""
        self._array = to_array(value, self.dtype)
        (session or _active_session())._initialized.add(id(self))

    def __repr__(self):
        return f"<tf.Variable '{self.name}' shape={tuple(self.shape)} dtype={self.dtype.name}_ref>"

    __str__ = __repr__

    def __deepcopy__(self, memo):
        return self

    def __hash__(self):
        return id(self)


def _glorot_uniform(shape, dtype):
    fan_in, fan_out = (shape[-2], shape[-1]) if len(shape) >= 2 else (shape[0] if shape else 1,) * 2
    if len(shape) > 2:
        field = int(np.prod(shape[:-2]))
        fan_in, fan_out = fan_in * field, fan_out * field
    limit = _math.sqrt(6.0 / max(1, fan_in + fan_out))
    return _random.generator().uniform(-limit, limit, size=shape).astype(as_dtype(dtype)._np)


def get_variable(name, shape=None, dtype="float32", initializer=None, trainable=True, **kwargs):
    """Creates (or, with the same name, returns) a variable; default initializer glorot_uniform.

    Args:
        name: unique name in the default graph.
        shape: list of ints.
        initializer: a callable ``(shape, dtype) -> value``, a tensor, or a Python value.
    """
    graph = get_default_graph()
    for var in graph.collections["variables"]:
        if var._name == name:
            if shape is not None and tuple(var.shape) != tuple(shape):
                raise ValueError(f"Variable {name} already exists with shape {var.shape}")
            return var
    if initializer is None:
        value = _glorot_uniform(tuple(shape), dtype)
    elif callable(initializer):
        value = initializer(tuple(shape), dtype=as_dtype(dtype)) if shape is not None \
            else initializer()
    else:
        value = initializer
    return Variable(value, trainable=trainable, name=name, dtype=dtype)


def global_variables():
    """The default graph's TF1 variables."""
    return get_default_graph().get_collection("variables")


def trainable_variables():
    """The default graph's trainable TF1 variables."""
    return get_default_graph().get_collection("trainable_variables")


class Operation:
    """Something ``Session.run`` executes for its effect (fetching it gives None)."""

    def __init__(self, name, tensor=None, variables=()):
        self.name, self.tensor, self.variables = name, tensor, list(variables)

    def run(self, feed_dict=None, session=None):
        """Runs it in ``session`` (default: the active one)."""
        (session or _active_session()).run(self, feed_dict)

    def __repr__(self):
        return f"<tf.Operation '{self.name}'>"


def variables_initializer(var_list, name="init"):
    """An operation that sets each variable of ``var_list`` to its initial value."""
    return Operation(name, variables=var_list)


def global_variables_initializer():
    """An operation that initializes all variables of the default graph."""
    return variables_initializer(global_variables())


initialize_all_variables = global_variables_initializer


_GROUP = Op("group", lambda xp, *arrays: np.True_, shape=lambda *s: TensorShape(()),
            dtype=lambda *d: as_dtype("bool"))


def group(*inputs, name="group"):
    """An operation that runs all of ``inputs`` (tensors or operations)."""
    tensors, variables = [], []
    for x in nest.flatten(list(inputs)):
        if isinstance(x, Operation):
            variables += x.variables
            if x.tensor is not None:
                tensors.append(x.tensor)
        elif isinstance(x, SymbolicTensor):
            tensors.append(x)
    if not tensors:
        return Operation(name, None, variables)
    graph = tensors[0]._graph
    return Operation(name, graph.bind(_GROUP, tuple(tensors), {}), variables)


def no_op(name="NoOp"):
    """An operation that does nothing."""
    return Operation(name)


def assign(ref, value, name=None):
    """``ref.assign(value)``: in a graph, a tensor whose evaluation performs the assignment."""
    return ref.assign(value)


def assign_add(ref, value, name=None):
    """``ref.assign_add(value)``."""
    return ref.assign_add(value)


def assign_sub(ref, value, name=None):
    """``ref.assign_sub(value)``."""
    return ref.assign_sub(value)


def gradients(ys, xs, grad_ys=None, name="gradients", **unused):
    """Symbolic gradients of ``sum(ys)`` with respect to each of ``xs``, as a list."""
    flat = [y for y in nest.flatten(ys) if isinstance(y, SymbolicTensor)]
    graph = flat[0]._graph if flat else get_default_graph()
    xs_list = list(xs) if isinstance(xs, (list, tuple)) else [xs]
    return list(graph.gradients(ys, xs_list, grad_ys))


def disable_eager_execution():
    """Accepted and ignored: neuroflow runs TF1 graphs and TF2 code side by side."""


enable_eager_execution = disable_v2_behavior = disable_eager_execution
