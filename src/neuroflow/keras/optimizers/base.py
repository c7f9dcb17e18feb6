"""``Optimizer``: the base class; a subclass writes only ``build`` and ``update_step``.

Everything shared lives here: the ``iterations`` counter and learning-rate variable, slot
variables, gradient clipping, weight decay, the legacy ``lr=``/``decay=`` spellings, EMA,
gradient accumulation and state save/restore. Updates are written in neuroflow ops on
variables (``assign_sub``), so they run eagerly and trace into graphs alike.
"""

import itertools
import re
import warnings

from ...core.convert import convert_to_tensor
from ...core.ops import math as m
from ...core.ops import reduce as r
from ...core.ops.shape import stack
from ...core.ops.creation import ones, zeros
from ...core.tape import GradientTape
from ...core.tensor import Tensor
from ...core.variable import Variable
from ...distribute import get_replica_context
from .. import _objects
from .. import backend as _kbackend
from . import schedules as _schedules

__all__ = ["Optimizer"]



def _auto_name(class_name):
    """``'adam'``, then ``'adam_1'``, ... on Keras's session counters (``clear_session``)."""
    return _kbackend.unique_name(_kbackend.to_snake_case(class_name))


def cast(x, dtype):
    """``x`` as a tensor of ``dtype`` (no op when it already is one)."""
    if isinstance(x, Tensor):
        return x if x.dtype == dtype else m.cast(x, dtype)
    return convert_to_tensor(x, dtype=dtype)


