"""compile / fit / evaluate / predict: Keras 3's behaviour on tiny synthetic models."""

import re

import numpy as np
import pytest

import neuroflow as nf

keras = nf.keras


def _data(n=64, features=4, seed=0, classes=2):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype("float32")
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype("int64") if classes == 2 else \
        rng.integers(0, classes, size=n)
    return x, y


def _model(units=2, activation="softmax", features=4, seed=0, **dense_kwargs):
    model = keras.Sequential([keras.Input((features,)),
                              keras.layers.Dense(8, activation="relu", **dense_kwargs),
                              keras.layers.Dense(units, activation=activation)])
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(scale=0.5, size=w.shape).astype("float32")
                       for w in model.get_weights()])
    return model


def test_fit_reduces_loss_and_returns_history():
    x, y = _data(128)
    model = _model()
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=5, batch_size=16, verbose=0)
    assert list(history.history) == ["accuracy", "loss"]
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.epoch == [0, 1, 2, 3, 4]
    assert model.history is history
    assert history.params == {"verbose": 0, "epochs": 5, "steps": 8}


def test_history_keys_with_validation_sorted_like_keras():
    x, y = _data()
    model = _model()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["acc"])
    history = model.fit(x, y, epochs=2, validation_split=0.25, verbose=0)
    assert list(history.history) == ["acc", "loss", "val_acc", "val_loss"]


