"""Neural-network ops: activations, softmax, cross-entropies, dropout, normalization.

Activations whose composition would be unstable or slow are primitives: their kernels avoid
overflow (``exp`` of non-positive arguments only) and their gradient rules are written in
neuroflow ops, so second derivatives work. Fused softmax cross-entropies give finite values
and gradients for logits of any size. Everything here is TF's ``tf.nn`` (exported by
``neuroflow.nn``); TF puts none of it at the top level, so ``__all__`` is empty.
"""

import math as _math
import numbers

import numpy as np

from ...backend import random as _random
from . import _loops
from ...backend.errors import InvalidArgumentError, InvalidDTypeError
from ..registry import bind, defop
from ..shape import TensorShape
from ._base import check_axis, floating, pair, same_shape, tensor
from .index import gather
from .math import (_erf_kernel, _sigmoid_kernel, abs, add, cast, equal, exp, greater, less,
                   maximum, multiply, negative, rsqrt, sigmoid, square, squared_difference, tanh,
                   where)
from .reduce import keep_dims_like, normalize_axes, reduce_mean, reduce_sum
from .shape import concat, reshape

__all__ = []

# Everything ``neuroflow.nn`` re-exports from this module.
NN_NAMES = [
    "relu", "relu6", "leaky_relu", "elu", "selu", "gelu", "silu", "swish", "softplus",
    "softsign", "log_sigmoid", "softmax", "log_softmax", "sigmoid_cross_entropy_with_logits",
    "weighted_cross_entropy_with_logits", "softmax_cross_entropy_with_logits",
    "sparse_softmax_cross_entropy_with_logits", "bias_add", "dropout", "moments",
    "batch_normalization", "l2_normalize", "l2_loss", "compute_average_loss", "crelu",
    "embedding_lookup", "zero_fraction",
]
# The ones TF also exports under ``tf.math``.
MATH_NAMES = ["softmax", "log_softmax", "softplus", "softsign", "log_sigmoid", "l2_normalize"]

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946
_GELU_C = _math.sqrt(2 / _math.pi)
_GELU_K = 0.044715


def _mask_grad_op(name, keep, forward=None):
    """A gradient op ``gy * keep(ref)``: its own gradient w.r.t. gy is itself.

    Multiplying by the boolean mask is ~5x faster than ``where`` on large activations.
    """
    op = defop(name, forward or (lambda xp, gy, ref: gy * keep(ref)),
               grad=lambda ggy, _, gy, ref: (bind(op, (ggy, ref), {}), None),
               shape=same_shape)
    return op


def _relu_grad_forward(xp, gy, y, out=None):
    """``gy * (y > 0)``: one Numba pass over contiguous float arrays of one shape, else the
    product with the mask. ``out=`` lets compiled graphs write in place or split the rows."""
    loop = _loops.relu_grad.get(xp, gy, y)
    if (loop is not None and gy.shape == y.shape and gy.dtype == y.dtype
            and gy.flags.c_contiguous and y.flags.c_contiguous
            and (out is None or out.shape == gy.shape and out.dtype == gy.dtype
                 and out.flags.c_contiguous)):
        out = np.empty_like(gy) if out is None else out
        loop(gy.reshape(-1), y.reshape(-1), out.reshape(-1))
        return out
    return xp.multiply(gy, y > 0, out=out)


def _activation(name, kernel, grad):
    """Defines a unary elementwise activation op."""
    return defop(name, kernel, grad=grad, shape=same_shape)


# -- piecewise-linear activations ---------------------------------------------------------
_RELU_GRAD = _mask_grad_op("relu_grad", None, _relu_grad_forward)
_RELU6_GRAD = _mask_grad_op("relu6_grad", lambda y: (y > 0) & (y < 6))
_RELU = _activation("relu", lambda xp, x: xp.maximum(x, 0),
                    lambda gy, y, x: (bind(_RELU_GRAD, (gy, y), {}),))
