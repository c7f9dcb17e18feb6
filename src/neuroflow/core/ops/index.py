"""Indexing and selection: ``tensor[...]``, gather, gather_nd, boolean_mask, scatters, reverse,
roll, sort and argsort.

Selections are linear in the selected tensor: each one's gradient is an adjoint op that puts
the gradient back where the values came from (adding where indices repeat), and the adjoint's
own gradient is the selection again, so higher-order gradients work.
"""

import builtins

import numpy as np

from ...backend.dtypes import as_dtype
from ...backend.errors import InvalidArgumentError, InvalidDTypeError
from ..registry import bind, defop
from ..shape import TensorShape
from ..tensor import Tensor
from . import math as _m
from ._base import check_axis, tensor
from .shape import _dims, _ints, add_at, dynamic_dims, reshape

__all__ = ["gather", "gather_nd", "boolean_mask", "scatter_nd", "tensor_scatter_nd_update",
           "tensor_scatter_nd_add", "reverse", "roll", "sort", "argsort"]


# -- tensor[key] -----------------------------------------------------------------------------
# A key is stored as a hashable tuple of ints, None, Ellipsis and ("slice", start, stop, step);
# RUNTIME marks an int or slice bound given as a symbolic scalar tensor (an extra op input).
RUNTIME = "?"
_VALID = ("only integers, slices, '...', nf.newaxis and scalar integer tensors are valid "
          "indices")


def _index_entry(k, runtime):
    """One int index or slice bound as a Python int, or RUNTIME (appending the tensor)."""
    if isinstance(k, Tensor):
        if k.ndim or not k.dtype.is_integer:
            hint = "nf.boolean_mask" if k.dtype.is_bool else "nf.gather"
            raise TypeError(f"getitem: {_VALID}, got a {k.dtype.name} tensor of shape "
                            f"{_dims(k.shape)}; use {hint}")
        try:
            return int(k.numpy())
        except TypeError:  # symbolic while tracing: read when the graph runs
            runtime.append(k)
            return RUNTIME
    if isinstance(k, np.ndarray | np.generic) and not isinstance(k, np.bool_):
        if k.ndim or k.dtype.kind not in "iu":
            hint = "nf.boolean_mask" if k.dtype.kind == "b" else "nf.gather"
            raise TypeError(f"getitem: {_VALID}, got a {k.dtype.name} array of shape "
                            f"{k.shape}; use {hint}")
        return int(k)
    if isinstance(k, int) and not isinstance(k, bool):
        return k
    raise TypeError(f"getitem: {_VALID}, got {k!r} (use nf.gather or nf.boolean_mask)")


def _normalize_key(key):
    """``(key, runtime tensors)``: the key in its stored form (see RUNTIME)."""
    if not isinstance(key, tuple):
        key = (key,)
    out, runtime = [], []
    for k in key:
        if k is None or k is Ellipsis:
            out.append(k)
        elif isinstance(k, builtins.slice):
            out.append(("slice",) + tuple(None if v is None else _index_entry(v, runtime)
                                          for v in (k.start, k.stop, k.step)))
        else:
            out.append(_index_entry(k, runtime))
    return tuple(out), tuple(runtime)


def _expand_key(key, rank):
    """The key with '...' replaced by full slices, one entry per input axis (plus Nones)."""
    if sum(k is Ellipsis for k in key) > 1:
        raise ValueError("getitem: an index can only have a single '...'")
    used = sum(1 for k in key if k is not None and k is not Ellipsis)
    if used > rank:
        raise ValueError(f"getitem: too many indices ({used}) for a tensor of rank {rank}")
    if Ellipsis not in key:
        key = key + (Ellipsis,)
    at = key.index(Ellipsis)
    return key[:at] + (("slice", None, None, None),) * (rank - used) + key[at + 1:]


def _numpy_key(key, values):
    """The key as NumPy indexing, RUNTIME entries filled from the arrays ``values``."""
    values = iter(values)

    def fill(v):
        return int(next(values)) if v == RUNTIME else v

    return tuple(builtins.slice(*(fill(v) for v in k[1:])) if isinstance(k, tuple) else
                 k if k is None or k is Ellipsis else fill(k) for k in key)


