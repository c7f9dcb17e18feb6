"""Linear algebra: matmul (batched, broadcasting), tensordot, einsum, norm, and ``nf.linalg``'s
matrix ops (matrix_transpose, trace, diag_part, diag, eye, inv, det, matvec).

Products are one primitive, ``einsum``, whose gradient for each operand is again an einsum of
the upstream gradient and the other operands; tensordot is an einsum, and matmul keeps its own
primitive because it is the hot path.
"""

import string

import numpy as np

from ...backend.errors import InvalidArgumentError, UnimplementedError
from ..registry import bind, defop
from ..shape import TensorShape
from ._base import broadcast_like, broadcast_shapes, check_axis, floating, pair, same_dtype, \
    sum_like, tensor
from .math import abs as _abs
from .math import pow as _pow
from .math import sqrt, square
from .reduce import reduce_max, reduce_sum
from .shape import dynamic_dims, reshape, transpose
from .creation import ones, zeros

__all__ = ["matmul", "tensordot", "einsum", "norm"]
# Only in the ``nf.linalg`` namespace (as in TF 2), together with the names above.
LINALG = ["matrix_transpose", "adjoint", "trace", "diag_part", "diag", "eye", "inv", "det",
          "matvec"]


def _rank_at_least_2(x, op_name):
    if x.ndim < 2:
        raise InvalidArgumentError(f"{op_name}: input must have rank >= 2, got shape "
                                   f"{tuple(x.shape)}")
    return x


def _swap_last(x):
    perm = list(range(x.ndim))
    perm[-1], perm[-2] = perm[-2], perm[-1]
    return transpose(x, perm)


