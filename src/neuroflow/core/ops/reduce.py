"""Reductions over axes: sum, mean, max, min, prod, logsumexp, any, all, std, variance, ...

Plus the other axis-wise ops of ``tf.math``: argmax/argmin, cumsum/cumprod, top_k and
count_nonzero. Every reduction takes ``axis`` as None (all axes), an int (negative counts from
the end) or a list, and ``keepdims``; integer tensors stay integers, as in TF.
"""

import collections
import functools

import numpy as np

from ...backend.dtypes import as_dtype
from ...backend.errors import InvalidArgumentError, InvalidDTypeError
from ..registry import bind, defop
from ..shape import TensorShape
from ._base import broadcast_like, check_axis, floating, tensor
from .math import (cast, divide_no_nan, equal, exp, is_finite, log, ones_like, sqrt, square,
                   subtract, where, zeros_like)
from .shape import dynamic_dims, reshape, reshape_like, stop_gradient, transpose

__all__ = ["reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod",
           "reduce_logsumexp", "reduce_any", "reduce_all", "reduce_variance", "reduce_std",
           "reduce_euclidean_norm", "count_nonzero", "argmax", "argmin", "cumsum", "cumprod",
           "top_k"]


# -- axes and shapes ---------------------------------------------------------------------------
def normalize_axes(axis, rank, op_name):
    """``axis`` (None, int, list or int tensor) as a sorted tuple of non-negative axes.

    Raises:
        InvalidArgumentError: for an axis out of range or a repeated axis (as TF does).
    """
    if axis is None:
        return tuple(range(rank))
    if hasattr(axis, "numpy"):
        axis = axis.numpy().tolist()
    axes = [axis] if isinstance(axis, (int, np.integer)) else list(axis)
    if axes and rank == 0:
        raise InvalidArgumentError(f"{op_name}: axis {axes[0]} is out of range for a tensor "
                                   "of rank 0")
    normal = [check_axis(a, rank, op_name) for a in axes]
    if len(set(normal)) != len(normal):
        raise InvalidArgumentError(f"{op_name}: axis {list(axes)} contains a repeated "
                                   f"dimension (rank {rank})")
    return tuple(sorted(normal))


def reduced_shape(x, axes, keepdims):
    """Shape rule shared by reductions."""
    if keepdims:
        return TensorShape(1 if i in axes else d for i, d in enumerate(x))
    return TensorShape(d for i, d in enumerate(x) if i not in axes)


def _reduction_rule(x, axes, keepdims, **attrs):
    return reduced_shape(x, axes, keepdims)


def keep_dims_like(gy, x, axes, keepdims):
    """Re-inserts reduced axes into ``gy`` (as size 1) so it broadcasts against ``x``."""
    if keepdims or not axes:
        return gy
    dims = dynamic_dims(gy)
    for a in axes:
        dims.insert(a, 1)
    return reshape(gy, dims)


def _numeric(x, op_name):
    """``x`` as a tensor, which must not be bool (TF has no numeric reductions of bools)."""
    x = tensor(x)
    if x.dtype.is_bool:
        raise InvalidDTypeError(f"{op_name}: bool tensors are not supported (cast them first, "
                                "or use reduce_any / reduce_all)")
    return x


def _attrs(x, axis, keepdims, op_name):
    return {"axes": normalize_axes(axis, x.ndim, op_name), "keepdims": bool(keepdims)}


def _no_grad(gy, y, *inputs, **attrs):
    return (None,) * len(inputs)


# -- sum and mean ------------------------------------------------------------------------------
_SUM = defop("reduce_sum",
             lambda xp, x, axes, keepdims: xp.sum(x, axis=axes, keepdims=keepdims,
                                                   dtype=x.dtype),
             grad=lambda gy, y, x, axes, keepdims: (
                 broadcast_like(keep_dims_like(gy, x, axes, keepdims), x),),
             shape=_reduction_rule)


def reduce_sum(input_tensor, axis=None, keepdims=False, name=None):
    """Sums over ``axis`` (None: all axes; int or list); integers stay integers.

    Example:
        >>> nf.reduce_sum([[1, 2], [3, 4]], axis=0).numpy()
        array([4, 6], dtype=int32)
    """
    x = _numeric(input_tensor, "reduce_sum")
    return bind(_SUM, (x,), _attrs(x, axis, keepdims, "reduce_sum"))


