"""``Lion``: sign-based updates from interpolated momentum (Chen et al., 2023)."""

from ...core.ops import math as m
from .base import Optimizer, cast

__all__ = ["Lion"]


class Lion(Optimizer):
    """Lion (EvoLved Sign Momentum).

    Formula:
        w = w - lr * sign(beta_1 * m + (1 - beta_1) * g)
        m = beta_2 * m + (1 - beta_2) * g

    Args:
        learning_rate: default 0.001; beta_1 0.9 (in (0, 1]); beta_2 0.99.
        **kwargs: the base ``Optimizer`` arguments.
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, **kwargs):
        super().__init__(learning_rate, **kwargs)
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError("Argument `beta_1` must be in the [0, 1] range. Otherwise, the "
                             f"optimizer degenerates to SignSGD. Received: beta_1={beta_1}.")
        self.beta_1, self.beta_2 = beta_1, beta_2

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums = self.add_optimizer_variables(var_list, "momentum")

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = cast(learning_rate, dtype)
        beta_1, beta_2 = cast(self.beta_1, dtype), cast(self.beta_2, dtype)
        mom = self._momentums[self._get_variable_index(variable)]
        variable.assign_sub(lr * m.sign(mom * beta_1 + gradient * (1.0 - beta_1)))
        mom.assign(mom * beta_2 + gradient * (1.0 - beta_2))

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}
