"""Graph optimization passes: simplification, constant folding, CSE and dead-code elimination.

A pass takes a ``Program`` (nodes in order, inputs, outputs) and returns a new one; the traced
``Graph`` itself is never changed (it is kept for gradients, replay and drawing). Rewritten
nodes are new ``Node`` objects that keep their output tensors, so tensors stay the edges.
Stateful ops (random) are never folded or merged; side effects (assigns, prints) always stay
and keep their order relative to variable reads.
"""

import numpy as np

from ..core.registry import READ, Op
from .fuse import fuse_convolutions
from .nodes import ASSIGN, CONST, PLACEHOLDER, SPECIAL, Node

_IDENTITY_OPS = {"identity", "stop_gradient", "read_variable"}
_LIKE_OPS = {"sum_like", "broadcast_like", "reshape_like"}
_FILL_LIKE = {"ones_like": np.ones, "zeros_like": np.zeros}
# Inputs that an op reads only for their (static) shape: constant folding needs no value.
_SHAPE_ONLY = {"broadcast_like": (1,), "sum_like": (1,), "reshape_like": (1,)}


class Program:
    """What the executor runs: ``nodes`` in a valid order, ``inputs`` and ``outputs`` tensors."""

    def __init__(self, nodes, inputs, outputs):
        self.nodes, self.inputs, self.outputs = list(nodes), list(inputs), list(outputs)

    def producers(self):
        """``{id(tensor): the node that makes it}``."""
        return {id(t): node for node in self.nodes for t in node.outputs}

    def uses(self):
        """``{id(tensor): how many node inputs and program outputs read it}``."""
        counts = {}
        for t in [t for node in self.nodes for t in node.inputs] + self.outputs:
            counts[id(t)] = counts.get(id(t), 0) + 1
        return counts

    def op_counts(self):
        """``{op name: count}``, leaving out placeholders."""
        counts = {}
        for node in self.nodes:
            if node.op is not PLACEHOLDER:
                counts[node.op.name] = counts.get(node.op.name, 0) + 1
        return counts


def op_count_table(title, headings, before, after):
    """A text table of op counts: the ``title`` line, then one row per op name with its count
    in ``before`` and in ``after`` (``{op name: count}`` dicts) under the two ``headings``."""
    names = sorted(set(before) | set(after))
    width = max([len(n) for n in names] + [20]) + 2
    w_before, w_after = (max(8, len(heading) + 2) for heading in headings)
    lines = [title, f"{'op':<{width}}{headings[0]:>{w_before}}{headings[1]:>{w_after}}"]
    lines += [f"{n:<{width}}{before.get(n, 0):>{w_before}}{after.get(n, 0):>{w_after}}"
              for n in names]
    return "\n".join(lines)


def optimize(program, keep_side_effects=True):
    """Runs all passes until the node count stops shrinking; returns the new ``Program``.

    ``keep_side_effects=False`` (TF1 ``Session.run``) keeps only what the outputs need.
    """
    for _ in range(4):
        before = len(program.nodes)
        program = dead_code(common_subexpressions(fold_constants(simplify(program))),
                            keep_side_effects)
        program = fuse_softmax_cross_entropy(program)
        if len(program.nodes) == before:
            break
    return dead_code(fuse_convolutions(program), keep_side_effects)


def _rebuild(program, replace, keep=None):
    """The program with tensors renamed by ``replace`` (id -> tensor) and nodes kept by ``keep``."""
    def get(t):
        while id(t) in replace:
            t = replace[id(t)]
        return t
    nodes = []
    for node in program.nodes:
        if keep is not None and id(node) not in keep:
            continue
        inputs = tuple(get(t) for t in node.inputs)
        if any(a is not b for a, b in zip(inputs, node.inputs)):
            new = Node(node.op, inputs, node.attrs, node.name, node.var, node.value)
            new.outputs = node.outputs
            node = new
        nodes.append(node)
    return Program(nodes, program.inputs, [get(t) for t in program.outputs])


