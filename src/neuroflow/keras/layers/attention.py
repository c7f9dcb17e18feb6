"""Attention layers: dot-product ``Attention`` and ``MultiHeadAttention`` (Keras's weights).

MultiHeadAttention's weights follow Keras: ``query``/``key``/``value`` projections with kernels
``(dim, num_heads, key_dim)`` and biases ``(num_heads, key_dim)``, then ``attention_output``
with kernel ``(num_heads, value_dim, output_dim)`` and bias ``(output_dim,)``.
"""

import math

from ...core import ops
from .. import constraints, initializers, regularizers
from .layer import Layer

__all__ = ["Attention", "MultiHeadAttention"]

_LARGE = 1e9


def _masked_softmax(scores, mask):
    """Softmax over the last axis; positions where ``mask`` is False get probability 0."""
    if mask is not None:
        scores = scores - _LARGE * (1.0 - ops.cast(mask, scores.dtype))
    return ops.nn.softmax(scores, axis=-1)


def _causal_mask(t, s):
    """Lower-triangular ``(1, t, s)`` mask: query i sees keys j <= i (+ s - t)."""
    rows = ops.expand_dims(ops.range(t), 1) + (s - t)
    cols = ops.expand_dims(ops.range(s), 0)
    return ops.expand_dims(ops.greater_equal(rows, cols), 0)


class Attention(Layer):
    """Dot-product (Luong) attention: ``softmax(query · keyᵀ) · value``.

    Call it on ``[query, value]`` or ``[query, value, key]``; masks are ``[query_mask,
    value_mask]``.

    Args:
        use_scale: learn a scalar ``scale`` multiplying the scores.
        score_mode: ``'dot'`` (``'concat'`` is not supported yet).
        dropout: fraction of attention weights dropped in training.
    """

    _cast_int_inputs = True

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if score_mode != "dot":
            raise NotImplementedError(f"Attention: score_mode={score_mode!r} is not supported "
                                      "yet; use 'dot'")
        self.use_scale, self.score_mode = use_scale, score_mode
        self.dropout, self.seed = float(dropout), seed
        self.supports_masking = True

    def build(self, input_shape):
        self.scale = None
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(), initializer="ones")

    def call(self, inputs, mask=None, training=None, return_attention_scores=False,
             use_causal_mask=False):
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        query_mask = mask[0] if mask is not None else None
        value_mask = mask[1] if mask is not None and len(mask) > 1 else None
        scores = ops.matmul(query, key, transpose_b=True)
        if self.scale is not None:
            scores = scores * self.scale
        scores_mask = None if value_mask is None else ops.expand_dims(value_mask, -2)
        if use_causal_mask:
            causal = _causal_mask(scores.shape[-2], scores.shape[-1])
            scores_mask = causal if scores_mask is None else ops.logical_and(scores_mask, causal)
        weights = _masked_softmax(scores, scores_mask)
        if training and self.dropout > 0:
            weights = ops.nn.dropout(weights, self.dropout, seed=self.seed)
        result = ops.matmul(weights, value)
        if query_mask is not None:
            result = result * ops.expand_dims(ops.cast(query_mask, result.dtype), -1)
        return (result, weights) if return_attention_scores else result

    def compute_mask(self, inputs, previous_mask=None):
        if isinstance(previous_mask, (list, tuple)):
            return previous_mask[0]
        return None

    def get_config(self):
        return {**super().get_config(), "use_scale": self.use_scale,
                "score_mode": self.score_mode, "dropout": self.dropout, "seed": self.seed}


def _einsum_initializer(initializer, contract, ndim):
    """A copy of ``initializer`` whose fans are those of the einsum, as Keras's EinsumDense:
    fan_in is the product of the ``contract`` summed kernel axes, fan_out of the others (the
    default rule would take a (dim, heads, key_dim) kernel for a convolution's)."""
    if not isinstance(initializer, initializers.VarianceScaling) or (
            initializer.input_axes is not None and initializer.output_axes is not None):
        return initializer
    config = {**initializer.get_config(), "input_axes": list(range(contract)),
              "output_axes": list(range(contract, ndim))}
    return type(initializer).from_config(config)


class _Projection(Layer):
    """A dense projection over the last axis into ``shape`` (MultiHeadAttention's EinsumDense)."""

    def __init__(self, shape, contract, owner, name):
        super().__init__(name=name, dtype=owner.dtype)
        self.shape, self.contract = tuple(shape), contract
        object.__setattr__(self, "_owner", owner)   # not tracked: the owner tracks us

    def build(self, input_shape):
        o = self._owner
        inner = tuple(input_shape[-self.contract:])
        kernel_shape = inner + self.shape
        self.kernel = self.add_weight(name="kernel", shape=kernel_shape,
                                      initializer=_einsum_initializer(
                                          o.kernel_initializer, self.contract, len(kernel_shape)),
                                      regularizer=o.kernel_regularizer,
                                      constraint=o.kernel_constraint)
        self.bias = None
        if o.use_bias:
            bias_shape = self.shape if self.contract == 1 else self.shape[-1:]
            self.bias = self.add_weight(name="bias", shape=bias_shape,
                                        initializer=o.bias_initializer,
                                        regularizer=o.bias_regularizer,
                                        constraint=o.bias_constraint)

    def call(self, inputs):
        lead = tuple(inputs.shape[:-self.contract])
        size_in = math.prod(self.kernel.shape[:self.contract])
        flat = ops.reshape(inputs, (-1, size_in))
        y = ops.matmul(flat, ops.reshape(self.kernel, (size_in, -1)))
        dims = [-1] + [d for d in lead[1:]] + list(self.shape)
        y = ops.reshape(y, dims) if None not in lead[1:] else ops.reshape(
            y, ops.concat([ops.shape.shape(inputs)[:-self.contract], list(self.shape)], axis=0))
        return y + self.bias if self.bias is not None else y

    def get_config(self):
        raise NotImplementedError("internal layer of MultiHeadAttention")


