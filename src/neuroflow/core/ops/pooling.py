"""Pooling, as TF's ``tf.nn.max_pool2d``, ``tf.nn.avg_pool2d``, ``tf.nn.pool``, ...

Data is channels-last (NHWC, NWC); NCHW/NCW are transposed around the same kernels. 1-D ops run
the 2-D kernels on a unit-height image, as TF does. A window is reduced along rows, then along
columns (kh + kw passes instead of kh * kw); on the CPU, Numba loops (``_loops.py``) take over
max pooling and its gradient where they are available.

Pooling gradients are registry ops as well: max pooling routes the gradient to the first
maximum of each window (as TF), average pooling spreads it over the valid elements. Each
gradient is differentiable again (max pooling's through its adjoint, TF's MaxPoolGradGrad).
"""

import numpy as np

from ...backend.errors import InvalidArgumentError
from ..registry import bind, defop
from ..shape import TensorShape
from . import _loops
from ._base import floating, tensor
from ._window import (_attrs, _channels_first, _check, _check_out, _crop, _full_shape, _geometry,
                      _ints, _pad, _padded_zeros, _rank, _rows, _spatial, _tap, _taps, _to_first,
                      _to_last)

__all__ = [
    "avg_pool",
    "avg_pool1d",
    "avg_pool2d",
    "max_pool",
    "max_pool1d",
    "max_pool2d",
    "pool",
]


# -- pooling kernels ------------------------------------------------------------------------------
_ONES = (1, 1)


def _pool_setup(x, ksize, strides, padding):
    flat = x.ndim == 3
    if flat:
        x = x[:, None]
    geo = _geometry(x.shape[1:3], ksize, strides, _ONES, padding)
    return flat, geo, x


def _lowest(dtype):
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _reduce_windows(xp, x, ksize, strides, geo, combine):
    """Combines (max or add) each window of the padded ``x``: along rows, then along columns.

    Separable, so a kh x kw window costs kh + kw passes instead of kh * kw.
    """
    if ksize == (1, 1):
        return _tap(x, 0, 0, geo, strides, _ONES).copy()
    for axis, (k, s, (_, _, out)) in enumerate(zip(ksize, strides, geo), 1):
        def part(i, x=x, axis=axis, s=s, out=out):
            index = [slice(None)] * 4
            index[axis] = slice(i, i + (out - 1) * s + 1, s)
            return x[tuple(index)]
        if k == 1:
            x = part(0)
            continue
        x = combine(part(0), part(1))
        for i in range(2, k):
            combine(x, part(i), out=x)
    return x


def _tiled(ksize, strides, geo):
    """True when the windows tile the input: no overlap, no gaps between them, no padding."""
    return ksize == strides and not any(g[0] or g[1] for g in geo)


def _untile(xp, g, shape):
    """``(N, Ho, kh, Wo, kw, C)`` per-window blocks back into an input-shaped gradient."""
    n, ho, kh, wo, kw, c = g.shape
    g = g.reshape(n, ho * kh, wo * kw, c)
    if g.shape == tuple(shape):
        return g
    gx = xp.zeros(shape, dtype=g.dtype)
    gx[:, :ho * kh, :wo * kw] = g
    return gx


def _window_args(ksize, strides, geo):
    return ksize + strides + (geo[0][0], geo[1][0])


def _max_pool_forward(xp, x, ksize, strides, padding):
    flat, geo, x = _pool_setup(x, ksize, strides, padding)
    loop = _loops.max_pool.get(xp, x)
    if loop is not None:
        x, args = np.ascontiguousarray(x), _window_args(ksize, strides, geo)
        y = np.empty((x.shape[0], geo[0][2], geo[1][2], x.shape[3]), x.dtype)
        _rows(xp, x.shape[0], x[0].size, lambda a, b: loop(x[a:b], y[a:b], *args))
        return y[:, 0] if flat else y
    y = _reduce_windows(xp, _pad(xp, x, geo, _lowest(x.dtype)), ksize, strides, geo, xp.maximum)
    return y[:, 0] if flat else y


def _unmatched(dtype):
    """Padding that never equals a window's maximum (NaN), so that a window of -inf routes
    its gradient to a real element; integers have no such value and pad with their lowest."""
    return np.nan if dtype.kind == "f" else _lowest(dtype)


