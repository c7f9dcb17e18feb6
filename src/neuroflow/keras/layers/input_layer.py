"""``Input`` and ``InputLayer``: where a functional graph starts."""

import numbers

from .layer import Layer
from .node import KerasTensor, Node

__all__ = ["InputLayer", "Input"]


class InputLayer(Layer):
    """The layer behind ``Input``: holds the symbolic input tensor of a functional model.

    Args:
        shape: shape of one example (without the batch dim), e.g. ``(784,)``.
        batch_size: fixed batch size, or None.
        dtype: element type (default ``'float32'``).
        batch_shape: full shape including the batch dim (instead of ``shape``).
        name: layer name (default ``'input_layer'``, ``'input_layer_1'``, ...).
    """

    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None,
                 input_tensor=None, optional=False, name=None, **kwargs):
        if "input_shape" in kwargs:  # Keras 2 spelling
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        kwargs.pop("ragged", None)
        super().__init__(name=name, dtype=dtype, **kwargs)
        if shape is not None and batch_shape is not None:
            raise ValueError("You cannot pass both `shape` and `batch_shape` at the same time.")
        if input_tensor is not None:
            batch_shape = tuple(input_tensor.shape)
        if shape is None and batch_shape is None:
            raise ValueError("You must pass a `shape` argument.")
        if batch_shape is None:
            shape = (shape,) if isinstance(shape, int) else tuple(shape)
            batch_shape = (batch_size,) + shape
        self._batch_shape = _check_shape(batch_shape, "shape")
        self.sparse = bool(sparse)
        self.optional = optional
        self.built = True
        if input_tensor is not None and isinstance(input_tensor, KerasTensor):
            output = input_tensor
        else:
            output = KerasTensor(self._batch_shape, self._dtype, sparse=self.sparse, name=name)
        Node(self, (), {}, output)
        self._output = output

    @property
    def batch_shape(self):
        """The input's shape including the batch dim."""
        return self._batch_shape

    def call(self, inputs=None):
        return inputs

    def count_params(self):
        """0: an input has no weights."""
        return 0

    def get_config(self):
        return {"batch_shape": self._batch_shape, "dtype": self._dtype, "sparse": self.sparse,
                "ragged": False, "name": self.name, "optional": self.optional}


def Input(shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None, name=None,
          tensor=None, optional=False):
    """Starts a functional model: a symbolic tensor of the given per-example shape.

    Args:
        shape: shape of one example, e.g. ``(784,)`` (the batch dim is added as None).
        batch_size: fixed batch size, or None.
        dtype: element type, default ``'float32'``.
        batch_shape: full shape including the batch dim (instead of ``shape``).
        name: name of the input (and of its InputLayer).

    Returns:
        A ``KerasTensor``.

    Example:
        >>> inputs = nf.keras.Input(shape=(784,), name='img')
        >>> outputs = nf.keras.layers.Dense(10)(inputs)
        >>> model = nf.keras.Model(inputs, outputs)
    """
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse,
                       batch_shape=batch_shape, input_tensor=tensor, optional=optional,
                       name=name)
    return layer._output


def is_input_tensor(x):
    """True for a KerasTensor made by ``Input``."""
    history = getattr(x, "_keras_history", None)
    return history is not None and isinstance(history.operation, InputLayer)


def _check_shape(shape, name="shape"):
    """A shape as a tuple of non-negative ints and None; ValueError names the bad dim."""
    dims = []
    for d in shape:
        if d is None:
            dims.append(None)
            continue
        if isinstance(d, bool) or not isinstance(d, numbers.Integral):
            raise ValueError(f"Cannot convert {name}={tuple(shape)!r} to a shape: found invalid "
                             f"dimension {d!r} of type {type(d).__name__}")
        if d < 0:
            raise ValueError(f"Cannot convert {name}={tuple(shape)!r} to a shape: negative "
                             "dimensions are not allowed")
        dims.append(int(d))
    return tuple(dims)
