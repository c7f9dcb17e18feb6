"""Data for the demos: Fashion-MNIST (Keras download/cache, else local files), else a
generated stand-in with a clear notice."""

import numpy as np

from ..keras.datasets import fashion_mnist

CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot"]


def synthetic_images(n_train=6000, n_test=1000, seed=0):
    """A generated 10-class, 28x28 uint8 image set shaped like Fashion-MNIST.

    Each class is a smooth random prototype; samples are shifted, scaled and noisy copies,
    so a small MLP learns it to roughly Fashion-MNIST-like accuracy. Deterministic per seed.
    """
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:28, 0:28] / 27.0
    prototypes = []
    for _ in range(10):
        image = np.zeros((28, 28))
        for _ in range(4):  # a few soft blobs and stripes per class
            cx, cy, s = rng.uniform(0.2, 0.8, 2).tolist() + [rng.uniform(0.08, 0.25)]
            image += np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * s * s))
        image += 0.5 * np.sin(2 * np.pi * rng.uniform(1, 3) * (xx * rng.uniform(-1, 1) + yy))
        prototypes.append((image - image.min()) / (image.max() - image.min()))
    prototypes = np.array(prototypes)

    def sample(n):
        labels = rng.integers(0, 10, n)
        images = prototypes[labels]
        shifts = rng.integers(-2, 3, (n, 2))
        images = np.array([np.roll(img, tuple(s), axis=(0, 1)) for img, s in zip(images, shifts)])
        images = images * rng.uniform(0.7, 1.0, (n, 1, 1)) + rng.normal(0, 0.25, images.shape)
        return (np.clip(images, 0, 1) * 255).astype(np.uint8), labels.astype(np.uint8)

    return sample(n_train), sample(n_test)


def load(limit=None, echo=print):
    """((x_train, y_train), (x_test, y_test), source): Fashion-MNIST or the generated stand-in."""
    try:
        (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
        source = "Fashion-MNIST"
    except (ImportError, OSError, ValueError) as error:
        echo(f"Fashion-MNIST is not available ({str(error).splitlines()[0][:300]}).\n"
             "Using a generated 10-class image set instead: the numbers below are not "
             "Fashion-MNIST's. To get the real data, go online (it is downloaded once to "
             "~/.keras/datasets) or `apt-get install dataset-fashion-mnist`.")
        (x_train, y_train), (x_test, y_test) = synthetic_images()
        source = "generated images"
    if limit is not None:
        x_train, y_train = x_train[:limit], y_train[:limit]
        x_test, y_test = x_test[:max(limit // 5, 100)], y_test[:max(limit // 5, 100)]
    return (x_train, y_train), (x_test, y_test), source