def _getitem_rule(x, *runtime, key):
    try:
        full = _expand_key(key, len(x))
    except ValueError as error:
        raise ValueError(f"{error} (tensor shape {_dims(x)})") from None
    dims, axis = [], 0
    for k in full:
        if k is None:
            dims.append(1)
            continue
        d = x[axis]
        if isinstance(k, tuple):
            if k[3] == 0:
                raise ValueError("getitem: slice step cannot be zero")
            known = d is not None and RUNTIME not in k[1:]
            dims.append(len(builtins.range(*builtins.slice(*k[1:]).indices(d))) if known
                        else None)
        elif k != RUNTIME and d is not None and not -d <= k < d:
            raise ValueError(f"getitem: index {k} is out of range for dimension {axis} of "
                             f"size {d} (tensor shape {_dims(x)})")
        axis += 1
    return TensorShape(dims)


def _getitem_forward(xp, x, *runtime, key):
    return xp.asarray(x[_numpy_key(key, runtime)])


def _getitem_grad_forward(xp, g, x, *runtime, key):
    out = xp.zeros(x.shape, g.dtype)
    out[_numpy_key(key, runtime)] = g
    return out


_GETITEM = defop("getitem", _getitem_forward, shape=_getitem_rule,
                 grad=lambda gy, y, x, *runtime, key: (
                     bind(_GETITEM_T, (gy, x) + runtime, {"key": key}),) + (None,) * len(runtime))
_GETITEM_T = defop("getitem_grad", _getitem_grad_forward,
                   shape=lambda g, x, *runtime, key: x,
                   grad=lambda gy, y, g, x, *runtime, key: (
                       bind(_GETITEM, (gy,) + runtime, {"key": key}), None)
                   + (None,) * len(runtime))


def getitem(x, key):
    """``x[key]``: ints (negative count from the end), slices with steps, ``...``, None.

    Scalar integer tensors work as ints, also symbolic ones while tracing. Differentiable;
    the gradient scatters into zeros.

    Raises:
        InvalidArgumentError: for an int index out of range (naming the shape).
        TypeError: for list, float or non-scalar tensor indices (use gather/boolean_mask).

    Example:
        >>> nf.reshape(nf.range(6), [2, 3])[:, ::-1].numpy()
        array([[2, 1, 0],
               [5, 4, 3]], dtype=int32)
    """
    x = tensor(x)
    key, runtime = _normalize_key(key)
    try:
        _getitem_rule(x.shape, *[t.shape for t in runtime], key=key)
    except ValueError as error:
        raise InvalidArgumentError(str(error)) from None
    return bind(_GETITEM, (x,) + runtime, {"key": key})


def setitem(self, key, value):
    """Tensors are immutable: ``t[i] = v`` raises TypeError pointing to the alternatives."""
    raise TypeError("'Tensor' object does not support item assignment: tensors are immutable; "
                    "use nf.tensor_scatter_nd_update (or a Variable's assign)")


# -- gather ----------------------------------------------------------------------------------
def _check_range(xp, indices, sizes, op_name, shape):
    """InvalidArgumentError naming the first index outside ``[0, size)`` (TF does not wrap)."""
    if indices.size == 0:
        return
    sizes = xp.asarray(sizes)
    bad = (indices < 0) | (indices >= sizes)
    if bool(bad.any()):
        pos = np.argwhere(np.asarray(bad.get() if hasattr(bad, "get") else bad))[0]
        if len(sizes.shape):  # gather_nd: one row of coordinates
            row = np.asarray(indices[tuple(pos[:-1])]).tolist()
            where = ",".join(str(p) for p in pos[:-1])
            raise InvalidArgumentError(f"{op_name}: indices[{where}] = {row} does not index "
                                       f"into shape {list(shape)}")
        where = ",".join(str(p) for p in pos)
        raise InvalidArgumentError(
            f"{op_name}: indices[{where}] = {int(indices[tuple(pos)])} is not in "
            f"[0, {int(sizes)}) (params shape {list(shape)})")


def _gather_layout(shape, indices_shape, axis, batch_dims):
    """Sizes for gathering as ``p[k, i]`` on params moved to (batch, axis, middle, rest)."""
    b = batch_dims
    batch, middle, rest = shape[:b], shape[b:axis], shape[axis + 1:]
    n_batch = int(np.prod(batch)) if b else 1
    inner = tuple(indices_shape[b:])
    # p[k, i] has dims (batch, inner, middle, rest); the output wants (batch, middle, inner, rest)
    ni, nm = len(inner), len(middle)
    perm = ((0,) + tuple(builtins.range(1 + ni, 1 + ni + nm)) + tuple(builtins.range(1, 1 + ni))
            + tuple(builtins.range(1 + ni + nm, 1 + ni + nm + len(rest))))
    return n_batch, inner, middle, rest, perm


