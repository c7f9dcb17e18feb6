"""One page's training: its data, its network, the compiled training step and the snapshots
the page draws (loss, accuracy, each neuron's output over the plane, weights, gradient norms).

Everything here is synchronous and free of web code; ``server.py`` runs it in small slices.
"""

import base64
import math

import numpy as np

from ... import keras
from ...core.convert import constant
from ...core.ops import math as m
from ...core.ops import reduce as r
from ...core.tape import GradientTape
from ...graph import draw as graph_draw
from ...graph import function
from .. import graph as lecture_graph
from . import codegen
from .config import validate
from .datasets import IMAGE_DATASETS, extent, features, make_dataset
from .model import build_model, make_optimizer

__all__ = ["GRID", "Session"]

GRID = 40          # the plane is sampled on GRID x GRID points for the heat maps
SHOWN_POINTS = 600  # at most this many points of each set are sent to the page


def _quantize(values, probability):
    """uint8 codes (base64) of ``values`` mapped to [-1, 1]: probabilities as 2p - 1, other
    outputs divided by their largest magnitude when it exceeds 1."""
    if probability:
        u = 2.0 * values - 1.0
    else:
        u = values / max(1.0, float(np.max(np.abs(values))) if values.size else 1.0)
    codes = np.rint((np.clip(u, -1, 1) + 1.0) * 127.5).astype(np.uint8)
    return base64.b64encode(codes.tobytes()).decode("ascii")