_RELU6 = _activation("relu6", lambda xp, x: xp.clip(x, 0, 6),
                     lambda gy, y, x: (bind(_RELU6_GRAD, (gy, y), {}),))


def relu(features, name=None):
    """Rectified linear unit: ``max(features, 0)``; the gradient is 0 at 0, as in TF.

    Example:
        >>> nf.nn.relu([-1.0, 0.0, 2.0]).numpy()
        array([0., 0., 2.], dtype=float32)
    """
    return bind(_RELU, (tensor(features),), {})


def relu6(features, name=None):
    """Rectified linear unit capped at 6: ``min(max(features, 0), 6)``."""
    return bind(_RELU6, (tensor(features),), {})


def _leaky_grad_forward(xp, gy, x, alpha):
    return xp.where(x > 0, gy, gy * alpha).astype(gy.dtype, copy=False)


_LEAKY_GRAD = defop("leaky_relu_grad", _leaky_grad_forward, shape=same_shape,
                    grad=lambda ggy, _, gy, x, alpha: (
                        bind(_LEAKY_GRAD, (ggy, x), {"alpha": alpha}), None))
_LEAKY = defop("leaky_relu",
               lambda xp, x, alpha: xp.where(x > 0, x, x * alpha).astype(x.dtype, copy=False),
               grad=lambda gy, y, x, alpha: (bind(_LEAKY_GRAD, (gy, x), {"alpha": alpha}),),
               shape=same_shape)


def leaky_relu(features, alpha=0.2, name=None):
    """Leaky ReLU: ``features`` where positive, else ``alpha * features``.

    Integer inputs are cast to float32, as in TF.
    """
    x = tensor(features)
    if x.dtype.is_integer:
        x = cast(x, "float32")
    return bind(_LEAKY, (x,), {"alpha": float(alpha)})


# -- smooth activations -------------------------------------------------------------------
def _elu_forward(xp, x):
    # expm1 of min(x, 0) only: the discarded branch never overflows.
    return xp.where(x > 0, x, xp.expm1(xp.minimum(x, 0)))


def _selu_forward(xp, x):
    negative_part = _SELU_ALPHA * xp.expm1(xp.minimum(x, 0))
    return (_SELU_SCALE * xp.where(x > 0, x, negative_part)).astype(x.dtype, copy=False)


_ELU = _activation("elu", _elu_forward,
                   lambda gy, y, x: (where(greater(x, 0), gy, gy * (y + 1)),))
_SELU = _activation("selu", _selu_forward,
                    lambda gy, y, x: (where(less(y, 0), gy * (y + _SELU_SCALE * _SELU_ALPHA),
                                            gy * _SELU_SCALE),))  # TF: scale at 0


def elu(features, name=None):
    """Exponential linear unit: ``features`` where positive, else ``exp(features) - 1``."""
    return bind(_ELU, (floating(tensor(features), "elu"),), {})


def selu(features, name=None):
    """Scaled ELU: ``scale * elu(x)`` with ``alpha * (exp(x) - 1)`` below 0.

    ``scale = 1.0507...``, ``alpha = 1.6733...`` (Klambauer et al., 2017).
    """
    return bind(_SELU, (floating(tensor(features), "selu"),), {})


def _gelu_forward(xp, x, approximate):
    if approximate:
        inner = _GELU_C * (x + _GELU_K * x * x * x)
        return (0.5 * x * (1 + xp.tanh(inner))).astype(x.dtype, copy=False)
    return (0.5 * x * (1 + _erf_kernel(xp, x * (1 / _math.sqrt(2))))).astype(x.dtype, copy=False)


def _gelu_grad_forward(xp, gy, x, approximate):
    # One fused kernel for the backward pass that every training step runs.
    if approximate:
        t = xp.tanh(_GELU_C * (x + _GELU_K * x * x * x))
        d = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * _GELU_C * (1 + 3 * _GELU_K * x * x)
    else:
        cdf = 0.5 * (1 + _erf_kernel(xp, x * (1 / _math.sqrt(2))))
        d = cdf + x * xp.exp(-0.5 * x * x) * (1 / _math.sqrt(2 * _math.pi))
    return (gy * d).astype(gy.dtype, copy=False)


