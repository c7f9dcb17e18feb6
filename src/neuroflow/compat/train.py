"""TF1 optimizers: ``tf.train.GradientDescentOptimizer(lr).minimize(loss)`` and friends.

``minimize`` adds the gradients (through the graph's tape replay) and the variable updates to the
loss's graph and returns one operation that runs them all.
"""

import contextlib

import numpy as np

from ..core.ops import math as _m
from ..graph import ir as _ir
from ..graph.symbolic import SymbolicTensor
from .graphs import Variable, group


class Optimizer:
    """Base of TF1 optimizers: ``minimize(loss)`` adds the update to the loss's graph."""

    def __init__(self, learning_rate, use_locking=False, name="Optimizer"):
        self._lr = learning_rate
        self._name = name
        self._slots = {}

    def compute_gradients(self, loss, var_list=None, **unused):
        """``[(gradient, variable), ...]`` for the trainable variables ``loss`` depends on."""
        if not isinstance(loss, SymbolicTensor):
            raise TypeError("minimize/compute_gradients: loss must be a graph tensor (built "
                            "from placeholders); for eager code use nf.GradientTape")
        graph = loss._graph
        if var_list is None:  # the trainable variables the loss reads, in creation order
            var_list, seen = [], set()
            for node in _ir.ancestors(graph.nodes, [loss]):
                var = node.var
                if var is not None and var.trainable and id(var) not in seen:
                    seen.add(id(var))
                    var_list.append(var)
        grads = graph.gradients(loss, list(var_list))
        return list(zip(grads, var_list))

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """An operation applying the update to each variable."""
        pairs = [(g, v) for g, v in grads_and_vars if g is not None]
        if not pairs:
            raise ValueError("No gradients provided for any variable")
        updates = [self._apply(g, v) for g, v in pairs]
        updates += self._finish()
        if global_step is not None:
            updates.append(global_step.assign_add(_ones_like_value(global_step)))
        return group(*updates, name=name or self._name)

    def minimize(self, loss, global_step=None, var_list=None, name=None, **unused):
        """``apply_gradients(compute_gradients(loss))``: the training operation."""
        return self.apply_gradients(self.compute_gradients(loss, var_list), global_step, name)

    def _slot(self, var, name, value=0.0):
        key = (id(var), name)
        if key not in self._slots:
            with get_default_graph_of(var):
                self._slots[key] = Variable(np.full(var.shape, value, var.dtype._np),
                                            trainable=False, name=f"{var._name}/{name}")
        return self._slots[key]

    def _finish(self):
        return []


def get_default_graph_of(var):
    """Context manager: the graph ``var`` was created in as the default."""
    graph = getattr(var, "_graph", None)
    return graph.as_default() if graph is not None else contextlib.nullcontext()


def _ones_like_value(var):
    return np.ones(var.shape, var.dtype._np)


class GradientDescentOptimizer(Optimizer):
    """``w -= learning_rate * g``."""

    def __init__(self, learning_rate, use_locking=False, name="GradientDescent"):
        super().__init__(learning_rate, use_locking, name)

    def _apply(self, g, var):
        return var.assign_sub(g * self._lr)


class MomentumOptimizer(Optimizer):
    """``accum = momentum * accum + g; w -= lr * accum`` (Nesterov: ``w -= lr * (g +
    momentum * accum)``)."""

    def __init__(self, learning_rate, momentum, use_locking=False, name="Momentum",
                 use_nesterov=False):
        super().__init__(learning_rate, use_locking, name)
        self._momentum, self._nesterov = momentum, use_nesterov

    def _apply(self, g, var):
        accum = self._slot(var, "Momentum")
        new = accum * self._momentum + g
        update = accum.assign(new)
        step = (g + new * self._momentum) if self._nesterov else new
        return group(update, var.assign_sub(step * self._lr)).tensor


class AdamOptimizer(Optimizer):
    """TF1 Adam: ``lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)``; ``m, v`` moving moments;
    ``w -= lr_t * m / (sqrt(v) + epsilon)`` with epsilon 1e-8."""

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 use_locking=False, name="Adam"):
        super().__init__(learning_rate, use_locking, name)
        self._beta1, self._beta2, self._epsilon = beta1, beta2, epsilon
        self._powers = None

    def _apply(self, g, var):
        if self._powers is None:
            with get_default_graph_of(var):
                self._powers = (Variable(np.asarray(self._beta1, var.dtype._np),
                                         trainable=False, name="beta1_power"),
                                Variable(np.asarray(self._beta2, var.dtype._np),
                                         trainable=False, name="beta2_power"))
        b1p, b2p = self._powers
        m, v = self._slot(var, "Adam"), self._slot(var, "Adam_1")
        lr_t = self._lr * _m.sqrt(1 - b2p) / (1 - b1p)
        m_t = m * self._beta1 + g * (1 - self._beta1)
        v_t = v * self._beta2 + _m.square(g) * (1 - self._beta2)
        step = lr_t * m_t / (_m.sqrt(v_t) + self._epsilon)
        return group(m.assign(m_t), v.assign(v_t), var.assign_sub(step)).tensor

    def _finish(self):
        b1p, b2p = self._powers
        return [b1p.assign(b1p * self._beta1), b2p.assign(b2p * self._beta2)]