def _first_max(xp, x, y, ksize, strides, geo):
    """Per tap ``(i, j)``, where it holds its window's first maximum (row-major), as TF routes.

    Masks multiply the gradient: NumPy's masked ``where``/``copyto`` are several times slower.
    """
    taken = None
    for i, j in _taps(ksize):
        hit = _tap(x, i, j, geo, strides, _ONES) == y
        if taken is None:
            taken = hit
        else:
            xp.logical_and(hit, xp.logical_not(taken), out=hit)
            taken = taken | hit
        yield i, j, hit


def _overlapping(ksize, strides):
    return ksize[0] > strides[0] or ksize[1] > strides[1]


def _tiled_max_grad(xp, x, y, gy, ksize):
    """Max-pool gradient when the windows tile ``x``: one comparison of all blocks at once."""
    (kh, kw), (n, ho, wo, c) = ksize, y.shape
    blocks = x[:, :ho * kh, :wo * kw].reshape(n, ho, kh, wo, kw, c)
    hit = blocks == y[:, :, None, :, None]
    if kh * kw > 1:
        # Ties (a ReLU before the pool makes many all-zero windows): keep each first hit.
        taken = hit[:, :, 0, :, 0].copy()
        for i, j in _taps(ksize)[1:]:
            later = hit[:, :, i, :, j]
            xp.logical_and(later, xp.logical_not(taken), out=later)
            xp.logical_or(taken, later, out=taken)
    return _untile(xp, hit * gy[:, :, None, :, None], x.shape)


def _max_pool_grad_forward(xp, x, y, gy, ksize, strides, padding):
    flat, geo, x = _pool_setup(x, ksize, strides, padding)
    if flat:
        y, gy = y[:, None], gy[:, None]
    loop = _loops.max_pool_grad.get(xp, x, gy)
    if loop is not None and x.dtype == gy.dtype:
        x, y, gy = map(np.ascontiguousarray, (x, y, gy))
        gx, args = np.empty(x.shape, gy.dtype), _window_args(ksize, strides, geo)
        _rows(xp, x.shape[0], x[0].size,
              lambda a, b: loop(x[a:b], y[a:b], gy[a:b], gx[a:b], *args))
    elif _tiled(ksize, strides, geo):
        gx = _tiled_max_grad(xp, x, y, gy, ksize)
    else:
        size = x.shape[1:3]
        x = _pad(xp, x, geo, _unmatched(x.dtype))
        gx = xp.zeros(x.shape, dtype=gy.dtype)
        add = _overlapping(ksize, strides)
        for i, j, hit in _first_max(xp, x, y, ksize, strides, geo):
            view = _tap(gx, i, j, geo, strides, _ONES)
            if add:
                view += hit * gy
            else:
                xp.multiply(hit, gy, out=view)
        gx = _crop(gx, geo, size)
    return gx[:, 0] if flat else gx


def _max_pool_gather_forward(xp, x, y, g, ksize, strides, padding):
    flat, geo, x = _pool_setup(x, ksize, strides, padding)
    if flat:
        y, g = y[:, None], g[:, None]
    x, g = _pad(xp, x, geo, _unmatched(x.dtype)), _pad(xp, g, geo)
    out = xp.zeros(y.shape, dtype=g.dtype)
    for i, j, hit in _first_max(xp, x, y, ksize, strides, geo):
        out += hit * _tap(g, i, j, geo, strides, _ONES)
    return out[:, 0] if flat else out


def _counts(xp, size, geo, ksize, strides, dtype):
    """How many real (unpadded) elements each window holds, shaped (1, Ho, Wo, 1)."""
    per_axis = []
    for n, (before, _, out), k, s in zip(size, geo, ksize, strides):
        start = np.arange(out) * s - before
        per_axis.append(np.minimum(start + k, n) - np.maximum(start, 0))
    return xp.asarray(np.outer(*per_axis)[None, :, :, None].astype(dtype))


def _avg_pool_forward(xp, x, ksize, strides, padding):
    flat, geo, x = _pool_setup(x, ksize, strides, padding)
    size = x.shape[1:3]
    y = _reduce_windows(xp, _pad(xp, x, geo), ksize, strides, geo, xp.add)
    if padding == "SAME":
        y /= _counts(xp, size, geo, ksize, strides, y.dtype)
    else:
        y /= y.dtype.type(ksize[0] * ksize[1])
    return y[:, 0] if flat else y


