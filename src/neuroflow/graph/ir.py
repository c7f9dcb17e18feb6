"""The graph IR: ``Graph``, the dataflow graph of ``Node``s that is also the tracer.

While a graph is on ``registry._tracers``, every ``bind`` lands in ``Graph.bind``: inputs are
captured (eager tensors become ``const`` nodes, variables ``read_variable`` nodes that read the
variable *at run time*, tensors of an enclosing graph become placeholders of this one), the op's
shape and dtype rules give the output's static type, and a ``Node`` is appended. The node list is
in program order, which is a topological order that also orders reads and assigns of variables.
"""

import contextlib

import numpy as np

from ..backend.errors import InvalidArgumentError
from ..core import nest, registry
from ..core.convert import convert_to_tensor
from ..core.registry import READ, bind
from ..core.shape import TensorShape
from ..core.tape import GradientTape
from ..core.tensor import Tensor
from .draw import to_dot
from .nodes import ASSIGN, CONST, PLACEHOLDER, SPECIAL, Node, storage
from .passes import Program, op_count_table, optimize
from .symbolic import SymbolicTensor


class Graph:
    """A dataflow graph: nodes are operations, edges are tensors (the lecture's picture).

    Built by tracing (``nf.function``, ``nf.cond`` branches, TF1 programs). ``nodes`` are in
    program order; ``inputs`` are the placeholders, ``outputs`` the fetched tensors.

    Args:
        name: a label for drawings and messages.
        parent: the enclosing graph of a control-flow branch; tensors and variables from it are
            captured as placeholders of this graph (listed in ``captures``).
    """

    def __init__(self, name="graph", parent=None):
        self.name = name
        self.parent = parent
        self.nodes = []
        self.inputs = []
        self.outputs = []
        self.captures = []        # (outer tensor or variable, inner placeholder)
        self._captured = {}       # id(outer) -> inner placeholder
        self._consts = {}         # id(eager tensor) -> (tensor, const symbol)
        self._counts = {}         # node name -> uses, for unique TF-style names
        self._assigned = set()    # ids of variables assigned in this graph
        self.closed = False       # set when tracing ends: later use means a leaked tensor
        self.allow_new_variables = True
        self.created_variables = []

    # -- building ----------------------------------------------------------------------------
    def _unique(self, name):
        n = self._counts.get(name, 0)
        self._counts[name] = n + 1
        return name if n == 0 else f"{name}_{n}"

    def add_node(self, op, inputs, attrs, shapes, dtypes, name=None, var=None, value=None):
        """Appends a node with outputs of the given static shapes and dtypes; returns it."""
        node = Node(op, inputs, attrs, self._unique(name or op.name), var, value)
        node.outputs = tuple(SymbolicTensor(self, node, i, s, d)
                             for i, (s, d) in enumerate(zip(shapes, dtypes)))
        self.nodes.append(node)
        return node

    def placeholder(self, shape, dtype, name=None):
        """A new graph input of ``shape`` (dims may be None) and ``dtype``."""
        node = self.add_node(PLACEHOLDER, (), {}, [TensorShape(shape)], [dtype],
                             name or "placeholder")
        self.inputs.append(node.outputs[0])
        return node.outputs[0]

    def constant(self, tensor):
        """The const node holding eager ``tensor``'s value (one per tensor)."""
        hit = self._consts.get(id(tensor))
        if hit is not None:
            return hit[1]
        value = tensor._value
        node = self.add_node(CONST, (), {}, [value.shape], [tensor.dtype], "Const", value=value)
        self._consts[id(tensor)] = (tensor, node.outputs[0])
        return node.outputs[0]

    def read_variable(self, var):
        """A symbolic read of ``var``: its value when the graph runs, not when traced."""
        self._check_open()
        if self.parent is not None and id(var) not in self._assigned:
            return self._capture_outer(var)
        node = self.add_node(READ, (), {}, [var.shape], [var.dtype], _var_name(var) + "/read",
                             var=var)
        return node.outputs[0]

    def _capture_outer(self, outer):
        inner = self._captured.get(id(outer))
        if inner is None:
            inner = self.placeholder(outer.shape, outer.dtype, "capture")
            self.inputs.pop()
            self._captured[id(outer)] = inner
            self.captures.append((outer, inner))
        return inner

    def capture(self, t):
        """``t`` as a tensor of this graph (see the class docstring)."""
        if isinstance(t, SymbolicTensor):
            if t._graph is self:
                return t
            graph = self.parent
            while graph is not None and graph is not t._graph:
                graph = graph.parent
            if graph is None:
                raise _foreign(t, self)
            return self._capture_outer(t)
        if t._is_variable:
            return self.read_variable(t)
        return self.constant(t)

    def _check_open(self):
        if self.closed:
            raise InvalidArgumentError(
                f"Graph {self.name!r} is finished: a symbolic tensor escaped from the trace that "
                "created it (e.g. it was stored in a Python list, attribute or global while "
                "nf.function traced). Return tensors from the function instead.")

    # -- the tracer interface (called by registry.bind and Variable) -----------------------
    def bind(self, op, inputs, attrs):
        """Adds ``op(inputs, **attrs)`` as a node; returns its symbolic output(s)."""
        self._check_open()
        ins = tuple(self.capture(t) for t in inputs)
        shapes, dtypes = infer(op, ins, attrs)
        node = self.add_node(op, ins, attrs, shapes, dtypes)
        result = node.outputs[0] if op.n_out == 1 else node.outputs
        if registry._tapes:
            self._record(op, inputs, ins, attrs, result)
        return result

    def _record(self, op, inputs, ins, attrs, result):
        tapes = [tape for tape in registry._tapes if tape._recording]
        if not tapes:
            return
        for t, sym in zip(inputs, ins):
            if t is sym:
                continue
            if t._is_variable:
                registry._read(t, tapes, sym)
                continue
            for tape in tapes:  # an eager tensor watched outside, captured as a constant
                if id(t) in tape._watched:
                    tape._entries.append((READ, (t,), {}, (sym,)))
                    tape._watched[id(sym)] = sym
        registry.record(op, ins, attrs, result)

    def assign(self, var, value, kind):
        """Adds an ``assign_variable`` node (``kind``: assign, assign_add, assign_sub)."""
        self._check_open()
        if not isinstance(value, Tensor):
            value = convert_to_tensor(value, dtype=var.dtype)
        if value.dtype != var.dtype:
            raise TypeError(f"{kind}: variable {var._name!r} has dtype {var.dtype.name}, got a "
                            f"value of dtype {value.dtype.name}")
        if not var.shape.is_compatible_with(value.shape):
            raise ValueError(f"{kind}: variable {var._name!r} has shape {var.shape}, got a "
                             f"value of shape {value.shape}")
        sym = self.capture(value)
        self._assigned.add(id(var))
        node = self.add_node(ASSIGN, (sym,), {"kind": kind}, [var.shape], [var.dtype],
                             _var_name(var) + "/" + kind, var=var)
        return var if registry._tracers else node.outputs[0]

    def lift_variable_value(self, initial_value, name=None):
        """Computes a variable's initial value eagerly when it is created during a trace."""
        if not self.allow_new_variables:
            raise ValueError(
                f"nf.function only supports creating variables on the first trace: variable "
                f"{name or 'Variable'!r} is being created again on a retrace. Create it once, "
                "outside the function or guarded by `if self.v is None:` on the first call.")
        self.created_variables.append(name)
        if callable(initial_value):
            with init_scope():
                return initial_value()
        if isinstance(initial_value, SymbolicTensor):
            return self.evaluate_constant(initial_value)
        return initial_value

    def evaluate_constant(self, sym):
        """The value of ``sym`` when it depends on no placeholder (a Tensor); else ValueError."""
        needed = ancestors(self.nodes, [sym])
        if any(n.op is PLACEHOLDER for n in needed):
            raise ValueError(f"{sym.name} depends on a function input, so it has no value "
                             "while tracing (e.g. a variable's initial value)")
        values = {}
        for node in needed:
            run_node(node, values)
        return Tensor(values[id(sym)])

    def gradients(self, ys, xs, grad_ys=None):
        """Symbolic d(sum of ys)/d(xs) added to this graph (TF1's ``tf.gradients``).

        ``xs`` may be tensors of this graph or variables (through all their reads). The
        graph's nodes are replayed onto a tape, so the gradient rules are the tape's.
        """
        flat_ys = [self.capture(y) for y in nest.flatten(ys)]
        tape = GradientTape(persistent=True)
        for node in ancestors(self.nodes, flat_ys):
            if node.op is READ and node.var is not None:
                tape._entries.append((READ, (node.var,), {}, node.outputs))
            elif node.op not in SPECIAL or node.op is READ:
                tape._entries.append((node.op, node.inputs, node.attrs, node.outputs))
        for x in nest.flatten(xs):
            tape._watched[id(x)] = x
        return tape.gradient(flat_ys, xs, output_gradients=grad_ys)

    # -- looking at it --------------------------------------------------------------------
    @property
    def edges(self):
        """``(from node, to node, tensor)`` for every data dependency."""
        return [(t._node, node, t) for node in self.nodes for t in node.inputs]

    def get_operations(self):
        """The nodes, in program order (TF's name)."""
        return list(self.nodes)

    def op_counts(self):
        """``{op name: count}`` over the nodes."""
        counts = {}
        for node in self.nodes:
            counts[node.op.name] = counts.get(node.op.name, 0) + 1
        return counts

    def summary(self, print_fn=print):
        """Prints the op counts of this graph before and after the optimization passes."""
        before = Program(self.nodes, self.inputs, self.outputs)
        after = optimize(before)
        counts_before, counts_after = before.op_counts(), after.op_counts()
        title = (f"Graph {self.name!r}: {sum(counts_before.values())} ops, "
                 f"{sum(counts_after.values())} after optimization")
        text = op_count_table(title, ("before", "after"), counts_before, counts_after)
        if print_fn is not None:
            print_fn(text)
        return text

    def to_dot(self, **options):
        """The graph in Graphviz's DOT language (see ``nf.draw_graph``)."""
        return to_dot(self, **options)

    def __repr__(self):
        return f"<nf.Graph {self.name!r}: {len(self.nodes)} nodes>"