class MultiHeadAttention(Layer):
    """Multi-head attention (Vaswani et al. 2017), as ``keras.layers.MultiHeadAttention``.

    Formula:
        per head h: ``softmax(Q_h K_hᵀ / sqrt(key_dim)) V_h`` with ``Q_h = query · Wq_h + bq_h``
        (likewise K, V); the heads are projected back with ``attention_output``.

    Args:
        num_heads: number of heads.
        key_dim: size of each head for query and key.
        value_dim: size of each head for value (default key_dim).
        dropout: dropout on the attention weights in training.
        output_shape: last dim of the output (default: the query's).

    Call: ``layer(query, value, key=None, attention_mask=None, return_attention_scores=False,
    training=None, use_causal_mask=False)`` on ``(batch, steps, dim)`` tensors.
    """

    _cast_int_inputs = True

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True,
                 output_shape=None, attention_axes=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 seed=None, use_gate=False, sliding_window=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if use_gate or sliding_window is not None:
            raise NotImplementedError("MultiHeadAttention: use_gate and sliding_window are not "
                                      "supported yet")
        if attention_axes is not None:
            raise NotImplementedError("MultiHeadAttention: attention_axes is not supported yet")
        self.num_heads, self.key_dim = int(num_heads), int(key_dim)
        self.value_dim = int(value_dim) if value_dim else self.key_dim
        self.dropout, self.use_bias, self.seed = float(dropout), use_bias, seed
        self._output_shape = output_shape
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.supports_masking = True

    def build(self, query_shape, value_shape=None, key_shape=None):
        value_shape = value_shape or query_shape
        key_shape = key_shape or value_shape
        heads = self.num_heads
        self._query_dense = _Projection((heads, self.key_dim), 1, self, "query")
        self._key_dense = _Projection((heads, self.key_dim), 1, self, "key")
        self._value_dense = _Projection((heads, self.value_dim), 1, self, "value")
        out = self._output_shape or query_shape[-1]
        out = (out,) if isinstance(out, int) else tuple(out)
        self._output_dense = _Projection(out, 2, self, "attention_output")
        self._query_dense._build_with(tuple(query_shape))
        self._key_dense._build_with(tuple(key_shape))
        self._value_dense._build_with(tuple(value_shape))
        self._output_dense._build_with(tuple(query_shape[:-1]) + (heads, self.value_dim))

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
             attention_mask=None, return_attention_scores=False, training=None,
             use_causal_mask=False):
        key = value if key is None else key
        mask = self._attention_mask(query, value, query_mask, value_mask, key_mask,
                                     attention_mask, use_causal_mask)
        q = self._query_dense(query) * (1.0 / math.sqrt(self.key_dim))
        k, v = self._key_dense(key), self._value_dense(value)
        # (B, T, N, H) x (B, S, N, H) -> (B, N, T, S)
        scores = ops.einsum("btnh,bsnh->bnts", q, k)
        weights = _masked_softmax(scores, None if mask is None else ops.expand_dims(mask, 1))
        dropped = weights
        if training and self.dropout > 0:
            dropped = ops.nn.dropout(weights, self.dropout, seed=self.seed)
        heads = ops.einsum("bnts,bsnh->btnh", dropped, v)
        output = self._output_dense(heads)
        return (output, weights) if return_attention_scores else output

    def _attention_mask(self, query, value, query_mask, value_mask, key_mask, attention_mask,
                        use_causal_mask):
        mask = None
        for part in (None if query_mask is None else ops.expand_dims(query_mask, -1),
                     None if value_mask is None else ops.expand_dims(value_mask, -2),
                     None if key_mask is None else ops.expand_dims(key_mask, -2),
                     _causal_mask(query.shape[1], value.shape[1]) if use_causal_mask else None,
                     attention_mask):
            if part is not None:
                part = ops.cast(part, "bool")
                mask = part if mask is None else ops.logical_and(mask, part)
        return mask

    def compute_mask(self, inputs, previous_mask=None):
        return previous_mask

    def get_config(self):
        return {**super().get_config(), "num_heads": self.num_heads, "key_dim": self.key_dim,
                "value_dim": self.value_dim, "dropout": self.dropout,
                "use_bias": self.use_bias, "output_shape": self._output_shape,
                "attention_axes": None,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint),
                "seed": self.seed, "use_gate": False, "sliding_window": None}
