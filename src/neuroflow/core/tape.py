"""``GradientTape``: records ops on watched tensors and runs them backwards (reverse mode).

Gradient rules are written in neuroflow ops, so the backward pass is itself recorded by any
outer tape: nesting tapes gives second and higher derivatives.
"""

import enum

from ..backend.errors import InvalidArgumentError
from . import nest, registry
from .ops import math as m
from .ops.shape import broadcast_to, reshape, stack
from .ops.creation import one_hot, zeros
from .tensor import Tensor


class UnconnectedGradients(str, enum.Enum):
    """What ``GradientTape.gradient`` returns for a source the target does not depend on.

    ``NONE`` gives None, ``ZERO`` a tensor of zeros (as ``tf.UnconnectedGradients``); the
    strings ``'none'`` and ``'zero'`` are accepted as well.
    """

    NONE = "none"
    ZERO = "zero"


class GradientTape:
    """Records operations for automatic differentiation, like ``tf.GradientTape``.

    Args:
        persistent: allow several ``gradient`` calls (otherwise one, then resources are freed).
        watch_accessed_variables: watch trainable variables read inside the block automatically.

    Example:
        >>> x = nf.constant(3.0)
        >>> with nf.GradientTape() as tape:
        ...     tape.watch(x)
        ...     y = x * x
        >>> tape.gradient(y, x).numpy()
        6.0
    """

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self._persistent = persistent
        self._watch_accessed_variables = watch_accessed_variables
        self._watched = {}      # id -> tensor, kept alive so ids stay unique
        self._entries = []      # (op, inputs, attrs, outputs) in execution order
        self._recording = False
        self._used = False

    def __enter__(self):
        self._recording = True
        registry._tapes.append(self)
        return self

    def __exit__(self, *exc):
        self._recording = False
        if self in registry._tapes:
            registry._tapes.remove(self)

    def watch(self, tensor):
        """Ensures ``tensor`` (or each tensor in a nested structure) is traced by this tape."""
        for t in nest.flatten(tensor):
            if not isinstance(t, Tensor):
                raise ValueError(f"GradientTape.watch: expected tensors or variables, got "
                                 f"{type(t).__name__}")
            self._watched[id(t)] = t

    def watched_variables(self):
        """The variables this tape watches, in the order they were first watched."""
        return tuple(t for t in self._watched.values() if t._is_variable)

    def reset(self):
        """Clears everything recorded so far."""
        self._watched.clear()
        self._entries.clear()

    def stop_recording(self):
        """Context manager during which ops are not recorded on this tape."""
        return _Paused(self)

    # -- differentiation ---------------------------------------------------------------------
    def gradient(self, target, sources, output_gradients=None,
                 unconnected_gradients="none"):
        """Returns d(target)/d(sources), shaped like ``sources`` (nested lists/dicts allowed).

        Args:
            target: tensor or nested structure of tensors to differentiate (their sum).
            sources: tensors or variables to differentiate with respect to.
            output_gradients: upstream gradients, one per target (default: ones).
            unconnected_gradients: ``'none'`` (None for unconnected sources) or ``'zero'``
                (or an ``UnconnectedGradients``).
        """
        try:
            unconnected_gradients = UnconnectedGradients(unconnected_gradients)
        except ValueError:
            raise ValueError(f"unconnected_gradients must be 'none' or 'zero', got "
                             f"{unconnected_gradients!r}") from None
        if self._used and not self._persistent:
            raise RuntimeError("A non-persistent GradientTape can only be used to compute one "
                               "set of gradients (or jacobians); use persistent=True")
        self._used = True
        targets = nest.flatten(target)
        flat_sources = nest.flatten(sources)
        for src in flat_sources:
            if not isinstance(src, Tensor):
                raise ValueError(f"GradientTape.gradient: sources must be tensors or variables, "
                                 f"got {type(src).__name__}")
        seeds = None if output_gradients is None else nest.flatten(output_gradients)
        if seeds is not None and len(seeds) != len(targets):
            raise ValueError(f"output_gradients has {len(seeds)} entries for {len(targets)} "
                             "targets")
        was_recording, self._recording = self._recording, False
        try:
            grads = self._backward(targets, flat_sources, seeds)
        finally:
            self._recording = was_recording
            if not self._persistent:
                self._entries = []
                self._watched = {}
        result = []
        for src in flat_sources:
            g = grads.get(id(src))
            if g is None and unconnected_gradients == "zero":
                g = m.zeros_like(src)
            result.append(g)
        return nest.pack_sequence_as(sources, result)

    def _backward(self, targets, sources, seeds):
        reach = {id(src) for src in sources}
        path = []
        for entry in self._entries:
            if any(id(t) in reach for t in entry[1]):
                path.append(entry)
                reach.update(id(t) for t in entry[3])
        grads = {}
        for i, t in enumerate(targets):
            if not isinstance(t, Tensor) or not t.dtype.is_floating:
                continue
            if seeds is None or seeds[i] is None:
                seed = m.ones_like(t)
            else:
                seed = m.cast(m.tensor(seeds[i]), t.dtype)
            _accumulate(grads, t, seed)
        keep = {id(src) for src in sources}
        for op, inputs, attrs, outputs in reversed(path):
            gys = [grads.get(id(y)) for y in outputs]
            if all(g is None for g in gys):
                continue
            if not self._persistent:
                for y in outputs:
                    if id(y) not in keep:
                        grads.pop(id(y), None)
            if op.grad is None:  # not differentiable (argmax, one_hot, //): no gradient, as TF
                continue
            if op.n_out == 1:
                gxs = op.grad(gys[0], outputs[0], *inputs, **attrs)
            else:
                gys = tuple(m.zeros_like(y) if g is None else g for g, y in zip(gys, outputs))
                gxs = op.grad(gys, outputs, *inputs, **attrs)
            for x, gx in zip(inputs, gxs):
                if gx is not None and id(x) in reach and x.dtype.is_floating:
                    _accumulate(grads, x, gx)
        return grads

    def jacobian(self, target, sources, unconnected_gradients="none",
                 parallel_iterations=None, experimental_use_pfor=True):
        """Returns d(target)/d(source) for each source, shaped target.shape + source.shape."""
        target = m.tensor(target)
        size = int(target.shape.num_elements())
        flat_sources = nest.flatten(sources)
        persistent, self._persistent = self._persistent, True
        try:
            rows = []
            for i in range(size):
                seed = reshape(one_hot(i, size, dtype=target.dtype), target.shape)
                rows.append(nest.flatten(self.gradient(target, flat_sources, seed,
                                                       unconnected_gradients)))
        finally:
            self._persistent = persistent
        result = []
        for j, src in enumerate(flat_sources):
            column = [row[j] for row in rows]
            if all(g is None for g in column):
                result.append(None)
                continue
            column = [m.zeros_like(src) if g is None else g for g in column]
            stacked = stack(column) if column else zeros((0,) + tuple(src.shape), src.dtype)
            result.append(reshape(stacked, tuple(target.shape) + tuple(src.shape)))
        return nest.pack_sequence_as(sources, result)

    def batch_jacobian(self, target, source, unconnected_gradients="none",
                       parallel_iterations=None, experimental_use_pfor=True):
        """Per-example jacobian: shape (batch,) + target.shape[1:] + source.shape[1:].

        Assumes example i of ``target`` depends only on example i of ``source``.
        """
        target, batch = m.tensor(target), target.shape[0]
        if source.shape[0] != batch:
            raise InvalidArgumentError(f"batch_jacobian: target batch {batch} differs from "
                                       f"source batch {source.shape[0]}")
        inner = tuple(target.shape[1:])
        n = 1
        for d in inner:
            n *= d
        persistent, self._persistent = self._persistent, True
        try:
            rows = []
            for i in range(n):
                one = reshape(one_hot(i, n, dtype=target.dtype), (1,) + inner)
                seed = broadcast_to(one, target.shape)
                g = self.gradient(target, source, seed, unconnected_gradients)
                rows.append(m.zeros_like(source) if g is None else g)
        finally:
            self._persistent = persistent
        stacked = stack(rows, axis=1)  # (batch, n, *source.shape[1:])
        return reshape(stacked, (batch,) + inner + tuple(source.shape[1:]))


def _accumulate(grads, x, g):
    key = id(x)
    previous = grads.get(key)
    grads[key] = g if previous is None else m.add(previous, g)


class _Paused:
    """Context manager that pauses a tape's recording."""

    def __init__(self, tape):
        self._tape = tape

    def __enter__(self):
        self._was, self._tape._recording = self._tape._recording, False
        return self

    def __exit__(self, *exc):
        self._tape._recording = self._was
