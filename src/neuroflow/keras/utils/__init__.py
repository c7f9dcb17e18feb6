"""``nf.keras.utils``: ``to_categorical``, ``normalize``, ``set_random_seed``, ``Progbar``,
``plot_model``, ``split_dataset``, ``PyDataset``, ``get_file``."""

from .dataset_utils import split_dataset
from .file_utils import get_file, validate_file
from .numerical import normalize, to_categorical
from .plotting import model_to_dot, plot_model
from .progbar import Progbar
from .py_dataset import PyDataset, Sequence
from .seeding import set_random_seed

__all__ = ["Progbar", "PyDataset", "Sequence", "model_to_dot", "normalize", "plot_model",
           "set_random_seed", "split_dataset", "to_categorical", "get_file", "validate_file"]
