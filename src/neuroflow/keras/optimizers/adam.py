"""``Adam`` and ``AdamW``: bias-corrected first and second moment estimates."""

from ...core import registry
from ...core.ops import math as m
from . import fused
from .base import Optimizer, cast

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    """Adam (Kingma & Ba), with the AMSGrad variant.

    Formula (t = iterations + 1):
        alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)
        m = flush(m + (g - m) * (1 - beta_1))
        v = flush(v + (g^2 - v) * (1 - beta_2))
        amsgrad: v_hat = max(v_hat, v), used instead of v
        w = w - flush(m * alpha) / (sqrt(v) + epsilon)
        flush(x): 0 where |x| is below the smallest normal float (a subnormal), else x

    Args:
        learning_rate: float or schedule (default 0.001).
        beta_1: decay of the first moment (default 0.9).
        beta_2: decay of the second moment (default 0.999).
        epsilon: added outside the square root (default 1e-7).
        amsgrad: use AMSGrad (default False).
        **kwargs: the base ``Optimizer`` arguments.

    Example:
        >>> opt = nf.keras.optimizers.Adam(lr=0.001, beta_1=0.9, beta_2=0.999,
        ...                                epsilon=1e-08, decay=0.0)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon, self.amsgrad = beta_1, beta_2, epsilon, amsgrad

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"])
        if self.amsgrad:
            self._velocity_hats = self.add_optimizer_variables(var_list, "velocity_hat")

    def _alpha(self, lr, dtype):
        t = self._local_step(dtype)
        beta_1_power = m.pow(cast(self.beta_1, dtype), t)
        beta_2_power = m.pow(cast(self.beta_2, dtype), t)
        return lr * m.sqrt(1 - beta_2_power) / (1 - beta_1_power)

    def _update_all(self, grads, trainable_variables, learning_rate):
        # In a traced step, one flat update for all variables (same formula, fewer calls).
        if (registry.current_tracer() is not None and type(self) is Adam
                and fused.can_fuse_adam(self, trainable_variables, grads)):
            fused.fused_adam(self, grads, trainable_variables)
            return
        super()._update_all(grads, trainable_variables, learning_rate)

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = cast(learning_rate, dtype)
        alpha = self._cached("alpha", dtype, lambda: self._alpha(lr, dtype))
        i = self._get_variable_index(variable)
        mom, v = self._momentums[i], self._velocities[i]
        # Subnormal moments (weights whose gradient stays 0 decay into them; x86 arithmetic on
        # them is ~100x slower) are flushed to 0, as part of the rule: every path, same numbers.
        mom.assign(m.flush_subnormal(mom + (gradient - mom) * (1 - self.beta_1)))
        v.assign(m.flush_subnormal(v + (m.square(gradient) - v) * (1 - self.beta_2)))
        if self.amsgrad:
            v_hat = self._velocity_hats[i]
            v_hat.assign(m.maximum(v_hat, v))
            v = v_hat
        variable.assign_sub(m.flush_subnormal(mom * alpha) / (m.sqrt(v) + self.epsilon))

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon, "amsgrad": self.amsgrad}


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter).

    Formula:
        w = w - w * weight_decay * lr       (before the step)
        then the Adam step.

    Args:
        learning_rate: default 0.001.
        weight_decay: default 0.004 (must not be None).
        beta_1, beta_2, epsilon, amsgrad: as ``Adam``.
    """

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7, amsgrad=False, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon,
                         amsgrad=amsgrad, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name,
                         **kwargs)
        if self.weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: "
                             "weight_decay=None")