class Session:
    """A network in training: ``step(n)``, ``snapshot()``, ``describe()``, ``code()``.

    Args:
        config: a playground configuration (validated here; see ``config.validate``).
    """

    def __init__(self, config):
        self.config = c = validate(config)
        (x_train, self.y_train), (x_test, self.y_test) = make_dataset(
            c["dataset"], c["samples"], c["noise"], c["train_fraction"], c["seed"])
        self.plane = c["dataset"] not in IMAGE_DATASETS
        self.points = (x_train, x_test)
        prep = (lambda x: features(x, c["features"])) if self.plane else (lambda x: x)
        self.x_train, self.x_test = prep(x_train), prep(x_test)
        self.n_classes = 2 if c["dataset"] != "fashion10" else 10
        self.model = build_model(c, self.x_train.shape[1], self.n_classes)
        self.optimizer = make_optimizer(c["optimizer"], c["learning_rate"])
        self.loss_fn = (keras.losses.BinaryCrossentropy() if self.n_classes == 2
                        else keras.losses.SparseCategoricalCrossentropy())
        self.batch_size = min(c["batch_size"], len(self.x_train))
        self.rng = np.random.default_rng(c["seed"])
        self.steps, self._order, self._next = 0, None, 0
        self.grad_norms = [0.0] * len(self.model.layers)
        self._train_step = function(self._step)
        self._evaluate = function(self._metrics)
        self._outputs = function(keras.Model(self.model.inputs,
                                             [layer.output for layer in self.model.layers]))
        if self.plane:
            low, high = extent(c["dataset"])
            axis = np.linspace(low, high, GRID, dtype=np.float32)
            xx, yy = np.meshgrid(axis, axis[::-1])   # row 0 is the top of the picture
            self.grid = np.stack([xx.ravel(), yy.ravel()], axis=1)
            self.grid_features = features(self.grid, c["features"])

    def _labels(self, y):
        if self.n_classes == 2:
            return constant(y.astype(np.float32)[:, None])
        return constant(y.astype(np.int64))

    def _step(self, x, y):
        with GradientTape() as tape:
            loss = self.loss_fn(y, self.model(x, training=True))
            if self.model.losses:
                loss = loss + m.add_n(self.model.losses)
        variables = self.model.trainable_variables
        grads = tape.gradient(loss, variables)
        self.optimizer.apply_gradients(zip(grads, variables))
        return loss, [r.reduce_sum(m.square(g)) for g in grads]

    def _metrics(self, x, y):
        p = self.model(x, training=False)
        if self.n_classes == 2:
            hits = m.equal(m.cast(m.greater(p, 0.5), y.dtype), y)
        else:
            hits = m.equal(m.argmax(p, axis=-1), y)
        return self.loss_fn(y, p), r.reduce_mean(m.cast(hits, "float32"))

    def _batch(self):
        if self._order is None or self._next + self.batch_size > len(self._order):
            self._order, self._next = self.rng.permutation(len(self.x_train)), 0
        rows = self._order[self._next:self._next + self.batch_size]
        self._next += self.batch_size
        return self.x_train[rows], self.y_train[rows]

    def step(self, n=1):
        """Runs ``n`` training steps (one batch each); returns the last batch's loss."""
        loss = math.nan
        for _ in range(n):
            x, y = self._batch()
            loss, squares = self._train_step(constant(x), self._labels(y))
            self.steps += 1
        if n:
            kernels = iter(float(s) for s in squares)
            self.grad_norms = [math.sqrt(next(kernels) + next(kernels))
                               for _ in self.model.layers]
            loss = float(loss)
        return loss

    @property
    def epochs(self):
        """Passes over the training set so far (fractional)."""
        return self.steps * self.batch_size / len(self.x_train)

    def evaluate(self):
        """(train loss, test loss, train accuracy, test accuracy) without regularization."""
        train = self._evaluate(constant(self.x_train), self._labels(self.y_train))
        test = self._evaluate(constant(self.x_test), self._labels(self.y_test))
        return float(train[0]), float(test[0]), float(train[1]), float(test[1])

    def snapshot(self):
        """What the page draws now (a JSON-able dict)."""
        train_loss, test_loss, train_acc, test_acc = self.evaluate()
        snap = {"type": "snapshot", "step": self.steps, "epoch": round(self.epochs, 3),
                "train_loss": train_loss, "test_loss": test_loss, "train_accuracy": train_acc,
                "test_accuracy": test_acc, "grad_norms": self.grad_norms,
                "weights": [[w.numpy().tolist() for w in layer.weights]
                            for layer in self.model.layers]}
        if self.plane:
            snap["neurons"] = self._tiles()
        return snap

    def _tiles(self):
        """Per layer, each unit's output over the plane (quantized); the inputs come first."""
        columns = [[_quantize(self.grid_features[:, j], False)
                    for j in range(self.grid_features.shape[1])]]
        outputs = self._outputs(constant(self.grid_features))
        outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
        last = len(outputs) - 1
        for i, out in enumerate(outputs):
            values = out.numpy()
            probability = i == last or self.config["activation"] == "sigmoid"
            columns.append([_quantize(values[:, j], probability) for j in range(values.shape[1])])
        return columns

    def describe(self):
        """The page's static picture of this session: points, plane, layer sizes, graph."""
        shown = [p[:SHOWN_POINTS] for p in self.points]
        return {"type": "ready", "config": self.config, "plane": self.plane,
                "extent": extent(self.config["dataset"]), "grid": GRID,
                "train_points": shown[0].tolist() if self.plane else [],
                "train_labels": self.y_train[:SHOWN_POINTS].tolist(),
                "test_points": shown[1].tolist() if self.plane else [],
                "test_labels": self.y_test[:SHOWN_POINTS].tolist(),
                "n_train": len(self.x_train), "n_test": len(self.x_test),
                "inputs": self.config["features"] if self.plane else ["784 pixels"],
                "layers": [layer.units for layer in self.model.layers],
                "graph": self.dataflow_graph(), "code": self.code()}

    def dataflow_graph(self):
        """The traced forward pass as nodes (label, kind, column, row) and edges."""
        graph = function(self.model).get_concrete_function(
            constant(self.x_train[:1])).graph
        position = lecture_graph.layout(graph)
        index = {id(node): i for i, node in enumerate(graph.nodes)}
        nodes = []
        for node in graph.nodes:
            label, kind, _ = graph_draw._node_style(node)
            x, y = position[id(node)]
            nodes.append({"label": label, "kind": kind, "x": x, "y": y})
        edges = [[index[id(t._node)], index[id(node)]] for node in graph.nodes
                 for t in node.inputs if id(t._node) in index]
        return {"nodes": nodes, "edges": edges}

    def code(self):
        """The ``tf.keras`` program training this network for the epochs run so far."""
        return codegen.program(self.config, self.x_train.shape[1], self.n_classes,
                               max(1, round(self.epochs)))
