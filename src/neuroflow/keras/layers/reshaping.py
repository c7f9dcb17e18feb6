"""Reshaping layers: Flatten, Reshape, Permute, RepeatVector, ZeroPadding, UpSampling, Cropping."""

import numpy as np

from ...core import ops
from .input_spec import InputSpec
from .layer import Layer

__all__ = ["Flatten", "Reshape", "Permute", "RepeatVector", "ZeroPadding1D", "ZeroPadding2D",
           "UpSampling1D", "UpSampling2D", "Cropping1D", "Cropping2D"]


def _pair(value, what):
    """An int or a pair of ints as a pair (Keras's ``normalize_tuple``)."""
    if isinstance(value, int):
        return (value, value)
    value = tuple(value)
    if len(value) != 2:
        raise ValueError(f"The `{what}` argument must be a tuple of 2 integers. "
                         f"Received: {what}={value}")
    return value


def _batch(x):
    return x.shape[0] if x.shape[0] is not None else ops.shape.shape(x)[0]


class Flatten(Layer):
    """Flattens each example to one dimension: ``(batch, 28, 28)`` -> ``(batch, 784)``."""

    _shape_rule = "input"

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format or "channels_last"
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs):
        x = inputs
        if self.data_format == "channels_first" and x.ndim > 2:
            x = ops.transpose(x, [0] + list(range(2, x.ndim)) + [1])
        inner = x.shape[1:]
        if None not in inner:
            return ops.reshape(x, (-1, int(np.prod(inner, dtype=np.int64))))
        return ops.reshape(x, ops.stack([ops.shape.shape(x)[0], -1]))

    def compute_output_shape(self, input_shape):
        inner = input_shape[1:]
        size = None if None in inner else int(np.prod(inner, dtype=np.int64))
        return (input_shape[0], size)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


class Reshape(Layer):
    """Reshapes each example to ``target_shape`` (one dim may be -1)."""

    _shape_rule = "input"

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(target_shape)
        if sum(1 for d in self.target_shape if d == -1) > 1:
            raise ValueError("There must be at most one unknown dimension (-1) in "
                             f"target_shape. Received: target_shape={self.target_shape}")

    def _resolved(self, input_shape):
        target = list(self.target_shape)
        inner = input_shape[1:]
        if -1 in target and None not in inner:
            known = int(np.prod([d for d in target if d != -1], dtype=np.int64))
            total = int(np.prod(inner, dtype=np.int64))
            if known == 0 or total % known:
                raise ValueError(f"The total size of the tensor must be unchanged. Received: "
                                 f"input_shape={tuple(input_shape)}, "
                                 f"target_shape={self.target_shape}")
            target[target.index(-1)] = total // known
        elif -1 not in target and None not in inner and int(np.prod(inner)) != int(
                np.prod(target)):
            raise ValueError(f"The total size of the tensor must be unchanged. Received: "
                             f"input_shape={tuple(input_shape)}, "
                             f"target_shape={self.target_shape}")
        return tuple(target)

    def call(self, inputs):
        target = self._resolved(tuple(inputs.shape))
        if -1 not in target:
            return ops.reshape(inputs, (-1,) + target)
        return ops.reshape(inputs, ops.stack([ops.shape.shape(inputs)[0]] + list(target)))

    def compute_output_shape(self, input_shape):
        target = self._resolved(tuple(input_shape))
        return (input_shape[0],) + tuple(None if d == -1 else d for d in target)

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}


class Permute(Layer):
    """Permutes the non-batch axes: ``dims`` is 1-indexed, e.g. ``(2, 1)`` swaps them."""

    _shape_rule = "input"

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(f"Invalid permutation argument `dims` for Permute Layer. The set "
                             f"of indices in `dims` must be consecutive and start from 1. "
                             f"Received dims={self.dims}")
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def call(self, inputs):
        return ops.transpose(inputs, (0,) + self.dims)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def get_config(self):
        return {**super().get_config(), "dims": self.dims}


class RepeatVector(Layer):
    """Repeats a ``(batch, features)`` input ``n`` times: ``(batch, n, features)``."""

    _shape_rule = "input"

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = int(n)
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs):
        return ops.tile(ops.expand_dims(inputs, 1), [1, self.n, 1])

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        return {**super().get_config(), "n": self.n}


