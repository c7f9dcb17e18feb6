"""Graph control flow and printing: ``nf.cond``, ``nf.while_loop``, ``nf.print``.

On eager values they run as plain Python. On symbolic tensors each branch or loop body is traced
into a sub-``Graph`` whose reads of outer tensors and variables become its inputs (captures);
the whole construct is one op of the enclosing graph, with a gradient rule, so a tape sees it
like any other op.
"""

import sys

import numpy as np

from ..core import nest, registry
from ..core.convert import convert_to_tensor
from ..core.registry import Op, bind
from ..core.shape import TensorShape
from ..core.tape import GradientTape
from ..core.tensor import Tensor
from .execute import Compiled
from .ir import Graph, replay, tracing
from .passes import Program, optimize
from .symbolic import SymbolicTensor
from .tensor_array import TensorArray


class GraphOp(Op):
    """An op made for one control-flow construct (not registered by name)."""

    __slots__ = ("side_effect",)

    def __init__(self, *args, side_effect=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.side_effect = side_effect


# -- print ------------------------------------------------------------------------------------
def _format(array, summarize):
    array = np.asarray(array)
    if array.ndim == 0:
        return str(array.item())
    edge = 3 if summarize is None else summarize
    threshold = sys.maxsize if summarize == -1 else 2 * edge
    return np.array2string(array, separator=" ", threshold=threshold, edgeitems=max(edge, 1))


def _print_forward(xp, *arrays, parts, stream, sep, end, summarize):
    values = iter(arrays)
    text = sep.join(_format(next(values), summarize) if is_tensor else value
                    for is_tensor, value in parts)
    out = sys.stderr if stream == "stderr" else sys.stdout if stream == "stdout" else stream
    out.write(text + end)
    if hasattr(out, "flush"):
        out.flush()
    return ()


_PRINT = GraphOp("print", _print_forward, shape=lambda *s, **a: (), dtype=lambda *d, **a: (),
                 n_out=0, stateful=True, side_effect=True)


def print(*inputs, output_stream=None, summarize=3, sep=" ", end="\n", name=None):
    """Prints tensors and Python values, at every call of an ``nf.function`` (unlike Python's
    ``print``, which runs only while tracing).

    Args:
        *inputs: tensors and Python values, printed separated by ``sep``.
        output_stream: ``sys.stderr`` (TF's default), ``sys.stdout``, or a file-like object.
        summarize: elements shown at each end of each axis (-1: all).

    Example:
        >>> nf.print("x =", nf.constant([1, 2]))
        x = [1 2]
    """
    stream = output_stream if output_stream is not None else "stderr"
    if stream is sys.stderr:
        stream = "stderr"
    elif stream is sys.stdout:
        stream = "stdout"
    tensors, parts = [], []
    for x in inputs:
        if isinstance(x, Tensor):
            tensors.append(x)
            parts.append((True, None))
        else:
            parts.append((False, str(x)))
    attrs = {"parts": tuple(parts), "stream": stream, "sep": sep, "end": end,
             "summarize": summarize}
    return bind(_PRINT, tuple(tensors), attrs)


# -- shared: tracing a branch ---------------------------------------------------------------
def enclosing_graph(tensors):
    """The graph being traced, or the graph of the first symbolic tensor; None when eager."""
    tracer = registry.current_tracer()
    if tracer is not None:
        return tracer
    for t in tensors:
        if isinstance(t, SymbolicTensor):
            return t._graph
    return None


def trace_branch(parent, name, fn, args=(), specs=()):
    """Traces ``fn(*placeholders)`` into a child graph of ``parent``; returns (graph, result)."""
    graph = Graph(f"{parent.name}/{name}", parent=parent)
    placeholders = [graph.placeholder(s, d, f"{name}_var{i}") for i, (s, d) in enumerate(specs)]
    with tracing(graph):
        result = fn(*nest.pack_sequence_as(args, placeholders)) if specs else fn()
        leaves = [] if result is None else nest.flatten(result)
        flat = [x if isinstance(x, Tensor) else convert_to_tensor(x) for x in leaves]
        graph.outputs = [graph.capture(x) for x in flat]
    graph.closed = True
    return graph, result


def _link_captures(graphs, n_own):
    """Gives every graph the same inputs: its own ``n_own`` first, then the union of captures."""
    union, seen = [], set()
    for g in graphs:
        for outer, _ in g.captures:
            if id(outer) not in seen:
                seen.add(id(outer))
                union.append(outer)
    for g in graphs:
        own = {id(outer): inner for outer, inner in g.captures}
        extra = []
        for outer in union:
            inner = own.get(id(outer))
            if inner is None:
                inner = g.placeholder(outer.shape, outer.dtype, "unused_capture")
                g.inputs.pop()
            extra.append(inner)
        g.inputs = g.inputs[:n_own] + extra
    return union


def _compiled(graph):
    run = getattr(graph, "_compiled_run", None)
    if run is None:
        program = optimize(Program(graph.nodes, graph.inputs, graph.outputs))
        run = graph._compiled_run = Compiled(program.nodes, program.inputs, program.outputs,
                                             graph.name).run
    return run


def _has_side_effects(graph):
    return any(n.has_side_effect for n in graph.nodes)


def _merge_shapes(a, b, what):
    if len(a) != len(b):
        raise ValueError(f"{what}: the two branches return tensors of ranks {len(a)} and "
                         f"{len(b)} ({tuple(a)} vs {tuple(b)})")
    return TensorShape(x if x == y else None for x, y in zip(a, b))


# -- cond -----------------------------------------------------------------------------------
def cond(pred, true_fn=None, false_fn=None, name=None):
    """Returns ``true_fn()`` if ``pred`` else ``false_fn()``; in a graph, both are traced and
    the choice is made at run time (differentiable).

    Args:
        pred: a scalar bool tensor or Python bool.
        true_fn, false_fn: zero-argument callables returning the same structure of tensors
            (same dtypes; shapes may differ in dims that become None).

    Example:
        >>> nf.cond(nf.constant(2.0) > 1.0, lambda: nf.constant(1.0), lambda: nf.constant(0.0))
        <nf.Tensor: shape=(), dtype=float32, numpy=1.0>
    """
    if true_fn is None or false_fn is None:
        raise TypeError("cond: true_fn and false_fn must both be given")
    if not isinstance(pred, SymbolicTensor):  # known now: only the chosen branch runs
        return true_fn() if bool(pred) else false_fn()
    graph = enclosing_graph([pred])
    if not pred.dtype.is_bool or pred.shape.rank not in (0, None) and pred.shape != (1,):
        raise TypeError(f"cond: pred must be a scalar bool tensor, got {pred.dtype.name} "
                        f"{tuple(pred.shape)}")
    g_true, r_true = trace_branch(graph, "cond_true", true_fn)
    g_false, _ = trace_branch(graph, "cond_false", false_fn)
    outs = cond_from_graphs(pred, g_true, g_false)
    return nest.pack_sequence_as(r_true, outs) if outs else None


def cond_from_graphs(pred, g_true, g_false):
    """The ``cond`` op choosing between two traced branch graphs; returns its output list."""
    if len(g_true.outputs) != len(g_false.outputs):
        raise ValueError(f"cond: true_fn returns {len(g_true.outputs)} tensors, false_fn "
                         f"{len(g_false.outputs)}; both must return the same structure")
    shapes, dtypes = [], []
    for a, b in zip(g_true.outputs, g_false.outputs):
        if a.dtype != b.dtype:
            raise TypeError(f"cond: branches return different dtypes {a.dtype.name} and "
                            f"{b.dtype.name}")
        shapes.append(_merge_shapes(a.shape, b.shape, "cond"))
        dtypes.append(a.dtype)
    union = _link_captures([g_true, g_false], 0)
    op = _cond_op(shapes, dtypes, _has_side_effects(g_true) or _has_side_effects(g_false))
    out = bind(op, (pred, *union), {"true_graph": g_true, "false_graph": g_false})
    return [out] if op.n_out == 1 else list(out)


def _cond_op(shapes, dtypes, side_effect):
    n = len(shapes)

    def forward(xp, pred, *captures, true_graph, false_graph):
        outs = _compiled(true_graph if bool(pred) else false_graph)(xp, captures)
        return outs[0] if n == 1 else tuple(outs)

    return GraphOp("cond", forward, grad=_cond_grad,
                   shape=lambda *s, **a: shapes[0] if n == 1 else tuple(shapes),
                   dtype=lambda *d, **a: tuple(dtypes), n_out=n,
                   stateful=side_effect, side_effect=side_effect)


def _branch_grads(graph, captures, gys):
    floats = [c for c in captures if c.dtype.is_floating]
    with GradientTape() as tape:
        for c in floats:
            tape.watch(c)
        env = replay(graph.nodes, {id(p): c for p, c in zip(graph.inputs, captures)})
    outs = [env[id(t)] for t in graph.outputs]
    return tape.gradient(outs, floats, output_gradients=list(gys),
                         unconnected_gradients="zero")


def _cond_grad(gy, y, pred, *captures, true_graph, false_graph):
    gys = tuple(gy) if isinstance(gy, tuple) else (gy,)
    index = [i for i, c in enumerate(captures) if c.dtype.is_floating]
    if not index:
        return (None,) * (len(captures) + 1)
    grads = cond(pred, lambda: _branch_grads(true_graph, captures, gys),
                 lambda: _branch_grads(false_graph, captures, gys))
    grads = grads if isinstance(grads, (list, tuple)) else [grads]
    result = [None] * len(captures)
    for i, g in zip(index, grads):
        result[i] = g
    return (None, *result)


# -- while_loop -----------------------------------------------------------------------------
def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10,
               back_prop=True, swap_memory=False, maximum_iterations=None, name=None):
    """Repeats ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)``; returns the final
    loop variables (same structure). In a graph the loop runs at run time (one op).

    Args:
        cond: callable returning a scalar bool tensor.
        body: callable returning the new loop variables (same structure and dtypes).
        loop_vars: a list or tuple (possibly nested) of tensors or Python numbers.
        shape_invariants: optional shapes (dims may be None) of the loop variables.
        maximum_iterations: optional bound on the number of iterations.

    Example:
        >>> nf.while_loop(lambda i: i < 10, lambda i: (i + 1,), [nf.constant(0)])
        [<nf.Tensor: shape=(), dtype=int32, numpy=10>]
    """
    single = not isinstance(loop_vars, (list, tuple))
    structure = [loop_vars] if single else loop_vars
    flat = [x if isinstance(x, Tensor) else convert_to_tensor(x) for x in nest.flatten(structure)]

    def call(fn, values):
        args = nest.pack_sequence_as(structure, values)
        return fn(*args)

    graph = enclosing_graph(flat)
    if graph is None:
        first = call(cond, flat)   # a TF1 cond may close over a placeholder
        if isinstance(first, SymbolicTensor):
            graph = first._graph
    if graph is None:
        values, count = flat, 0
        while (maximum_iterations is None or count < maximum_iterations) and bool(
                first if count == 0 else call(cond, values)):
            out = call(body, values)
            structure = [out] if single or not isinstance(out, (list, tuple)) else out
            values = nest.flatten(structure)
            values = [x if isinstance(x, Tensor) else convert_to_tensor(x) for x in values]
            count += 1
        result = nest.pack_sequence_as(structure, values)
        return result[0] if single else result
    structure = _ready_arrays(graph, body, structure, single)
    flat = [x if isinstance(x, Tensor) else convert_to_tensor(x) for x in nest.flatten(structure)]
    return _graph_while(graph, cond, body, structure, flat, single, shape_invariants,
                        maximum_iterations)


