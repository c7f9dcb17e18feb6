"""``clone_model``: the same architecture with new (freshly initialized) layers."""

from ...core import nest
from ..layers import serialization
from ..layers.input_layer import Input, InputLayer
from . import functional as graph
from .model import Functional
from .sequential import Sequential

__all__ = ["clone_model"]


def _default_clone(layer):
    return layer.__class__.from_config(layer.get_config())


def clone_model(model, input_tensors=None, clone_function=None, call_function=None,
                recursive=False, **kwargs):
    """A new model with the architecture of ``model`` and newly initialized weights.

    Args:
        model: a Sequential, functional or subclassed model.
        input_tensors: optional new input KerasTensor(s) for a functional model.
        clone_function: ``layer -> new layer`` (default: rebuild from ``get_config``).
        call_function: ``(layer, *args, **kwargs) -> outputs`` to call the new layers.
        recursive: clone nested models layer by layer too.

    Example:
        >>> copy = nf.keras.models.clone_model(model)
        >>> copy.set_weights(model.get_weights())
    """
    clone_function = clone_function or _default_clone

    def clone_layer(layer):
        if recursive and isinstance(layer, (Sequential, Functional)):
            return clone_model(layer, clone_function=clone_function,
                               call_function=call_function, recursive=True)
        return clone_function(layer)

    if isinstance(model, Sequential):
        layers = [layer for layer in model._tracked_layers if not isinstance(layer, InputLayer)]
        new = Sequential([clone_layer(layer) for layer in layers], name=model.name,
                         trainable=model.trainable)
        if input_tensors is not None:
            new.add(nest.flatten(input_tensors)[0]._keras_history.operation, rebuild=False)
            new._tracked_layers.insert(0, new._tracked_layers.pop())
            new._maybe_rebuild()
        elif model._tracked_layers and isinstance(model._tracked_layers[0], InputLayer):
            first = model._tracked_layers[0]
            new._tracked_layers.insert(0, InputLayer(batch_shape=first.batch_shape,
                                                     dtype=first.dtype, name=first.name))
            new._maybe_rebuild()
        elif model.built and model._build_shapes is not None:
            new.build(model._build_shapes)
        return new
    if isinstance(model, Functional):
        if input_tensors is None:
            input_tensors = nest.map_structure(
                lambda x: Input(batch_shape=tuple(x.shape), dtype=x.dtype,
                                name=x._keras_history.operation.name), model._inputs_struct)
        new_inputs = nest.flatten(input_tensors)
        cache = {}

        def run(node, args, kwargs):
            layer = node.operation
            if id(layer) not in cache:
                cache[id(layer)] = clone_layer(layer)
            new_layer = cache[id(layer)]
            if call_function is not None:
                return call_function(new_layer, *args, **kwargs)
            return new_layer(*args, **kwargs)

        outputs = graph.run_graph(model._nodes, model._inputs, new_inputs, model._outputs,
                                  call=run)
        outputs = nest.pack_sequence_as(model._outputs_struct, outputs)
        return Functional(input_tensors, outputs, name=model.name, trainable=model.trainable)
    config = serialization.serialize(model)
    return serialization.deserialize(config)
