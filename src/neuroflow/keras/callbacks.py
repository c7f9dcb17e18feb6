"""``nf.keras.callbacks``: hooks into ``fit``/``evaluate``/``predict``, as in Keras 3.

``fit`` always adds a ``History`` (returned, and kept as ``model.history``) and, unless
``verbose=0``, a ``ProgbarLogger``; user callbacks run first, in the order given.
"""

import csv
import json
import math
import os
import warnings

import numpy as np

from .utils.plotting import layer_graph
from .utils.progbar import Progbar

__all__ = [
    "BackupAndRestore",
    "CSVLogger",
    "Callback",
    "CallbackList",
    "EarlyStopping",
    "History",
    "LambdaCallback",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "ProgbarLogger",
    "ReduceLROnPlateau",
    "RemoteMonitor",
    "TensorBoard",
    "TerminateOnNaN",
]

_HOOKS = ("on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
          "on_test_begin", "on_test_end", "on_predict_begin", "on_predict_end",
          "on_train_batch_begin", "on_train_batch_end", "on_test_batch_begin",
          "on_test_batch_end", "on_predict_batch_begin", "on_predict_batch_end")


class Callback:
    """Base class: override any ``on_*`` hook. ``self.model`` and ``self.params`` are set by
    ``fit`` (``params`` holds ``verbose``, ``epochs`` and ``steps``).

    Example:
        >>> class Printer(nf.keras.callbacks.Callback):
        ...     def on_epoch_end(self, epoch, logs=None):
        ...         print(epoch, logs['loss'])
    """

    def __init__(self):
        self.params = None
        self._model = None

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self._model = model

    @property
    def model(self):
        return self._model

    def on_batch_begin(self, batch, logs=None):
        """Alias of ``on_train_batch_begin`` (Keras 2 name)."""

    def on_batch_end(self, batch, logs=None):
        """Alias of ``on_train_batch_end`` (Keras 2 name)."""

    def on_epoch_begin(self, epoch, logs=None):
        """Called at the start of every epoch."""

    def on_epoch_end(self, epoch, logs=None):
        """Called after every epoch with its logs (training and ``val_`` values)."""

    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch, logs=None):
        """Called before each evaluation batch."""

    def on_test_batch_end(self, batch, logs=None):
        """Called after each evaluation batch."""

    def on_predict_batch_begin(self, batch, logs=None):
        """Called before each prediction batch."""

    def on_predict_batch_end(self, batch, logs=None):
        """Called after each prediction batch."""

    def on_train_begin(self, logs=None):
        """Called once at the start of ``fit``."""

    def on_train_end(self, logs=None):
        """Called once at the end of ``fit`` with the last epoch's logs."""

    def on_test_begin(self, logs=None):
        """Called at the start of ``evaluate`` (and of validation in ``fit``)."""

    def on_test_end(self, logs=None):
        """Called at the end of ``evaluate`` with its logs."""

    def on_predict_begin(self, logs=None):
        """Called at the start of ``predict``."""

    def on_predict_end(self, logs=None):
        """Called at the end of ``predict``."""


def _batch_hook(hook):
    """A ``CallbackList`` method ``(batch, logs=None)`` that calls ``hook`` on every callback."""
    def method(self, batch, logs=None):
        self._call(hook, batch, logs)
    method.__doc__ = f"Calls ``{hook}(batch, logs)`` on every callback in turn."
    return method


def _hook(hook):
    """A ``CallbackList`` method ``(logs=None)`` that calls ``hook`` on every callback."""
    def method(self, logs=None):
        self._call(hook, logs)
    method.__doc__ = f"Calls ``{hook}(logs)`` on every callback in turn."
    return method


def has_batch_hooks(callback_list, mode):
    """True when a callback in the list overrides a per-batch hook of ``mode`` ('train',
    'test' or 'predict'), so the training loop must call them (and build logs) every batch."""
    names = [f"on_{mode}_batch_begin", f"on_{mode}_batch_end"]
    if mode == "train":
        names += ["on_batch_begin", "on_batch_end"]
    # A hook counts when the class overrides it or the instance sets it (LambdaCallback).
    return any(name in vars(cb) or getattr(type(cb), name, None) is not getattr(Callback, name)
               for cb in callback_list.callbacks for name in names)