def _ready_arrays(graph, body, structure, single):
    """Loop variables with each empty ``TensorArray`` of unknown element shape given a buffer
    for the elements the body writes (found by tracing the body once into a scratch graph)."""
    if not any(isinstance(x, TensorArray) and x.flow is None for x in _leaves(structure)):
        return structure
    flat = [x if isinstance(x, Tensor) else convert_to_tensor(x) for x in nest.flatten(structure)]
    specs = [(x.shape, x.dtype) for x in flat]
    _, result = trace_branch(graph, "while_probe", _wrap_body(body, single), structure, specs)
    return _fill_arrays(structure, result)


def _leaves(structure):
    if isinstance(structure, dict):
        structure = list(structure.values())
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in _leaves(item)]
    return [structure]


def _fill_arrays(before, after):
    if isinstance(before, TensorArray) and before.flow is None:
        if isinstance(after, TensorArray) and after.flow is not None:
            return before.ready(after.flow.shape[1:])
        return before
    if isinstance(before, dict):
        return type(before)((k, _fill_arrays(v, after[k])) for k, v in before.items())
    if isinstance(before, (list, tuple)):
        items = [_fill_arrays(a, b) for a, b in zip(before, after)]
        return type(before)(*items) if hasattr(before, "_fields") else type(before)(items)
    return before


