"""Convolutions, as TF's ``tf.nn.conv2d``, ``tf.nn.depthwise_conv2d``, ...

Data is channels-last (NHWC, NWC); NCHW/NCW are transposed around the same kernels. 1-D ops run
the 2-D kernels on a unit-height image, as TF does. Kernels are im2col: a strided window view
of the padded input (``as_strided``, no copy), one copy into a patch matrix, one BLAS matmul.

A convolution is a family of three registry ops, ``y = conv(x, w)``, ``gx =
backprop_input(gy, w)`` (a transposed convolution) and ``gw = backprop_filter(x, gy)``. All
three are bilinear and each one's gradient is written with the other two, so derivatives of
any order work. The window geometry (SAME, VALID and explicit padding) and the argument
parsing are shared with pooling (``_window.py``).
"""

import numpy as np

from ...backend.errors import InvalidArgumentError
from ..registry import bind, defop
from ..shape import TensorShape
from ..tensor import Tensor
from . import _loops
from ._base import floating, pair, tensor
from .shape import broadcast_to
from .shape import shape as shape_of
from ._window import (_attrs, _channels_first, _check, _check_out, _crop, _full_shape, _geometry,
                      _pad, _padded_zeros, _rank, _rows, _spatial, _tap, _taps, _to_first,
                      _to_last)

__all__ = [
    "atrous_conv2d",
    "conv1d",
    "conv1d_transpose",
    "conv2d",
    "conv2d_transpose",
    "conv_transpose",
    "convolution",
    "depthwise_conv2d",
    "depthwise_conv2d_backprop_filter",
    "depthwise_conv2d_backprop_input",
    "separable_conv2d",
]


# -- im2col: window views and patch matrices of the padded input -----------------------------
def _windows(xp, x, ksize, geo, strides, dilations):
    """View ``(N, Ho, Wo, kh, kw, C)`` of the padded ``x``: every window, no copy."""
    sn, sh, sw, sc = x.strides
    shape = (x.shape[0], geo[0][2], geo[1][2], ksize[0], ksize[1], x.shape[3])
    steps = (sn, sh * strides[0], sw * strides[1], sh * dilations[0], sw * dilations[1], sc)
    return xp.lib.stride_tricks.as_strided(x, shape, steps)


def _patches(xp, x, ksize, geo, strides, dilations, ones=False):
    """The im2col matrix ``(N * Ho * Wo, kh * kw * C)`` of the padded ``x``: one copy.

    With one channel it is gathered tap-major and returned transposed, so that the copy moves
    runs of neighbouring pixels instead of single floats (twice as fast). ``ones=True`` appends
    a column of ones, so that one product with the gradient also gives the bias gradient.
    """
    n, c = x.shape[0], x.shape[3]
    ho, wo = geo[0][2], geo[1][2]
    m, k = n * ho * wo, ksize[0] * ksize[1] * c
    if c != 1:
        windows = _windows(xp, x, ksize, geo, strides, dilations)
        if not ones:
            return windows.reshape(m, k)
        cols = xp.empty((m, k + 1), dtype=x.dtype)
        step, row = cols.itemsize, cols.strides[0]
        xp.lib.stride_tricks.as_strided(cols, windows.shape, (
            ho * wo * row, wo * row, row, ksize[1] * c * step, c * step, step))[...] = windows
        cols[:, k] = 1
        return cols
    sn, sh, sw, _ = x.strides
    shape = (ksize[0], ksize[1], n, ho, wo)
    steps = (sh * dilations[0], sw * dilations[1], sn, sh * strides[0], sw * strides[1])
    taps = xp.lib.stride_tricks.as_strided(x, shape, steps)
    if not ones:
        return taps.reshape(k, m).T
    cols = xp.empty((k + 1, m), dtype=x.dtype)
    cols[:k].reshape(shape)[...] = taps
    cols[k] = 1
    return cols.T


# -- conv2d kernels (NHWC; rank-3 NWC arrays get a unit height) --------------------------------
# On the CPU each kernel splits its batch over the cores (one im2col + GEMM per slice, BLAS on
# one thread per slice): the copies around the GEMMs then run on every core too.


