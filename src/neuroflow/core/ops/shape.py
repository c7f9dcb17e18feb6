"""Shape ops: reshape, transpose, squeeze, concat/stack/split, tile, pad, broadcast, slice, ...

Each op is one block: forward kernel on ``xp``, gradient rule in neuroflow ops, shape rule
that accepts unknown (None) dims. Ops that only move elements are linear; their gradient is
their adjoint, defined as a second op whose own gradient is the first, so every order of
derivative works and nothing depends on dims that are unknown while tracing.
"""

import builtins

import numpy as np

from ...backend.dtypes import as_dtype
from ...backend.errors import InvalidArgumentError
from ..registry import bind, defop
from ..shape import TensorShape
from ..tensor import Tensor
from . import math as _m
from ._base import check_axis, same_dtype, sum_like, tensor

__all__ = ["reshape", "transpose", "expand_dims", "squeeze", "concat", "stack", "unstack",
           "split", "tile", "pad", "broadcast_to", "shape", "size", "rank", "identity",
           "stop_gradient", "ensure_shape", "newaxis", "slice", "reshape_like"]

newaxis = None  # ``x[nf.newaxis]`` inserts an axis, as in TF and NumPy


# -- helpers shared with index.py ------------------------------------------------------------
def _static(shape, op_name):
    """A shape argument (list, tuple, TensorShape or int tensor) as a tuple of ints."""
    if hasattr(shape, "numpy") and not isinstance(shape, TensorShape):
        shape = shape.numpy().tolist()
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    try:
        return tuple(-1 if d is None else int(d) for d in shape)
    except TypeError:
        raise TypeError(f"{op_name}: shape must be a list of ints, got {shape!r}") from None


def _is_symbolic(t):
    """True for a tensor whose value exists only when a traced graph runs."""
    if not isinstance(t, Tensor):
        return False
    try:
        t._value   # noqa: B018 - symbolic tensors (traced, or of a TF1 graph) raise here
    except TypeError:  # OperatorNotAllowedInGraphError
        return True
    return False


def _shape_arg(shape, op_name):
    """``(dims, runtime)``: a shape argument as static dims (-1 kept; None where a dim is a
    symbolic tensor) and, when some dim is only known at run time, all dims as a 1-D int32
    tensor (else None)."""
    if _is_symbolic(shape):
        if shape.ndim != 1 or shape.shape[0] is None:
            raise InvalidArgumentError(f"{op_name}: a shape tensor must be 1-D of known "
                                       f"length, got shape {_dims(shape.shape)}")
        return (None,) * shape.shape[0], _m.cast(shape, "int32")
    if isinstance(shape, (list, tuple)) and any(_is_symbolic(d) for d in shape):
        dims = tuple(None if _is_symbolic(d) else -1 if d is None else int(d) for d in shape)
        runtime = stack([reshape(_m.cast(d, "int32"), []) if _is_symbolic(d) else
                         tensor(-1 if d is None else int(d), "int32") for d in shape])
        return dims, runtime
    return _static(shape, op_name), None


def _ints(value, op_name, what):
    """An int or list of ints (or an int tensor) as a tuple of Python ints."""
    if hasattr(value, "numpy"):
        value = value.numpy().tolist()
    if isinstance(value, (int, np.integer)):
        return (int(value),)
    try:
        return tuple(int(v) for v in value)
    except TypeError:
        raise TypeError(f"{op_name}: {what} must be an int or a list of ints, "
                        f"got {value!r}") from None


def add_at(xp, out, index, values):
    """``out[index] += values`` with repeated indices accumulating (NumPy or CuPy)."""
    if xp is np:
        np.add.at(out, index, values)
    else:
        import cupyx  # noqa: PLC0415 - GPU-only, loaded on use

        cupyx.scatter_add(out, index, values)
    return out


def _dims(shape):
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + (
        ",)" if len(shape) == 1 else ")")


