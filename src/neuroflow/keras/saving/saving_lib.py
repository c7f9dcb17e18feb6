"""``model.save('m.keras')``, ``load_model``, ``save_weights`` and ``load_weights``.

A ``.keras`` file is a zip holding ``config.json`` (the model's ``get_config`` with class
names, its compile and build configs), ``metadata.json`` and ``model.weights.h5`` (Keras's
layout; ``model.weights.safetensors`` when h5py is missing). Nothing in it is code: loading
rebuilds classes from an allow-list (neuroflow's own, as registered in
``layers.serialization``, ``custom_objects``, or classes decorated with
``register_keras_serializable``) and refuses ``Lambda`` layers unless
``safe_mode=False``. Every save writes a temporary file next to the target, fsyncs it and
renames it over the target, so a crash never leaves a half-written file behind.
"""

import datetime
import inspect
import io
import json
import os
import warnings
import zipfile

from .. import (
    _objects,
    activations,
    constraints,
    initializers,
    layers,
    losses,
    metrics,
    optimizers,
    regularizers,
)
from ..layers import serialization
from . import weights_store
from .atomic import atomic_write

__all__ = [
    "deserialize_keras_object",
    "load_model",
    "load_weights",
    "model_from_json",
    "model_to_json",
    "save_model",
    "save_weights",
    "serialize_keras_object",
]

FORMAT_VERSION = "1"
_CONFIG, _METADATA = "config.json", "metadata.json"
_WEIGHTS_H5, _WEIGHTS_ST = "model.weights.h5", "model.weights.safetensors"
# Names that appear in Keras configs but are plain data, not classes.
_STRUCTURAL = {"DTypePolicy", "FloatDTypePolicy", "__tuple__", "__numpy__", "__tensor__",
               "__bytes__", "__typespec__", "__keras_tensor__", "TensorShape", "function",
               "Policy"}
_LAMBDA_NAMES = {"Lambda", "__lambda__"}
_MODULES = (layers, initializers, regularizers, constraints, optimizers, losses, metrics,
            activations)


# -- the allow-list -------------------------------------------------------------------------
def _builtin(name):
    for module in _MODULES:
        public = getattr(module, "__all__", None)
        if public is not None and name not in public:
            continue
        obj = getattr(module, name, None)
        if inspect.isclass(obj) and obj.__module__.startswith("neuroflow."):
            return obj
    return None


def _resolve(name, registered_name, custom_objects):
    """The class (or function) a config names, from the allow-list only; None if unknown."""
    for key in (registered_name, name):
        if key:
            found = serialization.get_registered_object(key, custom_objects)
            if found is not None:
                return found
    return _builtin(name)


def _check_config(config, custom_objects, safe_mode, path="config"):
    """Walks the whole config before building anything: unknown classes and (in safe mode)
    Lambda layers are refused up front."""
    if isinstance(config, list):
        for i, item in enumerate(config):
            _check_config(item, custom_objects, safe_mode, f"{path}[{i}]")
        return
    if not isinstance(config, dict):
        return
    name = config.get("class_name")
    if isinstance(name, str) and "config" in config:
        if name in _LAMBDA_NAMES and safe_mode:
            raise ValueError(
                "Requested the deserialization of a `Lambda` layer whose `function` is a Python "
                "lambda or function, which could run arbitrary code. This is disallowed by "
                "default. If you trust the source of the saved model, you can pass "
                "`safe_mode=False` to `load_model` to allow it.")
        if name not in _STRUCTURAL and name not in _LAMBDA_NAMES and _resolve(
                name, config.get("registered_name"), custom_objects) is None:
            raise ValueError(f"Could not locate class '{name}' (at {path}). Make sure custom "
                             "classes are decorated with "
                             "`@keras.saving.register_keras_serializable()` or passed to "
                             "`load_model(..., custom_objects={...})`. Full object config: "
                             f"{json.dumps(config)[:300]}")
    for key, value in config.items():
        _check_config(value, custom_objects, safe_mode, f"{path}.{key}")


