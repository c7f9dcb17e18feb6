"""Convolution layers: Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D, SeparableConv2D.

Weights use Keras's layouts: Conv kernels ``(*kernel_size, in, filters)``, transposed conv
``(*kernel_size, filters, in)``, depthwise ``(*kernel_size, in, depth_multiplier)``.
"""

from ...core import ops
from .. import activations, constraints, initializers, regularizers
from .input_spec import InputSpec
from .layer import Layer

__all__ = ["Conv1D", "Conv2D", "Conv2DTranspose", "DepthwiseConv2D", "SeparableConv2D",
           "Convolution1D", "Convolution2D", "conv_output_length"]


def normalize_tuple(value, n, name):
    """An int or a sequence of ``n`` ints as a tuple of ``n`` ints."""
    if isinstance(value, int):
        return (value,) * n
    value = tuple(int(v) for v in value)
    if len(value) != n:
        raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. "
                         f"Received {name}={value}")
    return value


def conv_output_length(length, kernel, padding, stride, dilation=1):
    """Output length of a convolution along one axis (None stays None)."""
    if length is None:
        return None
    kernel = (kernel - 1) * dilation + 1
    if padding in ("same", "causal"):
        out = length
    else:
        out = length - kernel + 1
    return (out + stride - 1) // stride


def _deconv_length(length, kernel, padding, output_padding, stride, dilation):
    if length is None:
        return None
    kernel = kernel + (kernel - 1) * (dilation - 1)
    if output_padding is None:
        if padding == "valid":
            return length * stride + max(kernel - stride, 0)
        return length * stride
    pad = kernel // 2 if padding == "same" else 0
    return (length - 1) * stride + kernel - 2 * pad + output_padding


class _Conv(Layer):
    """What every convolution layer shares: arguments, kernel/bias creation, bias and activation."""

    _cast_int_inputs = True

    _shape_rule = "compute"

    rank = 2

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.filters = None if filters is None else int(filters)
        if self.filters is not None and self.filters <= 0:
            raise ValueError(f"Invalid value for argument `filters`. Expected a strictly "
                             f"positive value. Received filters={filters}.")
        self.kernel_size = normalize_tuple(kernel_size, self.rank, "kernel_size")
        self.strides = normalize_tuple(strides, self.rank, "strides")
        self.dilation_rate = normalize_tuple(dilation_rate, self.rank, "dilation_rate")
        self.padding = padding.lower()
        if self.padding not in ("valid", "same", "causal"):
            raise ValueError(f"Invalid padding: {padding!r}. Expected 'valid', 'same' or "
                             "'causal'")
        self.data_format = data_format or "channels_last"
        self.groups = int(groups)
        if self.filters is not None and self.filters % self.groups:
            raise ValueError(f"The number of filters must be evenly divisible by the number of "
                             f"groups. Received: groups={self.groups}, filters={self.filters}.")
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=self.rank + 2)

    @property
    def _channel_axis(self):
        return 1 if self.data_format == "channels_first" else -1

    @property
    def _op_format(self):
        if self.data_format == "channels_first":
            return ("NCW", "NCHW")[self.rank - 1]
        return ("NWC", "NHWC")[self.rank - 1]

    def _input_channels(self, input_shape):
        channels = input_shape[self._channel_axis]
        if channels is None:
            raise ValueError(f"The channel dimension of the inputs should be defined. Found "
                             f"None. Full input shape received: {input_shape}")
        return channels

    def _kernel_shape(self, channels):
        return self.kernel_size + (channels // self.groups, self.filters)

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        if channels % self.groups:
            raise ValueError(f"The number of input channels must be evenly divisible by the "
                             f"number of groups. Received groups={self.groups}, but the input "
                             f"has {channels} channels (full input shape is {input_shape}).")
        self.input_spec = InputSpec(min_ndim=self.rank + 2,
                                    axes={self._channel_axis: channels})
        self.kernel = self.add_weight(name="kernel", shape=self._kernel_shape(channels),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self._out_channels(channels),),
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)

    def _out_channels(self, channels):
        return self.filters

    def _finish(self, y):
        if self.bias is not None:
            if self.data_format == "channels_first":
                y = y + ops.reshape(self.bias, (1, -1) + (1,) * self.rank)
            else:
                y = y + self.bias
        return self.activation(y) if self.activation is not None else y

    def _padded(self, x):
        """Causal padding (Conv1D): pad the start so output t sees inputs <= t."""
        if self.padding != "causal":
            return x, self.padding.upper()
        left = (self.kernel_size[0] - 1) * self.dilation_rate[0]
        paddings = [[0, 0], [left, 0], [0, 0]]
        if self.data_format == "channels_first":
            paddings = [[0, 0], [0, 0], [left, 0]]
        return ops.pad(x, paddings), "VALID"

    def call(self, inputs):
        x, padding = self._padded(inputs)
        conv = ops.conv.conv2d if self.rank == 2 else ops.conv.conv1d

        def run(x, kernel):
            return conv(x, kernel, self.strides, padding, data_format=self._op_format,
                        dilations=self.dilation_rate)
        if self.groups == 1:
            return self._finish(run(x, self.kernel))
        axis = 1 if self.data_format == "channels_first" else -1
        xs = ops.split(x, self.groups, axis=axis)
        kernels = ops.split(self.kernel, self.groups, axis=-1)
        return self._finish(ops.concat([run(a, k) for a, k in zip(xs, kernels)], axis=axis))

    def compute_output_shape(self, input_shape):
        spatial = input_shape[2:] if self.data_format == "channels_first" else input_shape[1:-1]
        out = tuple(conv_output_length(n, k, self.padding, s, d) for n, k, s, d in zip(
            spatial, self.kernel_size, self.strides, self.dilation_rate))
        channels = self._out_channels(input_shape[self._channel_axis])
        if self.data_format == "channels_first":
            return (input_shape[0], channels) + out
        return (input_shape[0],) + out + (channels,)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "kernel_size": self.kernel_size, "strides": self.strides,
                "padding": self.padding, "data_format": self.data_format,
                "dilation_rate": self.dilation_rate, "groups": self.groups,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint)}