def _var_name(var):
    return getattr(var, "_name", "Variable")


def _foreign(t, graph):
    if t._graph.closed:
        return InvalidArgumentError(
            f"The symbolic tensor {t.name!r} escaped from a finished trace (graph "
            f"{t._graph.name!r}); it has no value here. Return it from the nf.function that "
            "computes it instead of storing it.")
    return InvalidArgumentError(f"The tensor {t.name!r} belongs to graph {t._graph.name!r}, "
                                f"not to {graph.name!r}; tensors of two graphs cannot be mixed")


def infer(op, ins, attrs):
    """Output shapes and dtypes of ``op`` on symbolic ``ins`` (from its shape and dtype rules)."""
    in_shapes = [t._shape for t in ins]
    in_dtypes = [t._dtype for t in ins]
    if any(s.rank is None for s in in_shapes):   # an input of unknown rank: so are outputs
        shapes = [TensorShape(None)] * op.n_out
    elif op.shape is not None:
        try:
            shapes = op.shape(*in_shapes, **attrs)
        except TypeError:
            if all(s.is_fully_defined() for s in in_shapes):
                raise
            # A rule that cannot handle unknown dims: the rank from running the kernel.
            shapes = _probe_shapes(op, in_shapes, in_dtypes, attrs)
        except (ValueError, IndexError) as error:
            message = str(error)
            if not message.startswith(op.name + ":"):
                message = f"{op.name}: {message} (input shapes {[tuple(s) for s in in_shapes]})"
            raise InvalidArgumentError(message) from None
        if not isinstance(shapes, list):
            shapes = [TensorShape(shapes)] if op.n_out == 1 else [TensorShape(s) for s in shapes]
    else:
        shapes = _probe_shapes(op, in_shapes, in_dtypes, attrs)
    if op.dtype is not None:
        dtypes = op.dtype(*in_dtypes, **attrs)
        dtypes = list(dtypes) if isinstance(dtypes, (tuple, list)) else [dtypes] * op.n_out
    else:
        dtypes = [in_dtypes[0]] * op.n_out
    return shapes, dtypes


