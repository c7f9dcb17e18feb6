"""``Adadelta``: steps scaled by the ratio of running RMS of updates and of gradients."""

from ...core.ops import math as m
from .base import Optimizer, cast

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """Adadelta (Zeiler).

    Formula:
        rms(x) = sqrt(x + epsilon)
        Eg  = rho * Eg + (1 - rho) * g^2
        d   = -rms(Ed) * g / rms(Eg)
        Ed  = rho * Ed + (1 - rho) * d^2
        w   = w + lr * d

    Args:
        learning_rate: default 0.001; rho 0.95; epsilon 1e-7.
        **kwargs: the base ``Optimizer`` arguments.
    """

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.rho, self.epsilon = rho, epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulated_grads, self._accumulated_delta_vars = self.add_optimizer_variables(
            var_list, ["accumulated_grad", "accumulated_delta_var"])

    def update_step(self, gradient, variable, learning_rate):
        lr = cast(learning_rate, variable.dtype)
        rho, epsilon = self.rho, self.epsilon
        i = self._get_variable_index(variable)
        eg, ed = self._accumulated_grads[i], self._accumulated_delta_vars[i]
        eg.assign(eg * rho + m.square(gradient) * (1 - rho))
        delta = m.negative((m.sqrt(ed + epsilon) * gradient) / m.sqrt(eg + epsilon))
        ed.assign(ed * rho + m.square(delta) * (1 - rho))
        variable.assign_add(lr * delta)

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
