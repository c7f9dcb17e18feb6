"""``nf.math``: TF's ``tf.math`` namespace (elementwise math and reductions)."""

from .core.ops.math import *  # noqa: F403
from .core.ops.reduce import *  # noqa: F403
from .core.ops.nn import l2_normalize, log_sigmoid, log_softmax, softmax, softplus, softsign