def test_validation_split_takes_the_last_fraction_before_shuffling():
    x, y = _data(40)
    model = _model()
    model.compile(keras.optimizers.SGD(0.0), "sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=1, validation_split=0.25, shuffle=True, verbose=0)
    expected = model.evaluate(x[30:], y[30:], verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(expected, rel=1e-6)
    with pytest.raises(ValueError, match="not sufficient"):
        model.fit(x[:1], y[:1], validation_split=0.5, verbose=0)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_compiled_and_eager_give_the_same_numbers(optimizer):
    x, y = _data(50)
    runs = []
    for eager in (False, True):
        model = _model()
        model.compile(optimizer, "sparse_categorical_crossentropy", metrics=["accuracy"],
                      run_eagerly=eager)
        history = model.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0)
        runs.append((history.history, model.get_weights(), model.train_function))
    (h1, w1, fn1), (h2, w2, fn2) = runs
    for key in h1:
        np.testing.assert_allclose(h1[key], h2[key], rtol=1e-5)
    for a, b in zip(w1, w2):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert hasattr(fn1, "experimental_get_tracing_count")   # an nf.function by default
    assert not hasattr(fn2, "experimental_get_tracing_count")


def test_compiled_train_step_traces_once_per_signature():
    x, y = _data(64)
    model = _model()
    model.compile("sgd", "sparse_categorical_crossentropy")
    model.fit(x, y, epochs=3, batch_size=16, verbose=0)      # every batch has 16 rows
    assert model.train_function.experimental_get_tracing_count() == 1
    model.fit(x[:40], y[:40], epochs=1, batch_size=16, verbose=0)   # a last batch of 8
    assert model.train_function.experimental_get_tracing_count() == 2


def test_length_mismatch_names_both_lengths():
    x, y = _data(10)
    model = _model()
    model.compile("sgd", "sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match=r"'x' sizes: 10\n'y' sizes: 9"):
        model.fit(x, y[:9], verbose=0)


@pytest.mark.parametrize("kwargs, word", [({"optimizer": "adamm"}, "adamm"),
                                          ({"loss": "categorical_crossentropyy"}, "crossentropyy"),
                                          ({"metrics": ["acuracy"]}, "acuracy")])
def test_unknown_names_raise_at_compile_listing_valid_names(kwargs, word):
    args = {"optimizer": "sgd", "loss": "mse"}
    args.update(kwargs)
    with pytest.raises(ValueError, match=word) as info:
        _model().compile(**args)
    assert "Valid" in str(info.value) or "valid" in str(info.value)


@pytest.mark.parametrize("units, activation, loss, labels, expected", [
    (1, "sigmoid", "binary_crossentropy", "binary", "BinaryAccuracy"),
    (3, "softmax", "sparse_categorical_crossentropy", "sparse", "SparseCategoricalAccuracy"),
    (3, "softmax", "categorical_crossentropy", "onehot", "CategoricalAccuracy"),
])
def test_accuracy_is_resolved_from_loss_and_shapes(units, activation, loss, labels, expected):
    x, y = _data(32, classes=3)
    if labels == "binary":
        y = (y > 0).astype("float32").reshape(-1, 1)
    elif labels == "onehot":
        y = keras.utils.to_categorical(y, 3)
    model = _model(units, activation)
    model.compile("sgd", loss, metrics=["accuracy"])
    model.fit(x, y, epochs=1, verbose=0)
    names = {m.name: type(m).__name__ for m in model.metrics}
    assert names["accuracy"] == expected


def test_evaluate_predict_and_single_batch_methods():
    x, y = _data(48)
    model = _model()
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    loss, acc = model.evaluate(x, y, batch_size=10, verbose=0)
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert list(logs) == ["accuracy", "loss"]
    assert logs["loss"] == pytest.approx(loss, rel=1e-5)
    predictions = model.predict(x, batch_size=7, verbose=0)
    assert isinstance(predictions, np.ndarray) and predictions.shape == (48, 2)
    np.testing.assert_allclose(predictions, model(x).numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.predict_on_batch(x[:5]), predictions[:5], rtol=1e-5)
    # Loss over the whole set, weighted by batch sizes: same as one big batch.
    manual = keras.losses.sparse_categorical_crossentropy(y, predictions).numpy().mean()
    assert loss == pytest.approx(manual, rel=1e-5)
    assert 0.0 <= acc <= 1.0
    out = model.train_on_batch(x[:8], y[:8])
    assert len(out) == 2
    logs = model.test_on_batch(x[:8], y[:8], return_dict=True)
    assert set(logs) == {"accuracy", "loss"}


def test_evaluate_without_metrics_returns_a_scalar():
    x, y = _data(16)
    model = _model()
    model.compile("sgd", "sparse_categorical_crossentropy")
    assert isinstance(model.evaluate(x, y, verbose=0), float)


def test_fit_requires_compile():
    with pytest.raises(RuntimeError, match="compile"):
        _model().fit(*_data(8), verbose=0)


def test_inputs_tensors_datasets_and_generators_agree():
    x, y = _data(32)
    results = []
    for kind in ("numpy", "tensor", "dataset", "generator"):
        model = _model()
        model.compile("sgd", "sparse_categorical_crossentropy")
        if kind == "numpy":
            history = model.fit(x, y, batch_size=8, shuffle=False, verbose=0, epochs=2)
        elif kind == "tensor":
            history = model.fit(nf.constant(x), nf.constant(y), batch_size=8, shuffle=False,
                                verbose=0, epochs=2)
        elif kind == "dataset":
            ds = nf.data.Dataset.from_tensor_slices((x, y)).batch(8)
            history = model.fit(ds, verbose=0, epochs=2)
        else:
            def gen():
                while True:
                    for i in range(0, 32, 8):
                        yield x[i:i + 8], y[i:i + 8]
            history = model.fit(gen(), steps_per_epoch=4, verbose=0, epochs=2)
        results.append(history.history["loss"])
    for other in results[1:]:
        np.testing.assert_allclose(other, results[0], rtol=1e-5)


def test_finite_generator_without_steps_runs_one_pass_then_warns():
    x, y = _data(16)
    model = _model()
    model.compile("sgd", "sparse_categorical_crossentropy")
    gen = ((x[i:i + 4], y[i:i + 4]) for i in range(0, 16, 4))
    with pytest.warns(UserWarning, match="ran out of data"):
        history = model.fit(gen, epochs=3, verbose=0)
    assert len(history.history["loss"]) == 1


def test_multi_input_and_multi_output_functional_model():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(24, 3)).astype("float32")
    b = rng.normal(size=(24, 2)).astype("float32")
    y1 = rng.normal(size=(24, 1)).astype("float32")
    y2 = rng.integers(0, 2, size=(24,))
    in_a, in_b = keras.Input((3,), name="a"), keras.Input((2,), name="b")
    h = keras.layers.Concatenate()([in_a, in_b])
    out1 = keras.layers.Dense(1, name="reg")(h)
    out2 = keras.layers.Dense(2, activation="softmax", name="cls")(h)
    model = keras.Model([in_a, in_b], [out1, out2])
    model.compile("adam", loss=["mse", "sparse_categorical_crossentropy"],
                  loss_weights=[1.0, 0.5], metrics=[["mae"], ["accuracy"]])
    history = model.fit({"a": a, "b": b}, [y1, y2], epochs=2, batch_size=8, verbose=0)
    assert set(history.history) == {"loss", "reg_loss", "cls_loss", "reg_mae", "cls_accuracy"}
    total = np.array(history.history["reg_loss"]) + 0.5 * np.array(history.history["cls_loss"])
    np.testing.assert_allclose(history.history["loss"], total, rtol=1e-5)
    p1, p2 = model.predict([a, b], verbose=0)
    assert p1.shape == (24, 1) and p2.shape == (24, 2)
    logs = model.evaluate([a, b], {"reg": y1, "cls": y2}, verbose=0, return_dict=True)
    assert set(logs) == set(history.history)
    values = model.evaluate([a, b], [y1, y2], verbose=0)     # Keras's order
    order = ["loss", "reg_loss", "cls_loss", "cls_accuracy", "reg_mae"]
    np.testing.assert_allclose(values, [logs[k] for k in order], rtol=1e-6)


def test_class_weight_matches_sample_weight():
    x, y = _data(32)
    losses = []
    for weighting in ("class", "sample"):
        model = _model()
        model.compile("sgd", "sparse_categorical_crossentropy")
        if weighting == "class":
            h = model.fit(x, y, class_weight={0: 1.0, 1: 3.0}, shuffle=False, verbose=0)
        else:
            h = model.fit(x, y, sample_weight=np.where(y == 1, 3.0, 1.0), shuffle=False,
                          verbose=0)
        losses.append(h.history["loss"])
    np.testing.assert_allclose(losses[0], losses[1], rtol=1e-6)


def test_weighted_metrics_use_sample_weight_and_metrics_do_not():
    x, y = _data(32)
    model = _model()
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"],
                  weighted_metrics=["accuracy"])
    weights = np.zeros(32)
    weights[:4] = 1.0
    logs = model.evaluate(x, y, sample_weight=weights, verbose=0, return_dict=True)
    correct = (model.predict(x, verbose=0).argmax(-1) == y)
    assert logs["accuracy"] == pytest.approx(correct.mean())
    assert logs["weighted_accuracy"] == pytest.approx(correct[:4].mean())
    assert list(logs) == ["accuracy", "loss", "weighted_accuracy"]


