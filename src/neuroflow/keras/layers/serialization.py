"""Layer (de)serialization by name from an allow-list: no code runs when a config is loaded.

Built-in layer classes are registered here by name; ``nf.keras.models`` registers its model
classes; user classes come only through ``custom_objects`` or ``register_keras_serializable``.
"""

import inspect

from .. import _objects

__all__ = ["serialize", "deserialize", "get", "register", "register_keras_serializable",
           "get_registered_object", "get_registered_name"]

_BUILTIN = {}   # class name -> class (neuroflow's own layers and models)


def register(*classes):
    """Adds built-in classes to the allow-list under their class names."""
    for cls in classes:
        _BUILTIN[cls.__name__] = cls


def register_keras_serializable(package="Custom", name=None):
    """Decorator adding a user class or function to the allow-list as ``'package>Name'``
    (in ``keras.saving.get_custom_objects()``), so saved configs naming it load back.

    Example:
        >>> @nf.keras.saving.register_keras_serializable(package='my_package')
        ... def scaled_tanh(x):
        ...     return 2.0 * nf.tanh(x)
    """
    def decorator(obj):
        key = f"{package}>{name or obj.__name__}"
        if inspect.isclass(obj) and not hasattr(obj, "get_config"):
            raise ValueError("Cannot register a class that does not have a get_config() "
                             "method.")
        _objects.GLOBAL_CUSTOM_OBJECTS[key] = obj
        obj._registered_name = key
        return obj
    return decorator


def get_registered_name(obj):
    """``'package>Name'`` for a registered user class, else the class name."""
    if inspect.isfunction(obj):
        return getattr(obj, "_registered_name", obj.__name__)
    cls = obj if inspect.isclass(obj) else type(obj)
    return cls.__dict__.get("_registered_name", cls.__name__)


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The class registered as ``name`` (custom objects first, then those of the enclosing
    ``custom_object_scope`` and the registered ones), or None."""
    for table in (custom_objects or {}, _objects.scoped_custom_objects(), module_objects or {},
                  _BUILTIN):
        if name in table:
            return table[name]
    return None


def serialize(layer):
    """``layer`` as Keras's dict: module, class_name, config, registered_name, build_config."""
    if layer is None:
        return None
    cls = type(layer)
    registered = cls.__dict__.get("_registered_name")
    module = "keras.layers"
    if cls.__name__ in ("Sequential", "Functional", "Model"):
        module = "keras" if cls.__name__ != "Functional" else "keras.src.models.functional"
    config = {"module": module if registered is None else cls.__module__,
              "class_name": cls.__name__, "config": layer.get_config(),
              "registered_name": registered}
    build_config = layer.get_build_config() if hasattr(layer, "get_build_config") else None
    if build_config is not None:
        config["build_config"] = build_config
    return config


def instantiate(cls, config, custom_objects=None, safe_mode=True):
    """``cls.from_config(config)``, passing ``custom_objects`` and ``safe_mode`` to a
    ``from_config`` that takes them; ``cls(**config)`` for a class without ``from_config``."""
    if not hasattr(cls, "from_config"):
        return cls(**config)
    params = inspect.signature(cls.from_config).parameters
    kwargs = {}
    if "custom_objects" in params:
        kwargs["custom_objects"] = custom_objects
    if "safe_mode" in params:
        kwargs["safe_mode"] = safe_mode
    return cls.from_config(config, **kwargs)


def deserialize(config, custom_objects=None, safe_mode=True):
    """Builds a layer (or model) from ``serialize``'s dict, using only allow-listed classes.

    Args:
        config: the dict (or a bare class name).
        custom_objects: dict name -> user class/function allowed to appear in the config.
        safe_mode: refuse configs that would run code (Lambda layers holding bytecode).
    """
    if isinstance(config, str):
        config = {"class_name": config, "config": {}}
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Could not interpret serialized layer: {config!r}")
    class_name = config["class_name"]
    registered = config.get("registered_name")
    cls = None
    if registered:
        cls = get_registered_object(registered, custom_objects)
    if cls is None:
        cls = get_registered_object(class_name, custom_objects)
    if cls is None:
        raise TypeError(
            f"Could not locate class '{class_name}'. Make sure custom classes are decorated "
            f"with `@keras.saving.register_keras_serializable()` or passed in "
            f"`custom_objects`. Full object config: {config}")
    layer = instantiate(cls, dict(config.get("config") or {}), custom_objects, safe_mode)
    build_config = config.get("build_config")
    if build_config and hasattr(layer, "build_from_config") and not layer.built:
        layer.build_from_config(build_config)
    return layer


def get(identifier, custom_objects=None):
    """A layer from an instance (returned as is), a config dict, or a class name."""
    if hasattr(identifier, "get_config") and not isinstance(identifier, dict):
        return identifier
    return deserialize(identifier, custom_objects)
