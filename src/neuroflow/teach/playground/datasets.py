"""The playground's data sets: the lecture's XOR, a circle, two Gaussians, two spirals (points
in the plane, labels 0/1) and Fashion-MNIST subsets when its files are on this machine.

Each generator is deterministic per seed; ``make_dataset`` adds the noise and splits the points
into training and test sets. The code the page shows calls ``make_dataset`` too, so a program
copied from the page trains on exactly the points the page drew.
"""

import os

import numpy as np

from ...keras.datasets import fashion_mnist, idx
from ...keras.utils.file_utils import keras_home

__all__ = ["FEATURES", "PLANE_DATASETS", "IMAGE_DATASETS", "available", "features",
           "make_dataset"]

# Name -> (formula shown on the page, function of the columns x1, x2).
FEATURES = {
    "x1": ("x1", lambda x1, x2: x1), "x2": ("x2", lambda x1, x2: x2),
    "x1^2": ("x1 ** 2", lambda x1, x2: x1 * x1), "x2^2": ("x2 ** 2", lambda x1, x2: x2 * x2),
    "x1*x2": ("x1 * x2", lambda x1, x2: x1 * x2),
    "sin(x1)": ("np.sin(x1)", lambda x1, x2: np.sin(x1)),
    "sin(x2)": ("np.sin(x2)", lambda x1, x2: np.sin(x2)),
}
PLANE_DATASETS = ("xor4", "xor", "circle", "gaussians", "spirals")
IMAGE_DATASETS = ("fashion2", "fashion10")
FASHION_PAIR = (0, 1)   # T-shirt/top against Trouser


def features(x, names):
    """The feature columns ``names`` (keys of ``FEATURES``) of points ``x`` (n, 2), float32."""
    x1, x2 = x[:, 0], x[:, 1]
    return np.stack([FEATURES[n][1](x1, x2) for n in names], axis=1).astype(np.float32)


def _xor4(rng, n):
    """The lecture's four points (0,0), (0,1), (1,0), (1,1) with labels 0, 1, 1, 0."""
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    return x, np.array([0, 1, 1, 0])


def _xor(rng, n):
    x = rng.uniform(-5, 5, (n, 2))
    x += np.sign(x) * 0.3   # a margin around the axes, as in the lecture's picture
    return x, ((x[:, 0] > 0) != (x[:, 1] > 0)).astype(np.int64)


def _circle(rng, n):
    r = np.concatenate([rng.uniform(0, 2.5, n // 2), rng.uniform(3.5, 5, n - n // 2)])
    angle = rng.uniform(0, 2 * np.pi, n)
    x = np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1)
    return x, (r < 3).astype(np.int64)


def _gaussians(rng, n):
    y = (np.arange(n) % 2).astype(np.int64)
    centre = np.where(y[:, None] == 1, 2.0, -2.0)
    return centre + rng.normal(0, 1.0, (n, 2)), y


def _spirals(rng, n):
    y = (np.arange(n) % 2).astype(np.int64)
    t = rng.uniform(0, 1, n)
    r, angle = 5 * t, 1.75 * t * 2 * np.pi + np.pi * y
    return np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1), y


_GENERATORS = {"xor4": _xor4, "xor": _xor, "circle": _circle, "gaussians": _gaussians,
               "spirals": _spirals}
EXTENT = {"xor4": (-0.5, 1.5)}   # the plane shown; (-6, 6) for the others


def extent(name):
    """(low, high) of both axes of the plane drawn for data set ``name``."""
    return EXTENT.get(name, (-6.0, 6.0))


def _fashion_paths():
    """The four Fashion-MNIST files in the Keras cache or a local folder, else None."""
    dirs = [os.path.join(keras_home(), "datasets", "fashion-mnist")]
    dirs += idx.search_dirs("fashion-mnist", "/usr/share/datasets/fashion-mnist")
    paths = [idx.find_file(stem, dirs) for stem in fashion_mnist.FILES]
    return None if None in paths else paths


def available():
    """The data set names this machine can make (Fashion-MNIST only when its files exist)."""
    return PLANE_DATASETS + (IMAGE_DATASETS if _fashion_paths() else ())


def _fashion(name, n, rng):
    paths = _fashion_paths()
    if paths is None:
        raise FileNotFoundError("Fashion-MNIST files are not on this machine "
                                "(apt-get install dataset-fashion-mnist)")
    (x, y), _ = idx.idx_arrays("fashion-mnist", paths)
    keep = np.isin(y, FASHION_PAIR) if name == "fashion2" else np.ones(len(y), bool)
    chosen = rng.permutation(np.flatnonzero(keep))[:n]
    x = x[chosen].reshape(len(chosen), 784).astype(np.float32) / 255.0
    y = y[chosen].astype(np.int64)
    return x, (y == FASHION_PAIR[1]).astype(np.int64) if name == "fashion2" else y


def make_dataset(name, n=400, noise=0.0, train_fraction=0.5, seed=0):
    """``((x_train, y_train), (x_test, y_test))`` of data set ``name``.

    Args:
        name: one of ``PLANE_DATASETS`` or ``IMAGE_DATASETS``.
        n: number of points (images for Fashion-MNIST; the XOR table always has 4).
        noise: standard deviation of Gaussian noise added to each coordinate, as a fraction of
            the plane's half width (0 to 0.5; images get none).
        train_fraction: share of the points used for training (the XOR table trains and tests
            on its four points).
        seed: the seed of everything random here.

    Returns:
        float32 points (n, 2) or images (n, 784) in [0, 1], int64 labels (n,).
    """
    rng = np.random.default_rng(seed)
    if name in IMAGE_DATASETS:
        x, y = _fashion(name, n, rng)
    elif name in _GENERATORS:
        x, y = _GENERATORS[name](rng, n)
        low, high = extent(name)
        x = x + rng.normal(0, noise * (high - low) / 2, x.shape)
        x = x.astype(np.float32)
    else:
        raise ValueError(f"unknown data set {name!r}; choose one of "
                         f"{', '.join(PLANE_DATASETS + IMAGE_DATASETS)}")
    if name == "xor4":
        return (x, y), (x.copy(), y.copy())
    order = rng.permutation(len(x))
    n_train = min(max(1, int(round(len(x) * train_fraction))), len(x) - 1)
    train, test = order[:n_train], order[n_train:]
    return (x[train], y[train]), (x[test], y[test])
