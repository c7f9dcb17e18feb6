"""``nf.keras``: Keras 3's API (layers, models, training, optimizers, losses, metrics, ...).

Submodules load on first use so ``import neuroflow`` stays fast.
"""

import importlib as _importlib

_SUBMODULES = ("activations", "applications", "backend", "callbacks", "constraints",
               "datasets", "initializers", "layers", "losses", "metrics", "models",
               "optimizers", "preprocessing", "random", "regularizers", "saving", "utils")
# Top-level names: name -> submodule that defines it.
_TOP = {"Sequential": "models", "Model": "models", "Input": "layers", "Layer": "layers",
        "InputSpec": "layers", "Variable": "backend", "KerasTensor": "layers"}


def __getattr__(name):
    if name in _SUBMODULES:
        module = _importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    if name in _TOP:
        value = getattr(__getattr__(_TOP[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'neuroflow.keras' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_SUBMODULES) + list(_TOP))
