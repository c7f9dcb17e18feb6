"""ONNX forms of the core Keras layers (inference: dropout and noise are identities).

Each converter is ``convert(g, layer, node, xs) -> output name(s)``: ``g`` the GraphBuilder,
``xs`` the input tensor names of this call, ``node`` the functional node (for static shapes).
Data stays in Keras's layout (NHWC); convolutions and pooling transpose to ONNX's NCHW and
back around their op (onnxruntime cancels adjacent transposes).
"""

import numpy as np

from ..backend.errors import UnimplementedError
from ..keras import layers as L
from .builder import activation

__all__ = ["CONVERTERS"]


def _value(variable):
    return np.asarray(variable.numpy())


def _in_shape(node, i=0):
    return tuple(node.input_tensors[i].shape)


def _dense(g, layer, node, xs):
    y = g.op("MatMul", [xs[0], g.const(_value(layer.kernel), f"{layer.name}/kernel")],
             hint=layer.name)
    if layer.bias is not None:
        y = g.op("Add", [y, g.const(_value(layer.bias), f"{layer.name}/bias")], hint=layer.name)
    return activation(g, y, layer.activation, layer.name)


# -- convolution and pooling (NHWC <-> NCHW around the op) -------------------------------------
def _to_first(g, x, rank, layer):
    if layer.data_format == "channels_first":
        return x
    return g.transpose(x, [0, rank + 1] + list(range(1, rank + 1)), f"{layer.name}/to_nchw")


def _to_last(g, y, rank, layer):
    if layer.data_format == "channels_first":
        return y
    return g.transpose(y, [0] + list(range(2, rank + 2)) + [1], f"{layer.name}/to_nhwc")


