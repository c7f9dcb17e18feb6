"""Learning-rate schedules: functions of the step that optimizers call at every update.

Written in neuroflow ops on the step tensor (no Python branching on its value), so they
trace into graphs as they run eagerly.
"""

import math as _math

from ...core.convert import convert_to_tensor
from ...core.ops import math as m
from ...core.tensor import Tensor
from .. import _objects

__all__ = ["LearningRateSchedule", "ExponentialDecay", "PiecewiseConstantDecay",
           "InverseTimeDecay", "CosineDecay", "PolynomialDecay", "serialize", "deserialize"]


def _as(x, dtype):
    if isinstance(x, Tensor):
        return x if x.dtype == dtype else m.cast(x, dtype)
    return convert_to_tensor(x, dtype=dtype)


class LearningRateSchedule:
    """Base class: ``schedule(step)`` returns the learning rate at ``step``.

    Subclasses implement ``__call__(step)`` and ``get_config()``.
    """

    def __call__(self, step):
        raise NotImplementedError(f"{type(self).__name__} must implement __call__")

    def get_config(self):
        raise NotImplementedError(f"{type(self).__name__} must implement get_config")

    @classmethod
    def from_config(cls, config):
        """Builds the schedule from ``get_config()``'s output."""
        return cls(**config)


def _check_steps(decay_steps):
    if decay_steps <= 0:
        raise ValueError(f"Argument `decay_steps` must be > 0. Received: "
                         f"decay_steps={decay_steps}")


class _RateDecay(LearningRateSchedule):
    """What ``ExponentialDecay`` and ``InverseTimeDecay`` share: their arguments and the
    progress ``p = step / decay_steps`` (floored when ``staircase=True``)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase, name):
        _check_steps(decay_steps)
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.decay_rate, self.staircase, self.name = decay_rate, staircase, name

    def _lr_and_progress(self, step):
        """``(initial_learning_rate, p)`` as tensors of the learning rate's dtype."""
        lr = convert_to_tensor(self.initial_learning_rate)
        p = _as(step, lr.dtype) / _as(self.decay_steps, lr.dtype)
        if self.staircase:
            p = m.floor(p)
        return lr, p

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class ExponentialDecay(_RateDecay):
    """Exponential decay of the learning rate.

    Formula:
        lr(step) = initial_learning_rate * decay_rate ** (step / decay_steps)
        (the exponent is floored when ``staircase=True``)

    Example:
        >>> s = nf.keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)
        >>> round(float(s(10)), 6)
        0.05
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="ExponentialDecay"):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step):
        lr, p = self._lr_and_progress(step)
        return lr * m.pow(_as(self.decay_rate, lr.dtype), p)


class PiecewiseConstantDecay(LearningRateSchedule):
    """A constant learning rate on each interval between ``boundaries``.

    Formula:
        lr = values[0] for step <= boundaries[0]; values[i] for
        boundaries[i-1] < step <= boundaries[i]; values[-1] for step > boundaries[-1]

    Example:
        >>> s = nf.keras.optimizers.schedules.PiecewiseConstantDecay([10], [1.0, 0.5])
        >>> float(s(10)), float(s(11))
        (1.0, 0.5)
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError("The length of boundaries should be 1 less than the length of "
                             f"values. Received: boundaries={boundaries} of length "
                             f"{len(boundaries)}, and values={values} of length {len(values)}.")
        self.boundaries, self.values, self.name = boundaries, values, name

    def __call__(self, step):
        step = convert_to_tensor(step)
        values = [convert_to_tensor(v) for v in self.values]
        dtype = values[0].dtype
        bounds = [_as(b, step.dtype) for b in self.boundaries]
        result = m.cast(step <= bounds[0], dtype) * values[0]
        result = result + m.cast(step > bounds[-1], dtype) * values[-1]
        for low, high, value in zip(bounds[:-1], bounds[1:], values[1:-1]):
            inside = m.logical_and(step > low, step <= high)
            result = result + m.cast(inside, dtype) * value
        return result

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class InverseTimeDecay(_RateDecay):
    """Inverse-time decay.

    Formula:
        lr(step) = initial_learning_rate / (1 + decay_rate * step / decay_steps)
        (``step / decay_steps`` floored when ``staircase=True``)
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="InverseTimeDecay"):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step):
        lr, p = self._lr_and_progress(step)
        return lr / (_as(self.decay_rate, lr.dtype) * p + 1)


class CosineDecay(LearningRateSchedule):
    """Cosine decay, with optional linear warmup.

    Formula:
        s = min(step, decay_steps)
        lr = initial_learning_rate * ((1 - alpha) * 0.5 * (1 + cos(pi * s / decay_steps)) + alpha)
        With ``warmup_target``: for step < warmup_steps the rate rises linearly from
        initial_learning_rate to warmup_target, then decays from warmup_target.
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay",
                 warmup_target=None, warmup_steps=0):
        _check_steps(decay_steps)
        self.initial_learning_rate, self.decay_steps, self.alpha = (
            initial_learning_rate, decay_steps, alpha)
        self.name, self.warmup_target, self.warmup_steps = name, warmup_target, warmup_steps

    def _decay(self, step, decay_steps, start, dtype):
        fraction = step / decay_steps
        cosine = (m.cos(fraction * _as(_math.pi, dtype)) + 1.0) * 0.5
        return start * (cosine * (1 - self.alpha) + self.alpha)

    def __call__(self, step):
        lr = convert_to_tensor(self.initial_learning_rate)
        dtype = lr.dtype
        decay_steps = _as(self.decay_steps, dtype)
        step = _as(step, dtype)
        if self.warmup_target is None:
            return self._decay(m.minimum(step, decay_steps), decay_steps, lr, dtype)
        target = _as(self.warmup_target, dtype)
        warmup_steps = _as(self.warmup_steps, dtype)
        step = m.minimum(step, decay_steps + warmup_steps)
        warm = (target - lr) * (step / warmup_steps) + lr
        decayed = self._decay(step - warmup_steps, decay_steps, target, dtype)
        return m.where(step < warmup_steps, warm, decayed)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "alpha": self.alpha, "name": self.name,
                "warmup_target": self.warmup_target, "warmup_steps": self.warmup_steps}


