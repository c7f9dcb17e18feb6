"""Data-parallel training over MPI: samples/s on 1 and 2 ranks here, and a scaling model.

Usage:
    python bench/bench_distribute.py [--quick] [--ranks 1 2] [--workloads mlp cnn]

For each workload (the lecture's MLP at global batch 64, the CNN of ``workloads.py`` at
global batch 128) and each rank count, runs ``neuroflow launch -n N`` on this script's worker,
which trains with ``MultiWorkerMirroredStrategy`` and reports (rank 0): global samples/s of
``model.fit`` (best of 2 epochs after a warm-up epoch), the gradient bytes each step
all-reduces, and the measured time of that allreduce. Then prints the scaling model of
bench/README.md: ring allreduce time against compute time per step at 8, 64 and 512 ranks.
"""

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import workloads  # noqa: E402 - this folder's own helpers

GLOBAL_BATCH = {"mlp": 64, "cnn": 128}
# Network models: (name, bandwidth in bytes/s, latency per message in s).
NETWORKS = [("10 GbE, TCP", 1.25e9, 30e-6), ("100 Gb/s InfiniBand", 12.5e9, 2e-6)]


def worker(workload, quick):
    """One rank: distributed fit, timed; rank 0 prints a JSON line."""
    import neuroflow as nf

    strategy = nf.distribute.MultiWorkerMirroredStrategy()
    cnn = workload == "cnn"
    n = (1280 if quick else 6400) if cnn else (6400 if quick else 60000)
    x, y = workloads.data(flat=not cnn, n=n)
    with strategy.scope():
        model = workloads.nf_cnn(nf) if cnn else workloads.nf_mlp(nf)
        model.compile(optimizer=nf.keras.optimizers.Adam(1e-3),
                      loss="sparse_categorical_crossentropy")
    batch = GLOBAL_BATCH[workload]
    samples_per_s = workloads.timed_epochs(
        lambda: model.fit(x, y, batch_size=batch, epochs=1, verbose=0), len(x))
    grads = [np.zeros(v.shape, np.float32) for v in model.trainable_variables]
    comm = strategy.extended._comm
    flat = np.concatenate([g.reshape(-1) for g in grads])
    comm.allreduce(flat, "MEAN")
    start, count = time.perf_counter(), 50
    for _ in range(count):
        comm.allreduce(flat, "MEAN")
    allreduce_s = (time.perf_counter() - start) / count
    if comm.rank == 0:
        print(json.dumps({"workload": workload, "ranks": comm.size, "batch": batch,
                          "samples_per_s": samples_per_s, "grad_bytes": flat.nbytes,
                          "allreduce_ms": allreduce_s * 1e3,
                          "step_ms": batch / samples_per_s * 1e3}), flush=True)


def launch(workload, ranks, quick):
    cmd = [sys.executable, "-m", "neuroflow", "launch", "-n", str(ranks),
           os.path.abspath(__file__), "--worker", workload] + (["--quick"] if quick else [])
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if out.returncode or not lines:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{out.stderr[-2000:]}")
    return json.loads(lines[-1])


def ring_allreduce_s(nbytes, ranks, bandwidth, latency):
    """Ring allreduce: 2(N-1) steps, each moving nbytes/N and paying one message latency."""
    return 2 * (ranks - 1) / ranks * nbytes / bandwidth + 2 * (ranks - 1) * latency


def scaling_table(result):
    """Weak scaling (per-rank batch fixed): step time = compute + ring allreduce."""
    compute = result["step_ms"] / 1e3   # one rank's whole step at the per-rank batch
    rows = []
    for name, bandwidth, latency in NETWORKS:
        for ranks in (8, 64, 512):
            comm = ring_allreduce_s(result["grad_bytes"], ranks, bandwidth, latency)
            rows.append(f"| {result['workload']} | {name} | {ranks} | {compute * 1e3:.2f} | "
                        f"{comm * 1e3:.2f} | {compute / (compute + comm):.0%} |")
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--ranks", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--workloads", nargs="+", default=["mlp", "cnn"])
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args.quick)
    results = {}
    print("| workload | ranks | global batch | samples/s | allreduce (ms) | gradient KB |")
    print("|---|---|---|---|---|---|")
    for workload in args.workloads:
        for ranks in args.ranks:
            r = results[workload, ranks] = launch(workload, ranks, args.quick)
            reduce_ms = f"{r['allreduce_ms']:.3f}" if ranks > 1 else "none (1 rank)"
            print(f"| {workload} | {ranks} | {r['batch']} | {r['samples_per_s']:,.0f} | "
                  f"{reduce_ms} | {r['grad_bytes'] / 1024:.0f} |", flush=True)
    print("\n| workload | network | ranks | compute/step (ms) | allreduce/step (ms) | "
          "efficiency |")
    print("|---|---|---|---|---|---|")
    for workload in args.workloads:
        one = results.get((workload, 1)) or next(r for (w, _), r in results.items()
                                                  if w == workload)
        for row in scaling_table(one):
            print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