def _active(geo, active):
    """``geo`` with the output cut to its first ``active = (rows, cols)`` (None: all of it).

    Graph passes set ``active`` where nothing reads the rest of a convolution's output (a
    VALID pooling that drops the last row and column) and where its gradient is zero there.
    """
    if active is None:
        return geo
    return tuple((before, after, min(size, keep))
                 for (before, after, size), keep in zip(geo, active))


def _forward_setup(x, w, strides, dilations, padding):
    """``(flat, x, w, geo)``: rank-3 (1-D) operands get a unit height."""
    flat = x.ndim == 3
    if flat:
        x, w = x[:, None], w[None]
    return flat, x, w, _geometry(x.shape[1:3], w.shape[:2], strides, dilations, padding)


def _input_setup(op_name, gy, w, ref, input_shape, strides, dilations, padding):
    """``(flat, gy, w, shape, geo)`` of an input gradient, ``gy``'s spatial shape checked."""
    shape = _full_shape(input_shape, gy, ref)
    flat = len(shape) == 3
    if flat:
        gy, w, shape = gy[:, None], w[None], (shape[0], 1) + shape[1:]
    geo = _geometry(shape[1:3], w.shape[:2], strides, dilations, padding)
    _check_out(op_name, gy, geo)
    return flat, gy, w, shape, geo


def _filter_setup(op_name, x, gy, ref, filter_shape, strides, dilations, padding):
    """``(flat, x, gy, shape, geo)`` of a filter gradient, ``gy``'s spatial shape checked."""
    shape = tuple(ref[0].shape) if ref else filter_shape
    flat = len(shape) == 3
    if flat:
        x, gy, shape = x[:, None], gy[:, None], (1,) + shape
    geo = _geometry(x.shape[1:3], shape[:2], strides, dilations, padding)
    _check_out(op_name, gy, geo)
    return flat, x, gy, shape, geo


def _conv_forward(xp, x, w, strides, dilations, padding, b=None, activation=None, active=None):
    flat, x, w, geo = _forward_setup(x, w, strides, dilations, padding)
    kh, kw, c, o = w.shape
    run = _active(geo, active)
    x, w2 = _pad(xp, x, geo), w.reshape(kh * kw * c, o)
    n, (ho, wo), (hr, wr) = x.shape[0], (geo[0][2], geo[1][2]), (run[0][2], run[1][2])
    y = xp.empty((n * hr * wr, o), dtype=xp.result_type(x, w))
    full = y if run == geo else xp.empty((n, ho, wo, o), dtype=y.dtype)
    epilogue = None if b is None else _epilogue(xp, y, b, activation)

    def part(start, stop):
        cols = _patches(xp, x[start:stop], (kh, kw), run, strides, dilations)
        rows = y[start * hr * wr:stop * hr * wr]
        xp.matmul(cols, w2, out=rows)
        if epilogue is not None:   # on this core's slice, while it is still in cache
            epilogue(rows)
        if full is not y:          # the rest is never read: zeros, not garbage
            full[start:stop, :hr, :wr] = rows.reshape(stop - start, hr, wr, o)
            full[start:stop, hr:] = 0
            full[start:stop, :hr, wr:] = 0

    _rows(xp, n, hr * wr * (o + kh * kw * c), part)
    y = full.reshape(n, ho, wo, o)
    return y[:, 0] if flat else y


def _active_gradient(xp, gy, geo, active):
    """``(gy, geo)`` cut to the active output region (see ``_active``), ``gy`` contiguous."""
    if active is None:
        return gy, geo
    run = _active(geo, active)
    return xp.ascontiguousarray(gy[:, :run[0][2], :run[1][2]]), run


def _epilogue(xp, y, b, activation):
    """In place on rows of the ``(M, O)`` output: ``+ b``, then ReLU if ``activation``."""
    relu = activation == "relu"
    loop = _loops.bias_relu.get(xp, y, b)
    if loop is not None and b.dtype == y.dtype:
        b = np.ascontiguousarray(b)
        return lambda rows: loop(rows, b, relu)

    def apply(rows):
        rows += b
        if relu:
            xp.maximum(rows, 0, out=rows)
    return apply


def _conv_bias_forward(xp, x, w, b, activation, **attrs):
    """``activation(conv2d(x, w) + b)`` in one pass over the output; made by graph passes
    (graph/fuse.py) after differentiation, so it needs no gradient of its own."""
    return _conv_forward(xp, x, w, b=b, activation=activation, **attrs)


