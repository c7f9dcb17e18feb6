"""Running a graph fast: it is compiled to one straight-line Python function over the kernels.

Each node becomes one line (``v7 = K7(xp, v3, v5)``); elementwise ops and matmul call their NumPy
ufunc directly. Which buffers may be written in place is decided here, at compile time, by the
liveness and alias analysis of ``buffers.py`` (never by run-time reference counts). A
kernel error is mapped back to its node (by the line number of the generated code) and raised
as eager mode raises it.
"""

import functools
import itertools

import numpy as np

from ..backend import parallel
from ..core import registry
from ..core.ops import nn as _nn  # noqa: F401 - registers relu_grad, read below
from ..core.tensor import Tensor
from . import buffers
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
        plan = buffers.BufferPlan(buffers.last_uses(nodes, outputs))
        self.source, env = _generate(nodes, inputs, outputs, self.lines, self.names,
                                     specialize, plan)
        # Outputs that are buffers of their own (a caller may keep them without a copy).
        self.fresh_outputs = plan.fresh_outputs(outputs)
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


def _generate(nodes, inputs, outputs, line_map, names, specialize=True, plan=None):
    env = {"np": np}
    for i, node in enumerate(nodes):
        for j, t in enumerate(node.outputs):
            names[id(t)] = f"v{i}" if len(node.outputs) == 1 else f"v{i}_{j}"
    plan = buffers.BufferPlan(buffers.last_uses(nodes, outputs)) if plan is None else plan
    last_use = plan.last_use
    body = []
    for i, node in enumerate(nodes):
        op = node.op
        outs = [names[id(t)] for t in node.outputs]
        args = [names[id(t)] for t in node.inputs]
        if op is PLACEHOLDER or op is CONST:
            for t in node.outputs:
                plan.foreign(t, "input" if op is PLACEHOLDER else "const")
            if op is CONST:
                env[outs[0]] = node.value
            continue
        if op is READ and node.var is not None:
            env[f"V{i}"] = node.var
            line = f"{outs[0]} = V{i}.{storage(node.var)}"
            plan.read(node)
        elif op is ASSIGN:
            env[f"V{i}"] = node.var
            line = _assign_line(node, i, args[0], outs[0], plan, env, specialize)
        elif not specialize:
            line = _kernel_line(node, i, outs, args, env, plan)
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
                plan.made(node)
            else:
                plan.opaque(node)
        else:
            line = _kernel_line(node, i, outs, args, env, plan)
        dead = [names[id(t)] for t in node.inputs if last_use.get(id(t)) == i
                and names[id(t)] not in env]
        if dead:  # drop arrays as soon as nothing reads them: lower peak memory
            line += f"; del {', '.join(dict.fromkeys(dead))}"
        body.append((line, node))
    header = ["def run(xp, args):"]
    if inputs:
        header.append(f"    {', '.join(names[id(t)] for t in inputs)}, = args")
    source = list(header)
    for line, node in body:
        source.append("    " + line)
        line_map[len(source)] = node
    # A variable whose storage leaves the run in an output gives up ownership: its next
    # in-place update copies first, so the caller's array never changes.
    for k, var in enumerate(plan.escaping_variables(outputs)):
        env[f"ESC{k}"] = var
        source.append(f"    ESC{k}._owned = False")
    returned = ", ".join(names[id(t)] for t in outputs)
    source.append(f"    return ({returned}{',' if len(outputs) == 1 else ''})")
    return "\n".join(source) + "\n", env


def _kernel_line(node, i, outs, args, env, plan):
    """``v = K(xp, *args, **attrs)``: the op's registry kernel."""
    op = node.op
    env[f"K{i}"] = op.forward
    call = ", ".join(["xp"] + args)
    if node.attrs:
        env[f"A{i}"] = node.attrs
        call += f", **A{i}"
    lhs = outs[0] if op.n_out == 1 else (", ".join(outs) + ("," if len(outs) == 1 else ""))
    if op.fresh:
        for j in range(len(node.outputs)):
            plan.made(node, j)
    else:
        plan.opaque(node)
    return f"{lhs or '_'} = K{i}({call})"


def _assign_line(node, i, x, out, plan, env, specialize):
    """A variable update. The variable owns its new storage afterwards; it is updated in
    place only where the plan proves no one in the graph still reads the old value and the
    variable owns its buffer at run time."""
    kind, attr, delta = node.attrs["kind"], storage(node.var), node.inputs[0]
    if kind == "assign":
        zero_copy = plan.is_fresh(delta)
        value = x if zero_copy else f"{x}.copy()"
        plan.assigned(node, zero_copy)
    elif (specialize and _same_static(delta, node.var)
          and plan.may_update_in_place(node, i)):
        env["IADD"], env["ISUB"] = _add_into, _subtract_into
        value = f"{'IADD' if kind == 'assign_add' else 'ISUB'}(V{i}, V{i}.{attr}, {x})"
        plan.assigned(node, False)
    else:
        value = f"V{i}.{attr} {'+' if kind == 'assign_add' else '-'} {x}"
        plan.assigned(node, False)
    return f"V{i}.{attr} = {out} = {value}; V{i}._owned = True"


def _elementwise_line(node, i, names, args, plan, env):
    """``v = F(args, out=...)``: into a dead input's buffer when one fits, split over the
    cores (``parallel.elementwise``) when the result is large and its shape is static."""
    op, out_t = node.op, node.outputs[0]
    name = names[id(out_t)]
    target = None if op.name in _NO_INPLACE else plan.inplace_target(node, i)
    plan.made(node, target=target)
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


def _into(ufunc):
    """``ufunc(a, b)`` written into ``a``, the storage of ``var``, when ``var`` owns it (no
    one outside the library was handed it since it was made), else into a new array."""
    def update(var, a, b):
        if var._owned and not isinstance(a, np.generic):
            return ufunc(a, b, out=a)
        return ufunc(a, b)

    return update


_add_into, _subtract_into = _into(np.add), _into(np.subtract)


def _nbytes(t):
    shape = t.shape
    if not shape.is_fully_defined():
        return 0
    return int(np.prod(shape, dtype=np.int64)) * t.dtype._np.itemsize


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
                True)   # a reduction always makes a new array (or scalar)
    if name == "reduce_mean" and floating and _static(x) is not None:
        axes = tuple(attrs["axes"])
        count = int(np.prod([x.shape[a] for a in axes])) if axes else 1
        if count == 0:
            return None
        env["DIV"] = np.true_divide
        return (f"DIV(ADD_R({args[0]}, {axes!r}, None, None, {bool(attrs['keepdims'])}), "
                f"{count})"), True
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
            return f"SUM_LEAD({args[0]}, {lead})", True
        if all(a < lead for a in axes):
            return f"ADD_R({args[0]}, {axes!r})", True
        return f"ADD_R({args[0]}, {axes!r}, None, None, True).reshape({xs!r})", True
    if name == "broadcast_like" and _static(node.inputs[1]) is not None:
        env["BCAST"] = np.broadcast_to
        return f"BCAST({args[0]}, {_static(node.inputs[1])!r})", False
    return None
