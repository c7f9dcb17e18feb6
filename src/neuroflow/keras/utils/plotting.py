"""``plot_model``: a model's layer graph as a Graphviz picture (Graphviz is optional)."""

import itertools
import os
import shutil
import subprocess

__all__ = ["layer_graph", "model_to_dot", "plot_model"]


def _label(layer, show_shapes, show_dtype, show_layer_names, show_layer_activations):
    parts = [f"{layer.name} ({type(layer).__name__})" if show_layer_names
             else type(layer).__name__]
    activation = getattr(layer, "activation", None)
    if show_layer_activations and activation is not None:
        parts.append(f"activation: {getattr(activation, '__name__', str(activation))}")
    if show_shapes:
        for attr, word in (("input_shape", "Input shape"), ("output_shape", "Output shape")):
            try:
                parts.append(f"{word}: {getattr(layer, attr)}")
            except (AttributeError, ValueError, RuntimeError):
                pass
    if show_dtype and getattr(layer, "dtype", None) is not None:
        parts.append(f"dtype: {layer.dtype}")
    return "\\n".join(p.replace('"', "'") for p in parts)


def layer_graph(model):
    """``(layers, edges)``: the model's layers and (from, to) layer pairs, read from the
    functional graph's nodes when recorded, else from the layer order."""
    layers = list(getattr(model, "layers", []))
    known = {id(layer) for layer in layers}
    edges = []
    for layer in layers:
        for node in getattr(layer, "_inbound_nodes", []) or []:
            for parent in getattr(node, "parent_nodes", []):
                source = parent.operation
                if id(source) in known and (source, layer) not in edges:
                    edges.append((source, layer))
    if not edges:
        edges = list(itertools.pairwise(layers))
    return layers, edges


def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True,
                 rankdir="TB", dpi=200, show_layer_activations=False, **unused):
    """The model's graph as Graphviz DOT source text."""
    layers, edges = layer_graph(model)
    lines = [f'digraph "{getattr(model, "name", "model")}" {{',
             f"  graph [rankdir={rankdir}, dpi={dpi}];", "  node [shape=record];"]
    for layer in layers:
        label = _label(layer, show_shapes, show_dtype, show_layer_names,
                       show_layer_activations)
        lines.append(f'  n{id(layer)} [label="{label}"];')
    lines += [f"  n{id(a)} -> n{id(b)};" for a, b in edges]
    lines.append("}")
    return "\n".join(lines) + "\n"


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False,
               show_layer_names=True, rankdir="TB", expand_nested=False, dpi=200,
               show_layer_activations=False, show_trainable=False, **unused):
    """Draws the model's layers to ``to_file`` (``.png``, ``.svg``, ``.pdf`` or ``.dot``).

    Needs Graphviz's ``dot`` program for pictures (``apt-get install graphviz``); a ``.dot``
    file is written without it.

    Raises:
        ImportError: when Graphviz's ``dot`` is not installed and a picture was asked for.

    Example:
        >>> nf.keras.utils.plot_model(model, 'model.png', show_shapes=True)
    """
    source = model_to_dot(model, show_shapes, show_dtype, show_layer_names, rankdir, dpi,
                          show_layer_activations)
    extension = os.path.splitext(to_file)[1].lstrip(".").lower() or "png"
    if extension == "dot":
        with open(to_file, "w") as f:
            f.write(source)
        return
    dot = shutil.which("dot")
    if dot is None:
        raise ImportError("You must install graphviz (see instructions at "
                          "https://graphviz.gitlab.io/download/, e.g. `apt-get install "
                          "graphviz`) for `plot_model` to work; it needs the `dot` program. "
                          "Use a `.dot` file name to write the graph source without it.")
    subprocess.run([dot, f"-T{extension}", "-o", to_file], input=source.encode(), check=True)
    return