def _gelu_second(x, approximate):
    """The second derivative of gelu, in neuroflow ops."""
    if approximate:
        t = tanh((x + x * x * x * _GELU_K) * _GELU_C)
        du = (x * x * (3 * _GELU_K) + 1) * _GELU_C
        return (1 - t * t) * (du + x * 0.5 * (x * (6 * _GELU_C * _GELU_K) - t * du * du * 2))
    return exp(x * x * -0.5) * (1 / _math.sqrt(2 * _math.pi)) * (2 - x * x)


_GELU_GRAD = defop("gelu_grad", _gelu_grad_forward, shape=same_shape,
                   grad=lambda ggy, _, gy, x, approximate: (
                       bind(_GELU_GRAD, (ggy, x), {"approximate": approximate}),
                       ggy * gy * _gelu_second(x, approximate)))
_GELU = defop("gelu", _gelu_forward, shape=same_shape,
              grad=lambda gy, y, x, approximate: (
                  bind(_GELU_GRAD, (gy, x), {"approximate": approximate}),))


def gelu(features, approximate=False, name=None):
    """Gaussian error linear unit: ``x * Phi(x)`` (Hendrycks & Gimpel, 2016).

    Formula:
        exact:       0.5 * x * (1 + erf(x / sqrt(2)))
        approximate: 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))
    """
    x = floating(tensor(features), "gelu")
    return bind(_GELU, (x,), {"approximate": bool(approximate)})


def _silu_grad_forward(xp, gy, x, beta):
    bx = x * beta if beta != 1 else x
    sig = _sigmoid_kernel(xp, bx)
    return (gy * sig * (1 + bx * (1 - sig))).astype(gy.dtype, copy=False)


def _silu_second(x, beta):
    """The second derivative of silu, in neuroflow ops."""
    bx = x * beta if beta != 1 else x
    sig = sigmoid(bx)
    return sig * (1 - sig) * (bx * (1 - sig * 2) + 2) * beta


_SILU_GRAD = defop("silu_grad", _silu_grad_forward, shape=same_shape,
                   grad=lambda ggy, _, gy, x, beta: (bind(_SILU_GRAD, (ggy, x), {"beta": beta}),
                                                     ggy * gy * _silu_second(x, beta)))
_SILU = defop("silu", lambda xp, x, beta: x * _sigmoid_kernel(xp, x * beta if beta != 1 else x),
              grad=lambda gy, y, x, beta: (bind(_SILU_GRAD, (gy, x), {"beta": beta}),),
              shape=same_shape)


def silu(features, beta=1.0, name=None):
    """Sigmoid linear unit (swish): ``features * sigmoid(beta * features)``."""
    x = floating(tensor(features), "silu")
    return bind(_SILU, (x,), {"beta": float(beta)})


swish = silu


def _softplus_forward(xp, x):
    # log(1 + e^x) = max(x, 0) + log1p(e^-|x|): no overflow for large |x|.
    return (xp.maximum(x, 0) + xp.log1p(xp.exp(-xp.abs(x)))).astype(x.dtype, copy=False)


_SOFTPLUS = _activation("softplus", _softplus_forward, lambda gy, y, x: (gy * sigmoid(x),))


def softplus(features, name=None):
    """``log(exp(features) + 1)``, computed without overflow; its derivative is sigmoid."""
    return bind(_SOFTPLUS, (floating(tensor(features), "softplus"),), {})


def softsign(features, name=None):
    """``features / (abs(features) + 1)``."""
    x = floating(tensor(features), "softsign")
    return x / (abs(x) + 1)


