"""A single perceptron learns AND and OR, and cannot learn XOR: one line, four points.

The perceptron is logistic regression: y = s(w1*x1 + w2*x2 + b), trained by gradient descent.
"""

import numpy as np

from ..core.convert import constant
from ..core.ops import math as m
from ..core.ops import reduce as r
from ..core.ops.linalg import matmul
from ..core.tape import GradientTape
from ..core.variable import Variable
from . import _plot

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
GATES = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "XOR": [0, 1, 1, 0]}


def train(targets, epochs=2000, lr=1.0):
    """Fits one sigmoid unit to the four points; returns (w, b, accuracy)."""
    w = Variable(np.zeros((2, 1), np.float32), name="w")
    b = Variable(np.zeros(1, np.float32), name="b")
    x, t = constant(X), constant(np.asarray(targets, np.float32)[:, None])
    for _ in range(epochs):
        with GradientTape() as tape:
            y = m.sigmoid(matmul(x, w) + b)
            loss = r.reduce_mean(-(t * m.log(y + 1e-7) + (1 - t) * m.log(1 - y + 1e-7)))
        gw, gb = tape.gradient(loss, [w, b])
        w.assign_sub(gw * lr)
        b.assign_sub(gb * lr)
    pred = (m.sigmoid(matmul(x, w) + b).numpy()[:, 0] > 0.5).astype(int)
    return w.numpy()[:, 0], float(b.numpy()[0]), float(np.mean(pred == np.asarray(targets)))


def best_line(targets, n_angles=360, n_offsets=81):
    """The straight line classifying the four points best (exhaustive search).

    Returns:
        (accuracy, normal, offset): points with ``x @ normal + offset > 0`` are one class.
    """
    best = (0.0, None, None)
    for angle in np.linspace(0, np.pi, n_angles, endpoint=False):
        normal = np.array([np.cos(angle), np.sin(angle)])
        for offset in np.linspace(-2, 2, n_offsets):
            side = (X @ normal + offset > 0).astype(int)
            acc = max(np.mean(side == targets), np.mean(1 - side == targets))
            if acc > best[0]:
                best = (acc, normal, offset)
    return best


def run(out_dir="figures", epochs=2000, echo=print):
    """Trains a perceptron on AND, OR and XOR; prints accuracies; draws points and lines."""
    results = {}
    echo("A single perceptron y = s(w1*x1 + w2*x2 + b):")
    for gate, targets in GATES.items():
        w, b, acc = train(targets, epochs=epochs)
        best, normal, offset = best_line(np.array(targets))
        results[gate] = {"w": w, "b": b, "accuracy": acc, "best_line": best,
                         "line": (normal, offset)}
        echo(f"  {gate:3s}: trained accuracy {acc:4.0%}   best any line can do {best:4.0%}   "
             f"w=({w[0]:+.2f}, {w[1]:+.2f}) b={b:+.2f}")
    echo("XOR: no straight line separates the four points, so a perceptron stays at <= 75%.")
    plt = _plot.pyplot()
    if plt is None:
        echo(_plot.HINT)
        return results
    fig, axes = plt.subplots(1, 3, figsize=(12, 4))
    xs = np.linspace(-0.5, 1.5, 10)
    for ax, (gate, res) in zip(axes, results.items()):
        targets = GATES[gate]
        ax.scatter(X[:, 0], X[:, 1], c=["white" if t == 0 else "black" for t in targets],
                   edgecolors="k", s=200, zorder=3)
        w, b = res["w"], res["b"]
        if abs(w[1]) > 1e-6:
            ax.plot(xs, -(w[0] * xs + b) / w[1], "r-", label="learned line")
        normal, offset = res["line"]
        if abs(normal[1]) > 1e-6:
            ax.plot(xs, -(normal[0] * xs + offset) / normal[1], "b--",
                    label=f"best possible line ({res['best_line']:.0%})")
        ax.set(xlim=(-0.5, 1.5), ylim=(-0.5, 1.5), xlabel="x1", ylabel="x2",
               title=f"{gate}: perceptron accuracy {res['accuracy']:.0%}")
        ax.legend(loc="upper right", fontsize=8)
    _plot.save(fig, out_dir, "perceptron.png", echo)
    return results
