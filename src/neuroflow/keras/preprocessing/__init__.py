"""``nf.keras.preprocessing``: Keras's ``sequence`` and ``image`` helpers and
``timeseries_dataset_from_array``."""

from ..utils.timeseries_dataset import timeseries_dataset_from_array
from . import image, sequence

__all__ = ["image", "sequence", "timeseries_dataset_from_array"]
