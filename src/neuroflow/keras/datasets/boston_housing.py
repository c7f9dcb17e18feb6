"""Boston Housing: 506 houses, 13 features each, the median price as target (regression)."""

import os

import numpy as np

from ._fetch import KERAS_ORIGIN, download_or_local, get_file
from .idx import find_file, search_dirs

__all__ = ["load_data"]

SHA256 = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def _local(path):
    dirs = search_dirs("boston_housing", None)
    found = find_file(os.path.basename(path), dirs)
    if found is None:
        raise FileNotFoundError(f"boston_housing: cannot find {os.path.basename(path)} in "
                                + ", ".join(dirs))
    return found


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """Loads the Boston Housing data set, shuffled with ``seed`` and split as Keras does.

    The file comes from the Keras cache ``~/.keras/datasets/<path>`` (downloaded when missing,
    SHA-256 checked), else from ``$NEUROFLOW_DATA/boston_housing/`` or
    ``~/.neuroflow/datasets/boston_housing/``.

    Args:
        path: the file name in the cache.
        test_split: fraction of the samples kept for the test set, in [0, 1).
        seed: seed of the shuffle before the split.

    Returns:
        ``((x_train, y_train), (x_test, y_test))``: float64 features (n, 13), prices (n,).

    Example:
        >>> (x_train, y_train), (x_test, y_test) = nf.keras.datasets.boston_housing.load_data()
    """
    if not 0 <= test_split < 1:
        raise ValueError(f"`test_split` must be between 0 and 1 (exclusive of 1). "
                         f"Received: test_split={test_split}")
    file = download_or_local("boston_housing", lambda: get_file(
        path, origin=KERAS_ORIGIN + "boston_housing.npz", file_hash=SHA256), lambda: _local(path))
    with np.load(file, allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    order = np.arange(len(x))
    np.random.RandomState(seed).shuffle(order)
    x, y = x[order], y[order]
    n_train = int(len(x) * (1 - test_split))
    return (x[:n_train].copy(), y[:n_train].copy()), (x[n_train:].copy(), y[n_train:].copy())
