"""The global random state behind ``nf.random.*`` and the initializers."""

import numpy as np

_DEFAULT_SEED = None
_generator = np.random.default_rng()
_op_generators = {}


def set_seed(seed):
    """Seeds every random op, so the same seed gives the same numbers on every run."""
    global _generator, _DEFAULT_SEED
    _DEFAULT_SEED = seed
    _op_generators.clear()
    _generator = np.random.default_rng(None if seed is None else int(seed))


def generator(seed=None):
    """The NumPy Generator to draw from: one per op-level ``seed``, else the global one.

    As in TF, an op seed makes a sequence of calls reproducible, not every call identical.
    """
    if seed is None:
        return _generator
    rng = _op_generators.get(seed)
    if rng is None:
        base = 0 if _DEFAULT_SEED is None else int(_DEFAULT_SEED)
        rng = _op_generators[seed] = np.random.default_rng([int(seed), base])
    return rng


def get_seed():
    """The seed last given to ``set_seed`` (None if never set)."""
    return _DEFAULT_SEED
