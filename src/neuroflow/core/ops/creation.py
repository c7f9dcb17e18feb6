"""Tensor creation: fill, zeros/ones (and _like), range, linspace, eye, one_hot, meshgrid.

Creation ops take no differentiable input except where TF's do (``fill``'s value, ``linspace``'s
ends); shapes may be lists of ints or int tensors known only at run time.
"""

import builtins

import numpy as np

from ...backend.dtypes import as_dtype
from ...backend.errors import InvalidArgumentError, InvalidDTypeError
from ..registry import bind, defop
from ..shape import TensorShape
from . import math as _m
from ._base import broadcast_shapes, check_axis, sum_like, tensor
from .shape import (_dims, _is_symbolic, _shape_arg, _static, broadcast_to, expand_dims, reshape,
                    reshape_like)

__all__ = ["one_hot", "range", "linspace", "fill", "zeros", "ones", "zeros_like", "ones_like",
           "eye", "meshgrid"]


_FILL = defop("fill", lambda xp, value, shape: xp.full(shape, value, dtype=value.dtype),
              grad=lambda gy, y, value, shape: (sum_like(gy, value),),
              shape=lambda value, shape: TensorShape(shape))


_FILL_DYNAMIC = defop(
    "fill_dynamic", lambda xp, value, dims, shape: xp.full(tuple(dims.tolist()), value,
                                                          dtype=value.dtype),
    grad=lambda gy, y, value, dims, shape: (sum_like(gy, value), None),
    shape=lambda value, dims, shape: TensorShape(shape))


def _creation_shape(dims, op_name):
    dims = _static(dims, op_name)
    if any(d < 0 for d in dims):
        raise InvalidArgumentError(f"{op_name}: dimensions must be non-negative, got "
                                   f"{list(dims)} (for dims known only at run time, pass "
                                   "tensors such as nf.shape(x)[0])")
    return dims


def _fill(dims, value, op_name):
    shape, runtime = _shape_arg(dims, op_name)
    if runtime is not None:  # dims known only when the graph runs, e.g. nf.shape(x)[0]
        return bind(_FILL_DYNAMIC, (value, runtime), {"shape": shape})
    return bind(_FILL, (value,), {"shape": _creation_shape(shape, op_name)})


def fill(dims, value, name=None):
    """A tensor of shape ``dims`` filled with the scalar ``value`` (of ``value``'s dtype).

    Example:
        >>> nf.fill([2, 2], 7).numpy()
        array([[7, 7],
               [7, 7]], dtype=int32)
    """
    value = tensor(value)
    if value.ndim:
        raise InvalidArgumentError(f"fill: value must be a scalar, got shape "
                                   f"{_dims(value.shape)}")
    return _fill(dims, value, "fill")


def zeros(shape, dtype="float32", name=None):
    """A tensor of zeros of ``shape`` and ``dtype`` (default float32).

    Example:
        >>> nf.zeros([2, 3]).shape
        TensorShape([2, 3])
    """
    return _fill(shape, tensor(0, as_dtype(dtype)), "zeros")


def ones(shape, dtype="float32", name=None):
    """A tensor of ones of ``shape`` and ``dtype`` (default float32).

    Example:
        >>> nf.ones([2], nf.int32).numpy()
        array([1, 1], dtype=int32)
    """
    return _fill(shape, tensor(1, as_dtype(dtype)), "ones")


def zeros_like(input, dtype=None, name=None):  # noqa: A002 - TF's name
    """Zeros with ``input``'s shape, of ``dtype`` (default: ``input``'s dtype).

    Example:
        >>> nf.zeros_like([[1.5, 2.0]], dtype=nf.int32).numpy()
        array([[0, 0]], dtype=int32)
    """
    x = _m.zeros_like(tensor(input))
    return x if dtype is None else _m.cast(x, dtype)


def ones_like(input, dtype=None, name=None):  # noqa: A002 - TF's name
    """Ones with ``input``'s shape, of ``dtype`` (default: ``input``'s dtype).

    Example:
        >>> nf.ones_like(nf.zeros([2])).numpy()
        array([1., 1.], dtype=float32)
    """
    x = _m.ones_like(tensor(input))
    return x if dtype is None else _m.cast(x, dtype)


_RANGE_ORDER = ("int32", "int64", "float32", "float64")


