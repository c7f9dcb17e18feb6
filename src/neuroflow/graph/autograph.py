"""A small AutoGraph, run-time half: the operators that converted code calls.

``ag_transform`` rewrites a function's Python ``if``/``while``/``for``/``and``/``or``/``not``
(and the ``return``/``break``/``continue`` inside them) into calls of the functions below. On
Python values they behave exactly as the original statements; on traced tensors they become
``nf.cond`` / ``nf.while_loop`` / logical ops.
"""

from ..core import nest
from ..core.convert import convert_to_tensor
from ..core.ops import index as _index
from ..core.ops import math as _m
from ..core.ops import shape as _shape
from ..core.tensor import Tensor
from . import control
from .symbolic import SymbolicTensor


class Undefined:
    """The value of a variable that a converted block did not define (on every path).

    Any use raises a ValueError naming the variable, as TF's AutoGraph does.
    """

    __slots__ = ("name",)

    def __init__(self, name=None):
        self.name = name

    def error(self):
        """The error raised when this variable is used."""
        return ValueError(f"'{self.name}' must be defined in both branches of an `if` on a "
                          "tensor (and before it, if one branch leaves it alone), and before a "
                          "loop on a tensor that reads it")

    def _fail(self, *args, **kwargs):
        raise self.error()

    def __repr__(self):
        return f"<undefined {self.name!r}>"


for _dunder in ("__bool__", "__call__", "__getitem__", "__iter__", "__len__", "__float__",
                "__int__", "__index__", "__neg__", "__add__", "__radd__", "__sub__", "__rsub__",
                "__mul__", "__rmul__", "__truediv__", "__rtruediv__", "__matmul__", "__lt__",
                "__le__", "__gt__", "__ge__", "__pow__", "__array__"):
    setattr(Undefined, _dunder, Undefined._fail)

UNDEFINED = Undefined()


def ld(read):
    """The current value of a variable, or UNDEFINED."""
    try:
        return read()
    except (NameError, UnboundLocalError):
        return UNDEFINED


def _symbolic(x):
    return isinstance(x, SymbolicTensor)


def _undefined(x):
    return isinstance(x, Undefined)


def if_stmt(test, true_fn, false_fn, init, names):
    """``if test:`` as ``nf.cond`` when ``test`` is a traced tensor; else plain Python.

    A variable defined in only one branch is left undefined after the ``if`` (an error only if
    it is used later), so branch-local temporaries and early ``return``s need no care.
    """
    if not _symbolic(test):
        return true_fn(*init) if test else false_fn(*init)
    defined, values = {}, {}

    def branch(fn, key):
        def run():
            out = fn(*init)
            defined[key] = [not _undefined(v) for v in out]
            values[key] = [v for v in out if not _undefined(v)]
            return values[key]
        return run

    graph = control.enclosing_graph([test])
    g_true, _ = control.trace_branch(graph, "cond_true", branch(true_fn, True))
    g_false, _ = control.trace_branch(graph, "cond_false", branch(false_fn, False))
    common = [a and b for a, b in zip(defined[True], defined[False])]
    for g, key in ((g_true, True), (g_false, False)):   # keep the names both branches define
        flags = [c for c, d in zip(common, defined[key]) if d]
        g.outputs = _common_outputs(g, flags, values[key])
    flags = [c for c, d in zip(common, defined[True]) if d]
    kept = [v for v, c in zip(values[True], flags) if c]
    outs = iter(nest.pack_sequence_as(kept, control.cond_from_graphs(test, g_true, g_false)))
    return tuple(next(outs) if c else Undefined(n) for c, n in zip(common, names))


def _common_outputs(graph, flags, branch_values):
    """The graph's outputs of the values whose flag is set (a value may be several tensors)."""
    outs, start = [], 0
    for flag, value in zip(flags, branch_values):
        size = len(nest.flatten(value))
        if flag:
            outs += graph.outputs[start:start + size]
        start += size
    return outs


def while_stmt(cond_fn, body_fn, init, names=None):
    """``while test:`` as ``nf.while_loop`` when the test is a traced tensor; else Python."""
    values = tuple(init)
    test = cond_fn(*values)
    while not _symbolic(test):
        if not test:
            return values
        values = tuple(body_fn(*values))
        test = cond_fn(*values)
    keep = [i for i, v in enumerate(values) if not _undefined(v)]   # body temporaries drop

    def full(loop_vars):
        out = [v if not _undefined(v) or names is None else Undefined(names[i])
               for i, v in enumerate(values)]
        for i, v in zip(keep, loop_vars):
            out[i] = v
        return out

    def cond(*loop_vars):
        return cond_fn(*full(loop_vars))

    def body(*loop_vars):
        out = body_fn(*full(loop_vars))
        return [out[i] for i in keep]

    result = control.while_loop(cond, body, [values[i] for i in keep])
    return tuple(full(result))


def for_stmt(iterable, extra_test, body_fn, init, names):
    """``for x in iterable:`` as ``nf.while_loop`` over the first axis when ``iterable`` is a
    traced tensor (``nf.range(n)`` with a traced ``n``, a function argument); else a Python loop
    (a list, ``range``, an eager tensor, a ``Dataset``: unrolled while tracing).

    ``extra_test`` (or None) is the ``not break`` condition that a ``break`` in the body adds.
    """
    if _symbolic(iterable):
        return _tensor_for(iterable, extra_test, body_fn, init, names)
    values = tuple(init)
    for item in iterable:
        test = True if extra_test is None else extra_test(*values)
        if _symbolic(test):   # a `break` decided by a tensor: guard the rest of the iterations
            values = if_stmt(test, lambda *v, item=item: body_fn(item, *v), lambda *v: v,
                             values, names)
            continue
        if not test:
            break
        values = tuple(body_fn(item, *values))
    return values


def _tensor_for(iterable, extra_test, body_fn, init, names):
    if iterable.shape.rank == 0:
        raise TypeError("Cannot iterate over a scalar (rank 0) tensor")
    n = _shape.shape(iterable)[0]

    def cond(i, *values):
        test = _m.less(i, n)
        if extra_test is None:
            return test
        return and_(lambda: test, lambda: extra_test(*values))

    def body(i, *values):
        item = _index.gather(iterable, i)
        return (_m.add(i, 1), *body_fn(item, *values))

    start = convert_to_tensor(0, dtype="int32")
    return while_stmt(cond, body, (start, *init), (None, *names))[1:]


def and_(*operands):
    """``a and b`` (operands as thunks): ``logical_and`` on traced tensors."""
    value = operands[0]()
    for thunk in operands[1:]:
        if _symbolic(value):
            value = _m.logical_and(value, thunk())
        elif not value:
            return value
        else:
            value = thunk()
    return value


def or_(*operands):
    """``a or b`` (operands as thunks): ``logical_or`` on traced tensors."""
    value = operands[0]()
    for thunk in operands[1:]:
        if _symbolic(value):
            value = _m.logical_or(value, thunk())
        elif value:
            return value
        else:
            value = thunk()
    return value


def not_(value):
    """``not x``: ``logical_not`` on traced tensors."""
    return _m.logical_not(value) if isinstance(value, Tensor) and _symbolic(value) else not value