def _padding(layer, rank, node):
    """ONNX padding attributes for Keras's ``padding`` (TF's 'same' puts the odd pixel last)."""
    if layer.padding == "valid":
        return {"auto_pad": "VALID"}
    if layer.padding == "same":
        shape = _in_shape(node)
        spatial = shape[2:] if layer.data_format == "channels_first" else shape[1:-1]
        kernel = getattr(layer, "kernel_size", None) or layer.pool_size
        dilation = getattr(layer, "dilation_rate", (1,) * rank)
        if None in spatial:   # onnxruntime pads SAME_UPPER itself (without dilation only)
            return {"auto_pad": "SAME_UPPER"}
        totals = [max((-(-n // s) - 1) * s + (k - 1) * d + 1 - n, 0)
                  for n, s, k, d in zip(spatial, layer.strides, kernel, dilation)]
        return {"pads": [t // 2 for t in totals] + [t - t // 2 for t in totals]}
    if layer.padding == "causal":
        left = (layer.kernel_size[0] - 1) * layer.dilation_rate[0]
        return {"pads": [left, 0]}
    raise UnimplementedError(f"ONNX export: padding {layer.padding!r} of layer {layer.name!r}")


def _conv(g, layer, node, xs, weight, group, bias):
    rank = layer.rank
    x = _to_first(g, xs[0], rank, layer)
    inputs = [x, g.const(weight, f"{layer.name}/kernel")]
    if bias is not None:
        inputs.append(g.const(_value(bias), f"{layer.name}/bias"))
    y = g.op("Conv", inputs, hint=layer.name, strides=list(layer.strides),
             dilations=list(layer.dilation_rate), group=group, **_padding(layer, rank, node))
    return activation(g, _to_last(g, y, rank, layer), layer.activation, layer.name)


def _oihw(kernel):
    """Keras's (spatial..., in, out) kernel as ONNX's (out, in, spatial...)."""
    rank = kernel.ndim - 2
    return np.transpose(kernel, [rank + 1, rank] + list(range(rank)))


def _convolution(g, layer, node, xs):
    return _conv(g, layer, node, xs, _oihw(_value(layer.kernel)), layer.groups, layer.bias)


def _depthwise_weight(kernel):
    """(kh, kw, in, m) as a grouped convolution's (in * m, 1, kh, kw); channel c*m + k."""
    kh, kw, channels, multiplier = kernel.shape
    return np.transpose(kernel.reshape(kh, kw, channels * multiplier), [2, 0, 1])[:, None]


def _depthwise(g, layer, node, xs):
    kernel = _value(layer.kernel)
    return _conv(g, layer, node, xs, _depthwise_weight(kernel), kernel.shape[2], layer.bias)


def _separable(g, layer, node, xs):
    depthwise = _value(layer.depthwise_kernel)
    x = _to_first(g, xs[0], 2, layer)
    y = g.op("Conv", [x, g.const(_depthwise_weight(depthwise), f"{layer.name}/depthwise")],
             hint=layer.name, strides=list(layer.strides), dilations=list(layer.dilation_rate),
             group=depthwise.shape[2], **_padding(layer, 2, node))
    inputs = [y, g.const(_oihw(_value(layer.pointwise_kernel)), f"{layer.name}/pointwise")]
    if layer.bias is not None:
        inputs.append(g.const(_value(layer.bias), f"{layer.name}/bias"))
    y = g.op("Conv", inputs, hint=layer.name)
    return activation(g, _to_last(g, y, 2, layer), layer.activation, layer.name)


def _pooling(g, layer, node, xs):
    rank = layer.rank
    op = "MaxPool" if isinstance(layer, (L.MaxPooling1D, L.MaxPooling2D)) else "AveragePool"
    x = _to_first(g, xs[0], rank, layer)
    y = g.op(op, [x], hint=layer.name, kernel_shape=list(layer.pool_size),
             strides=list(layer.strides), **_padding(layer, rank, node))
    return _to_last(g, y, rank, layer)


def _global_pooling(g, layer, node, xs):
    rank = layer.rank
    axes = list(range(2, rank + 2)) if layer.data_format == "channels_first" else \
        list(range(1, rank + 1))
    op = "ReduceMax" if isinstance(layer, (L.GlobalMaxPooling1D, L.GlobalMaxPooling2D)) \
        else "ReduceMean"
    return g.op(op, [xs[0]], hint=layer.name, axes=axes, keepdims=int(bool(layer.keepdims)))


# -- normalization ----------------------------------------------------------------------------
def _axes(axis, ndim):
    axes = axis if isinstance(axis, (list, tuple)) else [axis]
    return sorted(a % ndim for a in axes)


def _broadcastable(value, axes, ndim):
    shape = [1] * ndim
    for a, d in zip(axes, np.shape(value)):
        shape[a] = d
    return np.reshape(value, shape)


def _batch_norm(g, layer, node, xs):
    ndim = len(_in_shape(node))
    axes = _axes(layer.axis, ndim)
    mean = _value(layer.moving_mean)
    rstd = 1.0 / np.sqrt(_value(layer.moving_variance) + np.float32(layer.epsilon))
    scale = rstd * (_value(layer.gamma) if layer.gamma is not None else 1.0)
    y = g.op("Sub", [xs[0], g.const(_broadcastable(mean, axes, ndim), f"{layer.name}/mean")],
             hint=layer.name)
    y = g.op("Mul", [y, g.const(_broadcastable(scale.astype(np.float32), axes, ndim),
                                f"{layer.name}/scale")], hint=layer.name)
    if layer.beta is not None:
        y = g.op("Add", [y, g.const(_broadcastable(_value(layer.beta), axes, ndim),
                                    f"{layer.name}/beta")], hint=layer.name)
    return y


def _layer_norm(g, layer, node, xs):
    ndim = len(_in_shape(node))
    axes, x, name = _axes(layer.axis, ndim), xs[0], layer.name
    eps = g.const(np.float32(layer.epsilon), f"{name}/epsilon")
    if getattr(layer, "rms_scaling", False):
        variance = g.op("ReduceMean", [g.op("Mul", [x, x], hint=name)], hint=name, axes=axes)
        y = g.op("Div", [x, g.op("Sqrt", [g.op("Add", [variance, eps], hint=name)],
                                 hint=name)], hint=name)
    else:
        mean = g.op("ReduceMean", [x], hint=name, axes=axes)
        centered = g.op("Sub", [x, mean], hint=name)
        variance = g.op("ReduceMean", [g.op("Mul", [centered, centered], hint=name)],
                        hint=name, axes=axes)
        y = g.op("Div", [centered, g.op("Sqrt", [g.op("Add", [variance, eps], hint=name)],
                                        hint=name)], hint=name)
    if layer.gamma is not None:
        y = g.op("Mul", [y, g.const(_broadcastable(_value(layer.gamma), axes, ndim),
                                    f"{name}/gamma")], hint=name)
    if layer.beta is not None:
        y = g.op("Add", [y, g.const(_broadcastable(_value(layer.beta), axes, ndim),
                                    f"{name}/beta")], hint=name)
    return y


# -- activations, shapes, merging -------------------------------------------------------------
def _activation(g, layer, node, xs):
    return activation(g, xs[0], layer.activation, layer.name)


def _relu(g, layer, node, xs):
    x, name = xs[0], layer.name
    if layer.threshold != 0:
        raise UnimplementedError(f"ONNX export: ReLU layer {name!r} with a threshold")
    y = g.op("LeakyRelu", [x], hint=name, alpha=float(layer.negative_slope)) \
        if layer.negative_slope else g.op("Relu", [x], hint=name)
    if layer.max_value is not None:
        y = g.op("Min", [y, g.const(np.float32(layer.max_value))], hint=name)
    return y


def _softmax(g, layer, node, xs):
    if isinstance(layer.axis, (list, tuple)):
        raise UnimplementedError(f"ONNX export: Softmax layer {layer.name!r} over several axes")
    return g.op("Softmax", [xs[0]], hint=layer.name, axis=int(layer.axis))


def _prelu(g, layer, node, xs):
    return g.op("PRelu", [xs[0], g.const(_value(layer.alpha), f"{layer.name}/alpha")],
                hint=layer.name)


def _identity(g, layer, node, xs):
    return g.op("Identity", [xs[0]], hint=layer.name)


def _flatten(g, layer, node, xs):
    x = xs[0]
    if layer.data_format == "channels_first" and len(_in_shape(node)) > 2:
        ndim = len(_in_shape(node))
        x = g.transpose(x, [0] + list(range(2, ndim)) + [1], f"{layer.name}/to_last")
    return g.op("Flatten", [x], hint=layer.name, axis=1)


def _reshape(g, layer, node, xs):
    return g.op("Reshape", [xs[0], g.ints([0] + list(layer.target_shape))], hint=layer.name)


def _permute(g, layer, node, xs):
    return g.transpose(xs[0], [0] + list(layer.dims), layer.name)


def _rescaling(g, layer, node, xs):
    y = g.op("Mul", [xs[0], g.const(np.asarray(layer.scale, np.float32))], hint=layer.name)
    return g.op("Add", [y, g.const(np.asarray(layer.offset, np.float32))], hint=layer.name)


def _embedding(g, layer, node, xs):
    if getattr(layer, "mask_zero", False):
        raise UnimplementedError(f"ONNX export: Embedding {layer.name!r} has mask_zero=True; "
                                 "masks are not exported")
    ids = g.op("Cast", [xs[0]], hint=layer.name, to=g.onnx.TensorProto.INT64)
    return g.op("Gather", [g.const(_value(layer.embeddings), f"{layer.name}/embeddings"), ids],
                hint=layer.name, axis=0)


def _merge(op_type):
    def convert(g, layer, node, xs):
        y = xs[0]
        for x in xs[1:] if op_type in ("Sub", "Mul") else []:
            y = g.op(op_type, [y, x], hint=layer.name)
        return y if op_type in ("Sub", "Mul") else g.op(op_type, xs, hint=layer.name)
    return convert


def _concatenate(g, layer, node, xs):
    return g.op("Concat", xs, hint=layer.name, axis=int(layer.axis))


CONVERTERS = {
    L.Dense: _dense, L.Conv1D: _convolution, L.Conv2D: _convolution,
    L.DepthwiseConv2D: _depthwise, L.SeparableConv2D: _separable,
    L.MaxPooling1D: _pooling, L.MaxPooling2D: _pooling, L.AveragePooling1D: _pooling,
    L.AveragePooling2D: _pooling, L.GlobalMaxPooling1D: _global_pooling,
    L.GlobalMaxPooling2D: _global_pooling, L.GlobalAveragePooling1D: _global_pooling,
    L.GlobalAveragePooling2D: _global_pooling, L.BatchNormalization: _batch_norm,
    L.LayerNormalization: _layer_norm, L.Activation: _activation, L.ReLU: _relu,
    L.LeakyReLU: lambda g, layer, node, xs: g.op("LeakyRelu", [xs[0]], hint=layer.name,
                                                 alpha=float(layer.negative_slope)),
    L.ELU: lambda g, layer, node, xs: g.op("Elu", [xs[0]], hint=layer.name,
                                           alpha=float(layer.alpha)),
    L.PReLU: _prelu, L.Softmax: _softmax, L.Flatten: _flatten, L.Reshape: _reshape,
    L.Permute: _permute, L.Rescaling: _rescaling, L.Embedding: _embedding,
    L.Dropout: _identity, L.SpatialDropout1D: _identity, L.SpatialDropout2D: _identity,
    L.GaussianNoise: _identity, L.GaussianDropout: _identity,
    L.ActivityRegularization: _identity, L.Identity: _identity,
    L.Add: _merge("Sum"), L.Subtract: _merge("Sub"), L.Multiply: _merge("Mul"),
    L.Average: _merge("Mean"), L.Maximum: _merge("Max"), L.Minimum: _merge("Min"),
    L.Concatenate: _concatenate,
}