def _graph_while(graph, cond, body, structure, flat, single, shape_invariants, max_iter):
    dtypes = [x.dtype for x in flat]
    if shape_invariants is not None:
        shapes = [TensorShape(s) for s in nest.flatten(
            [shape_invariants] if single else shape_invariants)]
    else:
        shapes = [TensorShape(x.shape) for x in flat]
    for _ in range(2):
        specs = list(zip(shapes, dtypes))
        g_body, _ = trace_branch(graph, "while_body", _wrap_body(body, single), structure, specs)
        if len(g_body.outputs) != len(flat):
            raise ValueError(f"while_loop: body returned {len(g_body.outputs)} tensors for "
                             f"{len(flat)} loop variables")
        for x, t in zip(flat, g_body.outputs):
            if x.dtype != t.dtype:
                raise TypeError(f"while_loop: a loop variable of dtype {x.dtype.name} became "
                                f"{t.dtype.name} in body")
        new = [_merge_shapes(s, t.shape, "while_loop") for s, t in zip(shapes, g_body.outputs)]
        if new == shapes:
            break
        if shape_invariants is not None:
            raise ValueError(f"while_loop: body changes shapes {shapes} to "
                             f"{[t.shape for t in g_body.outputs]}, against shape_invariants")
        shapes = new
    g_cond, _ = trace_branch(graph, "while_cond", cond, structure, specs)
    n = len(flat)
    union = _link_captures([g_cond, g_body], n)
    side = _has_side_effects(g_body) or _has_side_effects(g_cond)
    op = GraphOp("while", _while_forward, grad=_while_grad,
                 shape=lambda *s, **a: shapes[0] if n == 1 else tuple(shapes),
                 dtype=lambda *d, **a: tuple(dtypes), n_out=n, stateful=side,
                 side_effect=side)
    attrs = {"cond_graph": g_cond, "body_graph": g_body, "n_vars": n,
             "maximum_iterations": None if max_iter is None else int(max_iter)}
    out = bind(op, (*flat, *union), attrs)
    outs = [out] if n == 1 else list(out)
    result = nest.pack_sequence_as(structure, outs)
    return result[0] if single else result


