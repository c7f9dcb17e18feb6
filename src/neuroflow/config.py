"""``nf.config``: devices on this machine."""

from .backend.device import list_physical_devices

__all__ = ["list_physical_devices", "list_logical_devices", "set_visible_devices",
           "get_visible_devices"]


def list_logical_devices(device_type=None):
    """Same as ``list_physical_devices`` (one logical device per physical one)."""
    return list_physical_devices(device_type)


def get_visible_devices(device_type=None):
    """Devices neuroflow may use (all of them)."""
    return list_physical_devices(device_type)


def set_visible_devices(devices, device_type=None):
    """Accepted for TF compatibility; placement is controlled with ``nf.device``."""