def _mean_forward(xp, x, axes, keepdims):
    n = int(np.prod([x.shape[a] for a in axes])) if axes else 1
    if x.dtype.kind in "iu":
        # C-style division truncates toward zero, as TF's integer mean does.
        s = xp.sum(x, axis=axes, keepdims=keepdims, dtype=x.dtype)
        n = max(n, 1)
        q = s // n
        q = q + ((s % n != 0) & (s < 0)).astype(x.dtype)
        return q.astype(x.dtype)
    if n == 0:
        shape = reduced_shape(x.shape, axes, keepdims)
        return xp.full(shape, np.nan, dtype=x.dtype)
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
_MEAN = defop("reduce_mean", _mean_forward, grad=_mean_grad, shape=_reduction_rule)


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None):
    """Averages over ``axis``; integer tensors use integer division (toward zero), as in TF.

    Example:
        >>> nf.reduce_mean([1, 2, 4]).numpy()
        2
    """
    x = _numeric(input_tensor, "reduce_mean")
    return bind(_MEAN, (x,), _attrs(x, axis, keepdims, "reduce_mean"))


# -- max and min -------------------------------------------------------------------------------
def _identity_of(dtype, largest):
    """The identity of max (``largest=False``: the lowest value) or of min."""
    if dtype.kind == "f":
        return -np.inf if not largest else np.inf
    info = np.iinfo(dtype)
    return info.max if largest else info.min


def _extreme_forward(xp, x, axes, keepdims, kind):
    if any(x.shape[a] == 0 for a in axes):  # TF: the identity, e.g. -inf for reduce_max
        shape = reduced_shape(x.shape, axes, keepdims)
        return xp.full(shape, _identity_of(x.dtype, kind == "min"), dtype=x.dtype)
    return (xp.max if kind == "max" else xp.min)(x, axis=axes, keepdims=keepdims)


def _extreme_grad(gy, y, x, axes, keepdims):
    # As TF: the gradient is split equally among the entries equal to the extreme.
    hits = cast(equal(x, keep_dims_like(y, x, axes, keepdims)), x.dtype)
    count = bind(_SUM, (hits,), {"axes": axes, "keepdims": True})
    return (hits / count * keep_dims_like(gy, x, axes, keepdims),)


_MAX = defop("reduce_max", functools.partial(_extreme_forward, kind="max"),
             grad=_extreme_grad, shape=_reduction_rule)
_MIN = defop("reduce_min", functools.partial(_extreme_forward, kind="min"),
             grad=_extreme_grad, shape=_reduction_rule)


def reduce_max(input_tensor, axis=None, keepdims=False, name=None):
    """Maximum over ``axis``; NaN propagates; an empty reduction gives -inf (dtype min).

    Ties share the gradient equally, as in TF.

    Example:
        >>> nf.reduce_max([[1., 5.], [7., 2.]], axis=1).numpy()
        array([5., 7.], dtype=float32)
    """
    x = _numeric(input_tensor, "reduce_max")
    return bind(_MAX, (x,), _attrs(x, axis, keepdims, "reduce_max"))


def reduce_min(input_tensor, axis=None, keepdims=False, name=None):
    """Minimum over ``axis``; NaN propagates; an empty reduction gives +inf (dtype max).

    Ties share the gradient equally, as in TF.

    Example:
        >>> nf.reduce_min([[1., 5.], [7., 2.]], axis=1).numpy()
        array([1., 2.], dtype=float32)
    """
    x = _numeric(input_tensor, "reduce_min")
    return bind(_MIN, (x,), _attrs(x, axis, keepdims, "reduce_min"))


# -- product -----------------------------------------------------------------------------------
def _prod_of_others(x, axes):
    """For each entry, the product of the other entries of its reduction group.

    Exclusive cumulative products from both ends avoid dividing by x, so zeros are fine.
    """
    if not axes:
        return ones_like(x)
    if len(axes) == 1:
        a = axes[0]
        return cumprod(x, a, exclusive=True) * cumprod(x, a, exclusive=True, reverse=True)
    others = [i for i in range(x.ndim) if i not in axes]
    dims = dynamic_dims(x)
    lead = [dims[i] for i in others]
    if x.shape.num_elements() == 0:
        return zeros_like(x)
    perm = others + list(axes)
    xt = transpose(x, perm)
    flat = reshape(xt, lead + [-1])  # the reduced axes flattened into the last one
    p = cumprod(flat, -1, exclusive=True) * cumprod(flat, -1, exclusive=True, reverse=True)
    return transpose(reshape_like(p, xt), np.argsort(perm).tolist())


