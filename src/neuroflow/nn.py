"""``nf.nn``: TF's ``tf.nn`` namespace (activations, softmax, cross-entropies, conv, ...)."""

from .core.ops.conv import *  # noqa: F403
from .core.ops.math import sigmoid, tanh
from .core.ops.nn import (batch_normalization, bias_add, compute_average_loss, crelu, dropout,
                          elu, embedding_lookup, gelu, l2_loss, l2_normalize, leaky_relu,
                          log_sigmoid, log_softmax, moments, relu, relu6, selu,
                          sigmoid_cross_entropy_with_logits, silu, softmax,
                          softmax_cross_entropy_with_logits, softplus, softsign,
                          sparse_softmax_cross_entropy_with_logits, swish,
                          weighted_cross_entropy_with_logits, zero_fraction)
from .core.ops.pooling import *  # noqa: F403
from .core.ops.reduce import top_k