class Conv1D(_Conv):
    """1-D convolution over sequences ``(batch, steps, channels)``; kernel ``(k, in, filters)``.

    ``padding='causal'`` pads only the start, so step t sees inputs up to t.
    """

    rank = 1

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, groups=groups,
                         activation=activation, use_bias=use_bias, **kwargs)


class Conv2D(_Conv):
    """2-D convolution over images ``(batch, height, width, channels)``.

    Formula:
        ``y[n, i, j, o] = sum_{di, dj, c} x[n, i*s + di, j*s + dj, c] * kernel[di, dj, c, o]
        + bias[o]``, then ``activation``.

    Args:
        filters: number of output channels.
        kernel_size: int or (kh, kw).
        strides: int or (sh, sw).
        padding: ``'valid'`` or ``'same'``.
        activation: default none.

    Example:
        >>> nf.keras.layers.Conv2D(8, 3)(nf.ones((1, 28, 28, 1))).shape
        TensorShape([1, 26, 26, 8])
    """

    rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), groups=1, activation=None, use_bias=True, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, groups=groups,
                         activation=activation, use_bias=use_bias, **kwargs)


class Conv2DTranspose(_Conv):
    """Transposed 2-D convolution (upsampling); kernel ``(kh, kw, filters, in)``."""

    rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 output_padding=None, data_format=None, dilation_rate=(1, 1), activation=None,
                 use_bias=True, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         activation=activation, use_bias=use_bias, **kwargs)
        self.output_padding = None if output_padding is None else normalize_tuple(
            output_padding, 2, "output_padding")
        if self.output_padding is not None:
            raise NotImplementedError("Conv2DTranspose: output_padding is not supported yet")

    def _kernel_shape(self, channels):
        return self.kernel_size + (self.filters, channels)

    def _out_spatial(self, spatial):
        return tuple(_deconv_length(n, k, self.padding, None, s, d) for n, k, s, d in zip(
            spatial, self.kernel_size, self.strides, self.dilation_rate))

    def call(self, inputs):
        first = self.data_format == "channels_first"
        dims = ops.shape.dynamic_dims(inputs)   # unknown spatial dims as run-time scalars
        spatial = tuple(dims[2:] if first else dims[1:-1])
        out = self._out_spatial(spatial)
        shape = ((None, self.filters) + out) if first else ((None,) + out + (self.filters,))
        y = ops.conv.conv2d_transpose(inputs, self.kernel, shape, self.strides,
                                      padding=self.padding.upper(), data_format=self._op_format,
                                      dilations=self.dilation_rate)
        return self._finish(y)

    def compute_output_shape(self, input_shape):
        first = self.data_format == "channels_first"
        out = self._out_spatial(input_shape[2:] if first else input_shape[1:-1])
        if first:
            return (input_shape[0], self.filters) + out
        return (input_shape[0],) + out + (self.filters,)

    def get_config(self):
        config = super().get_config()
        config.pop("groups")
        return {**config, "output_padding": self.output_padding}