def _avg_pool_grad_forward(xp, gy, *ref, input_shape, ksize, strides, padding):
    shape = _full_shape(input_shape, gy, ref)
    flat = len(shape) == 3
    if flat:
        gy, shape = gy[:, None], (shape[0], 1) + shape[1:]
    geo = _geometry(shape[1:3], ksize, strides, _ONES, padding)
    _check_out("avg_pool_grad", gy, geo)
    if padding == "SAME":
        gy = gy / _counts(xp, shape[1:3], geo, ksize, strides, gy.dtype)
    else:
        gy = gy / gy.dtype.type(ksize[0] * ksize[1])
    if _tiled(ksize, strides, geo):
        (kh, kw), (n, ho, wo, c) = ksize, gy.shape
        gx = _untile(xp, xp.broadcast_to(gy[:, :, None, :, None], (n, ho, kh, wo, kw, c)), shape)
    else:
        gx = _padded_zeros(xp, shape, geo, gy.dtype)
        for i, j in _taps(ksize):
            _tap(gx, i, j, geo, strides, _ONES)[...] += gy
        gx = _crop(gx, geo, shape[1:3])
    return gx[:, 0] if flat else gx


def _pool_rule(name):
    def rule(x, *rest, ksize, strides, padding, **attrs):
        if len(x) not in (3, 4):
            raise ValueError(f"{name}: input must be rank 4 (NHWC; rank 3 for 1-D), got "
                             f"{tuple(x)}")
        try:
            geo = _geometry(_spatial(x), ksize, strides, _ONES, padding)
        except ValueError as error:
            raise ValueError(f"{name}: {error} (input {tuple(x)}, ksize {ksize})") from None
        return TensorShape((x[0],) + tuple(g[2] for g in geo)[-(len(x) - 2):] + (x[-1],))
    return rule


def _avg_pool_grad(gy, y, x, **attrs):
    shape = tuple(x.shape)
    refs = (x,) if None in shape[1:] else ()
    return (bind(_AVG_POOL_GRAD, (gy,) + refs, dict(attrs, input_shape=shape)),)


_MAX_POOL = defop("max_pool", _max_pool_forward,
                  grad=lambda gy, y, x, **a: (bind(_MAX_POOL_GRAD, (x, y, gy), a),),
                  shape=_pool_rule("max_pool"), fresh=True)
# max_pool_grad(x, y, gy) is linear in gy and piecewise constant in x (and y, its function).
_MAX_POOL_GRAD = defop(
    "max_pool_grad", _max_pool_grad_forward,
    grad=lambda gz, z, x, y, gy, **a: (None, None, bind(_MAX_POOL_GATHER, (x, y, gz), a)),
    shape=lambda x, y, gy, **a: x, fresh=True)
# Its adjoint: g read at each window's first maximum (TF's MaxPoolGradGrad).
_MAX_POOL_GATHER = defop(
    "max_pool_grad_grad", _max_pool_gather_forward,
    grad=lambda gz, z, x, y, g, **a: (None, None, bind(_MAX_POOL_GRAD, (x, y, gz), a)),
    shape=_pool_rule("max_pool_grad_grad"))


def _avg_pool_grad_grad(gz, z, gy, *ref, input_shape, **attrs):
    return (bind(_AVG_POOL, (gz,), attrs),) + (None,) * len(ref)


def _avg_pool_grad_rule(gy, *ref, input_shape, **attrs):
    shape = TensorShape((gy[0],) + tuple(input_shape[1:]))
    return shape.merge_with(ref[0]) if ref else shape


_AVG_POOL = defop("avg_pool", _avg_pool_forward, grad=_avg_pool_grad,
                  shape=_pool_rule("avg_pool"))
# avg_pool_grad spreads each gradient over its window: linear, its own gradient is avg_pool.
_AVG_POOL_GRAD = defop("avg_pool_grad", _avg_pool_grad_forward, grad=_avg_pool_grad_grad,
                       shape=_avg_pool_grad_rule)


# -- argument parsing -------------------------------------------------------------------------
def _pool(op, op_name, x, ksize, strides, padding, data_format, spatial, explicit):
    first = _channels_first(data_format, spatial, op_name)
    x = tensor(x)
    if op is _AVG_POOL:
        floating(x, op_name)
    _rank(x, spatial + 2, "input", op_name, data_format or ("NWC", "NHWC")[spatial - 1])
    attrs = _attrs(op_name, spatial, first, strides, padding, ksize=ksize, explicit=explicit)
    if first:
        x = _to_last(x, spatial)
    _check(op, op_name, (x,), attrs)
    y = bind(op, (x,), attrs)
    return _to_first(y, spatial) if first else y


