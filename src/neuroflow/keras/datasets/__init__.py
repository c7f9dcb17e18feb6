"""``nf.keras.datasets``: Fashion-MNIST and MNIST read from local IDX files."""

from . import fashion_mnist, mnist

__all__ = ["fashion_mnist", "mnist"]
