"""``nf.config``: devices on this machine, and CPU threads (``nf.config.threading``)."""

import types

from .backend import parallel as _parallel
from .backend.device import list_physical_devices
from .graph.function import functions_run_eagerly, run_functions_eagerly

__all__ = ["list_physical_devices", "list_logical_devices", "set_visible_devices",
           "get_visible_devices", "threading", "run_functions_eagerly", "functions_run_eagerly"]


def _set_intra_op_parallelism_threads(num_threads):
    """Threads a large CPU kernel (convolution, pooling, big elementwise ops) splits its
    batch over; 0 (the default) uses one per available core, 1 turns splitting off."""
    _parallel.set_threads(num_threads)


def _get_intra_op_parallelism_threads():
    """The value set by ``set_intra_op_parallelism_threads`` (0: one per core)."""
    return _parallel.get_threads()


def _set_inter_op_parallelism_threads(num_threads):
    """Accepted for TF compatibility: neuroflow runs independent ops one after another."""
    _INTER[0] = _parallel.checked_count(num_threads)


def _get_inter_op_parallelism_threads():
    """The value set by ``set_inter_op_parallelism_threads`` (0 by default)."""
    return _INTER[0]


_INTER = [0]
threading = types.SimpleNamespace(
    set_intra_op_parallelism_threads=_set_intra_op_parallelism_threads,
    get_intra_op_parallelism_threads=_get_intra_op_parallelism_threads,
    set_inter_op_parallelism_threads=_set_inter_op_parallelism_threads,
    get_inter_op_parallelism_threads=_get_inter_op_parallelism_threads,
)
threading.__doc__ = "TF's ``tf.config.threading``: how many CPU threads ops may use."


def list_logical_devices(device_type=None):
    """Same as ``list_physical_devices`` (one logical device per physical one)."""
    return list_physical_devices(device_type)


def get_visible_devices(device_type=None):
    """Devices neuroflow may use (all of them)."""
    return list_physical_devices(device_type)


def set_visible_devices(devices, device_type=None):
    """Accepted for TF compatibility; placement is controlled with ``nf.device``."""
