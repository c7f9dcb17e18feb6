"""MNIST: 70,000 28x28 grayscale images of handwritten digits."""

from .idx import load_idx_dataset

__all__ = ["load_data"]

FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
         "t10k-labels-idx1-ubyte")


def load_data(path="mnist.npz"):
    """Loads MNIST from local IDX files (no download).

    Searched, in order: ``$NEUROFLOW_DATA/mnist/``, ``~/.neuroflow/datasets/mnist/`` and
    ``/usr/share/datasets/mnist/``. ``path`` is accepted for Keras compatibility.

    Returns:
        ``((x_train, y_train), (x_test, y_test))``: uint8 images (60000, 28, 28) and
        (10000, 28, 28), uint8 labels 0-9.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = nf.keras.datasets.mnist.load_data()
    """
    return load_idx_dataset("mnist", "/usr/share/datasets/mnist", FILES, "")
