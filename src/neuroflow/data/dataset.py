"""``Dataset``: a lazy, re-iterable pipeline of elements, with ``tf.data``'s methods.

Elements are nested tuples/dicts of arrays; iterating yields them as ``nf.Tensor`` (or NumPy
with ``as_numpy_iterator``). Datasets built from in-memory arrays keep the arrays and move only
indices through ``shuffle``/``take``/``skip``, so ``batch`` gathers each batch with one slice
or one fancy index per array instead of stacking single elements.
"""

import itertools
import math

import numpy as np

from ..backend import random as _random
from ..backend.dtypes import FROM_NP
from ..backend.errors import InvalidArgumentError
from ..core.convert import convert_to_tensor, to_array
from ..core.tensor import Tensor
from ..graph.symbolic import TensorSpec

__all__ = ["AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "Dataset"]

AUTOTUNE = -1
INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2


# -- nested element helpers -------------------------------------------------------------------
def _map(fn, element):
    if isinstance(element, dict):
        return {k: _map(fn, v) for k, v in element.items()}
    if isinstance(element, tuple):
        if hasattr(element, "_fields"):
            return type(element)(*[_map(fn, v) for v in element])
        return tuple(_map(fn, v) for v in element)
    return fn(element)


def _leaves(element):
    if isinstance(element, dict):
        return [leaf for k in element for leaf in _leaves(element[k])]
    if isinstance(element, tuple):
        return [leaf for v in element for leaf in _leaves(v)]
    return [element]


def _rebuild(structure, leaves):
    it = iter(leaves)
    return _map(lambda _: next(it), structure)


def _as_array(value):
    """A leaf as a NumPy array: tensors read out, Python values with TF's default dtypes."""
    if isinstance(value, Tensor):
        return value.numpy() if value.ndim else np.asarray(value.numpy())
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, (str, bytes)):
        return np.asarray(value.encode() if isinstance(value, str) else value, dtype=object)
    return to_array(value)


def _normalize(structure):
    """Nested tuples/dicts kept; every other value (lists included, as TF) becomes an array."""
    return _map(_as_array, structure)


def _to_tensor(array):
    if array.dtype == object:
        return array
    return convert_to_tensor(array)


def _to_numpy_out(array):
    return array[()] if isinstance(array, np.ndarray) and array.ndim == 0 else array


def _combine_cardinality(a, b, op):
    if a == UNKNOWN_CARDINALITY or b == UNKNOWN_CARDINALITY:
        return UNKNOWN_CARDINALITY
    return op(a, b)


