"""``nf.keras.datasets``: Keras's data sets, downloaded and cached as Keras does (``get_file``),
or read from local files when offline."""

from . import boston_housing, fashion_mnist, mnist

__all__ = ["boston_housing", "fashion_mnist", "mnist"]
