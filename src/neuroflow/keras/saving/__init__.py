"""``nf.keras.saving``: ``.keras`` model files and ``.weights.h5``/``.safetensors`` weights.

Names load on first use. The registry of classes a saved file may name is
``nf.keras.layers.serialization`` (re-exported here: ``register_keras_serializable``, ...);
asking for ``load_model`` loads ``nf.keras.models`` first so its classes are registered.
"""

import importlib as _importlib

_EXPORTS = {
    "save_model": "saving_lib", "load_model": "saving_lib", "save_weights": "saving_lib",
    "load_weights": "saving_lib", "serialize_keras_object": "saving_lib",
    "deserialize_keras_object": "saving_lib",
}
_REGISTRY = ("register_keras_serializable", "get_registered_object", "get_registered_name")
_SCOPE = ("custom_object_scope", "CustomObjectScope", "get_custom_objects")
_SUBMODULES = ("saving_lib", "weights_store", "atomic")

__all__ = list(_EXPORTS) + list(_REGISTRY) + list(_SCOPE)


def __getattr__(name):
    if name in _SCOPE:
        objects = _importlib.import_module(".._objects", __name__)
        value = getattr(objects, "custom_object_scope" if name == "CustomObjectScope" else name)
        globals()[name] = value
        return value
    if name in _REGISTRY:
        value = getattr(_importlib.import_module("..layers.serialization", __name__), name)
        globals()[name] = value
        return value
    if name == "load_model":
        _importlib.import_module("..models", __name__)   # registers the model classes
    if name in _SUBMODULES:
        module = _importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    if name in _EXPORTS:
        value = getattr(__getattr__(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'neuroflow.keras.saving' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + __all__ + list(_SUBMODULES))