class PolynomialDecay(LearningRateSchedule):
    """Polynomial decay from ``initial_learning_rate`` to ``end_learning_rate``.

    Formula:
        s = min(step, decay_steps)   (with ``cycle``: decay_steps *= ceil(step / decay_steps))
        lr = (initial - end) * (1 - s / decay_steps) ** power + end
    """

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0,
                 cycle=False, name="PolynomialDecay"):
        _check_steps(decay_steps)
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.end_learning_rate, self.power, self.cycle, self.name = (
            end_learning_rate, power, cycle, name)

    def __call__(self, step):
        lr = convert_to_tensor(self.initial_learning_rate)
        dtype = lr.dtype
        end, power = _as(self.end_learning_rate, dtype), _as(self.power, dtype)
        step, decay_steps = _as(step, dtype), _as(self.decay_steps, dtype)
        if self.cycle:
            multiplier = m.where(m.equal(step, 0), m.ones_like(step), m.ceil(step / decay_steps))
            decay_steps = decay_steps * multiplier
        else:
            step = m.minimum(step, decay_steps)
        return (lr - end) * m.pow(1 - step / decay_steps, power) + end

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "end_learning_rate": self.end_learning_rate,
                "power": self.power, "cycle": self.cycle, "name": self.name}


_OBJECTS = {cls.__name__: cls for cls in (ExponentialDecay, PiecewiseConstantDecay,
                                          InverseTimeDecay, CosineDecay, PolynomialDecay)}


def serialize(learning_rate_schedule):
    """The schedule as Keras's ``{'module', 'class_name', 'config', 'registered_name'}`` dict."""
    return _objects.serialize(learning_rate_schedule, "keras.optimizers.schedules")


def deserialize(config, custom_objects=None):
    """Builds a schedule from ``serialize``'s output."""
    return _objects.deserialize(config, _OBJECTS, "learning rate schedule", custom_objects)
