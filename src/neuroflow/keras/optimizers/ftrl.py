"""``Ftrl``: Follow The Regularized Leader (McMahan et al.), for large sparse models."""

from ...core.ops import math as m
from .base import Optimizer, cast

__all__ = ["Ftrl"]


class Ftrl(Optimizer):
    """FTRL-Proximal with L1, L2 and L2-shrinkage regularization.

    Formula (p = -learning_rate_power, l2 = l2_regularization_strength + beta / (2 lr)):
        g' = g + 2 * l2_shrinkage_regularization_strength * w
        n' = n + g^2
        z  = z + g' - (n'^p - n^p) / lr * w
        w  = (clip(z, -l1, l1) - z) / (n'^p / lr + 2 * l2)
        n  = n'

    Args:
        learning_rate: default 0.001.
        learning_rate_power: <= 0 (default -0.5).
        initial_accumulator_value: >= 0 (default 0.1).
        l1_regularization_strength, l2_regularization_strength,
        l2_shrinkage_regularization_strength: >= 0 (default 0.0).
        beta: default 0.0.
        **kwargs: the base ``Optimizer`` arguments.
    """

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5,
                 initial_accumulator_value=0.1, l1_regularization_strength=0.0,
                 l2_regularization_strength=0.0, l2_shrinkage_regularization_strength=0.0,
                 beta=0.0, **kwargs):
        super().__init__(learning_rate, **kwargs)
        checks = {"initial_accumulator_value": initial_accumulator_value,
                  "l1_regularization_strength": l1_regularization_strength,
                  "l2_regularization_strength": l2_regularization_strength,
                  "l2_shrinkage_regularization_strength": l2_shrinkage_regularization_strength}
        for arg, value in checks.items():
            if value < 0.0:
                raise ValueError(f"`{arg}` needs to be positive or zero. Received: "
                                 f"{arg}={value}.")
        if learning_rate_power > 0.0:
            raise ValueError("`learning_rate_power` needs to be negative or zero. Received: "
                             f"learning_rate_power={learning_rate_power}.")
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulators, self._linears = self.add_optimizer_variables(
            var_list, ["accumulator", "linear"],
            initializer=[float(self.initial_accumulator_value), "zeros"])

    def update_step(self, gradient, variable, learning_rate):
        lr = cast(learning_rate, variable.dtype)
        i = self._get_variable_index(variable)
        accum, linear = self._accumulators[i], self._linears[i]
        power = -self.learning_rate_power
        l2 = self.beta / (lr * 2.0) + self.l2_regularization_strength
        grad_to_use = gradient + variable * (2 * self.l2_shrinkage_regularization_strength)
        new_accum = accum + m.square(gradient)
        new_power = m.pow(new_accum, power)
        linear.assign_add(grad_to_use - ((new_power - m.pow(accum, power)) / lr) * variable)
        quadratic = new_power / lr + l2 * 2
        l1 = self.l1_regularization_strength
        clipped = m.clip_by_value(linear, -l1, l1)
        variable.assign((clipped - linear) / quadratic)
        accum.assign(new_accum)

    def get_config(self):
        return {**super().get_config(), "learning_rate_power": self.learning_rate_power,
                "initial_accumulator_value": self.initial_accumulator_value,
                "l1_regularization_strength": self.l1_regularization_strength,
                "l2_regularization_strength": self.l2_regularization_strength,
                "l2_shrinkage_regularization_strength":
                    self.l2_shrinkage_regularization_strength,
                "beta": self.beta}