def _range_size(start, limit, delta):
    if delta == 0:
        raise InvalidArgumentError(f"range: requires delta != 0, got {delta}")
    if (delta > 0 and start > limit) or (delta < 0 and start < limit):
        raise InvalidArgumentError(f"range: requires start {'<=' if delta > 0 else '>='} "
                                   f"limit when delta {'>' if delta > 0 else '<'} 0: "
                                   f"start={start}, limit={limit}")
    return int(np.ceil(abs((limit - start) / delta)))


def _range_forward(xp, start, limit, delta, n):
    s, d = start.item(), delta.item()
    return (xp.arange(_range_size(s, limit.item(), d)) * d + s).astype(start.dtype)


_RANGE = defop("range", _range_forward, shape=lambda start, limit, delta, n: TensorShape([n]))


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001 - TF's name
    """The numbers ``start, start + delta, ...`` up to but excluding ``limit``.

    ``nf.range(n)`` counts from 0. The dtype follows TF: int32 for Python ints, float32 when
    any argument is a Python float, else the widest dtype among tensor arguments.

    Raises:
        InvalidArgumentError: when delta is 0 or points away from ``limit``.

    Example:
        >>> nf.range(1, 10, 3).numpy()
        array([1, 4, 7], dtype=int32)
    """
    if limit is None:
        start, limit = 0, start
    args = [tensor(v) for v in (start, limit, delta)]
    for a in args:
        if a.ndim:
            raise InvalidArgumentError(f"range: start, limit and delta must be scalars, got "
                                       f"shape {_dims(a.shape)}")
    if dtype is None:
        names = [a.dtype.name for a in args]
        dtype = max(names, key=lambda n: _RANGE_ORDER.index(n) if n in _RANGE_ORDER else -1)
    dtype = as_dtype(dtype)
    args = [_m.cast(a, dtype) for a in args]
    n = None if any(_is_symbolic(a) for a in args) else _range_size(
        *[a.numpy().item() for a in args])
    return bind(_RANGE, tuple(args), {"n": n})


def _linspace_rule(start, stop, num, axis):
    dims = list(broadcast_shapes("linspace", start, stop))
    dims.insert(axis, num)
    return TensorShape(dims)


def _linspace_grad(gy, y, start, stop, num, axis):
    t = np.linspace(0.0, 1.0, num) if num > 1 else np.zeros(num)
    dims = [1] * y.ndim
    dims[axis] = num
    w = tensor(t.reshape(dims), y.dtype)
    return (reshape_like(sum_like(gy * (1 - w), expand_dims(start, axis)), start),
            reshape_like(sum_like(gy * w, expand_dims(stop, axis)), stop))


_LINSPACE = defop("linspace", lambda xp, start, stop, num, axis: xp.linspace(
    start, stop, num, axis=axis).astype(start.dtype), grad=_linspace_grad, shape=_linspace_rule)


def linspace(start, stop, num, name=None, axis=0):
    """``num`` evenly spaced values from ``start`` to ``stop``, both included.

    ``start`` and ``stop`` may be tensors (broadcast together); the values run along ``axis``.
    Integer inputs give float64, as in TF.

    Example:
        >>> nf.linspace(0.0, 1.0, 5).numpy()
        array([0.  , 0.25, 0.5 , 0.75, 1.  ], dtype=float32)
    """
    start, stop = tensor(start), tensor(stop)
    if not start.dtype.is_floating:
        start = _m.cast(start, "float64")
    stop = _m.cast(stop, start.dtype)
    num = int(num.numpy() if hasattr(num, "numpy") else num)
    if num < 0:
        raise InvalidArgumentError(f"linspace: num must be >= 0, got {num}")
    both = broadcast_shapes("linspace", start.shape, stop.shape)
    if start.shape != stop.shape and None not in both:  # the gradient rule needs equal ranks
        start, stop = broadcast_to(start, both), broadcast_to(stop, both)
    axis = check_axis(axis, len(both) + 1, "linspace")
    return bind(_LINSPACE, (start, stop), {"num": num, "axis": axis})


def _eye_forward(xp, one, num_rows, num_columns, batch_shape):
    eye = xp.eye(num_rows, num_columns, dtype=one.dtype)
    return xp.broadcast_to(eye, batch_shape + eye.shape).copy()


