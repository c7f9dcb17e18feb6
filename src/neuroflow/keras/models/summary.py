"""``model.summary()``: Keras 3's table, drawn the way Keras's rich console draws it.

Column widths follow Keras (positions of a line of at most 88 characters, or 108 with a
"Connected to" column, shrunk to the terminal) and rich's rule for fitting fixed-width columns
with padding into that line.
"""

import math
import re
import shutil

from ...backend.dtypes import as_dtype
from ...core import nest
from ..layers.node import KerasTensor

__all__ = ["print_summary"]


def count_params(weights):
    """Number of scalars in ``weights`` (each variable counted once)."""
    unique = {id(w): w for w in weights}.values()
    return int(sum(math.prod(tuple(w.shape)) for w in unique))


def weight_memory_size(weights):
    """Bytes taken by ``weights``."""
    unique = {id(w): w for w in weights}.values()
    return sum(math.prod(tuple(w.shape)) * as_dtype(w.dtype).size for w in unique)


def readable_memory_size(size):
    """``205.66 KB`` style size (1024-based, two decimals)."""
    for unit in ("B", "KB", "MB", "GB", "TB", "PB"):
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"


def _format_shape(shape):
    return "(" + ", ".join(str(d) for d in shape) + ")"


def format_layer_shape(layer):
    """The output shape column: from the layer's last call in a graph, else its build shape."""
    if not layer._inbound_nodes and layer._build_shapes is None:
        return "?"
    if layer._inbound_nodes:
        outputs = layer._inbound_nodes[-1].outputs
        shapes = nest.map_structure(
            lambda x: _format_shape(x.shape) if isinstance(x, KerasTensor) else str(x), outputs)
    else:
        try:
            out = layer.compute_output_shape(layer._build_shapes)
        except (NotImplementedError, ValueError, TypeError, AttributeError):
            return "?"
        shapes = _map_shapes(out)
    flat = nest.flatten(shapes)
    if len(flat) == 1:
        return flat[0]
    return str(shapes).replace("'", "")


def _map_shapes(out):
    if isinstance(out, dict):
        return {k: _map_shapes(v) for k, v in out.items()}
    if isinstance(out, list) or (isinstance(out, tuple) and out and isinstance(
            out[0], (list, tuple))):
        return [_map_shapes(s) for s in out]
    return _format_shape(out)


def _column_widths(line_length, positions, n_columns):
    widths, current = [], 0
    for pos in positions:
        width = int(pos * line_length) - current
        if width < 4:
            raise ValueError("Insufficient console width to print summary.")
        widths.append(width)
        current += width
    # rich: each column is its width plus 1 of padding each side; the borders take
    # n + 1 characters; any excess is taken evenly (rounding as ``round``) from the columns.
    widths = [w + 2 for w in widths]
    excess = sum(widths) - (line_length - (n_columns + 1))
    if excess > 0:
        total_ratio, remaining, out = n_columns, excess, []
        for w in widths:
            take = min(w, round(remaining / total_ratio))
            out.append(w - take)
            remaining -= take
            total_ratio -= 1
        widths = out
    return widths


def _wrap(text, width):
    """Greedy word wrap like rich: a word too long for the line is cut with an ellipsis."""
    lines = []
    for paragraph in text.split("\n"):
        indent = paragraph[:len(paragraph) - len(paragraph.lstrip(" "))]
        current = indent
        for word in paragraph.lstrip(" ").split(" "):
            candidate = current + word if current.strip() == "" else current + " " + word
            if len(candidate) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            current = word
        lines.append(current)
    return [line if len(line) <= width else line[:width - 1] + "…" for line in lines]


def _render(header, rows, widths, alignment):
    inner = [w - 2 for w in widths]

    def rule(left, mid, right, fill):
        return left + mid.join(fill * w for w in widths) + right

    def cells(row, edge):
        wrapped = [_wrap(str(text), w) for text, w in zip(row, inner)]
        height = max(len(c) for c in wrapped)
        out = []
        for i in range(height):
            parts = []
            for lines, w, align in zip(wrapped, inner, alignment):
                text = lines[i] if i < len(lines) else ""
                parts.append(" " + (text.rjust(w) if align == "right" else
                                    text.center(w) if align == "center" else text.ljust(w)) + " ")
            out.append(edge + edge.join(parts) + edge)
        return out

    lines = [rule("┏", "┳", "┓", "━")]
    lines += cells(header, "┃")
    lines.append(rule("┡", "╇", "┩", "━"))
    for i, row in enumerate(rows):
        if i:
            lines.append(rule("├", "┼", "┤", "─"))
        lines += cells(row, "│")
    lines.append(rule("└", "┴", "┘", "─"))
    return lines


