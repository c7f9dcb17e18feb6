"""``nf.keras.optimizers``: Keras 3's optimizers, schedules, and ``get``/``serialize``."""

from .. import _objects
from . import schedules
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adamax import Adamax
from .base import Optimizer
from .ftrl import Ftrl
from .lion import Lion
from .nadam import Nadam
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "Adamax", "Nadam",
           "Adadelta", "Ftrl", "Lion", "schedules", "get", "serialize", "deserialize"]

ALL_OBJECTS = (SGD, Adagrad, RMSprop, Adam, AdamW, Adamax, Nadam, Adadelta, Ftrl, Lion)
ALL_OBJECTS_DICT = {cls.__name__.lower(): cls for cls in ALL_OBJECTS}


def serialize(optimizer):
    """The optimizer's config as Keras's ``{'module', 'class_name', 'config', ...}`` dict."""
    return _objects.serialize(optimizer, "keras.optimizers")


def deserialize(config, custom_objects=None):
    """Builds an optimizer from ``serialize``'s output (class names are case-insensitive)."""
    return _objects.deserialize(config, ALL_OBJECTS_DICT, "optimizer", custom_objects)


def get(identifier):
    """An optimizer from a name (``'adam'``), a config dict, or an instance.

    Raises:
        ValueError: for an unknown name (the message lists the valid names).

    Example:
        >>> isinstance(nf.keras.optimizers.get('adam'), nf.keras.optimizers.Adam)
        True
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, (str, dict)):
        return _objects.get(identifier, ALL_OBJECTS_DICT, "optimizer")
    raise ValueError(f"Could not interpret optimizer identifier: {identifier}")