def crelu(features, axis=-1, name=None):
    """Concatenated ReLU: ``concat([relu(x), relu(-x)], axis)``, doubling that axis."""
    x = tensor(features)
    return concat([relu(x), relu(negative(x))], axis)


def log_sigmoid(x, name=None):
    """``log(sigmoid(x)) = -softplus(-x)``, finite for large negative x."""
    return negative(softplus(negative(tensor(x))))


# -- softmax ------------------------------------------------------------------------------
# ndarray methods and in-place ufuncs: these run every training step on small arrays, where
# NumPy's function wrappers (np.max, np.sum) cost more than the arithmetic.
def _shifted(xp, x, axis):
    return x - xp.maximum.reduce(x, axis=axis, keepdims=True)


def _softmax_forward(xp, x, axis):
    if x.size == 0:
        return xp.zeros_like(x)
    e = _shifted(xp, x, axis)
    xp.exp(e, out=e)
    e /= xp.add.reduce(e, axis=axis, keepdims=True)
    return e


def _log_softmax_forward(xp, x, axis):
    if x.size == 0:
        return xp.zeros_like(x)
    z = _shifted(xp, x, axis)
    lse = xp.exp(z).sum(axis=axis, keepdims=True)
    z -= xp.log(lse, out=lse)
    return z


_SOFTMAX = defop("softmax", _softmax_forward, shape=same_shape,
                 grad=lambda gy, y, x, axis: (
                     y * (gy - reduce_sum(gy * y, axis, keepdims=True)),))
_LOG_SOFTMAX = defop("log_softmax", _log_softmax_forward, shape=same_shape,
                     grad=lambda gy, y, x, axis: (
                         gy - exp(y) * reduce_sum(gy, axis, keepdims=True),))


def softmax(logits, axis=None, name=None):
    """``exp(logits) / reduce_sum(exp(logits), axis)``, stable for large logits.

    Args:
        logits: a floating-point tensor of rank >= 1.
        axis: the axis to normalize over (default -1).

    Example:
        >>> nf.nn.softmax([1000.0, 1000.0]).numpy()
        array([0.5, 0.5], dtype=float32)
    """
    x = floating(tensor(logits), "softmax")
    axis = check_axis(-1 if axis is None else axis, x.ndim, "softmax")
    return bind(_SOFTMAX, (x,), {"axis": axis})


def log_softmax(logits, axis=None, name=None):
    """``logits - log(reduce_sum(exp(logits), axis))``, finite for large logits."""
    x = floating(tensor(logits), "log_softmax")
    axis = check_axis(-1 if axis is None else axis, x.ndim, "log_softmax")
    return bind(_LOG_SOFTMAX, (x,), {"axis": axis})


# -- cross-entropies ----------------------------------------------------------------------
def _same_shape_rule(op_name):
    def rule(labels, logits, **attrs):
        if not TensorShape(labels).is_compatible_with(logits):
            raise ValueError(f"{op_name}: labels and logits must have the same shape, got "
                             f"{tuple(labels)} and {tuple(logits)}")
        return TensorShape(logits)
    return rule


def _sigmoid_ce_forward(xp, z, x):
    return (xp.maximum(x, 0) - x * z + xp.log1p(xp.exp(-xp.abs(x)))).astype(x.dtype, copy=False)


_SIGMOID_CE = defop("sigmoid_cross_entropy_with_logits", _sigmoid_ce_forward,
                    grad=lambda gy, y, z, x: (gy * negative(x), gy * (sigmoid(x) - z)),
                    shape=_same_shape_rule("sigmoid_cross_entropy_with_logits"))


def _labels_logits(labels, logits, op_name):
    z, x = pair(labels, logits, op_name)
    floating(x, op_name)
    _same_shape_rule(op_name)(z.shape, x.shape)
    return z, x


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """Elementwise logistic loss of ``logits`` against ``labels`` in [0, 1].

    Formula:
        max(x, 0) - x * z + log(1 + exp(-|x|))     # x = logits, z = labels
    """
    z, x = _labels_logits(labels, logits, "sigmoid_cross_entropy_with_logits")
    return bind(_SIGMOID_CE, (z, x), {})


