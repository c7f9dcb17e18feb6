"""Allocator tuning for training loops, scoped to the loop (glibc only; elsewhere nothing).

A training step allocates and frees the same large arrays (activations, gradients, im2col
patches) every step. glibc hands blocks above its mmap threshold back to the kernel on free,
so each step pays page faults to get them again: a third of a small CNN's step here. Raising
the thresholds keeps that memory in the process for reuse (the peak RSS barely moves).

The allocator is the process's, not neuroflow's: the thresholds are raised only inside
``reuse_freed_memory()`` (``fit`` runs in it), then set back to glibc's documented defaults
(128 KiB each) and the memory kept meanwhile is returned to the system (``malloc_trim``).
glibc cannot read its settings back, so a process that tunes malloc itself
(``MALLOC_MMAP_THRESHOLD_``, ``MALLOC_TRIM_THRESHOLD_`` or ``GLIBC_TUNABLES`` set) is left
alone.
"""

import contextlib
import ctypes
import ctypes.util
import os
import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_GLIBC_DEFAULT = 128 * 1024   # both thresholds (glibc's DEFAULT_MMAP_THRESHOLD_MIN, ...)
_STATE = {"libc": None, "depth": 0}


def _glibc():
    """glibc's handle when the allocator is glibc's and the user does not tune it, else None."""
    if not sys.platform.startswith("linux") or any(
            name in os.environ for name in
            ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES")):
        return None
    if _STATE["libc"] is None:
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            libc.mallopt, libc.malloc_trim   # noqa: B018 - both must exist (not musl)
        except (OSError, AttributeError):
            libc = False
        _STATE["libc"] = libc
    return _STATE["libc"] or None


def _set(libc, mmap_threshold, trim_threshold):
    return bool(libc.mallopt(_M_MMAP_THRESHOLD, int(mmap_threshold))) and bool(
        libc.mallopt(_M_TRIM_THRESHOLD, int(trim_threshold)))


@contextlib.contextmanager
def reuse_freed_memory(mmap_threshold=32 << 20, trim_threshold=256 << 20):
    """Within the block, glibc reuses freed blocks up to ``mmap_threshold`` bytes instead of
    unmapping them; afterwards its defaults are back and the kept memory is released.

    Yields True when the setting was applied. Nested blocks leave it to the outermost.

    Example:
        >>> with reuse_freed_memory():
        ...     model.fit(x, y)      # fit does this itself
    """
    libc = _glibc()
    if libc is None or _STATE["depth"]:
        _STATE["depth"] += 1
        try:
            yield bool(libc)
        finally:
            _STATE["depth"] -= 1
        return
    _STATE["depth"] += 1
    applied = _set(libc, mmap_threshold, trim_threshold)
    try:
        yield applied
    finally:
        _STATE["depth"] -= 1
        if applied:
            _set(libc, _GLIBC_DEFAULT, _GLIBC_DEFAULT)
            libc.malloc_trim(0)
