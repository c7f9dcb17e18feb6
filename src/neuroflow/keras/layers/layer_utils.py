"""Helpers of ``Layer``: output-shape inference on dummy data, constructor auto-config, shapes
from JSON."""

import inspect

from ...core import nest, registry
from ...core.ops import creation as creation_ops
from ...core.tensor import Tensor
from .node import KerasTensor

__all__ = []

SPEC_RUNS = [0]   # > 0 while a layer runs on dummy data (``add_loss`` ignores those calls)


def dtype_config(name):
    """Keras 3's serialized DTypePolicy."""
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": name},
            "registered_name": None}


def infer_output_spec(layer, args, kwargs):
    """Output KerasTensors of ``layer(*args, **kwargs)`` for symbolic arguments.

    Runs the layer twice on zeros, the unknown dims set to 2 and then 3: an output dim that
    differs between the runs is unknown (None). Variables are restored and tapes paused, so
    the runs leave no trace.
    """
    runs = []
    for fill in (2, 3):
        concrete = nest.map_structure(
            lambda x: _dummy(x, fill) if isinstance(x, KerasTensor) else x, (args, kwargs))
        saved = [(v, v._value) for v in layer.weights]
        tapes, registry._tapes[:] = list(registry._tapes), []
        SPEC_RUNS[0] += 1
        try:
            runs.append(layer(*concrete[0], **concrete[1]))
        finally:
            SPEC_RUNS[0] -= 1
            registry._tapes[:] = tapes
            for v, value in saved:
                v._value = value
    specs = []
    for a, b in zip(nest.flatten(runs[0]), nest.flatten(runs[1])):
        if not isinstance(a, Tensor):
            specs.append(a)
            continue
        shape = tuple(da if da == db else None for da, db in zip(a.shape, b.shape))
        specs.append(KerasTensor(shape, a.dtype.name))
    return nest.pack_sequence_as(runs[0], specs)


def _dummy(x, fill):
    shape = tuple(fill if d is None else d for d in x.shape)
    return creation_ops.zeros(shape, dtype=x.dtype)


def spec_like(input_shape, dtype):
    """KerasTensors for a shape, a list of shapes or a dict of shapes."""
    if isinstance(input_shape, dict):
        return {k: spec_like(v, dtype) for k, v in input_shape.items()}
    if isinstance(input_shape, list) and input_shape and isinstance(input_shape[0], (list, tuple)):
        return [spec_like(s, dtype) for s in input_shape]
    return KerasTensor(tuple(input_shape), dtype)


def as_shape(shape):
    """A shape from JSON (lists) back to tuples; a list of shapes stays a list."""
    if isinstance(shape, dict):
        return {k: as_shape(v) for k, v in shape.items()}
    if isinstance(shape, (list, tuple)) and shape and all(
            isinstance(s, (list, tuple)) or s is None for s in shape) and any(
            isinstance(s, (list, tuple)) for s in shape):
        return [as_shape(s) for s in shape]
    return tuple(shape)


def auto_config(layer):
    """A user class's plain constructor arguments (numbers, strings, lists of them), so custom
    layers and models round-trip through ``get_config`` without writing one."""
    cls = type(layer)
    if cls.__module__.startswith("neuroflow."):
        return {}
    args, kwargs = layer.__dict__.get("_init_args", ((), {}))
    try:
        signature = inspect.signature(cls.__init__)
        bound = signature.bind(layer, *args, **kwargs)
    except (TypeError, ValueError):
        return {}
    out = {}
    for name, value in list(bound.arguments.items())[1:]:
        kind = signature.parameters[name].kind
        if kind is inspect.Parameter.VAR_KEYWORD:
            out.update({k: v for k, v in value.items() if _plain(v)})
        elif kind is not inspect.Parameter.VAR_POSITIONAL and _plain(value):
            out[name] = value
    return out


def _plain(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False
