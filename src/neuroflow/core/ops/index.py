"""Indexing: ``tensor[...]`` (ints, slices with steps, ``...``, None), gather, boolean_mask."""

import numpy as np

from ..registry import bind, defop
from ..shape import TensorShape
from ._base import tensor

__all__ = []


def _normalize_key(key):
    """A hashable index key with Python ints and slices only (tensor indices read out)."""
    if not isinstance(key, tuple):
        key = (key,)
    out = []
    for k in key:
        if hasattr(k, "numpy"):
            k = k.numpy()
            k = k.item() if np.ndim(k) == 0 else k
        if isinstance(k, np.integer):
            k = int(k)
        if isinstance(k, slice):
            k = slice(*(None if v is None else int(v) for v in (k.start, k.stop, k.step)))
        elif not (k is None or k is Ellipsis or isinstance(k, int)):
            raise TypeError(f"Only integers, slices, '...', None and scalar integer tensors are "
                            f"valid indices; got {k!r} (use nf.gather / nf.boolean_mask)")
        out.append(k)
    return tuple(out)


def _getitem_rule(x, key):
    probe = np.empty([1 if d is None else d for d in x], dtype=np.bool_)
    try:
        shape = probe[key].shape
    except IndexError as error:
        raise ValueError(f"getitem: index {key} is out of range for shape {tuple(x)}: "
                         f"{error}") from None
    return TensorShape(shape)


def _getitem_forward(xp, x, key):
    try:
        return x[key]
    except IndexError as error:
        raise ValueError(f"getitem: {error} (index {key}, shape {x.shape})") from None


def _scatter_forward(xp, g, x, key):
    out = xp.zeros(x.shape, dtype=g.dtype)
    out[key] = g
    return out


_GETITEM = defop("getitem", _getitem_forward,
                 grad=lambda gy, y, x, key: (bind(_SCATTER, (gy, x), {"key": key}),),
                 shape=_getitem_rule)
_SCATTER = defop("getitem_grad", _scatter_forward,
                 grad=lambda gy, y, g, x, key: (bind(_GETITEM, (gy,), {"key": key}), None),
                 shape=lambda g, x, key: x)


def getitem(x, key):
    """``x[key]`` with NumPy basic indexing; differentiable."""
    return bind(_GETITEM, (tensor(x),), {"key": _normalize_key(key)})