def _spatial_of(x, op_name):
    rank = tensor(x).ndim
    if rank not in (3, 4):
        raise InvalidArgumentError(f"{op_name}: input must be rank 3 (NWC) or 4 (NHWC), got "
                                   f"shape {tuple(tensor(x).shape)}")
    return rank - 2


# -- public API -------------------------------------------------------------------------------
def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):
    """Maximum over ``ksize`` windows of ``(N, H, W, C)``; SAME pads with -inf.

    The gradient goes to the first maximum of each window (row-major), as in TF.

    Example:
        >>> nf.nn.max_pool2d(nf.ones([1, 4, 4, 1]), 2, 2, "VALID").shape
        TensorShape([1, 2, 2, 1])
    """
    return _pool(_MAX_POOL, "max_pool2d", input, ksize, strides, padding, data_format, 2, True)


def max_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):
    """Maximum over ``ksize`` windows of ``(N, W, C)`` sequences.

    Example:
        >>> nf.nn.max_pool1d(nf.ones([1, 6, 2]), 2, 2, "VALID").shape
        TensorShape([1, 3, 2])
    """
    return _pool(_MAX_POOL, "max_pool1d", input, ksize, strides, padding, data_format, 1, True)


def max_pool(input, ksize, strides, padding, data_format=None, name=None):
    """``max_pool1d`` or ``max_pool2d`` by the rank of ``input`` (3 or 4).

    Example:
        >>> nf.nn.max_pool(nf.ones([1, 4, 4, 1]), 2, 2, "SAME").shape
        TensorShape([1, 2, 2, 1])
    """
    spatial = _spatial_of(input, "max_pool")
    return _pool(_MAX_POOL, "max_pool", input, ksize, strides, padding, data_format, spatial,
                 True)


def avg_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):
    """Mean over ``ksize`` windows of ``(N, H, W, C)``; with SAME only real elements count.

    Example:
        >>> nf.nn.avg_pool2d(nf.ones([1, 3, 3, 1]), 2, 2, "SAME").numpy().ravel().tolist()
        [1.0, 1.0, 1.0, 1.0]
    """
    return _pool(_AVG_POOL, "avg_pool2d", input, ksize, strides, padding, data_format, 2, False)


def avg_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):
    """Mean over ``ksize`` windows of ``(N, W, C)`` sequences.

    Example:
        >>> nf.nn.avg_pool1d(nf.ones([1, 6, 2]), 3, 3, "VALID").shape
        TensorShape([1, 2, 2])
    """
    return _pool(_AVG_POOL, "avg_pool1d", input, ksize, strides, padding, data_format, 1, False)


def avg_pool(input, ksize, strides, padding, data_format=None, name=None):
    """``avg_pool1d`` or ``avg_pool2d`` by the rank of ``input`` (3 or 4).

    Example:
        >>> nf.nn.avg_pool(nf.ones([1, 4, 2]), 2, 2, "VALID").shape
        TensorShape([1, 2, 2])
    """
    spatial = _spatial_of(input, "avg_pool")
    return _pool(_AVG_POOL, "avg_pool", input, ksize, strides, padding, data_format, spatial,
                 False)


def pool(input, window_shape, pooling_type, strides=None, padding="VALID",
         data_format=None, dilations=None, name=None):
    """``'MAX'`` or ``'AVG'`` pooling of a rank 3 or 4 input over ``window_shape`` windows.

    Example:
        >>> nf.nn.pool(nf.ones([1, 4, 4, 1]), [2, 2], "AVG", strides=[2, 2]).shape
        TensorShape([1, 2, 2, 1])
    """
    kinds = {"MAX": (_MAX_POOL, True), "AVG": (_AVG_POOL, False)}
    if pooling_type not in kinds:
        raise InvalidArgumentError(f"pool: pooling_type must be 'MAX' or 'AVG', got "
                                   f"{pooling_type!r}")
    spatial = _spatial_of(input, "pool")
    if dilations is not None and set(_ints(dilations, spatial, "dilations", "pool",
                                           False)) != {1}:
        raise InvalidArgumentError(f"pool: dilations other than 1 are not supported, got "
                                   f"{dilations!r}")
    op, explicit = kinds[pooling_type]
    return _pool(op, "pool", input, window_shape, 1 if strides is None else strides, padding,
                 data_format, spatial, explicit)
