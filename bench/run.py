"""The benchmark suite: neuroflow against NumPy, PyTorch, TensorFlow and JAX on this machine.

Usage: python bench/run.py [--quick] [--repeats N] [--only WORKLOAD ...] [--frameworks ...]

Each (framework, workload) runs in its own process (bench/workloads.py); frameworks alternate
within each repetition so machine noise hits all alike. Prints a markdown table of medians
(min-max) and neuroflow's ratio to each peer (> 1 means neuroflow is better).
"""

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
WORKLOADS = ["mlp_fit_b32", "mlp_fit_b256", "mlp_loop_b32", "mlp_loop_b256", "cnn_b64",
             "predict_1", "predict_10k", "import", "gemm"]
# Floating-point operations per training sample of the 784-64-32-10 MLP: forward 2*m*n per
# layer, backward twice that, less the input gradient of the first layer (never needed).
MLP_FLOPS = 3 * 2 * (784 * 64 + 64 * 32 + 32 * 10) - 2 * 784 * 64
FRAMEWORKS = ["neuroflow", "numpy", "torch", "tensorflow", "jax"]
LOWER_IS_BETTER = {"predict_1", "import"}
# What each peer runs for a workload (None: not measured for that peer).
SUPPORTED = {
    "numpy": {"mlp_fit_b32", "mlp_fit_b256", "predict_1", "predict_10k", "import", "gemm"},
    "jax": {"mlp_fit_b32", "mlp_fit_b256", "predict_1", "predict_10k", "import"},
}


def installed(framework):
    """True when the framework can be imported here."""
    module = {"neuroflow": "neuroflow", "numpy": "numpy", "torch": "torch",
              "tensorflow": "tensorflow", "jax": "optax"}[framework]
    return importlib.util.find_spec(module) is not None


def run_one(framework, workload, quick):
    """Runs one measurement in a fresh process; returns the parsed JSON or None on failure."""
    cmd = [sys.executable, os.path.join(HERE, "workloads.py"), framework, workload]
    if quick:
        cmd.append("--quick")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONWARNINGS="ignore")
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=900, env=env)
    except subprocess.TimeoutExpired:
        return None
    for line in reversed(out.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    sys.stderr.write(f"[{framework} {workload}] failed:\n{out.stderr[-2000:]}\n")
    return None


def fmt(value, unit):
    if unit == "samples/s":
        return f"{value / 1000:.1f}k"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "µs":
        return f"{value:.0f} µs"
    return f"{value:.0f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="6k samples, 1 repeat")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--only", nargs="*", default=None, help="workloads to run")
    parser.add_argument("--frameworks", nargs="*", default=None)
    args = parser.parse_args()
    repeats = args.repeats or (1 if args.quick else 5)
    workloads = args.only or WORKLOADS
    frameworks = [f for f in (args.frameworks or FRAMEWORKS) if installed(f)]
    results = {}   # (framework, workload) -> list of values
    units, rss = {}, {}
    for r in range(repeats):
        for workload in workloads:
            if workload == "gemm":
                got = run_one("numpy", "gemm", args.quick)
                if got:
                    results.setdefault(("numpy", "gemm"), []).append(got["value"])
                    units["gemm"] = got["unit"]
                continue
            order = frameworks[r % len(frameworks):] + frameworks[:r % len(frameworks)]
            for framework in order:
                if framework in SUPPORTED and workload not in SUPPORTED[framework]:
                    continue
                got = run_one(framework, workload, args.quick)
                if got is None:
                    continue
                results.setdefault((framework, workload), []).append(got["value"])
                units[workload] = got["unit"]
                if workload == "mlp_fit_b32":
                    rss.setdefault(framework, []).append(got["rss_mb"])
                print(f"  {framework:10s} {workload:13s} {fmt(got['value'], got['unit'])}",
                      file=sys.stderr, flush=True)
    print(table(results, units, rss, [w for w in workloads if w != "gemm"], frameworks))
    if results.get(("numpy", "gemm")):
        print(gemm_table(results, frameworks))


def gemm_table(results, frameworks):
    """What fraction of the GEMM-only bound each framework's MLP training reaches."""
    gflops = statistics.median(results[("numpy", "gemm")])
    bound = gflops * 1e9 / MLP_FLOPS
    lines = ["", f"NumPy float32 GEMM (1024^3): {gflops:.0f} GFLOP/s, so the MLP's GEMM-only "
             f"bound is {bound / 1000:.0f}k samples/s ({MLP_FLOPS / 1e3:.0f} kFLOP/sample).", "",
             "| framework | MLP b32: fraction of bound | MLP b256: fraction of bound |",
             "|---|---|---|"]
    for framework in frameworks:
        cells = []
        for w in ("mlp_fit_b32", "mlp_fit_b256"):
            values = results.get((framework, w))
            cells.append(f"{statistics.median(values) / bound:.0%}" if values else "-")
        lines.append(f"| {framework} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def table(results, units, rss, workloads, frameworks):
    """The markdown tables: medians (min-max), then neuroflow's ratio to each peer."""
    lines = ["| framework | " + " | ".join(workloads) + " | peak RSS MLP (MB) |",
             "|---" * (len(workloads) + 2) + "|"]
    for framework in frameworks:
        cells = []
        for w in workloads:
            values = results.get((framework, w))
            if not values:
                cells.append("-")
                continue
            med = statistics.median(values)
            spread = f" ({fmt(min(values), units[w])}–{fmt(max(values), units[w])})" \
                if len(values) > 1 else ""
            cells.append(fmt(med, units[w]) + spread)
        mem = f"{statistics.median(rss[framework]):.0f}" if framework in rss else "-"
        lines.append(f"| {framework} | " + " | ".join(cells) + f" | {mem} |")
    lines += ["", "neuroflow's advantage (peer time / neuroflow time; > 1 = neuroflow faster):",
              "", "| vs | " + " | ".join(workloads) + " | RSS |",
              "|---" * (len(workloads) + 2) + "|"]
    for peer in frameworks:
        if peer == "neuroflow":
            continue
        cells = []
        for w in workloads:
            ours, theirs = results.get(("neuroflow", w)), results.get((peer, w))
            if not ours or not theirs:
                cells.append("-")
                continue
            a, b = statistics.median(ours), statistics.median(theirs)
            cells.append(f"{(b / a if w in LOWER_IS_BETTER else a / b):.2f}x")
        mem = "-"
        if "neuroflow" in rss and peer in rss:
            mem = f"{statistics.median(rss['neuroflow']) / statistics.median(rss[peer]):.2f}"
        lines.append(f"| {peer} | " + " | ".join(cells) + f" | {mem} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
