"""``RMSprop``: steps scaled by a moving average of squared gradients."""

from ...core.ops import math as m
from .base import Optimizer, cast

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """RMSprop, optionally centered and with momentum.

    Formula:
        v = rho * v + (1 - rho) * g^2
        centered:  mg = rho * mg + (1 - rho) * g;   d = v - mg^2 + epsilon
        else:      d = v + epsilon
        step = lr * g / sqrt(d)
        momentum > 0:  mom = momentum * mom + step;  w = w - mom
        else:          w = w - step

    Args:
        learning_rate: float or schedule (default 0.001).
        rho: discount of the moving average (default 0.9).
        momentum: default 0.0.
        epsilon: default 1e-7.
        centered: normalize by the estimated variance instead of the second moment.
        **kwargs: the base ``Optimizer`` arguments.

    Example:
        >>> opt = nf.keras.optimizers.RMSprop(lr=0.001, rho=0.9, epsilon=1e-08, decay=0.0)
    """

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False,
                 **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.rho, self.momentum, self.epsilon, self.centered = rho, momentum, epsilon, centered

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._velocities = self.add_optimizer_variables(var_list, "velocity")
        self._momentums = []
        if self.momentum > 0:
            self._momentums = self.add_optimizer_variables(var_list, "momentum")
        self._average_gradients = []
        if self.centered:
            self._average_gradients = self.add_optimizer_variables(var_list, "average_gradient")

    def update_step(self, gradient, variable, learning_rate):
        lr = cast(learning_rate, variable.dtype)
        i = self._get_variable_index(variable)
        rho = self.rho
        v = self._velocities[i]
        v.assign(v * rho + m.square(gradient) * (1 - rho))
        if self.centered:
            mg = self._average_gradients[i]
            mg.assign(mg * rho + gradient * (1 - rho))
            denominator = v - m.square(mg) + self.epsilon
        else:
            denominator = v + self.epsilon
        increment = (lr * gradient) / m.sqrt(denominator)
        if self.momentum > 0:
            mom = self._momentums[i]
            mom.assign(mom * self.momentum + increment)
            variable.assign_sub(mom)
        else:
            variable.assign_sub(increment)

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum,
                "epsilon": self.epsilon, "centered": self.centered}