def _conv_input_forward(xp, gy, w, *ref, input_shape, strides, dilations, padding,
                        active=None):
    flat, gy, w, shape, geo = _input_setup("conv2d_backprop_input", gy, w, ref, input_shape,
                                           strides, dilations, padding)
    kh, kw, c, o = w.shape
    if kh == kw == 1 and strides == (1, 1) and not (geo[0][0] or geo[1][0]):
        gx = xp.matmul(gy.reshape(-1, o), w.reshape(c, o).T).reshape(shape)
        return gx[:, 0] if flat else gx
    gy, geo = _active_gradient(xp, gy, geo, active)
    gx = _padded_zeros(xp, shape, geo, gy.dtype)
    loop = _loops.col2im.get(xp, gy, w)
    if loop is not None:   # one GEMM for all taps, the patches added back in one pass
        gy, w_t = np.ascontiguousarray(gy), np.ascontiguousarray(w.reshape(-1, o).T)

        def part(start, stop):
            cols = np.matmul(gy[start:stop], w_t)
            loop(cols, gx[start:stop], kh, kw, *strides, *dilations)

        _rows(xp, shape[0], gx[0].size + gy[0].size * kh * kw, part)
        gx = _crop(gx, geo, shape[1:3])
        return gx[:, 0] if flat else gx
    # A contiguous (M, C) block per tap scatters faster than the (M, kh * kw * C) patch
    # matrix. With one channel: (kh * kw, M) in one product, added as runs of pixels.
    if c == 1:
        w_taps = w.reshape(kh * kw, o)
    else:
        w_taps = xp.ascontiguousarray(w.reshape(kh * kw, c, o).transpose(0, 2, 1))

    def part(start, stop):
        g, target = gy[start:stop], gx[start:stop]
        if c == 1:
            cols = xp.matmul(w_taps, g.reshape(-1, o).T)
            target, block = target[..., 0], g.shape[:3]
        else:
            cols = xp.matmul(g.reshape(-1, o)[None], w_taps)
            block = g.shape[:3] + (c,)
        for t, (i, j) in enumerate(_taps((kh, kw))):
            _tap(target, i, j, geo, strides, dilations)[...] += cols[t].reshape(block)

    _rows(xp, shape[0], gx[0].size + gy[0].size * kh * kw, part)
    gx = _crop(gx, geo, shape[1:3])
    return gx[:, 0] if flat else gx


def _conv_filter_forward(xp, x, gy, *ref, filter_shape, strides, dilations, padding,
                         bias=False, active=None):
    flat, x, gy, shape, geo = _filter_setup("conv2d_backprop_filter", x, gy, ref, filter_shape,
                                            strides, dilations, padding)
    kh, kw, c, o = shape
    x = _pad(xp, x, geo)
    gy, geo = _active_gradient(xp, gy, geo, active)

    def part(start, stop):
        cols = _patches(xp, x[start:stop], (kh, kw), geo, strides, dilations, ones=bias)
        return xp.matmul(cols.T, gy[start:stop].reshape(-1, o))

    parts = _rows(xp, x.shape[0], gy[0].size * (kh * kw * c + 1), part)
    gw = parts[0]
    for more in parts[1:]:
        gw += more
    gb, gw = gw[-1], gw[:-1] if bias else gw
    gw = gw.reshape(shape)
    gw = gw[0] if flat else gw
    return (gw, gb) if bias else gw


def _conv_filter_bias_forward(xp, x, gy, **attrs):
    """``(conv2d_backprop_filter(x, gy), gy summed over all but its channel axis)``: one
    product gives both, the patch matrix carrying a column of ones for the bias."""
    return _conv_filter_forward(xp, x, gy, bias=True, **attrs)


# -- depthwise kernels: filter (kh, kw, C, M), output channel c * M + m ------------------------
# einsum over the window view does one pass per multiplier (tap loops are memory-bound).
def _depthwise_forward(xp, x, w, strides, dilations, padding):
    flat, x, w, geo = _forward_setup(x, w, strides, dilations, padding)
    kh, kw, c, m = w.shape
    windows = _windows(xp, _pad(xp, x, geo), (kh, kw), geo, strides, dilations)
    y = xp.stack([xp.einsum("nhwijc,ijc->nhwc", windows, w[..., k]) for k in range(m)], -1)
    y = y.reshape(y.shape[:3] + (c * m,))
    return y[:, 0] if flat else y


