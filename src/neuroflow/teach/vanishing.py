"""Vanishing gradients: per-layer gradient norms of a deep network, sigmoid vs tanh vs ReLU.

sigmoid'(x) <= 0.25, so each sigmoid layer multiplies the backward signal by at most a quarter;
after ten layers the first layer's gradient is orders of magnitude smaller than the last's.
"""

import numpy as np

from ..core.convert import constant
from ..core.ops import math as m
from ..core.ops import reduce as r
from ..core.ops.linalg import matmul
from ..core.tape import GradientTape
from ..core.variable import Variable
from . import _plot

ACTIVATIONS = {"sigmoid": m.sigmoid, "tanh": m.tanh, "relu": lambda x: m.maximum(x, 0.0)}


def layer_gradient_norms(activation, depth=10, width=32, batch=64, seed=0):
    """L2 norm of dLoss/dW for each layer (first to last) of a ``depth``-layer MLP."""
    rng = np.random.default_rng(seed)
    act = ACTIVATIONS[activation]
    weights = []
    fan_in = 16
    for _ in range(depth):
        scale = np.sqrt(2.0 / fan_in) if activation == "relu" else np.sqrt(1.0 / fan_in)
        weights.append(Variable(rng.normal(0, scale, (fan_in, width)).astype(np.float32)))
        fan_in = width
    head = Variable(rng.normal(0, np.sqrt(1.0 / width), (width, 1)).astype(np.float32))
    x = constant(rng.normal(0, 1, (batch, 16)).astype(np.float32))
    y = constant(rng.normal(0, 1, (batch, 1)).astype(np.float32))
    with GradientTape() as tape:
        h = x
        for w in weights:
            h = act(matmul(h, w))
        loss = r.reduce_mean(m.square(matmul(h, head) - y))
    grads = tape.gradient(loss, weights)
    return [float(np.sqrt(np.sum(g.numpy().astype(np.float64) ** 2))) for g in grads]


def sigmoid_derivative_max():
    """The largest value of sigmoid' on a fine grid (0.25, at x = 0)."""
    x = constant(np.linspace(-10, 10, 2001).astype(np.float32))
    with GradientTape() as tape:
        tape.watch(x)
        y = m.sigmoid(x)
    return float(np.max(tape.gradient(y, x).numpy()))


def run(out_dir="figures", depth=10, echo=print):
    """Prints the per-layer gradient-norm table and draws it on a log scale."""
    norms = {name: layer_gradient_norms(name, depth=depth) for name in ACTIVATIONS}
    echo(f"max of sigmoid'(x) over [-10, 10]: {sigmoid_derivative_max():.4f} (the 0.25 bound)")
    echo(f"gradient norm ||dL/dW|| per layer of a {depth}-layer MLP:")
    echo("layer  " + "".join(f"{name:>12s}" for name in norms))
    for i in range(depth):
        echo(f"{i + 1:5d}  " + "".join(f"{norms[name][i]:12.3e}" for name in norms))
    ratio = norms["relu"][0] / max(norms["sigmoid"][0], 1e-30)
    echo(f"first layer: ReLU's gradient is {ratio:.1e} times sigmoid's")
    plt = _plot.pyplot()
    if plt is None:
        echo(_plot.HINT)
        return norms
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name, values in norms.items():
        ax.semilogy(range(1, depth + 1), values, "o-", label=name)
    ax.set(xlabel="layer (1 = next to the input)", ylabel="||dL/dW|| (log scale)",
           title="Vanishing gradients: sigmoid shrinks the signal layer by layer")
    ax.legend()
    ax.grid(True, which="both", alpha=0.3)
    _plot.save(fig, out_dir, "vanishing.png", echo)
    return norms
