"""Turning what users pass to ``fit``/``evaluate``/``predict`` into a stream of batches.

Supported inputs: NumPy arrays and tensors (also nested in lists, tuples and dicts), Python
generators and iterators yielding batches, ``nf.data.Dataset`` objects and Keras-style
``PyDataset``/``Sequence`` objects (``__len__`` + ``__getitem__`` returning batches).

Array inputs are shuffled once per epoch (one permutation, one gather per array) and then cut
into batches by slicing, which gives views and no per-batch copies.
"""

import math
import warnings

import numpy as np

from ...core import nest
from ...core.convert import convert_to_tensor
from ...core.tensor import Tensor

__all__ = [
    "EpochIterator",
    "get_adapter",
    "is_array_like",
    "pack_x_y_sample_weight",
    "train_validation_split",
    "unpack_x_y_sample_weight",
]


def unpack_x_y_sample_weight(data):
    """Splits a batch ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)`` into three parts."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data
    raise ValueError("Data is expected to be in format `x`, `(x,)`, `(x, y)`, or "
                     f"`(x, y, sample_weight)`, found a tuple of length {len(data)}")


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """The inverse of ``unpack_x_y_sample_weight``."""
    if y is None:
        return (x,) if isinstance(x, (list, tuple)) else x
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def is_array_like(value):
    """True for NumPy arrays, tensors and (nests of) them, or plain Python number lists."""
    leaves = nest.flatten(value)
    if not leaves:
        return False
    return all(isinstance(leaf, (np.ndarray, Tensor)) or (
        hasattr(leaf, "__array__") and hasattr(leaf, "shape")) for leaf in leaves)


def _to_numpy(value, name="x"):
    """A leaf of input ``name`` as a NumPy array; floats and bools become float32, as Keras
    casts to ``floatx``. Strings, objects and complex numbers raise a ValueError naming
    ``name`` and the dtype (a model computes on numbers: encode text first)."""
    if value is None:
        return None
    array = value.numpy() if isinstance(value, Tensor) else np.asarray(value)
    kind = array.dtype.kind
    if kind not in "biuf":
        raise ValueError(f"Unsupported dtype {array.dtype} for input `{name}` (shape "
                         f"{array.shape}): expected numbers or bools; encode strings or "
                         "objects as numbers first (e.g. with a vocabulary lookup)")
    if (kind == "f" and array.dtype != np.float32) or kind == "b":
        array = array.astype(np.float32)
    return array


def _has_array_leaf(value):
    return any(isinstance(leaf, (np.ndarray, Tensor)) or hasattr(leaf, "shape")
               for leaf in nest.flatten(value))


def _as_numpy_structure(value, name):
    if value is None:
        return None
    if isinstance(value, (list, tuple)) and not _has_array_leaf(value):
        array = _to_numpy(value, name)       # nested Python lists of numbers are one array
    else:
        array = nest.map_structure(lambda leaf: _to_numpy(leaf, name), value)
    for leaf in nest.flatten(array):
        if leaf.ndim == 0:
            raise ValueError(f"Input `{name}` is a scalar: expected arrays whose first "
                             "dimension indexes the samples")
    return array


def _check_lengths(x, y, sample_weight):
    sizes = {name: [int(a.shape[0]) for a in nest.flatten(part)]
             for name, part in (("x", x), ("y", y), ("sample_weight", sample_weight))
             if part is not None}
    flat = {n for v in sizes.values() for n in v}
    if len(flat) > 1:
        lines = "\n".join(f"'{name}' sizes: {', '.join(map(str, v))}"
                          for name, v in sizes.items())
        raise ValueError("Data cardinality is ambiguous. Make sure all arrays contain the "
                         f"same number of samples.\n{lines}")
    if not flat:
        raise ValueError("Expected at least one input array, got none")
    return flat.pop()


def class_weight_to_sample_weight(y, class_weight):
    """Per-sample weights from a ``{class_index: weight}`` dict (labels or one-hot ``y``)."""
    if nest.is_nested(y):
        raise ValueError("`class_weight` is only supported for models with a single output")
    y = np.asarray(y)
    if y.ndim > 1 and y.shape[-1] > 1:
        labels = np.argmax(y, axis=-1)
    else:
        labels = np.round(y.reshape(y.shape[0], -1)[:, 0]).astype(np.int64)
    size = int(max(max(class_weight) + 1, labels.max(initial=0) + 1))
    table = np.ones(size, dtype=np.float32)
    for cls, weight in class_weight.items():
        table[int(cls)] = weight
    return table[labels]


def _apply_class_weight(y, sample_weight, class_weight):
    if not class_weight:
        return sample_weight
    if y is None:
        raise ValueError("`class_weight` needs targets `y`")
    weights = class_weight_to_sample_weight(_to_numpy_leafwise(y), class_weight)
    if sample_weight is not None:
        weights = weights * np.asarray(_to_numpy_leafwise(sample_weight), np.float32)
    return weights


def _to_numpy_leafwise(value):
    return value.numpy() if isinstance(value, Tensor) else value


def train_validation_split(arrays, validation_split):
    """Splits ``(x, y, sample_weight)`` arrays: the *last* ``validation_split`` fraction."""
    leaves = [a for a in nest.flatten(arrays) if a is not None]
    n = int(leaves[0].shape[0])
    split_at = math.floor(n * (1.0 - validation_split))
    if split_at == 0 or split_at == n:
        raise ValueError(f"Training data contains {n} samples, which is not sufficient to "
                         f"split it into a validation and training set as specified by "
                         f"`validation_split={validation_split}`. Either provide more data, "
                         "or a different value for the `validation_split` argument.")
    keep = (lambda a: None if a is None else a[:split_at])
    rest = (lambda a: None if a is None else a[split_at:])
    return (tuple(_map_optional(keep, a) for a in arrays),
            tuple(_map_optional(rest, a) for a in arrays))


def _map_optional(fn, part):
    return None if part is None else nest.map_structure(fn, part)


def _tensor(array):
    return convert_to_tensor(array)


class ArrayAdapter:
    """Batches over in-memory arrays (nested structures allowed)."""

    def __init__(self, x, y=None, sample_weight=None, batch_size=32, shuffle=False,
                 class_weight=None):
        x = _as_numpy_structure(x, "x")
        y = _as_numpy_structure(y, "y")
        sample_weight = _as_numpy_structure(sample_weight, "sample_weight")
        self.num_samples = _check_lengths(x, y, sample_weight)
        sample_weight = _apply_class_weight(y, sample_weight, class_weight)
        self.x, self.y, self.sample_weight = x, y, sample_weight
        self.batch_size = int(batch_size or 32)
        self.shuffle = shuffle
        self.num_batches = math.ceil(self.num_samples / self.batch_size)
        self._flat = [a for a in nest.flatten((x, y, sample_weight)) if a is not None]

    def _arrays(self):
        """This epoch's arrays: one permutation gathered once, so batches are slices."""
        if self.shuffle is True or self.shuffle == "true":
            perm = np.random.permutation(self.num_samples)
            return [a[perm] for a in self._flat]
        return self._flat

    def _order(self):
        order = np.arange(self.num_batches)
        if self.shuffle == "batch":
            np.random.shuffle(order)
        return order

    def batches(self):
        """Yields ``(x, y, sample_weight)`` batches of tensors, one epoch."""
        arrays = self._arrays()
        structure = (self.x, self.y, self.sample_weight)
        size = self.batch_size
        for b in self._order():
            start = int(b) * size
            flat = [_tensor(a[start:start + size]) for a in arrays]
            yield _repack(structure, flat)