def _depthwise_input_forward(xp, gy, w, *ref, input_shape, strides, dilations, padding):
    flat, gy, w, shape, geo = _input_setup("depthwise_conv2d_native_backprop_input", gy, w, ref,
                                           input_shape, strides, dilations, padding)
    kh, kw, c, m = w.shape
    # With stride 1 the input gradient is a correlation of the fully padded gradient with the
    # flipped filter; otherwise gradients are scattered tap by tap.
    full = [((k - 1) * d - g[0], (k - 1) * d - g[1]) for k, d, g in zip((kh, kw), dilations, geo)]
    if strides == (1, 1) and min(min(p) for p in full) >= 0:
        gy = _pad(xp, gy, ((*full[0], None), (*full[1], None)))
        out = ((0, 0, shape[1]), (0, 0, shape[2]))
        gx = sum(xp.einsum("nhwijc,ijc->nhwc",
                           _windows(xp, gy[..., k::m], (kh, kw), out, strides, dilations),
                           w[::-1, ::-1, :, k]) for k in range(m))
    else:
        gy = gy.reshape(gy.shape[:3] + (c, m))
        gx = _padded_zeros(xp, shape, geo, gy.dtype)
        for i, j in _taps((kh, kw)):
            _tap(gx, i, j, geo, strides, dilations)[...] += xp.einsum("nhwcm,cm->nhwc", gy,
                                                                       w[i, j])
        gx = _crop(gx, geo, shape[1:3])
    return gx[:, 0] if flat else gx


def _depthwise_filter_forward(xp, x, gy, *ref, filter_shape, strides, dilations, padding):
    flat, x, gy, shape, geo = _filter_setup("depthwise_conv2d_native_backprop_filter", x, gy,
                                            ref, filter_shape, strides, dilations, padding)
    kh, kw, c, m = shape
    windows = _windows(xp, _pad(xp, x, geo), (kh, kw), geo, strides, dilations)
    gw = xp.empty((kh, kw, c, m), dtype=gy.dtype)
    for k in range(m):
        gw[..., k] = xp.einsum("nhwijc,nhwc->ijc", windows, gy[..., k::m])
    return gw[0] if flat else gw


# -- shape rules ------------------------------------------------------------------------------
def _kernel(shape):
    """Spatial dims of a filter shape, ``(k, in, out)`` giving ``(1, k)``."""
    return (1, shape[0]) if len(shape) == 3 else tuple(shape[:2])


def _conv_rule(name, depthwise):
    def rule(x, w, strides, dilations, padding):
        if len(x) not in (3, 4) or len(w) != len(x):
            raise ValueError(f"{name}: input and filters must both be rank 4 (NHWC; rank 3 "
                             f"for 1-D), got input {tuple(x)} and filters {tuple(w)}")
        if x[-1] is not None and w[-2] is not None and x[-1] != w[-2]:
            raise ValueError(f"{name}: input has {x[-1]} channels but filters {tuple(w)} "
                             f"expect {w[-2]} (input {tuple(x)})")
        try:
            geo = _geometry(_spatial(x), _kernel(w), strides, dilations, padding)
        except ValueError as error:
            raise ValueError(f"{name}: {error} (input {tuple(x)}, filters {tuple(w)})") from None
        out = w[-1] if not depthwise else (
            None if None in (w[-2], w[-1]) else w[-2] * w[-1])
        return TensorShape((x[0],) + tuple(g[2] for g in geo)[-(len(x) - 2):] + (out,))
    return rule


def _input_rule(name):
    def rule(gy, w, *ref, input_shape, **attrs):
        shape = TensorShape((gy[0],) + tuple(input_shape[1:]))
        if ref:
            shape = shape.merge_with(ref[0])
        if len(gy) != len(shape) or len(w) != len(shape):
            raise ValueError(f"{name}: expected rank {len(shape)} gradient and filters, got "
                             f"{tuple(gy)} and {tuple(w)}")
        return shape
    return rule


