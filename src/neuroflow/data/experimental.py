"""``nf.data.experimental``: TF's older spellings of the ``nf.data`` constants."""

from .dataset import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY


def cardinality(dataset):
    """The number of elements of ``dataset`` (``INFINITE_CARDINALITY`` or ``UNKNOWN_...``)."""
    return dataset.cardinality()


__all__ = ["AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "cardinality"]