def _probe_shapes(op, shapes, dtypes, attrs):
    """Shapes from running the kernel on small arrays, for an op without a shape rule."""
    arrays = [np.ones([1 if d is None else d for d in s], d._np) for s, d in zip(shapes, dtypes)]
    out = op.forward(np, *arrays, **attrs)
    outs = [out] if op.n_out == 1 else list(out)
    known = all(TensorShape(s).is_fully_defined() for s in shapes)
    return [TensorShape(np.shape(o)) if known else TensorShape([None] * np.ndim(o))
            for o in outs]


def ancestors(nodes, tensors):
    """The nodes (in order) that ``tensors`` depend on."""
    needed = {id(t._node) for t in tensors}
    for node in reversed(nodes):
        if id(node) in needed:
            needed.update(id(t._node) for t in node.inputs)
    return [n for n in nodes if id(n) in needed]


def run_node(node, values):
    """Runs one node on the arrays in ``values`` (id(symbol) -> array): the reference executor."""
    op = node.op
    if op is CONST:
        outs = (node.value,)
    elif op is READ and node.var is not None:
        outs = (getattr(node.var, storage(node.var)),)
        node.var._owned = False   # the array may reach the caller: no in-place update of it
    elif op is PLACEHOLDER:
        raise InvalidArgumentError(f"placeholder {node.name!r} was not fed")
    elif op is ASSIGN:
        value = values[id(node.inputs[0])]
        var, kind, attr = node.var, node.attrs["kind"], storage(node.var)
        old = getattr(var, attr)
        new = value.copy() if kind == "assign" else old + value if kind == "assign_add" \
            else old - value
        setattr(var, attr, new)
        outs = (new,)
    else:
        arrays = [values[id(t)] for t in node.inputs]
        out = op.forward(np, *arrays, **node.attrs)
        outs = (out,) if op.n_out == 1 else tuple(out)
    for t, v in zip(node.outputs, outs):
        values[id(t)] = v


