"""Python operators on tensors (``+ - * / // % ** @``, comparisons, ``& | ^ ~``, indexing).

They are attached here, once every op exists, so ``core.tensor`` stays free of op code.
"""

from ..tensor import Tensor
from . import math as m
from ._base import pair, tensor

__all__ = []


def _swap(fn):
    return lambda self, other: fn(other, self)


def _and(x, y):
    x, y = pair(x, y, "and")
    return m.logical_and(x, y) if x.dtype.is_bool else m.bitwise_and(x, y)


def _or(x, y):
    x, y = pair(x, y, "or")
    return m.logical_or(x, y) if x.dtype.is_bool else m.bitwise_or(x, y)


def _xor(x, y):
    x, y = pair(x, y, "xor")
    return m.logical_xor(x, y) if x.dtype.is_bool else m.bitwise_xor(x, y)


def _invert(x):
    return m.logical_not(x) if x.dtype.is_bool else m.invert(x)


def _compare(fn, x, y, differ):
    """``x == y`` / ``x != y`` as TF 2 does: elementwise; a scalar ``differ`` when the shapes
    cannot broadcast; ``differ`` itself against None; an error for mismatched dtypes."""
    if y is None:
        return differ
    x, y = pair(x, y, fn.__name__)
    try:
        return fn(x, y)
    except ValueError as error:
        if isinstance(error, TypeError):
            raise
        return tensor(differ)


def _eq(x, y):
    return _compare(m.equal, x, y, False)


def _ne(x, y):
    return _compare(m.not_equal, x, y, True)


def install(matmul, getitem, setitem):
    """Attaches the operators to ``Tensor`` (and so to ``Variable``)."""
    binary = {
        "add": m.add, "sub": m.subtract, "mul": m.multiply, "truediv": m.divide,
        "floordiv": m.floordiv, "mod": m.floormod, "pow": m.pow, "matmul": matmul,
        "and": _and, "or": _or, "xor": _xor,
    }
    for name, fn in binary.items():
        setattr(Tensor, f"__{name}__", fn)
        setattr(Tensor, f"__r{name}__", _swap(fn))
    Tensor.__lt__, Tensor.__le__ = m.less, m.less_equal
    Tensor.__gt__, Tensor.__ge__ = m.greater, m.greater_equal
    Tensor.__eq__, Tensor.__ne__ = _eq, _ne
    Tensor.__neg__ = m.negative
    Tensor.__abs__ = m.abs
    Tensor.__pos__ = lambda self: self
    Tensor.__invert__ = _invert
    Tensor.__getitem__ = getitem
    Tensor.__setitem__ = setitem
