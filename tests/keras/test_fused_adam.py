"""Adam's fused flat update (traced steps) equals the per-variable update (eager)."""

import numpy as np

import neuroflow as nf
from neuroflow.keras.optimizers import fused


def _run(compiled, steps=30, **adam):
    rng = np.random.default_rng(0)
    shapes = [(5, 4), (4,), (4, 3), (3,)]
    variables = [nf.Variable(rng.normal(size=s).astype(np.float32)) for s in shapes]
    grads = [[nf.constant(rng.normal(size=s).astype(np.float32)) for s in shapes]
             for _ in range(steps)]
    opt = nf.keras.optimizers.Adam(**adam)

    def step(gs):
        opt.apply_gradients(zip(gs, variables))

    runner = nf.function(step) if compiled else step
    for gs in grads:
        runner(gs)
    return [v.numpy() for v in variables], opt


import pytest

from neuroflow.backend import jit


@pytest.fixture(params=["numba", "numpy"])
def kernel(request):
    """Runs a test with the Numba kernel (when installed) and with the NumPy fallback."""
    if request.param == "numpy":
        with jit.disabled():
            yield request.param
        return
    if not jit.enabled():
        pytest.skip("numba is not installed")
    yield request.param


def test_fused_is_bit_equal_to_eager(kernel):
    eager, _ = _run(False)
    traced, opt = _run(True)
    for a, b in zip(eager, traced):
        np.testing.assert_array_equal(a, b)


def test_fused_equals_eager():
    eager, _ = _run(False)
    traced, opt = _run(True)
    assert opt.__dict__.get("_nf_fused_plans"), "the traced step did not take the fused path"
    for a, b in zip(eager, traced):
        np.testing.assert_allclose(a, b, rtol=2e-6, atol=1e-7)
    assert int(opt.iterations) == 30


def test_fused_with_legacy_decay_and_lecture_spelling():
    eager, _ = _run(False, lr=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-08, decay=0.01)
    traced, _ = _run(True, lr=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-08, decay=0.01)
    for a, b in zip(eager, traced):
        np.testing.assert_allclose(a, b, rtol=2e-6, atol=1e-7)


def test_slots_and_assigns_stay_consistent(kernel):
    v = nf.Variable(np.ones((3, 2), np.float32))
    opt = nf.keras.optimizers.Adam(0.1)
    step = nf.function(lambda g: opt.apply_gradients([(g, v)]))
    g = nf.constant(np.ones((3, 2), np.float32))
    step(g)
    held = v.value()                      # shares the buffer: must not change
    snapshot = held.numpy().copy()
    step(g)
    np.testing.assert_array_equal(held.numpy(), snapshot)
    v.assign(np.zeros((3, 2), np.float32))  # an outside assign is picked up next step
    step(g)
    assert np.all(v.numpy() < 0)
    momentum = opt.variables[2]
    assert momentum.shape == (3, 2) and np.all(momentum.numpy() > 0)


def test_not_fused_when_clipping():
    opt = nf.keras.optimizers.Adam(clipnorm=1.0)
    v = nf.Variable(np.ones(3, np.float32))
    assert not fused.can_fuse_adam(opt, [v], [nf.constant(np.ones(3, np.float32))])