def _const_value(t, producers):
    node = producers.get(id(t))
    return node.value if node is not None and node.op is CONST else None


def _is_all(value, x):
    return value is not None and np.size(value) > 0 and bool(np.all(np.asarray(value) == x))


def simplify(program):
    """Algebraic simplification: identities, x*1, x+0, double transposes, reshape chains."""
    producers = program.producers()
    replace = {}
    rewritten = {}

    def get(t):
        while id(t) in replace:
            t = replace[id(t)]
        return t

    for node in program.nodes:
        if len(node.outputs) != 1 or node.op in SPECIAL and not (
                node.op is READ and node.var is None):
            continue
        out, ins = node.outputs[0], [get(t) for t in node.inputs]
        same = _same_type(out, ins[0]) if ins else False
        name = node.op.name
        if ((name in _IDENTITY_OPS and len(ins) == 1) or (name in _LIKE_OPS and same)
                or (name in ("reshape", "cast", "broadcast_to") and same)):
            replace[id(out)] = ins[0]
        elif name == "negative" and _op_of(ins[0], producers) == "negative":
            replace[id(out)] = producers[id(ins[0])].inputs[0]
        elif name in ("multiply", "add", "subtract", "real_div") and len(ins) == 2:
            neutral = 1 if name in ("multiply", "real_div") else 0
            for a, b in ((0, 1), (1, 0)) if name in ("multiply", "add") else ((0, 1),):
                if _is_all(_const_value(ins[b], producers), neutral) and _same_type(out, ins[a]):
                    replace[id(out)] = ins[a]
                    break
        elif (name == "transpose" and _op_of(ins[0], producers) == "transpose"
              and set(node.attrs) == {"perm"} == set(producers[id(ins[0])].attrs)):
            inner = producers[id(ins[0])]
            perm = tuple(inner.attrs["perm"][p] for p in node.attrs["perm"])
            if perm == tuple(range(len(perm))):
                replace[id(out)] = get(inner.inputs[0])
            else:
                rewritten[id(node)] = (inner.inputs[0], {"perm": perm})
        elif (name == "reshape" and _op_of(ins[0], producers) == "reshape"
              and set(node.attrs) == {"shape"}):
            rewritten[id(node)] = (producers[id(ins[0])].inputs[0], node.attrs)
    program = _rebuild(program, replace)
    if rewritten:
        nodes = []
        for node in program.nodes:
            hit = rewritten.get(id(node))
            if hit is not None:
                new = Node(node.op, (get(hit[0]),), hit[1], node.name)
                new.outputs = node.outputs
                node = new
            nodes.append(node)
        program = Program(nodes, program.inputs, program.outputs)
    return program


def _same_type(a, b):
    return (a.shape == b.shape and a.shape.is_fully_defined() and a.dtype == b.dtype)


def _op_of(t, producers):
    node = producers.get(id(t))
    return None if node is None else node.op.name


def fold_constants(program):
    """Computes nodes whose inputs are all constants once, at optimization time."""
    producers = program.producers()
    nodes = []
    for node in program.nodes:
        if (node.op.name in _FILL_LIKE and len(node.outputs) == 1
                and node.outputs[0].shape.is_fully_defined()):
            out = node.outputs[0]  # depends on the input's shape only, which is static
            value = _FILL_LIKE[node.op.name](tuple(out.shape), out.dtype._np)
            const = Node(CONST, (), {}, node.name, value=value[()] if not out.shape else value)
            const.outputs = node.outputs
            producers[id(out)] = const
            nodes.append(const)
            continue
        shape_only = _SHAPE_ONLY.get(node.op.name, ())
        foldable = (node.inputs and node.op not in SPECIAL and not node.op.stateful
                    and node.outputs and node.op.forward is not None
                    and all(_const_value(t, producers) is not None
                            or (k in shape_only and t.shape.is_fully_defined())
                            for k, t in enumerate(node.inputs)))
        if foldable:
            arrays = [_const_value(t, producers) if k not in shape_only
                      else np.empty(tuple(t.shape), t.dtype._np)
                      for k, t in enumerate(node.inputs)]
            try:
                out = node.op.forward(np, *arrays, **node.attrs)
            except Exception:  # noqa: BLE001 - leave it to fail at run time, as eager would
                nodes.append(node)
                continue
            outs = (out,) if node.op.n_out == 1 else tuple(out)
            for t, value in zip(node.outputs, outs):
                const = Node(CONST, (), {}, node.name, value=value)
                const.outputs = (t,)
                producers[id(t)] = const
                nodes.append(const)
            continue
        nodes.append(node)
    return Program(nodes, program.inputs, program.outputs)


