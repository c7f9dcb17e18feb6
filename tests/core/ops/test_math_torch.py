"""float32 gradients of the elementwise math ops against PyTorch autograd (skipped without torch)."""

import numpy as np
import pytest

import neuroflow as nf

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch

CASES = {
    "exp": (nf.exp, torch.exp, (-2, 2)),
    "log": (nf.log, torch.log, (0.5, 2)),
    "sqrt": (nf.sqrt, torch.sqrt, (0.5, 2)),
    "rsqrt": (nf.rsqrt, torch.rsqrt, (0.5, 2)),
    "tanh": (nf.tanh, torch.tanh, (-2, 2)),
    "sigmoid": (nf.sigmoid, torch.sigmoid, (-4, 4)),
    "sin": (nf.sin, torch.sin, (-2, 2)),
    "erf": (nf.erf, torch.erf, (-2, 2)),
    "log1p": (nf.log1p, torch.log1p, (-0.5, 2)),
    "abs": (nf.abs, torch.abs, (0.1, 2)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_unary_grad_matches_torch(name):
    fn, tfn, (low, high) = CASES[name]
    x = np.random.default_rng(0).uniform(low, high, (3, 5)).astype(np.float32)
    t = torch.tensor(x, requires_grad=True)
    tfn(t).pow(2).sum().backward()
    v = nf.constant(x)
    with nf.GradientTape() as tape:
        tape.watch(v)
        loss = nf.reduce_sum(fn(v) ** 2)
    np.testing.assert_allclose(tape.gradient(loss, v).numpy(), t.grad.numpy(), rtol=2e-5,
                               atol=1e-6)


@pytest.mark.parametrize("name", ["add", "multiply", "divide", "pow", "maximum"])
def test_binary_broadcast_grad_matches_torch(name):
    rng = np.random.default_rng(1)
    x = rng.uniform(0.5, 2, (3, 4)).astype(np.float32)
    y = rng.uniform(0.5, 2, (4,)).astype(np.float32)
    tx, ty = torch.tensor(x, requires_grad=True), torch.tensor(y, requires_grad=True)
    tfn = {"add": torch.add, "multiply": torch.mul, "divide": torch.div, "pow": torch.pow,
           "maximum": torch.maximum}[name]
    (tfn(tx, ty) * torch.arange(12.0).reshape(3, 4)).sum().backward()
    vx, vy = nf.constant(x), nf.constant(y)
    with nf.GradientTape() as tape:
        tape.watch([vx, vy])
        loss = nf.reduce_sum(getattr(nf, name)(vx, vy) * nf.reshape(nf.constant(
            np.arange(12.0, dtype=np.float32)), [3, 4]))
    gx, gy = tape.gradient(loss, [vx, vy])
    np.testing.assert_allclose(gx.numpy(), tx.grad.numpy(), rtol=2e-5, atol=1e-5)
    np.testing.assert_allclose(gy.numpy(), ty.grad.numpy(), rtol=2e-5, atol=1e-5)
