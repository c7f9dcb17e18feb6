"""Allocator tuning for training loops (glibc only; elsewhere it does nothing).

A training step allocates and frees the same large arrays (activations, gradients, im2col
patches) every step. glibc hands blocks above its mmap threshold back to the kernel on free,
so each step pays page faults to get them again: a third of a small CNN's step here. Raising
the thresholds keeps that memory in the process for reuse (the peak RSS barely moves).
"""

import ctypes
import ctypes.util
import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_done = []


def keep_freed_memory(mmap_threshold=32 << 20, trim_threshold=256 << 20):
    """Makes glibc reuse freed blocks up to ``mmap_threshold`` bytes instead of unmapping them.

    Returns True when the setting was applied (once per process), else False.
    """
    if _done:
        return _done[0]
    applied = False
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            applied = bool(libc.mallopt(_M_MMAP_THRESHOLD, int(mmap_threshold))) and bool(
                libc.mallopt(_M_TRIM_THRESHOLD, int(trim_threshold)))
        except (OSError, AttributeError):   # not glibc (musl, ...): nothing to tune
            applied = False
    _done.append(applied)
    return applied
