"""Callbacks: History, EarlyStopping, ModelCheckpoint, TerminateOnNaN, and the rest."""

import csv
import io
import os
import sys

import numpy as np
import pytest

import neuroflow as nf

keras = nf.keras
callbacks = keras.callbacks


def _data(n=32, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32")).astype("float32")
    return x, y


def _model(lr=0.05):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"),
                              keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(lr), "mse", metrics=["mae"])
    return model


class _Recorder(callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.events = []

    def on_train_begin(self, logs=None):
        self.events.append("train_begin")

    def on_epoch_begin(self, epoch, logs=None):
        self.events.append(f"epoch_begin {epoch}")

    def on_train_batch_end(self, batch, logs=None):
        self.events.append(f"batch_end {batch}")

    def on_test_begin(self, logs=None):
        self.events.append("test_begin")

    def on_epoch_end(self, epoch, logs=None):
        self.events.append(f"epoch_end {epoch} {sorted(logs)}")

    def on_train_end(self, logs=None):
        self.events.append("train_end")


def test_hooks_run_in_keras_order_with_model_and_params():
    x, y = _data(16)
    model = _model()
    recorder = _Recorder()
    model.fit(x, y, batch_size=8, epochs=2, validation_data=(x, y), callbacks=[recorder],
              verbose=0)
    assert recorder.events == [
        "train_begin", "epoch_begin 0", "batch_end 0", "batch_end 1", "test_begin",
        "epoch_end 0 ['loss', 'mae', 'val_loss', 'val_mae']", "epoch_begin 1", "batch_end 0",
        "batch_end 1", "test_begin", "epoch_end 1 ['loss', 'mae', 'val_loss', 'val_mae']",
        "train_end"]
    assert recorder.model is model
    assert recorder.params == {"verbose": 0, "epochs": 2, "steps": 2}


def test_early_stopping_restores_the_best_weights():
    x, y = _data()
    model = _model()
    seen = []

    class Spoil(callbacks.Callback):
        """Makes val_loss best at epoch 1, then worse, by scaling the weights."""

        def on_epoch_end(self, epoch, logs=None):
            seen.append([w.copy() for w in model.get_weights()])

    stop = callbacks.EarlyStopping(monitor="loss", patience=1, restore_best_weights=True,
                                   verbose=1)
    # A learning rate so large that loss goes up after the first epochs.
    model.compile(keras.optimizers.SGD(0.9), "mse")
    history = model.fit(x, y, epochs=30, callbacks=[stop, Spoil()], verbose=0, shuffle=False)
    losses = history.history["loss"]
    best = int(np.argmin(losses))
    assert len(losses) < 30 and stop.stopped_epoch == len(losses) - 1
    assert stop.best_epoch == best and stop.best == pytest.approx(losses[best])
    for restored, saved in zip(model.get_weights(), seen[best]):
        np.testing.assert_array_equal(restored, saved)


def test_early_stopping_patience_mode_and_baseline():
    stop = callbacks.EarlyStopping(monitor="val_accuracy", patience=2)
    stop.set_model(_model())
    stop.on_train_begin()
    for epoch, value in enumerate([0.5, 0.6, 0.6, 0.59, 0.7]):
        stop.on_epoch_end(epoch, {"val_accuracy": value})
        if stop.model.stop_training:
            break
    assert stop.stopped_epoch == 3           # max mode chosen from the name
    baseline = callbacks.EarlyStopping(monitor="loss", patience=1, baseline=0.1)
    baseline.set_model(_model())
    baseline.on_train_begin()
    baseline.on_epoch_end(0, {"loss": 0.5})
    baseline.on_epoch_end(1, {"loss": 0.4})   # improves, but not below the baseline
    assert not baseline.model.stop_training    # Keras stops only on a non-improving epoch
    baseline.on_epoch_end(2, {"loss": 0.45})
    assert baseline.model.stop_training
    with pytest.warns(UserWarning, match="not available"):
        stop.on_epoch_end(9, {"loss": 1.0})


def test_model_checkpoint_files_per_epoch_and_best_only(tmp_path):
    x, y = _data()
    model = _model()
    pattern = str(tmp_path / "ckpt" / "m_{epoch:02d}_{loss:.2f}.keras")
    model.fit(x, y, epochs=2, callbacks=[callbacks.ModelCheckpoint(pattern)], verbose=0)
    names = sorted(os.listdir(tmp_path / "ckpt"))
    assert [n[:5] for n in names] == ["m_01_", "m_02_"] and all(n.endswith(".keras")
                                                              for n in names)
    restored = keras.saving.load_model(tmp_path / "ckpt" / names[-1])
    np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)
    best = str(tmp_path / "best.weights.h5")
    ckpt = callbacks.ModelCheckpoint(best, monitor="val_loss", save_best_only=True,
                                     save_weights_only=True)
    model.fit(x, y, epochs=2, validation_data=(x, y), callbacks=[ckpt], verbose=0)
    assert os.path.exists(best) and ckpt.best < np.inf
    with pytest.raises(ValueError, match=".weights.h5"):
        callbacks.ModelCheckpoint(str(tmp_path / "x.keras"), save_weights_only=True)
    with pytest.raises(ValueError, match=".keras"):
        callbacks.ModelCheckpoint(str(tmp_path / "x.h5"))


def test_terminate_on_nan_names_the_batch(capsys):
    x, y = _data(32)
    y[20] = np.nan
    model = _model()
    history = model.fit(x, y, batch_size=8, epochs=3, shuffle=False,
                        callbacks=[callbacks.TerminateOnNaN()], verbose=0)
    assert "Batch 2: Invalid loss, terminating training" in capsys.readouterr().out
    assert len(history.history["loss"]) == 1