def _filter_rule(name):
    def rule(x, gy, *ref, filter_shape, **attrs):
        shape = TensorShape(filter_shape)
        if ref:
            shape = shape.merge_with(ref[0])
        if len(x) != len(shape) or len(gy) != len(shape):
            raise ValueError(f"{name}: expected rank {len(shape)} input and gradient, got "
                             f"{tuple(x)} and {tuple(gy)}")
        return shape
    return rule


# -- the bilinear families ----------------------------------------------------------------------
class _Family:
    """``y = apply(x, w)`` and its two adjoints, each op's gradient written with the others."""

    def __init__(self, name, forward, input_forward, filter_forward, depthwise=False,
                 fresh=False):
        self.apply = defop(name, forward, grad=self._grad, shape=_conv_rule(name, depthwise),
                           fresh=fresh)
        self.input = defop(name + "_backprop_input", input_forward, grad=self._input_grad,
                           shape=_input_rule(name + "_backprop_input"), fresh=fresh)
        self.filter = defop(name + "_backprop_filter", filter_forward, grad=self._filter_grad,
                            shape=_filter_rule(name + "_backprop_filter"), fresh=fresh)

    def input_grad(self, gy, w, like, attrs):
        """d(<gy, apply(x, w)>)/dx for an ``x`` shaped like the tensor ``like``."""
        shape = tuple(like.shape)
        refs = (like,) if None in shape[1:] else ()
        return bind(self.input, (gy, w) + refs, dict(attrs, input_shape=shape))

    def filter_grad(self, x, gy, like, attrs):
        """d(<gy, apply(x, w)>)/dw for a ``w`` shaped like the tensor ``like``."""
        shape = tuple(like.shape)
        refs = (like,) if None in shape else ()
        return bind(self.filter, (x, gy) + refs, dict(attrs, filter_shape=shape))

    def _grad(self, gy, y, x, w, **attrs):
        return self.input_grad(gy, w, x, attrs), self.filter_grad(x, gy, w, attrs)

    def _input_grad(self, gz, z, gy, w, *ref, input_shape, **attrs):
        return (bind(self.apply, (gz, w), attrs),
                self.filter_grad(gz, gy, w, attrs)) + (None,) * len(ref)

    def _filter_grad(self, gz, z, x, gy, *ref, filter_shape, **attrs):
        return (self.input_grad(gy, gz, x, attrs),
                bind(self.apply, (x, gz), attrs)) + (None,) * len(ref)


_CONV = _Family("conv2d", _conv_forward, _conv_input_forward, _conv_filter_forward, fresh=True)
CONV_BIAS = defop(
    "conv2d_bias_activation", _conv_bias_forward, fresh=True,
    shape=lambda x, w, b, activation, **a: _conv_rule("conv2d", False)(x, w, **a))
# Made by graph passes from a conv2d_backprop_filter and a bias gradient of the same ``gy``
# (graph/fuse.py), after differentiation: it needs no gradient of its own.
CONV_FILTER_BIAS = defop(
    "conv2d_backprop_filter_bias", _conv_filter_bias_forward, n_out=2, fresh=True,
    shape=lambda x, gy, filter_shape, **a: (TensorShape(filter_shape), TensorShape(gy[-1:])))
_DEPTHWISE = _Family("depthwise_conv2d_native", _depthwise_forward, _depthwise_input_forward,
                     _depthwise_filter_forward, depthwise=True)


# -- argument parsing -------------------------------------------------------------------------
def _operands(x, w, op_name, spatial, fmt):
    x, w = pair(tensor(x), tensor(w), op_name)
    floating(x, op_name)
    _rank(x, spatial + 2, "input", op_name, fmt)
    _rank(w, spatial + 2, "filters", op_name, "spatial dims, in, out")
    return x, w


def _convolve(family, op_name, x, w, strides, padding, data_format, dilations, spatial):
    first = _channels_first(data_format, spatial, op_name)
    x, w = _operands(x, w, op_name, spatial, data_format or ("NWC", "NHWC")[spatial - 1])
    attrs = _attrs(op_name, spatial, first, strides, padding, dilations)
    if first:
        x = _to_last(x, spatial)
    _check(family.apply, op_name, (x, w), attrs)
    y = bind(family.apply, (x, w), attrs)
    return _to_first(y, spatial) if first else y


