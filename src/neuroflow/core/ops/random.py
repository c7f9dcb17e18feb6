"""Random ops: normal, uniform, truncated_normal, shuffle, categorical (stateful, seeded)."""

from ...backend import random as _random

__all__ = ["set_seed"]


def set_seed(seed):
    """Sets the global seed: the same seed gives the same random numbers on every run."""
    _random.set_seed(seed)
