"""``nf.keras.utils``: ``to_categorical``, ``normalize``, ``set_random_seed``, ``Progbar``,
``plot_model``, ``split_dataset``, ``PyDataset``, ``get_file``, ``pad_sequences``, image
arrays, ``timeseries_dataset_from_array``, custom-object scopes."""

from .._objects import custom_object_scope, get_custom_objects
from ..layers.serialization import register_keras_serializable
from .dataset_utils import split_dataset
from .file_utils import get_file, validate_file
from .image_utils import array_to_img, img_to_array, load_img, save_img
from .numerical import normalize, to_categorical
from .plotting import model_to_dot, plot_model
from .progbar import Progbar
from .py_dataset import PyDataset, Sequence
from .seeding import set_random_seed
from .sequence_utils import pad_sequences
from .timeseries_dataset import timeseries_dataset_from_array

__all__ = ["Progbar", "PyDataset", "Sequence", "array_to_img", "custom_object_scope",
           "get_custom_objects", "get_file", "img_to_array", "load_img", "model_to_dot",
           "normalize", "pad_sequences", "plot_model", "register_keras_serializable",
           "save_img", "set_random_seed", "split_dataset", "timeseries_dataset_from_array",
           "to_categorical", "validate_file"]
