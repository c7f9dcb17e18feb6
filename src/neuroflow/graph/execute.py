"""Running a graph fast: it is compiled to one straight-line Python function over the kernels.

Each node becomes one line (``v7 = K7(xp, v3, v5)``); elementwise ops and matmul call their NumPy
ufunc directly. Memory planning reuses buffers: an elementwise op writes its result into an input
buffer (``out=``) when that buffer is a fresh intermediate of the same shape and dtype that nothing
reads afterwards (no later use, no view of it alive, not an output, not a variable's value). A
kernel error is mapped back to its node (by the line number of the generated code) and raised
as eager mode raises it.
"""

import functools
import itertools
import sys

import numpy as np

from ..backend import parallel
from ..core import registry
from ..core.ops import nn as _nn  # noqa: F401 - registers relu_grad, read below
from ..core.tensor import Tensor
from .nodes import ASSIGN, CONST, PLACEHOLDER, READ, storage

# Op name -> NumPy ufunc computing exactly what the op's kernel computes (for floats and ints).
UFUNCS = {
    "add": np.add, "subtract": np.subtract, "multiply": np.multiply, "real_div": np.true_divide,
    "negative": np.negative, "exp": np.exp, "log": np.log, "tanh": np.tanh, "sqrt": np.sqrt,
    "square": np.square, "abs": np.absolute, "maximum": np.maximum, "minimum": np.minimum,
    "sin": np.sin, "cos": np.cos, "log1p": np.log1p, "expm1": np.expm1, "matmul": np.matmul,
}
# Ops that the executor computes with an extra constant operand.
UNARY_WITH = {"relu": (np.maximum, 0)}


# Elementwise ops (no attrs) whose kernels take ``out=``: called like UFUNCS.
ELEMENTWISE = {"relu_grad": functools.partial(registry.REGISTRY["relu_grad"].forward, np)}
_NO_INPLACE = {"matmul"}
_FREE_BYTES = 1 << 20     # arrays this large are freed right after their last use
_counter = itertools.count()


class Compiled:
    """A graph compiled to Python: ``run(xp, arrays) -> tuple of arrays``, plus its source."""

    def __init__(self, nodes, inputs, outputs, name="graph", specialize=True):
        self.filename = f"<nf.function {name} #{next(_counter)}>"
        self.lines = {}      # line number in the source -> node
        self.names = {}      # id(tensor) -> local variable name
        self.source, env = _generate(nodes, inputs, outputs, self.lines, self.names,
                                     specialize)
        import linecache

        linecache.cache[self.filename] = (len(self.source), None,
                                          self.source.splitlines(True), self.filename)
        exec(compile(self.source, self.filename, "exec"), env)  # noqa: S102 - our own code
        self.run = env["run"]
        self.n_inplace = self.source.count("out=")

    def error(self, error):
        """The error to raise for ``error`` raised while running: names the failing node."""
        tb, frame_locals, node = error.__traceback__, None, None
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == self.filename:
                node = self.lines.get(tb.tb_lineno)
                frame_locals = tb.tb_frame.f_locals
            tb = tb.tb_next
        if node is None or not isinstance(error, (ValueError, TypeError, IndexError,
                                                  np.linalg.LinAlgError)):
            return error
        inputs = [Tensor(np.asarray(frame_locals.get(self.names.get(id(t)), np.zeros(0))))
                  for t in node.inputs]
        return registry._op_error(node.op, inputs, node.attrs, error)


