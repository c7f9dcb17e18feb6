"""``Model``: a layer with training (``Trainer``) and introspection; ``Functional``: a model
defined by a graph of layer calls, ``Model(inputs, outputs)``.
"""

import importlib

import numpy as np

from ...core import nest
from ...core.convert import convert_to_tensor
from ...core.ops import math as math_ops
from ...core.ops import creation as creation_ops
from ...core.ops import shape as shape_ops
from ...core.tensor import Tensor
from ..layers import serialization
from ..layers.layer import Layer
from ..layers.node import KerasTensor
from ..saving import saving_lib
from ..trainer import Trainer
from . import functional as graph
from . import summary as summary_utils

__all__ = ["Model", "Functional"]


def _is_functional_init(args, kwargs):
    return (len(args) >= 2 or (len(args) == 1 and "outputs" in kwargs)
            or ("inputs" in kwargs and "outputs" in kwargs))


class Model(Trainer, Layer):
    """A model: layers plus ``compile``/``fit``/``evaluate``/``predict``, ``summary``, saving.

    Three ways to make one:

    - Functional: ``Model(inputs, outputs)`` from ``nf.keras.Input`` and layer calls.
    - Subclassing: define layers in ``__init__`` and the forward pass in ``call``.
    - ``nf.keras.Sequential([...])`` for a plain stack.

    Example:
        >>> inputs = nf.keras.Input(shape=(784,), name='img')
        >>> h = nf.keras.layers.Dense(64, activation='relu')(inputs)
        >>> outputs = nf.keras.layers.Dense(10, activation='softmax')(h)
        >>> model = nf.keras.Model(inputs, outputs)
    """

    def __new__(cls, *args, **kwargs):
        if cls is Model and _is_functional_init(args, kwargs):
            return super().__new__(Functional)
        return super().__new__(cls, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        if _is_functional_init(args, kwargs) and not isinstance(self, Functional):
            # ``CustomModel(inputs, outputs)``: a subclass used as a functional model (the
            # "customizing fit()" guide). As Keras, the class becomes a Functional subclass.
            _inject_functional(type(self))
            Functional.__init__(self, *args, **kwargs)
            return
        Trainer.__init__(self)
        if args or "inputs" in kwargs or "outputs" in kwargs:
            raise TypeError(f"Unexpected positional arguments for {type(self).__name__}: "
                            "pass `inputs` and `outputs` to keras.Model for a functional model")
        Layer.__init__(self, **kwargs)

    # -- structure ------------------------------------------------------------------------------
    @property
    def layers(self):
        """The model's direct sublayers, in order."""
        return list(self._tracked_layers)

    @layers.setter
    def layers(self, _):
        raise AttributeError("`Model.layers` attribute is reserved and should not be used. "
                             "Please use another name.")

    def get_layer(self, name=None, index=None):
        """A sublayer by ``name`` or by ``index`` in ``layers``."""
        if index is not None and name is not None:
            raise ValueError(f"Provide only a layer name or a layer index. Received: "
                             f"index={index}, name={name}.")
        if index is not None:
            if len(self.layers) <= index:
                raise ValueError(f"Was asked to retrieve layer at index {index} but model only "
                                 f"has {len(self.layers)} layers.")
            return self.layers[index]
        if name is not None:
            for layer in self.layers:
                if layer.name == name:
                    return layer
            raise ValueError(f"No such layer: {name}. Existing layers are: "
                             f"{[layer.name for layer in self.layers]}.")
        raise ValueError("Provide either a layer name or layer index at `get_layer`.")

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None):
        """Prints the layers, their output shapes and parameter counts, as Keras 3 does."""
        summary_utils.print_summary(self, line_length=line_length, positions=positions,
                                    print_fn=print_fn, expand_nested=expand_nested,
                                    show_trainable=show_trainable, layer_range=layer_range)

    def to_json(self, **kwargs):
        """The architecture as a JSON string; ``keras.models.model_from_json`` rebuilds it.

        Args:
            **kwargs: passed to ``json.dumps``.
        """
        return saving_lib.model_to_json(self, **kwargs)

    # -- export -----------------------------------------------------------------------------------
    def export(self, filepath, format="tf_saved_model", verbose=None, input_signature=None,
               **kwargs):
        """Exports the model for inference in another runtime.

        Args:
            filepath: the file (or folder) to write.
            format: one of ``EXPORT_FORMATS`` (``'onnx'``: an ONNX file, see
                ``nf.onnx.export``).
            verbose, input_signature: accepted for compatibility.
            **kwargs: passed to the format's exporter (``opset=`` for ONNX).

        Raises:
            ValueError: for an unknown ``format``.

        Example:
            >>> model.export('model.onnx', format='onnx')
        """
        exporter = EXPORT_FORMATS.get(format)
        if exporter is None:
            raise ValueError(f"Unrecognized format={format!r}. Supported formats are: "
                             f"{sorted(EXPORT_FORMATS)}.")
        return exporter(self, filepath, **kwargs)

    # -- building ---------------------------------------------------------------------------------
    def build(self, input_shape):
        """Builds a subclassed model by calling it on symbolic inputs of ``input_shape``."""
        if self.built:
            return
        if isinstance(input_shape, (list, tuple)) and input_shape and isinstance(
                input_shape[0], (list, tuple)):
            specs = [KerasTensor(tuple(s)) for s in input_shape]
        elif isinstance(input_shape, dict):
            specs = {k: KerasTensor(tuple(s)) for k, s in input_shape.items()}
        else:
            specs = KerasTensor(tuple(input_shape))
        self.built = True
        try:
            self.call(specs)
        except (TypeError, ValueError, AttributeError, NotImplementedError):
            concrete = nest.map_structure(
                lambda s: creation_ops.zeros(tuple(1 if d is None else d for d in s.shape)), specs)
            saved = [(v, v._value) for v in self.weights]
            self.call(concrete)
            saved += [(v, v._value) for v in self.weights if all(v is not w for w, _ in saved)]
            for v, value in saved:
                v._value = value

    def _build_with(self, input_shape, **extra_shapes):
        # Called with the first data: a subclassed model builds its sublayers in ``call``
        # itself (as Keras 3), unless it defines its own ``build``.
        if self.built:
            return
        if type(self).build is Model.build:
            self._build_shapes = input_shape
            self.built = True
        else:
            Layer._build_with(self, input_shape, **extra_shapes)

    def get_config(self):
        """Config of a subclassed model: its constructor arguments where they are plain values."""
        return Layer.get_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        if cls is Model and "layers" in config and "input_layers" in config:
            return Functional.from_config(config, custom_objects=custom_objects)
        return Layer.from_config.__func__(cls, config)


