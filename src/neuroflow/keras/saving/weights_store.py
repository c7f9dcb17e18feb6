"""A model's state as ``{path: array}`` in Keras 3's layout, stored as HDF5 or safetensors.

Paths follow Keras's ``.weights.h5`` files: ``layers/dense/vars/0`` for a layer's variables,
``layers/outer/layers/inner/vars/0`` for nested layers, ``vars/0`` for the model's own and
``optimizer/vars/0`` for the optimizer's state. Neither format can hold code.
"""

import io
import json

import numpy as np

from ..backend import to_snake_case

__all__ = [
    "FORMAT_ERROR",
    "assign",
    "collect",
    "from_h5_bytes",
    "from_safetensors_bytes",
    "to_h5_bytes",
    "to_safetensors_bytes",
]

FORMAT_ERROR = ("is not a valid neuroflow/Keras weights file (truncated, corrupted or of "
                "another format)")


def _h5py():
    try:
        import h5py  # optional dependency, loaded on use
    except ImportError:
        raise ImportError("Saving and loading `.weights.h5`/`.keras` files needs h5py: "
                          "`pip install h5py` (or use a `.safetensors` file).") from None
    return h5py


def _safetensors():
    try:
        import safetensors.numpy  # optional dependency, loaded on use
    except ImportError:
        raise ImportError("`.safetensors` files need the safetensors package: "
                          "`pip install safetensors`.") from None
    return safetensors.numpy


def _children(layer):
    if hasattr(layer, "layers") and not callable(layer.layers):
        return list(layer.layers)
    if hasattr(layer, "_flatten_layers"):
        return layer._flatten_layers(include_self=False, recursive=False)
    return []


def _own_variables(layer):
    if hasattr(layer, "_trainable_variables"):
        return list(layer._trainable_variables) + list(layer._non_trainable_variables)
    return []


class _Store(dict):
    """The dict handed to ``save_own_variables``/``load_own_variables``."""


def _walk(layer, prefix, visit, seen):
    """Visits ``layer`` and its sublayers with their paths. As in Keras, a child's path uses
    its class name (``dense``, ``dense_1``, ...), not its auto-generated layer name, so
    two instances of one architecture read each other's files."""
    if id(layer) in seen:
        return
    seen.add(id(layer))
    visit(layer, prefix)
    counts = {}
    for child in _children(layer):
        if id(child) in seen:
            continue
        name = to_snake_case(type(child).__name__)
        counts[name] = counts.get(name, -1) + 1
        if counts[name]:
            name = f"{name}_{counts[name]}"
        _walk(child, f"{prefix}layers/{name}/", visit, seen)


def collect(model, include_optimizer=True):
    """``{path: ndarray}`` for every layer variable (and the optimizer's state)."""
    out = {}

    def visit(layer, prefix):
        store = _Store()
        custom = type(layer).__dict__.get("save_own_variables")
        if custom is not None:
            layer.save_own_variables(store)
        else:
            for i, variable in enumerate(_own_variables(layer)):
                store[str(i)] = variable.numpy()
        for key, value in store.items():
            out[f"{prefix}vars/{key}"] = np.asarray(value)
    _walk(model, "", visit, set())
    optimizer = getattr(model, "optimizer", None)
    if include_optimizer and optimizer is not None and getattr(optimizer, "built", False):
        store = _Store()
        optimizer.save_own_variables(store)
        for key, value in store.items():
            out[f"optimizer/vars/{key}"] = np.asarray(value)
    return out


def _group(weights, prefix):
    n = len(prefix)
    return _Store({k[n:]: v for k, v in weights.items()
                   if k.startswith(prefix) and "/" not in k[n:]})


def assign(model, weights, skip_mismatch=False, load_optimizer=True):
    """Sets the model's (and optimizer's) variables from ``collect``'s dict.

    Raises:
        ValueError: naming the layer, when the file's variables do not fit the model.
    """
    used = set()

    def visit(layer, prefix):
        store = _group(weights, f"{prefix}vars/")
        used.update(f"{prefix}vars/{k}" for k in store)
        custom = type(layer).__dict__.get("load_own_variables")
        if custom is not None:
            layer.load_own_variables(store)
            return
        variables = _own_variables(layer)
        if len(store) != len(variables):
            if skip_mismatch:
                return
            raise ValueError(f"Layer '{getattr(layer, 'name', '?')}' expected "
                             f"{len(variables)} variables, but received {len(store)} "
                             f"variables during loading. Expected: "
                             f"{[getattr(v, 'name', '?') for v in variables]}")
        for i, variable in enumerate(variables):
            value = store[str(i)]
            if tuple(variable.shape) != tuple(value.shape):
                if skip_mismatch:
                    continue
                raise ValueError(f"Layer '{layer.name}' weight {i} ({variable.name}) has shape "
                                 f"{tuple(variable.shape)}, but the saved value has shape "
                                 f"{tuple(value.shape)}")
            variable.assign(value.astype(variable.dtype._np, copy=False))
    _walk(model, "", visit, set())
    optimizer = getattr(model, "optimizer", None)
    saved = _group(weights, "optimizer/vars/")
    if load_optimizer and saved and optimizer is not None:
        if not getattr(optimizer, "built", False):
            optimizer.build(list(model.trainable_variables))
        optimizer.load_own_variables(saved)
    unused = [k for k in weights if k not in used and not k.startswith("optimizer/")]
    if unused and not skip_mismatch:
        raise ValueError(f"The weights file holds variables the model does not have: "
                         f"{unused[:5]}{' ...' if len(unused) > 5 else ''}. Does the file "
                         "belong to another architecture?")


def to_h5_bytes(weights, attrs=None):
    """The weights as the bytes of an HDF5 file (Keras's layout)."""
    h5py = _h5py()
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        for key, value in (attrs or {}).items():
            f.attrs[key] = value
        for path, value in weights.items():
            f.create_dataset(path, data=value)
    return buffer.getvalue()


def from_h5_bytes(data, source="file"):
    """The ``{path: array}`` dict of an HDF5 weights file's bytes."""
    h5py = _h5py()
    out = {}
    try:
        with h5py.File(io.BytesIO(data), "r") as f:
            def visit(name, obj):
                if isinstance(obj, h5py.Dataset):
                    out[name] = obj[()] if obj.shape == () else obj[...]
            f.visititems(visit)
    except (OSError, ValueError, KeyError, RuntimeError) as error:
        raise ValueError(f"{source} {FORMAT_ERROR}: {error}") from None
    return {k: np.asarray(v) for k, v in out.items()}


def to_safetensors_bytes(weights, metadata=None):
    """The weights as the bytes of a safetensors file."""
    st = _safetensors()
    arrays = {k: np.ascontiguousarray(np.asarray(v)) for k, v in weights.items()}
    meta = {"format": "neuroflow", **({k: json.dumps(v) for k, v in (metadata or {}).items()})}
    return st.save(arrays, metadata=meta)


def from_safetensors_bytes(data, source="file"):
    """The ``{path: array}`` dict of a safetensors file's bytes."""
    st = _safetensors()
    try:
        return dict(st.load(data))
    except Exception as error:  # noqa: BLE001 (safetensors raises its own error types)
        raise ValueError(f"{source} {FORMAT_ERROR}: {error}") from None
