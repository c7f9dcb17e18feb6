"""Array helpers: ``to_categorical`` and ``normalize``."""

import numpy as np

__all__ = ["normalize", "to_categorical"]


def to_categorical(x, num_classes=None):
    """Converts class indices to one-hot rows (float32), as ``keras.utils.to_categorical``.

    Args:
        x: integer class labels (any shape; a trailing axis of size 1 is dropped).
        num_classes: number of classes (default: ``max(x) + 1``).

    Returns:
        A float32 array of shape ``x.shape + (num_classes,)``.

    Example:
        >>> nf.keras.utils.to_categorical([0, 2], num_classes=3)
        array([[1., 0., 0.],
               [0., 0., 1.]], dtype=float32)
    """
    x = np.asarray(x.numpy() if hasattr(x, "numpy") else x, dtype="int64")
    shape = x.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    x = x.reshape(-1)
    if num_classes is None:
        num_classes = int(np.max(x)) + 1 if x.size else 0
    if x.size and (x.min() < 0 or x.max() >= num_classes):
        raise ValueError(f"to_categorical: labels must be in [0, {num_classes}), got values in "
                         f"[{x.min()}, {x.max()}]")
    out = np.zeros((x.shape[0], num_classes), dtype="float32")
    out[np.arange(x.shape[0]), x] = 1.0
    return out.reshape(shape + (num_classes,))


def normalize(x, axis=-1, order=2):
    """Scales ``x`` to unit ``order``-norm along ``axis`` (zero rows stay zero).

    Example:
        >>> nf.keras.utils.normalize([[3.0, 4.0]])
        array([[0.6, 0.8]])
    """
    x = np.asarray(x.numpy() if hasattr(x, "numpy") else x)
    norm = np.atleast_1d(np.linalg.norm(x, order, axis))
    norm[norm == 0] = 1
    return x / np.expand_dims(norm, axis)