# -- (de)serialization of objects -------------------------------------------------------------
def serialize_keras_object(obj):
    """``obj`` as JSON-friendly data: classes as ``{'module', 'class_name', 'config', ...}``."""
    if obj is None or isinstance(obj, (str, bool, int, float)):
        return obj
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(o) for o in obj]
    if isinstance(obj, dict):
        return {k: serialize_keras_object(v) for k, v in obj.items()}
    if inspect.isfunction(obj) or inspect.isbuiltin(obj):
        return {"module": getattr(obj, "__module__", None), "class_name": "function",
                "config": serialization.get_registered_name(obj),
                "registered_name": serialization.get_registered_name(obj)}
    if hasattr(obj, "get_config"):
        return {"module": type(obj).__module__, "class_name": type(obj).__name__,
                "config": serialize_keras_object(obj.get_config()),
                "registered_name": serialization.get_registered_name(type(obj))}
    if hasattr(obj, "tolist"):
        return obj.tolist()
    raise TypeError(f"Cannot serialize {obj!r} of type {type(obj).__name__}")


def deserialize_keras_object(config, custom_objects=None, safe_mode=True):
    """Rebuilds an object from ``serialize_keras_object``'s data, from the allow-list only."""
    if config is None or isinstance(config, (str, bool, int, float)):
        return config
    if isinstance(config, list):
        return [deserialize_keras_object(c, custom_objects, safe_mode) for c in config]
    if not isinstance(config, dict) or "class_name" not in config:
        return config
    _check_config(config, custom_objects, safe_mode)
    name = config["class_name"]
    if name == "function":
        fn = _resolve(config["config"], config.get("registered_name"), custom_objects)
        if fn is None:
            for module in (activations, losses, metrics):
                fn = getattr(module, config["config"], None)
                if callable(fn):
                    break
        if fn is None:
            raise ValueError(f"Could not locate function '{config['config']}'. Pass it in "
                             "`custom_objects`.")
        return fn
    cls = _resolve(name, config.get("registered_name"), custom_objects)
    obj = serialization.instantiate(cls, config.get("config") or {}, custom_objects, safe_mode)
    build_config = config.get("build_config")
    if build_config and not getattr(obj, "built", True):
        shape = _as_shape(build_config.get("input_shape"))
        if hasattr(obj, "compile") and shape is not None:
            obj.build(shape)     # a model: as Keras's Model.build_from_config, call build
        elif hasattr(obj, "build_from_config"):
            obj.build_from_config(build_config)
    return obj


def _as_shape(shape):
    """A JSON shape (lists) back as a tuple, or a list/dict of tuples for several inputs."""
    if isinstance(shape, dict):
        return {k: _as_shape(v) for k, v in shape.items()}
    if isinstance(shape, list) and shape and isinstance(shape[0], (list, dict)):
        return [_as_shape(s) for s in shape]
    return tuple(shape) if isinstance(shape, list) else shape


def _compile_config(model):
    config = model.get_compile_config() if hasattr(model, "get_compile_config") else None
    return serialize_keras_object(config) if config else None


def _deserialize_compile_config(config, custom_objects):
    """``compile``'s arguments back from JSON; names stay names (``'accuracy'`` must)."""
    config = dict(config)
    for key in ("optimizer", "loss", "loss_weights", "metrics", "weighted_metrics"):
        if config.get(key) is not None:
            config[key] = _deserialize_nested(config[key], custom_objects)
    return config


def _deserialize_nested(value, custom_objects):
    if isinstance(value, list):
        return [_deserialize_nested(v, custom_objects) for v in value]
    if isinstance(value, dict) and "class_name" not in value:
        return {k: _deserialize_nested(v, custom_objects) for k, v in value.items()}
    return deserialize_keras_object(value, custom_objects)