class DepthwiseConv2D(_Conv):
    """Convolves each channel with its own ``depth_multiplier`` filters;
    kernel ``(kh, kw, in, depth_multiplier)``."""

    rank = 2

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        kwargs.pop("filters", None)
        kwargs.pop("groups", None)
        for legacy in ("kernel_initializer", "kernel_regularizer", "kernel_constraint"):
            kwargs.pop(legacy, None)
        super().__init__(None, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         activation=activation, use_bias=use_bias,
                         kernel_initializer=depthwise_initializer,
                         bias_initializer=bias_initializer,
                         kernel_regularizer=depthwise_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=depthwise_constraint,
                         bias_constraint=bias_constraint, **kwargs)
        self.depth_multiplier = int(depth_multiplier)

    def _kernel_shape(self, channels):
        return self.kernel_size + (channels, self.depth_multiplier)

    def _out_channels(self, channels):
        return None if channels is None else channels * self.depth_multiplier

    def call(self, inputs):
        y = ops.conv.depthwise_conv2d(inputs, self.kernel, self.strides, self.padding.upper(),
                                      data_format=self._op_format, dilations=self.dilation_rate)
        return self._finish(y)

    def get_config(self):
        config = super().get_config()
        for key in ("filters", "groups"):
            config.pop(key)
        config["depth_multiplier"] = self.depth_multiplier
        for old, new in (("kernel_initializer", "depthwise_initializer"),
                         ("kernel_regularizer", "depthwise_regularizer"),
                         ("kernel_constraint", "depthwise_constraint")):
            config[new] = config.pop(old)
        return config


class SeparableConv2D(_Conv):
    """Depthwise convolution then a 1x1 convolution: weights ``depthwise_kernel``
    ``(kh, kw, in, depth_multiplier)``, ``pointwise_kernel`` ``(1, 1, in * m, filters)``, bias."""

    rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         activation=activation, use_bias=use_bias,
                         bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         bias_constraint=bias_constraint, **kwargs)
        self.depth_multiplier = int(depth_multiplier)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.pointwise_constraint = constraints.get(pointwise_constraint)

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self.input_spec = InputSpec(ndim=4, axes={self._channel_axis: channels})
        self.depthwise_kernel = self.add_weight(
            name="depthwise_kernel", shape=self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint)
        self.pointwise_kernel = self.add_weight(
            name="pointwise_kernel", shape=(1, 1, channels * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self.filters,),
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)

    def call(self, inputs):
        y = ops.conv.separable_conv2d(inputs, self.depthwise_kernel, self.pointwise_kernel,
                                      self.strides, self.padding.upper(),
                                      data_format=self._op_format, dilations=self.dilation_rate)
        return self._finish(y)

    def get_config(self):
        config = super().get_config()
        for key in ("kernel_initializer", "kernel_regularizer", "kernel_constraint", "groups"):
            config.pop(key)
        return {**config, "depth_multiplier": self.depth_multiplier,
                "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
                "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
                "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
                "pointwise_regularizer": regularizers.serialize(self.pointwise_regularizer),
                "depthwise_constraint": constraints.serialize(self.depthwise_constraint),
                "pointwise_constraint": constraints.serialize(self.pointwise_constraint)}


Convolution1D = Conv1D
Convolution2D = Conv2D