def test_regularization_losses_join_the_training_loss():
    x, y = _data(16)
    model = _model(kernel_regularizer=keras.regularizers.l2(0.1))
    model.compile(keras.optimizers.SGD(0.0), "sparse_categorical_crossentropy")
    history = model.fit(x, y, batch_size=16, verbose=0)
    penalty = 0.1 * float(np.sum(model.layers[0].kernel.numpy() ** 2))
    plain = keras.losses.sparse_categorical_crossentropy(y, model(x)).numpy().mean()
    assert history.history["loss"][0] == pytest.approx(plain + penalty, rel=1e-5)


def test_verbose_2_prints_one_line_per_epoch(capsys):
    x, y = _data(64)
    model = _model()
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=2, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2"
    assert re.fullmatch(r"2/2 - \d+s - \d+(ms|us|s)/step - accuracy: \d\.\d{4} - "
                        r"loss: \d\.\d{4}", lines[1]), lines[1]


def test_verbose_1_draws_the_keras_bar(capsys):
    x, y = _data(64)
    model = _model()
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=1, verbose=1)
    out = capsys.readouterr().out
    assert "Epoch" not in out      # Keras prints "Epoch i/n" only when epochs > 1
    final = out.split("\r")[-1]
    plain = re.sub(r"\x1b\[\d+m", "", final)
    # Like Keras, the bar pads with spaces when the previous (step 1) line was longer, e.g.
    # "12ms/step" then "9ms/step": timing-dependent, so trailing spaces are allowed.
    assert re.fullmatch(r"2/2 ━{20} \d+s \d+(ms|us|s)/step - accuracy: \d\.\d{4} - "
                        r"loss: \d\.\d{4} *\n", plain), repr(plain)
    model.fit(x, y, epochs=1, verbose=0)
    assert capsys.readouterr().out == ""


def test_initial_epoch_and_steps_per_epoch():
    x, y = _data(64)
    model = _model()
    model.compile("sgd", "sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=3, initial_epoch=1, steps_per_epoch=2, batch_size=8,
                        verbose=0)
    assert history.epoch == [1, 2]
    assert history.params["steps"] == 2


def test_validation_freq_and_validation_data():
    x, y = _data(32)
    model = _model()
    model.compile("sgd", "sparse_categorical_crossentropy")
    history = model.fit(x, y, validation_data=(x[:8], y[:8]), epochs=2, validation_freq=2,
                        verbose=0)
    assert len(history.history["val_loss"]) == 1
    ds = nf.data.Dataset.from_tensor_slices((x[:8], y[:8])).batch(4)
    history = model.fit(x, y, validation_data=ds, epochs=1, verbose=0)
    assert "val_loss" in history.history


def test_custom_train_step_is_used():
    class Counting(keras.Sequential):
        calls = 0

        def train_step(self, data):
            Counting.calls += 1
            return super().train_step(data)

    x, _ = _data(16)
    model = Counting([keras.Input((4,)), keras.layers.Dense(2)])
    model.compile("sgd", "mse", run_eagerly=True)
    model.fit(x, np.zeros((16, 2), "float32"), batch_size=4, verbose=0)
    assert Counting.calls == 4