def _repack(structure, flat):
    it = iter(flat)
    return tuple(None if part is None else nest.pack_sequence_as(part, [
        next(it) for _ in nest.flatten(part)]) for part in structure)


def _batch_leaf(value, name):
    """A batch leaf as a tensor; float64 becomes float32, as Keras layers autocast inputs."""
    if isinstance(value, Tensor):
        if value.dtype.name not in ("float64", "bool"):
            return value
        value = value.numpy()
    return _tensor(_to_numpy(value, name))


def _batch_to_tensors(batch):
    parts = unpack_x_y_sample_weight(batch)
    return tuple(None if part is None else
                 nest.map_structure(lambda leaf, name=name: _batch_leaf(leaf, name), part)
                 for name, part in zip(("x", "y", "sample_weight"), parts))


class IteratorAdapter:
    """Batches from a Python generator/iterator or an iterable (datasets, PyDatasets)."""

    def __init__(self, data, class_weight=None):
        self.data = data
        self.class_weight = class_weight
        self.num_batches = None
        if hasattr(data, "cardinality"):
            n = int(data.cardinality())
            self.num_batches = n if n >= 0 else None
        elif hasattr(data, "__len__") and hasattr(data, "__getitem__"):
            self.num_batches = len(data)
        self._reiterable = not (iter(data) is data) if hasattr(data, "__iter__") else True

    def _iterate(self):
        data = self.data
        if hasattr(data, "__iter__"):
            return iter(data)
        return (data[i] for i in range(len(data)))

    def batches(self):
        """Yields ``(x, y, sample_weight)`` batches of tensors for one pass over the data."""
        for batch in self._iterate():
            x, y, sw = _batch_to_tensors(batch)
            if self.class_weight:
                sw = _tensor(_apply_class_weight(y.numpy(), None if sw is None else sw.numpy(),
                                                 self.class_weight))
            yield x, y, sw

    def on_epoch_end(self):
        if hasattr(self.data, "on_epoch_end"):
            self.data.on_epoch_end()


