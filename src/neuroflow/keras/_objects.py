"""Looking up Keras objects by name: the shared core of every ``get``/``serialize``/``deserialize``.

Optimizers, losses, metrics, initializers, activations, regularizers and constraints are all
named the same way: a string (``'adam'``), a config dict (``{'class_name': 'Adam', 'config':
{...}}``), an instance, or a callable. Unknown names raise ValueError listing the valid ones.
"""

import inspect
import threading

__all__ = []

# Keras's GLOBAL_CUSTOM_OBJECTS: ``register_keras_serializable`` adds 'package>Name' here;
# ``keras.saving.get_custom_objects()`` returns this very dict, so users may also add to it.
GLOBAL_CUSTOM_OBJECTS = {}
_SCOPES = threading.local()    # each thread's stack of ``custom_object_scope`` dicts


def scoped_custom_objects():
    """The objects of the enclosing ``custom_object_scope``s (innermost wins), then the
    global ones."""
    merged = dict(GLOBAL_CUSTOM_OBJECTS)
    for scope in getattr(_SCOPES, "stack", ()):
        merged.update(scope)
    return merged


class custom_object_scope:
    """Context manager: inside it, configs may name the given classes and functions.

    Args:
        custom_objects: dicts ``{name: class or function}`` (several are merged).

    Example:
        >>> with nf.keras.saving.custom_object_scope({'my_act': my_act}):
        ...     layer = nf.keras.layers.Dense.from_config(config)
    """

    def __init__(self, *custom_objects):
        self.custom_objects = {}
        for objects in custom_objects:
            self.custom_objects.update(objects or {})

    def __enter__(self):
        if not hasattr(_SCOPES, "stack"):
            _SCOPES.stack = []
        _SCOPES.stack.append(self.custom_objects)
        return self

    def __exit__(self, *exc):
        _SCOPES.stack.pop()


def get_custom_objects():
    """The global dict of registered custom objects (Keras's ``GLOBAL_CUSTOM_OBJECTS``).

    Example:
        >>> nf.keras.saving.get_custom_objects()['my_act'] = my_act
    """
    return GLOBAL_CUSTOM_OBJECTS


def serialize(obj, module):
    """``obj`` as Keras's dict: ``{'module', 'class_name', 'config', 'registered_name'}``.

    Functions serialize by name (Keras's ``{'class_name': 'function', 'config': name}``).
    """
    if obj is None:
        return None
    if inspect.isfunction(obj) or inspect.isbuiltin(obj):
        name = getattr(obj, "_registered_name", obj.__name__)
        return {"module": module, "class_name": "function", "config": name,
                "registered_name": name}
    return {"module": module, "class_name": type(obj).__name__, "config": obj.get_config(),
            "registered_name": None}


def unknown(kind, name, objects):
    """The ValueError raised for a name that is not one of ``objects``."""
    valid = ", ".join(repr(n) for n in sorted(objects))
    return ValueError(f"Could not interpret {kind} identifier: {name!r}. Valid names: {valid}")


def _find(name, objects, kind, custom_objects):
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    scoped = scoped_custom_objects()
    if name in scoped:
        return scoped[name]
    if name in objects:
        return objects[name]
    lowered = {k.lower(): v for k, v in objects.items()}
    if name.lower() in lowered:
        return lowered[name.lower()]
    raise unknown(kind, name, objects)


def deserialize(config, objects, kind, custom_objects=None):
    """Builds the object a ``serialize`` dict (or a bare name) describes."""
    if config is None:
        return None
    if isinstance(config, str):
        return _find(config, objects, kind, custom_objects)
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Could not interpret serialized {kind}: {config!r}")
    class_name, inner = config["class_name"], config.get("config")
    if class_name == "function":
        return _find(inner, objects, kind, custom_objects)
    target = _find(class_name, objects, kind, custom_objects)
    if not inspect.isclass(target):
        return target
    inner = dict(inner or {})
    if hasattr(target, "from_config"):
        return target.from_config(inner)
    return target(**inner)



def deserialize_instance(config, objects, kind, custom_objects=None):
    """Like ``deserialize``, but a name that resolves to a class gives an instance of it
    (``'max_norm'`` -> ``MaxNorm()``)."""
    obj = deserialize(config, objects, kind, custom_objects)
    return obj() if isinstance(obj, type) else obj

def get(identifier, objects, kind, custom_objects=None, instantiate=True):
    """Resolves a name, config dict, instance or callable to the object it names.

    Args:
        identifier: what the user passed.
        objects: name -> class or function.
        kind: word for messages (``'optimizer'``).
        instantiate: build an instance when a name resolves to a class.
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier, objects, kind, custom_objects)
    if isinstance(identifier, str):
        found = _find(identifier, objects, kind, custom_objects)
        return found() if instantiate and inspect.isclass(found) else found
    if inspect.isclass(identifier) and instantiate:
        return identifier()
    if callable(identifier) or hasattr(identifier, "get_config"):
        return identifier
    raise ValueError(f"Could not interpret {kind} identifier: {identifier!r}")


def fn_wrapper_config(config, fn, fn_kwargs, module, with_fn):
    """``config`` of a wrapper around ``fn`` plus ``fn`` (serialized, when ``with_fn``) and
    the keyword arguments it is called with (shared by the loss and metric wrappers)."""
    if with_fn:
        config["fn"] = serialize(fn, module)
    config.update(fn_kwargs)
    return config


def fn_wrapper_from_config(cls, config, deserialize_fn):
    """``cls(**config)`` with a serialized ``config['fn']`` rebuilt by ``deserialize_fn``."""
    config = dict(config)
    if "fn" in config:
        config["fn"] = deserialize_fn(config["fn"])
    return cls(**config)


def bind_arguments(class_name, defaults, args, kwargs):
    """``defaults`` (name -> value, in signature order) overridden by positional ``args`` and
    by ``kwargs``; an unknown keyword raises TypeError as a Python signature would."""
    values = dict(defaults)
    values.update(zip(defaults, args))
    for key, value in kwargs.items():
        if key not in values:
            raise TypeError(f"{class_name}() got an unexpected keyword argument {key!r}")
        values[key] = value
    return values
