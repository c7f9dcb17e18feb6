"""Where arrays live: ``xp`` is NumPy on the CPU and CuPy on a GPU.

CuPy is imported only when it is installed *and* a GPU is asked for or found, so a CPU-only
program never pays for it.
"""

import contextlib
import importlib.util
import re
import threading

import numpy as np

_cupy = None            # the cupy module once imported
_gpu_count = None       # None until probed
_local = threading.local()


def cupy():
    """Returns the CuPy module, importing it on first use, or None when unavailable."""
    global _cupy, _gpu_count
    if _gpu_count is None:
        _gpu_count = 0
        if importlib.util.find_spec("cupy") is not None:
            try:
                import cupy as cp

                _gpu_count = cp.cuda.runtime.getDeviceCount()
                _cupy = cp
            except Exception:  # a broken CUDA install means "no GPU", not a crash
                _gpu_count = 0
    return _cupy if _gpu_count else None


def gpu_count():
    """Number of GPUs usable through CuPy (0 without CuPy)."""
    cupy()
    return _gpu_count


def get_array_module(array):
    """Returns ``numpy`` or ``cupy``: the namespace whose kernels work on ``array``."""
    if _cupy is not None and isinstance(array, _cupy.ndarray):
        return _cupy
    return np


class DeviceSpec:
    """A parsed device name such as ``'/GPU:0'`` or ``'/job:localhost/device:CPU:0'``."""

    __slots__ = ("device_type", "index")

    def __init__(self, device_type, index=0):
        self.device_type = device_type.upper()
        self.index = index

    @classmethod
    def from_string(cls, name):
        """Parses ``'GPU'``, ``'/GPU:1'``, ``'/device:CPU:0'`` and the like."""
        match = re.search(r"(CPU|GPU)(?::(\d+))?\s*$", name.strip(), re.IGNORECASE)
        if match is None:
            raise ValueError(f"Unknown device {name!r}; expected '/CPU:0' or '/GPU:<index>'")
        return cls(match.group(1), int(match.group(2) or 0))

    def to_string(self):
        """The canonical TF-style name."""
        return f"/job:localhost/replica:0/task:0/device:{self.device_type}:{self.index}"

    def __repr__(self):
        return self.to_string()


def current_device():
    """The device new tensors are placed on: the innermost ``nf.device`` or the default."""
    stack = getattr(_local, "stack", None)
    if stack:
        return stack[-1]
    return DeviceSpec("GPU", 0) if gpu_count() else DeviceSpec("CPU", 0)


@contextlib.contextmanager
def device(name):
    """Places tensors created inside the block on ``name`` (``'/CPU:0'``, ``'/GPU:0'``).

    Example:
        >>> with nf.device('/CPU:0'):
        ...     x = nf.constant([1.0, 2.0])
    """
    spec = DeviceSpec.from_string(name) if isinstance(name, str) else name
    if spec.device_type == "GPU" and spec.index >= gpu_count():
        raise ValueError(f"Device {name!r} is not available: found {gpu_count()} GPU(s) "
                         "(install CuPy, `pip install neuroflow[gpu]`, on a machine with CUDA)")
    stack = _local.__dict__.setdefault("stack", [])
    stack.append(spec)
    try:
        if spec.device_type == "GPU":
            with _cupy.cuda.Device(spec.index):
                yield spec
        else:
            yield spec
    finally:
        stack.pop()


def place(array, spec=None):
    """Moves a NumPy/CuPy array to the device ``spec`` (default: the current device)."""
    spec = spec or current_device()
    if spec.device_type == "CPU":
        if _cupy is not None and isinstance(array, _cupy.ndarray):
            return _cupy.asnumpy(array)
        return array
    with _cupy.cuda.Device(spec.index):
        return _cupy.asarray(array)


def to_numpy(array):
    """Returns ``array`` as a NumPy array (copying from the GPU if needed)."""
    if _cupy is not None and isinstance(array, _cupy.ndarray):
        return _cupy.asnumpy(array)
    return array


def device_of(array):
    """The TF-style device name holding ``array``."""
    if _cupy is not None and isinstance(array, _cupy.ndarray):
        return DeviceSpec("GPU", array.device.id).to_string()
    return DeviceSpec("CPU", 0).to_string()


class PhysicalDevice:
    """A device found on this machine, as listed by ``nf.config.list_physical_devices``."""

    __slots__ = ("name", "device_type")

    def __init__(self, name, device_type):
        self.name, self.device_type = name, device_type

    def __repr__(self):
        return f"PhysicalDevice(name={self.name!r}, device_type={self.device_type!r})"

    def __eq__(self, other):
        return isinstance(other, PhysicalDevice) and other.name == self.name


def list_physical_devices(device_type=None):
    """Lists ``PhysicalDevice`` objects, optionally only of ``device_type`` ('CPU' or 'GPU')."""
    found = [PhysicalDevice("/physical_device:CPU:0", "CPU")]
    found += [PhysicalDevice(f"/physical_device:GPU:{i}", "GPU") for i in range(gpu_count())]
    if device_type is None:
        return found
    return [d for d in found if d.device_type == device_type.upper()]


def blas_threads(limit):
    """Context manager capping BLAS threads at ``limit`` (None: leave as is).

    Small matrix products gain nothing from a second thread and lose a lot when the cores are
    busy (threads spin waiting for each other), so training loops over small dense models run
    single-threaded. Uses threadpoolctl when installed; without it, does nothing.
    """
    if limit is None or importlib.util.find_spec("threadpoolctl") is None:
        return contextlib.nullcontext()
    from threadpoolctl import threadpool_limits  # noqa: PLC0415 - optional, loaded on use

    return threadpool_limits(limits=limit, user_api="blas")
