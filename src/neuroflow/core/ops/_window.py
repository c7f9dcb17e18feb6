"""Window geometry and argument parsing shared by convolution (``conv.py``) and pooling.

Kernels see channels-last 4-D arrays ``(N, H, W, C)`` (a 1-D op's ``(N, W, C)`` gets a unit
height). Per spatial axis, a window's geometry is ``(pad_before, pad_after, out_size)``; the
helpers here pad, view, crop and scatter by it, split a batch over the CPU cores, and turn the
public arguments (strides, padding, dilations or ksize, data_format) into kernel attrs.

SAME padding is TF's: ``pad_total = max((ceil(n / s) - 1) * s + (k - 1) * d + 1 - n, 0)``,
``pad_before = pad_total // 2`` (an odd element goes after).
"""

import functools

import numpy as np

from ...backend import parallel
from ...backend.errors import InvalidArgumentError
from .shape import transpose


# -- geometry (plain Python, cached per shape) -------------------------------------------------
@functools.lru_cache(maxsize=4096)
def _geometry(sizes, ksize, strides, dilations, padding):
    """Per spatial axis ``(pad_before, pad_after, out_size)``; sizes may be None (unknown)."""
    geo = []
    for axis, (n, k, s, d) in enumerate(zip(sizes, ksize, strides, dilations)):
        if padding == "VALID":
            before = after = 0
        elif padding != "SAME":
            before, after = padding[axis]
        elif n is None or k is None:
            before = after = None
        if n is None or k is None:
            geo.append((before, after, None))
            continue
        eff = (k - 1) * d + 1
        if padding == "SAME":
            total = max((-(-n // s) - 1) * s + eff - n, 0)
            before, after = total // 2, total - total // 2
        room = n + before + after - eff + s
        if room < 0:
            raise ValueError(f"the output size would be negative: input size {n}, effective "
                             f"filter size {eff}, stride {s}, padding ({before}, {after})")
        geo.append((before, after, room // s))
    return tuple(geo)


def _pad(xp, x, geo, value=0):
    (top, bottom, _), (left, right, _) = geo
    if not (top or bottom or left or right):
        return x
    n, h, w, c = x.shape
    out = xp.full((n, h + top + bottom, w + left + right, c), value, dtype=x.dtype)
    out[:, top:top + h, left:left + w] = x
    return out


def _tap(x, i, j, geo, strides, dilations):
    """View ``(N, Ho, Wo, C)``: the element at kernel position ``(i, j)`` of every window."""
    r, c = i * dilations[0], j * dilations[1]
    return x[:, r:r + (geo[0][2] - 1) * strides[0] + 1:strides[0],
             c:c + (geo[1][2] - 1) * strides[1] + 1:strides[1]]


def _taps(ksize):
    return [(i, j) for i in range(ksize[0]) for j in range(ksize[1])]


def _crop(x, geo, size):
    (top, _, _), (left, _, _) = geo
    return x[:, top:top + size[0], left:left + size[1]]


def _padded_zeros(xp, shape, geo, dtype):
    n, h, w, c = shape
    return xp.zeros((n, h + geo[0][0] + geo[0][1], w + geo[1][0] + geo[1][1], c), dtype=dtype)


def _full_shape(static, like, ref):
    """The run-time shape: ``ref``'s if given, else ``static`` with the batch of ``like``."""
    if ref:
        return tuple(ref[0].shape)
    return (like.shape[0],) + tuple(static[1:])


def _check_out(op_name, gy, geo):
    if tuple(gy.shape[1:3]) != (geo[0][2], geo[1][2]):
        raise ValueError(f"{op_name}: the gradient has spatial shape {tuple(gy.shape[1:3])}, "
                         f"the input shape gives {(geo[0][2], geo[1][2])}")


def _spatial(shape):
    """Spatial dims of an input shape as the 2-D kernels see them (NWC gets a unit height)."""
    return (1, shape[1]) if len(shape) == 3 else tuple(shape[1:3])


# -- batch split over the CPU cores --------------------------------------------------------
def _rows(xp, n, work, fn):
    """``[fn(start, stop), ...]`` over slices of the batch ``range(n)``, split over the CPU
    cores when there is enough ``work`` (elements per batch row) and the arrays are NumPy's."""
    if xp is not np or n * work < parallel.MIN_WORK:
        return [fn(0, n)]
    return parallel.split(fn, n, min_rows=parallel.rows_per_slice(work))


# -- argument parsing -------------------------------------------------------------------------
def _channels_first(data_format, spatial, op_name):
    last, first = ("NWC", "NCW") if spatial == 1 else ("NHWC", "NCHW")
    if data_format is None or data_format == last:
        return False
    if data_format == first:
        return True
    raise InvalidArgumentError(f"{op_name}: data_format must be {last!r} or {first!r}, got "
                               f"{data_format!r}")


def _ints(value, spatial, what, op_name, channels_first):
    """strides/dilations/ksize (int, or 1, spatial or spatial + 2 ints) as a 2-tuple."""
    if hasattr(value, "numpy"):
        value = value.numpy().tolist()
    values = [value] if isinstance(value, (int, np.integer)) else list(value)
    if len(values) == spatial + 2:
        outer = (values[0], values[1]) if channels_first else (values[0], values[-1])
        if tuple(outer) != (1, 1):
            raise InvalidArgumentError(f"{op_name}: {what} must be 1 in the batch and channel "
                                       f"dimensions, got {value!r}")
        values = values[2:] if channels_first else values[1:-1]
    elif len(values) == 1:
        values = values * spatial
    elif len(values) != spatial:
        raise InvalidArgumentError(f"{op_name}: {what} must be an int or a list of 1, "
                                   f"{spatial} or {spatial + 2} ints, got {value!r}")
    values = tuple(int(v) for v in values)
    if min(values) < 1:
        raise InvalidArgumentError(f"{op_name}: {what} must be positive, got {value!r}")
    return (1,) + values if spatial == 1 else values


def _padding(padding, spatial, op_name, channels_first, explicit=True):
    """'SAME', 'VALID', or explicit ((before, after), ...) pairs for the 2 kernel axes."""
    if isinstance(padding, str) and padding.upper() in ("SAME", "VALID"):
        return padding.upper()
    bad = InvalidArgumentError(f"{op_name}: padding must be 'SAME', 'VALID'"
                               f"{' or a list of [before, after] pairs' if explicit else ''}, "
                               f"got {padding!r}")
    if isinstance(padding, str) or not explicit:
        raise bad
    try:
        pairs = [tuple(int(v) for v in p) for p in padding]
    except TypeError:
        raise bad from None
    if len(pairs) == spatial + 2:
        outer = [pairs[0], pairs[1] if channels_first else pairs[-1]]
        if any(p != (0, 0) for p in outer):
            raise bad
        pairs = pairs[2:] if channels_first else pairs[1:-1]
    if len(pairs) != spatial or any(len(p) != 2 or min(p) < 0 for p in pairs):
        raise bad
    return ((0, 0),) + tuple(pairs) if spatial == 1 else tuple(pairs)


def _check(op, op_name, tensors, attrs):
    """Runs ``op``'s shape rule now, so errors name the public function and the shapes."""
    try:
        _rule(op, tuple(t.shape for t in tensors), tuple(sorted(attrs.items())))
    except ValueError as error:
        message = str(error)
        if message.startswith(op.name + ":"):
            message = op_name + message[len(op.name):]
        raise InvalidArgumentError(message) from None


@functools.lru_cache(maxsize=1024)
def _rule(op, shapes, attrs):
    """``op.shape`` memoized: eager loops call it with the same shapes every step."""
    return op.shape(*shapes, **dict(attrs))


def _frozen(value):
    """Lists (nested) and tensors as tuples, so that argument parsing can be memoized."""
    if hasattr(value, "numpy"):
        value = value.numpy().tolist()
    return tuple(_frozen(v) for v in value) if isinstance(value, (list, tuple)) else value


@functools.lru_cache(maxsize=1024)
def _window_attrs(op_name, spatial, first, strides, padding, dilations, ksize, explicit):
    attrs = {"strides": _ints(strides, spatial, "strides", op_name, first),
             "padding": _padding(padding, spatial, op_name, first, explicit)}
    if ksize is None:
        attrs["dilations"] = _ints(1 if dilations is None else dilations, spatial,
                                   "dilations", op_name, first)
    else:
        attrs["ksize"] = _ints(ksize, spatial, "ksize", op_name, first)
    return attrs


def _attrs(op_name, spatial, first, strides, padding, dilations=None, ksize=None,
           explicit=True):
    """The kernel attrs of the public arguments: strides, padding, and dilations or ksize.

    A fresh dict each call (callers add to it); parsed once per distinct arguments.
    """
    args = (op_name, spatial, first, _frozen(strides), _frozen(padding), _frozen(dilations),
            _frozen(ksize), explicit)
    try:
        return dict(_window_attrs(*args))
    except TypeError:  # something unhashable: parse it uncached, for the proper error
        return dict(_window_attrs.__wrapped__(*args))


def _rank(x, rank, what, op_name, layout):
    if x.ndim != rank:
        raise InvalidArgumentError(f"{op_name}: {what} must be rank {rank} ({layout}), got "
                                   f"shape {tuple(x.shape)}")


def _to_last(x, spatial):
    return transpose(x, (0,) + tuple(range(2, spatial + 2)) + (1,))


def _to_first(x, spatial):
    return transpose(x, (0, spatial + 1) + tuple(range(1, spatial + 1)))