def _export_onnx(model, filepath, **kwargs):
    # neuroflow.onnx reads keras models, so it sits above keras: loaded by name on first use,
    # as ``nf.onnx`` itself is.
    return importlib.import_module("neuroflow.onnx").export(model, filepath, **kwargs)


# ``Model.export`` formats: format name -> ``exporter(model, filepath, **kwargs)``.
EXPORT_FORMATS = {"onnx": _export_onnx}


class Functional(Model):
    """A model defined by calling layers on ``Input`` tensors: ``Model(inputs, outputs)``.

    Args:
        inputs: a KerasTensor from ``Input``, or a list/dict of them.
        outputs: KerasTensor(s) computed from ``inputs`` by layer calls (list/dict allowed).
        name: model name (default ``'functional'``, ``'functional_1'``, ...).
    """

    def __init__(self, inputs, outputs, name=None, trainable=True, **kwargs):
        Trainer.__init__(self)
        Layer.__init__(self, name=name, trainable=trainable, **kwargs)
        flat_inputs = nest.flatten(inputs)
        flat_outputs = nest.flatten(outputs)
        for x in flat_inputs + flat_outputs:
            if not isinstance(x, KerasTensor):
                raise ValueError(f"All `inputs` and `outputs` values must be KerasTensors. "
                                 f"Received: inputs={inputs}, outputs={outputs} (including "
                                 f"invalid value {x} of type {type(x)})")
        if isinstance(inputs, (list, tuple)) and len(inputs) == 1 and not isinstance(
                inputs[0], (list, tuple, dict)):
            inputs = inputs[0] if isinstance(inputs, tuple) else inputs
        object.__setattr__(self, "_inputs_struct", inputs)
        object.__setattr__(self, "_outputs_struct", outputs)
        object.__setattr__(self, "_inputs", flat_inputs)
        object.__setattr__(self, "_outputs", flat_outputs)
        nodes, by_depth, layers = graph.map_graph(flat_inputs, flat_outputs)
        object.__setattr__(self, "_nodes", nodes)
        object.__setattr__(self, "_nodes_by_depth", by_depth)
        object.__setattr__(self, "_node_ids", {id(n) for n in nodes})
        object.__setattr__(self, "_operations", layers)
        self._tracked_layers[:] = layers
        self.built = True
        self._build_shapes = nest.map_structure(lambda t: tuple(t.shape), inputs)

    # -- structure -------------------------------------------------------------------------------
    @property
    def inputs(self):
        """The input KerasTensors, as a flat list."""
        return list(self._inputs)

    @property
    def outputs(self):
        """The output KerasTensors, as a flat list."""
        return list(self._outputs)

    @property
    def input(self):
        """The inputs in the structure given to the constructor."""
        return self._inputs_struct

    @property
    def output(self):
        """The outputs in the structure given to the constructor."""
        return self._outputs_struct

    @property
    def input_shape(self):
        """Shape of the input (a list of shapes for several inputs)."""
        return nest.map_structure(lambda t: tuple(t.shape), self._inputs_struct)

    @property
    def output_shape(self):
        """Shape of the output (a list of shapes for several outputs)."""
        return nest.map_structure(lambda t: tuple(t.shape), self._outputs_struct)

    @property
    def input_names(self):
        """Names of the input layers."""
        return [x._keras_history.operation.name for x in self._inputs]

    @property
    def output_names(self):
        """Names of the layers producing the outputs (dict keys for dict outputs)."""
        if isinstance(self._outputs_struct, dict):
            return sorted(self._outputs_struct)
        return [x._keras_history.operation.name for x in self._outputs]

    @property
    def input_spec(self):
        """None: each layer of the graph checks its own inputs."""
        return None

    @input_spec.setter
    def input_spec(self, value):
        pass

    # -- running ---------------------------------------------------------------------------------
    def _flat_inputs(self, inputs):
        struct = self._inputs_struct
        if isinstance(inputs, dict) and not isinstance(struct, dict):
            names = [x._keras_history.operation.name for x in self._inputs]
            missing = [n for n in names if n not in inputs]
            if missing:
                raise ValueError(f'Missing data for input "{missing[0]}". You passed a data '
                                 f"dictionary with keys {list(inputs)}. Expected the following "
                                 f"keys: {names}")
            return [inputs[n] for n in names]
        if isinstance(struct, dict) and isinstance(inputs, dict):
            missing = [k for k in struct if k not in inputs]
            if missing:
                raise ValueError(f'Missing data for input "{missing[0]}". You passed a data '
                                 f"dictionary with keys {list(inputs)}. Expected the following "
                                 f"keys: {list(struct)}")
            return [inputs[k] for k in sorted(struct)]
        flat = nest.flatten(inputs) if isinstance(inputs, (list, tuple, dict)) else [inputs]
        if len(flat) != len(self._inputs):
            raise ValueError(f'Layer "{self.name}" expects {len(self._inputs)} input(s), but it '
                             f"received {len(flat)} input tensors. Inputs received: {flat}")
        return flat

    def _standardize(self, x, spec):
        if not isinstance(x, Tensor):
            x = convert_to_tensor(np.asarray(x) if not isinstance(x, np.ndarray) else x)
        if x.dtype.name != spec.dtype and (x.dtype.is_floating or x.dtype.is_integer):
            x = math_ops.cast(x, spec.dtype)
        rank, want = x.ndim, len(spec.shape)
        if rank == want - 1 and spec.shape[-1] == 1:
            x = shape_ops.expand_dims(x, -1)
        elif rank == want + 1 and x.shape[-1] == 1:
            x = shape_ops.squeeze(x, -1)
        return x

    def call(self, inputs, training=None, mask=None):
        flat = [self._standardize(x, spec)
                for x, spec in zip(self._flat_inputs(inputs), self._inputs)]
        outputs = graph.run_graph(self._nodes, self._inputs, flat, self._outputs)
        return nest.pack_sequence_as(self._outputs_struct, outputs)

    def _convert_inputs(self, inputs):
        return inputs  # ``call`` converts each input to its Input's dtype

    def compute_output_shape(self, input_shape):
        return self.output_shape

    # -- config ----------------------------------------------------------------------------------
    def get_config(self):
        return {"name": self.name, "trainable": self.trainable, **graph.graph_config(self)}

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=True):
        inputs, outputs = graph.rebuild_graph(config, custom_objects, safe_mode)
        model = cls(inputs, outputs, name=config.get("name"),
                    trainable=config.get("trainable", True))
        return model

    def get_build_config(self):
        """None: a functional model is built by its config's graph."""
        return None


def _inject_functional(cls):
    """Makes ``cls`` (a subclass of ``Model``) a subclass of ``Functional`` by putting
    ``Functional`` in place of ``Model`` among its ancestors' bases, as Keras 3 does."""
    if issubclass(cls, Functional):
        return
    for base in cls.__bases__:
        if base is not Model and issubclass(base, Model):
            _inject_functional(base)
    if Model in cls.__bases__:
        cls.__bases__ = tuple(Functional if b is Model else b for b in cls.__bases__)


serialization.register(Model, Functional)