@pytest.mark.tensorflow
@pytest.mark.parametrize("optimizer", ["sgd", "adam", "rmsprop"])
def test_fit_matches_tensorflow(optimizer):
    tf = pytest.importorskip("tensorflow")
    x, y = _data(96, features=6, classes=3)
    y_onehot = keras.utils.to_categorical(y, 3)
    model = _model(3, features=6)
    weights = model.get_weights()
    model.compile(optimizer, "categorical_crossentropy", metrics=["accuracy"])
    ours = model.fit(x, y_onehot, batch_size=16, epochs=3, shuffle=False, verbose=0,
                     validation_split=0.25).history
    ref = tf.keras.Sequential([tf.keras.Input((6,)),
                               tf.keras.layers.Dense(8, activation="relu"),
                               tf.keras.layers.Dense(3, activation="softmax")])
    ref.set_weights(weights)
    ref.compile(optimizer, "categorical_crossentropy", metrics=["accuracy"])
    theirs = ref.fit(x, y_onehot, batch_size=16, epochs=3, shuffle=False, verbose=0,
                     validation_split=0.25).history
    assert list(ours) == list(theirs)
    for key in theirs:
        np.testing.assert_allclose(ours[key], theirs[key], rtol=2e-5, atol=1e-6)
    np.testing.assert_allclose(model.predict(x, verbose=0), ref.predict(x, verbose=0),
                               rtol=1e-4, atol=1e-6)


@pytest.mark.tensorflow
def test_weights_regularizers_and_weighted_metrics_match_tensorflow():
    tf = pytest.importorskip("tensorflow")
    x, y = _data(64, features=6, classes=3)
    sample_weight = np.linspace(0.0, 2.0, 64).astype("float32")
    histories = []
    for lib in (keras, tf.keras):
        model = lib.Sequential([
            lib.Input((6,)),
            lib.layers.Dense(8, activation="relu", kernel_regularizer=lib.regularizers.l2(0.01)),
            lib.layers.Dense(3, activation="softmax")])
        model.set_weights(_model(3, features=6).get_weights())
        model.compile(lib.optimizers.Adam(0.01), "sparse_categorical_crossentropy",
                      metrics=["accuracy"], weighted_metrics=["accuracy"])
        h = model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0,
                      sample_weight=sample_weight, validation_data=(x[:16], y[:16]))
        h2 = model.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0,
                       class_weight={0: 0.5, 1: 2.0, 2: 1.0})
        histories.append((h.history, h2.history))
    (ours, ours2), (theirs, theirs2) = histories
    assert list(ours) == list(theirs), (list(ours), list(theirs))
    for mine, ref in ((ours, theirs), (ours2, theirs2)):
        for key in ref:
            np.testing.assert_allclose(mine[key], ref[key], rtol=2e-5, atol=1e-6,
                                       err_msg=key)


def test_py_dataset_batches_and_epoch_end_hook():
    x, y = _data(20)

    class Batches(keras.utils.PyDataset):
        def __init__(self):
            super().__init__()
            self.ends = 0

        def __len__(self):
            return 3

        def __getitem__(self, index):
            return x[index * 8:(index + 1) * 8], y[index * 8:(index + 1) * 8]

        def on_epoch_end(self):
            self.ends += 1

    data = Batches()
    model = _model()
    model.compile("sgd", "sparse_categorical_crossentropy")
    history = model.fit(data, epochs=2, verbose=0)
    assert history.params["steps"] == 3 and data.ends == 2
    reference = _model()
    reference.compile("sgd", "sparse_categorical_crossentropy")
    expected = reference.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"], expected.history["loss"], rtol=1e-5)
    assert model.predict(data, verbose=0).shape == (20, 2)


def test_blas_threads_follow_the_size_of_the_products():
    from neuroflow.backend import parallel

    layers = nf.keras.layers
    mlp = nf.keras.Sequential([nf.keras.Input((784,)), layers.Dense(64), layers.Dense(10)])
    assert mlp._blas_thread_limit(32) == 1            # 32 x 784 x 64: a second thread loses
    assert mlp._blas_thread_limit(256) is None        # 256 x 784 x 64: all cores
    assert mlp._blas_thread_limit(None) == 1          # unknown batch (a dataset): one
    cnn = nf.keras.Sequential([nf.keras.Input((8, 8, 1)), layers.Conv2D(4, 3),
                               layers.Flatten(), layers.Dense(2)])
    before = parallel.get_threads()
    try:
        parallel.set_threads(2)
        assert cnn._blas_thread_limit(64) == 1        # the kernels split the batch instead
        parallel.set_threads(1)
        assert cnn._blas_thread_limit(64) is None     # no split: BLAS may use the cores
    finally:
        parallel.set_threads(before)
