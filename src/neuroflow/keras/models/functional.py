"""The functional graph: sort the nodes between inputs and outputs, run them, (de)serialize them.

Layer order follows Keras (depth from the outputs, then first-visit order), so ``model.layers``
and ``get_weights()`` line up with tf.keras for the same model.
"""

import collections

from ...core import nest
from ..layers import serialization
from ..layers.input_layer import InputLayer
from ..layers.node import KerasTensor

__all__ = []


def map_graph(inputs, outputs):
    """Nodes (run order), nodes by depth, and layers (Keras order) between inputs and outputs.

    Raises:
        ValueError: when an output cannot be computed from the inputs, or names repeat.
    """
    nodes, layer_index = _topological(inputs, outputs)
    in_graph = set(map(id, nodes))
    node_depth, layer_depth = {}, {}
    for node in reversed(nodes):
        depth = max(node_depth.setdefault(id(node), 0), layer_depth.get(node.operation, 0))
        layer_depth[node.operation] = node_depth[id(node)] = depth
        for parent in node.parent_nodes:
            if id(parent) in in_graph:
                node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
    for x in inputs:
        layer = x._keras_history.operation
        if layer not in layer_depth:
            layer_depth[layer], layer_index[layer] = 0, -1
            node = layer._inbound_nodes[x._keras_history.node_index]
            node_depth[id(node)] = 0
            nodes.insert(0, node)
    by_depth = collections.defaultdict(list)
    for node in nodes:
        by_depth[node_depth[id(node)]].append(node)
    layers_by_depth = collections.defaultdict(list)
    for layer, depth in layer_depth.items():
        layers_by_depth[depth].append(layer)
    layers = []
    for depth in sorted(layers_by_depth, reverse=True):
        layers.extend(sorted(layers_by_depth[depth], key=lambda lyr: layer_index[lyr]))
    _check_connected(inputs, by_depth)
    names = [layer.name for layer in layers]
    for name in names:
        if names.count(name) != 1:
            raise ValueError(f'The name "{name}" is used {names.count(name)} times in the '
                             "model. All operation names should be unique.")
    ordered = [n for d in sorted(by_depth, reverse=True) for n in by_depth[d]]
    return ordered, dict(by_depth), layers


def _topological(inputs, outputs):
    finished, in_progress, order, layer_index = set(), set(), [], {}
    input_ids = {id(x) for x in inputs}

    def visit(tensor):
        history = getattr(tensor, "_keras_history", None)
        if history is None:
            raise ValueError(f"Output tensors of a Functional model must be the output of a "
                             f"Keras layer. Received: {tensor}")
        layer, node_index, _ = history
        node = layer._inbound_nodes[node_index]
        if id(node) in finished:
            return
        if not node.is_input and id(tensor) in input_ids:
            finished.add(id(node))
            return
        if node.is_input and id(tensor) not in input_ids:
            raise ValueError(f"Graph disconnected: the output depends on {tensor} (input "
                             f"'{layer.name}'), which is not among the model's `inputs`.")
        if id(node) in in_progress:
            raise ValueError(f"Tensor {tensor} from operation '{layer.name}' is part of a cycle.")
        layer_index.setdefault(layer, len(layer_index))
        in_progress.add(id(node))
        if not node.is_input:
            for x in node.input_tensors:
                visit(x)
        finished.add(id(node))
        in_progress.discard(id(node))
        order.append(node)

    for output in outputs:
        visit(output)
    return order, layer_index


def _check_connected(inputs, by_depth):
    computable = {id(x) for x in inputs}
    seen = []
    for depth in sorted(by_depth, reverse=True):
        for node in by_depth[depth]:
            for x in node.input_tensors:
                if id(x) not in computable:
                    raise ValueError(f"Graph disconnected: cannot find parent for tensor {x} "
                                     f"at layer '{node.operation.name}'. The following previous "
                                     f"layers were accessed without issue: {seen}")
            seen.append(node.operation.name)
            computable.update(id(t) for t in node.output_tensors)


def run_graph(nodes, inputs, values, outputs, call=None):
    """Runs ``nodes`` in order: ``values`` maps the input KerasTensors' ids to tensors.

    ``call(node, args, kwargs)`` computes a node (default: call its layer). Returns the flat
    list of values of ``outputs``.
    """
    env = {id(x): v for x, v in zip(inputs, values)}
    for node in nodes:
        if node.is_input:
            continue
        if any(id(t) not in env for t in node.input_tensors):
            continue  # an input node not fed, or a branch not needed
        args, kwargs = nest.map_structure(
            lambda x: env[id(x)] if isinstance(x, KerasTensor) else x, node.arguments)
        result = call(node, args, kwargs) if call else node.operation(*args, **kwargs)
        for t, value in zip(node.output_tensors, nest.flatten(result)):
            env[id(t)] = value
    missing = [t for t in outputs if id(t) not in env]
    if missing:
        raise ValueError(f"Could not compute output {missing[0]}")
    return [env[id(t)] for t in outputs]


