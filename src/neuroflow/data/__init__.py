"""``nf.data``: ``tf.data``'s input pipelines (``Dataset``, ``AUTOTUNE``)."""

from . import experimental
from .dataset import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset

__all__ = [
           "AUTOTUNE",
           "INFINITE_CARDINALITY",
           "UNKNOWN_CARDINALITY",
           "Dataset",
           "experimental",
]
