"""``set_random_seed``: one call seeds Python, NumPy and neuroflow."""

import random

import numpy as np

from ...backend import random as nf_random

__all__ = ["set_random_seed"]


def set_random_seed(seed):
    """Seeds Python's ``random``, NumPy's global generator and ``nf.random``.

    Args:
        seed: a non-negative integer.

    Example:
        >>> nf.keras.utils.set_random_seed(42)
    """
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise ValueError(  # noqa: TRY004 (Keras's error type)
            f"Expected `seed` argument to be an integer. Received: seed={seed} "
                         f"(of type {type(seed)})")
    random.seed(int(seed))
    np.random.seed(int(seed))
    nf_random.set_seed(int(seed))