class Optimizer:
    """Base class of Keras optimizers.

    Args:
        learning_rate: float, a ``LearningRateSchedule``, or a zero-argument callable.
        weight_decay: if set, decoupled weight decay ``w -= w * weight_decay * lr`` before
            each step.
        clipnorm: clip each gradient to this L2 norm.
        clipvalue: clip each gradient elementwise to ``[-clipvalue, clipvalue]``.
        global_clipnorm: clip all gradients together to this global L2 norm.
        use_ema: keep an exponential moving average of the weights (``ema_momentum``),
            copied into them every ``ema_overwrite_frequency`` steps and by
            ``finalize_variable_values``.
        loss_scale_factor: ``scale_loss`` multiplies the loss by it; gradients are divided.
        gradient_accumulation_steps: update only every this many steps, with the mean of the
            accumulated gradients.
        name: name of the optimizer (default: from the class, ``'adam'``).
        lr: Keras 2's spelling of ``learning_rate`` (the lecture's ``SGD(lr=0.1)``).
        decay: Keras 2's time-based decay: ``lr_t = lr / (1 + decay * iterations)``.

    Example:
        >>> w = nf.Variable([1.0, 2.0])
        >>> opt = nf.keras.optimizers.SGD(learning_rate=0.1)
        >>> _ = opt.apply_gradients([(nf.constant([1.0, 1.0]), w)])
        >>> w.numpy()
        array([0.9, 1.9], dtype=float32)
    """

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        if "lr" in kwargs:     # Keras 2's spelling, used by the lecture
            learning_rate = kwargs.pop("lr")
        self.decay = float(kwargs.pop("decay", 0.0) or 0.0)
        if self.decay < 0:
            raise ValueError(f"Argument `decay` must be >= 0. Received: decay={self.decay}")
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError("Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be "
                             f"set. Received: clipnorm={clipnorm}, clipvalue={clipvalue}, "
                             f"global_clipnorm={global_clipnorm}")
        if gradient_accumulation_steps and gradient_accumulation_steps < 2:
            raise ValueError("`gradient_accumulation_steps` must be an integer >= 2. Received: "
                             f"gradient_accumulation_steps={gradient_accumulation_steps}")
        if use_ema and not 0 <= ema_momentum <= 1:
            raise ValueError(f"`ema_momentum` must be in the range [0, 1]. Received: "
                             f"ema_momentum={ema_momentum}")
        self.name = name or _auto_name(type(self).__name__)
        self.weight_decay = weight_decay
        self.clipnorm, self.clipvalue, self.global_clipnorm = clipnorm, clipvalue, global_clipnorm
        self.use_ema, self.ema_momentum = use_ema, ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.built = False
        self._variables = []
        self._trainable_variables = []
        self._index = {}            # id(model variable) -> position in _trainable_variables
        self._step_cache = {}       # per-apply constants, keyed by (name, dtype)
        self._exclude_ids, self._exclude_pattern = set(), None
        self._iterations = self._track(Variable(0, dtype="int64", trainable=False,
                                                name="iteration"))
        self._learning_rate = self._make_learning_rate(learning_rate)

    # -- learning rate ---------------------------------------------------------------------
    def _make_learning_rate(self, learning_rate):
        if isinstance(learning_rate, _schedules.LearningRateSchedule) or callable(learning_rate):
            return learning_rate
        try:
            value = float(learning_rate)
        except (TypeError, ValueError):
            raise ValueError("Argument `learning_rate` should be float, or an instance of "
                             "LearningRateSchedule, or a callable (that takes in the current "
                             "iteration value and returns the corresponding learning rate "
                             f"value). Received instead: learning_rate={learning_rate}") from None
        return self._track(Variable(value, dtype="float32", trainable=False,
                                    name="learning_rate"))

    @property
    def learning_rate(self):
        """The current learning rate: the variable, or the schedule's value at this step."""
        lr = self._learning_rate
        if isinstance(lr, Variable):
            return lr
        if isinstance(lr, _schedules.LearningRateSchedule):
            return lr(self._iterations)
        return lr()

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        old = self._learning_rate
        if isinstance(learning_rate, _schedules.LearningRateSchedule) or callable(learning_rate):
            self._learning_rate = learning_rate
            if isinstance(old, Variable):
                self._variables.remove(old)
            return
        if isinstance(old, Variable):
            old.assign(float(learning_rate))
        elif isinstance(old, _schedules.LearningRateSchedule):
            raise TypeError("This optimizer was created with a `LearningRateSchedule` object as "
                            "its `learning_rate` constructor argument, hence its learning rate "
                            "is not settable. If you need the learning rate to be settable, "
                            "you should instantiate the optimizer with a float "
                            "`learning_rate` argument.")
        else:
            self._learning_rate = self._make_learning_rate(learning_rate)

    lr = learning_rate

    def _current_learning_rate(self):
        """The learning rate for this step, with Keras 2's ``decay`` applied."""
        lr = self.learning_rate
        if self.decay:
            lr = cast(lr, "float32")
            lr = lr / (m.cast(self._iterations, "float32") * self.decay + 1.0)
        return lr

    @property
    def iterations(self):
        """Number of update steps taken (an int64 variable)."""
        if self.gradient_accumulation_steps:
            return m.floordiv(self._iterations, self.gradient_accumulation_steps)
        return self._iterations

    # -- variables -------------------------------------------------------------------------
    def _track(self, variable):
        self._variables.append(variable)
        return variable

    @property
    def variables(self):
        """All optimizer state, in a stable order: iteration, learning rate, then slots."""
        return self._variables[:]

    def build(self, var_list):
        """Creates the slot variables for ``var_list``; subclasses add theirs after super()."""
        var_list = list(var_list)
        if self.use_ema:
            self._averages = self.add_optimizer_variables(var_list, "average")
        if self.gradient_accumulation_steps:
            self._accumulated = self.add_optimizer_variables(var_list, "gradient_accumulator")
        self._index = {id(v): i for i, v in enumerate(var_list)}
        self._trainable_variables = var_list
        self.built = True

    def add_variable(self, shape, initializer="zeros", dtype=None, name=None, **unused):
        """Adds a non-trainable state variable of ``shape`` filled by ``initializer``."""
        dtype = dtype or "float32"
        if isinstance(initializer, (int, float)):
            value = ones(shape, dtype) * initializer
        elif initializer == "zeros" or initializer is None:
            value = zeros(shape, dtype)
        elif initializer == "ones":
            value = ones(shape, dtype)
        else:
            value = initializer(shape, dtype=dtype)
        return self._track(Variable(value, trainable=False, name=name, dtype=dtype))

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """A slot shaped like ``reference_variable``, named ``'<its name>_<name>'``."""
        ref = getattr(reference_variable, "path", None) or getattr(
            reference_variable, "_name", None) or "variable"
        name = f"{str(ref).replace('/', '_').replace(':', '_')}_{name or 'var'}"
        return self.add_variable(tuple(reference_variable.shape), initializer,
                                 reference_variable.dtype, name)

    def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
        """One slot per variable for each name in ``name`` (interleaved, as Keras orders them).

        Returns a list (one name) or a tuple of lists (several names).
        """
        names = [name] if isinstance(name, str) else list(name)
        inits = initializer if isinstance(initializer, (list, tuple)) else [initializer] * len(
            names)
        slots = tuple([] for _ in names)
        for variable in trainable_variables:
            for i, (slot_name, init) in enumerate(zip(names, inits)):
                slots[i].append(self.add_variable_from_reference(variable, slot_name, init))
        return slots[0] if isinstance(name, str) else slots

    def _get_variable_index(self, variable):
        return self._index[id(variable)]

    def set_weights(self, weights):
        """Sets every optimizer variable, in ``variables`` order, from arrays."""
        if not self.built:
            raise ValueError("You are calling `set_weights()` on an optimizer that has not yet "
                             "been built. Please call `optimizer.build(trainable_variables)` "
                             "to create the optimizer weights before calling `set_weights()`.")
        for variable, weight in zip(self._variables, weights):
            if tuple(variable.shape) != tuple(getattr(weight, "shape", ())):
                raise ValueError(f"Optimizer variable {variable.name} has shape "
                                 f"{variable.shape} not compatible with provided weight shape "
                                 f"{getattr(weight, 'shape', ())}.")
            variable.assign(convert_to_tensor(weight, dtype=variable.dtype)
                            if not isinstance(weight, Tensor) else cast(weight, variable.dtype))

    def get_weights(self):
        """The optimizer variables' values as NumPy arrays, in ``variables`` order."""
        return [v.numpy() for v in self._variables]

    def save_own_variables(self, store):
        """Writes the state into ``store`` as ``{'0': array, '1': ...}``."""
        for i, variable in enumerate(self._variables):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store):
        """Restores the state written by ``save_own_variables``."""
        if len(store.keys()) != len(self._variables):
            warnings.warn(f"Skipping variable loading for optimizer '{self.name}', because it "
                          f"has {len(self._variables)} variables whereas the saved optimizer "
                          f"has {len(store.keys())} variables.", stacklevel=2)
            return
        for i, variable in enumerate(self._variables):
            variable.assign(convert_to_tensor(store[str(i)], dtype=variable.dtype))

    # -- applying gradients ----------------------------------------------------------------
    def update_step(self, gradient, variable, learning_rate):
        """Updates ``variable`` (and its slots) from ``gradient``; subclasses implement it."""
        raise NotImplementedError(f"{type(self).__name__} must implement update_step")

    def apply_gradients(self, grads_and_vars):
        """Applies ``(gradient, variable)`` pairs; None gradients are skipped.

        Returns:
            The ``iterations`` variable (as tf.keras does).
        """
        pairs = list(grads_and_vars)
        if not pairs:
            return self._iterations
        grads, variables = zip(*pairs)
        self.apply(grads, variables)
        return self._iterations

    def apply(self, grads, trainable_variables=None):
        """Applies ``grads`` to ``trainable_variables`` (default: those built with)."""
        grads = list(grads)
        if not grads:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError("When passing `grads` without `variables`, the optimizer must "
                                 "already be built on a list of variables. Call "
                                 "`optimizer.build(trainable_variables)` first.")
            if len(grads) != len(self._trainable_variables):
                raise ValueError(f"Received a list of {len(grads)} gradients, but the optimizer "
                                 f"is tracking {len(self._trainable_variables)} trainable "
                                 "variables.")
            trainable_variables = self._trainable_variables
        else:
            trainable_variables = list(trainable_variables)
            if not self.built:
                self.build(trainable_variables)
                self.built = True
            self._check_known(trainable_variables)
        grads, trainable_variables = self._filter_empty_gradients(grads, trainable_variables)
        grads = [g if isinstance(g, Tensor) and g.dtype == v.dtype else cast(g, v.dtype)
                 for g, v in zip(grads, trainable_variables)]
        grads = self._aggregate_gradients(grads)
        if self.loss_scale_factor is not None:
            grads = [g / self.loss_scale_factor for g in grads]
        self._step_cache = {}
        if self.gradient_accumulation_steps:
            self._accumulating_apply(grads, trainable_variables)
        else:
            self._update(grads, trainable_variables)
        if self.use_ema:
            self._update_averages()
        for variable in trainable_variables:
            if getattr(variable, "constraint", None) is not None:
                variable.assign(variable.constraint(variable))
        self._step_cache = {}
        self._iterations.assign_add(convert_to_tensor(1, dtype="int64"))

    @staticmethod
    def _aggregate_gradients(grads):
        """The gradients averaged over the replicas when running in a distribution strategy's
        replica context (``strategy.run``, ``fit`` under ``strategy.scope()``), as TF's
        optimizers all-reduce them; unchanged otherwise."""
        context = get_replica_context()
        if context is None or context.num_replicas_in_sync == 1:
            return grads
        return list(context.all_reduce("MEAN", grads))

    def _update(self, grads, trainable_variables):
        grads = self._clip_gradients(grads)
        lr = self._current_learning_rate()
        self._apply_weight_decay(trainable_variables, lr)
        self._update_all(grads, trainable_variables, lr)

    def _update_all(self, grads, trainable_variables, learning_rate):
        """Runs ``update_step`` for each pair (Nadam overrides it to advance shared state)."""
        for grad, variable in zip(grads, trainable_variables):
            self.update_step(grad, variable, learning_rate)

    def _accumulating_apply(self, grads, trainable_variables):
        """Gradient accumulation without Python branching on tensors (so it traces)."""
        steps = self.gradient_accumulation_steps
        is_update = m.equal((self._iterations + 1) % steps, 0)
        accs = [self._accumulated[self._get_variable_index(v)] for v in trainable_variables]
        before = [v.value() for v in itertools.chain(trainable_variables, self._slots())]
        mean_grads = [(g + a) / steps for g, a in zip(grads, accs)]
        self._update(mean_grads, trainable_variables)
        after = list(itertools.chain(trainable_variables, self._slots()))
        for variable, old in zip(after, before):
            variable.assign(m.where(is_update, variable.value(), old))
        for g, a in zip(grads, accs):
            a.assign(m.where(is_update, m.zeros_like(a.value()), a + g))

    def _slots(self):
        skip = {id(self._iterations), id(self._learning_rate)}
        skip.update(id(v) for v in getattr(self, "_accumulated", []))
        skip.update(id(v) for v in getattr(self, "_averages", []))
        return [v for v in self._variables if id(v) not in skip]

    def _check_known(self, variables):
        for v in variables:
            if id(v) not in self._index:
                raise ValueError(f"Unknown variable: {v!r}. This optimizer can only be called for "
                                 "the variables it was originally built with. When working with "
                                 "a new set of variables, you should recreate a new optimizer "
                                 "instance.")

    @staticmethod
    def _filter_empty_gradients(grads, variables):
        kept = [(g, v) for g, v in zip(grads, variables) if g is not None]
        if not kept:
            raise ValueError("No gradients provided for any variable.")
        if len(kept) < len(grads):
            missing = [v.name for g, v in zip(grads, variables) if g is None]
            warnings.warn(f"Gradients do not exist for variables {missing} when minimizing the "
                          "loss. If using `model.compile()`, did you forget to provide a `loss` "
                          "argument?", stacklevel=3)
        return [g for g, _ in kept], [v for _, v in kept]

    def minimize(self, loss, var_list, tape=None):
        """Computes gradients of ``loss`` and applies them to ``var_list``.

        Args:
            loss: a zero-argument callable returning the loss, or a loss tensor computed
                under ``tape``.
            var_list: variables to update (or a callable returning them).
            tape: the ``GradientTape`` that recorded ``loss`` when it is a tensor.

        Returns:
            The ``iterations`` variable.
        """
        if not callable(loss) and tape is None:
            raise ValueError("`tape` is required when a `Tensor` loss is passed. Received: "
                             f"loss={loss}, tape={tape}.")
        if callable(loss):
            tape = GradientTape()
            with tape:
                if callable(var_list):
                    var_list = var_list()
                tape.watch(list(var_list))
                loss = loss()
        elif callable(var_list):
            var_list = var_list()
        var_list = list(var_list)
        grads = tape.gradient(loss, var_list)
        return self.apply_gradients(zip(grads, var_list))

    def scale_loss(self, loss):
        """Multiplies the loss by ``loss_scale_factor`` when set."""
        return loss * self.loss_scale_factor if self.loss_scale_factor is not None else loss

    # -- clipping, weight decay, EMA -------------------------------------------------------
    def _clip_gradients(self, grads):
        if self.clipnorm and self.clipnorm > 0:
            return [self._clip_by_norm(g) for g in grads]
        if self.global_clipnorm and self.global_clipnorm > 0:
            return clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue and self.clipvalue > 0:
            return [m.clip_by_value(g, -self.clipvalue, self.clipvalue) for g in grads]
        return grads

    def _clip_by_norm(self, g):
        # The two-sided where keeps the gradient of sqrt finite at a zero gradient.
        l2sum = r.reduce_sum(m.square(g), keepdims=True)
        positive = l2sum > 0
        safe = m.where(positive, l2sum, m.ones_like(l2sum))
        l2norm = m.where(positive, m.sqrt(safe), l2sum)
        return (g * self.clipnorm) / m.maximum(l2norm, self.clipnorm)

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Keeps weight decay off ``var_list`` and off variables whose name contains one of
        ``var_names``. Call before the optimizer is built."""
        if self.built:
            raise ValueError("`exclude_from_weight_decay()` can only be configured before the "
                             "optimizer is built.")
        self._exclude_ids = {id(v) for v in var_list or ()}
        self._exclude_pattern = re.compile("|".join(set(var_names))) if var_names else None

    def _use_weight_decay(self, variable):
        if id(variable) in self._exclude_ids:
            return False
        pattern = self._exclude_pattern
        return pattern is None or pattern.search(variable.name) is None

    def _apply_weight_decay(self, variables, lr):
        if self.weight_decay is None:
            return
        for variable in variables:
            if self._use_weight_decay(variable):
                lr_t = cast(lr, variable.dtype)
                variable.assign(variable - variable * self.weight_decay * lr_t)

    def _update_averages(self):
        not_first = m.cast(m.not_equal(self._iterations, 0), "float32")
        for variable, average in zip(self._trainable_variables, self._averages):
            momentum = cast(not_first * self.ema_momentum, variable.dtype)
            average.assign(momentum * average + (1 - momentum) * variable)
        if self.ema_overwrite_frequency:
            overwrite = m.equal((self.iterations + 1) % self.ema_overwrite_frequency, 0)
            for variable, average in zip(self._trainable_variables, self._averages):
                variable.assign(m.where(overwrite, average.value(), variable.value()))

    def finalize_variable_values(self, var_list):
        """With ``use_ema``, copies the moving averages into the model's variables."""
        if self.use_ema:
            for variable, average in zip(var_list, self._averages):
                variable.assign(average)

    # -- per-step constants ----------------------------------------------------------------
    def _cached(self, key, dtype, compute):
        """``compute()`` once per apply and dtype (Keras recomputes it for every variable)."""
        key = (key, dtype)
        value = self._step_cache.get(key)
        if value is None:
            value = self._step_cache[key] = compute()
        return value

    def _local_step(self, dtype, offset=1):
        return self._cached(f"step{offset}", dtype,
                            lambda: m.cast(self._iterations + offset, dtype))

    # -- config ----------------------------------------------------------------------------
    def get_config(self):
        """The constructor arguments, JSON-serializable (no state)."""
        lr = self._learning_rate
        if isinstance(lr, Variable):
            learning_rate = float(lr.numpy())
        elif isinstance(lr, _schedules.LearningRateSchedule):
            learning_rate = _schedules.serialize(lr)
        else:
            learning_rate = _objects.serialize(lr, "builtins")
        config = {
            "name": self.name, "learning_rate": learning_rate,
            "weight_decay": self.weight_decay, "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm, "clipvalue": self.clipvalue,
            "use_ema": self.use_ema, "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }
        if self.decay:
            config["decay"] = self.decay
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Builds an optimizer from ``get_config()``'s output."""
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = _schedules.deserialize(config["learning_rate"],
                                                             custom_objects)
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r}>"


def global_norm(tensors):
    """sqrt of the sum of squares of every element of ``tensors`` (Nones skipped)."""
    squares = [r.reduce_sum(m.square(t)) for t in tensors if t is not None]
    return m.sqrt(r.reduce_sum(stack(squares)))


def clip_by_global_norm(tensors, clip_norm):
    """Scales ``tensors`` so their global norm is at most ``clip_norm`` (Keras's formula)."""
    norm = global_norm(tensors)
    scale = m.minimum(1.0 / norm, 1.0 / clip_norm) * clip_norm
    scale = scale + (norm - norm)   # NaN when the norm is not finite, as Keras does
    return [t * cast(scale, t.dtype) if t is not None else t for t in tensors]