class CallbackList(Callback):
    """Calls each hook on every callback in turn; adds ``History``/``ProgbarLogger`` if asked."""

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None,
                 **params):
        super().__init__()
        self.callbacks = list(callbacks) if callbacks else []
        for cb in self.callbacks:
            if not isinstance(cb, Callback) and not all(hasattr(cb, h) for h in _HOOKS[:4]):
                raise TypeError(f"Callbacks must be keras.callbacks.Callback instances, got "
                                f"{cb!r} of type {type(cb).__name__}")
        history = [cb for cb in self.callbacks if isinstance(cb, History)]
        progbar = [cb for cb in self.callbacks if isinstance(cb, ProgbarLogger)]
        if add_history and not history:
            self.callbacks.append(History())
        if add_progbar and not progbar:
            self.callbacks.append(ProgbarLogger())
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    def append(self, callback):
        self.callbacks.append(callback)

    def set_params(self, params):
        self.params = params
        for cb in self.callbacks:
            cb.set_params(params)

    def set_model(self, model):
        super().set_model(model)
        for cb in self.callbacks:
            cb.set_model(model)

    def _call(self, hook, *args):
        # As Keras's CallbackList: a hook always gets a dict (``{}``, never None) as its logs.
        if args and args[-1] is None:
            args = args[:-1] + ({},)
        for cb in self.callbacks:
            getattr(cb, hook)(*args)

    def on_epoch_begin(self, epoch, logs=None):
        self._call("on_epoch_begin", epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._call("on_epoch_end", epoch, logs)

    on_batch_begin = on_train_batch_begin = _batch_hook("on_train_batch_begin")
    on_batch_end = on_train_batch_end = _batch_hook("on_train_batch_end")
    on_test_batch_begin = _batch_hook("on_test_batch_begin")
    on_test_batch_end = _batch_hook("on_test_batch_end")
    on_predict_batch_begin = _batch_hook("on_predict_batch_begin")
    on_predict_batch_end = _batch_hook("on_predict_batch_end")
    on_train_begin = _hook("on_train_begin")
    on_train_end = _hook("on_train_end")
    on_test_begin = _hook("on_test_begin")
    on_test_end = _hook("on_test_end")
    on_predict_begin = _hook("on_predict_begin")
    on_predict_end = _hook("on_predict_end")


class History(Callback):
    """Records each epoch's logs in ``history`` (``{'loss': [...], 'val_loss': [...]}``);
    ``fit`` returns it.

    Example:
        >>> history = model.fit(x, y, epochs=3, verbose=0)
        >>> len(history.history['loss'])
        3
    """

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []
        self.model.history = self  # also when no epoch runs (epochs=0, empty data)

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        self.model.history = self


class ProgbarLogger(Callback):
    """Prints Keras's progress bar: ``Epoch 1/5`` then ``1875/1875 ━━━━ 2s 1ms/step - ...``."""

    def __init__(self):
        super().__init__()
        self.seen, self.progbar, self.target = 0, None, None
        self.verbose, self.epochs = 1, 1
        self._called_in_fit = False

    def set_params(self, params):
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else verbose
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    def on_train_begin(self, logs=None):
        self._called_in_fit = True

    def on_test_begin(self, logs=None):
        if not self._called_in_fit:
            self._reset()

    def on_predict_begin(self, logs=None):
        self._reset()

    def on_epoch_begin(self, epoch, logs=None):
        self._reset()
        if self.verbose and self.epochs > 1:
            print(f"Epoch {epoch + 1}/{self.epochs}", flush=True)

    def on_train_batch_end(self, batch, logs=None):
        self._update(batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        if not self._called_in_fit:
            self._update(batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._update(batch, None)

    def on_epoch_end(self, epoch, logs=None):
        self._finalize(logs)

    def on_test_end(self, logs=None):
        if not self._called_in_fit:
            self._finalize(logs)

    def on_predict_end(self, logs=None):
        self._finalize(None)

    def _reset(self):
        self.seen = 0
        self.progbar = Progbar(target=self.target, verbose=self.verbose, unit_name="step",
                               stateless_metrics=set())

    def _update(self, batch, logs):
        if self.progbar is None:
            self._reset()
        self.seen = batch + 1
        if self.verbose == 1:
            self.progbar.update(self.seen, list((logs or {}).items()), finalize=False)

    def _finalize(self, logs):
        if self.progbar is None:
            self._reset()
        if self.target is None:
            self.target = self.progbar.target = self.seen
        self.progbar.update(self.target, list((logs or {}).items()), finalize=True)


def _direction(model, monitor):
    """'max' or 'min' for a monitored name, as Keras's ``mode='auto'`` decides it."""
    name = monitor.removeprefix("val_")
    if name == "loss" or name.endswith("_loss"):
        return "min"
    for metric in getattr(model, "metrics", []) if model is not None else []:
        if metric.name == name and getattr(metric, "_direction", None) in ("up", "down"):
            return "max" if metric._direction == "up" else "min"
    lowered = name.lower()
    if any(word in lowered for word in ("acc", "auc", "precision", "recall", "fmeasure")):
        return "max"
    if any(word in lowered for word in ("error", "mse", "mae", "hinge", "crossentropy",
                                        "divergence", "poisson", "cosh")):
        return "min"
    return None


def _float(value):
    return float(np.asarray(value.numpy() if hasattr(value, "numpy") else value))


class EarlyStopping(Callback):
    """Stops training when ``monitor`` has stopped improving.

    Args:
        monitor: quantity to watch (``'val_loss'``).
        min_delta: smallest change counted as an improvement.
        patience: epochs without improvement before stopping.
        verbose: 1 prints when stopping and restoring.
        mode: ``'min'``, ``'max'`` or ``'auto'`` (from the metric's name).
        baseline: value the quantity must beat for the patience counter to reset.
        restore_best_weights: at the end, go back to the weights of the best epoch.
        start_from_epoch: epochs to wait before watching.

    Example:
        >>> stop = nf.keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True)
        >>> model.fit(x, y, validation_split=0.2, epochs=100, callbacks=[stop])
    """

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"EarlyStopping mode {mode} is unknown, fallback to auto mode.",
                          stacklevel=2)
            mode = "auto"
        self.monitor, self.patience, self.verbose, self.mode = monitor, patience, verbose, mode
        self.baseline, self.min_delta = baseline, abs(min_delta)
        self.restore_best_weights, self.start_from_epoch = restore_best_weights, start_from_epoch
        self.wait = self.stopped_epoch = self.best_epoch = 0
        self.best = self.best_weights = None
        self._sign = None

    def _set_sign(self):
        mode = self.mode if self.mode != "auto" else _direction(self.model, self.monitor)
        if mode is None:
            raise ValueError(f"EarlyStopping callback received monitor={self.monitor} but "
                             "neuroflow isn't able to automatically determine whether that "
                             "metric should be maximized or minimized. Pass `mode='max'` in "
                             "order to do early stopping based on the highest metric value, "
                             "or pass `mode='min'` in order to use the lowest value.")
        self._sign = 1.0 if mode == "max" else -1.0

    def _is_improvement(self, value, reference):
        if reference is None:
            return True
        return self._sign * (value - self._sign * self.min_delta - reference) > 0

    def on_train_begin(self, logs=None):
        self.wait = self.stopped_epoch = self.best_epoch = 0
        self.best = self.best_weights = None

    def on_epoch_end(self, epoch, logs=None):
        if self._sign is None:
            self._set_sign()
        current = self._monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print("Restoring model weights from the end of the best epoch: "
                      f"{self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)

    def _monitor_value(self, logs):
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(f"Early stopping conditioned on metric `{self.monitor}` which is not "
                          f"available. Available metrics are: {','.join(logs)}", stacklevel=3)
            return None
        return _float(value)


class _PeriodicSaver(Callback):
    """What ``ModelCheckpoint`` and ``BackupAndRestore`` share: ``save_freq`` is ``'epoch'``
    or a number of training batches; every ``save_freq``-th batch calls
    ``_save_batch(batch, logs)`` (the subclass's ``on_epoch_end`` handles ``'epoch'``)."""

    def __init__(self, save_freq):
        super().__init__()
        self.save_freq = save_freq
        self._batches_seen = 0
        self._current_epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if isinstance(self.save_freq, int):
            self._batches_seen += 1
            if self._batches_seen % self.save_freq == 0:
                self._save_batch(batch, logs)

    def _save_batch(self, batch, logs):
        raise NotImplementedError(f"{type(self).__name__} must implement _save_batch")


class ModelCheckpoint(_PeriodicSaver):
    """Saves the model (or its weights) after every epoch, or only when it improved.

    Args:
        filepath: where to save; may hold ``{epoch}``/``{epoch:02d}`` and log names
            (``{val_loss:.2f}``). Ends in ``.keras``, or with ``save_weights_only`` in
            ``.weights.h5`` or ``.safetensors``.
        monitor: quantity compared when ``save_best_only``.
        verbose: 1 prints a message at each save.
        save_best_only: save only when ``monitor`` improved on the best so far.
        save_weights_only: ``model.save_weights`` instead of ``model.save``.
        mode: ``'auto'``, ``'min'`` or ``'max'``.
        save_freq: ``'epoch'`` or a number of batches.
        initial_value_threshold: the best value to beat at the start.

    Example:
        >>> ckpt = nf.keras.callbacks.ModelCheckpoint('ckpt/m_{epoch:02d}.keras')
    """

    _chief_only = True   # under a multi-worker strategy, only rank 0 writes files

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", save_freq="epoch",
                 initial_value_threshold=None):
        super().__init__(save_freq)
        self.filepath, self.monitor, self.verbose = os.fspath(filepath), monitor, verbose
        self.save_best_only, self.save_weights_only = save_best_only, save_weights_only
        if save_freq != "epoch" and not isinstance(save_freq, int):
            raise ValueError(f"Unrecognized save_freq: {save_freq}. Expected save_freq are "
                             "'epoch' or integer values")
        if save_weights_only:
            if not self.filepath.endswith((".weights.h5", ".safetensors")):
                raise ValueError("When using `save_weights_only=True` in `ModelCheckpoint`, the "
                                 "filepath provided must end in `.weights.h5` (Keras weights "
                                 "format) or `.safetensors`. Received: "
                                 f"filepath={self.filepath}")
        elif not self.filepath.endswith(".keras"):
            raise ValueError("The filepath provided must end in `.keras` (Keras model format). "
                             f"Received: filepath={self.filepath}")
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"ModelCheckpoint mode '{mode}' is unknown, fallback to auto mode.",
                          stacklevel=2)
            mode = "auto"
        if mode == "auto":
            mode = "max" if "acc" in monitor or monitor.startswith("fmeasure") else "min"
        self.mode = mode
        self.best = initial_value_threshold if initial_value_threshold is not None else (
            -np.inf if mode == "max" else np.inf)

    def _improved(self, current):
        return current > self.best if self.mode == "max" else current < self.best

    def _save_batch(self, batch, logs):
        self._save(self._current_epoch, batch, _plain(logs))

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._save(epoch, None, logs or {})

    def _path(self, epoch, batch, logs):
        try:
            if batch is None or "batch" in self.filepath:
                return self.filepath.format(epoch=epoch + 1, batch=(batch or 0) + 1, **logs)
            return self.filepath.format(epoch=epoch + 1, **logs)
        except KeyError as error:
            raise KeyError(f'Failed to format this callback filepath: "{self.filepath}". '
                           f"Reason: {error}") from None

    def _save(self, epoch, batch, logs):
        path = self._path(epoch, batch, logs)
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if self.save_best_only:
            current = logs.get(self.monitor)
            if current is None:
                warnings.warn(f"Can save best model only with {self.monitor} available, "
                              "skipping.", stacklevel=3)
                return
            current = _float(current)
            if not self._improved(current):
                if self.verbose > 0:
                    print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from "
                          f"{self.best:.5f}")
                return
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {self.best:.5f} to "
                      f"{current:.5f}, saving model to {path}")
            self.best = current
        elif self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: saving model to {path}")
        if self.save_weights_only:
            self.model.save_weights(path, overwrite=True)
        else:
            self.model.save(path, overwrite=True)