# -- matmul ------------------------------------------------------------------------------------
def _matmul_rule(a, b):
    if len(a) < 2 or len(b) < 2:
        raise InvalidArgumentError(f"matmul: both inputs must have rank >= 2, got a "
                                   f"{tuple(a)} and b {tuple(b)}")
    if a[-1] is not None and b[-2] is not None and a[-1] != b[-2]:
        raise InvalidArgumentError(f"matmul: inner dimensions differ: a is {tuple(a)}, "
                                   f"b is {tuple(b)}")
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

    Both inputs need rank >= 2 and the same dtype, as in TF.

    Args:
        a, b: tensors of shape ``[..., M, K]`` and ``[..., K, N]``.
        transpose_a, transpose_b: transpose the last two axes of ``a`` / ``b`` first.
        adjoint_a, adjoint_b: the same for real tensors.

    Returns:
        A tensor of shape ``broadcast(a[:-2], b[:-2]) + [M, N]``.

    Example:
        >>> nf.matmul(nf.ones([2, 3]), nf.ones([3, 4])).shape
        TensorShape([2, 4])
    """
    if (transpose_a and adjoint_a) or (transpose_b and adjoint_b):
        raise ValueError("matmul: only one of transpose_x and adjoint_x can be True")
    a, b = pair(a, b, "matmul")
    if a.ndim < 2 or b.ndim < 2:
        _matmul_rule(a.shape, b.shape)  # raises the rank error before transposing
    if transpose_a or adjoint_a:
        a = _swap_last(a)
    if transpose_b or adjoint_b:
        b = _swap_last(b)
    # Inner dimensions are checked by the shape rule: at trace time, or in eager mode when the
    # kernel fails (bind then reports the rule's message), so a good call pays nothing for it.
    return bind(_MATMUL, (a, b), {})


def matvec(a, b, transpose_a=False, adjoint_a=False, name=None):
    """Matrix-vector product ``a @ b`` of ``[..., M, N]`` and ``[..., N]``, giving ``[..., M]``.

    Example:
        >>> nf.linalg.matvec(nf.linalg.eye(2), [1., 2.]).numpy()
        array([1., 2.], dtype=float32)
    """
    a, b = pair(a, b, "matvec")
    if b.ndim < 1:
        raise InvalidArgumentError(f"matvec: b must have rank >= 1, got shape {tuple(b.shape)}")
    column = reshape(b, dynamic_dims(b) + [1])
    y = matmul(a, column, transpose_a=transpose_a, adjoint_a=adjoint_a)
    return reshape(y, dynamic_dims(y)[:-1])


# -- einsum ------------------------------------------------------------------------------------
def _expand_ellipses(equation, ranks):
    """``equation`` with every ``...`` spelled out in fresh letters and the output explicit.

    Ellipsis dims broadcast right-aligned, as in NumPy, so each gets one letter.
    """
    eq = equation.replace(" ", "")
    lhs, arrow, out = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(ranks):
        raise ValueError(f"einsum: the equation {equation!r} has {len(terms)} operand(s) but "
                         f"{len(ranks)} input(s) were given")
    bad = set(eq.replace("...", "").replace(",", "").replace("->", "")) - set(
        string.ascii_letters)
    if bad:
        raise ValueError(f"einsum: invalid subscript(s) {sorted(bad)} in {equation!r}")
    free = [c for c in string.ascii_letters if c not in eq]
    lengths = []
    for i, (term, rank) in enumerate(zip(terms, ranks)):
        named = len(term.replace("...", ""))
        if ("..." in term and named > rank) or ("..." not in term and named != rank):
            raise ValueError(f"einsum: operand {i} has rank {rank}, which does not match its "
                             f"subscripts {term!r} in {equation!r}")
        lengths.append(rank - named if "..." in term else 0)
    ell = "".join(free[:max(lengths, default=0)])
    terms = [t.replace("...", ell[len(ell) - n:] if n else "") for t, n in zip(terms, lengths)]
    if arrow:
        out = out.replace("...", ell)
    else:  # implicit: ellipsis dims, then the letters seen exactly once, sorted
        once = sorted(c for c in set(lhs) if c.isalpha() and lhs.count(c) == 1)
        out = ell + "".join(once)
    return terms, out


def _einsum_rule(*shapes, equation):
    lhs, out = equation.split("->")
    sizes = {}
    for i, (term, shape) in enumerate(zip(lhs.split(","), shapes)):
        for c, d in zip(term, shape):
            old = sizes.get(c, 1)
            if d is not None and d != 1 and old not in (1, None) and d != old:
                raise InvalidArgumentError(f"einsum: subscript {c!r} has size {old} and size "
                                           f"{d} (operand {i}) in {equation!r}")
            sizes[c] = None if d is None else (d if d != 1 else old)
    for c in out:
        if c not in sizes or out.count(c) > 1:
            raise InvalidArgumentError(f"einsum: output subscript {c!r} must appear once in "
                                       f"the output and in some input of {equation!r}")
    return TensorShape(sizes[c] for c in out)


def _einsum_forward(xp, *arrays, equation):
    return xp.einsum(equation, *arrays, optimize=len(arrays) > 1)


def _einsum_grad(gy, y, *xs, equation):
    lhs, out = equation.split("->")
    terms = lhs.split(",")
    return tuple(_einsum_operand_grad(gy, out, xs, terms, i) for i in range(len(xs)))


def _einsum_operand_grad(gy, out, xs, terms, i):
    """d/d xs[i] as ``einsum(out, other terms -> terms[i])``.

    A letter repeated in ``terms[i]`` (a diagonal) is renamed and tied back by an identity
    matrix; a letter found nowhere else was summed over, so the result is broadcast along it.
    """
    x, target = xs[i], terms[i]
    others = [t for j, t in enumerate(terms) if j != i]
    spare = iter(c for c in string.ascii_letters if c not in out + "".join(terms))
    spec, ties, eyes = [], [], []
    for pos, c in enumerate(target):
        if c in target[:pos]:
            fresh = next(spare)
            n = x.shape[pos]
            if n is None:
                raise UnimplementedError("einsum: the gradient of a repeated subscript needs "
                                         "its size to be known")
            spec.append(fresh)
            ties.append(c + fresh)
            eyes.append(bind(_EYE_LIKE, (x,), {"n": n}))
        else:
            spec.append(c)
    reachable = set(out + "".join(others) + "".join(ties))
    kept = [c for c in spec if c in reachable]
    equation = ",".join([out] + others + ties) + "->" + "".join(kept)
    g = bind(_EINSUM, (gy,) + tuple(xs[:i]) + tuple(xs[i + 1:]) + tuple(eyes),
             {"equation": equation})
    return _fit_to(g, x, [c in reachable for c in spec])


def _fit_to(g, x, kept):
    """Puts size-1 axes where ``kept`` is False, then sums/broadcasts ``g`` to ``x``'s shape."""
    dims, it = [], iter(dynamic_dims(g))
    for k in kept:
        dims.append(next(it) if k else 1)
    g = reshape(g, dims)
    summed = [i for i, (d, n) in enumerate(zip(dims, x.shape))
              if n == 1 and not (isinstance(d, int) and d == 1)]
    if summed:
        g = reduce_sum(g, axis=summed, keepdims=True)
    return broadcast_like(g, x)