def _sequential_like(model):
    nodes_by_depth = getattr(model, "_nodes_by_depth", None)
    if nodes_by_depth is None:
        return True
    nodes = []
    for depth_nodes in nodes_by_depth.values():
        if len(depth_nodes) > 1 or (depth_nodes and len(depth_nodes[0].input_tensors) > 1):
            return False
        nodes += depth_nodes
    ids = {id(n) for n in nodes}
    for layer in model.layers:
        if sum(1 for node in layer._inbound_nodes if id(node) in ids) > 1:
            return False
    return True


def _connections(layer, relevant):
    parts = []
    for node in layer._inbound_nodes:
        if relevant and id(node) not in relevant:
            continue
        for x in node.input_tensors:
            if x._keras_history is None:
                continue
            source, node_index, tensor_index = x._keras_history
            parts.append(f"{source.name}[{node_index}][{tensor_index}]")
    return ", ".join(parts) if parts else "-"


def print_summary(model, line_length=None, positions=None, print_fn=None, expand_nested=False,
                  show_trainable=False, layer_range=None):
    """Prints (or passes to ``print_fn`` as one string) Keras 3's summary table of ``model``."""
    functional_graph = hasattr(model, "_nodes_by_depth")
    layers = list(model._operations) if functional_graph else list(model.layers)
    sequential_like = _sequential_like(model) if functional_graph else True
    if sequential_like:
        default_length, positions = 88, positions or [0.45, 0.80, 1.0]
        header, alignment = ["Layer (type)", "Output Shape", "Param #"], ["left", "left", "right"]
        relevant = set()
    else:
        default_length, positions = 108, positions or [0.3, 0.56, 0.74, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
        alignment = ["left", "left", "right", "left"]
        relevant = {id(n) for nodes in model._nodes_by_depth.values() for n in nodes}
    if show_trainable:
        default_length += 12
        positions = [p * 0.90 for p in positions] + [1.0]
        header.append("Trainable")
        alignment.append("center")
    columns = shutil.get_terminal_size().columns
    default_length = min(default_length, columns - 4)
    line_length = line_length or default_length
    widths = _column_widths(line_length, positions, len(header))

    def fields(layer, prefix=""):
        if not layer.built:
            params = "0 (unbuilt)"
        else:
            params = f"{layer.count_params():,}"
        row = [f"{prefix}{layer.name} ({type(layer).__name__})", format_layer_shape(layer),
               params]
        if not sequential_like:
            row.append(_connections(layer, relevant))
        if show_trainable:
            row.append(("Y" if layer.trainable else "N") if layer.weights else "-")
        return row

    def rows_of(layer, level=0):
        prefix = "   " * level + "└ " if level else ""
        rows = [fields(layer, prefix)]
        if expand_nested and getattr(layer, "layers", None) and hasattr(layer, "summary"):
            for sub in layer.layers:
                rows += rows_of(sub, level + 1)
        return rows

    start, stop = _layer_range(layers, layer_range)
    rows = [row for layer in layers[start:stop] for row in rows_of(layer)]
    lines = [f'Model: "{model.name}"']
    # rich crops what does not fit the console (80 columns when not a terminal)
    lines += [line[:columns] for line in _render(header, rows, widths, alignment)]
    trainable = model.trainable_weights
    non_trainable = model.non_trainable_weights
    trainable_count, non_trainable_count = count_params(trainable), count_params(non_trainable)
    trainable_size = weight_memory_size(trainable)
    non_trainable_size = weight_memory_size(non_trainable)
    optimizer = getattr(model, "optimizer", None)
    opt_vars = list(getattr(optimizer, "variables", []) or []) if getattr(
        optimizer, "built", False) else []
    opt_count, opt_size = count_params(opt_vars), weight_memory_size(opt_vars)
    total = trainable_count + non_trainable_count + opt_count
    total_size = trainable_size + non_trainable_size + opt_size
    lines.append(f" Total params: {total:,} ({readable_memory_size(total_size)})")
    lines.append(f" Trainable params: {trainable_count:,} "
                 f"({readable_memory_size(trainable_size)})")
    lines.append(f" Non-trainable params: {non_trainable_count:,} "
                 f"({readable_memory_size(non_trainable_size)})")
    if opt_vars:
        lines.append(f" Optimizer params: {opt_count:,} ({readable_memory_size(opt_size)})")
    text = "\n".join(lines) + "\n"
    if print_fn is None:
        print(text, end="")
    else:
        print_fn(text)


def _layer_range(layers, layer_range):
    if layer_range is None:
        return 0, len(layers)
    if len(layer_range) != 2:
        raise ValueError(f"layer_range must be a list or tuple of length 2. Received: "
                         f"layer_range = {layer_range} of length {len(layer_range)}")
    names = [layer.name for layer in layers]
    starts = [i for i, n in enumerate(names) if re.match(layer_range[0], n)]
    ends = [i for i, n in enumerate(names) if re.match(layer_range[1], n)]
    if not starts or not ends:
        raise ValueError(f"Passed layer_names do not match the layer names in the model. "
                         f"Received: {layer_range}")
    return starts[0], ends[-1] + 1
