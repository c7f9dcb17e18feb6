"""Optional Numba kernels for the CPU work NumPy cannot fuse (``pip install neuroflow[fast]``).

A kernel here is an accelerator, never the definition: every op keeps its ``xp`` kernel (the
one that runs on CuPy, and on the CPU without Numba), and tests check that both agree. Numba
is imported on the first call of a kernel, not with neuroflow, and compiled code is cached on
disk. ``NEUROFLOW_JIT=0`` in the environment, or ``with jit.disabled():``, turns every kernel
off (for tests and for comparisons).
"""

import contextlib
import importlib.util
import os

import numpy as np

_ENABLED = [os.environ.get("NEUROFLOW_JIT", "1") != "0"]
_NUMBA = []   # [module or None], once looked for


def _numba():
    if not _NUMBA:
        found = importlib.util.find_spec("numba") is not None
        _NUMBA.append(importlib.import_module("numba") if found else None)
    return _NUMBA[0]


def enabled():
    """True when kernels may run: Numba is installed and they are not switched off."""
    return _ENABLED[0] and _numba() is not None


@contextlib.contextmanager
def disabled():
    """Runs the block with every Numba kernel off (ops fall back to their ``xp`` kernels)."""
    before = _ENABLED[0]
    _ENABLED[0] = False
    try:
        yield
    finally:
        _ENABLED[0] = before


class Kernel:
    """A Python loop compiled by Numba on first use; ``kernel.get(xp, *arrays)`` is the
    compiled function when it applies (NumPy arrays of a float dtype, Numba on), else None."""

    def __init__(self, fn, options):
        self.fn, self.options, self._compiled = fn, options, None
        self.__doc__, self.__name__ = fn.__doc__, fn.__name__

    def get(self, xp, *arrays):
        """The compiled kernel when ``arrays`` are float32/float64 NumPy arrays, else None."""
        if xp is not np or not _ENABLED[0] or _numba() is None:
            return None
        for a in arrays:
            if a.dtype not in _FLOATS:
                return None
        if self._compiled is None:
            self._compiled = _compile(self.fn, self.options)
        return self._compiled


_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def _compile(fn, options):
    # nogil: split kernels (backend/parallel.py) run a loop on each core at once.
    return _numba().njit(cache=True, nogil=True, error_model="numpy", boundscheck=False,
                         **options)(fn)


def kernel(**options):
    """Decorator: ``fn`` becomes a lazily compiled :class:`Kernel` (``options`` go to
    ``numba.njit``). ``fn`` must also run as plain Python."""
    def wrap(fn):
        return Kernel(fn, options)
    return wrap
