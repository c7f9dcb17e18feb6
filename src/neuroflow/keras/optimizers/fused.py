"""One fused Adam update over all parameters, held in flat buffers, for traced train steps.

A traced step that updates each variable with ~12 NumPy calls pays Python per variable;
here the whole model is a handful of calls on three flat arrays (parameters, first and
second moments), whatever the number of layers. Variables keep working as usual: their
values are views into the flat buffers, re-packed whenever something else assigned them,
and a buffer anyone else can still see is never written in place (copy on write).
"""

import numpy as np

from ...backend import jit, parallel
from ...core.registry import bind, defop
from ...core.shape import TensorShape


class FlatGroup:
    """Variables whose values live as views in one flat float32 buffer the group owns.

    The buffer is written in place only while every variable still owns its view (nothing
    outside the library was handed it: ``Variable._owned``, a flag the library keeps) and
    still holds it (no assign replaced it). Otherwise the current values are copied into a
    new buffer first (copy on write), so no array anyone holds ever changes under them.
    """

    def __init__(self, variables):
        self.variables = list(variables)
        self.shapes = [tuple(v.shape) for v in self.variables]
        sizes = [int(np.prod(s, dtype=np.int64)) for s in self.shapes]
        self.bounds = list(zip(np.cumsum([0] + sizes[:-1]).tolist(), np.cumsum(sizes).tolist()))
        self.views = [None] * len(self.variables)
        self.flat = self._gather(np.empty(sum(sizes), np.float32))
        self._rebind()

    def _gather(self, flat):
        """``flat`` filled with the variables' current values (they are not touched: a failed
        copy leaves every weight as it was)."""
        for (a, b), v in zip(self.bounds, self.variables):
            flat[a:b] = v._peek().reshape(-1)
        return flat

    def _rebind(self):
        self.views = [self.flat[a:b].reshape(s) for (a, b), s in zip(self.bounds, self.shapes)]
        for v, view in zip(self.variables, self.views):
            v._own(view)

    def writable(self):
        """The flat buffer holding the variables' current values, safe to update in place."""
        if not all(v._owned and v._peek() is view for v, view in zip(self.variables,
                                                                      self.views)):
            self.flat = self._gather(np.empty_like(self.flat))
            self._rebind()
        return self.flat


class AdamPlan:
    """What the fused op needs at run time: the optimizer and the flat groups."""

    def __init__(self, optimizer, variables):
        self.optimizer = optimizer
        index = [optimizer._get_variable_index(v) for v in variables]
        self.params = FlatGroup(variables)
        self.moments = FlatGroup([optimizer._momentums[i] for i in index])
        self.velocities = FlatGroup([optimizer._velocities[i] for i in index])
        n = self.params.flat.size
        self.grad, self.tmp, self.tmp2 = (np.empty(n, np.float32) for _ in range(3))

    def learning_rate(self):
        """This step's learning rate as a Python float (legacy ``decay`` applied)."""
        opt = self.optimizer
        lr = float(opt._learning_rate._peek())
        if opt.decay:
            lr = float(np.float32(lr) / (np.float32(opt._iterations._peek()) *
                                        np.float32(opt.decay) + np.float32(1.0)))
        return lr


# In place: with separate output arguments LLVM must assume they may alias the inputs and
# falls back to a scalar loop (7x slower). Moments of weights whose gradient stays 0 (dead
# units, blank pixels) decay geometrically into subnormal numbers, where x86 arithmetic is
# ~100x slower; like TF on the CPU (flush-to-zero), they are flushed to 0.
@jit.kernel()
def _adam_loop(p, g, m, v, alpha, c1, c2, eps):
    """Adam as one pass of a Numba loop (7x fewer memory passes than NumPy). IEEE arithmetic
    (no fastmath), so results are bit-equal to the NumPy path."""
    tiny = np.float32(1.1754944e-38)   # the smallest normal float32
    zero = np.float32(0)
    for i in range(p.shape[0]):
        gi = g[i]
        mi = m[i] + (gi - m[i]) * c1
        vi = v[i] + (gi * gi - v[i]) * c2
        mi = zero if abs(mi) < tiny else mi
        vi = zero if vi < tiny else vi
        m[i] = mi
        v[i] = vi
        step = mi * alpha
        step = zero if abs(step) < tiny else step
        p[i] = p[i] - step / (np.sqrt(vi) + eps)