def weighted_cross_entropy_with_logits(labels, logits, pos_weight, name=None):
    """Sigmoid cross-entropy with the positive term weighted by ``pos_weight``.

    Formula:
        (1 - z) * x + (1 + (pos_weight - 1) * z) * softplus(-x)
    """
    z, x = _labels_logits(labels, logits, "weighted_cross_entropy_with_logits")
    log_weight = (pos_weight - 1) * z + 1 if isinstance(pos_weight, numbers.Real) else \
        multiply(add(tensor(pos_weight, x.dtype), -1), z) + 1
    return (1 - z) * x + log_weight * softplus(negative(x))


def _softmax_ce_forward(xp, labels, logits, axis):
    if logits.size == 0:
        return xp.zeros(logits.shape[:axis] + logits.shape[axis + 1:], logits.dtype)
    return -xp.sum(labels * _log_softmax_forward(xp, logits, axis), axis=axis)


def _softmax_ce_grad(gy, y, labels, logits, axis):
    g = keep_dims_like(gy, logits, (axis,), False)
    log_p = log_softmax(logits, axis)
    # With labels summing to s, d/dlogits = softmax * s - labels (s = 1 for distributions).
    g_logits = (exp(log_p) * reduce_sum(labels, axis, keepdims=True) - labels) * g
    return (negative(log_p) * g, g_logits)


def _softmax_ce_rule(labels, logits, axis):
    _same_shape_rule("softmax_cross_entropy_with_logits")(labels, logits)
    return TensorShape(d for i, d in enumerate(logits) if i != axis)


_SOFTMAX_CE = defop("softmax_cross_entropy_with_logits", _softmax_ce_forward,
                    grad=_softmax_ce_grad, shape=_softmax_ce_rule)


def softmax_cross_entropy_with_logits(labels, logits, axis=-1, name=None):
    """Cross-entropy between ``labels`` (distributions) and ``softmax(logits)`` along ``axis``.

    One fused, stable op: finite values and gradients even for logits of +-1e4.

    Formula:
        -reduce_sum(labels * log_softmax(logits, axis), axis)

    Returns:
        A tensor of ``logits``'s shape without ``axis``.
    """
    z, x = _labels_logits(labels, logits, "softmax_cross_entropy_with_logits")
    axis = check_axis(axis, x.ndim, "softmax_cross_entropy_with_logits")
    return bind(_SOFTMAX_CE, (z, x), {"axis": axis})


def _check_labels(xp, labels, classes):
    low, high = (int(labels.min()), int(labels.max())) if labels.size else (0, 0)
    if low < 0 or high >= classes:
        bad = low if low < 0 else high
        raise InvalidArgumentError(
            f"sparse_softmax_cross_entropy_with_logits: received a label value of {bad} which "
            f"is outside the valid range of [0, {classes})")


def _sparse_ce_forward(xp, labels, logits):
    classes = logits.shape[-1]
    _check_labels(xp, labels, classes)
    if logits.size == 0:
        return xp.zeros(logits.shape[:-1], logits.dtype)
    loop = _loops.sparse_softmax_cross_entropy.get(xp, logits)
    if loop is not None and labels.dtype.kind in "iu":
        out = np.empty(labels.shape, logits.dtype)
        loop(labels.reshape(-1), np.ascontiguousarray(logits).reshape(-1, classes),
             out.reshape(-1), out.reshape(-1))
        return out
    z = _shifted(xp, logits, -1).reshape(-1, classes)
    lse = xp.log(xp.exp(z).sum(axis=1))
    picked = z[xp.arange(z.shape[0]), labels.reshape(-1)]
    lse -= picked   # -log softmax at the label = logsumexp(z) - z[label]
    return lse.reshape(labels.shape)