def _gather_key(xp, indices, n_batch, inner):
    k = xp.arange(n_batch).reshape((n_batch,) + (1,) * len(inner))
    return k, indices.reshape((n_batch,) + inner)


def _gather_forward(xp, params, indices, axis, batch_dims):
    _check_range(xp, indices, params.shape[axis], "gather", params.shape)
    if batch_dims == 0:
        return xp.take(params, indices, axis=axis)
    n_batch, inner, middle, rest, perm = _gather_layout(params.shape, indices.shape, axis,
                                                        batch_dims)
    p = xp.moveaxis(params, axis, batch_dims).reshape(
        (n_batch, params.shape[axis]) + middle + rest)
    out = p[_gather_key(xp, indices, n_batch, inner)].transpose(perm)
    return out.reshape(params.shape[:batch_dims] + middle + inner + rest)


def _gather_grad_forward(xp, g, indices, params, axis, batch_dims):
    shape, b = params.shape, batch_dims
    n_batch, inner, middle, rest, perm = _gather_layout(shape, indices.shape, axis, b)
    g = g.reshape((n_batch,) + middle + inner + rest).transpose(tuple(np.argsort(perm).tolist()))
    out = xp.zeros((n_batch, shape[axis]) + middle + rest, g.dtype)
    add_at(xp, out, _gather_key(xp, indices, n_batch, inner), g)
    return xp.moveaxis(out.reshape(shape[:b] + (shape[axis],) + middle + rest), b, axis)


def _gather_rule(params, indices, axis, batch_dims):
    return TensorShape(params[:axis] + indices[batch_dims:] + params[axis + 1:])


_GATHER = defop("gather", _gather_forward, shape=_gather_rule,
                grad=lambda gy, y, params, indices, axis, batch_dims: (
                    bind(_GATHER_T, (gy, indices, params),
                         {"axis": axis, "batch_dims": batch_dims}), None))
_GATHER_T = defop("gather_grad", _gather_grad_forward,
                  shape=lambda g, indices, params, axis, batch_dims: params,
                  grad=lambda gy, y, g, indices, params, axis, batch_dims: (
                      bind(_GATHER, (gy, indices), {"axis": axis, "batch_dims": batch_dims}),
                      None, None))


_INDEX_DTYPES = ("int8", "int16", "int32", "int64", "uint8")


def _int_indices(indices, op_name):
    indices = tensor(indices)
    if indices.dtype.name not in _INDEX_DTYPES:
        raise InvalidDTypeError(f"{op_name}: indices must be int32 or int64, got "
                                f"{indices.dtype.name}")
    return indices


def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    """Picks slices of ``params`` along ``axis`` at ``indices``.

    The result has shape ``params.shape[:axis] + indices.shape[batch_dims:] +
    params.shape[axis + 1:]``; with ``batch_dims`` b the first b dims of params and indices
    are batch dims gathered pairwise. The gradient adds up over repeated indices.

    Raises:
        InvalidArgumentError: for an index outside ``[0, params.shape[axis])``, as TF on CPU.

    Example:
        >>> nf.gather([10, 20, 30], [2, 0, 2]).numpy()
        array([30, 10, 30], dtype=int32)
    """
    params, indices = tensor(params), _int_indices(indices, "gather")
    b = int(batch_dims)
    if b < 0:
        b += indices.ndim
    axis = b if axis is None else int(axis.numpy() if hasattr(axis, "numpy") else axis)
    axis = check_axis(axis, params.ndim, "gather")
    if not 0 <= b <= min(axis, indices.ndim) or not TensorShape(params.shape[:b]) \
            .is_compatible_with(indices.shape[:b]):
        raise InvalidArgumentError(
            f"gather: batch_dims {batch_dims} must be in [0, min(axis {axis}, indices rank "
            f"{indices.ndim})] with equal batch dims; params shape {_dims(params.shape)}, "
            f"indices shape {_dims(indices.shape)}")
    return bind(_GATHER, (params, indices), {"axis": axis, "batch_dims": b})


def _nd_key(xp, indices, n_batch):
    inner = indices.shape[:-1]
    i = indices.reshape((n_batch, -1, indices.shape[-1]))
    k = xp.arange(n_batch).reshape((n_batch, 1))
    return (k,) + tuple(i[..., j] for j in builtins.range(indices.shape[-1])), inner


