"""The op registry and ``bind``, the one dispatch point every op goes through.

An ``Op`` holds a forward kernel written against the array namespace ``xp`` (NumPy or CuPy),
a gradient rule written in neuroflow ops, and shape/dtype rules for tracing. ``bind`` runs
the kernel eagerly and records it on active GradientTapes, or hands it to the active graph
tracer; eager mode, tapes, graphs and higher-order gradients therefore share one definition.
"""

import numpy as np

from ..backend import device as _device
from ..backend.dtypes import allowed_names
from ..backend.errors import InvalidArgumentError, InvalidDTypeError
from .shape import TensorShape
from .tensor import OperatorNotAllowedInGraphError, Tensor

REGISTRY = {}      # name -> Op
_tracers = []      # active graph tracers; the innermost is last
_tapes = []        # GradientTapes inside their ``with`` block


class Op:
    """A primitive operation: forward kernel, gradient rule, shape and dtype rules.

    Args:
        name: unique name, as the op's public function is called (``'matmul'``).
        forward: ``forward(xp, *arrays, **attrs) -> array`` (a tuple if ``n_out > 1``).
        grad: ``grad(gy, y, *inputs, **attrs) -> tuple`` of one gradient (or None) per input,
            written in neuroflow ops; ``gy``/``y`` are tuples when ``n_out > 1``. None means
            the op is not differentiable.
        shape: ``shape(*input_shapes, **attrs) -> TensorShape`` (tuple of them if ``n_out > 1``)
            for symbolic inputs; raises ValueError on incompatible shapes.
        dtype: ``dtype(*input_dtypes, **attrs) -> DType``; default: the first input's dtype.
        n_out: number of outputs.
        stateful: True for ops whose result is not a function of their inputs (random ops),
            which graph passes must never fold or merge.
        fresh: True when the kernel always returns new buffers, never views of its inputs,
            so that compiled graphs may write later results over them.
        dtypes: the input dtypes the op accepts, as TF registers them: one tuple of dtype
            names from ``backend.dtypes`` (``FLOATING``, ``NUMBER``, ...) for every input, or
            a tuple of such tuples (None: any dtype), one per input. ``bind`` rejects other
            dtypes with ``InvalidDTypeError`` before anything runs or is traced.
    """

    __slots__ = ("name", "forward", "grad", "shape", "dtype", "n_out", "stateful", "fresh",
                 "dtypes")

    def __init__(self, name, forward, grad=None, shape=None, dtype=None, n_out=1, stateful=False,
                 fresh=False, dtypes=None):
        self.name, self.forward, self.grad = name, forward, grad
        self.shape, self.dtype, self.n_out, self.stateful = shape, dtype, n_out, stateful
        self.fresh = fresh
        self.dtypes = dtypes

    def bind(self, *inputs, **attrs):
        """Applies the op to tensors ``inputs``; see ``bind``."""
        return bind(self, inputs, attrs)

    def __repr__(self):
        return f"<Op {self.name}>"


def check_dtypes(op, inputs):
    """Raises ``InvalidDTypeError`` (TF's message) unless every input's dtype is allowed."""
    spec = op.dtypes
    for i, t in enumerate(inputs):
        allowed = spec if isinstance(spec[0], str) else spec[i] if i < len(spec) else None
        if allowed is not None and t.dtype.name not in allowed:
            raise dtype_error(op.name, t.dtype, allowed)


def dtype_error(op_name, dtype, allowed, attr="T"):
    """TF's error for a tensor of a dtype the op is not registered for."""
    return InvalidDTypeError(f"{op_name}: Value for attr '{attr}' of {dtype.name} is not in the "
                             f"list of allowed values: {allowed_names(allowed)}")


def defop(name, forward, **rules):
    """Creates and registers an ``Op`` (see its arguments); names must be unique."""
    if name in REGISTRY:
        raise ValueError(f"An op named {name!r} is already registered")
    op = REGISTRY[name] = Op(name, forward, **rules)
    return op


def bind(op, inputs, attrs):
    """Runs ``op`` on the tensors ``inputs`` with keyword ``attrs``: traced, or eager and taped."""
    if op.dtypes is not None:
        check_dtypes(op, inputs)
    if _tracers:
        return _tracers[-1].bind(op, inputs, attrs)
    try:
        arrays = [t._value for t in inputs]
    except OperatorNotAllowedInGraphError:
        return _bind_symbolic(op, inputs, attrs)
    xp = np if _device._cupy is None else _xp_of(arrays)
    try:
        out = op.forward(xp, *arrays, **attrs)
    except (ValueError, TypeError, IndexError, np.linalg.LinAlgError) as error:
        raise _op_error(op, inputs, attrs, error) from None
    result = Tensor(out) if op.n_out == 1 else tuple(Tensor(o) for o in out)
    if _tapes:
        record(op, inputs, attrs, result)
    return result


def _bind_symbolic(op, inputs, attrs):
    """An op on a symbolic tensor outside any trace (a TF1 graph): it is added to its graph."""
    for t in inputs:
        graph = getattr(t, "_graph", None)
        if graph is not None:
            return graph.bind(op, inputs, attrs)
    raise OperatorNotAllowedInGraphError(f"{op.name}: an input has no value")


def _xp_of(arrays):
    for a in arrays:
        xp = _device.get_array_module(a)
        if xp is not np:
            return xp
    return np


def _op_error(op, inputs, attrs, error):
    """A clear error naming the op and its inputs' shapes and dtypes."""
    if isinstance(error, InvalidArgumentError) or (
            isinstance(error, TypeError) and str(error).startswith(op.name + ":")):
        return error
    message = str(error)
    if op.shape is not None:
        try:
            op.shape(*[TensorShape(t.shape) for t in inputs], **attrs)
        except ValueError as rule_error:
            message = str(rule_error)
    if not message.startswith(op.name + ":"):
        described = ", ".join(f"{tuple(t.shape)} {t.dtype.name}" for t in inputs)
        message = f"{op.name}: {message} (inputs: {described})"
    return InvalidArgumentError(message)


# -- recording on tapes ------------------------------------------------------------------------
READ = Op("read_variable", lambda xp, x: x, grad=lambda gy, y, x: (gy,), shape=lambda s: s)
REGISTRY["read_variable"] = READ


def record(op, inputs, attrs, result):
    """Appends the op to every recording tape that watches one of its inputs."""
    tapes = [tape for tape in _tapes if tape._recording]
    if not tapes:
        return
    if any(t._is_variable for t in inputs):
        inputs = tuple(_read(t, tapes) if t._is_variable else t for t in inputs)
    outputs = result if op.n_out > 1 else (result,)
    for tape in tapes:
        watched = tape._watched
        if any(id(t) in watched for t in inputs):
            tape._entries.append((op, inputs, attrs, outputs))
            for t in outputs:
                watched[id(t)] = t


def _read(var, tapes, snapshot=None):
    """A tensor snapshot of ``var`` recorded as its read, so later assigns cannot leak in.

    A graph tracer passes its symbolic read of ``var`` as ``snapshot``.
    """
    if snapshot is None:
        snapshot = Tensor(var._value)
    for tape in tapes:
        if id(var) not in tape._watched and var.trainable and tape._watch_accessed_variables:
            tape._watched[id(var)] = var
        if id(var) in tape._watched:
            tape._entries.append((READ, (var,), {}, (snapshot,)))
            tape._watched[id(snapshot)] = snapshot
    return snapshot


def current_tracer():
    """The innermost active graph tracer, or None in eager mode."""
    return _tracers[-1] if _tracers else None


def executing_eagerly():
    """True unless a function is being traced into a graph."""
    return not _tracers
