"""The lecture's optimizer table made real: GD, SGD, Momentum, Nesterov, Adagrad, RMSprop, Adam.

Each optimizer is a ``nf.keras.optimizers`` object built with the lecture's spelling
(``SGD(lr=0.1, momentum=0.9, nesterov=True)``, ``RMSprop(lr=0.001, rho=0.9, epsilon=1e-08,
decay=0.0)``, ...). They race on 2-D loss surfaces, then train the same small MLP.
"""

import numpy as np

from ..core.convert import constant
from ..core.ops import nn
from ..core.ops import reduce as r
from ..core.ops.linalg import matmul
from ..core.tape import GradientTape
from ..core.variable import Variable
from ..keras import optimizers as opt
from . import _plot

# The lecture's table (keras.optimizers spellings), GD being plain full-batch SGD.
LECTURE = {
    "GD": lambda lr: opt.SGD(lr=lr),
    "SGD": lambda lr: opt.SGD(lr=lr),
    "Momentum": lambda lr: opt.SGD(lr=lr, momentum=0.9),
    "Nesterov": lambda lr: opt.SGD(lr=lr, momentum=0.9, nesterov=True),
    "Adagrad": lambda lr: opt.Adagrad(lr=lr, epsilon=1e-6),
    "RMSprop": lambda lr: opt.RMSprop(lr=lr, rho=0.9, epsilon=1e-08, decay=0.0),
    "Adam": lambda lr: opt.Adam(lr=lr, beta_1=0.9, beta_2=0.999, epsilon=1e-08, decay=0.0),
}
LECTURE_LR = {"GD": 0.1, "SGD": 0.1, "Momentum": 0.1, "Nesterov": 0.1, "Adagrad": 0.01,
              "RMSprop": 0.001, "Adam": 0.001}


def bowl(x, y):
    """An elongated bowl: steep in y, flat in x; minimum 0 at (0, 0)."""
    return 0.05 * x * x + y * y


def rosenbrock(x, y):
    """Rosenbrock's banana valley; minimum 0 at (1, 1)."""
    return (1 - x) * (1 - x) + 10 * (y - x * x) * (y - x * x)


def saddle(x, y):
    """A saddle at (0, 0) with two valleys; minima -1 at (0, +-sqrt(2))."""
    return 0.1 * x * x - y * y + 0.25 * y * y * y * y


# name: (function, start, minimum value, learning rate per optimizer for the race)
SURFACES = {
    "elongated bowl": (bowl, (-9.0, 2.0), 0.0,
                       {"GD": 0.4, "SGD": 0.4, "Momentum": 0.1, "Nesterov": 0.1,
                        "Adagrad": 1.5, "RMSprop": 0.1, "Adam": 0.3}),
    "Rosenbrock": (rosenbrock, (-1.2, 1.0), 0.0,
                   {"GD": 0.02, "SGD": 0.02, "Momentum": 0.004, "Nesterov": 0.004,
                    "Adagrad": 0.5, "RMSprop": 0.01, "Adam": 0.05}),
    "saddle": (saddle, (-2.0, 0.01), -1.0,
               {"GD": 0.1, "SGD": 0.1, "Momentum": 0.05, "Nesterov": 0.05,
                "Adagrad": 0.5, "RMSprop": 0.05, "Adam": 0.1}),
}


def race(surface, steps=300, tol=1e-3, seed=0):
    """Runs every optimizer on ``surface``; returns {name: (path array, losses, steps_to_tol)}."""
    fn, start, best, rates = SURFACES[surface]
    rng = np.random.default_rng(seed)
    results = {}
    for name, make in LECTURE.items():
        optimizer = make(rates[name])
        point = Variable(np.array(start, np.float32), name="xy")
        path, losses, reached = [np.array(start)], [], None
        for step in range(steps):
            with GradientTape() as tape:
                loss = fn(point[0], point[1])
            (grad,) = tape.gradient(loss, [point])
            if name == "SGD":  # a mini-batch's gradient is the true one plus noise
                grad = grad + constant(rng.normal(0, 0.3, 2).astype(np.float32))
            optimizer.apply_gradients([(grad, point)])
            value = float(fn(point[0], point[1]))
            losses.append(value)
            path.append(point.numpy().copy())
            if reached is None and value - best < tol:
                reached = step + 1
        results[name] = (np.array(path), losses, reached)
    return results


def _moons(n=256, seed=0):
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, np.pi, n)
    label = rng.integers(0, 2, n)
    x = np.stack([np.cos(t) + label * 1.0, np.sin(t) * (1 - 2 * label) + label * 0.4], 1)
    return (x + rng.normal(0, 0.1, x.shape)).astype(np.float32), label.astype(np.float32)


