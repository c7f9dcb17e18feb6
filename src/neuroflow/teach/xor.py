"""The XOR problem: the lecture's hand-picked weights, then a 2-2-1 network learning them.

Lecture notation: n1 = s(x1*w11 + x2*w21 + b1), n2 = s(x1*w12 + x2*w22 + b2),
y_out = s(n1*w31 + n2*w32 + b3) with W(1) = [[-2, 2], [-2, 2]], B(1) = [3, -1],
W(2) = [1, 1], B(2) = -1. The lecture's table reads s as a threshold (0 or 1).
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
TARGET = np.array([0, 1, 1, 0], dtype=np.float32)
W1 = np.array([[-2, 2], [-2, 2]], dtype=np.float32)
B1 = np.array([3, -1], dtype=np.float32)
W2 = np.array([1, 1], dtype=np.float32)
B2 = np.float32(-1)


def step(z):
    """The lecture's perceptron activation: 1 where z > 0, else 0."""
    return m.cast(m.greater(z, 0.0), "float32")


def lecture_table():
    """Rows (x1, x2, n1, n2, y_out, target) computed with neuroflow ops, as in the lecture."""
    x = constant(X)
    n = step(matmul(x, constant(W1)) + constant(B1))
    y = step(r.reduce_sum(n * constant(W2), axis=1) + B2)
    rows = []
    for (x1, x2), (n1, n2), out, t in zip(X, n.numpy(), y.numpy(), TARGET):
        rows.append((int(x1), int(x2), int(n1), int(n2), int(out), int(t)))
    return rows


def train_network(seed=0, lr=1.0, epochs=3000, hidden=2):
    """Trains a 2-hidden-2-1 sigmoid network on XOR by backprop (GradientTape) and SGD.

    Returns:
        (params dict of NumPy arrays, list of losses, predictions in [0, 1]).
    """
    rng = np.random.default_rng(seed)
    w1 = Variable(rng.normal(0, 1, (2, hidden)).astype(np.float32), name="W1")
    b1 = Variable(np.zeros(hidden, np.float32), name="B1")
    w2 = Variable(rng.normal(0, 1, (hidden, 1)).astype(np.float32), name="W2")
    b2 = Variable(np.zeros(1, np.float32), name="B2")
    x, t = constant(X), constant(TARGET[:, None])
    losses = []
    for _ in range(epochs):
        with GradientTape() as tape:
            h = m.sigmoid(matmul(x, w1) + b1)
            y = m.sigmoid(matmul(h, w2) + b2)
            loss = r.reduce_mean(m.square(y - t))
        grads = tape.gradient(loss, [w1, b1, w2, b2])
        for var, g in zip([w1, b1, w2, b2], grads):
            var.assign_sub(g * lr)
        losses.append(float(loss))
    params = {"W1": w1.numpy(), "B1": b1.numpy(), "W2": w2.numpy(), "B2": b2.numpy()}
    return params, losses, forward(params, X)[1][:, 0]


def forward(params, x):
    """(hidden activations, output) of the trained network on points ``x`` (NumPy)."""
    h = m.sigmoid(matmul(constant(x.astype(np.float32)), constant(params["W1"]))
                  + constant(params["B1"]))
    y = m.sigmoid(matmul(h, constant(params["W2"])) + constant(params["B2"]))
    return h.numpy(), y.numpy()


def train_until_solved(max_tries=10, **kwargs):
    """Retrains from new seeds until all four points are classified right (2-2-1 can stall)."""
    for seed in range(max_tries):
        params, losses, pred = train_network(seed=seed, **kwargs)
        if np.all((pred > 0.5) == (TARGET > 0.5)):
            return params, losses, pred, seed
    return params, losses, pred, seed


def run(out_dir="figures", epochs=3000, echo=print):
    """Prints the lecture's verification table, trains XOR, draws boundary and hidden space."""
    echo("XOR with the lecture's weights  W1=[[-2, 2], [-2, 2]]  B1=[3, -1]  W2=[1, 1]  B2=-1")
    echo(" x1  x2 | n1  n2 | y_out | target")
    rows = lecture_table()
    for x1, x2, n1, n2, y, t in rows:
        echo(f"  {x1}   {x2} |  {n1}   {n2} |   {y}   |   {t}")
    echo("all rows match the target: " + str(all(row[4] == row[5] for row in rows)))
    params, losses, pred, seed = train_until_solved(epochs=epochs)
    accuracy = float(np.mean((pred > 0.5) == (TARGET > 0.5)))
    echo(f"\n2-2-1 sigmoid network trained by backpropagation ({epochs} epochs, seed {seed}):")
    echo(f"final loss {losses[-1]:.4f}, predictions {[round(float(p), 3) for p in pred]}, "
         f"accuracy {accuracy:.0%}")
    plt = _plot.pyplot()
    if plt is None:
        echo(_plot.HINT)
        return {"rows": rows, "accuracy": accuracy, "losses": losses}
    _figures(plt, params, out_dir, echo)
    return {"rows": rows, "accuracy": accuracy, "losses": losses}


def _figures(plt, params, out_dir, echo):
    grid = np.linspace(-0.5, 1.5, 200)
    gx, gy = np.meshgrid(grid, grid)
    points = np.stack([gx.ravel(), gy.ravel()], axis=1)
    hidden, out = forward(params, points)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.5))
    ax = axes[0]
    ax.contourf(gx, gy, out.reshape(gx.shape), levels=20, cmap="RdBu_r", alpha=0.7)
    ax.contour(gx, gy, out.reshape(gx.shape), levels=[0.5], colors="k")
    _scatter(ax, X)
    ax.set(title="Input space: the learned boundary (output = 0.5)", xlabel="x1", ylabel="x2")
    ax = axes[1]
    h4, _ = forward(params, X)
    lines = np.linspace(-0.25, 1.25, 13)
    fine = np.linspace(-0.25, 1.25, 100)
    for v in lines:  # the input grid, warped by the hidden layer
        for pts in (np.stack([np.full_like(fine, v), fine], 1),
                    np.stack([fine, np.full_like(fine, v)], 1)):
            warped, _ = forward(params, pts)
            ax.plot(warped[:, 0], warped[:, 1], color="0.75", lw=0.8)
    w, b = params["W2"][:, 0], params["B2"][0]
    hs = np.linspace(0, 1, 50)
    if abs(w[1]) > 1e-6:
        ax.plot(hs, -(w[0] * hs + b) / w[1], "k-", lw=2, label="output = 0.5: a straight line")
    _scatter(ax, h4)
    ax.set(xlim=(-0.05, 1.05), ylim=(-0.05, 1.05),
           title="Hidden space (n1, n2): a line separates",
           xlabel="n1", ylabel="n2")
    ax.plot([], [], color="0.75", label="input grid, warped by the hidden layer")
    ax.legend(loc="center left", fontsize=8)
    _plot.save(fig, out_dir, "xor.png", echo)


def _scatter(ax, pts):
    for label, color in ((0, "tab:blue"), (1, "tab:red")):
        chosen = TARGET == label
        ax.scatter(pts[chosen, 0], pts[chosen, 1], c=color, s=120, edgecolors="k", zorder=3,
                   label=f"target {label}")
    for (px, py), (x1, x2) in zip(pts, X):
        ax.annotate(f"({int(x1)},{int(x2)})", (px, py), textcoords="offset points",
                    xytext=(6, 6), fontsize=9)
