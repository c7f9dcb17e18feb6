"""Activation functions and their derivatives, computed with neuroflow's GradientTape.

sigmoid and tanh saturate (derivative -> 0 for large |x|: vanishing gradients); ReLU's
derivative is exactly 1 for x > 0, which is why deep networks train with it.
"""

import numpy as np

from ..core.convert import constant
from ..core.ops import math as m
from ..core.ops import nn
from ..core.tape import GradientTape
from . import _plot

FUNCTIONS = {
    "sigmoid": m.sigmoid,
    "tanh": m.tanh,
    "relu": nn.relu,
    "leaky_relu": lambda x: nn.leaky_relu(x, alpha=0.1),
    "elu": nn.elu,
    "gelu": nn.gelu,
}


def values_and_derivatives(name, x):
    """(f(x), f'(x)) as NumPy arrays, f' from the tape."""
    t = constant(np.asarray(x, np.float32))
    with GradientTape() as tape:
        tape.watch(t)
        y = FUNCTIONS[name](t)
    return y.numpy(), tape.gradient(y, t).numpy()


def softmax_table(logits=(2.0, 1.0, 0.1)):
    """softmax of the logits and their sum (1)."""
    p = nn.softmax(constant(np.asarray(logits, np.float32))).numpy()
    return p, float(p.sum())


def run(out_dir="figures", echo=print):
    """Prints values and derivatives at a few points, softmax, and draws every function."""
    points = np.array([-3.0, -1.0, 0.0, 1.0, 3.0], np.float32)
    echo("f(x) and f'(x) (derivative from GradientTape) at x = " + str(points.tolist()))
    table = {}
    for name in FUNCTIONS:
        y, dy = values_and_derivatives(name, points)
        table[name] = (y, dy)
        echo(f"  {name:10s} f : " + " ".join(f"{v:8.4f}" for v in y))
        echo(f"  {'':10s} f': " + " ".join(f"{v:8.4f}" for v in dy))
    p, total = softmax_table()
    echo(f"softmax([2.0, 1.0, 0.1]) = {[round(float(v), 4) for v in p]}  (sums to {total:.4f})")
    big, _ = softmax_table((1000.0, 1001.0))
    echo(f"softmax([1000, 1001]) = {[round(float(v), 4) for v in big]}  (stable: no overflow)")
    plt = _plot.pyplot()
    if plt is None:
        echo(_plot.HINT)
        return table
    x = np.linspace(-4, 4, 401).astype(np.float32)
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.2))
    for name in FUNCTIONS:
        y, dy = values_and_derivatives(name, x)
        axes[0].plot(x, y, label=name)
        axes[1].plot(x, dy, label=name + "'")
    axes[0].set(title="Activation functions", xlabel="x", ylabel="f(x)", ylim=(-1.6, 4.1))
    axes[1].axhline(0.25, color="k", ls=":", lw=1, label="0.25 = max of sigmoid'")
    axes[1].set(title="Their derivatives (from GradientTape)", xlabel="x", ylabel="f'(x)")
    logits = np.array([2.0, 1.0, 0.1], np.float32)
    axes[2].bar(["2.0", "1.0", "0.1"], softmax_table(logits)[0], color="tab:purple")
    axes[2].set(title="softmax turns scores into probabilities", xlabel="logit",
                ylabel="probability", ylim=(0, 1))
    for ax in axes[:2]:
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    _plot.save(fig, out_dir, "activations.png", echo)
    return table
