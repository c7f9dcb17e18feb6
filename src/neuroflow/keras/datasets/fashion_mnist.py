"""Fashion-MNIST: 70,000 28x28 grayscale images of 10 kinds of clothing."""

from .idx import load_idx_dataset

__all__ = ["load_data"]

FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
         "t10k-labels-idx1-ubyte")


def load_data():
    """Loads Fashion-MNIST from local IDX files (no download).

    Searched, in order: ``$NEUROFLOW_DATA/fashion-mnist/``, ``~/.neuroflow/datasets/
    fashion-mnist/`` and ``/usr/share/datasets/fashion-mnist/`` (Debian's
    ``dataset-fashion-mnist`` package).

    Returns:
        ``((x_train, y_train), (x_test, y_test))``: uint8 images (60000, 28, 28) and
        (10000, 28, 28), uint8 labels 0-9 (T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal,
        Shirt, Sneaker, Bag, Ankle boot).

    Example:
        >>> (x_train, y_train), (x_test, y_test) = nf.keras.datasets.fashion_mnist.load_data()
    """
    return load_idx_dataset("fashion-mnist", "/usr/share/datasets/fashion-mnist", FILES,
                            "\nOn Debian/Ubuntu: apt-get install dataset-fashion-mnist")