def train_mlp(name, epochs=60, batch=32, seed=0):
    """Trains a 2-16-16-1 ReLU MLP on two moons with the lecture's optimizer; returns losses."""
    x_all, y_all = _moons(seed=seed)
    rng = np.random.default_rng(seed)
    sizes = [2, 16, 16, 1]
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        limit = np.sqrt(6 / (fan_in + fan_out))
        params.append(Variable(rng.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32)))
        params.append(Variable(np.zeros(fan_out, np.float32)))
    optimizer = LECTURE[name](LECTURE_LR[name])
    losses = []
    for _ in range(epochs):
        order = rng.permutation(len(x_all)) if name != "GD" else np.arange(len(x_all))
        size = len(x_all) if name == "GD" else batch
        total = 0.0
        for i in range(0, len(x_all), size):
            idx = order[i:i + size]
            x, y = constant(x_all[idx]), constant(y_all[idx, None])
            with GradientTape() as tape:
                h = x
                for k in range(0, len(params) - 2, 2):
                    h = nn.relu(matmul(h, params[k]) + params[k + 1])
                logits = matmul(h, params[-2]) + params[-1]
                loss = r.reduce_mean(nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits))
            grads = tape.gradient(loss, params)
            optimizer.apply_gradients(zip(grads, params))
            total += float(loss) * len(idx)
        losses.append(total / len(x_all))
    return losses


def run(out_dir="figures", steps=300, epochs=60, echo=print):
    """Prints the steps-to-converge table and draws trajectories and MLP loss curves."""
    echo("The lecture's optimizers (keras.optimizers with the lecture's arguments):")
    for name in LECTURE:
        echo(f"  {name:9s} lr={LECTURE_LR[name]}")
    races = {surface: race(surface, steps=steps) for surface in SURFACES}
    echo(f"\nSteps to reach the minimum (loss within 1e-3), at most {steps} steps; "
         "race learning rates are tuned per surface:")
    echo("optimizer  " + "".join(f"{s:>16s}" for s in SURFACES))
    for name in LECTURE:
        cells = []
        for surface in SURFACES:
            reached = races[surface][name][2]
            cells.append(f"{reached if reached else '-':>16}")
        echo(f"{name:9s}  " + "".join(cells))
    curves = {name: train_mlp(name, epochs=epochs) for name in LECTURE}
    echo(f"\nTwo-moons MLP (2-16-16-1), {epochs} epochs with the lecture's learning rates: "
         "final loss")
    for name, losses in curves.items():
        echo(f"  {name:9s} {losses[-1]:.4f}")
    plt = _plot.pyplot()
    if plt is None:
        echo(_plot.HINT)
        return {"races": races, "curves": curves}
    _draw(plt, races, curves, out_dir, echo)
    return {"races": races, "curves": curves}


def _draw(plt, races, curves, out_dir, echo):
    fig, axes = plt.subplots(2, 2, figsize=(13, 10))
    axes = axes.ravel()
    bounds = {"elongated bowl": ((-10, 2), (-2.5, 2.5)), "Rosenbrock": ((-1.6, 1.4), (-0.5, 1.8)),
              "saddle": ((-2.5, 1), (-2, 2))}
    for ax, (surface, results) in zip(axes, races.items()):
        fn = SURFACES[surface][0]
        (x0, x1), (y0, y1) = bounds[surface]
        gx, gy = np.meshgrid(np.linspace(x0, x1, 200), np.linspace(y0, y1, 200))
        z = fn(gx, gy)
        ax.contour(gx, gy, z, levels=np.quantile(z, np.linspace(0.01, 0.95, 20)),
                   cmap="Greys", linewidths=0.6)
        for name, (path, _, _) in results.items():
            ax.plot(path[:, 0], path[:, 1], lw=1.4, label=name)
        ax.plot(*path[0], "k*", ms=12)
        ax.set(title=f"{surface}", xlabel="w1", ylabel="w2", xlim=(x0, x1), ylim=(y0, y1))
    axes[0].legend(fontsize=8, loc="lower right")
    ax = axes[3]
    for name, losses in curves.items():
        ax.plot(range(1, len(losses) + 1), losses, label=name)
    ax.set(title="Training the same MLP (lecture's settings)", xlabel="epoch",
           ylabel="loss (binary cross-entropy)", yscale="log")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    _plot.save(fig, out_dir, "optimizers.png", echo)