def _gather_nd_forward(xp, params, indices, batch_dims):
    b = batch_dims
    depth = indices.shape[-1]
    _check_range(xp, indices, params.shape[b:b + depth], "gather_nd", params.shape)
    n_batch = int(np.prod(params.shape[:b])) if b else 1
    key, inner = _nd_key(xp, indices, n_batch)
    out = params.reshape((n_batch,) + params.shape[b:])[key]
    return out.reshape(inner + params.shape[b + depth:])


def _gather_nd_grad_forward(xp, g, indices, params, batch_dims):
    b = batch_dims
    n_batch = int(np.prod(params.shape[:b])) if b else 1
    key, _ = _nd_key(xp, indices, n_batch)
    out = xp.zeros((n_batch,) + params.shape[b:], g.dtype)
    rest = params.shape[b + indices.shape[-1]:]
    add_at(xp, out, key, g.reshape((n_batch, -1) + rest))
    return out.reshape(params.shape)


def _gather_nd_rule(params, indices, batch_dims):
    depth = indices[-1]
    if depth is None:
        raise ValueError("gather_nd: the last dimension of indices must be known")
    if depth > len(params) - batch_dims:
        raise ValueError(f"gather_nd: index depth {depth} (indices shape {_dims(indices)}) is "
                         f"more than the rank of params {_dims(params)} after {batch_dims} "
                         "batch dims")
    return TensorShape(indices[:-1] + params[batch_dims + depth:])


_GATHER_ND = defop("gather_nd", _gather_nd_forward, shape=_gather_nd_rule,
                   grad=lambda gy, y, params, indices, batch_dims: (
                       bind(_GATHER_ND_T, (gy, indices, params), {"batch_dims": batch_dims}),
                       None))
_GATHER_ND_T = defop("gather_nd_grad", _gather_nd_grad_forward,
                     shape=lambda g, indices, params, batch_dims: params,
                     grad=lambda gy, y, g, indices, params, batch_dims: (
                         bind(_GATHER_ND, (gy, indices), {"batch_dims": batch_dims}),
                         None, None))


def gather_nd(params, indices, batch_dims=0, name=None):
    """Picks elements or slices of ``params`` at the coordinates in the last axis of ``indices``.

    With index depth d = ``indices.shape[-1]``, the result has shape
    ``indices.shape[:-1] + params.shape[batch_dims + d:]``.

    Example:
        >>> nf.gather_nd([[1, 2], [3, 4]], [[1, 0], [0, 1]]).numpy()
        array([3, 2], dtype=int32)
    """
    params, indices = tensor(params), _int_indices(indices, "gather_nd")
    b = int(batch_dims)
    if indices.ndim < 1 or not 0 <= b < indices.ndim or not TensorShape(
            params.shape[:b]).is_compatible_with(indices.shape[:b]):
        raise InvalidArgumentError(f"gather_nd: batch_dims {b} does not fit params shape "
                                   f"{_dims(params.shape)} and indices shape "
                                   f"{_dims(indices.shape)}")
    try:
        _gather_nd_rule(params.shape, indices.shape, b)
    except ValueError as error:
        raise InvalidArgumentError(str(error)) from None
    return bind(_GATHER_ND, (params, indices), {"batch_dims": b})


def boolean_mask(tensor_, mask, axis=None, name="boolean_mask"):
    """The entries of ``tensor_`` where ``mask`` is True (mask covers dims axis..axis+k-1).

    Those k dims become one dim holding the selected entries, in row-major order.

    Example:
        >>> nf.boolean_mask([[1, 2], [3, 4]], [True, False]).numpy()
        array([[1, 2]], dtype=int32)
    """
    x, mask = tensor(tensor_), tensor(mask)
    if not mask.dtype.is_bool:
        raise InvalidDTypeError(f"boolean_mask: mask must be bool, got {mask.dtype.name}")
    axis = 0 if axis is None else check_axis(axis, x.ndim, "boolean_mask")
    k = mask.ndim
    if k == 0 or not TensorShape(x.shape[axis:axis + k]).is_compatible_with(mask.shape):
        raise InvalidArgumentError(f"boolean_mask: mask shape {_dims(mask.shape)} must match "
                                   f"dims {axis}..{axis + k - 1} of tensor shape "
                                   f"{_dims(x.shape)}")
    dims = dynamic_dims(x)
    flat = reshape(x, dims[:axis] + [-1] + dims[axis + k:])
    where = reshape(_m.where(reshape(mask, [-1])), [-1])
    return gather(flat, where, axis=axis)


