"""Activation layers with parameters: ReLU, LeakyReLU, PReLU, ELU, Softmax."""

from ...core import ops
from .. import constraints, initializers, regularizers
from .layer import Layer

__all__ = ["ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax"]


class ReLU(Layer):
    """Rectified linear unit with optional cap, slope below threshold, and threshold.

    Formula:
        ``y = max_value`` if ``x >= max_value``; ``x`` if ``threshold <= x < max_value``;
        ``negative_slope * (x - threshold)`` otherwise.
    """

    _shape_rule = "compute"

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0:
            raise ValueError(f"max_value of a ReLU layer cannot be a negative value. Received: "
                             f"max_value={max_value}")
        if negative_slope is None or negative_slope < 0:
            raise ValueError(f"negative_slope of a ReLU layer cannot be a negative value. "
                             f"Received: negative_slope={negative_slope}")
        self.max_value, self.negative_slope, self.threshold = max_value, negative_slope, threshold
        self.supports_masking = True

    def call(self, inputs):
        x = inputs
        if self.threshold == 0 and self.negative_slope == 0:
            y = ops.nn.relu(x)
        else:
            above = ops.greater_equal(x, self.threshold)
            y = ops.where(above, x, self.negative_slope * (x - self.threshold))
        if self.max_value is not None:
            y = ops.minimum(y, ops.cast(self.max_value, y.dtype))
        return y

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value,
                "negative_slope": self.negative_slope, "threshold": self.threshold}


class LeakyReLU(Layer):
    """``x`` for ``x >= 0``, ``negative_slope * x`` otherwise (Keras 3 default slope 0.3)."""

    _shape_rule = "compute"

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:  # Keras 2 spelling
            negative_slope = kwargs.pop("alpha")
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError(f"The negative_slope value of a Leaky ReLU layer cannot be None or "
                             f"negative value. Expected a float. Received: "
                             f"negative_slope={negative_slope}")
        self.negative_slope = float(negative_slope)
        self.supports_masking = True

    def call(self, inputs):
        return ops.nn.leaky_relu(inputs, alpha=self.negative_slope)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


class PReLU(Layer):
    """Leaky ReLU with a learned slope ``alpha`` per unit.

    Formula:
        ``y = x`` for ``x >= 0``, ``alpha * x`` otherwise.

    Args:
        alpha_initializer: default ``'zeros'``.
        shared_axes: axes along which one slope is shared, e.g. ``[1, 2]`` for images.
    """

    _shape_rule = "compute"

    def __init__(self, alpha_initializer="zeros", alpha_regularizer=None, alpha_constraint=None,
                 shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None or isinstance(shared_axes, (list, tuple)):
            self.shared_axes = None if shared_axes is None else list(shared_axes)
        else:
            self.shared_axes = [shared_axes]

    def build(self, input_shape):
        param_shape = list(input_shape[1:])
        for axis in self.shared_axes or []:
            param_shape[axis - 1] = 1
        self.alpha = self.add_weight(shape=tuple(param_shape), name="alpha",
                                     initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint)

    def call(self, inputs):
        pos = ops.nn.relu(inputs)
        neg = -self.alpha * ops.nn.relu(-inputs)
        return pos + neg

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(),
                "alpha_initializer": initializers.serialize(self.alpha_initializer),
                "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
                "alpha_constraint": constraints.serialize(self.alpha_constraint),
                "shared_axes": self.shared_axes}


class ELU(Layer):
    """Exponential linear unit: ``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` otherwise."""

    _cast_int_inputs = True

    _shape_rule = "compute"

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = float(alpha)
        self.supports_masking = True

    def call(self, inputs):
        if self.alpha == 1.0:
            return ops.nn.elu(inputs)
        return ops.where(ops.greater(inputs, 0), inputs,
                         self.alpha * (ops.exp(ops.minimum(inputs, 0.0)) - 1))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


class Softmax(Layer):
    """Softmax along ``axis``; masked positions (``mask`` False) get probability 0."""

    _cast_int_inputs = True

    _shape_rule = "compute"

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is not None:
            adder = (1.0 - ops.cast(mask, inputs.dtype)) * -1e9
            inputs = inputs + adder
        if isinstance(self.axis, (list, tuple)):
            lse = ops.reduce_logsumexp(inputs, axis=self.axis, keepdims=True)
            return ops.exp(inputs - lse)
        return ops.nn.softmax(inputs, axis=self.axis)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