def _one_hot_like_forward(xp, labels, logits):
    return (xp.arange(logits.shape[-1]) == labels[..., None]).astype(logits.dtype)


_ONE_HOT_LIKE = defop("one_hot_like", _one_hot_like_forward,
                      grad=lambda gy, y, labels, logits: (None, None),
                      shape=lambda labels, logits: logits, dtype=lambda labels, logits: logits)


def _sparse_ce_backprop_forward(xp, labels, logits, gy):
    classes = logits.shape[-1]
    loop = _loops.sparse_softmax_cross_entropy.get(xp, logits, gy)
    if loop is not None and labels.dtype.kind in "iu" and logits.size:
        out = np.empty(logits.shape, logits.dtype)
        loop(labels.reshape(-1), np.ascontiguousarray(logits).reshape(-1, classes),
             np.ascontiguousarray(gy, logits.dtype).reshape(-1), out.reshape(-1, classes))
        return out
    p = _softmax_forward(xp, logits, logits.ndim - 1).reshape(-1, classes)
    p[xp.arange(p.shape[0]), labels.reshape(-1)] -= 1
    p *= gy.reshape(-1, 1)
    return p.reshape(logits.shape)


def _sparse_ce_backprop_grad(gz, z, labels, logits, gy):
    # z = (softmax(logits) - onehot) * gy: differentiate the composition.
    g = keep_dims_like(gy, logits, (logits.ndim - 1,), False)
    p = softmax(logits)
    w = gz * g
    d_logits = p * (w - reduce_sum(w * p, axis=-1, keepdims=True))
    d_gy = reduce_sum(gz * (p - bind(_ONE_HOT_LIKE, (labels, logits), {})), axis=-1)
    return (None, d_logits, d_gy)


# One kernel for the gradient of the sparse cross-entropy: softmax, minus one at the label,
# times the upstream gradient (what TF's fused op returns as its "backprop" output).
_SPARSE_CE_BACKPROP = defop("sparse_softmax_cross_entropy_backprop",
                            _sparse_ce_backprop_forward, grad=_sparse_ce_backprop_grad,
                            shape=lambda labels, logits, gy: logits,
                            dtype=lambda labels, logits, gy: logits)


def _sparse_ce_grad(gy, y, labels, logits):
    return (None, bind(_SPARSE_CE_BACKPROP, (labels, logits, gy), {}))


def _sparse_ce_rule(labels, logits):
    if len(labels) != len(logits) - 1 or not TensorShape(labels).is_compatible_with(
            logits[:-1]):
        raise ValueError(f"sparse_softmax_cross_entropy_with_logits: labels must have the shape "
                         f"of logits without its last axis, got {tuple(labels)} and "
                         f"{tuple(logits)}")
    return TensorShape(labels)


_SPARSE_CE = defop("sparse_softmax_cross_entropy_with_logits", _sparse_ce_forward,
                   grad=_sparse_ce_grad, shape=_sparse_ce_rule,
                   dtype=lambda labels, logits: logits)


def sparse_softmax_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """Cross-entropy of ``softmax(logits)`` against integer class ``labels``.

    Args:
        labels: int32/int64 tensor of shape ``logits.shape[:-1]``, values in [0, classes).
        logits: floating-point tensor ``[..., classes]``.

    Raises:
        InvalidArgumentError: for a label outside [0, classes) or mismatched shapes.
    """
    z, x = tensor(labels), floating(tensor(logits), "sparse_softmax_cross_entropy_with_logits")
    if not z.dtype.is_integer:
        raise InvalidDTypeError(f"sparse_softmax_cross_entropy_with_logits: labels must be "
                                f"int32 or int64, got {z.dtype.name}")
    if x.ndim < 1:
        raise InvalidArgumentError("sparse_softmax_cross_entropy_with_logits: logits must "
                                   "have rank >= 1, got a scalar")
    try:
        _sparse_ce_rule(z.shape, x.shape)
    except ValueError as error:
        raise InvalidArgumentError(str(error)) from None
    return bind(_SPARSE_CE, (z, x), {})


