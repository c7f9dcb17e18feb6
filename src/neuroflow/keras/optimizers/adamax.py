"""``Adamax``: Adam with the infinity norm in place of the second moment."""

from ...core.ops import math as m
from .base import Optimizer, cast

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """Adamax, the infinity-norm variant of Adam.

    Formula (t = iterations + 1):
        m = m + (g - m) * (1 - beta_1)
        u = max(beta_2 * u, |g|)
        w = w - lr * m / ((1 - beta_1^t) * (u + epsilon))

    Args:
        learning_rate: default 0.001; beta_1 0.9; beta_2 0.999; epsilon 1e-7.
        **kwargs: the base ``Optimizer`` arguments.
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._m, self._u = self.add_optimizer_variables(var_list, ["momentum", "norm"])

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = cast(learning_rate, dtype)
        correction = self._cached("correction", dtype, lambda: 1 - m.pow(
            cast(self.beta_1, dtype), self._local_step(dtype)))
        i = self._get_variable_index(variable)
        mom, u = self._m[i], self._u[i]
        mom.assign_add((gradient - mom) * (1 - self.beta_1))
        u.assign(m.maximum(u * self.beta_2, m.abs(gradient)))
        variable.assign_sub((lr * mom) / (correction * (u + self.epsilon)))

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}
