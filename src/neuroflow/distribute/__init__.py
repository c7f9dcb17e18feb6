"""``nf.distribute``: data-parallel training over MPI, with TF's strategy API.

``MultiWorkerMirroredStrategy`` (one replica per MPI rank), ``MirroredStrategy`` and
``OneDeviceStrategy`` (one process), ``get_strategy``; ``neuroflow.distribute.mpi`` is the
Horovod-style API for custom loops. Launch with ``neuroflow launch -n 4 train.py``.
"""

from . import experimental, mpi
from .context import get_replica_context, get_strategy, has_strategy, in_cross_replica_context
from .dataset import DistributedDataset, InputContext
from .strategy import (MirroredStrategy, MultiWorkerMirroredStrategy, OneDeviceStrategy,
                       ReduceOp, ReplicaContext, Strategy, StrategyExtended)

__all__ = ["MultiWorkerMirroredStrategy", "MirroredStrategy", "OneDeviceStrategy", "Strategy",
           "StrategyExtended", "ReplicaContext", "ReduceOp", "InputContext",
           "DistributedDataset", "get_strategy", "has_strategy", "get_replica_context",
           "in_cross_replica_context", "experimental", "mpi"]