class Dataset:
    """A sequence of elements built from arrays, tensors or generators, transformed lazily.

    Build with ``Dataset.from_tensor_slices``, ``from_tensors``, ``from_generator`` or
    ``range``; transform with ``map``, ``shuffle``, ``batch``, ``repeat``, ``take``, ...; iterate
    with ``for element in dataset`` (tensors) or ``as_numpy_iterator()``. ``fit``,
    ``evaluate`` and ``predict`` accept datasets of ``(x, y)`` batches.

    Example:
        >>> ds = nf.data.Dataset.from_tensor_slices((x, y)).shuffle(1000).batch(32)
        >>> model.fit(ds, epochs=5)
    """

    def __init__(self, make_iterator, cardinality, unknown_batch=False):
        self._make_iterator = make_iterator     # () -> iterator of NumPy elements
        self._cardinality = int(cardinality)
        self._unknown_batch = unknown_batch     # batches whose first dim may vary

    # -- iteration ------------------------------------------------------------------------------
    def _elements(self):
        return self._make_iterator()

    def __iter__(self):
        return (_map(_to_tensor, element) for element in self._elements())

    def as_numpy_iterator(self):
        """Iterates over the elements as NumPy arrays (scalars for rank-0 values).

        Example:
            >>> list(nf.data.Dataset.range(3).as_numpy_iterator())
            [0, 1, 2]
        """
        return (_map(_to_numpy_out, element) for element in self._elements())

    def cardinality(self):
        """Number of elements, ``INFINITE_CARDINALITY`` (-1) or ``UNKNOWN_CARDINALITY`` (-2),
        as an int64 scalar tensor."""
        return convert_to_tensor(np.int64(self._cardinality))

    @property
    def element_spec(self):
        """The structure of ``TensorSpec`` of one element (read from the first element; the
        batch dimension is None after ``batch`` without ``drop_remainder``)."""
        first = next(iter(self._elements()), None)
        if first is None:
            raise ValueError("element_spec: the dataset is empty")

        def spec(array):
            shape = list(np.shape(array))
            if self._unknown_batch and shape:
                shape[0] = None
            return TensorSpec(shape, FROM_NP[np.asarray(array).dtype]) if np.asarray(
                array).dtype != object else TensorSpec(shape, "string")
        return _map(spec, first)

    def __len__(self):
        if self._cardinality == INFINITE_CARDINALITY:
            raise TypeError("The dataset is infinite.")
        if self._cardinality == UNKNOWN_CARDINALITY:
            raise TypeError("The dataset length is unknown.")
        return self._cardinality

    def __bool__(self):
        return True

    def __repr__(self):
        return f"<{type(self).__name__} cardinality={self._cardinality}>"

    # -- sources ---------------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors, name=None):
        """A dataset whose elements are the slices of ``tensors`` along their first axis.

        Args:
            tensors: an array/tensor, or a tuple/dict of them with equal first dimensions.

        Example:
            >>> ds = nf.data.Dataset.from_tensor_slices(([1, 2, 3], [4, 5, 6]))
            >>> [tuple(map(int, e)) for e in ds.as_numpy_iterator()]
            [(1, 4), (2, 5), (3, 6)]
        """
        arrays = _normalize(tensors)
        sizes = {a.shape[0] if a.ndim else None for a in _leaves(arrays)}
        if None in sizes:
            raise ValueError("from_tensor_slices: every component must have rank >= 1 "
                             "(slices are taken along the first axis)")
        if len(sizes) != 1:
            shapes = ", ".join(str(a.shape) for a in _leaves(arrays))
            raise ValueError("from_tensor_slices: all components must have the same size in "
                             f"the first dimension, got shapes {shapes}")
        n = sizes.pop()
        return _ArraySlices(arrays, n, lambda: np.arange(n), n)

    @staticmethod
    def from_tensors(tensors, name=None):
        """A dataset with the single element ``tensors``."""
        element = _normalize(tensors)
        return Dataset(lambda: iter([element]), 1)

    @staticmethod
    def from_generator(generator, output_types=None, output_shapes=None, args=None,
                       output_signature=None, name=None):
        """A dataset whose elements come from calling ``generator(*args)`` on each pass.

        Example:
            >>> def gen():
            ...     for i in range(3):
            ...         yield i, i * i
            >>> ds = nf.data.Dataset.from_generator(gen, output_types=(nf.int32, nf.int32))
        """
        if not callable(generator):
            raise TypeError("`generator` must be a Python callable (a function returning an "
                            "iterator), not an iterator")
        dtypes = output_types
        if output_signature is not None:
            dtypes = _map(lambda spec: getattr(spec, "dtype", None), output_signature) \
                if isinstance(output_signature, (tuple, dict)) else output_signature.dtype
        args = tuple(args or ())

        def make():
            for item in generator(*args):
                if isinstance(item, list) and isinstance(dtypes, tuple):
                    item = tuple(item)    # a list matching a tuple signature is a tuple
                element = _normalize(item)
                if dtypes is not None:
                    element = _cast_like(element, dtypes)
                yield element
        return Dataset(make, UNKNOWN_CARDINALITY)

    @staticmethod
    def range(*args, dtype=None, name=None):
        """Like Python's ``range``: ``Dataset.range(5)`` gives 0..4 (int64)."""
        values = range(*args)
        np_dtype = np.int64 if dtype is None else getattr(dtype, "_np", dtype)
        return _ArraySlices(np.arange(values.start, values.stop, values.step, dtype=np_dtype),
                            len(values), lambda: np.arange(len(values)), len(values))

    @staticmethod
    def zip(*datasets, name=None):
        """Pairs up elements of several datasets (a tuple or dict of datasets)."""
        if len(datasets) == 1 and isinstance(datasets[0], (tuple, dict)):
            datasets = datasets[0]
        items = list(datasets.items()) if isinstance(datasets, dict) else list(
            enumerate(datasets))
        cards = [d._cardinality for _, d in items]
        finite = [c for c in cards if c >= 0]
        card = min(finite) if finite else (UNKNOWN_CARDINALITY if UNKNOWN_CARDINALITY in cards
                                           else INFINITE_CARDINALITY)
        if UNKNOWN_CARDINALITY in cards and finite:
            card = UNKNOWN_CARDINALITY

        def make():
            for elements in zip(*[d._elements() for _, d in items]):
                if isinstance(datasets, dict):
                    yield dict(zip([k for k, _ in items], elements))
                else:
                    yield tuple(elements)
        return Dataset(make, card)

    # -- transformations -------------------------------------------------------------------
    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None):
        """Applies ``map_func`` to each element (a tuple element is passed as arguments).

        Example:
            >>> ds = nf.data.Dataset.range(3).map(lambda x: x * 2)
        """
        parent = self

        def make():
            for element in parent._elements():
                tensors = _map(_to_tensor, element)
                out = map_func(*tensors) if isinstance(tensors, tuple) and not hasattr(
                    tensors, "_fields") else map_func(tensors)
                if isinstance(out, list):
                    out = tuple(out)
                yield _normalize(out)
        return Dataset(make, self._cardinality, unknown_batch=self._unknown_batch)

    def filter(self, predicate, name=None):
        """Keeps the elements for which ``predicate`` returns True."""
        parent = self

        def make():
            for element in parent._elements():
                tensors = _map(_to_tensor, element)
                keep = predicate(*tensors) if isinstance(tensors, tuple) else predicate(tensors)
                if bool(keep):
                    yield element
        return Dataset(make, UNKNOWN_CARDINALITY, unknown_batch=self._unknown_batch)

    def batch(self, batch_size, drop_remainder=False, num_parallel_calls=None,
              deterministic=None, name=None):
        """Stacks consecutive elements into batches of ``batch_size``.

        Args:
            batch_size: elements per batch.
            drop_remainder: drop the last batch when it is smaller.
        """
        batch_size = int(batch_size)
        if batch_size <= 0:
            raise ValueError(f"batch_size must be positive, got {batch_size}")
        card = self._cardinality
        if card >= 0:
            card = card // batch_size if drop_remainder else math.ceil(card / batch_size)
        return Dataset(lambda: _batches(self._elements(), batch_size, drop_remainder, _stack),
                       card, unknown_batch=not drop_remainder)

    def padded_batch(self, batch_size, padded_shapes=None, padding_values=None,
                     drop_remainder=False, name=None):
        """Like ``batch``, but pads each component to a common shape first.

        Args:
            batch_size: elements per batch.
            padded_shapes: per component, the shape to pad to (None dims: the longest in the
                batch); default: pad every dimension to the longest.
            padding_values: per component, the fill value (default 0).
            drop_remainder: drop the last batch when it is smaller.

        Example:
            >>> ds = nf.data.Dataset.from_generator(lambda: iter([[1], [2, 3]]), nf.int32)
            >>> [b.tolist() for b in ds.padded_batch(2).as_numpy_iterator()]
            [[[1, 0], [2, 3]]]
        """
        batched = self.batch(batch_size, drop_remainder)

        def pad_stack(elements):
            return _pad_stack(elements, padded_shapes, padding_values)
        return Dataset(lambda: _batches(self._elements(), batch_size, drop_remainder, pad_stack),
                       batched._cardinality, unknown_batch=not drop_remainder)

    def flat_map(self, map_func, name=None):
        """Maps each element to a dataset and chains the results."""
        parent = self

        def make():
            for element in parent._elements():
                tensors = _map(_to_tensor, element)
                inner = map_func(*tensors) if isinstance(tensors, tuple) else map_func(tensors)
                yield from inner._elements()
        return Dataset(make, UNKNOWN_CARDINALITY)

    def unbatch(self, name=None):
        """Splits each element along its first axis (the inverse of ``batch``)."""
        parent = self

        def make():
            for element in parent._elements():
                leaves = _leaves(element)
                for i in range(leaves[0].shape[0]):
                    yield _rebuild(element, [leaf[i] for leaf in leaves])
        return Dataset(make, UNKNOWN_CARDINALITY)

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=None, name=None):
        """Shuffles with a buffer of ``buffer_size`` elements, as ``tf.data`` does.

        A buffer at least as large as the dataset gives a uniform shuffle; a smaller one only
        mixes nearby elements. By default the order changes on every pass.
        """
        buffer_size = int(buffer_size)
        if buffer_size <= 0 and buffer_size != AUTOTUNE:
            raise ValueError(f"buffer_size must be greater than zero, got {buffer_size}")
        reshuffle = True if reshuffle_each_iteration is None else reshuffle_each_iteration
        root = int(seed) if seed is not None else int(_random.generator().integers(2 ** 62))
        rng = np.random.default_rng(root)
        next_rng = (lambda: rng) if reshuffle else (lambda: np.random.default_rng(root))
        return self._shuffled(buffer_size, next_rng)

    def _shuffled(self, buffer_size, next_rng):
        parent = self

        def make():
            return _buffer_shuffle(parent._elements(), buffer_size, next_rng())
        return Dataset(make, self._cardinality, unknown_batch=self._unknown_batch)

    def repeat(self, count=None, name=None):
        """Repeats the dataset ``count`` times (forever when None or -1)."""
        forever = count is None or count == -1
        card = self._cardinality
        if forever:
            card = card if card in (0, UNKNOWN_CARDINALITY) else INFINITE_CARDINALITY
        elif card >= 0:
            card *= int(count)
        parent = self

        def make():
            for _ in (itertools.count() if forever else range(int(count))):
                yield from parent._elements()
        return Dataset(make, card, unknown_batch=self._unknown_batch)

    def take(self, count, name=None):
        """The first ``count`` elements (all when -1)."""
        count = int(count)
        if count == -1:
            return self
        card = self._cardinality
        card = count if card == INFINITE_CARDINALITY else (
            min(card, count) if card >= 0 else UNKNOWN_CARDINALITY)
        parent = self
        return Dataset(lambda: itertools.islice(parent._elements(), count), card,
                       unknown_batch=self._unknown_batch)

    def skip(self, count, name=None):
        """All but the first ``count`` elements (skips everything when -1)."""
        count = int(count)
        card = self._cardinality
        if count == -1:
            return Dataset(lambda: iter(()), 0)
        if card >= 0:
            card = max(card - count, 0)
        parent = self
        return Dataset(lambda: itertools.islice(parent._elements(), count, None), card,
                       unknown_batch=self._unknown_batch)

    def shard(self, num_shards, index, name=None):
        """Every ``num_shards``-th element starting at ``index``: worker ``index``'s part.

        Example:
            >>> list(nf.data.Dataset.range(10).shard(3, 1).as_numpy_iterator())
            [1, 4, 7]
        """
        num_shards, index = int(num_shards), int(index)
        if num_shards < 1:
            raise InvalidArgumentError(f"num_shards must be >= 1, got {num_shards}")
        if not 0 <= index < num_shards:
            raise InvalidArgumentError(f"index must be in [0, num_shards), got index={index}, "
                                       f"num_shards={num_shards}")
        card = self._cardinality
        if card >= 0:
            card = max(0, -(-(card - index) // num_shards))
        parent = self
        return Dataset(lambda: itertools.islice(parent._elements(), index, None, num_shards),
                       card, unknown_batch=self._unknown_batch)

    def prefetch(self, buffer_size, name=None):
        """Accepted for compatibility; elements are produced on demand."""
        return Dataset(self._elements, self._cardinality, unknown_batch=self._unknown_batch)

    def cache(self, filename="", name=None):
        """Keeps the elements in memory after the first complete pass."""
        parent, store = self, {}

        def make():
            if "elements" in store:
                return iter(store["elements"])
            return _caching(parent._elements(), store)
        return Dataset(make, self._cardinality, unknown_batch=self._unknown_batch)

    def concatenate(self, dataset, name=None):
        """This dataset's elements followed by ``dataset``'s."""
        parent = self
        card = _combine_cardinality(
            self._cardinality, dataset._cardinality,
            lambda a, b: INFINITE_CARDINALITY if INFINITE_CARDINALITY in (a, b) else a + b)
        return Dataset(lambda: itertools.chain(parent._elements(), dataset._elements()), card,
                       unknown_batch=self._unknown_batch)

    def enumerate(self, start=0, name=None):
        """Pairs each element with its index: ``(index, element)``."""
        parent = self
        return Dataset(lambda: ((np.int64(i), e) for i, e in enumerate(
            parent._elements(), start)), self._cardinality)

    def apply(self, transformation_func):
        """``transformation_func(self)``."""
        return transformation_func(self)

    def reduce(self, initial_state, reduce_func, name=None):
        """Folds the elements into one value with ``reduce_func(state, element)``."""
        state = initial_state
        for element in self:
            state = reduce_func(state, element)
        return state


def _cast_like(element, dtypes):
    if isinstance(dtypes, (tuple, dict)):
        if isinstance(element, dict):
            return {k: _cast_like(element[k], dtypes[k]) for k in element}
        return tuple(_cast_like(e, d) for e, d in zip(element, dtypes))
    if dtypes is None or element.dtype == object:
        return element
    np_dtype = getattr(dtypes, "_np", None) or np.dtype(dtypes)
    return element.astype(np_dtype, copy=False)


def _batches(elements, batch_size, drop_remainder, stack):
    """``stack`` applied to each run of ``batch_size`` consecutive ``elements`` (and to the
    shorter last run unless ``drop_remainder``)."""
    buffer = []
    for element in elements:
        buffer.append(element)
        if len(buffer) == batch_size:
            yield stack(buffer)
            buffer = []
    if buffer and not drop_remainder:
        yield stack(buffer)


def _stack(elements):
    first = elements[0]
    columns = zip(*[_leaves(e) for e in elements])
    return _rebuild(first, [np.stack(column) for column in columns])


def _pad_stack(elements, padded_shapes, padding_values):
    first = elements[0]
    n = len(_leaves(first))
    shapes = _leaves(padded_shapes) if padded_shapes is not None else [None] * n
    if padded_shapes is not None and not isinstance(padded_shapes, (tuple, dict)):
        shapes = [padded_shapes]
    values = _leaves(padding_values) if isinstance(padding_values, (tuple, dict)) else [
        padding_values] * n
    columns = list(zip(*[_leaves(e) for e in elements]))
    out = []
    for column, shape, value in zip(columns, shapes, values):
        arrays = [np.asarray(a) for a in column]
        longest = [max(a.shape[d] for a in arrays) for d in range(arrays[0].ndim)]
        target = [m if shape is None or list(shape)[d] in (None, -1) else int(list(shape)[d])
                  for d, m in enumerate(longest)]
        fill = 0 if value is None else (value.numpy() if hasattr(value, "numpy") else value)
        batch = np.full([len(arrays)] + target, fill, dtype=arrays[0].dtype)
        for i, a in enumerate(arrays):
            if any(a.shape[d] > target[d] for d in range(a.ndim)):
                raise ValueError(f"padded_batch: an element of shape {a.shape} does not fit the "
                                 f"padded shape {tuple(target)}")
            batch[(i,) + tuple(slice(0, d) for d in a.shape)] = a
        out.append(batch)
    return _rebuild(first, out)


def _buffer_shuffle(iterator, buffer_size, rng):
    """tf.data's shuffle: emit a random element of a sliding buffer, refill from the input."""
    buffer = list(itertools.islice(iterator, buffer_size)) if buffer_size > 0 else list(
        iterator)
    for element in iterator:
        i = int(rng.integers(len(buffer)))
        yield buffer[i]
        buffer[i] = element
    order = rng.permutation(len(buffer))
    for i in order:
        yield buffer[i]


def _caching(iterator, store):
    seen = []
    for element in iterator:
        seen.append(element)
        yield element
    store["elements"] = seen


class _ArraySlices(Dataset):
    """Slices of in-memory arrays, moving only index arrays through shuffle/take/skip."""

    def __init__(self, arrays, n, make_order, cardinality):
        self._arrays, self._n, self._make_order = arrays, n, make_order
        self._flat = _leaves(arrays)
        super().__init__(self._iterate, cardinality)

    def _iterate(self):
        order = self._make_order()
        arrays, flat = self._arrays, self._flat
        for i in order:
            yield _rebuild(arrays, [a[i] for a in flat])

    def _derive(self, make_order, cardinality):
        return _ArraySlices(self._arrays, self._n, make_order, cardinality)

    def _shuffled(self, buffer_size, next_rng):
        parent_order = self._make_order

        def make_order():
            order, rng = parent_order(), next_rng()
            if buffer_size < 0 or buffer_size >= len(order):
                return rng.permutation(order)
            return np.fromiter(_buffer_shuffle(iter(order), buffer_size, rng),
                               dtype=np.int64, count=len(order))
        return self._derive(make_order, self._cardinality)

    def take(self, count, name=None):
        count = int(count)
        if count == -1:
            return self
        parent_order = self._make_order
        return self._derive(lambda: parent_order()[:count], min(count, self._cardinality))

    def skip(self, count, name=None):
        count = int(count)
        parent_order = self._make_order
        if count == -1:
            count = self._cardinality
        return self._derive(lambda: parent_order()[count:], max(self._cardinality - count, 0))

    def batch(self, batch_size, drop_remainder=False, num_parallel_calls=None,
              deterministic=None, name=None):
        batch_size = int(batch_size)
        if batch_size <= 0:
            raise ValueError(f"batch_size must be positive, got {batch_size}")
        card = (self._cardinality // batch_size if drop_remainder
                else math.ceil(self._cardinality / batch_size))
        arrays, flat, make_order = self._arrays, self._flat, self._make_order

        def make():
            order = make_order()
            contiguous = len(order) == 0 or (
                order[0] == 0 and np.array_equal(order, np.arange(len(order))))
            stop = len(order) - (len(order) % batch_size if drop_remainder else 0)
            for start in range(0, stop, batch_size):
                end = min(start + batch_size, stop)
                if contiguous:
                    yield _rebuild(arrays, [a[start:end] for a in flat])
                else:
                    index = order[start:end]
                    yield _rebuild(arrays, [a[index] for a in flat])
        return Dataset(make, card, unknown_batch=not drop_remainder)
