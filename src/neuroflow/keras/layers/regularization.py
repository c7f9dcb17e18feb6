"""Regularization layers: GaussianNoise, GaussianDropout, SpatialDropout1D/2D,
ActivityRegularization. All are the identity at inference."""

from ...core import ops
from ...core.ops import random as random_ops
from .. import regularizers
from .input_spec import InputSpec
from .layer import Layer

__all__ = ["GaussianNoise", "GaussianDropout", "SpatialDropout1D", "SpatialDropout2D",
           "ActivityRegularization"]


class GaussianNoise(Layer):
    """Adds zero-mean Gaussian noise of standard deviation ``stddev`` in training."""

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.stddev, self.seed = float(stddev), seed
        self.supports_masking = True

    def call(self, inputs, training=False):
        if not training or self.stddev == 0:
            return inputs
        return inputs + random_ops.normal(ops.shape.shape(inputs), stddev=self.stddev,
                                          dtype=inputs.dtype, seed=self.seed)

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


class GaussianDropout(Layer):
    """Multiplies by Gaussian noise of mean 1 and variance ``rate / (1 - rate)`` in training."""

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate, self.seed = float(rate), seed
        self.supports_masking = True

    def call(self, inputs, training=False):
        if not training or not 0 < self.rate < 1:
            return inputs
        stddev = (self.rate / (1.0 - self.rate)) ** 0.5
        return inputs * random_ops.normal(ops.shape.shape(inputs), mean=1.0, stddev=stddev,
                                          dtype=inputs.dtype, seed=self.seed)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


class _SpatialDropout(Layer):
    rank = 1

    def __init__(self, rate, seed=None, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.rate, self.seed = float(rate), seed
        self.data_format = data_format or "channels_last"
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        if self.data_format == "channels_first":
            noise = (None, inputs.shape[1]) + (1,) * self.rank
        else:
            noise = (None,) + (1,) * self.rank + (inputs.shape[-1],)
        return ops.nn.dropout(inputs, self.rate, noise_shape=noise, seed=self.seed)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed,
                "data_format": self.data_format}


class SpatialDropout1D(_SpatialDropout):
    """Drops whole feature channels of ``(batch, steps, channels)`` inputs in training."""

    rank = 1


class SpatialDropout2D(_SpatialDropout):
    """Drops whole feature maps of ``(batch, h, w, channels)`` inputs in training."""

    rank = 2


class ActivityRegularization(Layer):
    """Identity that adds ``l1 * sum(|x|) + l2 * sum(x**2)`` (per example) to the losses."""

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1, self.l2 = l1, l2
        self.supports_masking = True

    def get_config(self):
        config = super().get_config()
        config.pop("activity_regularizer", None)
        return {**config, "l1": self.l1, "l2": self.l2}
