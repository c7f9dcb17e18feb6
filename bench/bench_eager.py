"""Eager overhead per op: neuroflow vs raw NumPy (and PyTorch when installed).

Run: python bench/bench_eager.py
Prints microseconds per call (best of several repeats) and neuroflow's overhead over NumPy.
"""

import timeit

import numpy as np

import neuroflow as nf


def per_call_us(fn, number=20000, repeat=7):
    """Best-of-``repeat`` microseconds per call of ``fn``."""
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6


def main():
    a_np, b_np = np.ones(4, np.float32), np.ones(4, np.float32)
    x_np = np.random.rand(32, 784).astype(np.float32)
    w_np = np.random.rand(784, 64).astype(np.float32)
    a, b, x, w = (nf.constant(v) for v in (a_np, b_np, x_np, w_np))
    rows = [
        ("a + b (4 elements)", lambda: a_np + b_np, lambda: a + b, None),
        ("nf.add(a, b)", lambda: np.add(a_np, b_np), lambda: nf.add(a, b), None),
        ("relu-like maximum(a, 0)", lambda: np.maximum(a_np, 0), lambda: nf.maximum(a, 0.0),
         None),
        ("matmul 32x784 @ 784x64", lambda: x_np @ w_np, lambda: nf.matmul(x, w), None),
    ]
    try:
        import torch

        torch.set_num_threads(2)
        ta, tb = torch.from_numpy(a_np), torch.from_numpy(b_np)
        tx, tw = torch.from_numpy(x_np), torch.from_numpy(w_np)
        torch_fns = [lambda: ta + tb, lambda: torch.add(ta, tb),
                     lambda: torch.maximum(ta, torch.tensor(0.0)), lambda: tx @ tw]
        rows = [(n, f_np, f_nf, f_t) for (n, f_np, f_nf, _), f_t in zip(rows, torch_fns)]
    except ImportError:
        pass
    print("| op | NumPy µs | neuroflow µs | overhead µs | PyTorch µs |")
    print("|---|---|---|---|---|")
    for name, f_np, f_nf, f_t in rows:
        number = 2000 if "matmul" in name else 50000
        t_np, t_nf = per_call_us(f_np, number), per_call_us(f_nf, number)
        t_t = f"{per_call_us(f_t, number):.2f}" if f_t else "-"
        print(f"| {name} | {t_np:.2f} | {t_nf:.2f} | {t_nf - t_np:+.2f} | {t_t} |")


if __name__ == "__main__":
    main()
