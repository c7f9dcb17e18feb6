"""Input for replicas: a dataset of global batches giving each rank its share of every batch,
and the ``InputContext`` handed to ``distribute_datasets_from_function``."""

import warnings

import numpy as np

from ..core import nest
from ..core.convert import convert_to_tensor
from ..core.tensor import Tensor

__all__ = ["DistributedDataset", "InputContext"]


class InputContext:
    """Where this worker's input pipeline stands in the job (``tf.distribute.InputContext``).

    Example:
        >>> def dataset_fn(ctx):
        ...     batch = ctx.get_per_replica_batch_size(64)
        ...     return ds.shard(ctx.num_input_pipelines, ctx.input_pipeline_id).batch(batch)
    """

    def __init__(self, num_input_pipelines=1, input_pipeline_id=0, num_replicas_in_sync=1):
        self.num_input_pipelines = num_input_pipelines
        self.input_pipeline_id = input_pipeline_id
        self.num_replicas_in_sync = num_replicas_in_sync

    def get_per_replica_batch_size(self, global_batch_size):
        """``global_batch_size / num_replicas_in_sync``; ValueError if it does not divide."""
        if global_batch_size % self.num_replicas_in_sync:
            raise ValueError(f"The `global_batch_size` {global_batch_size} is not divisible by "
                             f"`num_replicas_in_sync` {self.num_replicas_in_sync}")
        return global_batch_size // self.num_replicas_in_sync


def _part(leaf, lo, hi):
    if isinstance(leaf, Tensor):
        return convert_to_tensor(leaf.numpy()[lo:hi])
    array = np.asarray(leaf)
    return array[lo:hi] if array.ndim else array


def _rows(element):
    for leaf in nest.flatten(element):
        shape = np.shape(leaf.numpy() if isinstance(leaf, Tensor) else leaf)
        if shape:
            return shape[0]
    return None


class DistributedDataset:
    """Iterates ``dataset`` (of global batches) and yields rank ``r``'s rows of each:
    ``[n*r//N, n*(r+1)//N)`` of a batch of ``n`` rows on ``N`` ranks. A batch with fewer rows
    than ranks is skipped on every rank (each replica needs a share).
    """

    def __init__(self, dataset, comm):
        self._dataset, self._comm = dataset, comm

    def __iter__(self):
        size, rank = self._comm.size, self._comm.rank
        for element in self._dataset:
            n = _rows(element) if size > 1 else None
            if n is None:
                yield element
                continue
            if n < size:
                warnings.warn(f"A batch of {n} samples cannot be split over {size} replicas; "
                              "it is skipped.", stacklevel=2)
                continue
            lo, hi = n * rank // size, n * (rank + 1) // size
            yield nest.map_structure(lambda leaf, lo=lo, hi=hi: _part(leaf, lo, hi), element)

    def cardinality(self):
        """The number of batches, as the underlying dataset reports it (-1/-2: unknown)."""
        inner = getattr(self._dataset, "cardinality", None)
        if inner is None:
            return len(self._dataset) if hasattr(self._dataset, "__len__") else -2
        return inner()

    def __repr__(self):
        return f"<DistributedDataset of {self._dataset!r} on {self._comm.size} replicas>"
