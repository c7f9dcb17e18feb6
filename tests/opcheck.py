"""The declarative op test: NumPy reference, finite-difference gradients, second order.

``check_op(fn, ref, *inputs)`` runs ``fn`` (a neuroflow function) and ``ref`` (its NumPy
reference) on the same inputs and checks the values in float32 and float64, the gradient
against central finite differences in float64, and optionally the second derivative.
"""

import numpy as np

import neuroflow as nf

SHAPES = [(), (4,), (3, 4), (3, 1), (1, 4), (2, 1, 4), (0,), (0, 4)]
BROADCAST_PAIRS = [((3, 4), (4,)), ((3, 1), (1, 4)), ((2, 1, 4), (3, 1)), ((), (3, 4)),
                   ((0, 4), (4,)), ((4,), ())]


def rand(shape, low=-2.0, high=2.0, seed=0, dtype=np.float64):
    """Reproducible uniform random array."""
    rng = np.random.default_rng(abs(hash((shape, low, high, seed))) % (2**32))
    return rng.uniform(low, high, size=shape).astype(dtype)


def _loss_weights(shape, seed=1):
    return rand(shape, 0.5, 1.5, seed=seed)


def numeric_grad(f, arrays, eps=1e-6):
    """Central finite differences of the scalar function ``f(*arrays)`` w.r.t. each array."""
    grads = []
    for i, a in enumerate(arrays):
        g = np.zeros_like(a, dtype=np.float64)
        flat = a.reshape(-1)
        for j in range(flat.size):
            old = flat[j]
            flat[j] = old + eps
            up = f(*arrays)
            flat[j] = old - eps
            down = f(*arrays)
            flat[j] = old
            g.reshape(-1)[j] = (up - down) / (2 * eps)
        grads.append(g)
    return grads


def check_forward(fn, ref, *inputs, dtypes=(np.float32, np.float64), rtol=None, atol=None):
    """``fn`` equals ``ref`` on the inputs cast to each dtype, with the same output dtype."""
    for dtype in dtypes:
        arrays = [np.asarray(a, dtype) if np.asarray(a).dtype.kind == "f" else np.asarray(a)
                  for a in inputs]
        got = fn(*[nf.constant(a) for a in arrays])
        want = ref(*arrays)
        got_list = got if isinstance(got, (list, tuple)) else [got]
        want_list = want if isinstance(want, (list, tuple)) else [want]
        for g, w in zip(got_list, want_list):
            w = np.asarray(w)
            tol = rtol if rtol is not None else (1e-5 if dtype == np.float32 else 1e-12)
            np.testing.assert_allclose(g.numpy(), w, rtol=tol, atol=atol if atol is not None
                                       else tol, equal_nan=True)
            assert g.shape == w.shape, (g.shape, w.shape)
            if w.dtype.kind == "f" and arrays and arrays[0].dtype.kind == "f":
                assert g.dtype == w.dtype.type or g.dtype == arrays[0].dtype, (g.dtype, w.dtype)


def check_grad(fn, *inputs, wrt=None, rtol=1e-6, atol=1e-8, eps=1e-6):
    """The tape gradient of ``sum(fn(*inputs) * r)`` equals central finite differences."""
    arrays = [np.array(a, dtype=np.float64) for a in inputs]
    wrt = range(len(arrays)) if wrt is None else wrt
    out = fn(*[nf.constant(a) for a in arrays])
    outs = out if isinstance(out, (list, tuple)) else [out]
    weights = [_loss_weights(tuple(o.shape), seed=k + 1) for k, o in enumerate(outs)]

    def scalar(*xs):
        res = fn(*[nf.constant(x) for x in xs])
        res = res if isinstance(res, (list, tuple)) else [res]
        return sum(float(np.sum(r.numpy() * w)) for r, w in zip(res, weights))

    tensors = [nf.constant(a) for a in arrays]
    with nf.GradientTape() as tape:
        for t in tensors:
            tape.watch(t)
        res = fn(*tensors)
        res = res if isinstance(res, (list, tuple)) else [res]
        loss = nf.add_n([nf.reduce_sum(r * nf.constant(w)) for r, w in zip(res, weights)])
    grads = tape.gradient(loss, tensors, unconnected_gradients="zero")
    numeric = numeric_grad(scalar, arrays, eps)
    for i in wrt:
        np.testing.assert_allclose(grads[i].numpy(), numeric[i], rtol=rtol, atol=atol,
                                   err_msg=f"gradient of input {i}")


def check_second_order(fn, *inputs, rtol=1e-5, atol=1e-7, eps=1e-5):
    """d/dx of (d sum(fn * r)/dx . v) from nested tapes equals finite differences."""
    arrays = [np.array(a, dtype=np.float64) for a in inputs]
    out = fn(*[nf.constant(a) for a in arrays])
    weight = nf.constant(_loss_weights(tuple(out.shape)))
    vs = [nf.constant(_loss_weights(a.shape, seed=7 + i)) for i, a in enumerate(arrays)]

    def first(*xs):
        ts = [nf.constant(x) for x in xs]
        with nf.GradientTape() as tape:
            tape.watch(ts)
            loss = nf.reduce_sum(fn(*ts) * weight)
        gs = tape.gradient(loss, ts, unconnected_gradients="zero")
        return sum(float(nf.reduce_sum(g * v)) for g, v in zip(gs, vs))

    ts = [nf.constant(a) for a in arrays]
    with nf.GradientTape() as outer:
        outer.watch(ts)
        with nf.GradientTape() as inner:
            inner.watch(ts)
            loss = nf.reduce_sum(fn(*ts) * weight)
        gs = inner.gradient(loss, ts, unconnected_gradients="zero")
        dot = nf.add_n([nf.reduce_sum(g * v) for g, v in zip(gs, vs)])
    second = outer.gradient(dot, ts, unconnected_gradients="zero")
    numeric = numeric_grad(first, arrays, eps)
    for i, (g, n) in enumerate(zip(second, numeric)):
        np.testing.assert_allclose(g.numpy(), n, rtol=rtol, atol=atol,
                                   err_msg=f"second derivative w.r.t. input {i}")


def check_op(fn, ref, *inputs, grad=True, second=False, rtol=None, grad_rtol=1e-6,
             grad_atol=1e-8):
    """Forward in float32/64 against ``ref``, gradient and (optionally) second order."""
    check_forward(fn, ref, *inputs, rtol=rtol)
    if grad:
        check_grad(fn, *inputs, rtol=grad_rtol, atol=grad_atol)
    if second:
        check_second_order(fn, *inputs)