_EINSUM = defop("einsum", _einsum_forward, grad=_einsum_grad, shape=_einsum_rule)
_EYE_LIKE = defop("eye_like", lambda xp, x, n: xp.eye(n, dtype=x.dtype),
                  grad=lambda gy, y, x, n: (None,),
                  shape=lambda x, n: TensorShape((n, n)))


def einsum(equation, *inputs, **kwargs):
    """Tensor contraction in Einstein notation, e.g. ``'ij,jk->ik'``, ``'...ij,...jk'``.

    Supports any number of operands, ``...`` (broadcast as in NumPy), implicit outputs
    (sorted letters seen once), traces and diagonals (``'ii->'``, ``'ii->i'``). Differentiable
    to any order: each operand's gradient is another einsum.

    Example:
        >>> nf.einsum('ij,j->i', [[1., 2.], [3., 4.]], [1., 1.]).numpy()
        array([3., 7.], dtype=float32)
    """
    if not isinstance(equation, str):
        raise TypeError(f"einsum: equation must be a string, got {type(equation).__name__}")
    if len(inputs) == 1 and isinstance(inputs[0], (list, tuple)) and inputs[0] and all(
            hasattr(t, "shape") for t in inputs[0]):
        inputs = tuple(inputs[0])
    xs = [tensor(t) for t in inputs]
    if not xs:
        raise ValueError("einsum: at least one input is required")
    if len(xs) == 2:
        xs = list(pair(xs[0], xs[1], "einsum"))
    same_dtype(xs, "einsum")
    terms, out = _expand_ellipses(equation, [t.ndim for t in xs])
    canonical = ",".join(terms) + "->" + out
    _einsum_rule(*[t.shape for t in xs], equation=canonical)
    return bind(_EINSUM, tuple(xs), {"equation": canonical})


# -- tensordot ---------------------------------------------------------------------------------
def _tensordot_axes(axes, a, b):
    if hasattr(axes, "numpy"):
        axes = axes.numpy().tolist()
    if isinstance(axes, (int, np.integer)):
        n = int(axes)
        if not 0 <= n <= min(a.ndim, b.ndim):
            raise InvalidArgumentError(f"tensordot: axes={n} must be in [0, min(rank a, rank b)]"
                                       f", got shapes {tuple(a.shape)} and {tuple(b.shape)}")
        return list(range(a.ndim - n, a.ndim)), list(range(n))
    if len(axes) != 2:
        raise ValueError(f"tensordot: axes must be an int or a pair of axis lists, got {axes!r}")
    a_axes, b_axes = ([ax] if isinstance(ax, (int, np.integer)) else list(ax) for ax in axes)
    if len(a_axes) != len(b_axes):
        raise InvalidArgumentError(f"tensordot: axes {a_axes} and {b_axes} have different "
                                   "lengths")
    return ([check_axis(ax, a.ndim, "tensordot") for ax in a_axes],
            [check_axis(ax, b.ndim, "tensordot") for ax in b_axes])