def _plain(logs):
    return {k: _float(v) for k, v in (logs or {}).items()}


def _get_lr(model):
    return _float(model.optimizer.learning_rate)


class ReduceLROnPlateau(Callback):
    """Multiplies the learning rate by ``factor`` when ``monitor`` stops improving.

    Args:
        monitor, mode: the quantity and whether lower (``'min'``) or higher is better.
        factor: new_lr = lr * factor (must be < 1).
        patience: epochs without improvement before reducing.
        min_delta: threshold for counting a change as improvement.
        cooldown: epochs to wait after a reduction before counting again.
        min_lr: lower bound on the learning rate.

    Example:
        >>> nf.keras.callbacks.ReduceLROnPlateau(factor=0.2, patience=5, min_lr=0.001)
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto",
                 min_delta=1e-4, cooldown=0, min_lr=0.0, **kwargs):
        super().__init__()
        if factor >= 1.0:
            raise ValueError("ReduceLROnPlateau does not support a factor >= 1.0. "
                             f"Received factor={factor}")
        self.monitor, self.factor, self.min_lr, self.min_delta = monitor, factor, min_lr, \
            min_delta
        self.patience, self.verbose, self.cooldown = patience, verbose, cooldown
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"Learning rate reduction mode {mode} is unknown, fallback to auto "
                          "mode.", stacklevel=2)
            mode = "auto"
        self.mode = mode
        self._reset()

    def _reset(self):
        self._max = self.mode == "max" or (self.mode == "auto" and "acc" in self.monitor)
        self.best = -np.inf if self._max else np.inf
        self.cooldown_counter = self.wait = 0

    def _better(self, current):
        if self._max:
            return current > self.best + self.min_delta
        return current < self.best - self.min_delta

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        logs["learning_rate"] = _get_lr(self.model)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Learning rate reduction is conditioned on metric `{self.monitor}` "
                          f"which is not available. Available metrics are: {','.join(logs)}.",
                          stacklevel=2)
            return
        current = _float(current)
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self._better(current):
            self.best, self.wait = current, 0
        elif self.cooldown_counter <= 0:
            self.wait += 1
            if self.wait >= self.patience:
                old_lr = _get_lr(self.model)
                if old_lr > np.float32(self.min_lr):
                    new_lr = max(old_lr * self.factor, self.min_lr)
                    self.model.optimizer.learning_rate = new_lr
                    if self.verbose > 0:
                        print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate "
                              f"to {new_lr}.")
                    self.cooldown_counter, self.wait = self.cooldown, 0


class LearningRateScheduler(Callback):
    """Sets the learning rate at each epoch start to ``schedule(epoch, lr)``.

    Example:
        >>> def schedule(epoch, lr):
        ...     return lr if epoch < 10 else lr * 0.9
        >>> nf.keras.callbacks.LearningRateScheduler(schedule)
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule, self.verbose = schedule, verbose

    def on_epoch_begin(self, epoch, logs=None):
        try:
            lr = self.schedule(epoch, _get_lr(self.model))
        except TypeError:   # old-style schedule(epoch)
            lr = self.schedule(epoch)
        if hasattr(lr, "numpy"):
            lr = lr.numpy()
        if not isinstance(lr, (float, int, np.floating, np.integer)):
            raise ValueError(  # noqa: TRY004 (Keras's error type)
                "The output of the `schedule` function should be a float. Got: "
                             f"{lr}")
        self.model.optimizer.learning_rate = float(lr)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to "
                  f"{float(lr)}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = _get_lr(self.model)