def get_adapter(x, y=None, sample_weight=None, batch_size=None, shuffle=False,
                class_weight=None):
    """The adapter for ``x`` (and ``y``, ``sample_weight`` for array inputs)."""
    if x is None:
        raise ValueError("Expected `x` to be data (arrays, a dataset or a generator), got None")
    if is_array_like(x) or (isinstance(x, (list, tuple)) and x and _all_numbers(x)):
        return ArrayAdapter(x, y, sample_weight, batch_size or 32, shuffle, class_weight)
    if isinstance(x, (str, bytes, list, tuple)) or not (
            hasattr(x, "__iter__") or hasattr(x, "__getitem__")):
        raise ValueError(f"Unrecognized data type: x={_short(x)} (of type {type(x).__name__}): "
                         "expected arrays (all of one shape per input), a dataset or a "
                         "generator")
    if y is not None:
        raise ValueError("`y` argument is not supported when using a dataset, a generator or "
                         "a PyDataset as input: the input already holds the targets")
    if sample_weight is not None:
        raise ValueError("`sample_weight` argument is not supported when using a dataset, a "
                         "generator or a PyDataset as input: yield (x, y, sample_weight)")
    return IteratorAdapter(x, class_weight)   # already batched: batch_size is ignored


def _short(value, limit=80):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def distribute(adapter, strategy):
    """The adapter giving this replica its share of every global batch of ``adapter``
    (``adapter`` itself for one replica): rows of each array batch (see
    ``StrategyExtended.split_batches``), or each batch of a dataset split over the ranks."""
    if strategy.num_replicas_in_sync == 1:
        return adapter
    if isinstance(adapter, ArrayAdapter):
        flat, size = strategy.extended.split_batches(adapter._flat, adapter.batch_size)
        x, y, sample_weight = _repack((adapter.x, adapter.y, adapter.sample_weight), flat)
        return ArrayAdapter(x, y, sample_weight, size, adapter.shuffle)
    return IteratorAdapter(strategy.experimental_distribute_dataset(adapter.data),
                           adapter.class_weight)


def _all_numbers(x):
    try:
        return np.asarray(x).dtype.kind in "biuf"
    except (ValueError, TypeError):
        return False


class EpochIterator:
    """Yields ``(step, batch)`` for one epoch, honouring ``steps_per_epoch``.

    With ``steps`` set, the underlying iterator continues across epochs (restarted when it
    runs out, for re-iterable data), as Keras does.
    """

    def __init__(self, adapter, steps=None):
        self.adapter = adapter
        self.steps = steps
        self._iterator = None
        self.exhausted = False

    @property
    def num_steps(self):
        """Steps in one epoch, or None when unknown."""
        return self.steps if self.steps is not None else self.adapter.num_batches

    def enumerate_epoch(self):
        if self.steps is None:
            count = 0
            for count, batch in enumerate(self.adapter.batches(), 1):
                yield count - 1, batch
            if count == 0:
                self.exhausted = True
                warnings.warn("Your input ran out of data; interrupting training. Make sure "
                              "that your dataset or generator can generate at least "
                              "`steps_per_epoch * epochs` batches.", stacklevel=4)
            self._end_epoch()
            return
        for step in range(self.steps):
            batch = self._next()
            if batch is None:
                self.exhausted = True
                warnings.warn("Your input ran out of data; interrupting training. Make sure "
                              "that your dataset or generator can generate at least "
                              "`steps_per_epoch * epochs` batches.", stacklevel=4)
                return
            yield step, batch

    def _next(self):
        for attempt in range(2):
            if self._iterator is None:
                self._iterator = iter(self.adapter.batches())
            try:
                return next(self._iterator)
            except StopIteration:
                self._iterator = None
                self._end_epoch()
                if isinstance(self.adapter, IteratorAdapter) and not self.adapter._reiterable:
                    return None
        return None

    def _end_epoch(self):
        if hasattr(self.adapter, "on_epoch_end"):
            self.adapter.on_epoch_end()