def tensordot(a, b, axes, name=None):
    """Sums the products of ``a`` and ``b`` over the given axes (NumPy's tensordot).

    Args:
        axes: an int N (last N axes of ``a`` with first N of ``b``) or a pair
            ``[a_axes, b_axes]`` of equal-length lists.

    Example:
        >>> nf.tensordot(nf.ones([2, 3]), nf.ones([3, 4]), axes=1).shape
        TensorShape([2, 4])
    """
    a, b = pair(a, b, "tensordot")
    a_axes, b_axes = _tensordot_axes(axes, a, b)
    for i, j in zip(a_axes, b_axes):
        if None not in (a.shape[i], b.shape[j]) and a.shape[i] != b.shape[j]:
            raise InvalidArgumentError(f"tensordot: axis {i} of a (size {a.shape[i]}) does not "
                                       f"match axis {j} of b (size {b.shape[j]}); shapes "
                                       f"{tuple(a.shape)} and {tuple(b.shape)}")
    letters = iter(string.ascii_letters)
    a_sub = [next(letters) for _ in range(a.ndim)]
    b_sub = [next(letters) for _ in range(b.ndim)]
    for i, j in zip(a_axes, b_axes):
        b_sub[j] = a_sub[i]
    out = [c for i, c in enumerate(a_sub) if i not in a_axes] + [
        c for j, c in enumerate(b_sub) if j not in b_axes]
    equation = "".join(a_sub) + "," + "".join(b_sub) + "->" + "".join(out)
    return bind(_EINSUM, (a, b), {"equation": equation})


# -- norm --------------------------------------------------------------------------------------
_VECTOR_ORDS = ("euclidean", 1, 2, np.inf)
_MATRIX_ORDS = ("euclidean", "fro", 1, 2, np.inf)


def _is_positive_real(ord):  # noqa: A002 - TF's name
    return isinstance(ord, (int, float, np.integer, np.floating)) and not isinstance(
        ord, bool) and ord > 0


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None):  # noqa: A002
    """Vector or matrix norm, as ``tf.norm``.

    Args:
        tensor: a floating-point tensor.
        ord: vector norms: ``'euclidean'`` (= 2), 1, ``np.inf`` or any p > 0; matrix norms
            (``axis`` a pair): ``'euclidean'``/``'fro'``, 1 (max column sum), ``np.inf``
            (max row sum).
        axis: None (the whole tensor as one vector), an int, or a pair of ints (matrix norm).
        keepdims: keep the reduced axes as size 1.

    Example:
        >>> nf.norm([3., 4.]).numpy()
        5.0
    """
    x = floating(_as_tensor(tensor), "norm")
    keepdims = bool(keepdims)
    if isinstance(axis, (tuple, list)) and len(axis) == 2:
        return _matrix_norm(x, ord, axis, keepdims)
    if isinstance(axis, (tuple, list)) and len(axis) == 1:
        axis = axis[0]
    if not (axis is None or isinstance(axis, (int, np.integer))):
        raise ValueError(f"norm: 'axis' must be None, an integer, or a tuple of 2 unique "
                         f"integers, got {axis}")
    if axis is not None:
        axis = check_axis(axis, x.ndim, "norm")
    if ord not in _VECTOR_ORDS and not _is_positive_real(ord):
        raise ValueError(f"norm: 'ord' must be a supported vector norm {list(_VECTOR_ORDS)} or "
                         f"a positive real, got {ord!r}")
    if ord in ("euclidean", 2):
        return sqrt(reduce_sum(square(x), axis, keepdims))
    if ord == 1:
        return reduce_sum(_abs(x), axis, keepdims)
    if ord == np.inf:
        return reduce_max(_abs(x), axis, keepdims)
    p = float(ord)
    return _pow(reduce_sum(_pow(_abs(x), p), axis, keepdims), 1.0 / p)