class TerminateOnNaN(Callback):
    """Stops training as soon as a batch's loss is NaN or infinite, naming the batch."""

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        loss = _float(loss)
        if math.isnan(loss) or math.isinf(loss):
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True


def _csv_value(value):
    if isinstance(value, str):
        return value
    if hasattr(value, "numpy"):
        value = value.numpy()
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, (list, tuple, np.ndarray)):
        return f'"[{", ".join(map(str, value))}]"'
    return value


class CSVLogger(Callback):
    """Writes each epoch's logs as a row of a CSV file (``epoch`` then the sorted log names).

    Example:
        >>> nf.keras.callbacks.CSVLogger('training.log', append=True)
    """

    _chief_only = True   # under a multi-worker strategy, only rank 0 writes files

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename, self.sep, self.append = os.fspath(filename), separator, append
        self.writer = self.keys = self.csv_file = None
        self.append_header = True

    def on_train_begin(self, logs=None):
        if self.append:
            if os.path.exists(self.filename) and os.path.getsize(self.filename):
                self.append_header = False
            mode = "a"
        else:
            mode = "w"
        self.csv_file = open(self.filename, mode, newline="")   # noqa: SIM115 (closed at end)
        self.writer, self.keys = None, None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
        if self.model is not None and self.model.stop_training:
            logs = {k: logs.get(k, "NA") for k in self.keys}
        if self.writer is None:
            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch"] + self.keys,
                                         delimiter=self.sep)
            if self.append_header:
                self.writer.writeheader()
        row = {"epoch": epoch}
        row.update((k, _csv_value(logs.get(k, "NA"))) for k in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        if self.csv_file is not None:
            self.csv_file.close()
        self.writer = None


class LambdaCallback(Callback):
    """A callback made of plain functions, e.g. ``LambdaCallback(on_epoch_end=lambda e, l: ...)``.

    Any ``on_*`` hook may be given; ``on_epoch_*`` and ``on_*batch*`` take ``(index, logs)``,
    ``on_train_begin``/``on_train_end`` take ``(logs)``.
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None,
                 on_train_end=None, on_train_batch_begin=None, on_train_batch_end=None,
                 **kwargs):
        super().__init__()
        hooks = dict(kwargs, on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end,
                     on_train_begin=on_train_begin, on_train_end=on_train_end,
                     on_train_batch_begin=on_train_batch_begin,
                     on_train_batch_end=on_train_batch_end)
        for name, fn in hooks.items():
            if fn is None:
                continue
            if name not in _HOOKS + ("on_batch_begin", "on_batch_end"):
                raise ValueError(f"LambdaCallback: unknown hook {name!r}")
            setattr(self, name, fn)


class BackupAndRestore(_PeriodicSaver):
    """Backs up the model and optimizer state each epoch so an interrupted ``fit`` resumes.

    Run the same ``fit`` again with the same ``backup_dir``: it restores the weights and the
    optimizer state and continues at the epoch after the last backup. The backup is deleted
    when training finishes (``delete_checkpoint=True``).

    Example:
        >>> cb = nf.keras.callbacks.BackupAndRestore(backup_dir='/tmp/backup')
        >>> model.fit(x, y, epochs=10, callbacks=[cb])
    """

    _chief_only = True   # under a multi-worker strategy, only rank 0 writes files

    def __init__(self, backup_dir, save_freq="epoch", double_checkpoint=False,
                 delete_checkpoint=True):
        super().__init__(save_freq)
        if not backup_dir:
            raise ValueError("Empty `backup_dir` argument passed")
        if save_freq != "epoch" and not isinstance(save_freq, int):
            raise ValueError(f"Invalid value for argument `save_freq`. Received: {save_freq}")
        self.backup_dir = os.fspath(backup_dir)
        self.delete_checkpoint, self.double_checkpoint = delete_checkpoint, double_checkpoint
        self._weights_path = os.path.join(self.backup_dir, "latest.weights.h5")
        self._meta_path = os.path.join(self.backup_dir, "training_metadata.json")

    def on_train_begin(self, logs=None):
        if os.path.exists(self._weights_path) and os.path.exists(self._meta_path):
            self.model.load_weights(self._weights_path)
            with open(self._meta_path) as f:
                meta = json.load(f)
            self.model._initial_epoch = int(meta["epoch"]) + 1
            self._current_epoch = int(meta["epoch"]) + 1

    def _save_batch(self, batch, logs):
        self._backup(self._current_epoch - 1)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._backup(epoch)

    def _backup(self, epoch):
        os.makedirs(self.backup_dir, exist_ok=True)
        self.model.save_weights(self._weights_path, overwrite=True)
        temp = self._meta_path + ".tmp"
        with open(temp, "w") as f:
            json.dump({"epoch": epoch}, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, self._meta_path)

    def on_train_end(self, logs=None):
        self.model._initial_epoch = None
        if self.delete_checkpoint:   # only reached when fit finished without an exception
            for path in (self._weights_path, self._meta_path):
                if os.path.exists(path):
                    os.remove(path)


def _summary_writer(log_dir):
    """A tensorboardX ``SummaryWriter`` (the optional dependency that writes event files)."""
    try:
        from tensorboardX import SummaryWriter  # optional dependency, loaded on use
    except ImportError:
        raise ImportError("The TensorBoard callback writes event files through the optional "
                          "package `tensorboardX`, which is not installed. Install it with "
                          "`pip install tensorboardX` (and `pip install tensorboard` to view "
                          "the logs).") from None
    return SummaryWriter(log_dir)


def _write_model_graph(writer, model):
    """Writes the model's layer graph (one node per layer) as a GraphDef event."""
    from tensorboardX.proto import event_pb2, graph_pb2, node_def_pb2  # optional dependency
    layers, edges = layer_graph(model)
    nodes = [node_def_pb2.NodeDef(
        name=layer.name, op=type(layer).__name__,
        input=[source.name for source, target in edges if target is layer]) for layer in layers]
    graph = graph_pb2.GraphDef(node=nodes)
    writer._get_file_writer().add_event(event_pb2.Event(graph_def=graph.SerializeToString()))


class TensorBoard(Callback):
    """Writes per-epoch scalars (and per-batch ones with ``update_freq``) for TensorBoard.

    Event files go to ``log_dir/train`` and ``log_dir/validation`` through the optional
    ``tensorboardX`` package (an ImportError says how to install it). With ``write_graph``
    the model's layer graph is written too (TensorBoard's Graphs tab); ``histogram_freq``
    adds weight histograms every that many epochs.

    Example:
        >>> tb = nf.keras.callbacks.TensorBoard(log_dir='./logs')
        >>> model.fit(x, y, epochs=5, callbacks=[tb])   # then: tensorboard --logdir ./logs
    """

    _chief_only = True   # under a multi-worker strategy, only rank 0 writes files

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0,
                 embeddings_freq=0, embeddings_metadata=None):
        super().__init__()
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq, self.write_graph = histogram_freq, write_graph
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self.write_steps_per_second = write_steps_per_second
        self._writers = {}
        self._train_step = 0

    def _writer(self, name):
        if name not in self._writers:
            self._writers[name] = _summary_writer(os.path.join(self.log_dir, name))
        return self._writers[name]

    def on_train_begin(self, logs=None):
        writer = self._writer("train")
        if self.write_graph and self.model is not None:
            _write_model_graph(writer, self.model)

    def on_train_batch_end(self, batch, logs=None):
        self._train_step += 1
        if isinstance(self.update_freq, int) and self._train_step % self.update_freq == 0:
            for key, value in _plain(logs).items():
                self._writer("train").add_scalar(f"batch_{key}", value, self._train_step)

    def on_epoch_end(self, epoch, logs=None):
        for key, value in (logs or {}).items():
            if key.startswith("val_"):
                self._writer("validation").add_scalar(f"epoch_{key[4:]}", _float(value), epoch)
            else:
                self._writer("train").add_scalar(f"epoch_{key}", _float(value), epoch)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            for weight in getattr(self.model, "weights", []):
                name = getattr(weight, "path", None) or weight.name
                self._writer("train").add_histogram(name, np.asarray(weight), epoch)
        for writer in self._writers.values():
            writer.flush()

    def on_train_end(self, logs=None):
        for writer in self._writers.values():
            writer.close()
        self._writers = {}


class RemoteMonitor(Callback):
    """Not available: neuroflow has no network access to stream events to."""

    def __init__(self, *args, **kwargs):
        raise NotImplementedError("RemoteMonitor needs network access, which neuroflow does "
                                  "not use; log with CSVLogger or TensorBoard instead.")
