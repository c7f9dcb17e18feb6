"""Fashion-MNIST: 70,000 28x28 grayscale images of 10 kinds of clothing."""

import os

from ._fetch import KERAS_ORIGIN, download_or_local, get_file
from .idx import idx_arrays, load_idx_dataset

__all__ = ["load_data"]

FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
         "t10k-labels-idx1-ubyte")


def _download():
    paths = [get_file(f + ".gz", origin=KERAS_ORIGIN + f + ".gz",
                      cache_subdir=os.path.join("datasets", "fashion-mnist")) for f in FILES]
    return idx_arrays("fashion-mnist", paths)


def load_data():
    """Loads Fashion-MNIST: Keras's download and cache first, then local IDX files.

    First ``~/.keras/datasets/fashion-mnist/`` (``$KERAS_HOME`` replaces ``~/.keras``), downloaded
    there from Keras's origin when missing; when that fails (offline), the local folders
    ``$NEUROFLOW_DATA/fashion-mnist/``, ``~/.neuroflow/datasets/fashion-mnist/`` and
    ``/usr/share/datasets/fashion-mnist/`` (Debian's ``dataset-fashion-mnist`` package).

    Returns:
        ``((x_train, y_train), (x_test, y_test))``: uint8 images (60000, 28, 28) and
        (10000, 28, 28), uint8 labels 0-9 (T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal,
        Shirt, Sneaker, Bag, Ankle boot).

    Raises:
        FileNotFoundError: neither downloaded nor found locally (the message says both why).

    Example:
        >>> (x_train, y_train), (x_test, y_test) = nf.keras.datasets.fashion_mnist.load_data()
    """
    return download_or_local("fashion-mnist", _download, lambda: load_idx_dataset(
        "fashion-mnist", "/usr/share/datasets/fashion-mnist", FILES,
        "\nOn Debian/Ubuntu: apt-get install dataset-fashion-mnist"))
