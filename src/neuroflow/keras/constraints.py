"""``nf.keras.constraints``: projections applied to weights after each optimizer update."""

from ..core.ops import math as m
from ..core.ops import reduce as r
from . import _objects

__all__ = ["Constraint", "MaxNorm", "NonNeg", "UnitNorm", "MinMaxNorm", "max_norm", "non_neg",
           "unit_norm", "min_max_norm", "get", "serialize", "deserialize"]

EPSILON = 1e-7   # Keras's backend.epsilon()


class Constraint:
    """Base class: ``__call__(w)`` returns the projected weights."""

    def __call__(self, w):
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} {self.get_config()}>"


def _norms(w, axis):
    return m.sqrt(r.reduce_sum(m.square(w), axis=axis, keepdims=True))


class MaxNorm(Constraint):
    """Caps the L2 norm of each weight vector along ``axis`` at ``max_value``.

    Formula:
        n = ||w|| along axis;   w = w * clip(n, 0, max_value) / (epsilon + n)

    Args:
        max_value: the largest norm allowed (default 2).
        axis: axis (or axes) along which norms are taken (default 0: per output unit of
            a Dense kernel ``(in, out)``).
    """

    def __init__(self, max_value=2, axis=0):
        self.max_value, self.axis = max_value, axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = m.clip_by_value(norms, 0.0, float(self.max_value))
        return w * (desired / (norms + EPSILON))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Sets negative weights to zero.

    Formula:
        w = w * (w >= 0)
    """

    def __call__(self, w):
        return w * m.cast(w >= 0.0, w.dtype)


class UnitNorm(Constraint):
    """Scales each weight vector along ``axis`` to unit L2 norm.

    Formula:
        w = w / (epsilon + ||w|| along axis)
    """

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        return w / (_norms(w, self.axis) + EPSILON)

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Keeps each weight vector's L2 norm between ``min_value`` and ``max_value``.

    Formula:
        n = ||w||;  d = rate * clip(n, min_value, max_value) + (1 - rate) * n
        w = w * d / (epsilon + n)
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = (m.clip_by_value(norms, float(self.min_value), float(self.max_value))
                   * self.rate + norms * (1 - self.rate))
        return w * (desired / (norms + EPSILON))

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": self.axis}


max_norm, non_neg, unit_norm, min_max_norm = MaxNorm, NonNeg, UnitNorm, MinMaxNorm

ALL_OBJECTS_DICT = {cls.__name__: cls for cls in (Constraint, MaxNorm, NonNeg, UnitNorm,
                                                   MinMaxNorm)}
ALL_OBJECTS_DICT.update({"max_norm": MaxNorm, "non_neg": NonNeg, "unit_norm": UnitNorm,
                         "min_max_norm": MinMaxNorm})


def serialize(constraint):
    """The constraint as Keras's config dict."""
    return _objects.serialize(constraint, "keras.constraints")


def deserialize(config, custom_objects=None):
    """The constraint a config dict (or name) describes."""
    return _objects.deserialize_instance(config, ALL_OBJECTS_DICT, "constraint", custom_objects)


def get(identifier):
    """A constraint from a name (``'max_norm'``), a config dict, an instance or a callable.

    Raises:
        ValueError: for an unknown name (the message lists the valid names).
    """
    return _objects.get(identifier, ALL_OBJECTS_DICT, "constraint")
