"""Merge layers: combine a list of tensors (Add, Subtract, Multiply, Average, Maximum, Minimum,
Concatenate, Dot)."""

import functools

from ...core import ops
from .layer import Layer

__all__ = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate",
           "Dot", "add", "subtract", "multiply", "average", "maximum", "minimum", "concatenate",
           "dot"]


class _Merge(Layer):
    """Base of the elementwise merges: checks for a list of at least two inputs."""

    min_inputs = 2

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def build(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or not input_shape or not isinstance(
                input_shape[0], (list, tuple)):
            raise ValueError(f"A merge layer should be called on a list of inputs. Received: "
                             f"input_shape={input_shape} (not a list of shapes)")
        if len(input_shape) < self.min_inputs:
            raise ValueError(f"A merge layer should be called on a list of at least "
                             f"{self.min_inputs} inputs. Got {len(input_shape)} inputs. Full "
                             f"input_shape received: {input_shape}")

    def call(self, inputs):
        return functools.reduce(self._merge, list(inputs))

    def compute_mask(self, inputs, previous_mask=None):
        if previous_mask is None:
            return None
        masks = [m for m in (previous_mask if isinstance(previous_mask, (list, tuple))
                             else [previous_mask]) if m is not None]
        return functools.reduce(ops.logical_and, masks) if masks else None


class Add(_Merge):
    """Elementwise sum of a list of inputs of the same shape."""

    def _merge(self, a, b):
        return a + b


class Subtract(_Merge):
    """``inputs[0] - inputs[1]`` (exactly two inputs)."""

    def build(self, input_shape):
        super().build(input_shape)
        if len(input_shape) != 2:
            raise ValueError(f"A `Subtract` layer should be called on exactly 2 inputs. "
                             f"Received: input_shape={input_shape}")

    def _merge(self, a, b):
        return a - b


class Multiply(_Merge):
    """Elementwise product."""

    def _merge(self, a, b):
        return a * b


class Average(_Merge):
    """Elementwise mean."""

    def call(self, inputs):
        inputs = list(inputs)
        return functools.reduce(lambda a, b: a + b, inputs) / len(inputs)


class Maximum(_Merge):
    """Elementwise maximum."""

    def _merge(self, a, b):
        return ops.maximum(a, b)


class Minimum(_Merge):
    """Elementwise minimum."""

    def _merge(self, a, b):
        return ops.minimum(a, b)


class Concatenate(_Merge):
    """Concatenates a list of inputs along ``axis`` (default the last)."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def build(self, input_shape):
        super().build(input_shape)
        shapes = [tuple(s) for s in input_shape]
        ranks = {len(s) for s in shapes}
        axis = self.axis % len(shapes[0]) if len(ranks) == 1 else None
        ok = len(ranks) == 1 and all(
            len({s[i] for s in shapes if s[i] is not None}) <= 1
            for i in range(len(shapes[0])) if i != axis)
        if not ok:
            raise ValueError(f"A `Concatenate` layer requires inputs with matching shapes "
                             f"except for the concatenation axis. Received: "
                             f"input_shape={shapes}")

    def call(self, inputs):
        return ops.concat(list(inputs), axis=self.axis)

    def compute_mask(self, inputs, previous_mask=None):
        if previous_mask is None or not isinstance(previous_mask, (list, tuple)) or all(
                m is None for m in previous_mask):
            return None
        masks = []
        for x, m in zip(inputs, previous_mask):
            if m is None:
                m = ops.ones_like(x, dtype="bool")
            elif m.ndim < x.ndim:
                m = ops.broadcast_to(ops.expand_dims(m, -1), ops.shape.shape(x))
            masks.append(m)
        return ops.reduce_all(ops.concat(masks, axis=self.axis), axis=-1)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class Dot(_Merge):
    """Dot product of two inputs along ``axes`` (optionally L2-normalized first)."""

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        self.axes, self.normalize = axes, normalize

    def call(self, inputs):
        a, b = inputs
        axes = self.axes if isinstance(self.axes, (list, tuple)) else (self.axes, self.axes)
        axes = [ax % x.ndim for ax, x in zip(axes, (a, b))]
        if self.normalize:
            a = ops.nn.l2_normalize(a, axis=axes[0])
            b = ops.nn.l2_normalize(b, axis=axes[1])
        a = ops.transpose(a, [i for i in range(a.ndim) if i != axes[0]] + [axes[0]])
        b = ops.transpose(b, [0, axes[1]] + [i for i in range(1, b.ndim) if i != axes[1]])
        a3 = ops.expand_dims(a, 1) if a.ndim == 2 else a
        b3 = ops.expand_dims(b, -1) if b.ndim == 2 else b
        y = ops.matmul(a3, b3)
        if a.ndim == 2:
            y = ops.squeeze(y, 1)
        if b.ndim == 2:
            y = ops.squeeze(y, -1)
        if y.ndim == 1:
            y = ops.expand_dims(y, 1)
        return y

    def get_config(self):
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def add(inputs, **kwargs):
    """Functional form of ``Add``."""
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """Functional form of ``Subtract``."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """Functional form of ``Multiply``."""
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """Functional form of ``Average``."""
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """Functional form of ``Maximum``."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """Functional form of ``Minimum``."""
    return Minimum(**kwargs)(inputs)


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of ``Concatenate``."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes=-1, **kwargs):
    """Functional form of ``Dot``."""
    return Dot(axes=axes, **kwargs)(inputs)