# -- .keras files -------------------------------------------------------------------------------
def _model_config(model):
    build = model.get_build_config() if hasattr(model, "get_build_config") else None
    return {"module": type(model).__module__, "class_name": type(model).__name__,
            "config": serialize_keras_object(model.get_config()),
            "registered_name": serialization.get_registered_name(type(model)),
            "compile_config": _compile_config(model), "build_config": build}


def model_to_json(model, **kwargs):
    """The model's architecture (and compile settings) as a JSON string: ``model.to_json()``.

    Args:
        model: the model.
        **kwargs: passed to ``json.dumps`` (e.g. ``indent=2``).
    """
    return json.dumps(_model_config(model), **kwargs)


def model_from_json(json_string, custom_objects=None):
    """A new model (fresh weights) from ``model.to_json()``'s string, as Keras's
    ``keras.models.model_from_json``; a saved compile config compiles it.

    Args:
        json_string: the JSON text.
        custom_objects: ``{name: class or function}`` for user-defined objects.

    Example:
        >>> clone = nf.keras.models.model_from_json(model.to_json())
    """
    config = json.loads(json_string)
    _check_config(config, custom_objects, True)
    with _objects.custom_object_scope(custom_objects):
        model = deserialize_keras_object(
            {k: v for k, v in config.items() if k != "compile_config"}, custom_objects)
        if config.get("compile_config") and hasattr(model, "compile"):
            model.compile(**_deserialize_compile_config(config["compile_config"],
                                                        custom_objects))
    return model


def _check_overwrite(filepath, overwrite):
    if not overwrite and os.path.exists(filepath):
        warnings.warn(f"{filepath} exists and overwrite=False: not saving.", stacklevel=3)
        return False
    return True


def save_model(model, filepath, overwrite=True, zipped=True, include_optimizer=True):
    """Saves architecture, weights, optimizer state and compile settings to ``filepath``.

    Args:
        model: the model.
        filepath: path ending in ``.keras``.
        overwrite: replace an existing file (otherwise warn and keep it).
        include_optimizer: save the optimizer's state too.

    Example:
        >>> model.save('model.keras')
        >>> restored = nf.keras.models.load_model('model.keras')
    """
    filepath = os.fspath(filepath)
    if not filepath.endswith(".keras"):
        raise ValueError("Invalid filepath extension for saving. Please add a `.keras` "
                         "extension for the native Keras format (recommended). "
                         f"Received: filepath={filepath}")
    if not _check_overwrite(filepath, overwrite):
        return
    config = json.dumps(_model_config(model))
    metadata = json.dumps({"keras_version": "3.15.1", "format": "neuroflow",
                           "format_version": FORMAT_VERSION,
                           "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")})
    weights = weights_store.collect(model, include_optimizer)
    try:
        blob, name = weights_store.to_h5_bytes(weights), _WEIGHTS_H5
    except ImportError:
        blob, name = weights_store.to_safetensors_bytes(weights), _WEIGHTS_ST
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(_METADATA, metadata)
        archive.writestr(_CONFIG, config)
        archive.writestr(name, blob)
    atomic_write(filepath, buffer.getvalue())