def replay(nodes, env):
    """Runs ``nodes`` op by op through ``bind`` (eager with tapes, or into an outer trace)."""
    for node in nodes:
        op = node.op
        if op is PLACEHOLDER:
            continue
        if op is CONST:
            values = (Tensor(node.value),)
        elif op is READ and node.var is not None:
            values = (bind(READ, (node.var,), {}),)
        elif op is ASSIGN:
            getattr(node.var, node.attrs["kind"])(env[id(node.inputs[0])])
            values = (node.var,)
        else:
            result = bind(op, tuple(env[id(t)] for t in node.inputs), node.attrs)
            values = (result,) if op.n_out == 1 else result
        for t, v in zip(node.outputs, values):
            env[id(t)] = v
    return env


@contextlib.contextmanager
def init_scope():
    """Runs its block eagerly, outside any trace and tape (as ``tf.init_scope``)."""
    tracers, tapes = registry._tracers[:], registry._tapes[:]
    registry._tracers.clear()
    registry._tapes.clear()
    try:
        yield
    finally:
        registry._tracers[:] = tracers
        registry._tapes[:] = tapes


@contextlib.contextmanager
def tracing(graph):
    """Makes ``graph`` the active tracer; tapes opened outside are hidden while it traces."""
    tapes = registry._tapes[:]
    registry._tapes.clear()
    registry._tracers.append(graph)
    try:
        yield graph
    finally:
        registry._tracers.pop()
        registry._tapes[:] = tapes
