"""Layer wrappers: TimeDistributed (a layer per timestep) and Bidirectional (an RNN both ways)."""

from ...core import ops
from . import serialization
from .input_spec import InputSpec
from .layer import Layer
from .rnn import LSTMCell

__all__ = ["TimeDistributed", "Bidirectional"]


class TimeDistributed(Layer):
    """Applies ``layer`` to every timestep of ``(batch, timesteps, ...)`` inputs.

    Example:
        >>> td = nf.keras.layers.TimeDistributed(nf.keras.layers.Dense(8))
        >>> td(nf.ones((2, 10, 16))).shape
        TensorShape([2, 10, 8])
    """

    def __init__(self, layer, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(layer, Layer):
            raise ValueError(f"Please initialize `TimeDistributed` layer with a `keras.layers."
                             f"Layer` instance. Received: {layer}")
        self.layer = layer
        self.supports_masking = True
        self.input_spec = InputSpec(min_ndim=3)

    def build(self, input_shape):
        self.layer._build_with((input_shape[0],) + tuple(input_shape[2:]))

    def call(self, inputs, training=None, mask=None):
        steps = inputs.shape[1]
        flat = ops.reshape(inputs, (-1,) + tuple(inputs.shape[2:]))
        y = self.layer(flat, training=training)
        inner = tuple(y.shape[1:])
        if steps is not None:
            return ops.reshape(y, (-1, steps) + inner)
        dims = ops.shape.shape(inputs)
        return ops.reshape(y, ops.stack([dims[0], dims[1]] + list(inner)))

    def get_config(self):
        return {**super().get_config(), "layer": serialization.serialize(self.layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["layer"] = serialization.deserialize(config["layer"], custom_objects)
        return super().from_config(config)


class Bidirectional(Layer):
    """Runs an RNN forwards and a copy backwards and merges their outputs.

    Args:
        layer: an RNN layer (LSTM, GRU, SimpleRNN); a backward copy is made from its config.
        merge_mode: ``'concat'`` (default), ``'sum'``, ``'mul'``, ``'ave'`` or None (a list).
        backward_layer: optional explicit backward layer.

    Weights: the forward layer's, then the backward layer's.
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        super().__init__(**kwargs)
        if merge_mode not in ("sum", "mul", "ave", "concat", None):
            raise ValueError(f"Invalid merge mode. Received: {merge_mode}. Merge mode should be "
                             "one of {'sum', 'mul', 'ave', 'concat', None}")
        config = serialization.serialize(layer)
        name = layer.name[len("forward_"):] if layer.name.startswith("forward_") else layer.name
        config["config"]["name"] = "forward_" + name
        self.forward_layer = serialization.deserialize(config)
        if backward_layer is None:
            config = serialization.serialize(layer)
            config["config"]["go_backwards"] = not layer.go_backwards
            config["config"]["name"] = "backward_" + name
            backward_layer = serialization.deserialize(config)
        self.backward_layer = backward_layer
        for sub in (self.forward_layer, self.backward_layer):
            sub.zero_output_for_mask = sub.return_sequences  # as Keras: padded steps give 0
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True
        if weights is not None:
            self._initial_weights = weights

    def build(self, input_shape):
        self.forward_layer._build_with(input_shape)
        self.backward_layer._build_with(input_shape)

    def call(self, inputs, initial_state=None, mask=None, training=None):
        kwargs = {"training": training, "mask": mask}
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = initial_state[:half], initial_state[half:]
        y = self.forward_layer.call(inputs, initial_state=forward_state, **kwargs)
        y_rev = self.backward_layer.call(inputs, initial_state=backward_state, **kwargs)
        states = []
        if self.return_state:
            states = list(y[1:]) + list(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = ops.reverse(y_rev, axis=[1])
        if self.merge_mode == "concat":
            output = ops.concat([y, y_rev], axis=-1)
        elif self.merge_mode == "sum":
            output = y + y_rev
        elif self.merge_mode == "ave":
            output = (y + y_rev) / 2
        elif self.merge_mode == "mul":
            output = y * y_rev
        else:
            output = [y, y_rev]
        if self.return_state:
            return (output if isinstance(output, list) else [output]) + states
        return output

    def compute_mask(self, inputs, previous_mask=None):
        if isinstance(previous_mask, (list, tuple)):
            previous_mask = previous_mask[0]
        out = previous_mask if self.return_sequences else None
        if self.merge_mode is None:
            out = [out, out]
        if self.return_state:
            n = 2 if isinstance(self.forward_layer.cell, LSTMCell) else 1
            return (out if isinstance(out, list) else [out]) + [None] * (2 * n)
        return out

    def get_config(self):
        return {**super().get_config(), "merge_mode": self.merge_mode,
                "layer": serialization.serialize(self.forward_layer),
                "backward_layer": serialization.serialize(self.backward_layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["layer"] = serialization.deserialize(config["layer"], custom_objects)
        if config.get("backward_layer") is not None:
            config["backward_layer"] = serialization.deserialize(config["backward_layer"],
                                                                 custom_objects)
        return super().from_config(config)