# -- bias, dropout, normalization ---------------------------------------------------------
def bias_add(value, bias, data_format=None, name=None):
    """Adds the 1-D ``bias`` along the channel axis of ``value``.

    Args:
        value: a tensor of rank >= 2.
        bias: a 1-D tensor whose length is the number of channels.
        data_format: ``None``/``'N...C'`` (channels last) or ``'NC...'`` (channels first).
    """
    x, b = pair(value, bias, "bias_add")
    if data_format is None or (data_format.startswith("N") and data_format.endswith("C")):
        channels_first = False
    elif data_format.startswith("NC"):
        channels_first = True
    else:
        raise ValueError(f"bias_add: unknown data_format {data_format!r}; expected 'N...C' or "
                         "'NC...'")
    if b.ndim != 1:
        raise InvalidArgumentError(f"bias_add: bias must be 1-D, got shape {tuple(b.shape)}")
    if x.ndim < 2:
        raise InvalidArgumentError(f"bias_add: value must be at least 2-D, got shape "
                                   f"{tuple(x.shape)}")
    axis = 1 if channels_first else x.ndim - 1
    if None not in (x.shape[axis], b.shape[0]) and x.shape[axis] != b.shape[0]:
        raise InvalidArgumentError(
            f"bias_add: bias length {b.shape[0]} must equal the size of the channel axis "
            f"{axis} of value, got shapes {tuple(x.shape)} and {tuple(b.shape)}")
    if channels_first:
        b = reshape(b, [-1] + [1] * (x.ndim - 2))
    return add(x, b)


def _noise_dims(x_dims, noise_shape):
    """``noise_shape`` with its None entries filled from ``x_dims`` (right-aligned)."""
    lead = len(x_dims) - len(noise_shape)
    return tuple(x_dims[i + lead] if d is None else d for i, d in enumerate(noise_shape))


def _dropout_mask_forward(xp, x, rate, noise_shape, seed):
    gen_dtype = np.float64 if x.dtype == np.float64 else np.float32
    u = _random.generator(seed).random(_noise_dims(x.shape, noise_shape), dtype=gen_dtype)
    return xp.where(xp.asarray(u) >= rate, 1 / (1 - rate), 0).astype(x.dtype)


def _dropout_mask_rule(x, rate, noise_shape, seed):
    return TensorShape(_noise_dims(tuple(x), noise_shape))


_DROPOUT_MASK = defop("dropout_mask", _dropout_mask_forward, stateful=True,
                      grad=lambda gy, y, x, **attrs: (None,), shape=_dropout_mask_rule)


def dropout(x, rate, noise_shape=None, seed=None, name=None):
    """Zeroes each element with probability ``rate`` and scales the rest by 1 / (1 - rate).

    Args:
        x: a floating-point tensor.
        rate: the drop probability, in [0, 1).
        noise_shape: shape of the keep/drop mask, broadcast against ``x`` (None: x's shape;
            None entries take x's dims).
        seed: op-level seed (see ``nf.random.set_seed``).

    Example:
        >>> y = nf.nn.dropout(nf.ones([1000]), rate=0.5)   # entries are 0 or 2
    """
    x = floating(tensor(x), "dropout")
    if hasattr(rate, "numpy"):
        rate = rate.numpy()
    rate = float(rate)
    if not 0 <= rate < 1:
        raise ValueError(f"dropout: rate must be a float in the range [0, 1), got {rate}")
    if rate == 0:
        return x
    if noise_shape is None:
        noise_shape = tuple(x.shape)
    else:
        if hasattr(noise_shape, "numpy"):
            noise_shape = noise_shape.numpy().tolist()
        noise_shape = tuple(None if d is None else int(d) for d in noise_shape)
        lead = x.ndim - len(noise_shape)
        if lead < 0 or any(d not in (1, None, x.shape[i + lead]) and x.shape[i + lead]
                           is not None for i, d in enumerate(noise_shape)):
            raise InvalidArgumentError(f"dropout: noise_shape {noise_shape} does not broadcast "
                                       f"to the shape of x, {tuple(x.shape)}")
    mask = bind(_DROPOUT_MASK, (x,), {"rate": rate, "noise_shape": noise_shape,
                                      "seed": None if seed is None else int(seed)})
    return multiply(x, mask)