def _generate(nodes, inputs, outputs, line_map, names, specialize=True):
    env = {"np": np}
    for i, node in enumerate(nodes):
        for j, t in enumerate(node.outputs):
            names[id(t)] = f"v{i}" if len(node.outputs) == 1 else f"v{i}_{j}"
    last_use = _last_uses(nodes, outputs)
    plan = _Planner(last_use)
    body = []
    for i, node in enumerate(nodes):
        op = node.op
        outs = [names[id(t)] for t in node.outputs]
        args = [names[id(t)] for t in node.inputs]
        if op is PLACEHOLDER:
            continue
        if op is CONST:
            env[outs[0]] = node.value
            continue
        if op is READ and node.var is not None:
            env[f"V{i}"] = node.var
            line = f"{outs[0]} = V{i}.{storage(node.var)}"
        elif op is ASSIGN:
            env[f"V{i}"] = node.var
            kind, x, attr = node.attrs["kind"], args[0], storage(node.var)
            if kind == "assign":
                value = x if plan.is_fresh(node.inputs[0]) else f"{x}.copy()"
            elif specialize and _same_static(node.inputs[0], node.var):
                env["IADD"], env["ISUB"] = _in_place_add, _in_place_subtract
                value = f"{'IADD' if kind == 'assign_add' else 'ISUB'}(V{i}.{attr}, {x})"
            else:
                value = f"V{i}.{attr} {'+' if kind == 'assign_add' else '-'} {x}"
            line = f"V{i}.{attr} = {outs[0]} = {value}"
        elif not specialize:
            env[f"K{i}"] = op.forward
            call = ", ".join(["xp"] + args) + (f", **A{i}" if node.attrs else "")
            env[f"A{i}"] = node.attrs
            lhs = outs[0] if op.n_out == 1 else (", ".join(outs) + ("," if len(outs) == 1 else ""))
            line = f"{lhs or '_'} = K{i}({call})"
        elif op.name in UFUNCS and len(node.outputs) == 1:
            env[f"F{i}"] = UFUNCS[op.name]
            line = _elementwise_line(node, i, names, args, plan, env)
        elif op.name in UNARY_WITH and len(args) == 1 and not node.attrs:
            fn, extra = UNARY_WITH[op.name]
            env[f"F{i}"], env[f"C{i}"] = fn, extra
            line = _elementwise_line(node, i, names, [args[0], f"C{i}"], plan, env)
        elif (op.name in ELEMENTWISE and not node.attrs and len(node.outputs) == 1
              and node.outputs[0].dtype.is_floating):
            env[f"F{i}"] = ELEMENTWISE[op.name]
            line = _elementwise_line(node, i, names, args, plan, env)
        elif (special := _specialized(node, args, env, i)) is not None:
            expr, fresh = special
            line = f"{outs[0]} = {expr}"
            if fresh:
                plan.made(node, i, None)
            else:
                plan.opaque(node)
        else:
            env[f"K{i}"] = op.forward
            call = ", ".join(["xp"] + args)
            if node.attrs:
                env[f"A{i}"] = node.attrs
                call += f", **A{i}"
            lhs = outs[0] if op.n_out == 1 else (", ".join(outs) + ("," if len(outs) == 1 else ""))
            if not outs:
                lhs = "_"
            line = f"{lhs} = K{i}({call})"
            if op.fresh:
                for j in range(len(node.outputs)):
                    plan.made(node, i, None, j)
            else:
                plan.opaque(node)
        dead = [names[id(t)] for t in node.inputs if last_use.get(id(t)) == i
                and names[id(t)] not in env]
        if dead:  # drop arrays as soon as nothing reads them: lower peak memory, and a
            # variable's buffer left with no other reference can be updated in place
            line += f"; del {', '.join(dict.fromkeys(dead))}"
        body.append((line, node))
    header = ["def run(xp, args):"]
    if inputs:
        header.append(f"    {', '.join(names[id(t)] for t in inputs)}, = args")
    source = list(header)
    for line, node in body:
        source.append("    " + line)
        line_map[len(source)] = node
    returned = ", ".join(names[id(t)] for t in outputs)
    source.append(f"    return ({returned}{',' if len(outputs) == 1 else ''})")
    return "\n".join(source) + "\n", env


def _elementwise_line(node, i, names, args, plan, env):
    """``v = F(args, out=...)``: into a dead input's buffer when one fits, split over the
    cores (``parallel.elementwise``) when the result is large and its shape is static."""
    op, out_t = node.op, node.outputs[0]
    name = names[id(out_t)]
    target = None if op.name in _NO_INPLACE else plan.inplace_target(node, i)
    plan.made(node, i, target)
    static = _static(out_t)
    if (op.name in _NO_INPLACE or static is None
            or int(np.prod(static, dtype=np.int64)) < parallel.ELEMENTWISE_MIN):
        out = f", out={names[id(target)]}" if target is not None else ""
        return f"{name} = F{i}({', '.join(args)}{out})"
    env["PAR"], env["EMPTY"], env[f"D{i}"] = parallel.elementwise, np.empty, out_t.dtype._np
    out = names[id(target)] if target is not None else f"EMPTY({static!r}, D{i})"
    return f"{name} = PAR(F{i}, {', '.join(args)}, out={out})"


def _same_static(delta, var):
    """True when ``var += delta`` may run in place: same known shape and floating dtype."""
    shape = delta.shape
    return (shape.is_fully_defined() and tuple(shape) == tuple(var.shape)
            and delta.dtype == var.dtype and var.dtype.is_floating)


# References to a variable's buffer when only the variable holds it, as counted inside the
# helpers below: the variable's attribute, the argument and getrefcount's own argument.
_ONLY_THE_VARIABLE = 3


def _in_place(ufunc):
    """``ufunc(a, b)`` written into ``a`` when nothing but its variable can see ``a``.

    A tensor, a tape or a view sharing the buffer raises the count, and then a new array is
    made, so no value anyone holds ever changes under them.
    """
    def update(a, b):
        if (sys.getrefcount(a) <= _ONLY_THE_VARIABLE and type(a) is np.ndarray
                and a.flags.writeable):
            return ufunc(a, b, out=a)
        return ufunc(a, b)

    return update


_in_place_add, _in_place_subtract = _in_place(np.add), _in_place(np.subtract)


def _nbytes(t):
    shape = t.shape
    if not shape.is_fully_defined():
        return 0
    return int(np.prod(shape, dtype=np.int64)) * t.dtype._np.itemsize


