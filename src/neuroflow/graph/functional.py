"""Higher-order functions over the first axis: ``map_fn``, ``scan``, ``foldl``, ``foldr``.

Eagerly they are Python loops; on traced tensors one ``nf.while_loop`` whose results are
collected in ``TensorArray``s, so one graph serves any length and gradients flow through it.
"""

from ..backend.dtypes import as_dtype
from ..core import nest
from ..core.convert import convert_to_tensor
from ..core.ops import index as _index
from ..core.ops import math as _m
from ..core.ops import shape as _shape
from ..core.tensor import Tensor
from . import control
from .symbolic import SymbolicTensor, TensorSpec
from .tensor_array import TensorArray


def _map(fn, *structures):
    """``nest.map_structure`` that takes each ``TensorArray`` as one leaf."""
    first = structures[0]
    if isinstance(first, dict):
        return type(first)((k, _map(fn, *[s[k] for s in structures])) for k in first)
    if isinstance(first, (list, tuple)):
        items = [_map(fn, *parts) for parts in zip(*structures)]
        return type(first)(*items) if hasattr(first, "_fields") else type(first)(items)
    return fn(*structures)


def _flat_elems(elems, what):
    flat = [x if isinstance(x, Tensor) else convert_to_tensor(x) for x in nest.flatten(elems)]
    if not flat:
        raise ValueError(f"{what}: elems must hold at least one tensor")
    for x in flat:
        if x.shape.rank == 0:
            raise ValueError(f"{what}: elements must have rank >= 1, got a scalar")
    return flat


def _symbolic(values):
    return any(isinstance(x, SymbolicTensor) for x in values) or control.enclosing_graph(
        values) is not None


def _element(elems, flat, i):
    return nest.pack_sequence_as(elems, [_index.gather(x, i) for x in flat])


def _output_of(fn, elems, flat, what):
    """``fn``'s output for one element, traced into a scratch graph (for its structure, dtypes
    and shapes only)."""
    graph = control.enclosing_graph(flat)
    specs = [(x.shape[1:], x.dtype) for x in flat]
    _, result = control.trace_branch(graph, f"{what}_probe", fn, (elems,), specs)
    return result


def _arrays(structure, size):
    def make(t):
        t = t if isinstance(t, Tensor) else convert_to_tensor(t)
        shape = t.shape if t.shape.is_fully_defined() else None
        return TensorArray(t.dtype, size=size, element_shape=shape)
    return nest.map_structure(make, structure)


def map_fn(fn, elems, dtype=None, parallel_iterations=None, back_prop=True, swap_memory=False,
           infer_shape=True, name=None, fn_output_signature=None):
    """``fn`` applied to each slice of ``elems`` along axis 0, results stacked, as TF's.

    Args:
        fn: callable taking one element (same structure as ``elems``).
        elems: a tensor or nested structure of tensors with equal first dims.
        fn_output_signature: output dtype(s) or ``TensorSpec``(s) (``dtype`` is the old name);
            needed only for an empty ``elems`` when eager.

    Example:
        >>> nf.map_fn(lambda x: x * x, nf.constant([1.0, 2.0, 3.0])).numpy()
        array([1., 4., 9.], dtype=float32)
    """
    flat = _flat_elems(elems, "map_fn")
    signature = fn_output_signature if fn_output_signature is not None else dtype
    if not _symbolic(flat):
        n = flat[0].shape[0]
        results = [fn(_element(elems, flat, i)) for i in range(n)]
        if not results:
            return _empty(signature, flat[0], "map_fn")
        return nest.map_structure(lambda *ys: _shape.stack(list(ys)), *results)
    n = _shape.shape(flat[0])[0]
    out = _output_of(fn, elems, flat, "map_fn")

    def body(i, arrays):
        y = fn(_element(elems, flat, i))
        return i + 1, _map(lambda ta, v: ta.write(i, v), arrays, y)

    start = convert_to_tensor(0, dtype="int32")
    _, arrays = control.while_loop(lambda i, _: _m.less(i, n), body, (start, _arrays(out, n)))
    return _map(lambda ta: ta.stack(), arrays)


def _empty(signature, like, what):
    if signature is None:
        raise ValueError(f"{what}: elems is empty; pass fn_output_signature to get an empty "
                         "result of the right dtype")

    def make(s):
        if isinstance(s, TensorSpec):
            return _shape.reshape(convert_to_tensor([], dtype=s.dtype), [0] + list(s.shape))
        return convert_to_tensor([], dtype=as_dtype(s))
    return nest.map_structure(make, signature)


def scan(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
         swap_memory=False, infer_shape=True, reverse=False, name=None):
    """The running accumulations ``a = fn(a, x)`` over the slices ``x`` of ``elems``, stacked
    (the first accumulator is ``initializer``, or the first element when it is None), as TF's.

    Example:
        >>> nf.scan(lambda a, x: a + x, nf.constant([1, 2, 3, 4])).numpy()
        array([ 1,  3,  6, 10], dtype=int32)
    """
    return _scan(fn, elems, initializer, reverse, collect=True, what="scan")


def foldl(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):
    """The final ``a = fn(a, x)`` over the slices of ``elems`` from first to last, as TF's.

    Example:
        >>> nf.foldl(lambda a, x: a + x, nf.constant([1, 2, 3])).numpy()
        6
    """
    return _scan(fn, elems, initializer, False, collect=False, what="foldl")


def foldr(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):
    """The final ``a = fn(a, x)`` over the slices of ``elems`` from last to first, as TF's."""
    return _scan(fn, elems, initializer, True, collect=False, what="foldr")


def _scan(fn, elems, initializer, reverse, collect, what):
    flat = _flat_elems(elems, what)
    symbolic = _symbolic(flat)
    n = _shape.shape(flat[0])[0] if symbolic else flat[0].shape[0]

    def position(i):
        return n - 1 - i if reverse else i

    first = 0
    if initializer is None:
        if not symbolic and n == 0:
            raise ValueError(f"{what}: elems is empty and no initializer was given")
        a, first = _element(elems, flat, position(0)), 1
    else:
        a = nest.map_structure(
            lambda v: v if isinstance(v, Tensor) else convert_to_tensor(v), initializer)
    if not symbolic:
        history = [a] if initializer is None else []
        for i in range(first, n):
            a = fn(a, _element(elems, flat, position(i)))
            history.append(a)
        if not collect:
            return a
        return _stacked_history(history, reverse)
    return _scan_loop(fn, elems, flat, a, first, n, position, reverse, collect)


def _stacked_history(history, reverse):
    if reverse:
        history = history[::-1]
    return nest.map_structure(lambda *ys: _shape.stack(list(ys)), *history)


def _scan_loop(fn, elems, flat, a, first, n, position, reverse, collect):
    arrays = _arrays(a, n) if collect else ()
    if collect and first:
        arrays = _map(lambda ta, v: ta.write(position(0), v), arrays, a)

    def body(i, acc, arrays):
        acc = fn(acc, _element(elems, flat, position(i)))
        if collect:
            arrays = _map(lambda ta, v: ta.write(position(i), v), arrays, acc)
        return i + 1, acc, arrays

    start = convert_to_tensor(first, dtype="int32")
    _, a, arrays = control.while_loop(lambda i, *_: _m.less(i, n), body, (start, a, arrays))
    if not collect:
        return a
    return _map(lambda ta: ta.stack(), arrays)
