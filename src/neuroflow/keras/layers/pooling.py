"""Pooling layers: Max/AveragePooling1D/2D and GlobalMax/GlobalAveragePooling1D/2D."""

from ...core import ops
from .convolutional import conv_output_length, normalize_tuple
from .input_spec import InputSpec
from .layer import Layer

__all__ = ["MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D",
           "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalAveragePooling1D",
           "GlobalAveragePooling2D", "MaxPool1D", "MaxPool2D", "AvgPool1D", "AvgPool2D",
           "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalAvgPool1D", "GlobalAvgPool2D"]


class _Pooling(Layer):
    """Windowed max or mean over ``rank`` spatial dims."""

    _shape_rule = "input"

    rank = 2
    kind = "max"

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.pool_size = normalize_tuple(pool_size, self.rank, "pool_size")
        self.strides = self.pool_size if strides is None else normalize_tuple(
            strides, self.rank, "strides")
        self.padding = padding.lower()
        if self.padding not in ("valid", "same"):
            raise ValueError(f"Invalid padding: {padding!r}. Expected 'valid' or 'same'")
        self.data_format = data_format or "channels_last"
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs):
        first = self.data_format == "channels_first"
        fmt = ("NCW", "NCHW")[self.rank - 1] if first else ("NWC", "NHWC")[self.rank - 1]
        pools = {("max", 1): ops.max_pool1d, ("max", 2): ops.max_pool2d,
                 ("avg", 1): ops.avg_pool1d, ("avg", 2): ops.avg_pool2d}
        pool = pools[(self.kind, self.rank)]
        return pool(inputs, self.pool_size, self.strides, self.padding.upper(), data_format=fmt)

    def compute_output_shape(self, input_shape):
        first = self.data_format == "channels_first"
        spatial = input_shape[2:] if first else input_shape[1:-1]
        out = tuple(conv_output_length(n, k, self.padding, s)
                    for n, k, s in zip(spatial, self.pool_size, self.strides))
        if first:
            return tuple(input_shape[:2]) + out
        return (input_shape[0],) + out + (input_shape[-1],)

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size, "padding": self.padding,
                "strides": self.strides, "data_format": self.data_format}


class MaxPooling1D(_Pooling):
    """Max over windows of ``pool_size`` steps (default 2, stride = pool_size)."""

    rank, kind = 1, "max"


class MaxPooling2D(_Pooling):
    """Max over ``pool_size`` windows of an image (default (2, 2), stride = pool_size).

    Example:
        >>> nf.keras.layers.MaxPooling2D()(nf.ones((1, 28, 28, 3))).shape
        TensorShape([1, 14, 14, 3])
    """

    rank, kind = 2, "max"

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling1D(_Pooling):
    """Mean over windows of ``pool_size`` steps."""

    _cast_int_inputs = True

    rank, kind = 1, "avg"


class AveragePooling2D(_Pooling):
    """Mean over ``pool_size`` windows of an image (SAME padding averages real pixels only)."""

    _cast_int_inputs = True

    rank, kind = 2, "avg"

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class _GlobalPooling(Layer):
    """Max or mean over all spatial dims."""

    _shape_rule = "input"

    rank = 2
    kind = "max"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format or "channels_last"
        self.keepdims = keepdims
        self.input_spec = InputSpec(ndim=self.rank + 2)
        self.supports_masking = self.rank == 1 and self.kind == "avg"

    def _axes(self):
        first = 2 if self.data_format == "channels_first" else 1
        return list(range(first, first + self.rank))

    def call(self, inputs, mask=None):
        axes = self._axes()
        if self.kind == "max":
            return ops.reduce_max(inputs, axis=axes, keepdims=self.keepdims)
        if mask is not None:
            weights = ops.cast(mask, inputs.dtype)
            weights = ops.expand_dims(weights, 1 if self.data_format == "channels_first" else -1)
            total = ops.reduce_sum(inputs * weights, axis=axes, keepdims=self.keepdims)
            count = ops.reduce_sum(weights, axis=axes, keepdims=self.keepdims)
            return ops.divide_no_nan(total, count)
        return ops.reduce_mean(inputs, axis=axes, keepdims=self.keepdims)

    def compute_mask(self, inputs, previous_mask=None):
        return None

    def compute_output_shape(self, input_shape):
        axes = self._axes()
        if self.keepdims:
            return tuple(1 if i in axes else d for i, d in enumerate(input_shape))
        return tuple(d for i, d in enumerate(input_shape) if i not in axes)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format,
                "keepdims": self.keepdims}


class GlobalMaxPooling1D(_GlobalPooling):
    """Max over the steps of ``(batch, steps, features)``."""

    rank, kind = 1, "max"


class GlobalMaxPooling2D(_GlobalPooling):
    """Max over height and width."""

    rank, kind = 2, "max"


class GlobalAveragePooling1D(_GlobalPooling):
    """Mean over the steps (masked steps excluded when a mask is given)."""

    _cast_int_inputs = True

    rank, kind = 1, "avg"


class GlobalAveragePooling2D(_GlobalPooling):
    """Mean over height and width."""

    _cast_int_inputs = True

    rank, kind = 2, "avg"


MaxPool1D, MaxPool2D = MaxPooling1D, MaxPooling2D
AvgPool1D, AvgPool2D = AveragePooling1D, AveragePooling2D
GlobalMaxPool1D, GlobalMaxPool2D = GlobalMaxPooling1D, GlobalMaxPooling2D
GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D