_PROD = defop("reduce_prod",
              lambda xp, x, axes, keepdims: xp.prod(x, axis=axes, keepdims=keepdims,
                                                    dtype=x.dtype),
              grad=lambda gy, y, x, axes, keepdims: (
                  keep_dims_like(gy, x, axes, keepdims) * _prod_of_others(x, axes),),
              shape=_reduction_rule)


def reduce_prod(input_tensor, axis=None, keepdims=False, name=None):
    """Product over ``axis``; the gradient is exact even where inputs are zero.

    Example:
        >>> nf.reduce_prod([[1., 2.], [3., 4.]], axis=0).numpy()
        array([3., 8.], dtype=float32)
    """
    x = _numeric(input_tensor, "reduce_prod")
    return bind(_PROD, (x,), _attrs(x, axis, keepdims, "reduce_prod"))


# -- compositions: logsumexp, variance, std, euclidean norm ------------------------------------
def reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None):
    """log(sum(exp(x))) over ``axis``, computed stably (the max is subtracted first).

    Formula:
        m = max(x) (0 where not finite);  result = log(sum(exp(x - m))) + m

    Example:
        >>> nf.reduce_logsumexp([1000., 1000.]).numpy()
        1000.6932
    """
    x = floating(_numeric(input_tensor, "reduce_logsumexp"), "reduce_logsumexp")
    attrs = _attrs(x, axis, keepdims, "reduce_logsumexp")
    raw_max = bind(_MAX, (x,), {"axes": attrs["axes"], "keepdims": True})
    shift = stop_gradient(where(is_finite(raw_max), raw_max, zeros_like(raw_max)))
    total = bind(_SUM, (exp(subtract(x, shift)),), attrs)
    if not attrs["keepdims"]:
        shift = reshape_like(shift, total)
    return log(total) + shift


def _variance(input_tensor, axis, keepdims, op_name):
    x = floating(_numeric(input_tensor, op_name), op_name)
    attrs = _attrs(x, axis, keepdims, op_name)
    mean = bind(_MEAN, (x,), {"axes": attrs["axes"], "keepdims": True})
    return bind(_MEAN, (square(subtract(x, mean)),), attrs)


def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    """Population variance (ddof 0) over ``axis``; floating-point inputs only.

    Formula:
        mean((x - mean(x))^2)

    Example:
        >>> nf.math.reduce_variance([1., 2., 3., 4.]).numpy()
        1.25
    """
    return _variance(input_tensor, axis, keepdims, "reduce_variance")


def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    """Population standard deviation (ddof 0) over ``axis``; floating-point inputs only.

    Example:
        >>> nf.math.reduce_std([1., 2., 3., 4.]).numpy()
        1.118034
    """
    return sqrt(_variance(input_tensor, axis, keepdims, "reduce_std"))


def reduce_euclidean_norm(input_tensor, axis=None, keepdims=False, name=None):
    """sqrt(sum(x^2)) over ``axis`` (integers: computed in float64, then truncated).

    Example:
        >>> nf.math.reduce_euclidean_norm([3., 4.]).numpy()
        5.0
    """
    x = _numeric(input_tensor, "reduce_euclidean_norm")
    attrs = _attrs(x, axis, keepdims, "reduce_euclidean_norm")
    if not x.dtype.is_floating:
        return cast(sqrt(bind(_SUM, (square(cast(x, "float64")),), attrs)), x.dtype)
    return sqrt(bind(_SUM, (square(x),), attrs))


# -- boolean reductions and counting -----------------------------------------------------------
def _logical(name, kernel, doc):
    op = defop(name, kernel, grad=_no_grad, shape=_reduction_rule)

    def fn(input_tensor, axis=None, keepdims=False, name=None):
        x = tensor(input_tensor)
        if not x.dtype.is_bool:
            raise InvalidDTypeError(f"{op.name}: expected a bool tensor, got {x.dtype.name}")
        return bind(op, (x,), _attrs(x, axis, keepdims, op.name))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


reduce_any = _logical("reduce_any",
                      lambda xp, x, axes, keepdims: xp.any(x, axis=axes, keepdims=keepdims),
                      "Logical OR over ``axis`` of a bool tensor (False when empty).")
reduce_all = _logical("reduce_all",
                      lambda xp, x, axes, keepdims: xp.all(x, axis=axes, keepdims=keepdims),
                      "Logical AND over ``axis`` of a bool tensor (True when empty).")

