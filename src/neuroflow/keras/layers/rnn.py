"""Recurrent layers: the RNN loop and the SimpleRNN, LSTM and GRU cells (Keras's weight layouts).

LSTM gates are ordered i, f, c, o in ``kernel (in, 4u)``; GRU gates z, r, h in
``kernel (in, 3u)``, with ``reset_after=True`` bias ``(2, 3u)`` (input row, recurrent row).
"""

from ...core import ops
from ...core.convert import convert_to_tensor
from ...graph.control import while_loop
from ...graph.tensor_array import TensorArray
from .. import activations, constraints, initializers, regularizers
from .input_spec import InputSpec
from .layer import Layer

__all__ = ["RNN", "SimpleRNNCell", "LSTMCell", "GRUCell", "SimpleRNN", "LSTM", "GRU"]

_REGULARIZED = ("kernel", "recurrent", "bias")


class _Cell(Layer):
    """Common arguments of the recurrent cells."""

    _cast_int_inputs = True

    n_gates = 1

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if units is None or int(units) <= 0:
            raise ValueError(f"Received an invalid value for argument `units`, expected a "
                             f"positive integer, got {units}.")
        self.units = int(units)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = min(1.0, max(0.0, float(dropout)))
        self.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))
        self.seed = seed
        self.state_size = self.units
        self.output_size = self.units

    def _weights(self, input_dim, bias_shape, bias_initializer=None):
        width = self.units * self.n_gates
        self.kernel = self.add_weight(shape=(input_dim, width), name="kernel",
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(shape=(self.units, width),
                                                name="recurrent_kernel",
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(shape=bias_shape, name="bias",
                                        initializer=bias_initializer or self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)

    def get_initial_state(self, like):
        """Zero states shaped ``(batch, units)``, batch taken from ``like`` ``(batch, ...)``."""
        zero = ops.zeros_like(like[:, :1]) * ops.zeros((1, self.units), dtype=like.dtype)
        return [zero] * (2 if isinstance(self, LSTMCell) else 1)

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activation": activations.serialize(self.activation),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint),
                "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout,
                "seed": self.seed}


class SimpleRNNCell(_Cell):
    """One step of a fully connected RNN.

    Formula:
        ``h_t = activation(x_t · kernel + h_{t-1} · recurrent_kernel + bias)``
    """

    def __init__(self, units, activation="tanh", **kwargs):
        kwargs.pop("recurrent_activation", None)
        super().__init__(units, activation=activation, **kwargs)

    def build(self, input_shape):
        self._weights(input_shape[-1], (self.units,))

    def call(self, inputs, states, training=False):
        h = states[0] if isinstance(states, (list, tuple)) else states
        y = ops.matmul(inputs, self.kernel)
        if self.bias is not None:
            y = y + self.bias
        y = y + ops.matmul(h, self.recurrent_kernel)
        y = self.activation(y) if self.activation is not None else y
        return y, [y]

    def get_config(self):
        config = super().get_config()
        config.pop("recurrent_activation")
        config.pop("seed")
        return config


class LSTMCell(_Cell):
    """One step of a Long Short-Term Memory layer (gates i, f, c, o).

    Formula:
        ``z = x_t · kernel + h · recurrent_kernel + bias``; ``i, f, g, o = split(z, 4)``;
        ``c_t = σ(f) * c + σ(i) * tanh(g)``; ``h_t = σ(o) * tanh(c_t)``.
    """

    n_gates = 4

    def __init__(self, units, unit_forget_bias=True, **kwargs):
        super().__init__(units, **kwargs)
        self.unit_forget_bias = unit_forget_bias
        self.state_size = [self.units, self.units]

    def build(self, input_shape):
        init = None
        if self.use_bias and self.unit_forget_bias:
            base, units = self.bias_initializer, self.units

            def init(shape, dtype=None):
                return ops.concat([base((units,), dtype=dtype),
                                   ops.ones((units,), dtype=dtype or "float32"),
                                   base((units * 2,), dtype=dtype)], axis=0)
        self._weights(input_shape[-1], (4 * self.units,), init)

    def call(self, inputs, states, training=False):
        h, c = states
        z = ops.matmul(inputs, self.kernel) + ops.matmul(h, self.recurrent_kernel)
        if self.bias is not None:
            z = z + self.bias
        i, f, g, o = ops.split(z, 4, axis=-1)
        i = self.recurrent_activation(i)
        f = self.recurrent_activation(f)
        c = f * c + i * self.activation(g)
        o = self.recurrent_activation(o)
        h = o * self.activation(c)
        return h, [h, c]

    def get_config(self):
        return {**super().get_config(), "unit_forget_bias": self.unit_forget_bias}


class GRUCell(_Cell):
    """One step of a Gated Recurrent Unit (gates z, r, h).

    Formula (``reset_after=True``, Keras's default):
        ``xz, xr, xh = split(x · kernel + b_in)``; ``hz, hr, hh = split(h · recurrent_kernel
        + b_rec)``; ``z = σ(xz + hz)``, ``r = σ(xr + hr)``, ``g = tanh(xh + r * hh)``;
        ``h_t = z * h + (1 - z) * g``.
    """

    n_gates = 3

    def __init__(self, units, reset_after=True, **kwargs):
        super().__init__(units, **kwargs)
        self.reset_after = reset_after

    def build(self, input_shape):
        shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
        self._weights(input_shape[-1], shape)

    def call(self, inputs, states, training=False):
        h = states[0] if isinstance(states, (list, tuple)) else states
        u = self.units
        x = ops.matmul(inputs, self.kernel)
        if self.reset_after:
            inner = ops.matmul(h, self.recurrent_kernel)
            if self.bias is not None:
                x = x + self.bias[0]
                inner = inner + self.bias[1]
            xz, xr, xh = ops.split(x, 3, axis=-1)
            hz, hr, hh = ops.split(inner, 3, axis=-1)
            z = self.recurrent_activation(xz + hz)
            r = self.recurrent_activation(xr + hr)
            g = self.activation(xh + r * hh)
        else:
            if self.bias is not None:
                x = x + self.bias
            xz, xr, xh = ops.split(x, 3, axis=-1)
            hz, hr = ops.split(ops.matmul(h, self.recurrent_kernel[:, :2 * u]), 2, axis=-1)
            z = self.recurrent_activation(xz + hz)
            r = self.recurrent_activation(xr + hr)
            g = self.activation(xh + ops.matmul(r * h, self.recurrent_kernel[:, 2 * u:]))
        h = z * h + (1 - z) * g
        return h, [h]

    def get_config(self):
        return {**super().get_config(), "reset_after": self.reset_after}


class RNN(Layer):
    """Runs a cell over the time axis of ``(batch, timesteps, features)`` inputs.

    Args:
        cell: a cell layer (``call(x_t, states) -> (output, new_states)``).
        return_sequences: return every step's output ``(batch, timesteps, units)`` instead of
            the last one.
        return_state: also return the final states (``[output, *states]``).
        go_backwards: process the sequence in reverse (outputs come in that reversed order).

    Masked steps (a mask from ``Embedding(mask_zero=True)`` or ``Masking``) keep the
    previous output and states.
    """

    _cast_int_inputs = True

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, zero_output_for_mask=False, **kwargs):
        super().__init__(**kwargs)
        if stateful:
            raise NotImplementedError("stateful RNNs are not supported yet")
        self.cell = cell
        self.return_sequences, self.return_state = return_sequences, return_state
        self.go_backwards, self.stateful, self.unroll = go_backwards, stateful, unroll
        self.zero_output_for_mask = zero_output_for_mask
        self.supports_masking = True
        self.input_spec = InputSpec(min_ndim=3)

    def build(self, input_shape):
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        self.cell._build_with((input_shape[0],) + tuple(input_shape[2:]))

    def _dropout_masks(self, x, training):
        cell = self.cell
        masks = [None, None]
        if training and cell.dropout > 0:
            masks[0] = ops.nn.dropout(ops.ones_like(x[:, 0]), cell.dropout, seed=cell.seed)
        if training and cell.recurrent_dropout > 0:
            ones = cell.get_initial_state(x[:, 0])[0] + 1
            masks[1] = ops.nn.dropout(ones, cell.recurrent_dropout, seed=cell.seed)
        return masks

    def call(self, sequences, initial_state=None, mask=None, training=False):
        if isinstance(sequences, (list, tuple)):
            sequences, initial_state = sequences[0], list(sequences[1:]) or initial_state
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        masks = self._dropout_masks(sequences, training)
        if sequences.shape[1] is None:   # traced with unknown time steps: a graph loop
            return self._while_loop(sequences, mask, initial_state, masks, training)
        steps = ops.unstack(sequences, axis=1)
        step_masks = ops.unstack(mask, axis=1) if mask is not None else [None] * len(steps)
        if self.go_backwards:
            steps, step_masks = steps[::-1], step_masks[::-1]
        states = list(initial_state) if initial_state is not None else \
            self.cell.get_initial_state(steps[0])
        outputs, output = [], None
        for x_t, m_t in zip(steps, step_masks):
            output, states = self._step(x_t, m_t, states, output, masks, training)
            if self.return_sequences:
                outputs.append(output)
        result = ops.stack(outputs, axis=1) if self.return_sequences else output
        return [result] + states if self.return_state else result

    def _step(self, x_t, m_t, states, output, masks, training):
        """One time step: ``(output, states)`` after input ``x_t`` (masked steps keep both)."""
        input_mask, state_mask = masks
        if input_mask is not None:
            x_t = x_t * input_mask
        run_states = list(states)
        if state_mask is not None:
            run_states[0] = run_states[0] * state_mask
        out_t, new_states = self.cell.call(x_t, run_states, training=training)
        if m_t is not None:
            keep = ops.expand_dims(m_t, -1)
            previous = output if output is not None else ops.zeros_like(out_t)
            if self.zero_output_for_mask:
                previous = ops.zeros_like(out_t)
            out_t = ops.where(keep, out_t, previous)
            new_states = [ops.where(keep, n, s) for n, s in zip(new_states, states)]
        return out_t, list(new_states)

    def _while_loop(self, sequences, mask, initial_state, masks, training):
        """The time loop as one ``while_loop`` op, for any number of steps at run time."""
        n = ops.shape.shape(sequences)[1]
        states = list(initial_state) if initial_state is not None else \
            self.cell.get_initial_state(sequences[:, 0])
        output = ops.zeros_like(states[0])
        outputs = TensorArray(output.dtype, size=n).unstack(
            ops.zeros(ops.concat([ops.reshape(n, [1]), ops.shape.shape(output)], 0), output.dtype))

        def body(t, states, output, outputs):
            at = n - 1 - t if self.go_backwards else t
            m_t = None if mask is None else ops.gather(mask, at, axis=1)
            output, states = self._step(ops.gather(sequences, at, axis=1), m_t, states, output,
                                        masks, training)
            if self.return_sequences:
                outputs = outputs.write(t, output)
            return t + 1, states, output, outputs

        _, states, output, outputs = while_loop(
            lambda t, *_: t < n, body, [convert_to_tensor(0), states, output, outputs])
        result = ops.transpose(outputs.stack(), [1, 0, 2]) if self.return_sequences else output
        return [result] + list(states) if self.return_state else result

    def compute_mask(self, inputs, previous_mask=None):
        if isinstance(previous_mask, (list, tuple)):
            previous_mask = previous_mask[0]
        out = previous_mask if self.return_sequences else None
        if self.return_state:
            n = 2 if isinstance(self.cell, LSTMCell) else 1
            return [out] + [None] * n
        return out

    def get_config(self):
        config = {**super().get_config(), "return_sequences": self.return_sequences,
                  "return_state": self.return_state, "go_backwards": self.go_backwards,
                  "stateful": self.stateful, "unroll": self.unroll,
                  "zero_output_for_mask": self.zero_output_for_mask}
        if type(self) is RNN:
            config["cell"] = {"class_name": type(self.cell).__name__,
                              "config": self.cell.get_config()}
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if cls is RNN:
            cell = config.pop("cell")
            cells = {c.__name__: c for c in (SimpleRNNCell, LSTMCell, GRUCell)}
            cells.update(custom_objects or {})
            config["cell"] = cells[cell["class_name"]].from_config(cell["config"])
        return super().from_config(config)


