"""``nf.onnx.export(model, 'm.onnx')``: a Keras model as an ONNX file, for inference.

The model's functional graph is walked in run order (``functional.run_graph``, the same walk
``model(x)`` makes) with each layer call turned into ONNX nodes; weights become initializers.
The batch dimension stays dynamic. Written with the optional ``onnx`` package.
"""

import os

from ..backend.errors import UnimplementedError
from ..core import nest
from ..keras.models import functional as _functional
from .builder import OPSET, GraphBuilder
from .layers import CONVERTERS
from .sequence import CALL_CONVERTERS

__all__ = ["export", "to_proto"]


def _graph_of(model):
    """``(nodes, input KerasTensors, output KerasTensors)`` of a Functional or Sequential."""
    inner = model.__dict__.get("_functional", model)
    if inner is None or not hasattr(inner, "_nodes"):
        raise ValueError(f"ONNX export needs a built functional or Sequential model; "
                         f"{model.name!r} has no graph yet: give it an `Input` or call it on "
                         "data first (subclassed models are not exported)")
    return inner._nodes, inner._inputs, inner._outputs


def _supported_names():
    return sorted({cls.__name__ for cls in list(CONVERTERS) + list(CALL_CONVERTERS)})


def _convert_call(g, node, args, kwargs):
    layer = node.operation
    if hasattr(layer, "_nodes") or "_functional" in layer.__dict__:   # a nested model
        nodes, inputs, outputs = _graph_of(layer)
        names = _run(g, nodes, inputs, nest.flatten(args[0] if len(args) == 1 else args),
                     outputs)
        return names[0] if len(names) == 1 else names
    for cls in type(layer).__mro__:
        if cls in CALL_CONVERTERS:
            return CALL_CONVERTERS[cls](g, layer, node, args, kwargs)
        if cls in CONVERTERS:
            return CONVERTERS[cls](g, layer, node, nest.flatten(args[0]))
    raise UnimplementedError(
        f"ONNX export does not support layer {layer.name!r} ({type(layer).__name__}). "
        f"Supported layers: {', '.join(_supported_names())}")


def _run(g, nodes, inputs, names, outputs):
    return _functional.run_graph(nodes, inputs, names, outputs,
                                 call=lambda node, args, kwargs: _convert_call(g, node, args,
                                                                               kwargs))


def _value_info(g, name, keras_tensor):
    dtype = g.onnx.helper.np_dtype_to_tensor_dtype(keras_tensor._dtype._np)
    shape = ["batch" if i == 0 and d is None else (d if d is not None else f"{name}_dim{i}")
             for i, d in enumerate(keras_tensor.shape)]
    return g.onnx.helper.make_tensor_value_info(name, dtype, shape)


def to_proto(model, opset=OPSET):
    """The ONNX ``ModelProto`` of ``model`` (checked by ``onnx.checker``)."""
    nodes, inputs, outputs = _graph_of(model)
    g = GraphBuilder()
    in_names = [g.name(_input_name(t, i)) for i, t in enumerate(inputs)]
    out_names = [g.name(_output_name(model, i)) for i in range(len(outputs))]  # reserved
    results = _run(g, nodes, inputs, in_names, outputs)
    for result, wanted in zip(results, out_names):
        g.op("Identity", [result], hint=f"{wanted}/identity")
        g.nodes[-1].output[0] = wanted
    helper = g.onnx.helper
    graph = helper.make_graph(
        g.nodes, model.name, [_value_info(g, n, t) for n, t in zip(in_names, inputs)],
        [_value_info(g, n, t) for n, t in zip(out_names, outputs)], g.initializers)
    proto = helper.make_model(graph, producer_name="neuroflow",
                              opset_imports=[helper.make_opsetid("", opset)])
    g.onnx.checker.check_model(proto)
    return proto


def _input_name(keras_tensor, i):
    history = getattr(keras_tensor, "_keras_history", None)
    return history[0].name if history is not None else f"input_{i}"


def _output_name(model, i):
    names = getattr(model, "output_names", None)
    try:
        return names[i]
    except (TypeError, IndexError):
        return f"output_{i}"


def export(model, filepath, opset=OPSET):
    """Writes ``model`` (Sequential or Functional, built) to ``filepath`` in ONNX format.

    Layers export in their inference form (dropout is the identity, batch normalization uses
    its moving statistics). The batch dimension is dynamic.

    Args:
        model: a built ``nf.keras`` Sequential or Functional model.
        filepath: where to write, e.g. ``'model.onnx'``.
        opset: the ONNX opset to target (default 17).

    Returns:
        The ``onnx.ModelProto`` written.

    Raises:
        UnimplementedError: a layer (named in the message) has no ONNX form here.
        ImportError: the ``onnx`` package is not installed (``pip install onnx``).

    Example:
        >>> nf.onnx.export(model, 'model.onnx')
        >>> import onnxruntime as ort
        >>> ort.InferenceSession('model.onnx').run(None, {'input': x})
    """
    proto = to_proto(model, opset)
    folder = os.path.dirname(os.fspath(filepath))
    if folder:
        os.makedirs(folder, exist_ok=True)
    with open(filepath, "wb") as f:
        f.write(proto.SerializeToString())
    return proto
