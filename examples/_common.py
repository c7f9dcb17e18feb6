"""Shared by the examples: data (Fashion-MNIST or a generated stand-in) and a --quick flag."""

import argparse

import numpy as np

from neuroflow.teach.data import load


def args(description):
    """Parses --quick (a few hundred samples, one epoch) and --epochs."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="tiny run for tests")
    parser.add_argument("--epochs", type=int, default=None)
    return parser.parse_args()


def data(quick, flat=True):
    """Normalized float32 images (flattened to 784 or 28x28x1) and integer labels."""
    (x_train, y_train), (x_test, y_test), _ = load(limit=600 if quick else None)
    shape = (-1, 784) if flat else (-1, 28, 28, 1)
    x_train = x_train.reshape(shape).astype(np.float32) / 255.0
    x_test = x_test.reshape(shape).astype(np.float32) / 255.0
    return (x_train, y_train.astype(np.int64)), (x_test, y_test.astype(np.int64))
