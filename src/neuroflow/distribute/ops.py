"""Collective ops: allreduce, allgather and broadcast as registry ops, and fused allreduce.

Being ops, they run eagerly, on tapes and inside ``nf.function`` graphs alike (a traced train
step calls MPI from its compiled code). They are ``stateful``: graph passes never fold,
merge or drop them. ``all_reduce_fused`` packs many small tensors into one buffer per dtype
before reducing (Horovod's tensor fusion): one collective's latency instead of one per tensor.
"""

import numpy as np

from ..core.convert import convert_to_tensor
from ..core.ops.shape import concat, reshape, split
from ..core.registry import bind, defop
from ..core.shape import TensorShape
from .comm import _check_reduction

__all__ = ["all_reduce", "all_gather", "broadcast", "all_reduce_fused", "FUSION_THRESHOLD"]

# Bytes per fused buffer (Horovod's default fusion threshold, 64 MiB).
FUSION_THRESHOLD = 64 << 20


def _all_reduce_grad(gy, y, x, comm, reduction):
    # d/dx_r of sum_k x_k is 1 on every rank: the gradient gathers every rank's upstream one.
    if reduction not in ("SUM", "MEAN"):
        return (None,)
    return (bind(_ALL_REDUCE, (gy,), {"comm": comm, "reduction": reduction}),)


_ALL_REDUCE = defop(
    "collective_all_reduce", lambda xp, x, comm, reduction: comm.allreduce(x, reduction),
    grad=_all_reduce_grad, shape=lambda s, **attrs: s, stateful=True, fresh=True)
_ALL_GATHER = defop(
    "collective_all_gather", lambda xp, x, comm: comm.allgather(x),
    shape=lambda s, **attrs: TensorShape([None] + list(s)[1:]) if s.rank else TensorShape([None]),
    stateful=True, fresh=True)
_BROADCAST = defop(
    "collective_broadcast", lambda xp, x, comm, root: comm.broadcast(x, root),
    shape=lambda s, **attrs: s, stateful=True, fresh=True)


def all_reduce(x, comm, reduction="SUM"):
    """The element-wise ``reduction`` of ``x`` over the ranks of ``comm``.

    Args:
        x: a tensor (the same shape and dtype on every rank).
        comm: a communicator (``comm.world()`` or ``comm.LocalComm()``).
        reduction: ``'SUM'``, ``'MEAN'``, ``'MIN'``, ``'MAX'`` or ``'PRODUCT'``.

    Example:
        >>> total = all_reduce(nf.constant([1.0, 2.0]), comm.world(), 'SUM')
    """
    x = convert_to_tensor(x)
    return bind(_ALL_REDUCE, (x,), {"comm": comm, "reduction": _check_reduction(reduction)})


def all_gather(x, comm):
    """Every rank's ``x`` concatenated along axis 0 (ranks may hold different first dims)."""
    return bind(_ALL_GATHER, (convert_to_tensor(x),), {"comm": comm})


def broadcast(x, comm, root=0):
    """Rank ``root``'s ``x`` on every rank."""
    return bind(_BROADCAST, (convert_to_tensor(x),), {"comm": comm, "root": int(root)})


def all_reduce_fused(tensors, comm, reduction="SUM", threshold=FUSION_THRESHOLD):
    """``all_reduce`` of each tensor, in as few collectives as possible.

    Tensors of one dtype with static shapes are flattened into one buffer (several when it
    would exceed ``threshold`` bytes), reduced, and split back; others are reduced alone.
    ``None`` entries stay None.

    Example:
        >>> grads = all_reduce_fused(tape.gradient(loss, variables), comm.world(), 'MEAN')
    """
    reduction = _check_reduction(reduction)
    tensors = [None if t is None else convert_to_tensor(t) for t in tensors]
    out = list(tensors)
    for group in _buckets(tensors, threshold):
        if len(group) == 1:
            i = group[0]
            out[i] = all_reduce(tensors[i], comm, reduction)
            continue
        sizes = [int(np.prod(tensors[i].shape, dtype=np.int64)) for i in group]
        flat = concat([reshape(tensors[i], [-1]) for i in group], 0)
        parts = split(all_reduce(flat, comm, reduction), sizes)
        for i, part in zip(group, parts):
            out[i] = reshape(part, list(tensors[i].shape))
    return out


def _buckets(tensors, threshold):
    """Index lists to reduce together: same dtype, static shapes, at most ``threshold`` bytes."""
    open_buckets, done = {}, []
    for i, t in enumerate(tensors):
        if t is None:
            continue
        if not t.shape.is_fully_defined():
            done.append([i])
            continue
        nbytes = int(np.prod(t.shape, dtype=np.int64)) * t.dtype._np.itemsize
        indices, size = open_buckets.get(t.dtype, ([], 0))
        if indices and size + nbytes > threshold:
            done.append(indices)
            indices, size = [], 0
        open_buckets[t.dtype] = (indices + [i], size + nbytes)
    return done + [indices for indices, _ in open_buckets.values()]
