"""Convolution hot path: forward + backward of a small MNIST CNN at batch 64, and per-op times.

Network: Conv2D(32, 3) -> ReLU -> MaxPool 2 -> Conv2D(64, 3) -> ReLU -> MaxPool 2 -> Flatten
-> Dense(128) -> ReLU -> Dense(10), float32, 28x28x1 inputs, mean squared error on one-hot
(ReLU is ``nf.nn.relu`` when defined).

Run: python bench/bench_conv.py [--repeat N]
Prints milliseconds per training step (forward + gradients; no optimizer) and samples/s, then
the time of each conv/pool kernel at the network's shapes (best of several runs). On a busy
machine also try ``OPENBLAS_NUM_THREADS=1`` and read the CPU-time line.
"""

import argparse
import time

import numpy as np

import neuroflow as nf
from neuroflow.core.ops import conv as _conv
from neuroflow.core.ops import nn as _nn
from neuroflow.core.ops.pooling import _max_pool_forward, _max_pool_grad_forward, max_pool2d

BATCH = 64


def best_ms(fn, repeat, clock=time.perf_counter):
    """Best and median milliseconds per call of ``fn`` on ``clock``."""
    fn()
    times = []
    for _ in range(repeat):
        start = clock()
        fn()
        times.append(clock() - start)
    return min(times) * 1e3, float(np.median(times)) * 1e3


def make_network(rng):
    def glorot(*shape):
        fan_in, fan_out = np.prod(shape[:-1]), shape[-1]
        limit = np.sqrt(6 / (fan_in + fan_out))
        return nf.Variable(rng.uniform(-limit, limit, shape).astype(np.float32))

    weights = [glorot(3, 3, 1, 32), nf.Variable(np.zeros(32, np.float32)),
               glorot(3, 3, 32, 64), nf.Variable(np.zeros(64, np.float32)),
               glorot(1600, 128), nf.Variable(np.zeros(128, np.float32)),
               glorot(128, 10), nf.Variable(np.zeros(10, np.float32))]

    relu = getattr(_nn, "relu", lambda x: nf.maximum(x, 0.0))

    def forward(x):
        k1, b1, k2, b2, w3, b3, w4, b4 = weights
        h = max_pool2d(relu(_conv.conv2d(x, k1, 1, "VALID") + b1), 2, 2, "VALID")
        h = max_pool2d(relu(_conv.conv2d(h, k2, 1, "VALID") + b2), 2, 2, "VALID")
        h = relu(nf.matmul(nf.reshape(h, [-1, 1600]), w3) + b3)
        return nf.matmul(h, w4) + b4

    return weights, forward


def bench_network(repeat):
    rng = np.random.default_rng(0)
    weights, forward = make_network(rng)
    x = nf.constant(rng.random((BATCH, 28, 28, 1), dtype=np.float32))
    y = nf.constant(np.eye(10, dtype=np.float32)[rng.integers(0, 10, BATCH)])

    def step():
        with nf.GradientTape() as tape:
            loss = nf.reduce_mean(nf.square(forward(x) - y))
        return tape.gradient(loss, weights)

    best, median = best_ms(step, repeat)
    print(f"CNN train step, batch {BATCH}: best {best:.2f} ms, median {median:.2f} ms "
          f"({BATCH / best * 1e3:.0f} samples/s at best)")
    # CPU time is steadier than wall time on a shared machine; with one BLAS thread
    # (OPENBLAS_NUM_THREADS=1) it is the single-core cost of a step.
    cpu, _ = best_ms(step, repeat, time.process_time)
    print(f"CNN train step CPU time (all threads): best {cpu:.2f} ms")
    inference, _ = best_ms(lambda: forward(x), repeat)
    print(f"CNN forward only: {inference:.2f} ms")


def bench_kernels(repeat):
    rng = np.random.default_rng(1)
    attrs = {"strides": (1, 1), "dilations": (1, 1), "padding": "VALID"}
    pool = {"ksize": (2, 2), "strides": (2, 2), "padding": "VALID"}
    rows = []
    for label, xs, ws in [("conv1 28x28x1 -> 26x26x32", (BATCH, 28, 28, 1), (3, 3, 1, 32)),
                          ("conv2 13x13x32 -> 11x11x64", (BATCH, 13, 13, 32), (3, 3, 32, 64))]:
        x = rng.random(xs, dtype=np.float32)
        w = rng.random(ws, dtype=np.float32)
        y = _conv._conv_forward(np, x, w, **attrs)
        rows.append((label + " forward", lambda x=x, w=w: _conv._conv_forward(np, x, w, **attrs)))
        rows.append((label + " backprop input", lambda y=y, w=w, xs=xs: _conv._conv_input_forward(
            np, y, w, input_shape=xs, **attrs)))
        rows.append((label + " backprop filter", lambda x=x, y=y, ws=ws:
                     _conv._conv_filter_forward(np, x, y, filter_shape=ws, **attrs)))
    for label, xs in [("maxpool 26x26x32", (BATCH, 26, 26, 32)),
                      ("maxpool 11x11x64", (BATCH, 11, 11, 64))]:
        x = np.maximum(rng.random(xs, dtype=np.float32) - 0.5, 0)  # ReLU'd: tied windows
        y = _max_pool_forward(np, x, **pool)
        rows.append((label + " forward", lambda x=x: _max_pool_forward(np, x, **pool)))
        rows.append((label + " grad", lambda x=x, y=y: _max_pool_grad_forward(
            np, x, y, y, **pool)))
    for label, fn in rows:
        best, _ = best_ms(fn, repeat)
        print(f"  {label:<45s} {best:8.3f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    try:
        bench_network(args.repeat)
    except Exception as error:  # noqa: BLE001 - other ops may be mid-change
        print("network benchmark failed:", error)
    bench_kernels(args.repeat)


if __name__ == "__main__":
    main()