def _matrix_norm(x, ord, axis, keepdims):  # noqa: A002 - TF's name
    if len({check_axis(a, x.ndim, "norm") for a in axis}) != 2:
        raise ValueError(f"norm: 'axis' must be None, an integer, or a tuple of 2 unique "
                         f"integers, got {axis}")
    if ord not in _MATRIX_ORDS:
        raise ValueError(f"norm: 'ord' must be a supported matrix norm in "
                         f"{list(_MATRIX_ORDS)}, got {ord!r}")
    rows, cols = (check_axis(a, x.ndim, "norm") for a in axis)
    if ord in ("euclidean", "fro"):
        return sqrt(reduce_sum(square(x), [rows, cols], keepdims))
    if ord == 2:
        raise UnimplementedError("norm: the matrix 2-norm (largest singular value) is not "
                                 "supported yet")
    inner, outer = (rows, cols) if ord == 1 else (cols, rows)
    y = reduce_max(reduce_sum(_abs(x), inner, keepdims=True), outer, keepdims=True)
    if keepdims:
        return y
    return reshape(y, [d for i, d in enumerate(dynamic_dims(y)) if i not in (rows, cols)])


def _as_tensor(x):
    return tensor(x)


# -- matrix ops (nf.linalg) --------------------------------------------------------------------
def matrix_transpose(a, name="matrix_transpose", conjugate=False):
    """Swaps the last two axes of ``a`` (rank >= 2).

    Example:
        >>> nf.linalg.matrix_transpose(nf.ones([5, 2, 3])).shape
        TensorShape([5, 3, 2])
    """
    return _swap_last(_rank_at_least_2(tensor(a), "matrix_transpose"))


def adjoint(matrix, name=None):
    """The conjugate transpose of the last two axes (the transpose, for real tensors)."""
    return _swap_last(_rank_at_least_2(tensor(matrix), "adjoint"))


def _diag_part_rule(x):
    n = None if None in (x[-2], x[-1]) else min(x[-2], x[-1])
    return TensorShape(tuple(x[:-2]) + (n,))


def _diag_scatter_forward(xp, g, ref):
    out = xp.zeros(ref.shape, dtype=g.dtype)
    i = xp.arange(g.shape[-1])
    out[..., i, i] = g
    return out


def _matrix_diag_forward(xp, v):
    out = xp.zeros(v.shape + (v.shape[-1],), dtype=v.dtype)
    i = xp.arange(v.shape[-1])
    out[..., i, i] = v
    return out


_DIAG_PART = defop("diag_part", lambda xp, x: xp.diagonal(x, axis1=-2, axis2=-1).copy(),
                   grad=lambda gy, y, x: (bind(_DIAG_SCATTER, (gy, x), {}),),
                   shape=_diag_part_rule)
_DIAG_SCATTER = defop("diag_scatter", _diag_scatter_forward,
                      grad=lambda gy, y, g, ref: (bind(_DIAG_PART, (gy,), {}), None),
                      shape=lambda g, ref: ref)
_MATRIX_DIAG = defop("matrix_diag", _matrix_diag_forward,
                     grad=lambda gy, y, v: (bind(_DIAG_PART, (gy,), {}),),
                     shape=lambda v: TensorShape(tuple(v) + (v[-1],)))


def diag_part(input, name="diag_part", k=0):  # noqa: A002 - TF's name
    """The main diagonals of the last two axes: ``[..., M, N]`` gives ``[..., min(M, N)]``.

    Example:
        >>> nf.linalg.diag_part([[1., 2.], [3., 4.]]).numpy()
        array([1., 4.], dtype=float32)
    """
    if k != 0:
        raise UnimplementedError(f"diag_part: only k=0 is supported, got k={k}")
    return bind(_DIAG_PART, (_rank_at_least_2(tensor(input), "diag_part"),), {})


