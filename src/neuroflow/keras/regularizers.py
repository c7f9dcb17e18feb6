"""``nf.keras.regularizers``: weight penalties added to the training loss.

A regularizer is called on a weight tensor and returns a scalar loss; layers collect these
into ``model.losses``, which the trainer adds to the loss it minimizes.
"""

from ..core.ops import math as m
from ..core.ops import reduce as r
from ..core.ops.linalg import matmul
from ..core.ops.shape import transpose
from ..core.ops.creation import eye
from . import _objects

__all__ = ["Regularizer", "L1", "L2", "L1L2", "OrthogonalRegularizer", "l1", "l2", "l1_l2",
           "orthogonal_regularizer", "get", "serialize", "deserialize"]


def _check(value, name):
    if value is None:
        raise ValueError(f"Argument `{name}` must be specified.")
    value = float(value)
    if value < 0:
        raise ValueError(f"Argument `{name}` must be a non-negative float. Received: "
                         f"{name}={value}")
    return value


class Regularizer:
    """Base class: ``__call__(x)`` returns the penalty; ``get_config`` round-trips."""

    def __call__(self, x):
        return 0.0

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} {self.get_config()}>"


class L1(Regularizer):
    """L1 penalty.

    Formula:
        loss = l1 * sum(abs(x))          (l1 default 0.01)
    """

    def __init__(self, l1=0.01):
        self.l1 = _check(l1, "l1")

    def __call__(self, x):
        return r.reduce_sum(m.abs(x)) * self.l1

    def get_config(self):
        return {"l1": self.l1}


class L2(Regularizer):
    """L2 penalty (weight decay added to the loss).

    Formula:
        loss = l2 * sum(square(x))       (l2 default 0.01)

    Example:
        >>> float(nf.keras.regularizers.L2(0.1)(nf.constant([1.0, 2.0])))
        0.5
    """

    def __init__(self, l2=0.01):
        self.l2 = _check(l2, "l2")

    def __call__(self, x):
        return r.reduce_sum(m.square(x)) * self.l2

    def get_config(self):
        return {"l2": self.l2}


class L1L2(Regularizer):
    """L1 and L2 penalties together.

    Formula:
        loss = l1 * sum(abs(x)) + l2 * sum(square(x))     (both default 0.0)
    """

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _check(0.0 if l1 is None else l1, "l1")
        self.l2 = _check(0.0 if l2 is None else l2, "l2")

    def __call__(self, x):
        loss = m.zeros_like(r.reduce_sum(x))
        if self.l1:
            loss = loss + r.reduce_sum(m.abs(x)) * self.l1
        if self.l2:
            loss = loss + r.reduce_sum(m.square(x)) * self.l2
        return loss

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Encourages the rows (or columns) of a 2-D kernel to be orthonormal.

    Formula:
        v = l2-normalized rows (mode='rows') or columns (mode='columns') of x
        loss = factor * sum(abs(v v^T - I)) / (n (n - 1)),  n = number of vectors
    """

    def __init__(self, factor=0.01, mode="rows"):
        self.factor = _check(factor, "factor")
        if mode not in {"rows", "columns"}:
            raise ValueError("Invalid value for argument `mode`. Expected one of {'rows', "
                             f"'columns'}}. Received: mode={mode}")
        self.mode = mode

    def __call__(self, x):
        if x.ndim != 2:
            raise ValueError("Inputs to OrthogonalRegularizer must have rank 2. Received: "
                             f"inputs.shape={x.shape}")
        if self.mode == "columns":
            x = transpose(x)
        x = x * m.rsqrt(m.maximum(r.reduce_sum(m.square(x), axis=1, keepdims=True), 1e-12))
        n = x.shape[0]
        product = matmul(x, transpose(x))
        off_diagonal = m.abs(product - eye(n, dtype=x.dtype))
        return r.reduce_sum(off_diagonal) * (self.factor / (n * (n - 1)))

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


l1, l2, l1_l2, orthogonal_regularizer = L1, L2, L1L2, OrthogonalRegularizer

ALL_OBJECTS_DICT = {cls.__name__: cls for cls in (Regularizer, L1, L2, L1L2,
                                                   OrthogonalRegularizer)}
ALL_OBJECTS_DICT.update({"l1": L1, "l2": L2, "l1_l2": L1L2,
                         "orthogonal_regularizer": OrthogonalRegularizer})


def serialize(regularizer):
    """The regularizer as Keras's config dict."""
    return _objects.serialize(regularizer, "keras.regularizers")


def deserialize(config, custom_objects=None):
    """The regularizer a config dict (or name) describes."""
    return _objects.deserialize_instance(config, ALL_OBJECTS_DICT, "regularizer", custom_objects)


def get(identifier):
    """A regularizer from a name (``'l2'``), a config dict, an instance or a callable.

    Raises:
        ValueError: for an unknown name (the message lists the valid names).
    """
    return _objects.get(identifier, ALL_OBJECTS_DICT, "regularizer")
