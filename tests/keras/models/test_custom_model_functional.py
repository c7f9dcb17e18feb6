"""The "customizing fit()" guide: a ``keras.Model`` subclass called as
``CustomModel(inputs, outputs)`` with its own ``train_step``; its dict keys the History."""

import numpy as np
import pytest

import neuroflow as nf

keras = nf.keras


def _data():
    rng = np.random.default_rng(0)
    return rng.standard_normal((64, 4)).astype("float32"), rng.standard_normal(
        (64, 1)).astype("float32")


class CustomModel(keras.Model):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")

    def train_step(self, data):
        x, y = data
        with nf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = nf.reduce_mean(nf.square(y - y_pred))
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        self.loss_tracker.update_state(loss)
        self.mae_metric.update_state(y, y_pred)
        return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result(),
                "extra": loss * 0 + 1}

    @property
    def metrics(self):
        return [self.loss_tracker, self.mae_metric]


def test_subclass_called_functionally_trains_and_keys_history():
    inputs = keras.Input((4,))
    outputs = keras.layers.Dense(1)(inputs)
    model = CustomModel(inputs, outputs)
    assert isinstance(model, CustomModel) and isinstance(model, keras.Model)
    assert model.inputs and model.outputs and len(model.layers) == 2
    model.compile(optimizer="sgd")
    x, y = _data()
    history = model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    assert sorted(history.history) == ["extra", "loss", "mae"]
    assert history.history["extra"] == [1.0, 1.0]
    assert history.history["loss"][1] < history.history["loss"][0]


def test_subclass_with_positional_init_arguments_is_not_functional():
    class Tower(keras.Model):
        def __init__(self, units, activation):
            super().__init__()
            self.dense = keras.layers.Dense(units, activation=activation)

        def call(self, x):
            return self.dense(x)
    model = Tower(3, "relu")
    assert model(np.ones((2, 5), "float32")).shape == (2, 3)
    assert not isinstance(model, keras.models.Functional)
    assert type(model).__name__ == "Tower" and not hasattr(model, "_nodes")


def test_callbacks_begin_hooks_get_a_dict():
    seen = []

    class Spy(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            seen.append(("train", logs))

        def on_epoch_begin(self, epoch, logs=None):
            seen.append(("epoch", logs))

        def on_train_batch_begin(self, batch, logs=None):
            seen.append(("batch", logs))

        def on_test_begin(self, logs=None):
            seen.append(("test", logs))
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    x, y = _data()
    model.fit(x, y, epochs=1, batch_size=32, validation_split=0.25, callbacks=[Spy()],
              verbose=0)
    assert seen and all(logs == {} for _, logs in seen)
    assert {kind for kind, _ in seen} == {"train", "epoch", "batch", "test"}


@pytest.mark.tensorflow
def test_custom_train_step_history_matches_tf_keras():
    tf = pytest.importorskip("tensorflow")
    x, y = _data()

    def build(ns, base):
        class Custom(base):
            def train_step(self, data):
                xb, yb = data
                with ns.GradientTape() as tape:
                    loss = ns.reduce_mean(ns.square(yb - self(xb, training=True)))
                grads = tape.gradient(loss, self.trainable_variables)
                self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
                return {"my_loss": loss}
        inputs = ns.keras.Input((4,))
        return Custom(inputs, ns.keras.layers.Dense(1, kernel_initializer="ones")(inputs))
    ours, theirs = build(nf, keras.Model), build(tf, tf.keras.Model)
    for m in (ours, theirs):
        m.compile(optimizer="sgd")
    h1 = ours.fit(x, y, epochs=2, batch_size=64, shuffle=False, verbose=0).history
    h2 = theirs.fit(x, y, epochs=2, batch_size=64, shuffle=False, verbose=0).history
    assert sorted(h1) == sorted(h2) == ["my_loss"]
    np.testing.assert_allclose(h1["my_loss"], h2["my_loss"], rtol=1e-5)
