"""MNIST: 70,000 28x28 grayscale images of handwritten digits."""

import numpy as np

from ._fetch import KERAS_ORIGIN, download_or_local, get_file
from .idx import load_idx_dataset

__all__ = ["load_data"]

FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
         "t10k-labels-idx1-ubyte")
SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def _download(path):
    with np.load(get_file(path, origin=KERAS_ORIGIN + "mnist.npz", file_hash=SHA256),
                 allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])


def load_data(path="mnist.npz"):
    """Loads MNIST: Keras's download and cache first, then local IDX files.

    First ``~/.keras/datasets/<path>`` (downloaded there from Keras's origin, SHA-256
    checked, when missing); when that fails (offline), IDX files in ``$NEUROFLOW_DATA/mnist/``,
    ``~/.neuroflow/datasets/mnist/`` or ``/usr/share/datasets/mnist/``.

    Args:
        path: the file name in the Keras cache.

    Returns:
        ``((x_train, y_train), (x_test, y_test))``: uint8 images (60000, 28, 28) and
        (10000, 28, 28), uint8 labels 0-9.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = nf.keras.datasets.mnist.load_data()
    """
    return download_or_local("mnist", lambda: _download(path), lambda: load_idx_dataset(
        "mnist", "/usr/share/datasets/mnist", FILES, ""))
