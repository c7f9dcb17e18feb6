"""One training step of a small sigmoid network, traced layer by layer, by hand and by tape.

Lecture notation (layers 1 = input, 2 = hidden, 3 = output):
z(2) = a(1) W(2) + b(2), a(2) = s(z(2)); z(3) = a(2) W(3) + b(3), a(3) = s(z(3));
E = 1/2 * sum((t - a(3))^2). Chain rule: delta(3) = (a(3) - t) * a(3) * (1 - a(3)),
dE/dW(3) = a(2)^T delta(3), dE/db(3) = delta(3); delta(2) = delta(3) W(3)^T * a(2)(1 - a(2)),
dE/dW(2) = a(1)^T delta(2), dE/db(2) = delta(2).
"""

import numpy as np

from ..core.convert import constant
from ..core.ops import math as m
from ..core.ops import reduce as r
from ..core.ops.linalg import matmul
from ..core.tape import GradientTape
from ..core.variable import Variable

X = np.array([[0.05, 0.10]])
T = np.array([[0.01, 0.99]])
INIT = {"W2": np.array([[0.15, 0.25], [0.20, 0.30]]), "b2": np.array([0.35, 0.35]),
        "W3": np.array([[0.40, 0.50], [0.45, 0.55]]), "b3": np.array([0.60, 0.60])}


def _s(z):
    return 1 / (1 + np.exp(-z))


def by_hand(params=INIT, x=X, t=T):
    """Forward and backward pass with the chain rule written out in NumPy (float64)."""
    a1 = x
    z2 = a1 @ params["W2"] + params["b2"]
    a2 = _s(z2)
    z3 = a2 @ params["W3"] + params["b3"]
    a3 = _s(z3)
    error = 0.5 * np.sum((t - a3) ** 2)
    delta3 = (a3 - t) * a3 * (1 - a3)
    delta2 = (delta3 @ params["W3"].T) * a2 * (1 - a2)
    grads = {"W3": a2.T @ delta3, "b3": delta3.sum(0), "W2": a1.T @ delta2, "b2": delta2.sum(0)}
    trace = {"z2": z2, "a2": a2, "z3": z3, "a3": a3, "E": error, "delta3": delta3,
             "delta2": delta2}
    return trace, grads


def by_tape(params=INIT, x=X, t=T):
    """The same gradients from neuroflow's GradientTape (float64)."""
    vs = {k: Variable(v, name=k) for k, v in params.items()}
    with GradientTape() as tape:
        a2 = m.sigmoid(matmul(constant(x), vs["W2"]) + vs["b2"])
        a3 = m.sigmoid(matmul(a2, vs["W3"]) + vs["b3"])
        error = r.reduce_sum(m.square(constant(t) - a3)) * 0.5
    grads = tape.gradient(error, vs)
    return float(error), {k: g.numpy() for k, g in grads.items()}


def sigmoid_derivative_check(points=(-4.0, -1.0, 0.0, 0.5, 3.0), eps=1e-5):
    """Rows (x, s(x)(1 - s(x)), tape derivative, central difference)."""
    rows = []
    for p in points:
        x = constant(np.float64(p))
        with GradientTape() as tape:
            tape.watch(x)
            y = m.sigmoid(x)
        numeric = (_s(p + eps) - _s(p - eps)) / (2 * eps)
        rows.append((p, _s(p) * (1 - _s(p)), float(tape.gradient(y, x)), numeric))
    return rows


def run(out_dir=None, echo=print, lr=0.5):
    """Prints the traced step, the hand and tape gradients side by side, and one update."""
    trace, hand = by_hand()
    error, tape = by_tape()
    np.set_printoptions(precision=6, suppress=True)
    echo("Forward pass (lecture notation):")
    for key in ("z2", "a2", "z3", "a3"):
        echo(f"  {key:6s} = {trace[key][0]}")
    echo(f"  E      = 1/2 * sum((t - a3)^2) = {trace['E']:.8f}   (tape: {error:.8f})")
    echo("Backward pass (chain rule):")
    echo(f"  delta3 = (a3 - t) * a3 * (1 - a3) = {trace['delta3'][0]}")
    echo(f"  delta2 = delta3 W3^T * a2 * (1 - a2) = {trace['delta2'][0]}")
    worst = 0.0
    echo("  gradient   by hand                         by GradientTape")
    for key in ("W3", "b3", "W2", "b2"):
        diff = float(np.max(np.abs(hand[key] - tape[key])))
        worst = max(worst, diff)
        echo(f"  dE/d{key:3s} {np.ravel(hand[key])}  {np.ravel(tape[key])}")
    echo(f"largest difference hand vs tape: {worst:.2e}")
    updated = {k: INIT[k] - lr * hand[k] for k in INIT}
    trace_after, _ = by_hand(updated)
    echo(f"after one step of gradient descent (lr={lr}): E {trace['E']:.6f} -> "
         f"{trace_after['E']:.6f}")
    echo("sigmoid'(x) = s(x)(1 - s(x)) checked numerically:")
    echo("      x    s(1-s)      tape        finite diff")
    for p, formula, taped, numeric in sigmoid_derivative_check():
        echo(f"  {p:5.1f}  {formula:.8f}  {taped:.8f}  {numeric:.8f}")
    return {"max_diff": worst, "hand": hand, "tape": tape, "E": trace["E"],
            "E_after": trace_after["E"]}