def test_reduce_lr_on_plateau_and_scheduler():
    x, y = _data()
    model = _model()
    reduce = callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0,
                                         min_delta=10.0)   # never "improves" by 10
    history = model.fit(x, y, epochs=3, callbacks=[reduce], verbose=0)
    # logged before the reduction; the first epoch always improves on +inf
    np.testing.assert_allclose(history.history["learning_rate"], [0.05, 0.05, 0.025],
                               rtol=1e-6)
    scheduler = callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))
    history = model.fit(x, y, epochs=2, callbacks=[scheduler], verbose=0)
    np.testing.assert_allclose(history.history["learning_rate"], [0.1, 0.05], rtol=1e-6)
    with pytest.raises(ValueError):
        callbacks.ReduceLROnPlateau(factor=1.5)


def test_csv_logger_and_lambda_callback(tmp_path):
    x, y = _data()
    model = _model()
    path = tmp_path / "log.csv"
    ends = []
    model.fit(x, y, epochs=2, verbose=0, callbacks=[
        callbacks.CSVLogger(str(path)),
        callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: ends.append(epoch))])
    rows = list(csv.reader(path.read_text().splitlines()))
    assert rows[0] == ["epoch", "loss", "mae"] and [r[0] for r in rows[1:]] == ["0", "1"]
    assert ends == [0, 1]
    model.fit(x, y, epochs=1, verbose=0, callbacks=[callbacks.CSVLogger(str(path),
                                                                        append=True)])
    assert len(path.read_text().splitlines()) == 4


def test_backup_and_restore_resumes_where_training_stopped(tmp_path):
    x, y = _data()

    class Interrupt(callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise RuntimeError("interrupted")

    nf.keras.utils.set_random_seed(3)
    reference = _model()
    start = reference.get_weights()
    reference.fit(x, y, epochs=4, shuffle=False, verbose=0)

    model = _model()
    model.set_weights(start)
    backup = callbacks.BackupAndRestore(str(tmp_path / "backup"))
    with pytest.raises(RuntimeError, match="interrupted"):
        model.fit(x, y, epochs=4, shuffle=False, verbose=0, callbacks=[backup, Interrupt()])
    resumed = _model()        # a fresh process would build the model again
    history = resumed.fit(x, y, epochs=4, shuffle=False, verbose=0,
                          callbacks=[callbacks.BackupAndRestore(str(tmp_path / "backup"))])
    assert history.epoch == [2, 3]
    for a, b in zip(resumed.get_weights(), reference.get_weights()):
        np.testing.assert_array_equal(a, b)      # bit-identical to uninterrupted training
    assert not os.listdir(tmp_path / "backup")       # deleted after success


def test_tensorboard_without_its_writer_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorboardX", None)     # as if not installed
    board = callbacks.TensorBoard(log_dir=str(tmp_path))
    with pytest.raises(ImportError, match="pip install tensorboardX"):
        _model().fit(*_data(8), verbose=0, callbacks=[board])


def test_tensorboard_writes_scalars_and_the_model_graph(tmp_path):
    pytest.importorskip("tensorboardX")
    model = _model()
    model.fit(*_data(8), epochs=2, verbose=0, validation_data=_data(8),
              callbacks=[callbacks.TensorBoard(log_dir=str(tmp_path), histogram_freq=1)])
    assert os.listdir(tmp_path / "train") and os.listdir(tmp_path / "validation")
    tf = pytest.importorskip("tensorflow")
    tags, graph_nodes = set(), []
    for folder in ("train", "validation"):
        for name in os.listdir(tmp_path / folder):
            for event in tf.compat.v1.train.summary_iterator(str(tmp_path / folder / name)):
                tags.update(f"{folder}/{v.tag}" for v in event.summary.value)
                if event.graph_def:
                    graph = tf.compat.v1.GraphDef()
                    graph.ParseFromString(event.graph_def)
                    graph_nodes = [(n.op, list(n.input)) for n in graph.node]
    assert {"train/epoch_loss", "train/epoch_mae", "validation/epoch_loss"} <= tags
    assert [op for op, _ in graph_nodes][-2:] == ["Dense", "Dense"]


def test_progbar_matches_keras_layout(capsys):
    bar = keras.utils.Progbar(10, verbose=2)
    for i in range(10):
        bar.update(i + 1, [("loss", 0.5)])
    out = capsys.readouterr().out
    assert out.startswith("10/10 - 0s - ") and out.endswith(" - loss: 0.5000\n")


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progbar_redraws_in_colour_on_a_terminal(monkeypatch):
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    bar = keras.utils.Progbar(3, verbose=1, interval=0)
    bar.update(1, [("loss", 2.0)])
    bar.update(3, [("loss", 1e-5)], finalize=True)
    out = terminal.getvalue()
    assert "\x1b[1m3/3\x1b[0m \x1b[32m" + "━" * 20 in out and "loss: 1.0000e-05\n" in out
    assert "\r" in out


def test_progbar_writes_one_plain_line_when_not_a_terminal(capsys):
    for _ in range(2):   # two "epochs"
        bar = keras.utils.Progbar(100, verbose=1, interval=0)
        for i in range(100):
            bar.update(i + 1, [("loss", 0.5)])
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\r" not in out and "\b" not in out
    lines = out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("100/100 " + "━" * 20 + " 0s")


def test_callback_list_rejects_non_callbacks():
    with pytest.raises(TypeError, match="Callback"):
        callbacks.CallbackList([object()])