# -- scatters --------------------------------------------------------------------------------
def _scatter_check(indices, updates, shape, op_name):
    depth = indices[-1] if len(indices) else None
    want = None if depth is None else tuple(indices[:-1]) + tuple(shape[depth:])
    if depth is None or depth > len(shape) or not TensorShape(updates).is_compatible_with(want):
        raise InvalidArgumentError(f"{op_name}: updates shape {_dims(updates)} must be "
                                   f"indices.shape[:-1] + shape[depth:] = "
                                   f"{want and _dims(want)} for indices shape {_dims(indices)} "
                                   f"and shape {_dims(shape)}")


def _scatter_key(xp, indices, shape, op_name):
    _check_range(xp, indices, shape[:indices.shape[-1]], op_name, shape)
    flat = indices.reshape((-1, indices.shape[-1]))
    return tuple(flat[:, j] for j in builtins.range(indices.shape[-1]))


def _flat_updates(updates, indices, shape):
    return updates.reshape((-1,) + tuple(shape[indices.shape[-1]:]))


def _scatter_nd_forward(xp, indices, updates, shape):
    out = xp.zeros(shape, updates.dtype)
    return add_at(xp, out, _scatter_key(xp, indices, shape, "scatter_nd"),
                  _flat_updates(updates, indices, shape))


_SCATTER_ND = defop("scatter_nd", _scatter_nd_forward,
                    grad=lambda gy, y, indices, updates, shape: (None, gather_nd(gy, indices)),
                    shape=lambda indices, updates, shape: TensorShape(shape),
                    dtype=lambda indices, updates, shape: updates)


def scatter_nd(indices, updates, shape, name=None):
    """Zeros of ``shape`` with ``updates`` added at ``indices`` (repeated indices sum).

    Example:
        >>> nf.scatter_nd([[1], [1], [3]], [1.0, 2.0, 5.0], [4]).numpy()
        array([0., 3., 0., 5.], dtype=float32)
    """
    indices, updates = _int_indices(indices, "scatter_nd"), tensor(updates)
    shape = _ints(shape, "scatter_nd", "shape")
    _scatter_check(indices.shape, updates.shape, shape, "scatter_nd")
    return bind(_SCATTER_ND, (indices, updates), {"shape": shape})


def _tensor_scatter_forward(xp, x, indices, updates, add):
    out = x.copy()
    key = _scatter_key(xp, indices, x.shape, "tensor_scatter_nd_" + ("add" if add else "update"))
    flat = _flat_updates(updates, indices, x.shape)
    if add:
        return add_at(xp, out, key, flat)
    out[key] = flat
    return out


def _tensor_scatter_grad(gy, y, x, indices, updates, add):
    gx = gy if add else tensor_scatter_nd_update(gy, indices, _m.zeros_like(updates))
    return gx, None, gather_nd(gy, indices)


_TENSOR_SCATTER = defop("tensor_scatter_nd", _tensor_scatter_forward, grad=_tensor_scatter_grad,
                        shape=lambda x, indices, updates, add: x)


def _tensor_scatter(tensor_, indices, updates, add):
    op_name = "tensor_scatter_nd_" + ("add" if add else "update")
    x, indices = tensor(tensor_), _int_indices(indices, op_name)
    updates = tensor(updates, x.dtype)
    if updates.dtype is not x.dtype:
        raise InvalidDTypeError(f"{op_name}: updates must have the tensor's dtype "
                                f"{x.dtype.name}, got {updates.dtype.name}")
    _scatter_check(indices.shape, updates.shape, x.shape, op_name)
    return bind(_TENSOR_SCATTER, (x, indices, updates), {"add": add})


def tensor_scatter_nd_update(tensor, indices, updates, name=None):
    """A copy of ``tensor`` with the entries (or slices) at ``indices`` replaced by ``updates``.

    Example:
        >>> nf.tensor_scatter_nd_update([1, 2, 3], [[0], [2]], [9, 8]).numpy()
        array([9, 2, 8], dtype=int32)
    """
    return _tensor_scatter(tensor, indices, updates, add=False)


def tensor_scatter_nd_add(tensor, indices, updates, name=None):
    """A copy of ``tensor`` with ``updates`` added at ``indices`` (repeated indices sum).

    Example:
        >>> nf.tensor_scatter_nd_add([1, 2, 3], [[0], [0]], [5, 5]).numpy()
        array([11,  2,  3], dtype=int32)
    """
    return _tensor_scatter(tensor, indices, updates, add=True)