# -- public API -------------------------------------------------------------------------------
def conv2d(input, filters, strides, padding, data_format="NHWC", dilations=None,
           name=None):
    """2-D convolution (cross-correlation, as TF) of a batch of images with ``filters``.

    Args:
        input: ``(N, H, W, C)`` float tensor (``(N, C, H, W)`` with ``data_format='NCHW'``).
        filters: ``(kh, kw, C, out)``.
        strides: int or list of 1, 2 or 4 ints (4: ``[1, sh, sw, 1]``).
        padding: ``'SAME'``, ``'VALID'`` or explicit ``[[0, 0], [t, b], [l, r], [0, 0]]``.
        dilations: int or list like ``strides`` (atrous convolution); default 1.

    Returns:
        ``(N, Ho, Wo, out)``; SAME gives ``Ho = ceil(H / sh)``, VALID
        ``Ho = ceil((H - kh' + 1) / sh)`` with ``kh' = (kh - 1) * dh + 1``.

    Example:
        >>> nf.nn.conv2d(nf.ones([1, 5, 5, 1]), nf.ones([3, 3, 1, 2]), 1, "VALID").shape
        TensorShape([1, 3, 3, 2])
    """
    return _convolve(_CONV, "conv2d", input, filters, strides, padding, data_format, dilations, 2)


def conv1d(input, filters, stride, padding, data_format="NWC", dilations=None,
           name=None):
    """1-D convolution of ``(N, W, C)`` sequences with ``filters`` ``(k, C, out)``.

    Args mirror ``conv2d`` with one spatial axis (``stride`` int or list of 1 or 3 ints).

    Example:
        >>> nf.nn.conv1d(nf.ones([2, 10, 3]), nf.ones([3, 3, 4]), 2, "SAME").shape
        TensorShape([2, 5, 4])
    """
    return _convolve(_CONV, "conv1d", input, filters, stride, padding, data_format, dilations, 1)


def convolution(input, filters, strides=None, padding="VALID", data_format=None,
                dilations=None, name=None):
    """Convolution of any supported rank (1-D or 2-D), chosen by ``filters``' rank.

    Example:
        >>> nf.nn.convolution(nf.ones([1, 4, 4, 1]), nf.ones([2, 2, 1, 1])).shape
        TensorShape([1, 3, 3, 1])
    """
    spatial = tensor(filters).ndim - 2
    if spatial not in (1, 2):
        raise InvalidArgumentError(f"convolution: only 1-D and 2-D convolutions are supported, "
                                   f"got filters of shape {tuple(tensor(filters).shape)}")
    fn = conv1d if spatial == 1 else conv2d
    return fn(input, filters, 1 if strides is None else strides, padding, data_format,
              dilations)


def atrous_conv2d(value, filters, rate, padding, name=None):
    """Dilated (atrous) 2-D convolution: ``conv2d`` with stride 1 and ``dilations=rate``.

    Example:
        >>> nf.nn.atrous_conv2d(nf.ones([1, 7, 7, 1]), nf.ones([3, 3, 1, 1]), 2, "VALID").shape
        TensorShape([1, 3, 3, 1])
    """
    return conv2d(value, filters, 1, padding, dilations=rate)


def _differ(a, b):
    """True when two dims are both known and unequal."""
    return a is not None and b is not None and a != b


def _output_dims(output_shape):
    """``output_shape`` as a tuple of ints, None for a dim only known when the graph runs."""
    dims = []
    try:
        if hasattr(output_shape, "numpy"):
            output_shape = output_shape.numpy().tolist()
        for d in output_shape:
            try:
                d = d.numpy() if hasattr(d, "numpy") else d
            except TypeError:  # a symbolic batch size, as from nf.shape(x)[0] in a graph
                d = None
            dims.append(None if d is None or int(d) < 0 else int(d))
    except TypeError:
        return None
    return tuple(dims)


