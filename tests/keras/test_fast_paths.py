"""The fast paths of fit and predict give the same numbers as the general paths."""

import numpy as np

import neuroflow as nf


def _model(seed=0):
    nf.keras.utils.set_random_seed(seed)
    model = nf.keras.Sequential([nf.keras.Input(shape=(6,)),
                                 nf.keras.layers.Dense(8, activation="relu"),
                                 nf.keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def _data(n=100):
    rng = np.random.default_rng(1)
    return rng.normal(size=(n, 6)).astype(np.float32), rng.integers(0, 3, n)


def test_predict_fast_path_matches_call_and_general_path():
    model = _model()
    x, _ = _data(70)
    fast = model.predict(x, verbose=0, batch_size=32)          # 32 + 32 + 6
    general = model.predict(nf.data.Dataset.from_tensor_slices(x).batch(32), verbose=0)
    np.testing.assert_allclose(fast, general, rtol=1e-6)
    np.testing.assert_allclose(fast, model(x).numpy(), rtol=1e-6)
    one = model.predict(x[:1], verbose=0)
    assert one.shape == (1, 3)
    one[0, 0] = 123.0   # the returned array is the caller's own
    assert model.predict(x[:1], verbose=0)[0, 0] != 123.0


def test_fit_fast_path_matches_the_general_loop():
    x, y = _data()
    fast, general = _model(), _model()
    h1 = fast.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    # a sample_weight of ones takes the general loop with the same numbers
    h2 = general.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0,
                     sample_weight=np.ones(len(x), np.float32))
    np.testing.assert_allclose(h1.history["loss"], h2.history["loss"], rtol=1e-5)
    np.testing.assert_allclose(h1.history["accuracy"], h2.history["accuracy"], rtol=1e-6)
    for a, b in zip(fast.get_weights(), general.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_fit_fast_path_calls_batch_hooks():
    seen = []

    class Hook(nf.keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append((batch, sorted(logs)))

    x, y = _data(40)
    _model().fit(x, y, batch_size=16, epochs=1, verbose=0, callbacks=[Hook()])
    assert [b for b, _ in seen] == [0, 1, 2]
    assert seen[0][1] == ["accuracy", "loss"]


def test_fit_fast_path_calls_lambda_callback_batch_hooks():
    calls = []
    hook = nf.keras.callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: calls.append(b))
    x, y = _data(40)
    _model().fit(x, y, batch_size=16, epochs=1, verbose=0, callbacks=[hook])
    assert calls == [0, 1, 2]
