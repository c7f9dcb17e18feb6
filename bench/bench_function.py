"""The lecture's MLP (784-64-32-10, relu, softmax cross-entropy, SGD) training step on a batch of
32: eager neuroflow vs ``nf.function`` vs the same step as raw NumPy calls, in microseconds.

Usage: python bench/bench_function.py [--steps N] [--repeats R] [--batch B] [--show-graph]
Goal (issue 3): the function step within 1.3x of raw NumPy, and >= 3x faster than eager.
"""

import argparse
import itertools
import statistics
import time

import numpy as np

import neuroflow as nf

SIZES = [784, 64, 32, 10]
LR = 0.01


def init_weights(seed=0):
    rng = np.random.default_rng(seed)
    weights = []
    for n_in, n_out in itertools.pairwise(SIZES):
        limit = np.sqrt(6.0 / (n_in + n_out))
        weights.append(rng.uniform(-limit, limit, (n_in, n_out)).astype(np.float32))
        weights.append(np.zeros(n_out, np.float32))
    return weights


def make_neuroflow_step(weights):
    """The step as a user writes it in TF2: tape, gradients, assign_sub."""
    variables = [nf.Variable(w) for w in weights]

    def step(x, y):
        w1, b1, w2, b2, w3, b3 = variables
        with nf.GradientTape() as tape:
            h1 = nf.nn.relu(nf.matmul(x, w1) + b1)
            h2 = nf.nn.relu(nf.matmul(h1, w2) + b2)
            logits = nf.matmul(h2, w3) + b3
            loss = nf.reduce_mean(nf.nn.softmax_cross_entropy_with_logits(labels=y,
                                                                           logits=logits))
        grads = tape.gradient(loss, variables)
        for v, g in zip(variables, grads):
            v.assign_sub(LR * g)
        return loss

    return step, variables


def make_numpy_step(weights):
    """The same step as the NumPy calls it needs (forward, backward, update), by hand."""
    params = [w.copy() for w in weights]

    def step(x, y):
        w1, b1, w2, b2, w3, b3 = params
        h1 = np.maximum(x @ w1 + b1, 0)
        h2 = np.maximum(h1 @ w2 + b2, 0)
        z = h2 @ w3 + b3
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        s = e.sum(axis=1, keepdims=True)
        loss = np.mean(np.log(s)[:, 0] - (y * z).sum(axis=1))
        dz = (e / s - y) / len(x)
        dw3, db3 = h2.T @ dz, dz.sum(axis=0)
        dh2 = (dz @ w3.T) * (h2 > 0)
        dw2, db2 = h1.T @ dh2, dh2.sum(axis=0)
        dh1 = (dh2 @ w2.T) * (h1 > 0)
        dw1, db1 = x.T @ dh1, dh1.sum(axis=0)
        for p, g in zip(params, (dw1, db1, dw2, db2, dw3, db3)):
            p -= LR * g
        return loss

    return step, params


def time_per_step(step, args, steps, repeats):
    """Median over ``repeats`` of the mean time of ``steps`` calls, in microseconds."""
    for _ in range(20):
        step(*args)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(steps):
            step(*args)
        times.append((time.perf_counter() - start) / steps * 1e6)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--show-graph", action="store_true")
    args = parser.parse_args()

    rng = np.random.default_rng(1)
    x = rng.normal(size=(args.batch, 784)).astype(np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, args.batch)]
    weights = init_weights()

    eager, eager_vars = make_neuroflow_step(weights)
    graph_fn, graph_vars = make_neuroflow_step(weights)
    graph = nf.function(graph_fn)
    numpy_step, params = make_numpy_step(weights)
    tx, ty = nf.constant(x), nf.constant(y)

    # Same numbers first: one step each from the same weights.
    losses = (float(eager(tx, ty)), float(graph(tx, ty)), float(numpy_step(x, y)))
    for v, w, p in zip(eager_vars, graph_vars, params):
        np.testing.assert_allclose(v.numpy(), w.numpy(), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(v.numpy(), p, rtol=1e-4, atol=1e-5)
    concrete = graph.get_concrete_function(tx, ty)
    if args.show_graph:
        concrete.summary()
        print(concrete.source)

    # Interleaved, so that load on the machine hits all variants alike; medians.
    runs = {"raw numpy": [], "nf.function": [], "eager": []}
    for _ in range(args.repeats):
        runs["raw numpy"].append(time_per_step(numpy_step, (x, y), args.steps, 1))
        runs["nf.function"].append(time_per_step(graph, (tx, ty), args.steps, 1))
        runs["eager"].append(time_per_step(eager, (tx, ty), max(args.steps // 5, 20), 1))
    t_numpy, t_graph, t_eager = (statistics.median(v) for v in runs.values())

    ops = concrete.program.op_counts()
    print(f"MLP 784-64-32-10 training step, batch {args.batch} (first losses {losses[0]:.5f} "
          f"eager, {losses[1]:.5f} function, {losses[2]:.5f} numpy)")
    print(f"graph: {sum(concrete.unoptimized_counts.values())} ops traced, "
          f"{sum(ops.values())} after optimization")
    print(f"{'variant':<14}{'us/step':>10}{'vs numpy':>10}")
    for name, t in [("raw numpy", t_numpy), ("nf.function", t_graph), ("eager", t_eager)]:
        print(f"{name:<14}{t:>10.1f}{t / t_numpy:>9.2f}x")
    print(f"nf.function is {t_eager / t_graph:.1f}x faster than eager")


if __name__ == "__main__":
    main()
