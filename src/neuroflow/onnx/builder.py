"""``GraphBuilder``: collects ONNX nodes and initializers with unique names; activations.

The ``onnx`` package (the ``onnx`` extra) is imported when a builder is made.
"""

import collections
import math

import numpy as np

from ..backend.errors import UnimplementedError

__all__ = ["GraphBuilder", "OPSET"]

OPSET = 17   # LayerNormalization-era operators; run by every current onnxruntime


class GraphBuilder:
    """The nodes and constant tensors of one ONNX graph, added op by op.

    Example:
        >>> g = GraphBuilder()
        >>> y = g.op("MatMul", ["x", g.const(np.eye(3, dtype="float32"))])
    """

    def __init__(self):
        try:
            import onnx  # optional dependency (the ``onnx`` extra), loaded on use
            from onnx import numpy_helper
        except ImportError as error:
            raise ImportError("ONNX export writes models through the optional package `onnx`, "
                              "which is not installed. Install it with `pip install onnx` "
                              "(and `pip install onnxruntime` to run them).") from error

        self.onnx, self._numpy_helper = onnx, numpy_helper
        self.nodes, self.initializers = [], []
        self._used, self._taken = collections.Counter(), set()

    def name(self, hint):
        """A tensor name not used before, from ``hint``."""
        hint = "".join(c if c.isalnum() or c in "_./:" else "_" for c in str(hint)) or "t"
        name = hint
        while name in self._taken:
            self._used[hint] += 1
            name = f"{hint}:{self._used[hint]}"
        self._taken.add(name)
        return name

    def const(self, value, hint="const", dtype=None):
        """A constant tensor (an initializer) holding ``value``; returns its name."""
        array = np.asarray(value, dtype=dtype)
        if array.dtype == np.float64 and dtype is None:
            array = array.astype(np.float32)
        name = self.name(hint)
        self.initializers.append(self._numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def ints(self, values, hint="shape"):
        """An int64 constant (shapes, axes, pads)."""
        return self.const(np.asarray(values, np.int64), hint, np.int64)

    def op(self, op_type, inputs, outputs=1, hint=None, **attrs):
        """Adds an ``op_type`` node; returns its output name (a list if ``outputs > 1``)."""
        hint = hint or op_type.lower()
        names = [self.name(f"{hint}_out{i}" if outputs > 1 else hint) for i in range(outputs)]
        attrs = {k: v for k, v in attrs.items() if v is not None}
        self.nodes.append(self.onnx.helper.make_node(op_type, list(inputs), names,
                                                     name=self.name(f"{hint}_node"), **attrs))
        return names[0] if outputs == 1 else names

    def transpose(self, x, perm, hint="transpose"):
        """``x`` with its axes permuted."""
        return self.op("Transpose", [x], hint=hint, perm=list(perm))


# -- activations ------------------------------------------------------------------------------
_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772, 1.0507009873554805


def _gelu(g, x, hint):
    # Keras's exact gelu: x/2 * (1 + erf(x / sqrt(2)))
    scaled = g.op("Div", [x, g.const(np.float32(math.sqrt(2.0)))], hint=hint)
    one_plus = g.op("Add", [g.op("Erf", [scaled], hint=hint), g.const(np.float32(1.0))],
                    hint=hint)
    return g.op("Mul", [g.op("Mul", [x, one_plus], hint=hint), g.const(np.float32(0.5))],
                hint=hint)


def _times(inner):
    """x * inner(x) (silu, hard_silu, mish)."""
    return lambda g, x, hint: g.op("Mul", [x, inner(g, x, hint)], hint=hint)


def _single(op_type, **attrs):
    return lambda g, x, hint: g.op(op_type, [x], hint=hint, **attrs)


_ACTIVATIONS = {
    "linear": lambda g, x, hint: x,
    "relu": _single("Relu"),
    "relu6": lambda g, x, hint: g.op("Clip", [x, g.const(np.float32(0)), g.const(np.float32(6))],
                                     hint=hint),
    "leaky_relu": _single("LeakyRelu", alpha=0.2),
    "elu": _single("Elu", alpha=1.0),
    "selu": _single("Selu", alpha=_SELU_ALPHA, gamma=_SELU_SCALE),
    "gelu": _gelu,
    "sigmoid": _single("Sigmoid"),
    "hard_sigmoid": _single("HardSigmoid", alpha=1.0 / 6.0, beta=0.5),
    "tanh": _single("Tanh"),
    "softplus": _single("Softplus"),
    "softsign": _single("Softsign"),
    "softmax": _single("Softmax", axis=-1),
    "log_softmax": _single("LogSoftmax", axis=-1),
    "exponential": _single("Exp"),
    "silu": _times(_single("Sigmoid")),
    "swish": _times(_single("Sigmoid")),
    "hard_silu": _times(_single("HardSigmoid", alpha=1.0 / 6.0, beta=0.5)),
    "hard_swish": _times(_single("HardSigmoid", alpha=1.0 / 6.0, beta=0.5)),
    "mish": _times(lambda g, x, hint: g.op("Tanh", [g.op("Softplus", [x], hint=hint)],
                                           hint=hint)),
    "log_sigmoid": lambda g, x, hint: g.op("Neg", [g.op("Softplus", [g.op(
        "Neg", [x], hint=hint)], hint=hint)], hint=hint),
}


def activation(g, x, fn, hint="activation"):
    """``fn`` (a Keras activation function or its name) applied to ``x``.

    Raises:
        UnimplementedError: for an activation without an ONNX form (a custom function).
    """
    name = fn if isinstance(fn, str) else getattr(fn, "__name__", repr(fn))
    if fn is None:
        name = "linear"
    emit = _ACTIVATIONS.get(name)
    if emit is None:
        raise UnimplementedError(f"ONNX export: activation {name!r} is not supported; "
                                 f"supported: {sorted(_ACTIVATIONS)}")
    return emit(g, x, hint)
