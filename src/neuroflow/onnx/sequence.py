"""ONNX forms of the sequence layers: SimpleRNN, LSTM, GRU (ONNX's RNN/LSTM/GRU ops) and
MultiHeadAttention (matmuls and a softmax).

Converters here take the call's arguments: ``convert(g, layer, node, args, kwargs)``.
"""

import math

import numpy as np

from ..backend.errors import UnimplementedError
from ..keras import layers as L
from .layers import _value

__all__ = ["CALL_CONVERTERS"]

_GATE_ACTIVATIONS = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "Relu"}


def _onnx_activation(layer, fn):
    name = getattr(fn, "__name__", repr(fn))
    if name not in _GATE_ACTIVATIONS:
        raise UnimplementedError(f"ONNX export: {type(layer).__name__} {layer.name!r} uses "
                                 f"activation {name!r}; supported: {sorted(_GATE_ACTIVATIONS)}")
    return _GATE_ACTIVATIONS[name]


def _check_plain_call(layer, args, kwargs):
    extra = [k for k, v in kwargs.items() if v is not None and k not in ("training", "mask")]
    if len(args) > 1 or extra:
        raise UnimplementedError(f"ONNX export: {type(layer).__name__} {layer.name!r} is called "
                                 f"with {extra or 'extra arguments'} (initial states and masks "
                                 "are not exported)")
    if layer.go_backwards or layer.stateful:
        raise UnimplementedError(f"ONNX export: {type(layer).__name__} {layer.name!r} with "
                                 "go_backwards or stateful")


def _gates(array, order, units):
    """The gate blocks of the last axis rearranged into ``order`` (indices of Keras's)."""
    blocks = [array[..., k * units:(k + 1) * units] for k in range(len(order))]
    return np.concatenate([blocks[k] for k in order], axis=-1)


def _recurrent(g, layer, node, args, kwargs, op_type, order, activations, extra=None):
    """The ONNX recurrent op for ``layer``; returns its output(s) as Keras returns them."""
    _check_plain_call(layer, args, kwargs)
    cell, name = layer.cell, layer.name
    units, x = cell.units, args[0]
    kernel = _gates(_value(cell.kernel), order, units)
    recurrent = _gates(_value(cell.recurrent_kernel), order, units)
    width = kernel.shape[-1]
    bias = np.zeros((2, width), np.float32)
    if cell.bias is not None:   # ONNX: input bias then recurrent bias
        rows = _value(cell.bias).reshape(-1, width)   # GRU's reset_after bias has 2 rows
        bias[:len(rows)] = [_gates(row, order, units) for row in rows]
    # onnxruntime runs the time-major layout only: (seq, batch, features).
    inputs = [g.transpose(x, [1, 0, 2], f"{name}/time_major"),
              g.const(kernel.T[None], f"{name}/W"), g.const(recurrent.T[None], f"{name}/R"),
              g.const(bias.reshape(1, -1), f"{name}/B")]
    n_out = 3 if op_type == "LSTM" else 2
    outs = g.op(op_type, inputs, outputs=n_out, hint=name, hidden_size=units,
                activations=activations, **(extra or {}))
    sequence = g.transpose(g.op("Squeeze", [outs[0], g.ints([1], "axes")], hint=name),
                           [1, 0, 2], f"{name}/batch_major")
    states = [g.op("Squeeze", [s, g.ints([0], "axes")], hint=name) for s in outs[1:]]
    output = sequence if layer.return_sequences else states[0]
    return [output] + states if layer.return_state else output


def _lstm(g, layer, node, args, kwargs):
    cell = layer.cell
    gate, act = (_onnx_activation(layer, cell.recurrent_activation),
                 _onnx_activation(layer, cell.activation))
    # Keras's gates are i, f, c, o; ONNX's i, o, f, c.
    return _recurrent(g, layer, node, args, kwargs, "LSTM", [0, 3, 1, 2], [gate, act, act])


def _gru(g, layer, node, args, kwargs):
    cell = layer.cell
    gate, act = (_onnx_activation(layer, cell.recurrent_activation),
                 _onnx_activation(layer, cell.activation))
    # Both order the gates z, r, h; reset_after is ONNX's linear_before_reset.
    return _recurrent(g, layer, node, args, kwargs, "GRU", [0, 1, 2], [gate, act],
                      {"linear_before_reset": int(bool(cell.reset_after))})


def _simple_rnn(g, layer, node, args, kwargs):
    act = _onnx_activation(layer, layer.cell.activation)
    return _recurrent(g, layer, node, args, kwargs, "RNN", [0], [act])


# -- attention --------------------------------------------------------------------------------
def _heads(g, x, projection, heads, size, name):
    """``x`` (b, t, d) projected to (b, heads, t, size)."""
    kernel = _value(projection.kernel)
    y = g.op("MatMul", [x, g.const(kernel.reshape(kernel.shape[0], -1), f"{name}/kernel")],
             hint=name)
    if projection.bias is not None:
        y = g.op("Add", [y, g.const(_value(projection.bias).reshape(-1), f"{name}/bias")],
                 hint=name)
    y = g.op("Reshape", [y, g.ints([0, 0, heads, size])], hint=name)
    return g.transpose(y, [0, 2, 1, 3], name)


def _attention_call(layer, args, kwargs):
    names = ["query", "value", "key"]
    bound = dict(zip(names, args))
    bound.update({k: v for k, v in kwargs.items() if k in names and v is not None})
    unsupported = [k for k, v in kwargs.items()
                   if v is not None and v is not False and k not in names + ["training"]]
    if unsupported or len(args) > 3:
        raise UnimplementedError(f"ONNX export: MultiHeadAttention {layer.name!r} called with "
                                 f"{unsupported or 'extra arguments'} (masks, attention "
                                 "scores are not exported)")
    return bound["query"], bound["value"], bound.get("key", bound["value"])


def _multi_head_attention(g, layer, node, args, kwargs):
    query, value, key = _attention_call(layer, args, kwargs)
    if len(node.input_tensors[0].shape) != 3:
        raise UnimplementedError(f"ONNX export: MultiHeadAttention {layer.name!r} on inputs of "
                                 "rank other than 3")
    n, name = layer.num_heads, layer.name
    q = _heads(g, query, layer._query_dense, n, layer.key_dim, f"{name}/query")
    q = g.op("Mul", [q, g.const(np.float32(1.0 / math.sqrt(layer.key_dim)))], hint=name)
    k = _heads(g, key, layer._key_dense, n, layer.key_dim, f"{name}/key")
    v = _heads(g, value, layer._value_dense, n, layer.value_dim, f"{name}/value")
    scores = g.op("MatMul", [q, g.transpose(k, [0, 1, 3, 2], name)], hint=name)
    weights = g.op("Softmax", [scores], hint=name, axis=-1)
    attended = g.transpose(g.op("MatMul", [weights, v], hint=name), [0, 2, 1, 3], name)
    merged = g.op("Reshape", [attended, g.ints([0, 0, n * layer.value_dim])], hint=name)
    out = layer._output_dense
    kernel = _value(out.kernel)
    y = g.op("MatMul", [merged, g.const(kernel.reshape(n * layer.value_dim, -1),
                                        f"{name}/output_kernel")], hint=name)
    if out.bias is not None:
        y = g.op("Add", [y, g.const(_value(out.bias).reshape(-1), f"{name}/output_bias")],
                 hint=name)
    return y


CALL_CONVERTERS = {L.LSTM: _lstm, L.GRU: _gru, L.SimpleRNN: _simple_rnn,
                   L.MultiHeadAttention: _multi_head_attention}
