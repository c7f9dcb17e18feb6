"""Shape ops and tensor creation: reshape, transpose, concat/stack/split, pad, tile, fill, ..."""

import numpy as np

from ...backend.dtypes import as_dtype
from ..registry import bind, defop
from ..shape import TensorShape
from ._base import check_axis, same_dtype, sum_like, tensor

__all__ = ["reshape", "transpose", "expand_dims", "stack", "broadcast_to", "zeros", "ones",
           "one_hot", "identity", "stop_gradient", "unstack", "reshape_like"]


def _static(shape, op_name):
    """A shape argument (list, tuple, TensorShape or int tensor) as a tuple of ints."""
    if hasattr(shape, "numpy") and not isinstance(shape, TensorShape):
        shape = shape.numpy().tolist()
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    try:
        return tuple(-1 if d is None else int(d) for d in shape)
    except TypeError:
        raise TypeError(f"{op_name}: shape must be a list of ints, got {shape!r}") from None


def _reshape_rule(x, shape):
    known = [d for d in shape if d != -1]
    if shape.count(-1) > 1:
        raise ValueError(f"reshape: at most one dimension may be -1, got {shape}")
    size = TensorShape(x).num_elements()
    if -1 in shape:
        rest = int(np.prod(known)) if known else 1
        if size is None or rest == 0:
            return TensorShape(None if d == -1 else d for d in shape)
        if size % rest:
            raise ValueError(f"reshape: cannot reshape a tensor of shape {tuple(x)} "
                             f"({size} elements) into shape {shape}")
        return TensorShape(size // rest if d == -1 else d for d in shape)
    if size is not None and size != int(np.prod(shape)):
        raise ValueError(f"reshape: cannot reshape a tensor of shape {tuple(x)} ({size} "
                         f"elements) into shape {shape} ({int(np.prod(shape))} elements)")
    return TensorShape(shape)


_RESHAPE = defop("reshape", lambda xp, x, shape: xp.reshape(x, shape),
                 grad=lambda gy, y, x, shape: (reshape_like(gy, x),),
                 shape=_reshape_rule)
_RESHAPE_LIKE = defop("reshape_like", lambda xp, x, ref: xp.reshape(x, np.shape(ref)),
                      grad=lambda gy, y, x, ref: (reshape_like(gy, x), None),
                      shape=lambda x, ref: ref)


def reshape(tensor_, shape, name=None):
    """Returns ``tensor_`` with a new shape holding the same elements; one dim may be -1.

    Example:
        >>> nf.reshape(nf.range(6), [2, -1]).shape
        TensorShape([2, 3])
    """
    x = tensor(tensor_)
    shape = _static(shape, "reshape")
    if x.shape == shape:
        return x
    return bind(_RESHAPE, (x,), {"shape": shape})


def reshape_like(x, ref):
    """Reshapes ``x`` to ``ref``'s (run-time) shape."""
    if x.shape == ref.shape and None not in x.shape:
        return x
    return bind(_RESHAPE_LIKE, (x, ref), {})


def _transpose_rule(x, perm):
    if sorted(perm) != list(range(len(x))):
        raise ValueError(f"transpose: perm {list(perm)} is not a permutation of the "
                         f"{len(x)} axes of a tensor of shape {tuple(x)}")
    return TensorShape(x[p] for p in perm)


_TRANSPOSE = defop("transpose", lambda xp, x, perm: xp.transpose(x, perm),
                   grad=lambda gy, y, x, perm: (transpose(gy, np.argsort(perm).tolist()),),
                   shape=_transpose_rule)


def transpose(a, perm=None, conjugate=False, name=None):
    """Permutes the axes of ``a``; by default reverses them."""
    x = tensor(a)
    perm = tuple(range(x.ndim))[::-1] if perm is None else tuple(
        int(p) % max(x.ndim, 1) for p in _static(perm, "transpose"))
    if perm == tuple(range(x.ndim)):
        return x
    return bind(_TRANSPOSE, (x,), {"perm": perm})


def expand_dims(input, axis, name=None):  # noqa: A002 - TF's name
    """Inserts a dimension of size 1 at ``axis`` (negative counts from the end)."""
    x = tensor(input)
    axis = check_axis(axis, x.ndim + 1, "expand_dims")
    dims = list(x.shape)
    dims.insert(axis, 1)
    return reshape(x, dims)


def _stack_forward(xp, *xs, axis):
    return xp.stack(xs, axis=axis)


def _stack_rule(*shapes, axis):
    first = TensorShape(shapes[0])
    for s in shapes[1:]:
        if not first.is_compatible_with(s):
            raise ValueError(f"stack: all inputs must have the same shape, got "
                             f"{[tuple(s) for s in shapes]}")
    dims = list(first)
    dims.insert(axis, len(shapes))
    return TensorShape(dims)


def _stack_grad(gy, y, *xs, axis):
    return tuple(unstack(gy, axis=axis))


_STACK = defop("stack", _stack_forward, grad=_stack_grad, shape=_stack_rule)


def stack(values, axis=0, name=None):
    """Stacks a list of same-shape tensors along a new ``axis``."""
    values = [tensor(v) for v in values]
    if not values:
        raise ValueError("stack: values must be a non-empty list")
    same_dtype(values, "stack")
    axis = check_axis(axis, values[0].ndim + 1, "stack")
    return bind(_STACK, tuple(values), {"axis": axis})


def _unstack_forward(xp, x, axis, num):
    return tuple(xp.take(x, i, axis=axis) for i in range(num))


def _unstack_rule(x, axis, num):
    dims = list(x)
    del dims[axis]
    return tuple(TensorShape(dims) for _ in range(num))


_UNSTACK_OPS = {}


def unstack(value, num=None, axis=0, name=None):
    """Splits ``value`` along ``axis`` into a list of tensors of one rank less."""
    x = tensor(value)
    axis = check_axis(axis, x.ndim, "unstack")
    n = x.shape[axis] if num is None else num
    if n is None:
        raise ValueError("unstack: the size of the unstacked axis must be known (give num=)")
    op = _UNSTACK_OPS.get(n)
    if op is None:
        op = _UNSTACK_OPS[n] = defop(
            f"unstack_{n}", _unstack_forward, n_out=n, shape=_unstack_rule,
            grad=lambda gy, y, x, axis, num: (stack(list(gy), axis=axis),))
    if n == 1:
        return [reshape(x, [d for i, d in enumerate(x.shape) if i != axis])]
    return list(bind(op, (x,), {"axis": axis, "num": n}))


def _broadcast_rule(x, shape):
    out = list(shape)
    lead = len(out) - len(x)
    if lead < 0:
        raise ValueError(f"broadcast_to: cannot broadcast shape {tuple(x)} to {tuple(shape)}")
    for i, d in enumerate(x):
        if d not in (1, None) and d != out[lead + i]:
            raise ValueError(f"broadcast_to: cannot broadcast shape {tuple(x)} to "
                             f"{tuple(shape)}")
    return TensorShape(out)


_BROADCAST = defop("broadcast_to", lambda xp, x, shape: xp.broadcast_to(x, shape),
                   grad=lambda gy, y, x, shape: (sum_like(gy, x),), shape=_broadcast_rule)


def broadcast_to(input, shape, name=None):  # noqa: A002 - TF's name
    """Broadcasts ``input`` to ``shape`` (NumPy rules)."""
    x = tensor(input)
    shape = _static(shape, "broadcast_to")
    if x.shape == shape:
        return x
    return bind(_BROADCAST, (x,), {"shape": shape})


_FILL = defop("fill", lambda xp, value, shape: xp.full(shape, value, dtype=value.dtype),
              grad=lambda gy, y, value, shape: (None,),
              shape=lambda value, shape: TensorShape(shape))


def zeros(shape, dtype="float32", name=None):
    """A tensor of zeros of ``shape`` and ``dtype`` (default float32)."""
    return bind(_FILL, (tensor(0, as_dtype(dtype)),), {"shape": _static(shape, "zeros")})


def ones(shape, dtype="float32", name=None):
    """A tensor of ones of ``shape`` and ``dtype`` (default float32)."""
    return bind(_FILL, (tensor(1, as_dtype(dtype)),), {"shape": _static(shape, "ones")})


def _one_hot_forward(xp, indices, depth, on_value, off_value, axis):
    eye = xp.arange(depth) == xp.expand_dims(indices, -1)
    out = xp.where(eye, on_value, off_value)
    return xp.moveaxis(out, -1, axis) if axis != -1 else out


def _one_hot_rule(indices, depth, on_value, off_value, axis):
    dims = list(indices)
    dims.insert(len(dims) if axis == -1 else axis, depth)
    return TensorShape(dims)


_ONE_HOT = defop("one_hot", _one_hot_forward, shape=_one_hot_rule,
                 dtype=lambda i, depth, on_value, off_value, axis: as_dtype(np.asarray(
                     on_value).dtype))


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """One-hot encodes integer ``indices`` into vectors of length ``depth`` (float32 default).

    Out-of-range indices (e.g. -1) give rows of ``off_value``.
    """
    indices = tensor(indices)
    if not indices.dtype.is_integer:
        raise TypeError(f"one_hot: indices must be integers, got {indices.dtype.name}")
    dtype = as_dtype(dtype or "float32")
    on = np.asarray(1 if on_value is None else on_value, dtype._np)
    off = np.asarray(0 if off_value is None else off_value, dtype._np)
    return bind(_ONE_HOT, (indices,), {"depth": int(depth), "on_value": on,
                                       "off_value": off, "axis": -1 if axis is None else axis})


_IDENTITY = defop("identity", lambda xp, x: x, grad=lambda gy, y, x: (gy,),
                  shape=lambda x: x)
_STOP_GRADIENT = defop("stop_gradient", lambda xp, x: x, grad=lambda gy, y, x: (None,),
                       shape=lambda x: x)


def identity(input, name=None):  # noqa: A002 - TF's name
    """Returns a tensor with the same value as ``input`` (a variable's current value)."""
    return bind(_IDENTITY, (tensor(input),), {})


def stop_gradient(input, name=None):  # noqa: A002 - TF's name
    """Returns ``input``; gradients do not flow through it."""
    return bind(_STOP_GRADIENT, (tensor(input),), {})

