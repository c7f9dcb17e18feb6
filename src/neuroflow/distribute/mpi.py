"""Horovod's API for custom training loops, on neuroflow's MPI communicator.

Example::

    import neuroflow as nf
    import neuroflow.distribute.mpi as hvd

    hvd.init()
    opt = nf.keras.optimizers.Adam(0.001 * hvd.size())
    for step, (x, y) in enumerate(batches_of_this_rank):
        with nf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        tape = hvd.DistributedGradientTape(tape)
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        if step == 0:   # every rank starts from rank 0's weights
            hvd.broadcast_variables(model.variables, root_rank=0)
            hvd.broadcast_variables(opt.variables, root_rank=0)
"""

from ..backend import device as _device
from ..core import nest
from ..core.registry import executing_eagerly
from .comm import fused, world
from .ops import all_gather, all_reduce, all_reduce_fused, broadcast as _broadcast_op

__all__ = ["init", "is_initialized", "shutdown", "rank", "size", "local_rank", "local_size",
           "allreduce", "grouped_allreduce", "allgather", "broadcast", "broadcast_object",
           "broadcast_variables", "barrier", "DistributedGradientTape", "DistributedOptimizer",
           "Average", "Sum", "Min", "Max", "Product"]

Average, Sum, Min, Max, Product = "MEAN", "SUM", "MIN", "MAX", "PRODUCT"
_STATE = {"comm": None}


def init(timeout=None):
    """Joins the MPI job (imports mpi4py); call once before the other functions.

    Args:
        timeout: seconds a collective may wait for its peers before the job is aborted
            with an error naming it (default ``$NEUROFLOW_COLLECTIVE_TIMEOUT`` or 300).
    """
    _STATE["comm"] = world(timeout)


def is_initialized():
    """True after ``init()``."""
    return _STATE["comm"] is not None


def shutdown():
    """Forgets the communicator (MPI itself finalizes at exit, as mpi4py arranges)."""
    _STATE["comm"] = None


def _comm():
    comm = _STATE["comm"]
    if comm is None:
        raise ValueError("neuroflow.distribute.mpi has not been initialized; use hvd.init().")
    return comm


def rank():
    """This process's rank, 0 .. size() - 1."""
    return _comm().rank


def size():
    """The number of processes in the job."""
    return _comm().size


def local_rank():
    """This process's rank among those on the same machine."""
    return _comm().local_rank


def local_size():
    """The number of processes on this machine."""
    return _comm().local_size


def allreduce(tensor, average=None, op=None, name=None):
    """``tensor`` reduced over all ranks: ``op`` Average (default), Sum, Min, Max, Product.

    Example:
        >>> hvd.allreduce(nf.constant(float(hvd.rank())), op=hvd.Sum)
    """
    op = _op(average, op)
    return all_reduce(tensor, _comm(), op)


def grouped_allreduce(tensors, average=None, op=None):
    """``allreduce`` of each tensor of a list, packed into fused buffers (one collective)."""
    return all_reduce_fused(list(tensors), _comm(), _op(average, op))


def _op(average, op):
    if op is not None:
        return op
    return Sum if average is False else Average


def allgather(tensor, name=None):
    """Every rank's ``tensor`` concatenated along axis 0 (first dims may differ)."""
    return all_gather(tensor, _comm())


def broadcast(tensor, root_rank, name=None):
    """Rank ``root_rank``'s ``tensor`` on every rank."""
    return _broadcast_op(tensor, _comm(), root_rank)


def broadcast_object(obj, root_rank=0, name=None):
    """Rank ``root_rank``'s picklable Python object on every rank."""
    return _comm().broadcast_object(obj, root_rank)


def broadcast_variables(variables, root_rank):
    """Assigns every variable its value on ``root_rank`` (fused: one collective per dtype)."""
    variables = list(variables)
    comm = _comm()
    if not executing_eagerly():   # inside nf.function: one broadcast op per variable
        for v in variables:
            v.assign(_broadcast_op(v.value(), comm, root_rank))
        return
    values = fused(lambda b: comm.broadcast(b, root_rank),
                   [_device.to_numpy(v._value) for v in variables])
    for v, value in zip(variables, values):
        v.assign(value)


def barrier():
    """Waits until every rank reached this point."""
    _comm().barrier()


class _DistributedTape:
    """A ``GradientTape`` whose ``gradient`` averages over the ranks (see
    ``DistributedGradientTape``)."""

    def __init__(self, tape, op):
        self._tape, self._op = tape, op

    def gradient(self, target, sources, output_gradients=None, **kwargs):
        """The tape's gradients, reduced over all ranks in fused buffers."""
        grads = self._tape.gradient(target, sources, output_gradients=output_gradients,
                                    **kwargs)
        flat = nest.flatten(grads) if nest.is_nested(grads) else [grads]
        reduced = all_reduce_fused(flat, _comm(), self._op)
        return nest.pack_sequence_as(grads, reduced) if nest.is_nested(grads) else reduced[0]

    def __getattr__(self, name):
        return getattr(self._tape, name)

    def __enter__(self):
        self._tape.__enter__()
        return self

    def __exit__(self, *exc):
        return self._tape.__exit__(*exc)


def DistributedGradientTape(gradtape, op=Average, **unused):  # noqa: N802 - Horovod's name
    """Wraps ``gradtape`` so that ``gradient()`` returns gradients averaged over the ranks.

    Example:
        >>> tape = hvd.DistributedGradientTape(tape)
        >>> grads = tape.gradient(loss, model.trainable_variables)
    """
    return _DistributedTape(gradtape, op)


def DistributedOptimizer(optimizer, op=Average, **unused):  # noqa: N802 - Horovod's name
    """A copy of ``optimizer`` (same class and config) whose ``apply``/``apply_gradients``
    first averages the gradients over the ranks, in fused buffers.

    Example:
        >>> opt = hvd.DistributedOptimizer(nf.keras.optimizers.SGD(0.01 * hvd.size()))
    """
    base = type(optimizer)

    def apply(self, grads, trainable_variables=None):
        grads = all_reduce_fused(list(grads), _comm(), op)
        return base.apply(self, grads, trainable_variables)

    cls = type(base.__name__, (base,), {"apply": apply, "__doc__": base.__doc__,
                                        "__module__": base.__module__})
    return cls.from_config(optimizer.get_config())
