"""Convolution and pooling ops: naive NumPy references, gradients, second order, errors, torch."""

import numpy as np
import pytest
from opcheck import check_forward, check_grad, check_second_order, rand

import neuroflow as nf
from neuroflow.backend.errors import InvalidArgumentError
from neuroflow.core.ops import conv as C
from neuroflow.core.registry import REGISTRY, bind
from neuroflow.core.ops import pooling as P
from neuroflow.core.shape import TensorShape


# -- naive references (float64 loops over output pixels) -------------------------------------
def same_pads(n, k, s, d=1):
    eff = (k - 1) * d + 1
    total = max((-(-n // s) - 1) * s + eff - n, 0)
    return total // 2, total - total // 2


def pads_of(padding, sizes, ksize, strides, dilations=(1, 1)):
    if padding == "VALID":
        return [(0, 0)] * len(sizes)
    if padding == "SAME":
        return [same_pads(*a) for a in zip(sizes, ksize, strides, dilations)]
    return [tuple(p) for p in padding]


def out_size(n, k, s, d, pad):
    return (n + pad[0] + pad[1] - (k - 1) * d - 1) // s + 1


def naive_conv2d(x, w, strides, padding, dilations=(1, 1), depthwise=False):
    n, h, wd, c = x.shape
    kh, kw = w.shape[:2]
    (pt, pb), (pl, pr) = pads_of(padding, (h, wd), (kh, kw), strides, dilations)
    xpad = np.zeros((n, h + pt + pb, wd + pl + pr, c))
    xpad[:, pt:pt + h, pl:pl + wd] = x
    ho = out_size(h, kh, strides[0], dilations[0], (pt, pb))
    wo = out_size(wd, kw, strides[1], dilations[1], (pl, pr))
    y = np.zeros((n, ho, wo, w.shape[2] * w.shape[3] if depthwise else w.shape[3]))
    for a in range(ho):
        for b in range(wo):
            for i in range(kh):
                for j in range(kw):
                    r, c = a * strides[0] + i * dilations[0], b * strides[1] + j * dilations[1]
                    v = xpad[:, r, c]
                    y[:, a, b] += (v[:, :, None] * w[i, j]).reshape(n, -1) if depthwise \
                        else v @ w[i, j]
    return y


def naive_conv2d_transpose(x, w, output_shape, strides, padding, dilations=(1, 1)):
    n, h, wd, c = output_shape
    kh, kw = w.shape[:2]
    (pt, pb), (pl, pr) = pads_of(padding, (h, wd), (kh, kw), strides, dilations)
    out = np.zeros((n, h + pt + pb, wd + pl + pr, c))
    for a in range(x.shape[1]):
        for b in range(x.shape[2]):
            for i in range(kh):
                for j in range(kw):
                    out[:, a * strides[0] + i * dilations[0], b * strides[1] + j * dilations[1]] \
                        += x[:, a, b] @ w[i, j].T
    return out[:, pt:pt + h, pl:pl + wd]


def naive_pool(x, ksize, strides, padding, reduce):
    n, h, wd, c = x.shape
    (pt, pb), (pl, pr) = pads_of(padding, (h, wd), ksize, strides)
    ho = out_size(h, ksize[0], strides[0], 1, (pt, pb))
    wo = out_size(wd, ksize[1], strides[1], 1, (pl, pr))
    y = np.zeros((n, ho, wo, c))
    for a in range(ho):
        for b in range(wo):
            r0, c0 = a * strides[0] - pt, b * strides[1] - pl
            window = x[:, max(r0, 0):r0 + ksize[0], max(c0, 0):c0 + ksize[1]]
            y[:, a, b] = reduce(window, axis=(1, 2))
    return y


def unit_height(fn):
    """A 1-D reference from a 2-D one: NWC <-> N1WC."""
    def ref(x, w, *args, **kwargs):
        return fn(x[:, None], w[None], *args, **kwargs)[:, 0]
    return ref


CONV_CASES = [  # x shape, filter shape, strides, padding, dilations
    ((2, 5, 6, 3), (3, 3, 3, 2), (1, 1), "VALID", (1, 1)),
    ((2, 5, 6, 3), (3, 3, 3, 2), (1, 1), "SAME", (1, 1)),
    ((1, 7, 6, 2), (3, 2, 2, 3), (2, 2), "SAME", (1, 1)),
    ((1, 8, 8, 2), (4, 4, 2, 2), (2, 2), "SAME", (1, 1)),       # even kernel, asymmetric pads
    ((1, 6, 7, 2), (2, 2, 2, 2), (2, 3), "SAME", (1, 1)),
    ((1, 7, 7, 2), (3, 3, 2, 2), (1, 1), "SAME", (2, 2)),       # dilated
    ((1, 9, 8, 1), (3, 2, 1, 2), (2, 1), "VALID", (2, 3)),
    ((2, 6, 5, 1), (3, 3, 1, 3), (1, 1), "SAME", (1, 1)),       # one channel: tap-major path
    ((2, 5, 5, 3), (1, 1, 3, 4), (1, 1), "VALID", (1, 1)),      # 1x1 fast path
    ((1, 5, 5, 2), (1, 1, 2, 2), (2, 2), "SAME", (1, 1)),
    ((1, 5, 6, 2), (3, 3, 2, 2), (1, 2), ((1, 2), (0, 3)), (1, 1)),  # explicit
]


def _explicit(padding):
    return padding if isinstance(padding, str) else [[0, 0], *map(list, padding), [0, 0]]


# -- values ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("xs,ws,strides,padding,dilations", CONV_CASES, ids=str)
def test_conv2d_values(xs, ws, strides, padding, dilations):
    x, w = rand(xs, seed=1), rand(ws, seed=2)
    check_forward(lambda x, w: C.conv2d(x, w, list(strides), _explicit(padding),
                                        dilations=list(dilations)),
                  lambda x, w: naive_conv2d(x, w, strides, padding, dilations), x, w, rtol=1e-4)


@pytest.mark.parametrize("xs,ws,stride,padding,dilation", [
    ((2, 7, 3), (3, 3, 2), 1, "VALID", 1), ((2, 8, 3), (4, 3, 2), 2, "SAME", 1),
    ((1, 9, 2), (3, 2, 2), 2, "SAME", 2), ((1, 5, 2), (1, 2, 3), 1, "SAME", 1),
    ((2, 8, 1), (3, 1, 2), 1, "SAME", 1)], ids=str)
def test_conv1d_values(xs, ws, stride, padding, dilation):
    x, w = rand(xs, seed=3), rand(ws, seed=4)
    ref = unit_height(naive_conv2d)
    check_forward(lambda x, w: C.conv1d(x, w, stride, padding, dilations=dilation),
                  lambda x, w: ref(x, w, (1, stride), padding, (1, dilation)), x, w, rtol=1e-4)


@pytest.mark.parametrize("out_shape,ws,strides,padding,dilations", [
    ((2, 6, 6, 2), (3, 3, 2, 3), (2, 2), "SAME", (1, 1)),
    ((1, 7, 5, 2), (3, 3, 2, 3), (2, 2), "SAME", (1, 1)),
    ((1, 7, 8, 1), (2, 3, 1, 2), (2, 3), "VALID", (1, 1)),
    ((1, 8, 8, 2), (4, 4, 2, 1), (2, 2), "SAME", (1, 1)),
    ((1, 7, 7, 2), (3, 3, 2, 2), (1, 1), "SAME", (2, 2)),
    ((2, 4, 4, 3), (1, 1, 3, 2), (1, 1), "VALID", (1, 1))], ids=str)
def test_conv2d_transpose_values(out_shape, ws, strides, padding, dilations):
    w = rand(ws, seed=5)
    xs = (out_shape[0],) + tuple(out_size(n, k, s, d, p) for n, k, s, d, p in zip(
        out_shape[1:3], ws[:2], strides, dilations,
        pads_of(padding, out_shape[1:3], ws[:2], strides, dilations))) + (ws[3],)
    x = rand(xs, seed=6)
    check_forward(lambda x, w: C.conv2d_transpose(x, w, out_shape, strides, padding,
                                                  dilations=dilations),
                  lambda x, w: naive_conv2d_transpose(x, w, out_shape, strides, padding,
                                                      dilations), x, w, rtol=1e-4)


def test_conv1d_transpose_values():
    x, w = rand((2, 4, 3), seed=7), rand((3, 2, 3), seed=8)
    ref = naive_conv2d_transpose(x[:, None], w[None], (2, 1, 8, 2), (1, 2), "SAME")[:, 0]
    got = C.conv1d_transpose(nf.constant(x), nf.constant(w), [2, 8, 2], 2)
    np.testing.assert_allclose(got.numpy(), ref, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("xs,ws,strides,padding,dilations", [
    ((2, 5, 6, 3), (3, 3, 3, 2), (1, 1), "VALID", (1, 1)),
    ((1, 7, 6, 2), (3, 2, 2, 1), (2, 2), "SAME", (1, 1)),
    ((1, 7, 7, 2), (3, 3, 2, 3), (1, 1), "SAME", (2, 2))], ids=str)
def test_depthwise_conv2d_values(xs, ws, strides, padding, dilations):
    x, w = rand(xs, seed=9), rand(ws, seed=10)
    check_forward(lambda x, w: C.depthwise_conv2d(x, w, [1, *strides, 1], padding,
                                                  dilations=dilations),
                  lambda x, w: naive_conv2d(x, w, strides, padding, dilations, depthwise=True),
                  x, w, rtol=1e-4)


def test_separable_conv2d_is_depthwise_then_pointwise():
    x, dw, pw = rand((2, 6, 5, 3), seed=11), rand((3, 3, 3, 2), seed=12), rand((1, 1, 6, 4))
    got = C.separable_conv2d(nf.constant(x), nf.constant(dw), nf.constant(pw), [1, 2, 2, 1],
                             "SAME")
    want = naive_conv2d(naive_conv2d(x, dw, (2, 2), "SAME", depthwise=True), pw, (1, 1), "VALID")
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-12, atol=1e-12)


POOL_CASES = [  # x shape, ksize, strides, padding
    ((2, 4, 6, 3), (2, 2), (2, 2), "VALID"),
    ((2, 5, 7, 2), (2, 2), (2, 2), "SAME"),
    ((1, 7, 6, 2), (3, 3), (2, 2), "SAME"),
    ((1, 7, 6, 2), (3, 2), (1, 2), "VALID"),
    ((1, 6, 6, 1), (4, 4), (3, 3), "SAME"),
    ((1, 5, 7, 2), (2, 3), (2, 3), "VALID"),    # tiles, with leftover rows and columns
    ((2, 6, 6, 2), (3, 3), (3, 3), "SAME"),     # tiles exactly
    ((1, 4, 5, 2), (1, 2), (1, 1), "VALID"),
]


@pytest.mark.parametrize("xs,ksize,strides,padding", POOL_CASES, ids=str)
def test_max_pool2d_values(xs, ksize, strides, padding):
    check_forward(lambda x: P.max_pool2d(x, list(ksize), list(strides), padding),
                  lambda x: naive_pool(x, ksize, strides, padding, np.max), rand(xs, seed=13))


@pytest.mark.parametrize("xs,ksize,strides,padding", POOL_CASES, ids=str)
def test_avg_pool2d_values(xs, ksize, strides, padding):
    check_forward(lambda x: P.avg_pool2d(x, list(ksize), list(strides), padding),
                  lambda x: naive_pool(x, ksize, strides, padding, np.mean), rand(xs, seed=14))


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_pool1d_values(padding):
    x = rand((2, 7, 3), seed=15)
    for fn, generic, reduce in [(P.max_pool1d, P.max_pool, np.max),
                                (P.avg_pool1d, P.avg_pool, np.mean)]:
        want = naive_pool(x[:, None], (1, 3), (1, 2), padding, reduce)[:, 0]
        for f in (fn, generic):
            np.testing.assert_allclose(f(nf.constant(x), 3, 2, padding).numpy(), want,
                                       rtol=1e-12, atol=1e-12)


def test_max_pool_explicit_padding_pads_with_minus_infinity():
    x = -np.ones((1, 2, 2, 1))
    y = P.max_pool2d(nf.constant(x), 2, 1, [[0, 0], [1, 1], [1, 1], [0, 0]])
    np.testing.assert_array_equal(y.numpy(), -np.ones((1, 3, 3, 1)))


def test_max_pool_integer_input():
    x = np.arange(16, dtype=np.int32).reshape(1, 4, 4, 1) - 20
    y = P.max_pool2d(nf.constant(x), 3, 2, "SAME")
    assert y.dtype == nf.int32
    np.testing.assert_array_equal(y.numpy(), naive_pool(x, (3, 3), (2, 2), "SAME", np.max))


def test_same_padding_puts_the_odd_element_after():
    # Input 4, kernel 2, stride 2: no padding; input 5: one pad row, at the bottom.
    x = np.arange(25.0).reshape(1, 5, 5, 1)
    y = C.conv2d(nf.constant(x), nf.constant(np.ones((2, 2, 1, 1))), 2, "SAME").numpy()
    assert y[0, 2, 2, 0] == 24.0 and y[0, 0, 0, 0] == 0 + 1 + 5 + 6


def test_nchw_matches_nhwc():
    x, w = rand((2, 3, 5, 6), seed=16), rand((3, 3, 3, 2), seed=17)
    nhwc = C.conv2d(nf.constant(x.transpose(0, 2, 3, 1)), nf.constant(w), [1, 2, 1, 1], "SAME")
    nchw = C.conv2d(nf.constant(x), nf.constant(w), [1, 1, 2, 1], "SAME", data_format="NCHW")
    np.testing.assert_allclose(nchw.numpy(), nhwc.numpy().transpose(0, 3, 1, 2), rtol=1e-12,
                               atol=1e-12)
    pooled = P.max_pool2d(nf.constant(x), 2, 2, "SAME", data_format="NCHW")
    want = naive_pool(x.transpose(0, 2, 3, 1), (2, 2), (2, 2), "SAME", np.max)
    np.testing.assert_allclose(pooled.numpy(), want.transpose(0, 3, 1, 2))


def test_float32_stays_float32():
    x, w = nf.constant(rand((1, 5, 5, 2), dtype=np.float32)), nf.constant(rand((3, 3, 2, 2)))
    w = nf.cast(w, nf.float32)
    assert C.conv2d(x, w, 1, "SAME").dtype == nf.float32
    assert P.max_pool2d(x, 2, 2, "SAME").dtype == nf.float32
    assert P.avg_pool2d(x, 2, 2, "SAME").dtype == nf.float32


def test_wrappers_match_their_definitions():
    x, w = rand((2, 7, 6, 2), seed=51), rand((3, 3, 2, 2), seed=52)
    xt, wt = nf.constant(x), nf.constant(w)
    np.testing.assert_allclose(C.atrous_conv2d(xt, wt, 2, "SAME").numpy(),
                               naive_conv2d(x, w, (1, 1), "SAME", (2, 2)), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(C.convolution(xt, wt, 2, "SAME").numpy(),
                               naive_conv2d(x, w, (2, 2), "SAME"), rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(P.pool(xt, [2, 3], "MAX", [2, 1], "SAME").numpy(),
                                  naive_pool(x, (2, 3), (2, 1), "SAME", np.max))
    np.testing.assert_allclose(P.pool(xt, [2, 2], "AVG", [2, 2]).numpy(),
                               naive_pool(x, (2, 2), (2, 2), "VALID", np.mean), rtol=1e-12)
    y = C.conv_transpose(nf.constant(x[:, :4, :3]), wt, [2, 7, 6, 2], 2)
    want = naive_conv2d_transpose(x[:, :4, :3], w, (2, 7, 6, 2), (2, 2), "SAME")
    np.testing.assert_allclose(y.numpy(), want, rtol=1e-12, atol=1e-12)


def test_depthwise_backprop_wrappers_equal_the_tape_gradient():
    x, w = nf.constant(rand((2, 5, 6, 2), seed=53)), nf.constant(rand((3, 3, 2, 2), seed=54))
    with nf.GradientTape() as tape:
        tape.watch([x, w])
        y = C.depthwise_conv2d(x, w, [1, 2, 2, 1], "SAME")
    gy = nf.constant(rand(tuple(y.shape), seed=55))
    gx, gw = tape.gradient(y, [x, w], output_gradients=gy)
    np.testing.assert_allclose(
        C.depthwise_conv2d_backprop_input([2, 5, 6, 2], w, gy, [1, 2, 2, 1], "SAME").numpy(),
        gx.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(
        C.depthwise_conv2d_backprop_filter(x, [3, 3, 2, 2], gy, [1, 2, 2, 1], "SAME").numpy(),
        gw.numpy(), rtol=1e-12, atol=1e-12)


# -- gradients ----------------------------------------------------------------------------------
@pytest.mark.parametrize("xs,ws,strides,padding,dilations", CONV_CASES[1:], ids=str)
def test_conv2d_gradient(xs, ws, strides, padding, dilations):
    xs = (1,) + xs[1:]
    check_grad(lambda x, w: C.conv2d(x, w, strides, _explicit(padding), dilations=dilations),
               rand(xs, seed=18), rand(ws, seed=19))


def test_conv1d_gradient():
    check_grad(lambda x, w: C.conv1d(x, w, 2, "SAME"), rand((2, 7, 2), seed=20),
               rand((3, 2, 2), seed=21))
    check_grad(lambda x, w: C.conv1d_transpose(x, w, [2, 7, 2], 2), rand((2, 4, 3), seed=62),
               rand((3, 2, 3), seed=63))


def test_channels_first_gradients():
    check_grad(lambda x, w: C.conv2d(x, w, 2, "SAME", data_format="NCHW"),
               rand((1, 2, 5, 4), seed=64), rand((3, 3, 2, 2), seed=65))
    check_grad(lambda x: P.avg_pool1d(x, 2, 2, "SAME", data_format="NCW"), rand((2, 3, 5)))


@pytest.mark.parametrize("strides,padding", [((2, 2), "SAME"), ((1, 2), "VALID")])
def test_conv2d_transpose_gradient(strides, padding):
    out = (1, 5, 6, 2)
    xs = (1,) + tuple(out_size(n, 3, s, 1, p) for n, s, p in zip(
        out[1:3], strides, pads_of(padding, out[1:3], (3, 3), strides))) + (3,)
    check_grad(lambda x, w: C.conv2d_transpose(x, w, out, strides, padding),
               rand(xs, seed=22), rand((3, 3, 2, 3), seed=23))


@pytest.mark.parametrize("strides,padding,dilations", [
    ((2, 2), "SAME", (1, 1)), ((1, 1), "SAME", (2, 1)), ((1, 1), "VALID", (1, 1))])
def test_depthwise_gradient(strides, padding, dilations):
    check_grad(lambda x, w: C.depthwise_conv2d(x, w, strides, padding, dilations=dilations),
               rand((1, 5, 6, 2), seed=24), rand((3, 2, 2, 2), seed=25))


@pytest.mark.parametrize("xs,ksize,strides,padding", POOL_CASES, ids=str)
def test_pool_gradients(xs, ksize, strides, padding):
    x = rand((1,) + xs[1:], seed=26)
    check_grad(lambda x: P.max_pool2d(x, ksize, strides, padding), x)
    check_grad(lambda x: P.avg_pool2d(x, ksize, strides, padding), x)


def test_pool1d_gradients():
    x = rand((2, 7, 2), seed=27)
    check_grad(lambda x: P.max_pool1d(x, 3, 2, "SAME"), x)
    check_grad(lambda x: P.avg_pool1d(x, 3, 2, "SAME"), x)


def _grad_of(fn, x):
    t = nf.constant(x)
    with nf.GradientTape() as tape:
        tape.watch(t)
        y = nf.reduce_sum(fn(t))
    return tape.gradient(y, t).numpy()


def naive_max_pool_grad(x, gy, ksize, strides, padding):
    """Each window's gradient to its first maximum in row-major order, as TF."""
    (pt, _), (pl, _) = pads_of(padding, x.shape[1:3], ksize, strides)
    gx = np.zeros_like(x)
    for n, a, b, c in np.ndindex(*gy.shape):
        r0, c0 = a * strides[0] - pt, b * strides[1] - pl
        best = None
        for i, j in np.ndindex(*ksize):
            r, q = r0 + i, c0 + j
            if 0 <= r < x.shape[1] and 0 <= q < x.shape[2] and (
                    best is None or x[n, r, q, c] > x[n, best[0], best[1], c]):
                best = (r, q)
        gx[n, best[0], best[1], c] += gy[n, a, b, c]
    return gx


@pytest.mark.parametrize("xs,ksize,strides,padding", POOL_CASES, ids=str)
def test_max_pool_gradient_with_ties(xs, ksize, strides, padding):
    # Few distinct values (a ReLU makes windows of zeros): many tied maxima.
    x = np.maximum(np.round(rand(xs, seed=60)), 0)
    gy = rand(tuple(P.max_pool2d(nf.constant(x), ksize, strides, padding).shape), seed=61)
    t = nf.constant(x)
    with nf.GradientTape() as tape:
        tape.watch(t)
        y = P.max_pool2d(t, ksize, strides, padding)
    got = tape.gradient(y, t, output_gradients=nf.constant(gy)).numpy()
    np.testing.assert_allclose(got, naive_max_pool_grad(x, gy, ksize, strides, padding),
                               rtol=1e-12)


def test_max_pool_gradient_goes_to_the_first_maximum_only():
    g = _grad_of(lambda x: P.max_pool2d(x, 2, 2, "VALID"), np.ones((1, 2, 4, 1)))
    np.testing.assert_array_equal(g[0, :, :, 0], [[1, 0, 1, 0], [0, 0, 0, 0]])
    # Overlapping windows (3x3, stride 1, SAME) on a constant: each window's first element.
    g = _grad_of(lambda x: P.max_pool2d(x, 3, 1, "SAME"), np.ones((1, 3, 3, 1)))
    np.testing.assert_array_equal(g[0, :, :, 0], [[4, 2, 0], [2, 1, 0], [0, 0, 0]])


# -- the gradient ops are themselves differentiable -----------------------------------------------
GEOMETRY = {"strides": (2, 1), "dilations": (1, 1), "padding": "SAME"}


@pytest.mark.parametrize("family", ["conv2d", "depthwise_conv2d_native"])
def test_backprop_ops_gradients(family):
    x, w = rand((1, 5, 4, 2), seed=28), rand((3, 2, 2, 2), seed=29)
    gy = rand(tuple(bind(REGISTRY[family], (nf.constant(x), nf.constant(w)), GEOMETRY).shape),
              seed=30)
    bi, bf = REGISTRY[family + "_backprop_input"], REGISTRY[family + "_backprop_filter"]
    check_grad(lambda g, w: bind(bi, (g, w), dict(GEOMETRY, input_shape=x.shape)), gy, w)
    check_grad(lambda x, g: bind(bf, (x, g), dict(GEOMETRY, filter_shape=w.shape)), x, gy)
    check_second_order(lambda x, g: bind(bf, (x, g), dict(GEOMETRY, filter_shape=w.shape)),
                       x, gy)


def test_backprop_input_with_a_shape_reference():
    gy, w, x = rand((2, 3, 4, 2), seed=31), rand((3, 2, 3, 2), seed=32), rand((2, 5, 4, 3))
    attrs = dict(GEOMETRY, input_shape=(None, None, None, 3))
    with_ref = bind(REGISTRY["conv2d_backprop_input"],
                    (nf.constant(gy), nf.constant(w), nf.constant(x)), attrs)
    plain = bind(REGISTRY["conv2d_backprop_input"], (nf.constant(gy), nf.constant(w)),
                 dict(GEOMETRY, input_shape=x.shape))
    np.testing.assert_array_equal(with_ref.numpy(), plain.numpy())


def test_max_pool_grad_ops_gradients():
    attrs = {"ksize": (3, 3), "strides": (2, 2), "padding": "SAME"}
    x = nf.constant(rand((1, 5, 6, 2), seed=33))
    y = P.max_pool2d(x, 3, 2, "SAME")
    check_grad(lambda g: bind(REGISTRY["max_pool_grad"], (x, y, g), attrs),
               rand(tuple(y.shape), seed=34))
    check_grad(lambda g: bind(REGISTRY["max_pool_grad_grad"], (x, y, g), attrs),
               rand(tuple(x.shape), seed=35))


def test_second_order():
    check_second_order(lambda x, w: C.conv2d(x, w, 2, "SAME"), rand((1, 4, 5, 2), seed=36),
                       rand((3, 2, 2, 2), seed=37))
    check_second_order(lambda x, w: C.conv2d_transpose(x, w, (1, 5, 4, 2), 2),
                       rand((1, 3, 2, 2), seed=38), rand((2, 3, 2, 2), seed=39))
    check_second_order(lambda x, w: C.depthwise_conv2d(x, w, 1, "VALID"),
                       rand((1, 4, 4, 2), seed=40), rand((2, 2, 2, 2), seed=41))
    # Through a nonlinearity, so the second derivative is not just the bilinear cross term.
    check_second_order(lambda x, w: nf.tanh(C.conv2d(nf.tanh(x), w, 1, "VALID")),
                       rand((1, 4, 4, 1), seed=42), rand((2, 2, 1, 2), seed=43))
    check_second_order(lambda x: P.avg_pool2d(x * x, 2, 2, "SAME"), rand((1, 3, 3, 2), seed=44))
    check_second_order(lambda x: P.max_pool2d(x * x, 2, 1, "VALID"), rand((1, 3, 3, 2), seed=45))


# -- shape rules ----------------------------------------------------------------------------------
def test_shape_rules_with_unknown_dims():
    conv = REGISTRY["conv2d"].shape
    attrs = {"strides": (2, 2), "dilations": (1, 1), "padding": "SAME"}
    assert conv(TensorShape([None, 28, 27, 1]), TensorShape([3, 3, 1, 8]), **attrs) == \
        (None, 14, 14, 8)
    assert conv(TensorShape([None, None, 9, 1]), TensorShape([3, 3, None, 8]), **attrs) == \
        (None, None, 5, 8)
    assert conv(TensorShape([None, 9, 1]), TensorShape([3, 1, 8]), **attrs) == (None, 5, 8)
    pool = REGISTRY["max_pool"].shape
    assert pool(TensorShape([None, 28, 28, 3]), ksize=(2, 2), strides=(2, 2),
                padding="VALID") == (None, 14, 14, 3)
    bi = REGISTRY["conv2d_backprop_input"].shape
    assert bi(TensorShape([None, 14, 14, 8]), TensorShape([3, 3, 1, 8]),
              input_shape=(None, 28, 28, 1), **attrs) == (None, 28, 28, 1)


def test_traced_with_unknown_batch_and_spatial_dims():
    if not hasattr(nf, "function") or not hasattr(nf, "TensorSpec"):
        pytest.skip("nf.function is not available")
    w = nf.constant(rand((3, 3, 1, 2), seed=56))
    x = rand((2, 9, 8, 1), seed=57)

    def step(x):
        with nf.GradientTape() as tape:
            tape.watch([x, w])
            y = P.max_pool2d(C.conv2d(x, w, 2, "SAME"), 2, 2, "SAME")
            loss = nf.reduce_sum(P.avg_pool2d(y * y, 3, 1, "SAME"))
        return [y] + tape.gradient(loss, [x, w])

    want = step(nf.constant(x))
    for dims in ([None, 9, 8, 1], [None, None, None, 1]):
        traced = nf.function(step, input_signature=[nf.TensorSpec(dims, nf.float64)])
        for got, expected in zip(traced(nf.constant(x)), want):
            np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-12, atol=1e-12)


def test_traced_conv2d_transpose_with_a_dynamic_batch():
    if not hasattr(nf, "function") or not hasattr(nf, "shape"):
        pytest.skip("nf.function is not available")
    w = nf.constant(rand((3, 3, 2, 4), seed=58))

    def up(x):
        return C.conv2d_transpose(x, w, [nf.shape(x)[0], 8, 7, 2], 2)

    x = nf.constant(rand((3, 4, 4, 4), seed=59))
    traced = nf.function(up, input_signature=[nf.TensorSpec([None, 4, 4, 4], nf.float64)])
    np.testing.assert_allclose(traced(x).numpy(), up(x).numpy(), rtol=1e-12)


# -- errors ---------------------------------------------------------------------------------------
def test_errors_name_the_op_and_shapes():
    x, w = nf.ones([1, 5, 5, 3]), nf.ones([3, 3, 2, 4])
    with pytest.raises(InvalidArgumentError, match=r"conv2d: .*3 channels.*\(3, 3, 2, 4\)"):
        C.conv2d(x, w, 1, "SAME")
    with pytest.raises(InvalidArgumentError, match=r"conv2d: input must be rank 4.*\(5, 5, 3\)"):
        C.conv2d(nf.ones([5, 5, 3]), w, 1, "SAME")
    with pytest.raises(InvalidArgumentError, match=r"conv1d: filters must be rank 3"):
        C.conv1d(nf.ones([1, 5, 3]), w, 1, "SAME")
    with pytest.raises(ValueError, match=r"conv2d: padding must be 'SAME', 'VALID'"):
        C.conv2d(x, nf.ones([3, 3, 3, 4]), 1, "FULL")
    with pytest.raises(ValueError, match=r"conv2d: strides must be an int or a list"):
        C.conv2d(x, nf.ones([3, 3, 3, 4]), [1, 1, 1], "SAME")
    with pytest.raises(ValueError, match=r"batch and channel"):
        C.conv2d(x, nf.ones([3, 3, 3, 4]), [2, 1, 1, 1], "SAME")
    with pytest.raises(InvalidArgumentError, match=r"conv2d: the output size would be negative"):
        C.conv2d(nf.ones([1, 2, 2, 3]), nf.ones([5, 5, 3, 1]), 1, "VALID")
    with pytest.raises(InvalidArgumentError, match=r"conv2d_transpose: input spatial shape"):
        C.conv2d_transpose(nf.ones([1, 3, 3, 4]), nf.ones([3, 3, 2, 4]), [1, 9, 9, 2], 2)
    with pytest.raises(InvalidArgumentError, match=r"conv2d_transpose: filters"):
        C.conv2d_transpose(nf.ones([1, 3, 3, 4]), nf.ones([3, 3, 4, 2]), [1, 6, 6, 2], 2)
    with pytest.raises(InvalidArgumentError, match=r"max_pool2d: input must be rank 4"):
        P.max_pool2d(nf.ones([4, 4, 1]), 2, 2, "VALID")
    with pytest.raises(InvalidArgumentError, match=r"avg_pool2d: padding"):
        P.avg_pool2d(x, 2, 2, [[0, 0], [1, 1], [1, 1], [0, 0]])
    with pytest.raises(InvalidArgumentError, match=r"max_pool: input must be rank 3"):
        P.max_pool(nf.ones([4, 4]), 2, 2, "VALID")
    with pytest.raises(InvalidArgumentError, match=r"data_format"):
        C.conv2d(x, nf.ones([3, 3, 3, 4]), 1, "SAME", data_format="NWHC")
    with pytest.raises(TypeError, match="conv2d"):
        C.conv2d(nf.ones([1, 5, 5, 3], nf.int32), nf.ones([3, 3, 3, 4], nf.int32), 1, "SAME")
    with pytest.raises(InvalidArgumentError, match=r"pool: pooling_type"):
        P.pool(x, [2, 2], "MIN")
    with pytest.raises(TypeError, match="same dtype"):
        C.conv2d(x, nf.ones([3, 3, 3, 4], nf.float64), 1, "SAME")


# -- against PyTorch ----------------------------------------------------------------------------
def _torch_conv(torch, x, w, strides, padding, dilations):
    """TF-semantics conv2d in torch (NHWC arrays in, NCHW torch tensors inside)."""
    F = torch.nn.functional
    (pt, pb), (pl, pr) = pads_of(padding, x.shape[1:3], w.shape[:2], strides, dilations)
    xt = F.pad(x.permute(0, 3, 1, 2), (pl, pr, pt, pb))
    return F.conv2d(xt, w.permute(3, 2, 0, 1), stride=strides, dilation=dilations).permute(
        0, 2, 3, 1)


@pytest.mark.torch
@pytest.mark.parametrize("xs,ws,strides,padding,dilations", CONV_CASES, ids=str)
def test_conv2d_against_torch(xs, ws, strides, padding, dilations):
    torch = pytest.importorskip("torch")
    x, w = rand(xs, seed=46, dtype=np.float32), rand(ws, seed=47, dtype=np.float32)
    xt, wt = (torch.tensor(a, requires_grad=True) for a in (x, w))
    yt = _torch_conv(torch, xt, wt, strides, padding, dilations)
    gy = rand(tuple(yt.shape), seed=48, dtype=np.float32)
    gxt, gwt = torch.autograd.grad(yt, (xt, wt), torch.tensor(gy))
    xn, wn = nf.constant(x), nf.constant(w)
    with nf.GradientTape() as tape:
        tape.watch([xn, wn])
        y = C.conv2d(xn, wn, strides, _explicit(padding), dilations=dilations)
        loss = nf.reduce_sum(y * nf.constant(gy))
    gx, gw = tape.gradient(loss, [xn, wn])
    np.testing.assert_allclose(y.numpy(), yt.detach().numpy(), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(gx.numpy(), gxt.numpy(), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(gw.numpy(), gwt.numpy(), rtol=1e-4, atol=1e-4)
    # conv2d_transpose is the input gradient: compare it against torch's too.
    if isinstance(padding, str) and dilations == (1, 1):
        xt_ = C.conv2d_transpose(nf.constant(gy), nf.constant(w), xs, strides, padding)
        np.testing.assert_allclose(xt_.numpy(), gxt.numpy(), rtol=1e-4, atol=1e-4)


@pytest.mark.torch
@pytest.mark.parametrize("xs,ksize,strides,padding", POOL_CASES, ids=str)
def test_pools_against_torch(xs, ksize, strides, padding):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    x = rand(xs, seed=49, dtype=np.float32)
    (pt, pb), (pl, pr) = pads_of(padding, xs[1:3], ksize, strides)
    xt = torch.tensor(x, requires_grad=True)
    nchw = xt.permute(0, 3, 1, 2)
    max_t = F.max_pool2d(F.pad(nchw, (pl, pr, pt, pb), value=-np.inf), ksize, strides)
    sums = F.avg_pool2d(F.pad(nchw, (pl, pr, pt, pb)), ksize, strides, divisor_override=1)
    counts = F.avg_pool2d(F.pad(torch.ones_like(nchw[:1, :1]), (pl, pr, pt, pb)), ksize,
                          strides, divisor_override=1)
    for fn, yt in [(P.max_pool2d, max_t), (P.avg_pool2d, sums / counts)]:
        yt = yt.permute(0, 2, 3, 1)
        gy = rand(tuple(yt.shape), seed=50, dtype=np.float32)
        (gxt,) = torch.autograd.grad(yt, xt, torch.tensor(gy))
        xn = nf.constant(x)
        with nf.GradientTape() as tape:
            tape.watch(xn)
            y = fn(xn, ksize, strides, padding)
            loss = nf.reduce_sum(y * nf.constant(gy))
        np.testing.assert_allclose(y.numpy(), yt.detach().numpy(), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(tape.gradient(loss, xn).numpy(), gxt.numpy(), rtol=1e-5,
                                   atol=1e-6)