# -- reverse, roll, sort ---------------------------------------------------------------------
_REVERSE = defop("reverse", lambda xp, x, axes: xp.flip(x, axis=axes),
                 grad=lambda gy, y, x, axes: (bind(_REVERSE, (gy,), {"axes": axes}),),
                 shape=lambda x, axes: x)


def reverse(tensor, axis, name=None):
    """Reverses ``tensor`` along each axis in the list ``axis``.

    Example:
        >>> nf.reverse([[1, 2], [3, 4]], [1]).numpy()
        array([[2, 1],
               [4, 3]], dtype=int32)
    """
    x = _as_tensor(tensor)
    axes = tuple(sorted({check_axis(a, x.ndim, "reverse") for a in _ints(axis, "reverse",
                                                                            "axis")}))
    if not axes:
        return x
    return bind(_REVERSE, (x,), {"axes": axes})


_ROLL = defop("roll", lambda xp, x, shift, axes: xp.roll(x, shift, axis=axes),
              grad=lambda gy, y, x, shift, axes: (
                  bind(_ROLL, (gy,), {"shift": tuple(-s for s in shift), "axes": axes}),),
              shape=lambda x, shift, axes: x)


def roll(input, shift, axis, name=None):  # noqa: A002 - TF's name
    """Rolls ``input`` by ``shift`` places along ``axis`` (entries wrap around).

    Example:
        >>> nf.roll([1, 2, 3, 4], shift=1, axis=0).numpy()
        array([4, 1, 2, 3], dtype=int32)
    """
    x = _as_tensor(input)
    shift, axes = _ints(shift, "roll", "shift"), _ints(axis, "roll", "axis")
    if len(shift) != len(axes):
        raise InvalidArgumentError(f"roll: shift {list(shift)} and axis {list(axes)} must have "
                                   "the same length")
    axes = tuple(check_axis(a, x.ndim, "roll") for a in axes)
    return bind(_ROLL, (x,), {"shift": shift, "axes": axes})


def _argsort_forward(xp, x, axis, descending):
    if not descending:
        return xp.argsort(x, axis=axis, kind="stable").astype(np.int32)
    # Stable descending order (ties keep their order) without negating (unsigned, bool).
    flipped = xp.argsort(xp.flip(x, axis), axis=axis, kind="stable")
    return (x.shape[axis] - 1 - xp.flip(flipped, axis)).astype(np.int32)


_ARGSORT = defop("argsort", _argsort_forward, grad=lambda gy, y, x, axis, descending: (None,),
                 shape=lambda x, axis, descending: x,
                 dtype=lambda x, axis, descending: as_dtype("int32"))


def _permute_grad(gy, y, x, order, axis):
    inverse = bind(_ARGSORT, (order,), {"axis": axis, "descending": False})
    return bind(_PERMUTE, (gy, inverse), {"axis": axis}), None


_PERMUTE = defop("permute_along_axis",
                 lambda xp, x, order, axis: xp.take_along_axis(x, order, axis=axis),
                 grad=_permute_grad, shape=lambda x, order, axis: x)


def _direction(direction, op_name):
    if direction not in ("ASCENDING", "DESCENDING"):
        raise ValueError(f"{op_name}: direction must be 'ASCENDING' or 'DESCENDING', got "
                         f"{direction!r}")
    return direction == "DESCENDING"


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    """The int32 indices that sort ``values`` along ``axis`` (ties keep their order).

    Example:
        >>> nf.argsort([1, 3, 3, 2], direction='DESCENDING').numpy()
        array([1, 2, 3, 0], dtype=int32)
    """
    x = _as_tensor(values)
    if x.ndim == 0:
        raise InvalidArgumentError("argsort: values must have rank >= 1, got a scalar")
    return bind(_ARGSORT, (x,), {"axis": check_axis(axis, x.ndim, "argsort"),
                                 "descending": _direction(direction, "argsort")})


def sort(values, axis=-1, direction="ASCENDING", name=None):
    """``values`` sorted along ``axis``; the gradient flows back to the original positions.

    Example:
        >>> nf.sort([3, 1, 2], direction='DESCENDING').numpy()
        array([3, 2, 1], dtype=int32)
    """
    x = _as_tensor(values)
    order = argsort(x, axis, direction)
    return bind(_PERMUTE, (x, order), {"axis": check_axis(axis, x.ndim, "sort")})


_as_tensor = tensor
