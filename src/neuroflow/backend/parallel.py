"""Intra-op parallelism: a large CPU kernel split along its batch axis over the cores.

NumPy runs each call on one core (BLAS aside), so a convolution's copies, pooling loops and
elementwise passes leave the other cores idle. Kernels over a batch instead hand each core a
contiguous slice of rows: the caller computes the last slice itself while worker threads
compute the others. NumPy's copies and ufunc loops, BLAS and Numba ``nogil`` loops release
the GIL, so the slices really run at once. Workers start on first use and block (no spinning)
between calls. Nested or concurrent calls run serially rather than wait for busy workers.

``nf.config.threading.set_intra_op_parallelism_threads(n)`` sets the number of slices
(0, the default: one per core available to this process; 1: off).
"""

import contextlib
import os
import queue
import threading

import numpy as np

_SETTING = [0]
_LOCK = threading.Lock()     # held while the workers serve one call
_LOCAL = threading.local()   # .busy: this thread is computing a slice
_POOL = {"pid": None, "workers": []}


def checked_count(n):
    """``n`` when it is a valid thread count (an int >= 0, 0 meaning "decide"), else ValueError."""
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise ValueError(f"the number of threads must be an int >= 0, got {n!r}")
    return n


def set_threads(n):
    """Uses ``n`` threads per split kernel (0: one per available core)."""
    _SETTING[0] = checked_count(n)


def get_threads():
    """The setting given to :func:`set_threads` (0: decided by the system)."""
    return _SETTING[0]


@contextlib.contextmanager
def serial():
    """Runs the block with every split off (when something else, BLAS's own threads, already
    uses the cores)."""
    _SERIAL[0] += 1
    try:
        yield
    finally:
        _SERIAL[0] -= 1


_SERIAL = [0]


def threads():
    """How many slices a split kernel uses now."""
    if _SERIAL[0]:
        return 1
    if _SETTING[0]:
        return _SETTING[0]
    if _CORES[0] != os.getpid():   # asked once per process: a system call
        try:
            count = len(os.sched_getaffinity(0))
        except (AttributeError, OSError):   # not Linux
            count = os.cpu_count() or 1
        _CORES[:] = [os.getpid(), count]
    return _CORES[1]


_CORES = [None, 1]   # [pid, cores available to it]


class _Worker:
    def __init__(self):
        self.inbox, self.outbox = queue.SimpleQueue(), queue.SimpleQueue()
        threading.Thread(target=self._serve, daemon=True, name="neuroflow-intra-op").start()

    def _serve(self):
        _LOCAL.busy = True
        while True:
            fn, start, stop = self.inbox.get()
            try:
                self.outbox.put((True, fn(start, stop)))
            except BaseException as error:   # re-raised in the calling thread
                self.outbox.put((False, error))


def _workers(count):
    if _POOL["pid"] != os.getpid():   # threads do not survive fork()
        _POOL["pid"], _POOL["workers"] = os.getpid(), []
    workers = _POOL["workers"]
    while len(workers) < count:
        workers.append(_Worker())
    return workers[:count]


def bounds(n, parts):
    """``parts`` contiguous ``(start, stop)`` slices of ``range(n)``, sizes differing by <= 1."""
    return [(n * k // parts, n * (k + 1) // parts) for k in range(parts)]


def rows_per_slice(row_work):
    """Rows per slice so that each slice does at least half of ``MIN_WORK``."""
    return max(1, -(-MIN_WORK // 2 // max(int(row_work), 1)))


def split(fn, n, min_rows=1):
    """``[fn(start, stop) for each slice of range(n)]``, the slices computed at once.

    Uses at most ``n // min_rows`` slices, and runs serially (one call ``fn(0, n)``) when
    there is one slice, the setting is 1, or this thread is itself computing a slice.
    """
    parts = min(threads(), n // max(min_rows, 1))
    if parts < 2 or getattr(_LOCAL, "busy", False) or not _LOCK.acquire(blocking=False):
        return [fn(0, n)]
    try:
        slices = bounds(n, parts)
        workers = _workers(parts - 1)
        for worker, (start, stop) in zip(workers, slices):
            worker.inbox.put((fn, start, stop))
        _LOCAL.busy = True
        try:
            mine = [fn(*slices[-1])]
        finally:
            _LOCAL.busy = False
            results = [worker.outbox.get() for worker in workers]
        for ok, value in results:
            if not ok:
                raise value
        return [value for _, value in results] + mine
    finally:
        _LOCK.release()


# Element operations below which a split costs more than it gains: waking a worker thread
# takes 20-70 us on a virtual machine, about what one core needs for 10^6 simple operations.
MIN_WORK = 1 << 20
ELEMENTWISE_MIN = MIN_WORK   # elements of an elementwise result


def elementwise(fn, *args, out):
    """``fn(*args, out=out)`` with the rows of ``out`` (axis 0) split over the cores.

    ``fn`` is elementwise with broadcasting (a ufunc, or a function of ufuncs taking ``out=``);
    an argument with ``out``'s rank and batch is sliced along with it, any other (a scalar, a
    bias broadcast along the batch) is passed whole to every slice.
    """
    n = out.shape[0] if out.ndim else 0
    if (out.size < ELEMENTWISE_MIN or type(out) is not np.ndarray
            or any(a is not out and _may_overlap(a, out) for a in args)):
        # One call: NumPy itself handles an argument overlapping ``out`` (it buffers); split,
        # a slice could read memory another slice has already written.
        return fn(*args, out=out)
    rank = out.ndim

    def part(start, stop):
        sliced = [a[start:stop] if getattr(a, "ndim", 0) == rank and a.shape[0] == n else a
                  for a in args]
        fn(*sliced, out=out[start:stop])

    split(part, n, min_rows=rows_per_slice(out[0].size))
    return out


def _may_overlap(a, out):
    return isinstance(a, np.ndarray) and np.may_share_memory(a, out)


def sum_leading(x, lead):
    """``x`` summed over its first ``lead`` axes (a bias gradient), rows split over the cores.

    Each slice is one BLAS product ``ones @ rows``: NumPy's ``add.reduce`` over the leading
    axis of a ``(rows, C)`` array runs one short inner loop per row, several times slower.
    """
    if (type(x) is not np.ndarray or not x.flags.c_contiguous or x.dtype.kind != "f"
            or x.size == 0):
        return np.add.reduce(x, tuple(range(lead)))
    rows = x.reshape(-1, int(np.prod(x.shape[lead:], dtype=np.int64)))
    ones = np.ones(rows.shape[0], x.dtype)
    parts = split(lambda a, b: ones[a:b] @ rows[a:b], rows.shape[0],
                  min_rows=rows_per_slice(rows.shape[1]))
    total = parts[0]
    for more in parts[1:]:
        total += more
    return total.reshape(x.shape[lead:])