class _Spatial(Layer):
    """Shared by the padding/cropping/upsampling layers: ``rank`` spatial dims, NHWC or NCHW."""

    rank = 2

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format or "channels_last"
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _axes(self):
        first = 2 if self.data_format == "channels_first" else 1
        return list(range(first, first + self.rank))


class ZeroPadding1D(_Spatial):
    """Pads a sequence with zeros: ``padding`` int or (left, right)."""

    rank = 1

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.padding = _pair(padding, "padding")

    def call(self, inputs):
        paddings = [[0, 0]] * 3
        paddings[self._axes()[0]] = list(self.padding)
        return ops.pad(inputs, paddings)

    def get_config(self):
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}


class ZeroPadding2D(_Spatial):
    """Pads images with zeros: ``padding`` int, (h, w), or ((top, bottom), (left, right))."""

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if isinstance(padding, int):
            padding = ((padding, padding), (padding, padding))
        elif all(isinstance(p, int) for p in padding):
            padding = ((padding[0], padding[0]), (padding[1], padding[1]))
        self.padding = tuple(_pair(p, "padding") for p in padding)

    def call(self, inputs):
        paddings = [[0, 0]] * 4
        for axis, pad in zip(self._axes(), self.padding):
            paddings[axis] = list(pad)
        return ops.pad(inputs, paddings)

    def get_config(self):
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}


class UpSampling1D(_Spatial):
    """Repeats each timestep ``size`` times."""

    rank = 1

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        self.size = int(size)

    def call(self, inputs):
        return _repeat(inputs, self.size, 1)

    def get_config(self):
        config = super().get_config()
        return {**config, "size": self.size}


class UpSampling2D(_Spatial):
    """Repeats rows and columns ``size`` times (nearest neighbour; ``'bilinear'`` not yet)."""

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.size = _pair(size, "size")
        if interpolation != "nearest":
            raise NotImplementedError(f"UpSampling2D: interpolation={interpolation!r} is not "
                                      "supported yet; use 'nearest'")
        self.interpolation = interpolation

    def call(self, inputs):
        x = inputs
        for axis, factor in zip(self._axes(), self.size):
            x = _repeat(x, factor, axis)
        return x

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format,
                "interpolation": self.interpolation}


def _repeat(x, factor, axis):
    """Repeats each slice along ``axis`` ``factor`` times (``np.repeat``), differentiably."""
    if factor == 1:
        return x
    expanded = ops.expand_dims(x, axis + 1)
    multiples = [1] * expanded.ndim
    multiples[axis + 1] = factor
    tiled = ops.tile(expanded, multiples)
    shape = [-1 if i == 0 else d for i, d in enumerate(x.shape)]
    shape[axis] = None if x.shape[axis] is None else x.shape[axis] * factor
    if None in shape[1:]:
        dynamic = ops.shape.shape(x)
        dims = [dynamic[i] for i in range(x.ndim)]
        dims[axis] = dims[axis] * factor
        return ops.reshape(tiled, ops.stack(dims))
    return ops.reshape(tiled, shape)


class Cropping1D(_Spatial):
    """Crops ``cropping`` = (start, end) timesteps."""

    rank = 1

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(**kwargs)
        self.cropping = _pair(cropping, "cropping")

    def call(self, inputs):
        start, end = self.cropping
        return inputs[:, start:inputs.shape[1] - end, :]

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping}


class Cropping2D(_Spatial):
    """Crops rows and columns: ``cropping`` int, (h, w) or ((top, bottom), (left, right))."""

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if isinstance(cropping, int):
            cropping = ((cropping, cropping), (cropping, cropping))
        elif all(isinstance(c, int) for c in cropping):
            cropping = ((cropping[0], cropping[0]), (cropping[1], cropping[1]))
        self.cropping = tuple(_pair(c, "cropping") for c in cropping)

    def call(self, inputs):
        key = [slice(None)] * 4
        for axis, (start, end) in zip(self._axes(), self.cropping):
            key[axis] = slice(start, inputs.shape[axis] - end)
        return inputs[tuple(key)]

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping,
                "data_format": self.data_format}