def moments(x, axes, shift=None, keepdims=False, name=None):
    """Mean and variance of ``x`` over ``axes``.

    Returns:
        ``(mean, variance)``, reduced over ``axes`` (kept as size 1 if ``keepdims``).
    """
    x = tensor(x)
    mean = reduce_mean(x, axes, keepdims=True)
    # No stop_gradient on the mean (TF has one): the second derivative stays exact.
    variance = reduce_mean(squared_difference(x, mean), axes, keepdims=keepdims)
    if not keepdims:
        mean = reduce_mean(x, axes) if None in x.shape else reshape(
            mean, [d for i, d in enumerate(x.shape)
                   if i not in normalize_axes(axes, x.ndim, "moments")])
    return mean, variance


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """Normalizes ``x`` with the given statistics, then scales and shifts it.

    Formula:
        scale * (x - mean) / sqrt(variance + variance_epsilon) + offset
    """
    x = tensor(x)
    inv = rsqrt(tensor(variance, x.dtype) + variance_epsilon)
    if scale is not None:
        inv = inv * tensor(scale, x.dtype)
    shift = negative(tensor(mean, x.dtype) * inv)
    if offset is not None:
        shift = shift + tensor(offset, x.dtype)
    return x * inv + shift


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """``x / sqrt(max(reduce_sum(x ** 2, axis), epsilon))``."""
    x = tensor(x)
    axis = dim if axis is None and dim is not None else axis
    square_sum = reduce_sum(square(x), axis, keepdims=True)
    return x * rsqrt(maximum(square_sum, tensor(epsilon, x.dtype)))


def l2_loss(t, name=None):
    """``reduce_sum(t ** 2) / 2``: half the squared L2 norm, a scalar."""
    t = tensor(t)
    return reduce_sum(square(t)) * 0.5


def compute_average_loss(per_example_loss, sample_weight=None, global_batch_size=None):
    """Sums the (weighted) per-example losses and divides by the global batch size."""
    loss = tensor(per_example_loss)
    if sample_weight is not None:
        loss = loss * tensor(sample_weight, loss.dtype)
    size = global_batch_size
    if size is None:
        size = loss.shape[0] if loss.ndim else 1
    return reduce_sum(loss) / float(size)


def zero_fraction(value, name=None):
    """The fraction of entries of ``value`` that are zero, as a float32 scalar."""
    x = tensor(value)
    return reduce_mean(cast(equal(x, 0), "float32"))


def embedding_lookup(params, ids, max_norm=None, name=None):
    """Rows of the embedding matrix ``params`` at the integer ``ids`` (``gather`` on axis 0).

    Args:
        params: a tensor ``[vocabulary, ...]``, or a list holding one such tensor.
        ids: integer tensor of any shape; the result has shape ``ids.shape + params.shape[1:]``.
        max_norm: if given, each looked-up embedding with a larger L2 norm is scaled down to it.
    """
    if isinstance(params, (list, tuple)):
        if len(params) != 1:
            raise NotImplementedError("embedding_lookup: partitioned params (a list of more "
                                      "than one tensor) are not supported")
        params = params[0]
    params = tensor(params)
    out = gather(params, ids)
    if max_norm is None:
        return out
    axes = list(range(out.ndim - params.ndim + 1, out.ndim))
    norm = reduce_sum(square(out), axes, keepdims=True) ** 0.5
    limit = tensor(max_norm, out.dtype)
    return out * (limit / maximum(norm, limit))
