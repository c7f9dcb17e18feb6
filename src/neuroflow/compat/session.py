"""TF1 ``Session``: runs the part of a graph that the fetches need, with the fed values.

Each distinct (fetches, feeds) pair is pruned, optimized by the same passes as ``nf.function``
and compiled to straight-line code once, then cached.
"""

import numpy as np

from ..backend.errors import FailedPreconditionError, InvalidArgumentError
from ..core import nest
from ..core.convert import to_array
from ..core.tensor import Tensor
from ..graph import ir as _ir
from ..graph import symbolic as _symbolic
from ..graph.execute import Compiled
from ..graph.passes import Program, optimize
from ..graph.symbolic import SymbolicTensor
from .graphs import Operation, Variable, _active_session, _sessions, get_default_graph


class Session:
    """Runs parts of a graph: ``sess.run(fetches, feed_dict={placeholder: value})``.

    Example:
        >>> with tf.Session() as sess:
        ...     sess.run(init)
        ...     sess.run(z, feed_dict={x: 1.0})
    """

    def __init__(self, target="", graph=None, config=None):
        self.graph = graph or get_default_graph()
        self._programs = {}
        self._initialized = set()
        self._closed = False

    def __enter__(self):
        _sessions.append(self)
        return self

    def __exit__(self, *exc):
        if self in _sessions:
            _sessions.remove(self)
        self.close()

    def close(self):
        """Frees the compiled programs; the session cannot run afterwards."""
        self._closed = True
        self._programs.clear()

    def as_default(self):
        """Context manager making this the session of ``Tensor.eval`` / ``Operation.run``."""
        return _SessionScope(self)

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """Evaluates ``fetches`` (a tensor, operation, variable or nested list/tuple/dict of
        them) with ``feed_dict`` values for placeholders; returns NumPy values shaped like
        ``fetches`` (None for operations)."""
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        flat = [self._fetch(f) for f in nest.flatten(fetches)]
        feeds = self._feeds(feed_dict or {})
        symbols = []
        for f in flat:
            if isinstance(f, Operation):
                for var in f.variables:
                    var._array = var._initial.copy() if hasattr(var._initial, "copy") \
                        else var._initial
                    self._initialized.add(id(var))
                if f.tensor is not None:
                    symbols.append(f.tensor)
            elif isinstance(f, SymbolicTensor):
                symbols.append(f)
        values = self._execute(symbols, feeds) if symbols else {}
        results = []
        for f in flat:
            if isinstance(f, Operation):
                results.append(None)
            elif isinstance(f, SymbolicTensor):
                results.append(_to_numpy(values[id(f)]))
            else:
                results.append(f.numpy())
        return nest.pack_sequence_as(fetches, results)

    def _fetch(self, f):
        """A fetch as an Operation, a graph tensor or an eager tensor."""
        if isinstance(f, str):
            return self.graph.get_tensor_by_name(f if ":" in f else f + ":0")
        if isinstance(f, Variable):
            reads = f._graph.__dict__.setdefault("_fetch_reads", {})
            if id(f) not in reads:
                reads[id(f)] = f._graph.read_variable(f)
            return reads[id(f)]
        if isinstance(f, (Operation, Tensor)):
            return f
        raise TypeError(f"Fetch argument {f!r} has invalid type {type(f).__name__}; must be a "
                        "tensor, variable or operation")

    def _feeds(self, feed_dict):
        feeds = {}
        for key, value in feed_dict.items():
            if isinstance(key, str):
                key = self.graph.get_tensor_by_name(key if ":" in key else key + ":0")
            if not isinstance(key, SymbolicTensor):
                raise TypeError(f"Cannot interpret feed_dict key {key!r} as a graph tensor")
            if isinstance(value, Tensor):
                value = value.numpy()
            try:
                array = np.asarray(to_array(value, key.dtype))
            except TypeError as error:
                raise TypeError(f"Cannot feed value {value!r} to tensor {key.name!r} of dtype "
                                f"{key.dtype.name}: {error}") from None
            if key._node.attrs.get("unknown_rank") and array.ndim:
                raise ValueError(f"Cannot feed value of shape {array.shape} for Tensor "
                                 f"{key.name!r}, created with shape=None: neuroflow takes "
                                 "that as a scalar; give the placeholder its shape "
                                 "(e.g. shape=[None])")
            if not key.shape.is_compatible_with(array.shape):
                raise ValueError(f"Cannot feed value of shape {array.shape} for Tensor "
                                 f"{key.name!r}, which has shape {tuple(key.shape)}")
            feeds[id(key)] = (key, array)
        return feeds

    def _execute(self, symbols, feeds):
        cache_key = (tuple(id(s) for s in symbols), tuple(sorted(feeds)))
        entry = self._programs.get(cache_key)
        if entry is None:
            entry = self._programs[cache_key] = self._compile(symbols, feeds)
        compiled, inputs, variables = entry
        self._check_initialized(variables)
        outs = compiled.run(np, [feeds[id(t)][1] for t in inputs])
        return {id(s): v for s, v in zip(symbols, outs)}

    def _compile(self, symbols, feeds):
        graph = symbols[0]._graph
        fed = set(feeds)
        needed = {id(s._node) for s in symbols if id(s) not in fed}
        for node in reversed(graph.nodes):
            if id(node) in needed:
                needed.update(id(t._node) for t in node.inputs if id(t) not in fed)
        nodes = [n for n in graph.nodes if id(n) in needed]
        for node in nodes:
            if node.op is _ir.PLACEHOLDER and id(node.outputs[0]) not in fed:
                t = node.outputs[0]
                raise InvalidArgumentError(
                    f"You must feed a value for placeholder tensor {node.name!r} with dtype "
                    f"{t.dtype.name} and shape {tuple(t.shape)}")
        inputs = [feeds[i][0] for i in sorted(fed) if feeds[i][0]._graph is graph]
        stubs = []
        for t in inputs:  # a fed tensor is an input, whatever node computes it otherwise
            stub = _ir.Node(_ir.PLACEHOLDER, (), {}, t._node.name)
            stub.outputs = (t,)
            stubs.append(stub)
        program = Program(stubs + nodes, inputs, symbols)
        program = optimize(program, keep_side_effects=False)
        variables = [n.var for n in program.nodes if n.var is not None]
        return Compiled(program.nodes, program.inputs, program.outputs, graph.name), \
            inputs, variables

    def _check_initialized(self, variables):
        for var in variables:
            if isinstance(var, Variable) and id(var) not in self._initialized:
                raise FailedPreconditionError(
                    f"Attempting to use uninitialized value {var._name}: run "
                    "tf.global_variables_initializer() in this session first")


def _to_numpy(value):
    array = np.asarray(value)
    return array[()] if array.ndim == 0 else array


def _eval(tensor, feed_dict=None, session=None):
    return (session or _active_session()).run(tensor, feed_dict)


_symbolic.session_evaluator.append(_eval)


class _SessionScope:
    def __init__(self, session):
        self.session = session

    def __enter__(self):
        _sessions.append(self.session)
        return self.session

    def __exit__(self, *exc):
        _sessions.remove(self.session)


class InteractiveSession(Session):
    """A session that makes itself the default on creation (for notebooks)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _sessions.append(self)