class _Recurrent(RNN):
    """An RNN owning its cell (SimpleRNN, LSTM, GRU): the cell's arguments are its own."""

    cell_class = SimpleRNNCell
    _rnn_keys = ("return_sequences", "return_state", "go_backwards", "stateful", "unroll",
                 "zero_output_for_mask")
    _base_keys = ("name", "trainable", "dtype", "input_shape", "batch_input_shape",
                  "batch_size", "input_dim", "weights", "activity_regularizer", "input_length")

    def __init__(self, units, **kwargs):
        rnn_kwargs = {k: kwargs.pop(k) for k in self._rnn_keys if k in kwargs}
        base_kwargs = {k: kwargs.pop(k) for k in self._base_keys if k in kwargs}
        kwargs.pop("use_cudnn", None)
        kwargs.pop("implementation", None)
        cell_dtype = base_kwargs.get("dtype")
        cell = self.cell_class(units, dtype=cell_dtype, name=f"{self._cell_name()}", **kwargs)
        super().__init__(cell, **rnn_kwargs, **base_kwargs)

    @classmethod
    def _cell_name(cls):
        return {"SimpleRNN": "simple_rnn_cell", "LSTM": "lstm_cell", "GRU": "gru_cell"}.get(
            cls.__name__, "cell")

    def __getattr__(self, name):
        if name.startswith("_") or "cell" not in self.__dict__:
            raise AttributeError(name)
        return getattr(self.__dict__["cell"], name)

    def get_config(self):
        config = super().get_config()
        cell = self.cell.get_config()
        for key in ("name", "trainable", "dtype"):
            cell.pop(key, None)
        config.setdefault("activity_regularizer", None)
        return {**config, **cell}


class SimpleRNN(_Recurrent):
    """Fully connected RNN: ``h_t = tanh(x_t W + h_{t-1} U + b)``; weights kernel ``(in, u)``,
    recurrent_kernel ``(u, u)``, bias ``(u,)``.

    Example:
        >>> nf.keras.layers.SimpleRNN(4)(nf.ones((2, 5, 3))).shape
        TensorShape([2, 4])
    """

    cell_class = SimpleRNNCell


class LSTM(_Recurrent):
    """Long Short-Term Memory (Hochreiter & Schmidhuber); gates i, f, c, o; states [h, c].

    Args:
        units: state size.
        return_sequences, return_state, go_backwards: as ``RNN``.
        unit_forget_bias: initialize the forget gate's bias to 1 (default True).
        dropout, recurrent_dropout: fractions dropped from inputs / states in training.
    """

    cell_class = LSTMCell


class GRU(_Recurrent):
    """Gated Recurrent Unit (Cho et al.); gates z, r, h; ``reset_after=True`` (bias (2, 3u))."""

    cell_class = GRUCell