_EYE = defop("eye", _eye_forward, shape=lambda one, num_rows, num_columns, batch_shape:
             TensorShape(batch_shape + (num_rows, num_columns)))


def eye(num_rows, num_columns=None, batch_shape=None, dtype="float32", name=None):
    """An identity matrix (ones on the diagonal) of shape ``batch_shape + [rows, columns]``.

    Example:
        >>> nf.eye(2, 3).numpy()
        array([[1., 0., 0.],
               [0., 1., 0.]], dtype=float32)
    """
    rows = int(num_rows)
    cols = rows if num_columns is None else int(num_columns)
    batch = () if batch_shape is None else _creation_shape(batch_shape, "eye")
    if rows < 0 or cols < 0:
        raise InvalidArgumentError(f"eye: num_rows and num_columns must be >= 0, got "
                                   f"{rows} and {cols}")
    return bind(_EYE, (tensor(1, as_dtype(dtype)),),
                {"num_rows": rows, "num_columns": cols, "batch_shape": batch})


def _one_hot_forward(xp, indices, depth, on_value, off_value, axis, dtype):
    hot = xp.arange(depth) == xp.expand_dims(indices, -1)
    out = xp.where(hot, on_value, off_value).astype(dtype._np)
    return xp.moveaxis(out, -1, axis) if axis != -1 else out


def _one_hot_rule(indices, depth, on_value, off_value, axis, dtype):
    dims = list(indices)
    dims.insert(len(dims) if axis == -1 else axis, depth)
    return TensorShape(dims)


_ONE_HOT = defop("one_hot", _one_hot_forward, shape=_one_hot_rule,
                 dtype=lambda i, depth, on_value, off_value, axis, dtype: dtype)


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """One-hot encodes integer ``indices`` into vectors of length ``depth``.

    The dtype is ``dtype``, else ``on_value``'s / ``off_value``'s, else float32. The new
    axis goes last unless ``axis`` says otherwise. Out-of-range indices (e.g. -1) give rows
    of ``off_value``.

    Example:
        >>> nf.one_hot([0, 2], 3).numpy()
        array([[1., 0., 0.],
               [0., 0., 1.]], dtype=float32)
    """
    indices = tensor(indices)
    if not indices.dtype.is_integer:
        raise InvalidDTypeError(f"one_hot: indices must be integers, got {indices.dtype.name}")
    if dtype is None:
        given = [tensor(v) for v in (on_value, off_value) if v is not None]
        dtype = given[0].dtype if given else "float32"
    dtype = as_dtype(dtype)
    on = np.asarray(1 if on_value is None else on_value).astype(dtype._np).item()
    off = np.asarray(0 if off_value is None else off_value).astype(dtype._np).item()
    axis = -1 if axis is None else int(axis)
    if not -1 <= axis <= indices.ndim:
        raise InvalidArgumentError(f"one_hot: axis must be -1 or in [0, {indices.ndim}] for "
                                   f"indices of shape {_dims(indices.shape)}, got {axis}")
    return bind(_ONE_HOT, (indices,), {"depth": int(depth), "on_value": on, "off_value": off,
                                       "axis": axis, "dtype": dtype})


def meshgrid(*args, **kwargs):
    """Coordinate grids from 1-D tensors: ``indexing='xy'`` (default) or ``'ij'``.

    Example:
        >>> [g.shape for g in nf.meshgrid([1, 2, 3], [4, 5])]
        [TensorShape([2, 3]), TensorShape([2, 3])]
    """
    indexing = kwargs.pop("indexing", "xy")
    kwargs.pop("name", None)
    if kwargs or indexing not in ("xy", "ij"):
        raise InvalidArgumentError(f"meshgrid: unexpected arguments {sorted(kwargs)} or "
                                   f"indexing {indexing!r} (use 'xy' or 'ij')")
    xs = [reshape(tensor(a), [-1]) for a in args]
    n = len(xs)
    sizes = [x.shape[0] for x in xs]
    order = list(builtins.range(n))
    if indexing == "xy" and n > 1:
        order[0], order[1] = 1, 0
    full = [sizes[i] for i in order]
    grids = []
    for i, x in enumerate(xs):
        dims = [1] * n
        dims[order.index(i)] = -1
        grids.append(broadcast_to(reshape(x, dims), full))
    return grids
