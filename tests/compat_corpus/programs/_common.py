"""Helpers the corpus programs share: equal deterministic weights and data under any framework."""

import numpy as np


def seeded_weights(model, seed=0):
    """Sets every weight of ``model`` from one NumPy generator, by the shapes Keras reports
    (kernels ~ N(0, 1/fan_in), vectors uniform in [0.05, 0.2], positive as BatchNormalization
    variances must be), so TF and neuroflow start equal."""
    rng = np.random.default_rng(seed)
    values = []
    for w in model.get_weights():
        shape = np.shape(w)
        if len(shape) >= 2:
            fan_in = int(np.prod(shape[:-1]))
            values.append((rng.standard_normal(shape) / np.sqrt(fan_in)).astype(np.float32))
        else:
            values.append(rng.uniform(0.05, 0.2, shape).astype(np.float32))  # > 0: variances
    model.set_weights(values)


def rounded(x, digits=6):
    """``x`` (tensor, array or number) as nested Python floats rounded to ``digits``."""
    a = np.asarray(x, dtype=np.float64)
    return np.round(a, digits).tolist()
