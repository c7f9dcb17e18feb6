"""``InputSpec``: what a layer accepts (rank, dtype, fixed axes), checked on every call."""

from ...core import nest
from .. import backend

__all__ = ["InputSpec", "assert_input_compatibility"]


class InputSpec:
    """Specifies the rank, dtype and shape of every input to a layer.

    Args:
        dtype: expected dtype name, or None.
        shape: expected shape (None for any size along a dim), or None.
        ndim: expected rank, or None.
        max_ndim, min_ndim: bounds on the rank.
        axes: dict axis -> required size, e.g. ``{-1: 784}``.
        allow_last_axis_squeeze: accept a trailing dim of 1 more or less than ``shape``.
        name: input name, for dict inputs.
        optional: whether None is accepted.

    Example:
        >>> spec = nf.keras.InputSpec(min_ndim=2, axes={-1: 784})
    """

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None,
                 axes=None, allow_last_axis_squeeze=False, name=None, optional=False):
        self.dtype = backend.standardize_dtype(dtype) if dtype is not None else None
        self.shape = tuple(shape) if shape is not None else None
        self.ndim = len(shape) if shape is not None else ndim
        self.max_ndim, self.min_ndim = max_ndim, min_ndim
        self.name, self.optional = name, optional
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        axes = dict(axes or {})
        for axis in axes:
            if self.ndim is not None and not -self.ndim <= axis < self.ndim:
                raise ValueError(f"Axis {axis} is greater than the maximum allowed value: "
                                 f"{self.ndim - 1}")
        self.axes = {int(k): v for k, v in axes.items()}

    def __repr__(self):
        parts = [f"dtype={self.dtype}" if self.dtype else "",
                 f"shape={self.shape}" if self.shape else "",
                 f"ndim={self.ndim}" if self.ndim is not None else "",
                 f"max_ndim={self.max_ndim}" if self.max_ndim is not None else "",
                 f"min_ndim={self.min_ndim}" if self.min_ndim is not None else "",
                 f"axes={self.axes}" if self.axes else ""]
        return f"InputSpec({', '.join(p for p in parts if p)})"

    def get_config(self):
        """The constructor arguments."""
        return {"dtype": self.dtype, "shape": self.shape, "ndim": self.ndim,
                "max_ndim": self.max_ndim, "min_ndim": self.min_ndim, "axes": self.axes}

    @classmethod
    def from_config(cls, config):
        """Inverse of ``get_config``."""
        return cls(**config)


def _shape_str(shape):
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def assert_input_compatibility(input_spec, inputs, layer_name):
    """Raises ValueError, Keras-style, when ``inputs`` do not satisfy ``input_spec``."""
    if not input_spec:
        return
    specs = input_spec if isinstance(input_spec, (list, tuple)) else [input_spec]
    if isinstance(inputs, dict) and all(s is not None and s.name for s in specs):
        missing = [s.name for s in specs if s.name not in inputs]
        if missing:
            raise ValueError(f'Missing data for input "{missing[0]}". You passed a data '
                             f"dictionary with keys {list(inputs)}. Expected the following "
                             f"keys: {[s.name for s in specs]}")
        inputs = [inputs[s.name] for s in specs]
    flat = nest.flatten(inputs)
    if len(flat) != len(specs):
        raise ValueError(f'Layer "{layer_name}" expects {len(specs)} input(s), but it received '
                         f"{len(flat)} input tensors. Inputs received: {flat}")
    for index, (x, spec) in enumerate(zip(flat, specs)):
        if spec is None or (x is None and spec.optional):
            continue
        if not hasattr(x, "shape"):
            raise ValueError(f"Inputs to a layer should be tensors. Got '{x}' (of type "
                             f"{type(x)}) as input for layer '{layer_name}'.")
        _check_one(index, x, spec, layer_name)


def _check_one(index, x, spec, layer_name):
    shape = tuple(x.shape)
    ndim = len(shape)
    where = f'Input {index} of layer "{layer_name}" is incompatible with the layer: '
    if spec.ndim is not None and not spec.allow_last_axis_squeeze and ndim != spec.ndim:
        raise ValueError(f"{where}expected ndim={spec.ndim}, found ndim={ndim}. "
                         f"Full shape received: {_shape_str(shape)}")
    if spec.max_ndim is not None and ndim > spec.max_ndim:
        raise ValueError(f"{where}expected max_ndim={spec.max_ndim}, found ndim={ndim}")
    if spec.min_ndim is not None and ndim < spec.min_ndim:
        raise ValueError(f"{where}expected min_ndim={spec.min_ndim}, found ndim={ndim}. "
                         f"Full shape received: {_shape_str(shape)}")
    if spec.dtype is not None:
        dtype = backend.standardize_dtype(x.dtype)
        if dtype != spec.dtype:
            raise ValueError(f"{where}expected dtype={spec.dtype}, found dtype={dtype}")
    for axis, value in spec.axes.items():
        if value is not None and -ndim <= axis < ndim and shape[axis] not in (value, None):
            raise ValueError(f"{where}expected axis {axis} of input shape to have value "
                             f"{value}, but received input with shape {_shape_str(shape)}")
    if spec.shape is not None:
        spec_shape, got = spec.shape, shape
        if spec.allow_last_axis_squeeze:
            got = got[:-1] if got and got[-1] == 1 else got
            spec_shape = spec_shape[:-1] if spec_shape and spec_shape[-1] == 1 else spec_shape
        for spec_dim, dim in zip(spec_shape, got):
            if spec_dim is not None and dim is not None and spec_dim != dim:
                raise ValueError(f"{where}expected shape={_shape_str(spec.shape)}, found "
                                 f"shape={_shape_str(shape)}")