def _transpose_conv(op_name, x, w, output_shape, strides, padding, data_format, dilations,
                    spatial):
    first = _channels_first(data_format, spatial, op_name)
    x, w = _operands(x, w, op_name, spatial, data_format or ("NWC", "NHWC")[spatial - 1])
    shape = _output_dims(output_shape)
    channel = 1 if first else -1
    if shape is None or len(shape) != spatial + 2 or shape[channel] is None:
        raise InvalidArgumentError(f"{op_name}: output_shape must list {spatial + 2} dims "
                                   f"(the channels known), got {output_shape!r}")
    refs = ()
    if None in shape[1:]:   # spatial dims known when the graph runs: a shape-only reference
        refs = (_shape_reference(x, output_shape, first),)
    if first:
        shape = (shape[0],) + shape[2:] + (shape[1],)
        x = _to_last(x, spatial)
    if _differ(shape[-1], w.shape[-2]) or _differ(x.shape[-1], w.shape[-1]):
        raise InvalidArgumentError(
            f"{op_name}: filters {tuple(w.shape)} must be (spatial dims, output channels, "
            f"input channels), got input {tuple(x.shape)} and output_shape {output_shape!r}")
    attrs = dict(_attrs(op_name, spatial, first, strides, padding, dilations), input_shape=shape)
    try:
        geo = _geometry(_spatial(shape), _kernel(tuple(w.shape)), attrs["strides"],
                        attrs["dilations"], attrs["padding"])
    except ValueError as error:
        raise InvalidArgumentError(f"{op_name}: {error}") from None
    want = tuple(g[2] for g in geo)[-spatial:]
    if any(_differ(a, b) for a, b in zip(x.shape[1:-1], want)):
        raise InvalidArgumentError(
            f"{op_name}: input spatial shape {tuple(x.shape[1:-1])} does not match "
            f"output_shape {output_shape!r}: a convolution of that shape gives {want}")
    y = bind(_CONV.input, (x, w) + refs, attrs)
    return _to_first(y, spatial) if first else y


def _shape_reference(x, output_shape, first):
    """A zero-strided tensor of the run-time output shape (channels last), whose shape alone
    tells the input-gradient kernel how large its result is."""
    dims = list(output_shape)
    if hasattr(output_shape, "shape") and isinstance(output_shape, Tensor):
        dims = [output_shape[i] for i in range(output_shape.shape[0])]
    if dims[0] is None or (not isinstance(dims[0], Tensor) and int(dims[0]) < 0):
        dims[0] = shape_of(x)[0]
    if first:
        dims = [dims[0]] + dims[2:] + [dims[1]]
    return broadcast_to(tensor(0, x.dtype), dims)


def conv2d_transpose(input, filters, output_shape, strides, padding="SAME",
                     data_format="NHWC", dilations=None, name=None):
    """Transposed 2-D convolution (the gradient of ``conv2d`` with respect to its input).

    Args:
        input: ``(N, H, W, in)``.
        filters: ``(kh, kw, out, in)`` (output channels first, as TF).
        output_shape: ``[N, Ho, Wo, out]``; the batch may be None.

    Example:
        >>> x = nf.ones([1, 3, 3, 2])
        >>> nf.nn.conv2d_transpose(x, nf.ones([3, 3, 1, 2]), [1, 6, 6, 1], 2).shape
        TensorShape([1, 6, 6, 1])
    """
    return _transpose_conv("conv2d_transpose", input, filters, output_shape, strides, padding,
                           data_format, dilations, 2)


def conv1d_transpose(input, filters, output_shape, strides, padding="SAME",
                     data_format="NWC", dilations=None, name=None):
    """Transposed 1-D convolution; ``filters`` is ``(k, out, in)``, ``output_shape`` 3 dims.

    Example:
        >>> nf.nn.conv1d_transpose(nf.ones([1, 4, 2]), nf.ones([3, 1, 2]), [1, 8, 1], 2).shape
        TensorShape([1, 8, 1])
    """
    return _transpose_conv("conv1d_transpose", input, filters, output_shape, strides, padding,
                           data_format, dilations, 1)


def conv_transpose(input, filters, output_shape, strides, padding="SAME",
                   data_format=None, dilations=None, name=None):
    """``conv1d_transpose`` or ``conv2d_transpose`` by the length of ``output_shape``.

    Example:
        >>> nf.nn.conv_transpose(nf.ones([1, 4, 2]), nf.ones([3, 1, 2]), [1, 8, 1], 2).shape
        TensorShape([1, 8, 1])
    """
    spatial = len(output_shape.numpy() if hasattr(output_shape, "numpy") else output_shape) - 2
    if spatial not in (1, 2):
        raise InvalidArgumentError(f"conv_transpose: only 1-D and 2-D are supported, got "
                                   f"output_shape {output_shape!r}")
    return _transpose_conv("conv_transpose", input, filters, output_shape, strides, padding,
                           data_format, dilations, spatial)