def _read_archive(filepath):
    """``(config, metadata, weights)`` from a ``.keras`` file, with clear errors."""
    filepath = os.fspath(filepath)
    if not os.path.exists(filepath):
        raise FileNotFoundError(f"File not found: filepath={filepath}. Please ensure the file "
                                "is an accessible `.keras` zip file.")
    if not zipfile.is_zipfile(filepath):
        raise ValueError(f"File format not supported: filepath={filepath}. {filepath} is not "
                         "a valid `.keras` file (a zip archive); it may be truncated, "
                         "corrupted, or of another format (legacy `.h5` and SavedModel are not "
                         "supported).")
    try:
        with zipfile.ZipFile(filepath, "r") as archive:
            names = set(archive.namelist())
            if _CONFIG not in names:
                raise ValueError(f"{filepath} is not a valid `.keras` file: it has no "
                                 f"{_CONFIG}")
            config = json.loads(archive.read(_CONFIG).decode("utf-8"))
            metadata = json.loads(archive.read(_METADATA)) if _METADATA in names else {}
            if _WEIGHTS_H5 in names:
                weights = weights_store.from_h5_bytes(archive.read(_WEIGHTS_H5), filepath)
            elif _WEIGHTS_ST in names:
                weights = weights_store.from_safetensors_bytes(archive.read(_WEIGHTS_ST),
                                                               filepath)
            else:
                weights = {}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError,
            UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{filepath} is not a valid `.keras` file (truncated or corrupted): "
                         f"{error}") from None
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"{filepath} is not a valid `.keras` file: config.json does not "
                         "describe a model")
    return config, metadata, weights


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Loads a model saved with ``model.save('....keras')``.

    Args:
        filepath: path of the ``.keras`` file.
        custom_objects: ``{name: class or function}`` for user-defined layers, losses, ...
        compile: compile the model as it was saved (restoring the optimizer's state).
        safe_mode: refuse ``Lambda`` layers, whose functions would run code from the file.

    Raises:
        ValueError: for truncated, corrupted or foreign files, unknown classes, or Lambda
            layers in safe mode.

    Example:
        >>> model = nf.keras.models.load_model('model.keras')
    """
    config, _, weights = _read_archive(filepath)
    _check_config(config, custom_objects, safe_mode)
    model_config = {k: v for k, v in config.items() if k != "compile_config"}
    # nested from_config calls (a layer's activation, a sublayer) see the custom objects too
    with _objects.custom_object_scope(custom_objects):
        model = deserialize_keras_object(model_config, custom_objects, safe_mode)
        compile_config = config.get("compile_config")
        if compile and compile_config and hasattr(model, "compile"):
            model.compile(**_deserialize_compile_config(compile_config, custom_objects))
    weights_store.assign(model, weights, load_optimizer=bool(compile and compile_config))
    return model


# -- weights-only files ---------------------------------------------------------------------
def _weights_kind(filepath, verb):
    if filepath.endswith(".weights.h5"):
        return "h5"
    if filepath.endswith(".safetensors"):
        return "safetensors"
    if verb == "load" and filepath.endswith(".keras"):
        return "keras"
    raise ValueError(f"The filename must end in `.weights.h5` (or `.safetensors`). Received: "
                     f"filepath={filepath}")


def save_weights(model, filepath, overwrite=True):
    """Saves the model's weights (and optimizer state) to ``.weights.h5`` or ``.safetensors``.

    Example:
        >>> model.save_weights('model.weights.h5')
    """
    filepath = os.fspath(filepath)
    kind = _weights_kind(filepath, "save")
    if not _check_overwrite(filepath, overwrite):
        return
    weights = weights_store.collect(model)
    if kind == "h5":
        blob = weights_store.to_h5_bytes(weights)
    else:
        blob = weights_store.to_safetensors_bytes(weights)
    atomic_write(filepath, blob)


def load_weights(model, filepath, skip_mismatch=False):
    """Loads weights saved by ``save_weights`` (or those inside a ``.keras`` file).

    Raises:
        ValueError: when the file is corrupted or does not match the model's architecture.
    """
    filepath = os.fspath(filepath)
    kind = _weights_kind(filepath, "load")
    if kind == "keras":
        _, _, weights = _read_archive(filepath)
    else:
        if not os.path.exists(filepath):
            raise FileNotFoundError(f"File not found: filepath={filepath}")
        with open(filepath, "rb") as f:
            data = f.read()
        if kind == "h5":
            weights = weights_store.from_h5_bytes(data, filepath)
        else:
            weights = weights_store.from_safetensors_bytes(data, filepath)
    weights_store.assign(model, weights, skip_mismatch=skip_mismatch)
