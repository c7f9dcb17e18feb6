"""The playground's settings: defaults, limits, and the check that names what is wrong.

A configuration is a plain dict (it travels as JSON from the page). ``validate`` returns a
complete, checked copy or raises ``ValueError`` naming the field, the value and what is allowed.
"""

import math

from .datasets import FEATURES, IMAGE_DATASETS, PLANE_DATASETS

__all__ = ["ACTIVATIONS", "DEFAULTS", "LIMITS", "OPTIMIZERS", "REGULARIZERS", "validate"]

ACTIVATIONS = ("sigmoid", "tanh", "relu", "linear")
OPTIMIZERS = ("SGD", "Momentum", "Nesterov", "Adagrad", "RMSprop", "Adam")
REGULARIZERS = ("none", "L1", "L2")
LIMITS = {"max_layers": 6, "max_units": 8, "max_samples": 2000, "max_batch_size": 500}

DEFAULTS = {
    "dataset": "xor", "samples": 400, "noise": 0.0, "train_fraction": 0.5, "batch_size": 10,
    "features": ["x1", "x2"], "hidden": [8, 4], "activation": "tanh",
    "regularization": "none", "regularization_rate": 0.001, "optimizer": "Adam",
    "learning_rate": 0.01, "seed": 0,
}


def _number(config, key, low, high, kind=float):
    value = config[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (
            kind is int and not float(value).is_integer()) or not math.isfinite(value):
        raise ValueError(f"{key} must be a{'n integer' if kind is int else ' number'}, "
                         f"got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{key} must be between {low} and {high}, got {value}")
    return kind(value)


def _choice(config, key, allowed):
    if config[key] not in allowed:
        raise ValueError(f"unknown {key} {config[key]!r}; choose one of {', '.join(allowed)}")
    return config[key]


def _hidden(value):
    if not isinstance(value, (list, tuple)) or not value:
        raise ValueError("hidden must list the units of 1 to "
                         f"{LIMITS['max_layers']} hidden layers, got {value!r} (0 layers: a "
                         "network needs at least one hidden layer here)")
    if len(value) > LIMITS["max_layers"]:
        raise ValueError(f"at most {LIMITS['max_layers']} hidden layers, got {len(value)}")
    for i, units in enumerate(value):
        if isinstance(units, bool) or not isinstance(units, int) or not (
                1 <= units <= LIMITS["max_units"]):
            raise ValueError(f"hidden layer {i + 1} must have 1 to {LIMITS['max_units']} units, "
                             f"got {units!r}")
    return list(value)


def validate(config):
    """A complete copy of ``config`` (missing keys take ``DEFAULTS``), checked.

    Raises:
        ValueError: an unknown key, or a value of the wrong type or out of its range; the
            message names the field and what is allowed.
    """
    unknown = sorted(set(config) - set(DEFAULTS))
    if unknown:
        raise ValueError(f"unknown setting(s) {', '.join(unknown)}; known: "
                         f"{', '.join(DEFAULTS)}")
    c = {**DEFAULTS, **config}
    c["dataset"] = _choice(c, "dataset", PLANE_DATASETS + IMAGE_DATASETS)
    c["samples"] = _number(c, "samples", 4, LIMITS["max_samples"], int)
    c["noise"] = _number(c, "noise", 0.0, 0.5)
    c["train_fraction"] = _number(c, "train_fraction", 0.1, 0.9)
    c["batch_size"] = _number(c, "batch_size", 1, LIMITS["max_batch_size"], int)
    c["hidden"] = _hidden(c["hidden"])
    c["activation"] = _choice(c, "activation", ACTIVATIONS)
    c["regularization"] = _choice(c, "regularization", REGULARIZERS)
    c["regularization_rate"] = _number(c, "regularization_rate", 0.0, 10.0)
    c["optimizer"] = _choice(c, "optimizer", OPTIMIZERS)
    c["learning_rate"] = _number(c, "learning_rate", 1e-6, 10.0)
    c["seed"] = _number(c, "seed", 0, 2**31 - 1, int)
    names = c["features"]
    if not isinstance(names, (list, tuple)) or not names or any(n not in FEATURES
                                                                for n in names):
        raise ValueError(f"features must be a non-empty list of {', '.join(FEATURES)}; "
                         f"got {names!r}")
    c["features"] = [n for n in FEATURES if n in names]   # one order, no repeats
    return c
