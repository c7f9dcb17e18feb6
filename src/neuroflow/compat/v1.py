"""TF1 programs on neuroflow: ``import neuroflow.compat.v1 as tf``.

``placeholder`` returns a symbolic tensor of the default graph; every op that touches one adds a
node to that graph instead of computing, so ``z = w * x + b`` builds the lecture's graph. A
``Session`` compiles the part of the graph a ``run`` needs (fetches, feeds) with the same passes
and executor as ``nf.function`` and caches it. There is no global mode switch: ops on ordinary
tensors stay eager, so TF2 code keeps working in the same process.

Variables made here (``Variable``, ``get_variable``, optimizer slots) must be initialized in a
session (``global_variables_initializer``) before they are read, as in TF1.
"""

from ..backend.dtypes import *
from ..core.convert import constant, convert_to_tensor
from ..core.ops import *
from ..core.ops import math as _m
from ..core.ops import nn as _nn
from ..core.ops import random as _random_ops
from ..core.ops import reduce as _reduce
from ..core.shape import TensorShape
from ..core.tensor import Tensor
from ..graph import cond, function, while_loop  # noqa: F401 - TF1 names too
from ..graph import ir as _ir
from .graphs import (  # noqa: F401
    Graph,
    Operation,
    Variable,
    assign,
    assign_add,
    assign_sub,
    disable_eager_execution,
    disable_v2_behavior,
    enable_eager_execution,
    get_default_graph,
    get_variable,
    global_variables,
    global_variables_initializer,
    gradients,
    group,
    initialize_all_variables,
    no_op,
    placeholder,
    reset_default_graph,
    trainable_variables,
    variables_initializer,
)
from .session import InteractiveSession, Session
from .train import AdamOptimizer, GradientDescentOptimizer, MomentumOptimizer, Optimizer

__all__ = [
    "Graph",
    "InteractiveSession",
    "Session",
    "Tensor",
    "TensorShape",
    "Variable",
    "assign",
    "assign_add",
    "assign_sub",
    "cond",
    "constant",
    "convert_to_tensor",
    "disable_eager_execution",
    "disable_v2_behavior",
    "div",
    "enable_eager_execution",
    "get_default_graph",
    "get_variable",
    "global_variables",
    "global_variables_initializer",
    "gradients",
    "group",
    "initialize_all_variables",
    "log",
    "mul",
    "nn",
    "no_op",
    "placeholder",
    "random_normal",
    "random_uniform",
    "reset_default_graph",
    "sub",
    "to_float",
    "to_int32",
    "train",
    "trainable_variables",
    "truncated_normal",
    "variables_initializer",
    "while_loop",
]


def _in_graph(fn, *args):
    """Runs ``fn`` as a node of the default graph, so it is sampled at every ``Session.run``."""
    with _ir.tracing(get_default_graph()):
        return fn(*args)


def random_normal(shape, mean=0.0, stddev=1.0, dtype="float32", seed=None, name=None):
    """Normal random values, drawn anew at each run (TF1 name of ``tf.random.normal``)."""
    return _in_graph(_random_ops.normal, shape, mean, stddev, dtype, seed)


def random_uniform(shape, minval=0, maxval=None, dtype="float32", seed=None, name=None):
    """Uniform random values in [minval, maxval) (TF1 name of ``tf.random.uniform``)."""
    return _in_graph(_random_ops.uniform, shape, minval, maxval, dtype, seed)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype="float32", seed=None, name=None):
    """Normal values re-drawn beyond 2 stddev (TF1 name of ``tf.random.truncated_normal``)."""
    return _in_graph(_random_ops.truncated_normal, shape, mean, stddev, dtype, seed)


def to_float(x, name=None):
    """Casts to float32."""
    return _m.cast(x, "float32")


def to_int32(x, name=None):
    """Casts to int32."""
    return _m.cast(x, "int32")


div = _m.divide
mul = _m.multiply
sub = _m.subtract
log = _m.log


def _keep(fn):
    def reduce(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
        axis = reduction_indices if axis is None else axis
        keep = (keepdims if keepdims is not None else keep_dims) is True
        return fn(input_tensor, axis=axis, keepdims=keep)
    reduce.__name__ = reduce.__qualname__ = fn.__name__
    reduce.__doc__ = f"TF1 ``{fn.__name__}`` (also accepts ``reduction_indices``, ``keep_dims``)."
    return reduce


for _name in ("reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod",
              "reduce_any", "reduce_all"):
    if hasattr(_reduce, _name):
        globals()[_name] = _keep(getattr(_reduce, _name))


class _Namespace:
    """A module-like bag of functions (``tf.nn``, ``tf.train``)."""

    def __init__(self, name, **items):
        self.__name__ = name
        self.__dict__.update(items)


def _softmax_xent(_sentinel=None, labels=None, logits=None, dim=-1, axis=None, name=None):
    return _nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits,
                                                 axis=dim if axis is None else axis)


nn = _Namespace("nn", **{n: getattr(_nn, n) for n in getattr(_nn, "NN_NAMES", [])
                         if hasattr(_nn, n)})
nn.softmax_cross_entropy_with_logits_v2 = _softmax_xent
if hasattr(_nn, "softmax_cross_entropy_with_logits"):
    nn.softmax_cross_entropy_with_logits = _softmax_xent


train = _Namespace("train", Optimizer=Optimizer,
                   GradientDescentOptimizer=GradientDescentOptimizer,
                   MomentumOptimizer=MomentumOptimizer, AdamOptimizer=AdamOptimizer,
                   get_global_step=lambda: None)
