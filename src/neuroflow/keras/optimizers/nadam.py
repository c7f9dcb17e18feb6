"""``Nadam``: Adam with Nesterov momentum and Keras's momentum schedule."""

from ...core.ops import math as m
from ...core.variable import Variable
from .base import Optimizer, cast

__all__ = ["Nadam"]


class Nadam(Optimizer):
    """Nadam (Dozat), with the momentum schedule u_t = beta_1 * (1 - 0.5 * 0.96^t).

    Formula (t = iterations + 1):
        u_t = beta_1 * (1 - 0.5 * 0.96^t);  u_{t+1} = beta_1 * (1 - 0.5 * 0.96^(t+1))
        P_t = u_1 * ... * u_t  (a running product kept in a variable);  P_{t+1} = P_t * u_{t+1}
        m = m + (g - m) * (1 - beta_1);  v = v + (g^2 - v) * (1 - beta_2)
        m_hat = u_{t+1} * m / (1 - P_{t+1}) + (1 - u_t) * g / (1 - P_t)
        v_hat = v / (1 - beta_2^t)
        w = w - lr * m_hat / (sqrt(v_hat) + epsilon)

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
        var_list = list(var_list)
        dtype = var_list[0].dtype if var_list else "float32"
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"])
        self._u_product = self._track(Variable(1.0, dtype=dtype, trainable=False,
                                               name="u_product"))

    def _update_all(self, grads, trainable_variables, learning_rate):
        dtype = self._u_product.dtype
        t = m.cast(self._iterations + 1, dtype)
        self._u_product.assign(self._u_product * self.beta_1 * (
            1.0 - m.pow(cast(0.96, dtype), t) * 0.5))
        super()._update_all(grads, trainable_variables, learning_rate)

    def _constants(self, dtype):
        decay, beta_1 = cast(0.96, dtype), cast(self.beta_1, dtype)
        u_t = beta_1 * (1.0 - m.pow(decay, self._local_step(dtype)) * 0.5)
        u_t_1 = beta_1 * (1.0 - m.pow(decay, self._local_step(dtype, 2)) * 0.5)
        u_product_t = cast(self._u_product.value(), dtype)
        u_product_t_1 = u_product_t * u_t_1
        beta_2_power = m.pow(cast(self.beta_2, dtype), self._local_step(dtype))
        return u_t, u_t_1, u_product_t, u_product_t_1, beta_2_power

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = cast(learning_rate, dtype)
        u_t, u_t_1, u_product_t, u_product_t_1, beta_2_power = self._cached(
            "nadam", dtype, lambda: self._constants(dtype))
        beta_1, beta_2 = cast(self.beta_1, dtype), cast(self.beta_2, dtype)
        i = self._get_variable_index(variable)
        mom, v = self._momentums[i], self._velocities[i]
        mom.assign_add((gradient - mom) * (1 - beta_1))
        v.assign_add((m.square(gradient) - v) * (1 - beta_2))
        m_hat = (u_t_1 * mom) / (1 - u_product_t_1) + ((1 - u_t) * gradient) / (1 - u_product_t)
        v_hat = v / (1 - beta_2_power)
        variable.assign_sub((m_hat * lr) / (m.sqrt(v_hat) + self.epsilon))

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}