def _fused_adam_forward(xp, *grads, plan):
    opt, one = plan.optimizer, np.float32(1)
    # float32 scalar arithmetic in the order of Adam.update_step, so results are bit-equal.
    t = np.float32(opt._iterations._peek() + 1)   # read before this step's increment
    alpha = np.float32(plan.learning_rate()) * np.sqrt(
        one - np.power(np.float32(opt.beta_2), t)) / (one - np.power(np.float32(opt.beta_1), t))
    g, tmp, tmp2 = plan.grad, plan.tmp, plan.tmp2
    np.concatenate([x.reshape(-1) for x in grads], out=g)
    m, v, p = plan.moments.writable(), plan.velocities.writable(), plan.params.writable()
    c1, c2, eps = np.float32(1 - opt.beta_1), np.float32(1 - opt.beta_2), np.float32(opt.epsilon)
    kernel = _adam_loop.get(np, g)
    if kernel is not None:
        # Elementwise: large models update slices of the buffers on all cores at once.
        parallel.split(lambda a, b: kernel(p[a:b], g[a:b], m[a:b], v[a:b], alpha, c1, c2, eps),
                       g.shape[0], min_rows=parallel.rows_per_slice(8))   # ~8 ops per element
    else:
        _numpy_adam(g, m, v, p, alpha, c1, c2, eps, tmp, tmp2)
    return ()


def _numpy_adam(g, m, v, p, alpha, c1, c2, eps, tmp, tmp2):
    """The same update as ``_adam_loop``, in NumPy calls, in place."""
    np.subtract(g, m, out=tmp)                     # m += (g - m) * (1 - beta_1)
    tmp *= c1
    m += tmp
    flush_subnormal(m)
    np.multiply(g, g, out=tmp)                     # v += (g^2 - v) * (1 - beta_2)
    tmp -= v
    tmp *= c2
    v += tmp
    flush_subnormal(v)
    np.sqrt(v, out=tmp2)                           # w -= (m * alpha) / (sqrt(v) + epsilon)
    tmp2 += eps
    np.multiply(m, alpha, out=tmp)
    flush_subnormal(tmp)
    tmp /= tmp2
    p -= tmp


def flush_subnormal(x):
    """Sets ``x``'s subnormal elements to +0 in place (what ``ops.math.flush_subnormal`` and
    ``_adam_loop`` compute)."""
    np.copyto(x, np.float32(0), where=np.abs(x) < np.finfo(x.dtype).tiny)


FUSED_ADAM = defop("fused_adam", _fused_adam_forward, n_out=0, stateful=True,
                   shape=lambda *shapes, plan: (), dtype=lambda *dtypes, plan: ())


def can_fuse_adam(optimizer, variables, grads):
    """True when the flat update computes exactly what Adam's per-variable steps would."""
    return (not optimizer.amsgrad and optimizer.weight_decay is None
            and optimizer.clipnorm is None and optimizer.clipvalue is None
            and optimizer.global_clipnorm is None and not optimizer.use_ema
            and not optimizer.gradient_accumulation_steps
            and getattr(optimizer._learning_rate, "_is_variable", False)
            and all(v.dtype.name == "float32" and v.shape.is_fully_defined() for v in variables)
            and all(g.dtype.name == "float32" for g in grads)
            and all(TensorShape(g.shape).is_compatible_with(v.shape)
                    for g, v in zip(grads, variables)))


def fused_adam(optimizer, grads, variables):
    """Binds one fused update of ``variables`` from ``grads`` (traced as a side-effect node)."""
    key = tuple(id(v) for v in variables)
    plans = optimizer.__dict__.setdefault("_nf_fused_plans", {})
    plan = plans.get(key)
    if plan is None:
        plan = plans[key] = AdamPlan(optimizer, variables)
    bind(FUSED_ADAM, tuple(grads), {"plan": plan})