# -- config --------------------------------------------------------------------------------------
def _node_key(layer, node):
    return id(layer), layer._inbound_nodes.index(node)


def graph_config(model):
    """The ``layers``/``input_layers``/``output_layers`` part of a functional model's config."""
    kept = {}   # (layer id, node index) -> index among that layer's nodes in this model
    for layer in model._operations:
        count = 0
        for i, node in enumerate(layer._inbound_nodes):
            if id(node) in model._node_ids:
                kept[(id(layer), i)] = count
                count += 1

    def history(t):
        layer, node_index, tensor_index = t._keras_history
        return [layer.name, kept.get((id(layer), node_index), node_index), tensor_index]

    def arg(x):
        if isinstance(x, KerasTensor):
            return {"class_name": "__keras_tensor__",
                    "config": {"shape": tuple(x.shape), "dtype": x.dtype,
                               "keras_history": history(x)}}
        return x

    layers = []
    for layer in model._operations:
        entry = serialization.serialize(layer)
        entry["name"] = layer.name
        entry["inbound_nodes"] = [
            {"args": nest.map_structure(arg, node.arguments[0]),
             "kwargs": nest.map_structure(arg, node.arguments[1])}
            for node in layer._inbound_nodes
            if id(node) in model._node_ids and not node.is_input]
        layers.append(entry)
    return {"layers": layers,
            "input_layers": _structure_of(model._inputs_struct, history),
            "output_layers": _structure_of(model._outputs_struct, history)}


def _structure_of(structure, fn):
    if isinstance(structure, dict):
        return {k: fn(v) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        return [fn(v) for v in structure]
    return fn(structure)


def rebuild_graph(config, custom_objects=None, safe_mode=True):
    """Creates the layers of ``graph_config``'s dict and calls them to rebuild the graph.

    Returns:
        ``(inputs, outputs)`` structures of KerasTensors.
    """
    created, pending, tensors = {}, [], {}
    for entry in config["layers"]:
        layer = serialization.deserialize(entry, custom_objects, safe_mode=safe_mode)
        name = entry.get("name", layer.name)
        created[name] = layer
        if isinstance(layer, InputLayer):
            tensors[(name, 0, 0)] = layer._output
        for node in entry.get("inbound_nodes", []):
            pending.append((name, node))
    node_counts = collections.Counter()
    while pending:
        progress, waiting = False, []
        for name, node in pending:
            # a layer's nodes must be rebuilt in order
            if any(n == name for n, _ in waiting) or not _ready(node, tensors):
                waiting.append((name, node))
                continue
            args, kwargs = _resolve(node, tensors)
            outputs = created[name](*args, **kwargs)
            index = node_counts[name]
            node_counts[name] += 1
            for i, t in enumerate(nest.flatten(outputs)):
                tensors[(name, index, i)] = t
            progress = True
        if not progress:
            stuck = [n for n, _ in waiting]
            raise ValueError(f"Could not rebuild the functional graph: layers {stuck} have "
                             "inputs that are never produced")
        pending = waiting

    def lookup(ref):
        return tensors[(ref[0], ref[1], ref[2])]
    inputs = _from_refs(config["input_layers"], lookup)
    outputs = _from_refs(config["output_layers"], lookup)
    return inputs, outputs


def _is_ref(x):
    return isinstance(x, (list, tuple)) and len(x) == 3 and isinstance(x[0], str) and all(
        isinstance(v, int) for v in x[1:])


def _from_refs(refs, lookup):
    if isinstance(refs, dict):
        return {k: lookup(v) for k, v in refs.items()}
    if _is_ref(refs):
        return lookup(refs)
    return [lookup(r) for r in refs]


def _tensor_refs(structure):
    if isinstance(structure, dict):
        if structure.get("class_name") == "__keras_tensor__":
            return [tuple(structure["config"]["keras_history"])]
        return [r for v in structure.values() for r in _tensor_refs(v)]
    if isinstance(structure, (list, tuple)):
        return [r for v in structure for r in _tensor_refs(v)]
    return []


def _ready(node, tensors):
    return all(tuple(r) in tensors for r in _tensor_refs([node.get("args"), node.get("kwargs")]))


def _resolve(node, tensors):
    def resolve(x):
        if isinstance(x, dict):
            if x.get("class_name") == "__keras_tensor__":
                return tensors[tuple(x["config"]["keras_history"])]
            return {k: resolve(v) for k, v in x.items()}
        if isinstance(x, (list, tuple)):
            return type(x)(resolve(v) for v in x) if isinstance(x, tuple) else [
                resolve(v) for v in x]
        return x
    return tuple(resolve(node.get("args", ()))), resolve(node.get("kwargs", {}))
