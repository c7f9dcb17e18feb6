"""Linear algebra: matmul (batched, broadcasting), tensordot, einsum, ..."""

from ..registry import bind, defop
from ..shape import TensorShape
from ._base import broadcast_shapes, pair, sum_like
from .shape import transpose

__all__ = ["matmul"]


def _swap_last(x):
    perm = list(range(x.ndim))
    perm[-1], perm[-2] = perm[-2], perm[-1]
    return transpose(x, perm)


def _matmul_rule(a, b):
    if len(a) < 2 or len(b) < 2:
        raise ValueError(f"matmul: both inputs must have rank >= 2, got a {tuple(a)} and "
                         f"b {tuple(b)}")
    if a[-1] is not None and b[-2] is not None and a[-1] != b[-2]:
        raise ValueError(f"matmul: inner dimensions differ: a is {tuple(a)}, b is {tuple(b)}")
    batch = broadcast_shapes("matmul", a[:-2], b[:-2])
    return TensorShape(tuple(batch) + (a[-2], b[-1]))


def _matmul_grad(gy, y, a, b):
    ga = matmul(gy, b, transpose_b=True)
    gb = matmul(a, gy, transpose_a=True)
    return sum_like(ga, a), sum_like(gb, b)


_MATMUL = defop("matmul", lambda xp, a, b: xp.matmul(a, b), grad=_matmul_grad,
                shape=_matmul_rule)


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, output_type=None, name=None):
    """Matrix product of the last two axes, batched and broadcast over the leading ones.

    Example:
        >>> nf.matmul(nf.ones([2, 3]), nf.ones([3, 4])).shape
        TensorShape([2, 4])
    """
    a, b = pair(a, b, "matmul")
    if transpose_a or adjoint_a:
        a = _swap_last(a)
    if transpose_b or adjoint_b:
        b = _swap_last(b)
    _matmul_rule(a.shape, b.shape)
    return bind(_MATMUL, (a, b), {})
