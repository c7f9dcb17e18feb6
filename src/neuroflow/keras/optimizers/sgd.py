"""``SGD``: gradient descent with optional (Nesterov) momentum."""

from .base import Optimizer, cast

__all__ = ["SGD"]


class SGD(Optimizer):
    """Stochastic gradient descent, with momentum and Nesterov momentum.

    Formula:
        without momentum:  w = w - lr * g
        with momentum:     v = momentum * v - lr * g
                           w = w + v                                (plain)
                           w = w + momentum * v - lr * g            (nesterov=True)

    Args:
        learning_rate: float or schedule (default 0.01). ``lr=`` is accepted too.
        momentum: float in [0, 1] (default 0.0).
        nesterov: use Nesterov momentum (default False).
        **kwargs: the base ``Optimizer`` arguments (clipnorm, weight_decay, decay, ...).

    Example:
        >>> opt = nf.keras.optimizers.SGD(lr=0.1, momentum=0.9, nesterov=True)
        >>> w = nf.Variable(1.0)
        >>> _ = opt.minimize(lambda: w * w, [w])
        >>> round(float(w), 4)
        0.62
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        if not isinstance(momentum, (int, float)) or not 0 <= momentum <= 1:
            raise ValueError("`momentum` must be a float between [0, 1].")
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.momentums = []
        if self.momentum != 0:
            self.momentums = self.add_optimizer_variables(var_list, "momentum")

    def update_step(self, gradient, variable, learning_rate):
        lr = cast(learning_rate, variable.dtype)
        if self.momentum == 0:
            variable.assign_sub(gradient * lr)
            return
        v = self.momentums[self._get_variable_index(variable)]
        v.assign(v * self.momentum - gradient * lr)
        if self.nesterov:
            variable.assign_add(v * self.momentum - gradient * lr)
        else:
            variable.assign_add(v)

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
