"""Reductions over axes: sum, mean, max, min, prod, logsumexp, any, all, std, variance, ..."""

import numpy as np

from ..registry import bind, defop
from ..shape import TensorShape
from ._base import broadcast_like, check_axis, tensor
from .shape import reshape, reshape_like

__all__ = ["reduce_sum", "reduce_mean"]


def normalize_axes(axis, rank, op_name):
    """``axis`` (None, int or list) as a sorted tuple of non-negative axes."""
    if axis is None:
        return tuple(range(rank))
    if hasattr(axis, "numpy"):
        axis = axis.numpy().tolist()
    axes = [axis] if isinstance(axis, (int, np.integer)) else list(axis)
    return tuple(sorted({check_axis(a, rank, op_name) for a in axes}))


def reduced_shape(x, axes, keepdims):
    """Shape rule shared by reductions."""
    if keepdims:
        return TensorShape(1 if i in axes else d for i, d in enumerate(x))
    return TensorShape(d for i, d in enumerate(x) if i not in axes)


def keep_dims_like(gy, x, axes, keepdims):
    """Re-inserts reduced axes into ``gy`` (as size 1) so it broadcasts against ``x``."""
    if keepdims or not axes:
        return gy
    dims = list(gy.shape)
    for a in axes:
        dims.insert(a, 1)
    if None in dims:
        return reshape_like(gy, _kept_ref(x, axes))
    return reshape(gy, dims)


def _kept_ref(x, axes):
    return reduce_sum(x, axis=list(axes), keepdims=True)


_SUM = defop("reduce_sum",
             lambda xp, x, axes, keepdims: xp.sum(x, axis=axes, keepdims=keepdims,
                                                   dtype=x.dtype),
             grad=lambda gy, y, x, axes, keepdims: (
                 broadcast_like(keep_dims_like(gy, x, axes, keepdims), x),),
             shape=lambda x, axes, keepdims: reduced_shape(x, axes, keepdims))


def reduce_sum(input_tensor, axis=None, keepdims=False, name=None):
    """Sums over ``axis`` (None: all axes; int or list).

    Example:
        >>> nf.reduce_sum([[1, 2], [3, 4]], axis=0).numpy()
        array([4, 6], dtype=int32)
    """
    x = tensor(input_tensor)
    axes = normalize_axes(axis, x.ndim, "reduce_sum")
    return bind(_SUM, (x,), {"axes": axes, "keepdims": bool(keepdims)})


def _mean_forward(xp, x, axes, keepdims):
    if x.dtype.kind in "iu":
        n = int(np.prod([x.shape[a] for a in axes])) if axes else 1
        return (xp.sum(x, axis=axes, keepdims=keepdims) // max(n, 1)).astype(x.dtype)
    return xp.mean(x, axis=axes, keepdims=keepdims, dtype=x.dtype)


def _mean_grad(gy, y, x, axes, keepdims):
    g = broadcast_like(keep_dims_like(gy, x, axes, keepdims), x)
    dims = [x.shape[a] for a in axes]
    if None in dims:  # unknown while tracing: count at run time
        return (g / bind(_COUNT, (x,), {"axes": axes}),)
    return (g / int(np.prod(dims)),)


_COUNT = defop("axes_size",
               lambda xp, x, axes: xp.asarray(np.prod([x.shape[a] for a in axes]), x.dtype),
               shape=lambda x, axes: TensorShape(()))


_MEAN = defop("reduce_mean", _mean_forward, grad=_mean_grad,
              shape=lambda x, axes, keepdims: reduced_shape(x, axes, keepdims))


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None):
    """Averages over ``axis`` (integer tensors use integer division, as in TF)."""
    x = tensor(input_tensor)
    axes = normalize_axes(axis, x.ndim, "reduce_mean")
    return bind(_MEAN, (x,), {"axes": axes, "keepdims": bool(keepdims)})
