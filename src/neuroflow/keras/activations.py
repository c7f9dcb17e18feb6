"""``nf.keras.activations``: Keras 3's activation functions and ``get``/``serialize``.

``softmax`` and ``sigmoid`` remember the logits they were given (as Keras does with
``_keras_logits``), so a crossentropy loss on their output computes from the logits: exact,
and without the gradient dying where a probability was clipped.
"""

import weakref

from ..core.convert import convert_to_tensor
from ..core.ops import math as m
from ..core.ops import nn as _nn
from ..core.ops.shape import reshape
from ..core.tensor import Tensor
from . import _objects

__all__ = ["relu", "relu6", "leaky_relu", "elu", "selu", "gelu", "silu", "swish", "softplus",
           "softsign", "sigmoid", "hard_sigmoid", "hard_silu", "hard_swish", "tanh",
           "softmax", "log_softmax", "exponential", "linear", "mish", "log_sigmoid",
           "get", "serialize", "deserialize"]

_LOGITS = {}   # id(output) -> (weakref to output, logits), dropped when the output dies


def _remember_logits(output, logits):
    key = id(output)
    try:
        ref = weakref.ref(output, lambda _, key=key: _LOGITS.pop(key, None))
    except TypeError:
        return output
    _LOGITS[key] = (ref, logits)
    return output


def logits_of(output):
    """The logits ``output`` was computed from by ``softmax``/``sigmoid``, else None."""
    entry = _LOGITS.get(id(output))
    if entry is not None and entry[0]() is output:
        return entry[1]
    return None


def _t(x):
    return x if isinstance(x, Tensor) else convert_to_tensor(x, dtype_hint="float32")


def _float(x):
    """``x`` as a float tensor: integers become float32, as Keras 3's ``ops.tanh``/``exp`` do."""
    x = _t(x)
    return m.cast(x, "float32") if x.dtype.is_integer or x.dtype.is_bool else x


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit, with Keras's optional slope, cap and threshold.

    Formula:
        f(x) = max_value            for x >= max_value
             = x                    for threshold <= x < max_value
             = negative_slope * (x - threshold)   otherwise

    Example:
        >>> nf.keras.activations.relu(nf.constant([-1.0, 2.0])).numpy()
        array([0., 2.], dtype=float32)
    """
    x = _t(x)
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return _nn.relu(x)
    if negative_slope != 0.0:
        if max_value is None and threshold == 0:
            return _nn.leaky_relu(x, alpha=negative_slope)
        negative_part = _nn.relu(threshold - x if threshold != 0 else -x)
    clip_max = max_value is not None
    if threshold != 0:
        y = x * m.cast(x > threshold, x.dtype)
    elif max_value == 6:
        y, clip_max = _nn.relu6(x), False
    else:
        y = _nn.relu(x)
    if clip_max:
        y = m.clip_by_value(y, 0.0, max_value)
    if negative_slope != 0.0:
        y = y - negative_part * negative_slope
    return y


def relu6(x):
    """min(max(x, 0), 6)."""
    return _nn.relu6(_t(x))


def leaky_relu(x, negative_slope=0.2):
    """x for x >= 0, negative_slope * x otherwise."""
    return _nn.leaky_relu(_t(x), alpha=negative_slope)


def elu(x, alpha=1.0):
    """Exponential linear unit: x for x > 0, alpha * (exp(x) - 1) otherwise."""
    x = _t(x)
    if alpha == 1.0:
        return _nn.elu(x)
    return m.where(x > 0, x, m.expm1(m.minimum(x, 0.0)) * alpha)


def selu(x):
    """Scaled ELU: scale * elu(x, alpha) with scale 1.0507..., alpha 1.6732..."""
    return _nn.selu(_t(x))


def gelu(x, approximate=False):
    """Gaussian error linear unit: x * P(X <= x), X ~ N(0, 1) (tanh approximation optional)."""
    return _nn.gelu(_t(x), approximate=approximate)


def silu(x):
    """x * sigmoid(x) (also called swish)."""
    return _nn.silu(_t(x))


swish = silu


def softplus(x):
    """log(exp(x) + 1), computed without overflow."""
    return _nn.softplus(_t(x))


def softsign(x):
    """x / (|x| + 1)."""
    return _nn.softsign(_t(x))


def sigmoid(x):
    """1 / (1 + exp(-x)); remembers ``x`` for crossentropy losses."""
    x = _t(x)
    return _remember_logits(m.sigmoid(x), x)


def hard_sigmoid(x):
    """Keras 3's piecewise-linear sigmoid: relu6(x + 3) / 6."""
    x = _t(x)
    return _nn.relu6(x + 3.0) / 6.0


def hard_silu(x):
    """x * hard_sigmoid(x)."""
    x = _t(x)
    return x * hard_sigmoid(x)


hard_swish = hard_silu


def tanh(x):
    """Hyperbolic tangent (integer input is cast to float32, as in Keras)."""
    return m.tanh(_float(x))


def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along ``axis`` (all axes when None); remembers ``x``.

    Example:
        >>> nf.keras.activations.softmax(nf.constant([[0.0, 0.0]])).numpy()
        array([[0.5, 0.5]], dtype=float32)
    """
    x = _t(x)
    if axis is None:
        y = reshape(_nn.softmax(reshape(x, [-1]), axis=-1), x.shape)
    else:
        y = _nn.softmax(x, axis=axis)
    return _remember_logits(y, x)


def log_softmax(x, axis=-1):
    """x - logsumexp(x) along ``axis``."""
    return _nn.log_softmax(_t(x), axis=axis)


def log_sigmoid(x):
    """log(sigmoid(x)) = -softplus(-x)."""
    return _nn.log_sigmoid(_t(x))


def exponential(x):
    """exp(x) (integer input is cast to float32, as in Keras)."""
    return m.exp(_float(x))


def linear(x):
    """The identity (what ``activation=None`` means)."""
    return x


def mish(x):
    """x * tanh(softplus(x))."""
    x = _t(x)
    return x * m.tanh(_nn.softplus(x))


_OBJECTS = {fn.__name__: fn for fn in (
    relu, relu6, leaky_relu, elu, selu, gelu, silu, softplus, softsign, sigmoid,
    hard_sigmoid, hard_silu, tanh, softmax, log_softmax, exponential, linear, mish,
    log_sigmoid)}
_OBJECTS.update({"swish": silu, "hard_swish": hard_silu})


def serialize(activation):
    """The activation's name (``'relu'``), or a config dict for an activation object."""
    if activation is None:
        return "linear"
    for name, fn in _OBJECTS.items():
        if fn is activation:
            return fn.__name__
    if hasattr(activation, "get_config"):
        return _objects.serialize(activation, "keras.layers")
    return getattr(activation, "__name__", str(activation))


def deserialize(config, custom_objects=None):
    """The activation function a name or config dict names."""
    return _objects.deserialize(config, _OBJECTS, "activation function", custom_objects)


def get(identifier):
    """An activation function from a name, None (linear), a config dict, or a callable.

    Raises:
        ValueError: for an unknown name (the message lists the valid names).
    """
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        return deserialize(identifier)
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret activation function identifier: {identifier!r}")

