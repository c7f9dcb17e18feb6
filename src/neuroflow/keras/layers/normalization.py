"""BatchNormalization and LayerNormalization."""

from ...core import ops
from .. import constraints, initializers, regularizers
from .input_spec import InputSpec
from .layer import Layer

__all__ = ["BatchNormalization", "LayerNormalization", "UnitNormalization"]


def _axes(axis, ndim):
    axes = axis if isinstance(axis, (list, tuple)) else [axis]
    return sorted(a % ndim for a in axes)


class _ScaleAndOffset(Layer):
    """What both normalizations share: the learned scale ``gamma`` and offset ``beta``, their
    initializers, regularizers and constraints, and an output shaped like the input."""

    _cast_int_inputs = True

    _shape_rule = "compute"

    def __init__(self, beta_initializer, gamma_initializer, beta_regularizer,
                 gamma_regularizer, beta_constraint, gamma_constraint, **kwargs):
        super().__init__(**kwargs)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True

    def _add_gamma_beta(self, shape, scale, center):
        """Creates ``gamma`` (when ``scale``) and ``beta`` (when ``center``), else None."""
        self.gamma = self.beta = None
        if scale:
            self.gamma = self.add_weight(shape=shape, name="gamma",
                                         initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint)
        if center:
            self.beta = self.add_weight(shape=shape, name="beta",
                                        initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


class BatchNormalization(_ScaleAndOffset):
    """Normalizes with the batch's statistics in training and moving averages at inference.

    Formula:
        ``y = gamma * (x - mean) / sqrt(var + epsilon) + beta``; in training the batch's mean
        and (biased) variance are used and ``moving = moving * momentum + batch * (1 -
        momentum)``; at inference the moving statistics are used.

    Args:
        axis: the feature axis (default -1, channels last).
        momentum: default 0.99.  epsilon: default 1e-3.
        center, scale: whether to learn ``beta`` and ``gamma``.

    Weights (Keras order): gamma, beta, moving_mean, moving_variance. With ``trainable=False``
    the layer runs in inference mode even when training (as Keras 3 does, for fine-tuning).
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, synchronized=False, renorm=False, renorm_clipping=None,
                 renorm_momentum=0.99, **kwargs):
        for legacy in ("fused", "virtual_batch_size", "adjustment"):
            kwargs.pop(legacy, None)
        super().__init__(beta_initializer, gamma_initializer, beta_regularizer,
                         gamma_regularizer, beta_constraint, gamma_constraint, **kwargs)
        if renorm:
            raise NotImplementedError("BatchNormalization(renorm=True) is not supported yet")
        self.renorm, self.renorm_clipping, self.renorm_momentum = renorm, renorm_clipping, \
            renorm_momentum
        self.axis = axis
        self.momentum, self.epsilon = float(momentum), float(epsilon)
        self.center, self.scale = center, scale
        self.synchronized = synchronized
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)

    def build(self, input_shape):
        ndim = len(input_shape)
        axes = _axes(self.axis, ndim)
        shape = tuple(input_shape[a] for a in axes)
        if None in shape:
            raise ValueError(f"Axis {self.axis} of input tensor should have a defined "
                             f"dimension but the layer received an input with shape "
                             f"{tuple(input_shape)}.")
        self.input_spec = InputSpec(ndim=ndim, axes={a: input_shape[a] for a in axes})
        self._add_gamma_beta(shape, self.scale, self.center)
        self.moving_mean = self.add_weight(shape=shape, name="moving_mean",
                                           initializer=self.moving_mean_initializer,
                                           trainable=False)
        self.moving_variance = self.add_weight(shape=shape, name="moving_variance",
                                               initializer=self.moving_variance_initializer,
                                               trainable=False)

    def _broadcast(self, v, ndim, axes):
        if v is None:
            return None
        if axes == [ndim - 1]:
            return v
        shape = [1] * ndim
        for a in axes:
            shape[a] = -1 if len(axes) == 1 else v.shape[axes.index(a)]
        return ops.reshape(v, shape)

    def call(self, inputs, training=None, mask=None):
        ndim = inputs.ndim
        axes = _axes(self.axis, ndim)
        reduce = [i for i in range(ndim) if i not in axes]
        gamma = self._broadcast(self.gamma, ndim, axes)
        beta = self._broadcast(self.beta, ndim, axes)
        if training and self.trainable:
            mean, variance = ops.nn.moments(inputs, reduce)
            m = self.momentum
            self.moving_mean.assign(self.moving_mean * m + mean * (1 - m))
            self.moving_variance.assign(self.moving_variance * m + variance * (1 - m))
            mean = self._broadcast(mean, ndim, axes)
            variance = self._broadcast(variance, ndim, axes)
        else:
            mean = self._broadcast(self.moving_mean, ndim, axes)
            variance = self._broadcast(self.moving_variance, ndim, axes)
        return ops.nn.batch_normalization(inputs, mean, variance, beta, gamma, self.epsilon)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum,
                "epsilon": self.epsilon, "center": self.center, "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
                "moving_variance_initializer": initializers.serialize(
                    self.moving_variance_initializer),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint),
                "synchronized": self.synchronized, "renorm": self.renorm,
                "renorm_clipping": self.renorm_clipping, "renorm_momentum": self.renorm_momentum}


class LayerNormalization(_ScaleAndOffset):
    """Normalizes each example over ``axis`` (default the last), then scales and shifts.

    Formula:
        ``y = gamma * (x - mean) / sqrt(var + epsilon) + beta``, statistics over ``axis``.
        With ``rms_scaling=True``: ``y = gamma * x / sqrt(mean(x**2) + epsilon)``.
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, rms_scaling=False,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        super().__init__(beta_initializer, gamma_initializer, beta_regularizer,
                         gamma_regularizer, beta_constraint, gamma_constraint, **kwargs)
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else axis
        self.epsilon, self.center, self.scale = float(epsilon), center, scale
        self.rms_scaling = rms_scaling

    def build(self, input_shape):
        axes = _axes(self.axis, len(input_shape))
        shape = tuple(input_shape[a] for a in axes)
        self._add_gamma_beta(shape, self.scale or self.rms_scaling,
                             self.center and not self.rms_scaling)

    def _broadcast(self, v, ndim, axes):
        if v is None or axes == [ndim - 1]:
            return v
        shape = [1] * ndim
        for i, a in enumerate(axes):
            shape[a] = v.shape[i]
        return ops.reshape(v, shape)

    def call(self, inputs):
        ndim = inputs.ndim
        axes = _axes(self.axis, ndim)
        gamma = self._broadcast(self.gamma, ndim, axes)
        if self.rms_scaling:
            variance = ops.reduce_mean(ops.square(inputs), axis=axes, keepdims=True)
            return inputs * ops.rsqrt(variance + self.epsilon) * gamma
        mean, variance = ops.nn.moments(inputs, axes, keepdims=True)
        beta = self._broadcast(self.beta, ndim, axes)
        return ops.nn.batch_normalization(inputs, mean, variance, beta, gamma, self.epsilon)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale, "rms_scaling": self.rms_scaling,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint)}


class UnitNormalization(Layer):
    """Scales each example to unit L2 norm over ``axis``.

    Formula:
        ``y = x / sqrt(max(sum(x**2, axis), 1e-12))``.

    Args:
        axis: axis or list of axes to normalize over (default -1).
    """

    _cast_int_inputs = True
    _shape_rule = "compute"

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else int(axis)
        self.supports_masking = True

    def call(self, inputs):
        squares = ops.reduce_sum(ops.square(inputs), axis=self.axis, keepdims=True)
        return inputs * ops.math.rsqrt(ops.maximum(squares, 1e-12))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
