"""``split_dataset``: two ``nf.data.Dataset`` halves from arrays or an unbatched dataset."""

import math

import numpy as np

from ...data import Dataset

__all__ = ["split_dataset"]


def _size(value, total, name):
    if value is None:
        return None
    if isinstance(value, float):
        if not 0 < value < 1:
            raise ValueError(f"`{name}` as a float must be in (0, 1), got {value}")
        return value
    if isinstance(value, int) and 0 < value < total:
        return value
    raise ValueError(f"`{name}` must be a float in (0, 1) or an int in (0, {total}), got "
                     f"{value!r}")


def _counts(total, left_size, right_size):
    left = _size(left_size, total, "left_size")
    right = _size(right_size, total, "right_size")
    if left is None and right is None:
        left = 0.5
    if isinstance(left, float):
        left = round(left * total)
    if isinstance(right, float):
        right = math.floor(right * total)
    if left is None:
        left = total - right
    if right is None:
        right = total - left
    if left + right > total or left == 0 or right == 0:
        raise ValueError(f"The sizes {left} + {right} do not split {total} samples into two "
                         "non-empty parts")
    return left, right


def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None):
    """Splits arrays (or a tuple/dict of them) or an unbatched ``Dataset`` in two datasets.

    Args:
        dataset: NumPy array, tuple/list/dict of arrays, or an unbatched ``nf.data.Dataset``.
        left_size, right_size: a fraction (float in (0, 1)) or a number of samples; when one is
            missing it is the rest; both missing means half and half.
        shuffle: shuffle the samples before splitting.
        seed: seed of that shuffle.

    Returns:
        ``(left_dataset, right_dataset)``.

    Example:
        >>> train, val = nf.keras.utils.split_dataset((x, y), left_size=0.8)
    """
    if isinstance(dataset, Dataset):
        elements = list(dataset.as_numpy_iterator())
        if not elements:
            raise ValueError("Cannot split an empty dataset")
        first = elements[0]
        if isinstance(first, tuple):
            arrays = tuple(np.stack([e[i] for e in elements]) for i in range(len(first)))
        elif isinstance(first, dict):
            arrays = {k: np.stack([e[k] for e in elements]) for k in first}
        else:
            arrays = np.stack(elements)
    else:
        arrays = tuple(dataset) if isinstance(dataset, list) else dataset
    leaves = list(arrays.values()) if isinstance(arrays, dict) else (
        list(arrays) if isinstance(arrays, tuple) else [arrays])
    total = len(leaves[0])
    left, right = _counts(total, left_size, right_size)
    order = np.random.default_rng(seed).permutation(total) if shuffle else np.arange(total)

    def take(index):
        pick = (lambda a: np.asarray(a)[index])
        if isinstance(arrays, dict):
            return {k: pick(v) for k, v in arrays.items()}
        if isinstance(arrays, tuple):
            return tuple(pick(v) for v in arrays)
        return pick(arrays)
    return (Dataset.from_tensor_slices(take(order[:left])),
            Dataset.from_tensor_slices(take(order[total - right:])))
