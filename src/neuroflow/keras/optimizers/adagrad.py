"""``Adagrad``: per-coordinate learning rates from the sum of squared gradients."""

from ...core.ops import math as m
from .base import Optimizer, cast

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Adagrad: steps shrink for coordinates that have seen large gradients.

    Formula:
        a = a + g^2                      (a starts at initial_accumulator_value)
        w = w - lr * g / sqrt(a + epsilon)

    Args:
        learning_rate: float or schedule (default 0.001).
        initial_accumulator_value: starting value of the accumulators (default 0.1).
        epsilon: small constant inside the square root (default 1e-7).
        **kwargs: the base ``Optimizer`` arguments.

    Example:
        >>> opt = nf.keras.optimizers.Adagrad(lr=0.01, epsilon=1e-6)
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulators = self.add_optimizer_variables(
            var_list, "accumulator", initializer=float(self.initial_accumulator_value))

    def update_step(self, gradient, variable, learning_rate):
        lr = cast(learning_rate, variable.dtype)
        a = self._accumulators[self._get_variable_index(variable)]
        a.assign_add(m.square(gradient))
        variable.assign_sub((lr * gradient) / m.sqrt(a + self.epsilon))

    def get_config(self):
        return {**super().get_config(),
                "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}