def _wrap_body(body, single):
    def wrapped(*args):
        out = body(*args)
        return [out] if single or not isinstance(out, (list, tuple)) else out
    return wrapped


def _run_loop(xp, arrays, cond_graph, body_graph, n_vars, maximum_iterations, history=None):
    values, captures = tuple(arrays[:n_vars]), tuple(arrays[n_vars:])
    run_cond, run_body = _compiled(cond_graph), _compiled(body_graph)
    count = 0
    while maximum_iterations is None or count < maximum_iterations:
        if not bool(run_cond(xp, values + captures)[0]):
            break
        if history is not None:
            history.append(values)
        values = tuple(run_body(xp, values + captures))
        count += 1
    return values


def _while_forward(xp, *arrays, cond_graph, body_graph, n_vars, maximum_iterations):
    values = _run_loop(xp, arrays, cond_graph, body_graph, n_vars, maximum_iterations)
    return values[0] if n_vars == 1 else values


def _while_grad(gy, y, *inputs, cond_graph, body_graph, n_vars, maximum_iterations):
    gys = tuple(gy) if isinstance(gy, tuple) else (gy,)
    floats = tuple(i for i, x in enumerate(inputs) if x.dtype.is_floating)
    if not floats:
        return (None,) * len(inputs)
    attrs = {"cond_graph": cond_graph, "body_graph": body_graph, "n_vars": n_vars,
             "maximum_iterations": maximum_iterations, "floats": floats}
    out_shapes = tuple(inputs[i].shape for i in floats)
    out_dtypes = tuple(inputs[i].dtype for i in floats)
    op = GraphOp("while_grad", _while_grad_forward,
                 shape=lambda *s, **a: out_shapes[0] if len(floats) == 1 else out_shapes,
                 dtype=lambda *d, **a: out_dtypes, n_out=len(floats))
    grads = bind(op, (*gys, *inputs), attrs)
    grads = (grads,) if len(floats) == 1 else grads
    result = [None] * len(inputs)
    for i, g in zip(floats, grads):
        result[i] = g
    return tuple(result)


