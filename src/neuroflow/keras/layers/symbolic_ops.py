"""Operators on KerasTensors (``x + 1``, ``a * b``, ``x[:, 0]``, ``-x``, ``x @ w``) while building
a functional model: each one becomes a ``SymbolicOp`` layer in the graph.

Ops are named from a fixed table, so their configs hold no code and load safely.
"""

from ...core import ops
from ...core.tensor import Tensor
from .. import backend
from .layer import Layer
from .node import KerasTensor

__all__ = ["SymbolicOp"]

_BINARY = {
    "add": lambda a, b: a + b, "subtract": lambda a, b: a - b,
    "multiply": lambda a, b: a * b, "divide": lambda a, b: a / b,
    "floor_divide": lambda a, b: a // b, "power": lambda a, b: a ** b,
    "matmul": lambda a, b: ops.matmul(a, b), "maximum": lambda a, b: ops.maximum(a, b),
    "minimum": lambda a, b: ops.minimum(a, b), "greater": lambda a, b: a > b,
    "less": lambda a, b: a < b,
}
_UNARY = {"negative": lambda a: -a, "abs": lambda a: ops.abs(a)}


def _key_to_config(key):
    def one(k):
        if isinstance(k, slice):
            return {"slice": [k.start, k.stop, k.step]}
        if k is Ellipsis:
            return "..."
        return k
    return [one(k) for k in (key if isinstance(key, tuple) else (key,))]


def _key_from_config(config):
    def one(k):
        if isinstance(k, dict):
            return slice(*k["slice"])
        if k == "...":
            return Ellipsis
        return k
    return tuple(one(k) for k in config)


class SymbolicOp(Layer):
    """A tensor operator applied to KerasTensors, recorded as a layer of the graph.

    Args:
        op: the operator's name (``'add'``, ``'negative'``, ``'getitem'``, ...).
        operand: the other (constant) operand, a number or nested list, if any.
        swapped: the KerasTensor is the right-hand operand (``1 - x``).
        key: the index of ``'getitem'``, as ``_key_to_config`` writes it.
    """

    def __init__(self, op, operand=None, swapped=False, key=None, **kwargs):
        if "name" not in kwargs or kwargs["name"] is None:
            kwargs["name"] = backend.unique_name(op)
        super().__init__(**kwargs)
        if op not in _BINARY and op not in _UNARY and op != "getitem":
            raise ValueError(f"Unknown symbolic op {op!r}")
        self.op, self.operand, self.swapped, self.key = op, operand, swapped, key
        self.autocast = False

    def call(self, inputs):
        if self.op == "getitem":
            return inputs[_key_from_config(self.key)]
        if self.op in _UNARY:
            return _UNARY[self.op](inputs)
        if isinstance(inputs, (list, tuple)):
            a, b = inputs
        else:
            a, b = inputs, self.operand  # a Python value takes the tensor's dtype
        if self.swapped:
            a, b = b, a
        return _BINARY[self.op](a, b)

    def get_config(self):
        return {**super().get_config(), "op": self.op, "operand": self.operand,
                "swapped": self.swapped, "key": self.key}


def _operand(value):
    if isinstance(value, Tensor):
        value = value.numpy()
    return value.tolist() if hasattr(value, "tolist") else value


def _binary(op, swapped=False):
    def method(self, other):
        if isinstance(other, KerasTensor):
            pair = [other, self] if swapped else [self, other]
            return SymbolicOp(op)(pair)
        return SymbolicOp(op, operand=_operand(other), swapped=swapped)(self)
    return method


def _install():
    for name, op in (("add", "add"), ("sub", "subtract"), ("mul", "multiply"),
                     ("truediv", "divide"), ("floordiv", "floor_divide"), ("pow", "power"),
                     ("matmul", "matmul")):
        setattr(KerasTensor, f"__{name}__", _binary(op))
        setattr(KerasTensor, f"__r{name}__", _binary(op, swapped=True))
    KerasTensor.__gt__ = _binary("greater")
    KerasTensor.__lt__ = _binary("less")
    KerasTensor.__neg__ = lambda self: SymbolicOp("negative")(self)
    KerasTensor.__abs__ = lambda self: SymbolicOp("abs")(self)
    KerasTensor.__getitem__ = lambda self, key: SymbolicOp(
        "getitem", key=_key_to_config(key))(self)


_install()
