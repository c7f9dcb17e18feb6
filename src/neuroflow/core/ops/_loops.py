"""Numba loops for the CPU hot spots of ops (see ``backend/jit.py``): convolution, pooling,
ReLU and softmax cross-entropy.

Each loop does in one pass what the op's ``xp`` kernel does in several NumPy passes (or NumPy
calls on small arrays); the ``xp`` kernel stays the definition and the tests check that the two
agree. Arrays are C-contiguous (images NHWC), and the innermost loop runs along the contiguous
axis, so that it vectorizes. Loops are single-threaded: kernels split the batch over the cores
themselves (``backend/parallel.py``), one loop per slice.
"""

import numpy as np

from ...backend.jit import kernel


@kernel()
def max_pool(x, y, kh, kw, sh, sw, top, left):
    """``y[b, i, j] = max`` of ``x`` over the window at ``(i * sh - top, j * sw - left)``
    (elements outside ``x`` are padding: never the maximum; NaN propagates, as in NumPy)."""
    n, h, w, c = x.shape
    ho, wo = y.shape[1], y.shape[2]
    for b in range(n):
        for i in range(ho):
            for j in range(wo):
                out = y[b, i, j]
                out[:] = -np.inf
                r0, c0 = i * sh - top, j * sw - left   # the window's corner; taps inside x:
                for r in range(max(r0, 0), min(r0 + kh, h)):
                    for col in range(max(c0, 0), min(c0 + kw, w)):
                        row = x[b, r, col]
                        for k in range(c):
                            v = row[k]
                            if v > out[k] or v != v:
                                out[k] = v


@kernel()
def max_pool_grad(x, y, gy, gx, kh, kw, sh, sw, top, left):
    """``gx`` (shaped like ``x``) = the sum of the ``gy[b, i, j, k]`` whose window has its first
    element (row-major) equal to ``y[b, i, j, k]``, the window's maximum, there: TF's routing.

    Per window, ``todo[k]`` is 1 until channel ``k``'s maximum is found: a branch-free inner
    loop (3x faster than searching each channel's window in turn). When the windows tile
    ``x`` (no overlap, no padding) each element is written once instead of zeroed and added.
    """
    n, h, w, c = x.shape
    ho, wo = y.shape[1], y.shape[2]
    todo = np.empty(c, gx.dtype)
    zero = gx.dtype.type(0)
    tiled = kh == sh and kw == sw and top == 0 and left == 0
    if tiled:   # rows and columns no window reads
        gx[:, ho * kh:] = 0
        gx[:, :ho * kh, wo * kw:] = 0
    else:
        gx[:] = 0
    for b in range(n):
        for i in range(ho):
            for j in range(wo):
                top_row, grad = y[b, i, j], gy[b, i, j]
                todo[:] = 1
                r0, c0 = i * sh - top, j * sw - left
                for r in range(max(r0, 0), min(r0 + kh, h)):
                    for col in range(max(c0, 0), min(c0 + kw, w)):
                        row, out = x[b, r, col], gx[b, r, col]
                        if tiled:
                            for k in range(c):
                                hit = todo[k] if row[k] == top_row[k] else zero
                                out[k] = hit * grad[k]
                                todo[k] -= hit
                        else:
                            for k in range(c):
                                hit = todo[k] if row[k] == top_row[k] else zero
                                out[k] += hit * grad[k]
                                todo[k] -= hit


@kernel()
def col2im(cols, gx, kh, kw, sh, sw, dh, dw):
    """Adds each window's patch row of ``cols`` ``(N, Ho, Wo, kh * kw * C)`` back into the
    padded ``gx`` ``(N, Hp, Wp, C)``, which starts at zero: the adjoint of im2col."""
    n, ho, wo = cols.shape[0], cols.shape[1], cols.shape[2]
    c = gx.shape[3]
    gx[:] = 0
    for b in range(n):
        for i in range(ho):
            for j in range(wo):
                patch = cols[b, i, j]
                for di in range(kh):
                    for dj in range(kw):
                        out = gx[b, i * sh + di * dh, j * sw + dj * dw]
                        base = (di * kw + dj) * c
                        for k in range(c):
                            out[k] += patch[base + k]


@kernel()
def bias_relu(y, b, relu):
    """``y = y + b`` in place (``y`` is ``(M, C)``, ``b`` is ``(C,)``), then ``max(y, 0)``
    when ``relu``: one pass where NumPy's broadcast add runs a short inner loop per row."""
    for r in range(y.shape[0]):
        row = y[r]
        if relu:
            for k in range(row.shape[0]):
                v = row[k] + b[k]
                row[k] = v if v > 0 or v != v else 0
        else:
            for k in range(row.shape[0]):
                row[k] += b[k]


@kernel()
def relu_grad(gy, y, out):
    """``out = gy * (y > 0)`` over flat arrays, in one pass (NumPy: a mask, then a product)."""
    zero = out.dtype.type(0)
    for i in range(out.shape[0]):
        out[i] = gy[i] if y[i] > 0 else zero * gy[i]



@kernel()
def sparse_softmax_cross_entropy(labels, logits, gy, out):
    """Per row of the ``(N, K)`` logits, shifted by the row maximum like the NumPy kernels:
    with ``out`` of shape ``(N,)`` the loss ``logsumexp(logits[i]) - logits[i, labels[i]]``;
    with ``out`` of shape ``(N, K)`` its gradient ``(softmax(logits[i]) - onehot) * gy[i]``."""
    n, k = logits.shape
    loss = out.ndim == 1
    rows = out.reshape(n, -1)   # (N, 1) for the loss: one code path types for both shapes
    e = np.empty(k, logits.dtype)
    for i in range(n):
        row = logits[i]
        top = row[0]
        for j in range(1, k):
            if row[j] > top or row[j] != row[j]:   # NaN wins, as in maximum.reduce
                top = row[j]
        total = row.dtype.type(0)
        for j in range(k):
            e[j] = np.exp(row[j] - top)
            total += e[j]
        if loss:
            rows[i, 0] = np.log(total) - (row[labels[i]] - top)
            continue
        p = rows[i]
        for j in range(k):
            p[j] = e[j] / total
        p[labels[i]] -= 1
        for j in range(k):
            p[j] *= gy[i]