def _body_vjp(body_graph, n_vars, floats):
    """A compiled graph: (loop vars, captures, output grads) -> grads of the float inputs."""
    key = ("_vjp", floats)
    cache = body_graph.__dict__.setdefault("_vjp_cache", {})
    if key in cache:
        return cache[key]
    vjp = Graph(body_graph.name + "/vjp")
    inputs = [vjp.placeholder(t.shape, t.dtype, "x") for t in body_graph.inputs]
    float_vars = [i for i in floats if i < n_vars]
    gouts = [vjp.placeholder(body_graph.outputs[i].shape, body_graph.outputs[i].dtype, "gy")
             for i in float_vars]
    with tracing(vjp):
        sources = [inputs[i] for i in floats]
        with GradientTape() as tape:
            for s in sources:
                tape.watch(s)
            env = replay(body_graph.nodes, {id(p): x for p, x in zip(body_graph.inputs, inputs)})
        outs = [env[id(body_graph.outputs[i])] for i in float_vars]
        grads = tape.gradient(outs, sources, output_gradients=gouts,
                              unconnected_gradients="zero")
        vjp.outputs = [vjp.capture(g) for g in grads]
    vjp.closed = True
    program = optimize(Program(vjp.nodes, vjp.inputs, vjp.outputs))
    run = cache[key] = Compiled(program.nodes, program.inputs, program.outputs, vjp.name).run
    return run


def _while_grad_forward(xp, *arrays, cond_graph, body_graph, n_vars, maximum_iterations,
                        floats):
    n_gy = n_vars
    gys, inputs = arrays[:n_gy], arrays[n_gy:]
    history = []
    _run_loop(xp, inputs, cond_graph, body_graph, n_vars, maximum_iterations, history)
    captures = tuple(inputs[n_vars:])
    run = _body_vjp(body_graph, n_vars, floats)
    float_vars = [i for i in floats if i < n_vars]
    g_vars = {i: gys[i] for i in float_vars}
    g_caps = {i: xp.zeros_like(inputs[i]) for i in floats if i >= n_vars}
    for values in reversed(history):
        out = run(xp, tuple(values) + captures + tuple(g_vars[i] for i in float_vars))
        grads = dict(zip(floats, out))
        g_vars = {i: grads[i] for i in float_vars}
        for i, acc in g_caps.items():
            g_caps[i] = acc + grads[i]
    result = tuple(g_vars[i] if i < n_vars else g_caps[i] for i in floats)
    return result[0] if len(result) == 1 else result