def depthwise_conv2d(input, filter, strides, padding, data_format=None,
                     dilations=None, name=None):
    """Convolves each input channel with its own ``multiplier`` filters.

    Args:
        input: ``(N, H, W, C)``.
        filter: ``(kh, kw, C, multiplier)``.
        strides: ``[1, s, s, 1]`` as TF (an int or 2 ints also accepted).

    Returns:
        ``(N, Ho, Wo, C * multiplier)``, channel ``c * multiplier + m``.

    Example:
        >>> nf.nn.depthwise_conv2d(nf.ones([1, 4, 4, 3]), nf.ones([3, 3, 3, 2]), [1, 1, 1, 1],
        ...                        "SAME").shape
        TensorShape([1, 4, 4, 6])
    """
    return _convolve(_DEPTHWISE, "depthwise_conv2d", input, filter, strides, padding,
                     data_format, dilations, 2)


def _depthwise_backprop(op, op_name, tensors, sizes, strides, padding, data_format,
                        dilations):
    if _channels_first(data_format, 2, op_name):
        raise InvalidArgumentError(f"{op_name}: only data_format='NHWC' is supported")
    a, b = pair(tensor(tensors[0]), tensor(tensors[1]), op_name)
    floating(a, op_name)
    if hasattr(sizes, "numpy"):
        sizes = sizes.numpy().tolist()
    attrs = _attrs(op_name, 2, False, strides, padding, dilations)
    key = "input_shape" if op is _DEPTHWISE.input else "filter_shape"
    attrs[key] = tuple(int(d) for d in sizes)
    _check(op, op_name, (a, b), attrs)
    return bind(op, (a, b), attrs)


def depthwise_conv2d_backprop_input(input_sizes, filter, out_backprop, strides,
                                    padding, data_format="NHWC", dilations=None, name=None):
    """Gradient of ``depthwise_conv2d`` with respect to an input of shape ``input_sizes``.

    Example:
        >>> nf.nn.depthwise_conv2d_backprop_input([1, 4, 4, 2], nf.ones([3, 3, 2, 1]),
        ...                                      nf.ones([1, 4, 4, 2]), 1, "SAME").shape
        TensorShape([1, 4, 4, 2])
    """
    return _depthwise_backprop(_DEPTHWISE.input, "depthwise_conv2d_backprop_input",
                               (out_backprop, filter), input_sizes, strides, padding,
                               data_format, dilations)


def depthwise_conv2d_backprop_filter(input, filter_sizes, out_backprop, strides,
                                     padding, data_format="NHWC", dilations=None, name=None):
    """Gradient of ``depthwise_conv2d`` with respect to a filter of shape ``filter_sizes``.

    Example:
        >>> nf.nn.depthwise_conv2d_backprop_filter(nf.ones([1, 4, 4, 2]), [3, 3, 2, 1],
        ...                                       nf.ones([1, 4, 4, 2]), 1, "SAME").shape
        TensorShape([3, 3, 2, 1])
    """
    return _depthwise_backprop(_DEPTHWISE.filter, "depthwise_conv2d_backprop_filter",
                               (input, out_backprop), filter_sizes, strides, padding,
                               data_format, dilations)


def separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding,
                     data_format=None, dilations=None, name=None):
    """Depthwise convolution followed by a 1x1 convolution mixing the channels.

    Args:
        depthwise_filter: ``(kh, kw, C, multiplier)``.
        pointwise_filter: ``(1, 1, C * multiplier, out)``.

    Example:
        >>> nf.nn.separable_conv2d(nf.ones([1, 4, 4, 3]), nf.ones([3, 3, 3, 2]),
        ...                        nf.ones([1, 1, 6, 5]), [1, 1, 1, 1], "VALID").shape
        TensorShape([1, 2, 2, 5])
    """
    y = depthwise_conv2d(input, depthwise_filter, strides, padding, data_format, dilations)
    return conv2d(y, pointwise_filter, 1, "VALID", data_format or "NHWC")