_COUNT_NONZERO = defop(
    "count_nonzero",
    lambda xp, x, axes, keepdims, dtype: xp.sum(x != 0, axis=axes, keepdims=keepdims,
                                                dtype=dtype._np),
    grad=_no_grad, shape=_reduction_rule, dtype=lambda x, axes, keepdims, dtype: dtype)


def count_nonzero(input, axis=None, keepdims=None, dtype="int64", name=None):  # noqa: A002
    """Counts the non-zero (for bools: True) entries over ``axis``; int64 by default.

    Example:
        >>> nf.math.count_nonzero([0, 3, 0, 1]).numpy()
        2
    """
    x = tensor(input)
    attrs = _attrs(x, axis, bool(keepdims), "count_nonzero")
    return bind(_COUNT_NONZERO, (x,), {**attrs, "dtype": as_dtype(dtype)})


# -- argmax / argmin ---------------------------------------------------------------------------
def _arg_forward(xp, x, axis, output_type, kind):
    if x.dtype.kind in "fc" and xp.isnan(x).any():  # TF skips NaNs (index 0 if all are NaN)
        x = xp.where(xp.isnan(x), -xp.inf if kind == "argmax" else xp.inf, x)
    out = x.argmax(axis=axis) if kind == "argmax" else x.argmin(axis=axis)
    return xp.asarray(out).astype(output_type._np, copy=False)


def _arg_rule(x, axis, output_type):
    return TensorShape(d for i, d in enumerate(x) if i != axis)


_ARG = {kind: defop(kind, functools.partial(_arg_forward, kind=kind), grad=_no_grad,
                    shape=_arg_rule, dtype=lambda x, axis, output_type: output_type)
        for kind in ("argmax", "argmin")}


def _arg(kind, x, axis, output_type):
    x = _numeric(x, kind)
    axis = 0 if axis is None else axis
    if hasattr(axis, "numpy"):
        axis = axis.numpy().item()
    if x.ndim == 0:
        raise InvalidArgumentError(f"{kind}: input must have rank >= 1, got a scalar")
    axis = check_axis(axis, x.ndim, kind)
    if x.shape[axis] == 0:
        raise InvalidArgumentError(f"{kind}: reduction axis {axis} is empty in shape "
                                   f"{tuple(x.shape)}")
    output_type = as_dtype(output_type)
    if output_type.name not in ("int32", "int64"):
        raise TypeError(f"{kind}: output_type must be int32 or int64, got {output_type.name}")
    return bind(_ARG[kind], (x,), {"axis": axis, "output_type": output_type})


def argmax(input, axis=None, output_type="int64", name=None):  # noqa: A002 - TF's name
    """Index of the largest value along ``axis`` (default 0, as in TF 2); first on ties.

    Example:
        >>> nf.argmax([[1, 9], [8, 2]], axis=1).numpy()
        array([1, 0])
    """
    return _arg("argmax", input, axis, output_type)


def argmin(input, axis=None, output_type="int64", name=None):  # noqa: A002 - TF's name
    """Index of the smallest value along ``axis`` (default 0, as in TF 2); first on ties.

    Example:
        >>> nf.argmin([[1, 9], [8, 2]], axis=1).numpy()
        array([0, 1])
    """
    return _arg("argmin", input, axis, output_type)


# -- cumulative sum and product ----------------------------------------------------------------
def _cumulative_forward(xp, x, axis, exclusive, reverse, kind):
    if reverse:
        x = xp.flip(x, axis)
    y = (xp.cumsum if kind == "sum" else xp.cumprod)(x, axis=axis, dtype=x.dtype)
    if exclusive:
        head = [slice(None)] * x.ndim
        head[axis] = slice(0, 1)
        body = [slice(None)] * x.ndim
        body[axis] = slice(0, -1)
        start = (xp.zeros_like if kind == "sum" else xp.ones_like)(x[tuple(head)])
        y = xp.concatenate([start, y[tuple(body)]], axis=axis)
    return xp.flip(y, axis) if reverse else y


def _cumsum_grad(gy, y, x, axis, exclusive, reverse):
    return (cumsum(gy, axis, exclusive=exclusive, reverse=not reverse),)


def _cumprod_grad(gy, y, x, axis, exclusive, reverse):
    # TF's rule: exact where x != 0 (zeros get the divide_no_nan value, as in TF).
    total = cumsum(y * gy, axis, exclusive=exclusive, reverse=not reverse)
    return (divide_no_nan(total, x),)


_CUMSUM = defop("cumsum", functools.partial(_cumulative_forward, kind="sum"),
                grad=_cumsum_grad, shape=lambda x, **attrs: x)
