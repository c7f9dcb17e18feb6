"""What every op module shares: argument conversion, shape rules, broadcasting gradients."""

import numpy as np

from ...backend.dtypes import FLOATING, as_dtype
from ...backend.errors import InvalidArgumentError, InvalidDTypeError
from ..convert import convert_to_tensor, to_array, _on_device
from ..registry import bind, defop, dtype_error
from ..shape import TensorShape
from ..tensor import Tensor

__all__ = []


def tensor(x, dtype=None):
    """``x`` as a Tensor (tensors pass through untouched)."""
    return x if isinstance(x, Tensor) else convert_to_tensor(x, dtype=dtype)


def pair(x, y, op_name):
    """``x, y`` as tensors of one dtype: a Python value takes the other operand's dtype.

    Raises:
        InvalidDTypeError: (a TypeError and TF's InvalidArgumentError) when two tensors have
            different dtypes (no silent promotion, as in TF).
    """
    if isinstance(x, Tensor):
        if isinstance(y, Tensor):
            if x.dtype is not y.dtype:
                raise InvalidDTypeError(f"{op_name}: x and y must have the same dtype, got "
                                f"{x.dtype.name} and {y.dtype.name}")
            return x, y
        return x, Tensor(_on_device(to_array(y, x.dtype)))
    if isinstance(y, Tensor):
        return Tensor(_on_device(to_array(x, y.dtype))), y
    x = convert_to_tensor(x)
    return pair(x, y, op_name)


def same_dtype(tensors, op_name):
    """Checks that all ``tensors`` share a dtype (else ``InvalidDTypeError``); returns it."""
    dtype = tensors[0].dtype
    for t in tensors[1:]:
        if t.dtype is not dtype:
            raise InvalidDTypeError(f"{op_name}: all inputs must have the same dtype, got "
                            f"{[t.dtype.name for t in tensors]}")
    return dtype


def floating(x, op_name):
    """Raises ``InvalidDTypeError`` (TF's message) unless ``x`` is a floating-point tensor."""
    if not x.dtype.is_floating:
        raise dtype_error(op_name, x.dtype, FLOATING)
    return x


# -- shape rules ------------------------------------------------------------------------------
def same_shape(shape, *rest, **attrs):
    """Shape rule of elementwise unary ops: the output has the input's shape."""
    return shape


def broadcast_shapes(op_name, *shapes):
    """NumPy broadcasting of shapes with unknown (None) dims; ValueError names the op."""
    rank = max(len(s) for s in shapes)
    out = []
    for dims in zip(*[(1,) * (rank - len(s)) + tuple(s) for s in shapes]):
        known = {d for d in dims if d is not None and d != 1}
        if len(known) > 1:
            raise ValueError(f"{op_name}: shapes {' and '.join(str(tuple(s)) for s in shapes)} "
                             "are not broadcast-compatible")
        if known:
            out.append(known.pop())
        elif None in dims:
            out.append(None)
        else:
            out.append(1)
    return TensorShape(out)


def broadcast_rule(op_name):
    """Shape rule of elementwise n-ary ops: the broadcast of the input shapes."""
    return lambda *shapes, **attrs: broadcast_shapes(op_name, *shapes)


def bool_dtype(*dtypes, **attrs):
    """Dtype rule of comparisons and logical ops."""
    return as_dtype("bool")


# -- gradients of broadcasting ops -----------------------------------------------------------
def _sum_like_forward(xp, g, x):
    shape = np.shape(x)
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, d in enumerate(shape) if d == 1 and g.shape[i + lead] != 1)
    return xp.sum(g, axis=axes, keepdims=True).reshape(shape) if axes else g.reshape(shape)


def _broadcast_like_forward(xp, g, y):
    return xp.broadcast_to(g, np.shape(y)) if np.shape(g) != np.shape(y) else g


SUM_LIKE = defop("sum_like", _sum_like_forward,
                 grad=lambda gy, y, g, x: (broadcast_like(gy, g), None),
                 shape=lambda g, x: x)
BROADCAST_LIKE = defop("broadcast_like", _broadcast_like_forward,
                       grad=lambda gy, y, g, ref: (sum_like(gy, g), None),
                       shape=lambda g, ref: ref)


def sum_like(g, x):
    """Sums ``g`` over the axes along which ``x`` was broadcast, giving ``x``'s shape."""
    gs, xs = g.shape, x.shape
    if gs == xs and None not in gs:
        return g
    return bind(SUM_LIKE, (g, x), {})


def broadcast_like(g, y):
    """Broadcasts ``g`` to ``y``'s shape."""
    gs, ys = g.shape, y.shape
    if gs == ys and None not in gs:
        return g
    return bind(BROADCAST_LIKE, (g, y), {})


def check_axis(axis, rank, op_name):
    """Normalizes an int axis into ``[0, rank)``; InvalidArgumentError when out of range."""
    axis = int(axis)
    if not -rank <= axis < max(rank, 1):
        raise InvalidArgumentError(f"{op_name}: axis {axis} is out of range for a tensor of "
                                   f"rank {rank}")
    return axis % rank if rank else 0