def _last_uses(nodes, outputs):
    """id(tensor) -> index of the last node reading it (inf for outputs and assigned values)."""
    last = {}
    for i, node in enumerate(nodes):
        end = float("inf") if node.op is ASSIGN else i   # a variable keeps its value's buffer
        for t in node.inputs:
            last[id(t)] = max(last.get(id(t), -1), end)
    for t in outputs:
        last[id(t)] = float("inf")
    return last


class _Planner:
    """Tracks which arrays are fresh buffers and when every alias of each buffer is dead."""

    def __init__(self, last_use):
        self.last_use = last_use
        self.roots = {}        # id(tensor) -> set of buffer ids it may alias
        self.fresh = set()     # ids of tensors that own a fresh buffer
        self.buffer_end = {}   # buffer id -> last node index reading any alias

    def is_fresh(self, t):
        return id(t) in self.fresh

    def _alias(self, t, roots):
        self.roots[id(t)] = roots
        end = self.last_use.get(id(t), -1)
        for r in roots:
            self.buffer_end[r] = max(self.buffer_end.get(r, -1), end)

    def opaque(self, node):
        """An op we know nothing about: its outputs may be views of its inputs."""
        roots = set()
        for t in node.inputs:
            roots |= self.roots.get(id(t), set())
        for t in node.outputs:
            self._alias(t, roots)

    def inplace_target(self, node, i):
        out = node.outputs[0]
        shape = out.shape
        if not shape or not shape.is_fully_defined():
            return None
        for t in node.inputs:
            if (id(t) in self.fresh and t.shape == shape and t.dtype == out.dtype
                    and self.buffer_end.get(id(t), -1) <= i):
                return t
        return None

    def made(self, node, i, target, j=0):
        out = node.outputs[j]
        if target is None:
            self.fresh.add(id(out))
            self._alias(out, {id(out)})
        else:  # the output lives in the target's buffer from now on
            self.fresh.discard(id(target))
            self.fresh.add(id(out))
            self.buffer_end[id(out)] = self.buffer_end[id(target)]
            self._alias(out, {id(out)})


def _static(t):
    shape = t.shape
    return tuple(shape) if shape.is_fully_defined() else None


def _specialized(node, args, env, i):
    """Inline NumPy code for common ops with static shapes: ``(expression, is_fresh)`` or None.

    Each computes exactly what the op's kernel computes for these inputs, minus the Python
    call; ops whose kernels we do not know stay calls to their kernels.
    """
    name, attrs = node.op.name, node.attrs
    if len(node.outputs) != 1 or not node.inputs:
        return None
    out, x = node.outputs[0], node.inputs[0]
    floating = out.dtype.is_floating and x.dtype.is_floating
    if name == "transpose" and len(args) == 1 and set(attrs) == {"perm"}:
        perm = tuple(attrs["perm"])
        if perm == tuple(reversed(range(len(perm)))):
            return f"{args[0]}.T", False
        return f"{args[0]}.transpose({perm!r})", False
    if name == "reshape" and len(args) == 1 and set(attrs) == {"shape"}:
        return f"{args[0]}.reshape({tuple(attrs['shape'])!r})", False
    env["ADD_R"] = np.add.reduce
    if name in ("reduce_sum", "reduce_mean") and set(attrs) != {"axes", "keepdims"}:
        return None
    if name in ("sum_like", "broadcast_like") and (attrs or len(args) != 2):
        return None
    if name == "reduce_sum" and floating:
        axes = tuple(attrs["axes"])
        return (f"ADD_R({args[0]}, {axes!r}, None, None, {bool(attrs['keepdims'])})",
                bool(out.shape) and bool(axes))
    if name == "reduce_mean" and floating and _static(x) is not None:
        axes = tuple(attrs["axes"])
        count = int(np.prod([x.shape[a] for a in axes])) if axes else 1
        if count == 0:
            return None
        env["DIV"] = np.true_divide
        return (f"DIV(ADD_R({args[0]}, {axes!r}, None, None, {bool(attrs['keepdims'])}), "
                f"{count})"), bool(out.shape) and bool(axes)
    if name == "sum_like" and floating and _static(x) is not None and _static(out) is not None:
        gs, xs = _static(x), _static(out)
        lead = len(gs) - len(xs)
        if lead < 0:
            return None
        axes = tuple(range(lead)) + tuple(
            k + lead for k, d in enumerate(xs) if d == 1 and gs[k + lead] != 1)
        if not axes:
            return (args[0] if gs == xs else f"{args[0]}.reshape({xs!r})"), False
        if axes == tuple(range(lead)) and int(np.prod(gs)) >= parallel.ELEMENTWISE_MIN:
            env["SUM_LEAD"] = parallel.sum_leading   # a bias gradient
            return f"SUM_LEAD({args[0]}, {lead})", bool(xs)
        if all(a < lead for a in axes):
            return f"ADD_R({args[0]}, {axes!r})", bool(xs)
        return f"ADD_R({args[0]}, {axes!r}, None, None, True).reshape({xs!r})", bool(xs)
    if name == "broadcast_like" and _static(node.inputs[1]) is not None:
        env["BCAST"] = np.broadcast_to
        return f"BCAST({args[0]}, {_static(node.inputs[1])!r})", False
    return None