_CUMPROD = defop("cumprod", functools.partial(_cumulative_forward, kind="prod"),
                 grad=_cumprod_grad, shape=lambda x, **attrs: x)


def _cumulative(op, x, axis, exclusive, reverse):
    x = _numeric(x, op.name)
    if x.ndim == 0:
        raise InvalidArgumentError(f"{op.name}: input must have rank >= 1, got a scalar")
    axis = check_axis(axis.numpy().item() if hasattr(axis, "numpy") else axis, x.ndim, op.name)
    return bind(op, (x,), {"axis": axis, "exclusive": bool(exclusive),
                           "reverse": bool(reverse)})


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """Cumulative sum along ``axis``; ``exclusive`` leaves out the current entry.

    Example:
        >>> nf.cumsum([1, 2, 3], exclusive=True).numpy()
        array([0, 1, 3], dtype=int32)
    """
    return _cumulative(_CUMSUM, x, axis, exclusive, reverse)


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    """Cumulative product along ``axis``; ``exclusive`` leaves out the current entry.

    Example:
        >>> nf.math.cumprod([1, 2, 3], reverse=True).numpy()
        array([6, 6, 3], dtype=int32)
    """
    return _cumulative(_CUMPROD, x, axis, exclusive, reverse)


# -- top_k -------------------------------------------------------------------------------------
TopKV2 = collections.namedtuple("TopKV2", ["values", "indices"])


def _top_k_forward(xp, x, k, index_type):
    n = x.shape[-1]
    # A stable ascending sort of the reversed row, read backwards: largest first, and among
    # equal values the lower index first, as TF orders them.
    order = xp.argsort(xp.flip(x, -1), axis=-1, kind="stable")
    indices = (n - 1) - xp.flip(order, -1)[..., :k]
    return xp.take_along_axis(x, indices, axis=-1), indices.astype(index_type._np)


def _top_k_rule(x, k, index_type):
    shape = TensorShape(tuple(x[:-1]) + (k,))
    return shape, shape


def _top_k_grad(gy, y, x, k, index_type):
    return (bind(_SCATTER_LAST, (gy[0], y[1], x), {}),)


def _scatter_last_forward(xp, g, indices, x):
    out = xp.zeros(x.shape, dtype=g.dtype)
    if out.size == 0 or indices.size == 0:
        return out
    rows = out.reshape(-1, x.shape[-1])  # a view: out is freshly allocated and contiguous
    k = indices.shape[-1]
    rows[xp.arange(rows.shape[0])[:, None], indices.reshape(-1, k)] = g.reshape(-1, k)
    return out


_TOP_K = defop("top_k", _top_k_forward, grad=_top_k_grad, shape=_top_k_rule, n_out=2,
               dtype=lambda x, k, index_type: (x, index_type))
_TAKE_LAST = defop("take_along_last_axis",
                   lambda xp, x, indices: xp.take_along_axis(x, indices, axis=-1),
                   grad=lambda gy, y, x, indices: (bind(_SCATTER_LAST, (gy, indices, x), {}),
                                                   None),
                   shape=lambda x, indices: indices)
_SCATTER_LAST = defop("scatter_along_last_axis", _scatter_last_forward,
                      grad=lambda gy, y, g, indices, x: (
                          bind(_TAKE_LAST, (gy, indices), {}), None, None),
                      shape=lambda g, indices, x: x)


def top_k(input, k=1, sorted=True, index_type="int32", name=None):  # noqa: A002 - TF's names
    """The ``k`` largest entries along the last axis and their indices.

    Returns a namedtuple ``(values, indices)``; indices are int32. Equal values keep the lower
    index first. The gradient flows to the selected positions.

    Example:
        >>> nf.math.top_k([1., 4., 2., 4.], k=2).indices.numpy()
        array([1, 3], dtype=int32)
    """
    x = _numeric(input, "top_k")
    k = int(k.numpy() if hasattr(k, "numpy") else k)
    if x.ndim == 0:
        raise InvalidArgumentError("top_k: input must have rank >= 1, got a scalar")
    if k < 0:
        raise InvalidArgumentError(f"top_k: k must be non-negative, got {k}")
    if x.shape[-1] is not None and x.shape[-1] < k:
        raise InvalidArgumentError(f"top_k: input must have at least k={k} entries along the "
                                   f"last axis, got shape {tuple(x.shape)}")
    index_type = as_dtype(index_type)
    values, indices = bind(_TOP_K, (x,), {"k": k, "index_type": index_type})
    return TopKV2(values, indices)