def common_subexpressions(program):
    """Merges nodes computing the same op on the same inputs; reads of a variable are merged
    only between two assigns of it."""
    seen, replace, epoch = {}, {}, {}

    def get(t):
        return replace.get(id(t), t)

    for node in program.nodes:
        op = node.op
        if op is ASSIGN:
            epoch[id(node.var)] = epoch.get(id(node.var), 0) + 1
            continue
        if op is READ and node.var is not None:
            key = ("read", id(node.var), epoch.get(id(node.var), 0))
        elif op in SPECIAL or op.stateful or not node.outputs:
            continue
        else:
            try:
                key = (id(op), tuple(id(get(t)) for t in node.inputs),
                       tuple(sorted(node.attrs.items())))
                hash(key)
            except TypeError:
                continue
        first = seen.get(key)
        if first is None:
            seen[key] = node
        else:
            for a, b in zip(node.outputs, first.outputs):
                replace[id(a)] = b
    return _rebuild(program, replace)


def dead_code(program, keep_side_effects=True):
    """Drops nodes that no output and no side effect needs."""
    producers = program.producers()
    live = set()
    stack = [producers[id(t)] for t in program.outputs if id(t) in producers]
    if keep_side_effects:
        stack += [n for n in program.nodes if n.has_side_effect]
    stack += [producers[id(t)] for t in program.inputs if id(t) in producers]
    while stack:
        node = stack.pop()
        if id(node) in live:
            continue
        live.add(id(node))
        stack.extend(producers[id(t)] for t in node.inputs if id(t) in producers)
    return _rebuild(program, {}, keep=live)


# The cross-entropy from a log-softmax already computed (made only by the fusion below).
_CE_FROM_LOG_SOFTMAX = Op(
    "softmax_cross_entropy_from_log_softmax",
    lambda xp, labels, log_p, axis: -xp.sum(labels * log_p, axis=axis))


def fuse_softmax_cross_entropy(program):
    """Softmax cross-entropy and its gradient share one log-softmax.

    The forward kernel computes ``log_softmax(logits)`` and the gradient computes it again; when
    both are in the program, the log-softmax node moves up to the loss and the loss is taken
    from it.
    """
    log_softmax = {(id(n.inputs[0]), n.attrs.get("axis")): n for n in program.nodes
                   if n.op.name == "log_softmax" and len(n.inputs) == 1}
    if not log_softmax:
        return program
    moved, nodes = set(), []
    position = {id(n): k for k, n in enumerate(program.nodes)}
    for node in program.nodes:
        if id(node) in moved:
            continue
        hit = None
        if node.op.name == "softmax_cross_entropy_with_logits" and len(node.inputs) == 2:
            hit = log_softmax.get((id(node.inputs[1]), node.attrs.get("axis")))
        if hit is None or id(hit) in moved or position[id(hit)] < position[id(node)]:
            nodes.append(node)
            continue
        moved.add(id(hit))
        fused = Node(_CE_FROM_LOG_SOFTMAX, (node.inputs[0], hit.outputs[0]), node.attrs,
                     node.name)
        fused.outputs = node.outputs
        nodes += [hit, fused]
    return Program(nodes, program.inputs, program.outputs)
