"""``Sequential``: a plain stack of layers, each feeding the next."""

from ..layers import serialization
from ..layers.input_layer import InputLayer
from ..layers.layer import Layer, dtype_config, name_scope
from ..layers.node import KerasTensor
from .model import Functional, Model

__all__ = ["Sequential"]


class Sequential(Model):
    """A linear stack of layers.

    Give the input shape with ``nf.keras.Input(shape)`` as the first entry (or ``input_shape=``
    on the first layer) to build it at once; otherwise it is built on its first call.

    Args:
        layers: list of layers (and optionally an ``Input`` first).
        name: default ``'sequential'``, ``'sequential_1'``, ...

    Example:
        >>> model = nf.keras.Sequential([
        ...     nf.keras.Input(shape=(784,)),
        ...     nf.keras.layers.Dense(64, activation='relu'),
        ...     nf.keras.layers.Dense(10, activation='softmax')])
        >>> model.output_shape
        (None, 10)
    """

    def __init__(self, layers=None, trainable=True, name=None, **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        object.__setattr__(self, "_functional", None)
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._maybe_rebuild()

    # -- editing ---------------------------------------------------------------------------------
    def add(self, layer, rebuild=True):
        """Appends a layer (or an ``Input``) to the stack."""
        if isinstance(layer, KerasTensor) and layer._keras_history is not None and isinstance(
                layer._keras_history.operation, InputLayer):
            layer = layer._keras_history.operation
        if not isinstance(layer, Layer):
            raise ValueError(f"Only instances of `keras.Layer` can be added to a Sequential "
                             f"model. Received: {layer} (of type {type(layer)})")
        stack = self._tracked_layers
        if isinstance(layer, InputLayer) and stack and isinstance(stack[0], InputLayer):
            raise ValueError(f"Sequential model '{self.name}' has already been configured to "
                             f"use input shape {stack[0].batch_shape}. You cannot add a "
                             "different Input layer to it.")
        if isinstance(layer, InputLayer) and stack:
            raise ValueError("An Input must be the first entry of a Sequential model")
        if not stack and not isinstance(layer, InputLayer) and layer._batch_input_shape:
            stack.append(InputLayer(batch_shape=layer._batch_input_shape, dtype=layer.dtype))
        if any(other.name == layer.name for other in stack):
            raise ValueError(f"All layers added to a Sequential model should have unique "
                             f"names. Name '{layer.name}' is already the name of a layer in "
                             f"this model. Update the `name` argument to pass a unique name.")
        stack.append(layer)
        if rebuild:
            self._maybe_rebuild()
        else:
            self.built = False
            object.__setattr__(self, "_functional", None)

    def pop(self, rebuild=True):
        """Removes and returns the last layer."""
        if not self.layers:
            raise TypeError("There are no layers in the model.")
        layer = self._tracked_layers.pop()
        self.built = False
        object.__setattr__(self, "_functional", None)
        if rebuild:
            self._maybe_rebuild()
        return layer

    def _maybe_rebuild(self):
        self.built = False
        object.__setattr__(self, "_functional", None)
        stack = self._tracked_layers
        if stack and isinstance(stack[0], InputLayer) and len(stack) > 1:
            self.build(stack[0].batch_shape)

    # -- structure -------------------------------------------------------------------------------
    @property
    def layers(self):
        """The layers, without the InputLayer."""
        stack = list(self._tracked_layers)
        return stack[1:] if stack and isinstance(stack[0], InputLayer) else stack

    @layers.setter
    def layers(self, _):
        raise AttributeError("`Model.layers` attribute is reserved and should not be used.")

    def build(self, input_shape=None):
        """Connects the layers symbolically from an input of ``input_shape`` (as Keras 3, a
        batch size given here, or by the first data, shows in the shapes) and builds them."""
        stack = self._tracked_layers
        if not self.layers:
            raise ValueError(f"Sequential model {self.name} cannot be built because it has no "
                             "layers. Call `model.add(layer)`.")
        if isinstance(stack[0], InputLayer):
            inputs = stack[0]._output
        else:
            if input_shape is None:
                raise ValueError("You must provide an `input_shape` argument.")
            if isinstance(input_shape, (list, tuple)) and input_shape and isinstance(
                    input_shape[0], (list, tuple)):
                raise ValueError("Sequential models only take one input; got input_shape="
                                 f"{input_shape}")
            shape = tuple(input_shape)
            dtype = self.__dict__.get("_data_dtype") or stack[0].dtype
            stack.insert(0, InputLayer(batch_shape=shape, dtype=dtype))
            inputs = stack[0]._output
        x = inputs
        with name_scope(self.name):
            for layer in self.layers:
                x = layer(x)
        object.__setattr__(self, "_functional", Functional(inputs, x))
        self._build_shapes = tuple(inputs.shape)
        self.built = True

    def _convert_inputs(self, inputs):
        inputs = super()._convert_inputs(inputs)
        first = inputs[0] if isinstance(inputs, (list, tuple)) and inputs else inputs
        if not self.built and hasattr(first, "dtype") and not first.dtype.is_floating:
            object.__setattr__(self, "_data_dtype", first.dtype.name)  # e.g. token ids
        return inputs

    def _build_with(self, input_shape, **extra_shapes):
        if not self.built:
            self.build(input_shape)

    @property
    def inputs(self):
        """The input KerasTensors (once built)."""
        return self._require_functional("inputs").inputs

    @property
    def outputs(self):
        """The output KerasTensors (once built)."""
        return self._require_functional("outputs").outputs

    @property
    def input(self):
        """The input KerasTensor (once built)."""
        return self._require_functional("input").input

    @property
    def output(self):
        """The output KerasTensor (once built)."""
        return self._require_functional("output").output

    @property
    def input_shape(self):
        """Input shape including the batch dim (None)."""
        return self._require_functional("input_shape").input_shape

    @property
    def output_shape(self):
        """Output shape including the batch dim (None)."""
        return self._require_functional("output_shape").output_shape

    @property
    def output_names(self):
        """Name of the last layer (Keras names the output after it)."""
        return [self.layers[-1].name] if self.layers else []

    def _require_functional(self, attr):
        if self._functional is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined {attr} yet: "
                                 "build it first (call it on data, or start it with an Input).")
        return self._functional

    # -- running ---------------------------------------------------------------------------------
    def call(self, inputs, training=None, mask=None):
        if self._functional is not None:
            return self._functional.call(inputs, training=training, mask=mask)
        x = inputs
        for layer in self.layers:
            x = layer(x)
        return x

    def compute_output_shape(self, input_shape):
        if self._functional is not None:
            return self._functional.output_shape
        shape = input_shape
        for layer in self.layers:
            shape = layer.compute_output_shape(shape)
        return shape

    # -- config ----------------------------------------------------------------------------------
    def get_config(self):
        config = {"name": self.name, "trainable": self.trainable,
                  "dtype": dtype_config(self.dtype),
                  "layers": [serialization.serialize(layer) for layer in self._tracked_layers]}
        if self._build_shapes is not None:
            config["build_input_shape"] = self._build_shapes
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=True):
        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for entry in config["layers"]:
            model.add(serialization.deserialize(entry, custom_objects, safe_mode=safe_mode),
                      rebuild=False)
        model._maybe_rebuild()
        shape = config.get("build_input_shape")
        if not model.built and shape is not None and model.layers:
            model.build(tuple(shape))
        return model

    def get_build_config(self):
        """None: ``build_input_shape`` in the config rebuilds a Sequential."""
        return None


serialization.register(Sequential)