def diag(diagonal, name="diag", k=0):
    """Square matrices with ``diagonal`` (shape ``[..., N]``) on the main diagonal.

    Example:
        >>> nf.linalg.diag([1., 2.]).numpy()
        array([[1., 0.],
               [0., 2.]], dtype=float32)
    """
    v = tensor(diagonal)
    if k != 0:
        raise UnimplementedError(f"diag: only k=0 is supported, got k={k}")
    if v.ndim < 1:
        raise InvalidArgumentError(f"diag: diagonal must have rank >= 1, got shape "
                                   f"{tuple(v.shape)}")
    return bind(_MATRIX_DIAG, (v,), {})


def eye(num_rows, num_columns=None, batch_shape=None, dtype="float32", name=None):
    """Identity matrices of shape ``batch_shape + [num_rows, num_columns]``.

    Example:
        >>> nf.linalg.eye(2, 3).numpy()
        array([[1., 0., 0.],
               [0., 1., 0.]], dtype=float32)
    """
    rows = int(num_rows)
    cols = rows if num_columns is None else int(num_columns)
    batch = [] if batch_shape is None else [int(d) for d in batch_shape]
    ref = zeros(batch + [rows, cols], dtype)
    return bind(_DIAG_SCATTER, (ones(batch + [min(rows, cols)], dtype), ref), {})


def trace(x, name=None):
    """Sum of the main diagonal of the last two axes.

    Example:
        >>> nf.linalg.trace([[1., 2.], [3., 4.]]).numpy()
        5.0
    """
    return reduce_sum(diag_part(x), axis=-1)


def _square_matrices(x, op_name):
    x = floating(_rank_at_least_2(tensor(x), op_name), op_name)
    if None not in x.shape[-2:] and x.shape[-1] != x.shape[-2]:
        raise InvalidArgumentError(f"{op_name}: input must be a batch of square matrices, got "
                                   f"shape {tuple(x.shape)}")
    return x


def _square_rule(op_name):
    def rule(x, **attrs):
        if len(x) < 2 or (None not in x[-2:] and x[-1] != x[-2]):
            raise InvalidArgumentError(f"{op_name}: input must be a batch of square matrices, "
                                       f"got shape {tuple(x)}")
        return x if op_name == "inv" else TensorShape(x[:-2])
    return rule


def _inv_forward(xp, x):
    try:
        return xp.linalg.inv(x)
    except np.linalg.LinAlgError:
        raise InvalidArgumentError("inv: input is not invertible") from None


_INV = defop("inv", _inv_forward,
             grad=lambda gy, y, x: (-matmul(y, matmul(gy, y, transpose_b=True),
                                            transpose_a=True),),
             shape=_square_rule("inv"))


def _det_grad(gy, y, x):
    scale = reshape(gy * y, dynamic_dims(y) + [1, 1])
    return (scale * matrix_transpose(inv(x)),)


_DET = defop("det", lambda xp, x: xp.linalg.det(x), grad=_det_grad, shape=_square_rule("det"))


def inv(input, adjoint=False, name=None):  # noqa: A002 - TF's name
    """Inverse of each square matrix in the last two axes; InvalidArgumentError if singular.

    Example:
        >>> nf.linalg.inv([[2., 0.], [0., 4.]]).numpy()
        array([[0.5 , 0.  ],
               [0.  , 0.25]], dtype=float32)
    """
    x = _square_matrices(input, "inv")
    if adjoint:
        x = _swap_last(x)
    return bind(_INV, (x,), {})


def det(input, name=None):  # noqa: A002 - TF's name
    """Determinant of each square matrix in the last two axes.

    Example:
        >>> nf.linalg.det([[1., 2.], [3., 4.]]).numpy()
        -2.0
    """
    return bind(_DET, (_square_matrices(input, "det"),), {})