# -- reshape ---------------------------------------------------------------------------------
def _reshape_rule(x, shape):
    known = [d for d in shape if d != -1]
    if shape.count(-1) > 1:
        raise ValueError(f"reshape: at most one dimension may be -1, got {shape}")
    if any(d < -1 for d in shape):
        raise ValueError(f"reshape: dimensions must be >= -1, got {shape}")
    size = TensorShape(x).num_elements()
    if -1 in shape:
        rest = int(np.prod(known)) if known else 1
        if size is None or rest == 0:
            return TensorShape(None if d == -1 else d for d in shape)
        if size % rest:
            raise ValueError(f"reshape: cannot reshape a tensor of shape {_dims(x)} ({size} "
                             f"values) into shape {shape}: {size} is not a multiple of {rest}")
        return TensorShape(size // rest if d == -1 else d for d in shape)
    if size is not None and size != int(np.prod(shape)):
        raise ValueError(f"reshape: cannot reshape a tensor of shape {_dims(x)} ({size} "
                         f"values) into shape {shape} ({int(np.prod(shape))} values)")
    return TensorShape(shape)


_RESHAPE = defop("reshape", lambda xp, x, shape: xp.reshape(x, shape),
                 grad=lambda gy, y, x, shape: (reshape_like(gy, x),),
                 shape=_reshape_rule)
_RESHAPE_LIKE = defop("reshape_like", lambda xp, x, ref: xp.reshape(x, np.shape(ref)),
                      grad=lambda gy, y, x, ref: (reshape_like(gy, x), None),
                      shape=lambda x, ref: ref)


_RESHAPE_DYNAMIC = defop(
    "reshape_dynamic", lambda xp, x, dims, shape: xp.reshape(x, tuple(dims.tolist())),
    grad=lambda gy, y, x, dims, shape: (reshape_like(gy, x), None),
    shape=lambda x, dims, shape: TensorShape(None if d == -1 else d for d in shape))


def reshape(tensor_, shape, name=None):
    """Returns ``tensor_`` with a new shape holding the same elements; one dim may be -1.

    Raises:
        InvalidArgumentError: when the number of elements does not match.

    Example:
        >>> nf.reshape(nf.range(6), [2, -1]).shape
        TensorShape([2, 3])
    """
    x = tensor(tensor_)
    shape, runtime = _shape_arg(shape, "reshape")
    if runtime is not None:
        return bind(_RESHAPE_DYNAMIC, (x, runtime), {"shape": shape})
    if x.shape == shape:
        return x
    try:
        _reshape_rule(x.shape, shape)
    except ValueError as error:
        raise InvalidArgumentError(str(error)) from None
    return bind(_RESHAPE, (x,), {"shape": shape})


def reshape_like(x, ref):
    """Reshapes ``x`` to ``ref``'s (run-time) shape."""
    if x.shape == ref.shape and None not in x.shape:
        return x
    return bind(_RESHAPE_LIKE, (x, ref), {})


# -- transpose, expand_dims, squeeze ---------------------------------------------------------
def _transpose_rule(x, perm):
    if sorted(perm) != list(builtins.range(len(x))):
        raise ValueError(f"transpose: perm {list(perm)} is not a permutation of the "
                         f"{len(x)} axes of a tensor of shape {_dims(x)}")
    return TensorShape(x[p] for p in perm)


_TRANSPOSE = defop("transpose", lambda xp, x, perm: xp.transpose(x, perm),
                   grad=lambda gy, y, x, perm: (transpose(gy, np.argsort(perm).tolist()),),
                   shape=_transpose_rule)


def transpose(a, perm=None, conjugate=False, name=None):
    """Permutes the axes of ``a`` so that output axis i is input axis ``perm[i]``.

    By default the axes are reversed (a matrix transpose for rank 2).

    Example:
        >>> nf.transpose(nf.zeros([2, 3, 4]), [2, 0, 1]).shape
        TensorShape([4, 2, 3])
    """
    x = tensor(a)
    if perm is None:
        perm = tuple(builtins.range(x.ndim))[::-1]
    else:
        perm = _ints(perm, "transpose", "perm")
        if len(perm) != x.ndim:
            raise InvalidArgumentError(f"transpose: perm {list(perm)} has {len(perm)} entries "
                                       f"for a tensor of shape {_dims(x.shape)}")
        perm = tuple(p % x.ndim if -x.ndim <= p < 0 else p for p in perm)
        try:
            _transpose_rule(x.shape, perm)
        except ValueError as error:
            raise InvalidArgumentError(str(error)) from None
    if conjugate and x.dtype.name.startswith("complex"):
        x = bind(_CONJ, (x,), {})
    if perm == tuple(builtins.range(x.ndim)):
        return x
    return bind(_TRANSPOSE, (x,), {"perm": perm})


_CONJ = defop("transpose_conj", lambda xp, x: xp.conj(x),
              grad=lambda gy, y, x: (bind(_CONJ, (gy,), {}),), shape=lambda x: x)


def _expand_rule(x, axis):
    dims = list(x)
    dims.insert(axis, 1)
    return TensorShape(dims)


_EXPAND_DIMS = defop("expand_dims", lambda xp, x, axis: xp.expand_dims(x, axis),
                     grad=lambda gy, y, x, axis: (reshape_like(gy, x),), shape=_expand_rule)


def expand_dims(input, axis, name=None):  # noqa: A002 - TF's name
    """Inserts a dimension of size 1 at ``axis`` (negative counts from the end).

    Example:
        >>> nf.expand_dims(nf.zeros([2, 3]), -1).shape
        TensorShape([2, 3, 1])
    """
    x = tensor(input)
    axis = check_axis(axis, x.ndim + 1, "expand_dims")
    return bind(_EXPAND_DIMS, (x,), {"axis": axis})


def _squeeze_check(shape, axes):
    for a in axes:
        if shape[a] is not None and shape[a] != 1:
            raise InvalidArgumentError(
                f"squeeze: cannot squeeze dim[{a}] of a tensor of shape {_dims(shape)}: "
                f"expected a dimension of 1, got {shape[a]}")


def _squeeze_forward(xp, x, axes):
    _squeeze_check(x.shape, axes)
    return xp.reshape(x, [d for i, d in enumerate(x.shape) if i not in axes])


def _squeeze_rule(x, axes):
    _squeeze_check(x, axes)
    return TensorShape(d for i, d in enumerate(x) if i not in axes)


_SQUEEZE = defop("squeeze", _squeeze_forward, shape=_squeeze_rule,
                 grad=lambda gy, y, x, axes: (reshape_like(gy, x),))


def squeeze(input, axis=None, name=None):  # noqa: A002 - TF's name
    """Removes dimensions of size 1: all of them (``axis=None``) or those listed in ``axis``.

    Raises:
        InvalidArgumentError: when a listed dimension is not 1.

    Example:
        >>> nf.squeeze(nf.zeros([1, 3, 1]), axis=-1).shape
        TensorShape([1, 3])
    """
    x = tensor(input)
    if axis is not None and x.ndim == 0:
        raise InvalidArgumentError(f"squeeze: a scalar has no axis {axis} to squeeze")
    if axis is None:  # unknown dims are assumed not to be 1
        axes = tuple(i for i, d in enumerate(x.shape) if d == 1)
    else:
        axes = tuple(sorted({check_axis(a, x.ndim, "squeeze")
                             for a in _ints(axis, "squeeze", "axis")}))
    _squeeze_check(x.shape, axes)
    if not axes:
        return x
    return bind(_SQUEEZE, (x,), {"axes": axes})


# -- concat, split, stack, unstack -----------------------------------------------------------
def _concat_rule(*shapes, axis):
    first = shapes[0]
    for i, s in enumerate(shapes):
        if len(s) != len(first) or not all(
                a is None or b is None or a == b
                for k, (a, b) in enumerate(zip(first, s)) if k != axis):
            raise ValueError(f"concat: dimension mismatch along axes other than {axis}: "
                             f"shape[0] = {_dims(first)} vs. shape[{i}] = {_dims(s)}")
    sizes = [s[axis] for s in shapes]
    dims = [next((s[k] for s in shapes if s[k] is not None), None) for k in
            builtins.range(len(first))]
    dims[axis] = None if None in sizes else sum(sizes)
    return TensorShape(dims)


def _concat_grad(gy, y, *xs, axis):
    return tuple(bind(_split_op(len(xs)), (gy,) + xs,
                      {"axis": axis, "sizes": None, "n": len(xs)}))


_CONCAT = defop("concat", lambda xp, *xs, axis: xp.concatenate(xs, axis=axis),
                grad=_concat_grad, shape=_concat_rule)


def concat(values, axis, name="concat"):
    """Joins a list of tensors along an existing ``axis``; the other dims must match.

    Example:
        >>> nf.concat([nf.zeros([2, 3]), nf.ones([2, 1])], axis=1).shape
        TensorShape([2, 4])
    """
    if isinstance(values, Tensor):
        values = [values]
    values = [tensor(v) for v in values]
    if not values:
        raise InvalidArgumentError("concat: values must be a non-empty list of tensors")
    same_dtype(values, "concat")
    rank = values[0].ndim
    if rank == 0:
        raise InvalidArgumentError("concat: cannot concatenate scalars (rank 0); use nf.stack")
    axis = check_axis(axis, rank, "concat")
    try:
        _concat_rule(*[v.shape for v in values], axis=axis)
    except ValueError as error:
        raise InvalidArgumentError(str(error)) from None
    if len(values) == 1:
        return identity(values[0])
    return bind(_CONCAT, tuple(values), {"axis": axis})


def _split_sizes(dim, sizes, n, op_name, shape):
    """The sizes of the parts of a dim of size ``dim`` (None if unknown)."""
    if sizes is None:  # n equal parts
        if dim is None:
            return (None,) * n
        if dim % n:
            raise InvalidArgumentError(f"{op_name}: cannot split a dimension of size {dim} "
                                       f"(tensor shape {_dims(shape)}) into {n} equal parts")
        return (dim // n,) * n
    if -1 in sizes:
        known = sum(s for s in sizes if s != -1)
        rest = None if dim is None else dim - known
        if rest is not None and rest < 0:
            raise InvalidArgumentError(f"{op_name}: size_splits {list(sizes)} need more than "
                                       f"the {dim} entries of a tensor of shape {_dims(shape)}")
        return tuple(rest if s == -1 else s for s in sizes)
    if dim is not None and sum(sizes) != dim:
        raise InvalidArgumentError(f"{op_name}: size_splits {list(sizes)} sum to {sum(sizes)}, "
                                   f"not to the size {dim} of the split dimension of a tensor "
                                   f"of shape {_dims(shape)}")
    return tuple(sizes)


def _split_forward(xp, x, *refs, axis, sizes, n):
    if refs:
        sizes = tuple(r.shape[axis] for r in refs)
    sizes = _split_sizes(x.shape[axis], sizes, n, "split", x.shape)
    return tuple(xp.split(x, np.cumsum(sizes)[:-1].tolist(), axis=axis))


def _split_rule(x, *refs, axis, sizes, n):
    if refs:
        sizes = tuple(r[axis] for r in refs)
        if None in sizes:
            return tuple(TensorShape(x[:axis] + (r[axis],) + x[axis + 1:]) for r in refs)
    parts = _split_sizes(x[axis], sizes, n, "split", x)
    return tuple(TensorShape(x[:axis] + (p,) + x[axis + 1:]) for p in parts)


def _split_grad(gys, ys, x, *refs, axis, sizes, n):
    return (concat(list(gys), axis),) + (None,) * len(refs)


_SPLIT_OPS = {}


def _split_op(n):
    """The split op with ``n`` outputs (an op's number of outputs is fixed)."""
    if n not in _SPLIT_OPS:
        _SPLIT_OPS[n] = defop(f"split_{n}", _split_forward, grad=_split_grad,
                              shape=_split_rule, n_out=n)
    return _SPLIT_OPS[n]


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """Splits ``value`` along ``axis`` into a list of tensors.

    Args:
        value: the tensor to split.
        num_or_size_splits: an int n (n equal parts; the dim must divide by n) or a list of
            part sizes, one of which may be -1 (the rest).
        axis: the dimension to split.
        num: the number of parts, when it cannot be inferred.

    Example:
        >>> [p.shape for p in nf.split(nf.zeros([5, 2]), [1, -1])]
        [TensorShape([1, 2]), TensorShape([4, 2])]
    """
    x = tensor(value)
    axis = check_axis(axis, x.ndim, "split")
    if hasattr(num_or_size_splits, "numpy"):
        num_or_size_splits = num_or_size_splits.numpy().tolist()
    if isinstance(num_or_size_splits, (int, np.integer)):
        n, sizes = int(num_or_size_splits), None
        if n <= 0:
            raise InvalidArgumentError(f"split: the number of splits must be >= 1, got {n}")
    else:
        sizes = _ints(num_or_size_splits, "split", "num_or_size_splits")
        n = len(sizes) if num is None else int(num)
        if sizes.count(-1) > 1 or any(s < -1 for s in sizes) or n != len(sizes):
            raise InvalidArgumentError(f"split: invalid size_splits {list(sizes)}: sizes must "
                                       "be >= 0 with at most one -1")
    _split_sizes(x.shape[axis], sizes, n, "split", x.shape)
    if n == 1:
        return [identity(x)]
    return list(bind(_split_op(n), (x,), {"axis": axis, "sizes": sizes, "n": n}))


def _stack_rule(*shapes, axis):
    first = TensorShape(shapes[0])
    for s in shapes[1:]:
        if not first.is_compatible_with(s):
            raise ValueError(f"stack: all inputs must have the same shape, got "
                             f"{[_dims(s) for s in shapes]}")
    dims = list(first)
    dims.insert(axis, len(shapes))
    return TensorShape(dims)


_STACK = defop("stack", lambda xp, *xs, axis: xp.stack(xs, axis=axis),
               grad=lambda gy, y, *xs, axis: tuple(unstack(gy, num=len(xs), axis=axis)),
               shape=_stack_rule)


def stack(values, axis=0, name="stack"):
    """Stacks a list of same-shape tensors along a new ``axis``.

    Example:
        >>> nf.stack([nf.zeros([3]), nf.ones([3])], axis=1).shape
        TensorShape([3, 2])
    """
    values = [tensor(v) for v in values]
    if not values:
        raise InvalidArgumentError("stack: values must be a non-empty list")
    same_dtype(values, "stack")
    axis = check_axis(axis, values[0].ndim + 1, "stack")
    try:
        _stack_rule(*[v.shape for v in values], axis=axis)
    except ValueError as error:
        raise InvalidArgumentError(str(error)) from None
    return bind(_STACK, tuple(values), {"axis": axis})


def _unstack_forward(xp, x, axis, num):
    if x.shape[axis] != num:
        raise InvalidArgumentError(f"unstack: expected {num} entries along axis {axis}, got "
                                   f"a tensor of shape {x.shape}")
    return tuple(xp.take(x, i, axis=axis) for i in builtins.range(num))


def _unstack_rule(x, axis, num):
    dims = list(x)
    del dims[axis]
    return tuple(TensorShape(dims) for _ in builtins.range(num))


_UNSTACK_OPS = {}


def unstack(value, num=None, axis=0, name="unstack"):
    """Splits ``value`` along ``axis`` into a list of tensors of one rank less.

    Example:
        >>> len(nf.unstack(nf.zeros([3, 2])))
        3
    """
    x = tensor(value)
    if x.ndim == 0:
        raise ValueError("unstack: cannot unstack a scalar (rank 0) tensor")
    axis = check_axis(axis, x.ndim, "unstack")
    n = x.shape[axis] if num is None else int(num)
    if n is None:
        raise ValueError("unstack: the size of the unstacked axis must be known (give num=)")
    if x.shape[axis] is not None and x.shape[axis] != n:
        raise InvalidArgumentError(f"unstack: num={n} but axis {axis} of shape "
                                   f"{_dims(x.shape)} has {x.shape[axis]} entries")
    if n == 1:
        return [squeeze(x, axis)]
    op = _UNSTACK_OPS.get(n)
    if op is None:
        op = _UNSTACK_OPS[n] = defop(
            f"unstack_{n}", _unstack_forward, n_out=n, shape=_unstack_rule,
            grad=lambda gy, y, x, axis, num: (stack(list(gy), axis=axis),))
    return list(bind(op, (x,), {"axis": axis, "num": n}))


# -- tile, pad, broadcast_to, slice ----------------------------------------------------------
def _tile_grad_forward(xp, g, x, multiples):
    folded = []
    for m, d in zip(multiples, x.shape):
        folded += [m, d]
    return g.reshape(folded).sum(axis=tuple(builtins.range(0, 2 * x.ndim, 2))).astype(g.dtype)


_TILE = defop("tile", lambda xp, x, multiples: xp.tile(x, multiples),
              grad=lambda gy, y, x, multiples: (bind(_TILE_T, (gy, x),
                                                     {"multiples": multiples}),),
              shape=lambda x, multiples: TensorShape(
                  None if d is None else d * m for d, m in zip(x, multiples)))
_TILE_T = defop("tile_grad", _tile_grad_forward, shape=lambda g, x, multiples: x,
                grad=lambda gy, y, g, x, multiples: (bind(_TILE, (gy,),
                                                          {"multiples": multiples}), None))


def tile(input, multiples, name=None):  # noqa: A002 - TF's name
    """Repeats ``input`` ``multiples[i]`` times along each axis i.

    Example:
        >>> nf.tile([[1, 2]], [2, 2]).numpy()
        array([[1, 2, 1, 2],
               [1, 2, 1, 2]], dtype=int32)
    """
    x = tensor(input)
    multiples = _ints(multiples, "tile", "multiples")
    if len(multiples) != x.ndim or any(m < 0 for m in multiples):
        raise InvalidArgumentError(f"tile: multiples {list(multiples)} must have one "
                                   f"non-negative entry per axis of shape {_dims(x.shape)}")
    return bind(_TILE, (x,), {"multiples": multiples})


def _pad_check(shape, paddings, mode):
    if len(paddings) != len(shape):
        raise InvalidArgumentError(f"pad: paddings must have shape ({len(shape)}, 2) for a "
                                   f"tensor of shape {_dims(shape)}, got {len(paddings)} rows")
    if mode == "constant":
        return
    for axis, ((a, b), d) in enumerate(zip(paddings, shape)):
        limit = None if d is None else (d - 1 if mode == "reflect" else d)
        if limit is not None and max(a, b) > limit:
            raise InvalidArgumentError(
                f"pad: {mode.upper()} paddings {[a, b]} of axis {axis} must be "
                f"{'less than' if mode == 'reflect' else 'at most'} the dimension {d} "
                f"(tensor shape {_dims(shape)})")


def _pad_forward(xp, x, paddings, mode, constant_values):
    _pad_check(x.shape, paddings, mode)
    if mode == "constant":
        return xp.pad(x, paddings, mode="constant", constant_values=constant_values)
    return xp.pad(x, paddings, mode=mode)


def _pad_grad_forward(xp, g, x, paddings, mode):
    if mode == "constant":
        return g[tuple(builtins.slice(a, a + d) for (a, _), d in zip(paddings, x.shape))]
    for axis, ((a, b), d) in enumerate(zip(paddings, x.shape)):
        if a or b:  # accumulate each padded entry back onto the entry it mirrors
            source = np.pad(np.arange(d), (a, b), mode=mode)
            out = xp.zeros(g.shape[:axis] + (d,) + g.shape[axis + 1:], g.dtype)
            g = add_at(xp, out, (builtins.slice(None),) * axis + (xp.asarray(source),), g)
    return g


def _pad_rule(x, paddings, mode, constant_values=None):
    _pad_check(x, paddings, mode)
    return TensorShape(None if d is None else d + a + b for d, (a, b) in zip(x, paddings))


_PAD = defop("pad", _pad_forward, shape=_pad_rule,
             grad=lambda gy, y, x, paddings, mode, constant_values: (
                 bind(_PAD_T, (gy, x), {"paddings": paddings, "mode": mode}),))
_PAD_T = defop("pad_grad", _pad_grad_forward, shape=lambda g, x, paddings, mode: x,
               grad=lambda gy, y, g, x, paddings, mode: (
                   bind(_PAD, (gy,), {"paddings": paddings, "mode": mode,
                                      "constant_values": 0}), None))


def pad(tensor_, paddings, mode="CONSTANT", constant_values=0, name=None):
    """Pads ``tensor_``: ``paddings[i] = [before, after]`` entries along axis i.

    Args:
        tensor_: the tensor to pad.
        paddings: int list/array of shape (rank, 2).
        mode: ``'CONSTANT'`` (fill with ``constant_values``), ``'REFLECT'`` (mirror without
            the edge; paddings < dim) or ``'SYMMETRIC'`` (mirror with the edge; <= dim).
        constant_values: the fill value of ``'CONSTANT'`` mode.

    Example:
        >>> nf.pad([1, 2, 3], [[2, 1]], mode='REFLECT').numpy()
        array([3, 2, 1, 2, 3, 2], dtype=int32)
    """
    x = tensor(tensor_)
    mode = str(mode).lower()
    if mode not in ("constant", "reflect", "symmetric"):
        raise InvalidArgumentError(f"pad: mode must be 'CONSTANT', 'REFLECT' or 'SYMMETRIC', "
                                   f"got {mode.upper()!r}")
    raw = np.asarray(paddings.numpy() if hasattr(paddings, "numpy") else paddings)
    if raw.size == 0 and x.ndim == 0:
        raw = raw.reshape(0, 2)
    if raw.ndim != 2 or raw.shape[1] != 2 or raw.dtype.kind not in "iu" or np.any(raw < 0):
        raise InvalidArgumentError(f"pad: paddings must be non-negative ints of shape "
                                   f"({x.ndim}, 2) for a tensor of shape {_dims(x.shape)}, "
                                   f"got {raw.tolist()}")
    paddings = tuple((int(a), int(b)) for a, b in raw)
    _pad_check(x.shape, paddings, mode)
    if hasattr(constant_values, "numpy"):
        constant_values = constant_values.numpy()
    constant_values = np.asarray(constant_values).astype(x.dtype._np).item()
    return bind(_PAD, (x,), {"paddings": paddings, "mode": mode,
                             "constant_values": constant_values})


def _broadcast_rule(x, shape):
    out = list(shape)
    lead = len(out) - len(x)
    if lead < 0 or any(d not in (1, None) and out[lead + i] not in (d, None)
                       for i, d in enumerate(x)):
        raise ValueError(f"broadcast_to: cannot broadcast a tensor of shape {_dims(x)} to "
                         f"shape {tuple(shape)}")
    for i, d in enumerate(x):  # a run-time target dim is known where x's is not 1
        if out[lead + i] is None and d not in (1, None):
            out[lead + i] = d
    return TensorShape(out)


_BROADCAST = defop("broadcast_to", lambda xp, x, shape: xp.broadcast_to(x, shape),
                   grad=lambda gy, y, x, shape: (sum_like(gy, x),), shape=_broadcast_rule)


_BROADCAST_DYNAMIC = defop(
    "broadcast_to_dynamic", lambda xp, x, dims, shape: xp.broadcast_to(x, tuple(dims.tolist())),
    grad=lambda gy, y, x, dims, shape: (sum_like(gy, x), None),
    shape=lambda x, dims, shape: _broadcast_rule(x, shape))


def broadcast_to(input, shape, name=None):  # noqa: A002 - TF's name
    """Broadcasts ``input`` to ``shape`` (NumPy rules).

    Example:
        >>> nf.broadcast_to([1, 2], [3, 2]).shape
        TensorShape([3, 2])
    """
    x = tensor(input)
    shape, runtime = _shape_arg(shape, "broadcast_to")
    if runtime is not None:
        return bind(_BROADCAST_DYNAMIC, (x, runtime), {"shape": shape})
    if x.shape == shape:
        return x
    try:
        _broadcast_rule(x.shape, shape)
    except ValueError as error:
        raise InvalidArgumentError(str(error)) from None
    return bind(_BROADCAST, (x,), {"shape": shape})


def _slice_key(x, begin, size):
    return tuple(builtins.slice(b, None if s == -1 else b + s) for b, s in zip(begin, size))


def _slice_rule(x, begin, size):
    for axis, (b, s, d) in enumerate(zip(begin, size, x)):
        if b < 0 or s < -1 or (d is not None and (b > d or (s != -1 and b + s > d))):
            raise ValueError(f"slice: begin {list(begin)} and size {list(size)} are out of "
                             f"bounds for a tensor of shape {_dims(x)} (axis {axis})")
    return TensorShape(None if d is None and s == -1 else (d - b if s == -1 else s)
                       for b, s, d in zip(begin, size, x))


def _slice_forward(xp, x, begin, size):
    _slice_rule(x.shape, begin, size)
    return x[_slice_key(x, begin, size)]


def _slice_grad_forward(xp, g, x, begin, size):
    out = xp.zeros(x.shape, g.dtype)
    out[_slice_key(x, begin, size)] = g
    return out


_SLICE = defop("slice", _slice_forward, shape=_slice_rule,
               grad=lambda gy, y, x, begin, size: (
                   bind(_SLICE_T, (gy, x), {"begin": begin, "size": size}),))
_SLICE_T = defop("slice_grad", _slice_grad_forward, shape=lambda g, x, begin, size: x,
                 grad=lambda gy, y, g, x, begin, size: (
                     bind(_SLICE, (gy,), {"begin": begin, "size": size}), None))


def slice(input_, begin, size, name=None):  # noqa: A001 - TF's name
    """Extracts ``input_[begin[i] : begin[i] + size[i]]`` along each axis (size -1: the rest).

    Example:
        >>> nf.slice(nf.reshape(nf.range(6), [2, 3]), [0, 1], [2, -1]).numpy()
        array([[1, 2],
               [4, 5]], dtype=int32)
    """
    x = tensor(input_)
    begin, size = _ints(begin, "slice", "begin"), _ints(size, "slice", "size")
    if len(begin) != x.ndim or len(size) != x.ndim:
        raise InvalidArgumentError(f"slice: begin {list(begin)} and size {list(size)} need "
                                   f"one entry per axis of shape {_dims(x.shape)}")
    try:
        _slice_rule(x.shape, begin, size)
    except ValueError as error:
        raise InvalidArgumentError(str(error)) from None
    return bind(_SLICE, (x,), {"begin": begin, "size": size})


# -- shape, size, rank -----------------------------------------------------------------------
def _out_type(out_type, op_name):
    out_type = as_dtype(out_type)
    if out_type.name not in ("int32", "int64"):
        raise TypeError(f"{op_name}: out_type must be int32 or int64, got {out_type.name}")
    return out_type


_SHAPE = defop("shape", lambda xp, x, out_type: xp.asarray(x.shape, out_type._np),
               grad=lambda gy, y, x, out_type: (None,),
               shape=lambda x, out_type: TensorShape([len(x)]),
               dtype=lambda x, out_type: out_type)
_SIZE = defop("size", lambda xp, x, out_type: xp.asarray(x.size, out_type._np),
              grad=lambda gy, y, x, out_type: (None,),
              shape=lambda x, out_type: TensorShape([]), dtype=lambda x, out_type: out_type)
_RANK = defop("rank", lambda xp, x: xp.asarray(x.ndim, np.int32),
              grad=lambda gy, y, x: (None,), shape=lambda x: TensorShape([]),
              dtype=lambda x: as_dtype("int32"))


def shape(input, out_type="int32", name=None):  # noqa: A002 - TF's name
    """The run-time shape of ``input`` as a 1-D int tensor (works on unknown dims).

    Example:
        >>> nf.shape(nf.zeros([2, 3])).numpy()
        array([2, 3], dtype=int32)
    """
    return bind(_SHAPE, (tensor(input),), {"out_type": _out_type(out_type, "shape")})


def dynamic_dims(x):
    """``x``'s dims as a list: Python ints where the static shape knows them, scalar int32
    tensors (slices of ``shape(x)``) where it does not. Reshapes built from it work on traced
    tensors with any number of unknown dims (a list with None could hold only one -1)."""
    static = x.shape
    if static.is_fully_defined():
        return list(static)
    run = shape(x)
    return [d if d is not None else run[i] for i, d in enumerate(static)]


def size(input, out_type="int32", name=None):  # noqa: A002 - TF's name
    """The number of elements of ``input`` as a scalar int tensor.

    Example:
        >>> int(nf.size(nf.zeros([2, 3])))
        6
    """
    return bind(_SIZE, (tensor(input),), {"out_type": _out_type(out_type, "size")})


def rank(input, name=None):  # noqa: A002 - TF's name
    """The number of dimensions of ``input`` as a scalar int32 tensor.

    Example:
        >>> int(nf.rank(nf.zeros([2, 3])))
        2
    """
    return bind(_RANK, (tensor(input),), {})


# -- identity, stop_gradient, ensure_shape ---------------------------------------------------
_IDENTITY = defop("identity", lambda xp, x: x, grad=lambda gy, y, x: (gy,),
                  shape=lambda x: x)
_STOP_GRADIENT = defop("stop_gradient", lambda xp, x: x, grad=lambda gy, y, x: (None,),
                       shape=lambda x: x)


def identity(input, name=None):  # noqa: A002 - TF's name
    """Returns a tensor with the same value as ``input`` (a variable's current value).

    Example:
        >>> nf.identity([1, 2]).numpy()
        array([1, 2], dtype=int32)
    """
    return bind(_IDENTITY, (tensor(input),), {})


def stop_gradient(input, name=None):  # noqa: A002 - TF's name
    """Returns ``input``; gradients do not flow through it.

    Example:
        >>> x = nf.constant(2.0)
        >>> with nf.GradientTape() as tape:
        ...     tape.watch(x)
        ...     y = nf.stop_gradient(x) * x
        >>> float(tape.gradient(y, x))
        2.0
    """
    return bind(_STOP_GRADIENT, (tensor(input),), {})


def _ensure_check(actual, expected):
    actual = TensorShape(actual)
    if not actual.is_compatible_with(expected):
        raise InvalidArgumentError(f"ensure_shape: shape of tensor {_dims(actual)} is not "
                                   f"compatible with expected shape {_dims(expected)}")
    return actual.merge_with(expected)


def _ensure_forward(xp, x, expected):
    _ensure_check(x.shape, expected)
    return x


_ENSURE_SHAPE = defop("ensure_shape", _ensure_forward, grad=lambda gy, y, x, expected: (gy,),
                      shape=_ensure_check)


def ensure_shape(x, shape, name=None):
    """Returns ``x``, checking that its shape is compatible with ``shape`` (None: any).

    Raises:
        InvalidArgumentError: when the shapes are not compatible.

    Example:
        >>> nf.ensure_shape(nf.zeros([2, 3]), [None, 3]).shape
        TensorShape([2, 3])
    """
    x = tensor(x)
    expected = TensorShape(None if d in (None, -1) else d for d in _static(shape, "ensure_shape"))
    _ensure_check(x.shape, expected)
    return bind(_ENSURE_SHAPE, (x,), {"expected": expected})
