"""Keras 3's training API: ``compile``, ``fit``, ``evaluate``, ``predict`` (mixed into ``Model``).

One training step (forward pass, compiled loss plus ``model.losses``, gradient, optimizer update,
metric updates) is one Python function, ``train_step``. ``fit`` runs it through ``nf.function``
(traced once per input signature, then reused) unless ``compile(run_eagerly=True)``, which runs
the very same function eagerly: both paths give the same numbers.
"""

import contextlib

import numpy as np

from .. import distribute, graph
from ..backend import device as _device
from ..backend import memory as _memory
from ..backend import parallel as _parallel
from ..core import nest
from ..core.tape import GradientTape
from ..core.tensor import Tensor
from . import callbacks as callbacks_module
from . import metrics as metrics_module
from . import optimizers as optimizers_module
from .saving import saving_lib
from .utils import arguments
from .utils import data_adapters as adapters
from .utils.compile_utils import CompileLoss, CompileMetrics

__all__ = ["Trainer"]


# Multiply-adds of one product from which a dense model's GEMMs run on all cores: measured
# here, the lecture's MLP gains 15% at batch 256 (12.8M) and loses 7% at batch 32 (1.6M).
_BLAS_PARALLEL_MIN = 1 << 22


class Trainer:
    """Mixin giving a model Keras 3's training API; ``keras.Model`` inherits from it.

    The model supplies ``__call__(x, training=...)``, ``trainable_variables`` and ``losses``.
    Override ``train_step``/``test_step``/``predict_step`` (or ``compute_loss``) to customize,
    as in Keras.
    """

    compiled = False
    optimizer = None
    stop_training = False
    history = None
    train_function = None
    test_function = None
    predict_function = None
    _compile_loss = None
    _compile_metrics = None
    _loss_tracker = None
    _run_eagerly = False
    _initial_epoch = None
    _distribute_strategy = None

    def __init__(self):
        # State lives in class-level defaults until ``compile``; a model made inside a
        # ``strategy.scope()`` trains with that strategy.
        if distribute.has_strategy():
            self._distribute_strategy = distribute.get_strategy()

    # -- compile -------------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution=1,
                jit_compile="auto", auto_scale_loss=True):
        """Configures the model for training.

        Args:
            optimizer: name (``'adam'``) or ``keras.optimizers.Optimizer`` instance.
            loss: name, function or ``keras.losses.Loss``; a list or dict for several outputs.
            metrics: list of names, functions or ``Metric`` objects (per output: list of lists
                or dict). ``'accuracy'``/``'acc'`` become binary, categorical or sparse
                categorical accuracy from the shapes, as in Keras.
            loss_weights: coefficients of each output's loss.
            weighted_metrics: metrics that take ``sample_weight``/``class_weight`` into account.
            run_eagerly: run the step function eagerly instead of through ``nf.function``.
            steps_per_execution, jit_compile, auto_scale_loss: accepted for compatibility.

        Raises:
            ValueError: for unknown optimizer, loss or metric names (the message lists the valid
                names).

        Example:
            >>> model.compile(optimizer='adam', loss='categorical_crossentropy',
            ...               metrics=['accuracy'])
        """
        if distribute.has_strategy():
            self._distribute_strategy = distribute.get_strategy()
        self.optimizer = optimizers_module.get(optimizer)
        self.loss = loss
        self._compile_loss = CompileLoss(loss, loss_weights) if loss is not None else None
        has_metrics = metrics is not None or weighted_metrics is not None
        self._compile_metrics = CompileMetrics(metrics, weighted_metrics) if has_metrics \
            else None
        self._loss_tracker = metrics_module.Mean(name="loss")
        self._run_eagerly = bool(run_eagerly)
        self.steps_per_execution = steps_per_execution
        self.jit_compile = jit_compile
        self._compile_config = {"optimizer": optimizer, "loss": loss, "metrics": metrics,
                                "loss_weights": loss_weights,
                                "weighted_metrics": weighted_metrics,
                                "run_eagerly": run_eagerly,
                                "steps_per_execution": steps_per_execution,
                                "jit_compile": jit_compile}
        self.stop_training = False
        self.compiled = True
        self._reset_functions()

    @property
    def distribute_strategy(self):
        """The ``nf.distribute`` strategy the model was created or compiled under (the
        default strategy if none): ``fit`` and ``evaluate`` run under it."""
        return self._distribute_strategy or distribute.get_strategy()

    @property
    def run_eagerly(self):
        """Whether the step functions run eagerly (True) or through ``nf.function``."""
        return self._run_eagerly

    @run_eagerly.setter
    def run_eagerly(self, value):
        self._run_eagerly = bool(value)
        self._reset_functions()

    def _reset_functions(self):
        self.train_function = self.test_function = self.predict_function = None

    def get_compile_config(self):
        """The arguments given to ``compile`` (for saving), or None if not compiled."""
        if not self.compiled:
            return None
        return getattr(self, "_compile_config", None)

    def compile_from_config(self, config):
        """Compiles from ``get_compile_config()``'s dict (used by ``load_model``)."""
        config = dict(config)
        self.compile(**config)

    @property
    def metrics(self):
        """Metrics tracked by ``fit``/``evaluate``: the loss, per-output losses, compile metrics."""
        found = []
        if self._loss_tracker is not None:
            found.append(self._loss_tracker)
        if self._compile_loss is not None:
            found.extend(self._compile_loss.metrics)
        if self._compile_metrics is not None:
            found.extend(self._compile_metrics.metrics)
        return found

    @property
    def metrics_names(self):
        """Names of ``metrics``, in the order ``evaluate`` returns their values."""
        return [metric.name for metric in self.metrics]

    def reset_metrics(self):
        """Resets the state of every metric in ``metrics``."""
        for metric in self.metrics:
            metric.reset_state()

    # -- the step functions (override to customize training) --------------------------------
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The total loss: compiled loss(es) plus the model's regularization ``losses``."""
        terms = []
        if self._compile_loss is not None:
            if y is None:
                raise ValueError("The model was compiled with a loss, but no targets `y` were "
                                 "given: pass fit(x, y), or data yielding (x, y) batches")
            terms.append(self._compile_loss(y, y_pred, sample_weight))
        terms.extend(getattr(self, "losses", None) or [])
        if not terms:
            raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")
        total = terms[0]
        for term in terms[1:]:
            total = total + term
        return total

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Updates the compiled metrics and returns ``get_metrics_result()``."""
        if self._compile_metrics is not None and y is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight, self._output_names)
        return self.get_metrics_result()

    def get_metrics_result(self):
        """``{name: result}`` for every metric in ``metrics``."""
        results = {}
        for metric in self.metrics:
            value = metric.result()
            if isinstance(value, dict):
                results.update(value)
            else:
                results[metric.name] = value
        return {key: results[key] for key in sorted(results)}   # Keras logs are sorted

    def train_step(self, data):
        """One training step on a batch: forward, loss, gradients, update, metrics."""
        x, y, sample_weight = adapters.unpack_x_y_sample_weight(data)
        with GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x, y, y_pred, sample_weight, training=True)
        self._loss_tracker.update_state(loss, sample_weight=_batch_size(x))
        variables = list(self.trainable_variables)
        if variables:
            grads = tape.gradient(loss, variables)
            self.optimizer.apply_gradients(zip(grads, variables))
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def test_step(self, data):
        """One evaluation step on a batch: forward, loss, metrics."""
        x, y, sample_weight = adapters.unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        loss = self.compute_loss(x, y, y_pred, sample_weight, training=False)
        self._loss_tracker.update_state(loss, sample_weight=_batch_size(x))
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data):
        """The model's outputs for a batch."""
        x, _, _ = adapters.unpack_x_y_sample_weight(data)
        return self(x, training=False)

    def _wrap(self, step):
        """``step`` (run in the strategy's replica context) traced by ``nf.function``, or as
        is when running eagerly."""
        step = self.distribute_strategy.extended.wrap_step(step)
        if self.run_eagerly:
            return step
        return graph.function(step)

    def make_train_function(self, force=False):
        """Builds ``self.train_function`` (one call = one batch)."""
        if self.train_function is None or force:
            self.train_function = self._wrap(self.train_step)
        return self.train_function

    def make_test_function(self, force=False):
        """Builds ``self.test_function``."""
        if self.test_function is None or force:
            self.test_function = self._wrap(self.test_step)
        return self.test_function

    def make_predict_function(self, force=False):
        """Builds ``self.predict_function``."""
        if self.predict_function is None or force:
            self.predict_function = self._wrap(self.predict_step)
        return self.predict_function

    # -- building before the first traced step --------------------------------------------
    @property
    def _output_names(self):
        return getattr(self, "_nf_output_names", None) or ["output"]

    def _build_for_batch(self, batch, training):
        """Creates every variable (model, metrics, optimizer slots) before any tracing."""
        x, y, _ = batch
        needs_loss = self._compile_loss is not None and self._compile_loss.terms is None
        needs_metrics = self._compile_metrics is not None and not self._compile_metrics.built
        if needs_loss or needs_metrics or not getattr(self, "built", True) \
                or getattr(self, "_nf_output_names", None) is None:
            y_pred = self(x, training=False)
            self._nf_output_names = _output_names_of(self, y_pred)
            if needs_loss:
                self._compile_loss.build(self._nf_output_names)
            if needs_metrics and y is not None:
                self._compile_metrics.build(y, y_pred, self._nf_output_names,
                                            self._loss_per_output())
        if training and not getattr(self.optimizer, "built", True):
            self.optimizer.build(list(self.trainable_variables))
        if training:   # every replica starts from rank 0's weights and optimizer state
            self.distribute_strategy.extended.broadcast_variables(
                list(self.variables) + list(getattr(self.optimizer, "variables", [])))

    def _loss_per_output(self):
        if self._compile_loss is None or self._compile_loss.terms is None:
            return None
        return [None if t is None else t.fn for t in self._compile_loss.terms]

    def _assert_compiled(self, what):
        if not self.compiled:
            raise RuntimeError(f"You must call `compile()` before using the model in `{what}`.")

    # -- fit --------------------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1):
        """Trains the model for ``epochs`` passes over the data.

        Args:
            x, y: arrays/tensors (nested for several inputs/outputs), or a ``Dataset`` or
                generator yielding ``(x, y)`` or ``(x, y, sample_weight)`` batches (then ``y``
                must be None).
            batch_size: samples per step for array inputs (default 32).
            epochs: index of the last epoch (training runs ``initial_epoch..epochs-1``).
            verbose: 0 silent, 1 progress bar, 2 one line per epoch, ``'auto'`` = 1.
            callbacks: list of ``keras.callbacks.Callback``.
            validation_split: fraction of the array data, taken from the *end* before
                shuffling, held out for validation.
            validation_data: ``(x_val, y_val[, sample_weight_val])`` or a dataset.
            shuffle: shuffle array inputs every epoch (``'batch'`` shuffles batch order).
            class_weight: ``{class_index: weight}`` scaling each sample's loss.
            sample_weight: per-sample weights (array inputs).
            initial_epoch: epoch to start at (for resuming).
            steps_per_epoch: batches per epoch (needed for endless generators).
            validation_steps, validation_batch_size, validation_freq: as in Keras.

        Returns:
            A ``History`` callback whose ``.history`` maps ``'loss'``, metric names and
            ``'val_*'`` names to per-epoch lists.

        Example:
            >>> history = model.fit(x_train, y_train, epochs=5, batch_size=32,
            ...                     validation_split=0.1)
            >>> history.history['val_loss']
        """
        self._assert_compiled("fit")
        (batch_size, epochs, initial_epoch, validation_split, steps_per_epoch, validation_steps,
         validation_batch_size) = arguments.check_fit_arguments(
            batch_size, epochs, initial_epoch, validation_split, steps_per_epoch,
            validation_steps, validation_batch_size, validation_freq, class_weight)
        if validation_split and validation_data is None:
            if not adapters.is_array_like(x):
                raise ValueError("`validation_split` is only supported for Tensors or NumPy "
                                 f"arrays, found following types in the input: {type(x)}")
            (x, y, sample_weight), validation_data = adapters.train_validation_split(
                (x, y, sample_weight), validation_split)
        strategy = self.distribute_strategy
        train = adapters.EpochIterator(adapters.distribute(
            adapters.get_adapter(x, y, sample_weight, batch_size, shuffle, class_weight),
            strategy), steps_per_epoch)
        val = None
        if validation_data is not None:
            vx, vy, vsw = adapters.unpack_x_y_sample_weight(validation_data)
            val = adapters.EpochIterator(adapters.distribute(adapters.get_adapter(
                vx, vy, vsw, validation_batch_size or batch_size, False), strategy),
                validation_steps)

        callback_list = self._callback_list(callbacks, verbose, epochs, train.num_steps)
        self.stop_training = False
        self.make_train_function()
        blas = self._blas_thread_limit(getattr(train.adapter, "batch_size", None))
        # One way to use the cores at a time: BLAS's threads, or kernels splitting the batch.
        splits = _parallel.serial() if blas is None else contextlib.nullcontext()
        # Process-wide settings, each restored when fit returns.
        with strategy.scope(), _memory.reuse_freed_memory(), _device.blas_threads(blas), splits:
            return self._fit_epochs(train, val, callback_list, initial_epoch, epochs,
                                    validation_freq)

    def _blas_thread_limit(self, batch_size=None):
        """BLAS threads for ``fit``: None (all cores) for dense models whose largest product
        is big (batch x kernel >= ``_BLAS_PARALLEL_MIN`` multiply-adds); else 1: small
        products lose more to a second thread than they gain, and convolutions split their
        batch over the cores themselves (one BLAS thread per slice)."""
        variables = self.trainable_variables
        if variables and all(len(v.shape) <= 2 for v in variables):
            kernel = max((int(np.prod(v.shape)) for v in variables if len(v.shape) == 2),
                         default=0)
            return None if batch_size and batch_size * kernel >= _BLAS_PARALLEL_MIN else 1
        return 1 if _parallel.threads() > 1 else None

    def _fit_epochs(self, train, val, callback_list, initial_epoch, epochs, validation_freq):
        callback_list.on_train_begin()
        initial_epoch = self.distribute_strategy.extended.broadcast_value(   # resumed
            getattr(self, "_initial_epoch", None) or initial_epoch)
        training_logs = None
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            callback_list.on_epoch_begin(epoch)
            logs = self._run_epoch(train, callback_list)
            if train.exhausted and logs is None:
                break
            self.distribute_strategy.extended.average_variables(self.non_trainable_variables)
            epoch_logs = _pythonify(self._metrics_result_or_logs(logs))
            if val is not None and _should_validate(epoch, validation_freq):
                val_logs = self._evaluate_loop(val, callback_list)
                epoch_logs.update({"val_" + k: v for k, v in val_logs.items()})
                epoch_logs = {k: epoch_logs[k] for k in sorted(epoch_logs)}   # as Keras
            callback_list.on_epoch_end(epoch, epoch_logs)
            training_logs = epoch_logs
            if self.stop_training or train.exhausted:
                break
        callback_list.on_train_end(training_logs)
        return self.history

    def _run_epoch(self, train, callback_list):
        if self._can_run_fast(train):
            return self._run_epoch_fast(train, callback_list)
        logs = None
        built = False
        for step, batch in train.enumerate_epoch():
            if not built:
                self._build_for_batch(batch, training=True)
                built = True
            callback_list.on_train_batch_begin(step)
            logs = self.train_function(adapters.pack_x_y_sample_weight(*batch))
            callback_list.on_train_batch_end(step, logs)
            if self.stop_training:
                break
        return logs

    def _can_run_fast(self, train):
        """True for the common case the fast loop handles: the built-in, compiled train step
        over one input array and one target array, whole epochs."""
        adapter = train.adapter
        return (not self.run_eagerly and train.steps is None and _device._cupy is None
                and type(self).train_step is Trainer.train_step
                and isinstance(adapter, adapters.ArrayAdapter)
                and isinstance(adapter.x, np.ndarray) and isinstance(adapter.y, np.ndarray)
                and adapter.sample_weight is None and adapter.shuffle in (True, False)
                and adapter.num_samples >= adapter.batch_size)

    def _run_epoch_fast(self, train, callback_list):
        """One epoch with no per-batch Python objects: the traced step runs on batches
        gathered by one permutation, and logs are packed only for callbacks that read them."""
        adapter = train.adapter
        xs, ys = adapter.x, adapter.y
        # Gathering each batch from one permutation costs less than copying the whole data
        # set every epoch (and keeps a second copy of it out of memory).
        order = np.random.permutation(adapter.num_samples) if adapter.shuffle else None

        def batch(start, stop):
            if order is None:
                return xs[start:stop], ys[start:stop]
            rows = order[start:stop]
            return xs.take(rows, axis=0), ys.take(rows, axis=0)

        size, full = adapter.batch_size, adapter.num_samples // adapter.batch_size
        first = tuple(Tensor(a) for a in batch(0, size)) + (None,)
        self._build_for_batch(first, training=True)
        concrete = self.make_train_function().get_concrete_function(
            adapters.pack_x_y_sample_weight(*first))
        run, pack = concrete.run_arrays, concrete.pack_outputs
        hooks = callbacks_module.has_batch_hooks(callback_list, "train")
        outs = None
        for step in range(full):
            start = step * size
            if hooks:
                callback_list.on_train_batch_begin(step)
            outs = run(list(batch(start, start + size)))
            if hooks:
                callback_list.on_train_batch_end(step, pack(outs))
            if self.stop_training:
                return pack(outs)
        logs = pack(outs)
        if adapter.num_samples > full * size:  # the last, smaller batch: its own trace
            step, start = full, full * size
            callback_list.on_train_batch_begin(step)
            last_x, last_y = batch(start, adapter.num_samples)
            logs = self.train_function(adapters.pack_x_y_sample_weight(
                Tensor(last_x), Tensor(last_y)))
            callback_list.on_train_batch_end(step, logs)
        train._end_epoch()
        return logs

    def _metrics_result_or_logs(self, logs):
        """The metrics' results when the step returned the same keys (the built-in steps),
        else the dict the step returned (a custom ``train_step``), as Keras does."""
        results = self._sorted_results()
        if not isinstance(logs, dict) or set(logs) == set(results):
            return results
        return logs

    def _sorted_results(self):
        with self.distribute_strategy.extended.aggregated_metrics(self.metrics):
            results = self.get_metrics_result()
        return {key: results[key] for key in sorted(results)}

    def _callback_list(self, callbacks, verbose, epochs, steps):
        if isinstance(callbacks, callbacks_module.CallbackList):
            return callbacks
        verbose = 1 if verbose == "auto" else verbose
        if not self.distribute_strategy.extended.should_checkpoint:   # rank 0 reports, writes
            verbose = 0
            callbacks = [cb for cb in callbacks or [] if not getattr(cb, "_chief_only", False)]
        return callbacks_module.CallbackList(
            callbacks, add_history=True, add_progbar=verbose != 0, model=self,
            verbose=verbose, epochs=epochs, steps=steps)

    # -- evaluate ---------------------------------------------------------------------------
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False, **kwargs):
        """Returns the loss and metric values of the model on the given data.

        Args:
            x, y, sample_weight: as in ``fit``.
            batch_size: samples per batch for array inputs (default 32).
            verbose: 0 silent, 1 progress bar, 2 one line.
            steps: number of batches to evaluate (default: all).
            callbacks: list of callbacks.
            return_dict: return ``{name: value}`` instead of a list.

        Returns:
            The scalar loss (no metrics), a list ``[loss, *metrics]`` or a dict.

        Example:
            >>> loss, acc = model.evaluate(x_test, y_test, verbose=0)
        """
        self._assert_compiled("evaluate")
        batch_size, steps = arguments.check_batch_size(batch_size), arguments.check_steps(steps)
        data = adapters.EpochIterator(adapters.distribute(
            adapters.get_adapter(x, y, sample_weight, batch_size, False),
            self.distribute_strategy), steps)
        callback_list = self._callback_list(callbacks, verbose, 1, data.num_steps)
        logs = self._evaluate_loop(data, callback_list)
        if return_dict:
            return logs
        return self._flatten_in_order(logs)

    def _evaluate_loop(self, data, callback_list):
        self.make_test_function()
        self.reset_metrics()     # in fit, the epoch's training results are already logged
        callback_list.on_test_begin()
        built, logs = False, None
        step = None
        for step, batch in data.enumerate_epoch():
            if not built:
                self._build_for_batch(batch, training=False)
                built = True
            callback_list.on_test_batch_begin(step)
            logs = self.test_function(adapters.pack_x_y_sample_weight(*batch))
            callback_list.on_test_batch_end(step, logs)
        # No batch (empty arrays): no results, as Keras (not the trackers' initial zeros).
        logs = {} if step is None else _pythonify(self._metrics_result_or_logs(logs))
        callback_list.on_test_end(logs)
        return logs

    def _flatten_in_order(self, logs):
        # Keras's order: loss, the compiled metrics of a single-output model, per-output
        # losses, then everything else sorted.
        names = ["loss"]
        if self._compile_metrics is not None and len(self._output_names) == 1:
            names += [metric.name for metric in self._compile_metrics.metrics]
        if self._compile_loss is not None:
            names += [metric.name for metric in self._compile_loss.metrics]
        values = [logs[name] for name in names if name in logs]
        values += [logs[key] for key in sorted(logs) if key not in names]
        return values[0] if len(values) == 1 else values

    # -- predict ----------------------------------------------------------------------------
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """The model's outputs for ``x``, as NumPy arrays (nested like the outputs).

        Args:
            x: arrays/tensors, a dataset or a generator (targets, if any, are ignored).
            batch_size: samples per batch for array inputs (default 32).
            verbose: 0 silent, 1 progress bar, 2 one line.
            steps: number of batches (default: all).
            callbacks: list of callbacks.

        Example:
            >>> probabilities = model.predict(x_test)   # shape (n, 10)
        """
        batch_size, steps = arguments.check_batch_size(batch_size), arguments.check_steps(steps)
        fast = self._predict_fast(x, batch_size, verbose, steps, callbacks)
        if fast is not None:
            return fast
        data = adapters.EpochIterator(
            adapters.get_adapter(x, None, None, batch_size, False), steps)
        callback_list = self._callback_list(callbacks, verbose, 1, data.num_steps)
        self.make_predict_function()
        callback_list.on_predict_begin()
        outputs = []
        for step, (bx, _, _) in data.enumerate_epoch():
            if step == 0 and not getattr(self, "built", True):
                self(bx, training=False)     # create the variables before tracing
            callback_list.on_predict_batch_begin(step)
            batch_out = self.predict_function((bx,))
            outputs.append(nest.map_structure(_to_numpy, batch_out))
            callback_list.on_predict_batch_end(step, {"outputs": batch_out})
        callback_list.on_predict_end()
        if not outputs:
            raise ValueError("`predict` got no batches: the input `x` holds no samples")
        return nest.map_structure(lambda *parts: np.concatenate(parts, axis=0), *outputs)

    def _predict_fast(self, x, batch_size, verbose, steps, callbacks):
        """``predict`` on one NumPy array with no progress bar or callbacks: the traced
        step runs straight on array slices (one sample costs a few microseconds). Returns
        None when the general path is needed."""
        if (verbose != 0 or callbacks or steps is not None or self.run_eagerly
                or _device._cupy is not None or not isinstance(x, np.ndarray) or not len(x)
                or type(self).predict_step is not Trainer.predict_step
                or not getattr(self, "built", False)):
            return None
        x = adapters._to_numpy(x)   # as the general path: floats become floatx
        size = int(batch_size or 32)
        function = self.make_predict_function()
        owner, cache = self.__dict__.get("_nf_predict_concrete", (None, None))
        if owner is not function:  # a new predict function (after compile): new traces
            cache = {}
            self.__dict__["_nf_predict_concrete"] = (function, cache)
        parts = []
        for start in range(0, len(x), size):
            chunk = x[start:start + size]
            key = (chunk.shape, chunk.dtype)
            concrete = cache.get(key)
            if concrete is None:
                concrete = function.get_concrete_function((Tensor(chunk),))
                if not concrete._single:
                    return None
                cache[key] = concrete
            parts.append(concrete.run_arrays([chunk])[0])
        if len(parts) > 1:
            return np.concatenate(parts, axis=0)
        # The caller owns the result: copied unless the compiler proved it a new array.
        return parts[0] if concrete.fresh_outputs[0] else np.array(parts[0], copy=True)

    # -- saving -------------------------------------------------------------------------------
    def save(self, filepath, overwrite=True, zipped=None, **kwargs):
        """Saves the model (architecture, weights, optimizer state) to a ``.keras`` file.

        Example:
            >>> model.save('model.keras')
        """
        saving_lib.save_model(self, filepath, overwrite=overwrite,
                              include_optimizer=kwargs.get("include_optimizer", True))

    def save_weights(self, filepath, overwrite=True, **kwargs):
        """Saves the weights (and optimizer state) to ``.weights.h5`` or ``.safetensors``."""
        saving_lib.save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath, skip_mismatch=False, **kwargs):
        """Loads weights saved by ``save_weights`` or ``save``."""
        saving_lib.load_weights(self, filepath, skip_mismatch=skip_mismatch)

    # -- single batches ---------------------------------------------------------------------
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None,
                       return_dict=False):
        """Runs one gradient update on one batch; returns the loss and metrics so far."""
        self._assert_compiled("train_on_batch")
        adapter = adapters.get_adapter(x, y, sample_weight, None, False, class_weight)
        if not isinstance(adapter, adapters.ArrayAdapter):
            raise ValueError(  # noqa: TRY004 (Keras's error type)
                "train_on_batch expects arrays or tensors, not a dataset or generator")
        adapter.batch_size = max(adapter.num_samples, 1)
        batch = next(iter(adapter.batches()))
        self._build_for_batch(batch, training=True)
        self.make_train_function()
        logs = self.train_function(adapters.pack_x_y_sample_weight(*batch))
        logs = _pythonify({k: logs[k] for k in sorted(logs)})
        return logs if return_dict else self._flatten_in_order(logs)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """Evaluates the model on one batch; returns the loss and metrics so far."""
        self._assert_compiled("test_on_batch")
        adapter = adapters.get_adapter(x, y, sample_weight, None, False)
        adapter.batch_size = max(adapter.num_samples, 1)
        batch = next(iter(adapter.batches()))
        self._build_for_batch(batch, training=False)
        self.make_test_function()
        logs = self.test_function(adapters.pack_x_y_sample_weight(*batch))
        logs = _pythonify({k: logs[k] for k in sorted(logs)})
        return logs if return_dict else self._flatten_in_order(logs)

    def predict_on_batch(self, x):
        """The model's outputs for one batch, as NumPy."""
        adapter = adapters.get_adapter(x, None, None, None, False)
        adapter.batch_size = max(adapter.num_samples, 1)
        bx, _, _ = next(iter(adapter.batches()))
        self.make_predict_function()
        return nest.map_structure(_to_numpy, self.predict_function((bx,)))


def _batch_size(x):
    first = nest.flatten(x)[0]
    return first.shape[0]


def _output_names_of(model, y_pred):
    names = getattr(model, "output_names", None)
    leaves = nest.flatten(y_pred) if nest.is_nested(y_pred) else [y_pred]
    if isinstance(y_pred, dict):
        return sorted(y_pred)
    if names and len(names) == len(leaves):
        return list(names)
    if len(leaves) == 1:
        return list(names)[:1] if names else ["output"]
    return [f"output_{i}" for i in range(len(leaves))]


def _should_validate(epoch, validation_freq):
    if isinstance(validation_freq, int):
        return (epoch + 1) % validation_freq == 0
    return (epoch + 1) in validation_freq


def _to_numpy(value):
    return value.numpy() if isinstance(value, Tensor) else np.asarray(value)


def _pythonify(logs):
    out = {}
    for key, value in logs.items():
        if isinstance(value, Tensor):
            value = value.numpy()
        if isinstance(value, np.ndarray) and value.ndim == 0 or isinstance(value, np.generic):
            value = float(value)
        out[key] = value
    return out

