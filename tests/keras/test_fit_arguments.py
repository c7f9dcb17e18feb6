"""Bad arguments to ``fit``/``evaluate``/``predict``/``Input``: each raises a clear error
naming the argument (or does what Keras does where Keras gives the value a meaning)."""

import warnings

import numpy as np
import pytest

import neuroflow as nf

keras = nf.keras
X = np.ones((10, 3), "float32")
Y = np.ones((10, 2), "float32")
STRINGS = np.array([["a", "b", "c"]] * 10)


def _model():
    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, keras.layers.Dense(2)(inputs))
    model.compile("sgd", "mse")
    return model


def _strings():
    while True:
        yield np.array([["a", "b", "c"]]), np.ones((1, 2), "float32")


# (case, call on a compiled model, error class, text the message must contain)
BAD = [
    ("x strings", lambda m: m.fit(STRINGS, Y), ValueError, "dtype <U1 for input `x`"),
    ("x objects", lambda m: m.fit(np.full((10, 3), None, object), Y), ValueError,
     "dtype object for input `x`"),
    ("y strings", lambda m: m.fit(X, np.array([["a", "b"]] * 10)), ValueError,
     "for input `y`"),
    ("sample_weight strings", lambda m: m.fit(X, Y, sample_weight=np.array(["a"] * 10)),
     ValueError, "for input `sample_weight`"),
    ("x complex", lambda m: m.fit(X.astype(complex), Y), ValueError, "complex128"),
    ("generator of strings", lambda m: m.fit(_strings(), steps_per_epoch=2), ValueError,
     "for input `x`"),
    ("predict strings", lambda m: m.predict(STRINGS), ValueError, "for input `x`"),
    ("evaluate strings", lambda m: m.evaluate(STRINGS, Y), ValueError, "for input `x`"),
    ("train_on_batch strings", lambda m: m.train_on_batch(STRINGS, Y), ValueError, "`x`"),
    ("predict_on_batch strings", lambda m: m.predict_on_batch(STRINGS), ValueError, "`x`"),
    ("batch_size 0", lambda m: m.fit(X, Y, batch_size=0), ValueError, "`batch_size`"),
    ("batch_size -1", lambda m: m.fit(X, Y, batch_size=-1), ValueError, "`batch_size`"),
    ("batch_size 1.5", lambda m: m.fit(X, Y, batch_size=1.5), TypeError, "`batch_size`"),
    ("batch_size 2.0", lambda m: m.fit(X, Y, batch_size=2.0), TypeError, "`batch_size`"),
    ("batch_size '32'", lambda m: m.fit(X, Y, batch_size="32"), TypeError, "`batch_size`"),
    ("batch_size True", lambda m: m.fit(X, Y, batch_size=True), TypeError, "`batch_size`"),
    ("predict batch_size 0", lambda m: m.predict(X, batch_size=0), ValueError, "`batch_size`"),
    ("evaluate batch_size -2", lambda m: m.evaluate(X, Y, batch_size=-2), ValueError,
     "`batch_size`"),
    ("validation_batch_size 0",
     lambda m: m.fit(X, Y, validation_data=(X, Y), validation_batch_size=0), ValueError,
     "`validation_batch_size`"),
    ("validation_split -0.1", lambda m: m.fit(X, Y, validation_split=-0.1), ValueError,
     "`validation_split`"),
    ("validation_split 1.0", lambda m: m.fit(X, Y, validation_split=1.0), ValueError,
     "`validation_split`"),
    ("validation_split 1.5", lambda m: m.fit(X, Y, validation_split=1.5), ValueError,
     "`validation_split`"),
    ("validation_split '0.1'", lambda m: m.fit(X, Y, validation_split="0.1"), TypeError,
     "`validation_split`"),
    ("validation_split too small for the data",
     lambda m: m.fit(X[:1], Y[:1], validation_split=0.5), ValueError, "validation_split"),
    ("epochs 1.5", lambda m: m.fit(X, Y, epochs=1.5), TypeError, "`epochs`"),
    ("epochs '2'", lambda m: m.fit(X, Y, epochs="2"), TypeError, "`epochs`"),
    ("initial_epoch -1", lambda m: m.fit(X, Y, epochs=2, initial_epoch=-1), ValueError,
     "`initial_epoch`"),
    ("initial_epoch 0.5", lambda m: m.fit(X, Y, initial_epoch=0.5), TypeError,
     "`initial_epoch`"),
    ("steps_per_epoch -1", lambda m: m.fit(X, Y, steps_per_epoch=-1), ValueError,
     "`steps_per_epoch`"),
    ("steps_per_epoch 1.5", lambda m: m.fit(X, Y, steps_per_epoch=1.5), TypeError,
     "`steps_per_epoch`"),
    ("validation_steps -1",
     lambda m: m.fit(X, Y, validation_data=(X, Y), validation_steps=-1), ValueError,
     "`validation_steps`"),
    ("evaluate steps -1", lambda m: m.evaluate(X, Y, steps=-1), ValueError, "`steps`"),
    ("predict steps 'all'", lambda m: m.predict(X, steps="all"), TypeError, "`steps`"),
    ("validation_freq 0", lambda m: m.fit(X, Y, validation_data=(X, Y), validation_freq=0),
     ValueError, "`validation_freq`"),
    ("validation_freq 0.5",
     lambda m: m.fit(X, Y, validation_data=(X, Y), validation_freq=0.5), TypeError,
     "`validation_freq`"),
    ("class_weight list", lambda m: m.fit(X, Y, class_weight=[1, 2]), TypeError,
     "`class_weight`"),
    ("x and y lengths differ", lambda m: m.fit(X, Y[:5]), ValueError, "'y' sizes: 5"),
    ("sample_weight length differs", lambda m: m.fit(X, Y, sample_weight=np.ones(5)),
     ValueError, "'sample_weight' sizes: 5"),
    ("x feature size", lambda m: m.fit(np.ones((10, 4), "float32"), Y), ValueError,
     "expected axis -1"),
    ("y feature size", lambda m: m.fit(X, np.ones((10, 5), "float32")), ValueError,
     "(10, 5)"),
    ("x rank 1", lambda m: m.fit(np.ones(10, "float32"), Y), ValueError, "min_ndim=2"),
    ("x scalar", lambda m: m.fit(np.float32(1.0), Y), ValueError, "scalar"),
    ("x None", lambda m: m.fit(None, Y), ValueError, "`x`"),
    ("predict x None", lambda m: m.predict(None), ValueError, "`x`"),
    ("x a file name", lambda m: m.fit("data.csv", Y), ValueError, "Unrecognized data type"),
    ("x ragged lists", lambda m: m.fit([[1.0, 2.0, 3.0], [1.0, 2.0]], Y[:2]), ValueError,
     "Unrecognized data type"),
    ("x dict with unknown keys", lambda m: m.fit({"nope": X}, Y), ValueError, "nope"),
    ("no targets with a loss", lambda m: m.fit(X), ValueError, "no targets `y`"),
    ("validation_data without targets", lambda m: m.fit(X, Y, validation_data=(X,)),
     ValueError, "no targets `y`"),
    ("validation_data of 4", lambda m: m.fit(X, Y, validation_data=(X, Y, None, None)),
     ValueError, "tuple of length 4"),
    ("y with a dataset", lambda m: m.fit(nf.data.Dataset.from_tensor_slices((X, Y)), Y),
     ValueError, "`y` argument is not supported"),
    ("callbacks not a list", lambda m: m.fit(X, Y, callbacks=object()), TypeError,
     "not iterable"),
    ("callbacks of objects", lambda m: m.fit(X, Y, callbacks=[object()]), TypeError,
     "Callback instances"),
    ("sample_weight rank 2", lambda m: m.fit(X, Y, sample_weight=np.ones((10, 3))),
     ValueError, "broadcast"),
    ("predict on no samples", lambda m: m.predict(np.zeros((0, 3), "float32")), ValueError,
     "no samples"),
]


@pytest.mark.parametrize("case,call,error,text", BAD, ids=[c[0] for c in BAD])
def test_bad_argument_raises_a_clear_error(case, call, error, text):
    model = _model()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(error) as info:
            call(model)
    assert text in str(info.value), str(info.value)


def test_compile_rejects_unknown_names():
    model = _model()
    for kwargs, text in (({"optimizer": "nope", "loss": "mse"}, "optimizer identifier"),
                         ({"optimizer": "sgd", "loss": "nope"}, "loss function identifier"),
                         ({"optimizer": "sgd", "loss": "mse", "metrics": ["nope"]},
                          "metric identifier")):
        with pytest.raises(ValueError, match=text):
            model.compile(**kwargs)


def test_uncompiled_model_cannot_fit_or_evaluate():
    model = keras.Sequential([keras.layers.Dense(1)])
    for call in (lambda: model.fit(X, Y, verbose=0), lambda: model.evaluate(X, Y, verbose=0)):
        with pytest.raises(RuntimeError, match="compile"):
            call()


@pytest.mark.parametrize("shape,text", [((-1,), "negative"), ((3, -5), "negative"),
                                        ((2.5,), "invalid dimension 2.5"),
                                        (("a",), "invalid dimension 'a'")])
def test_input_with_a_bad_dimension(shape, text):
    with pytest.raises(ValueError, match=text):
        keras.Input(shape=shape)


@pytest.mark.parametrize("units", [-1, 0, 2.5, "a"])
def test_dense_units_must_be_positive(units):
    with pytest.raises(ValueError, match="`units`"):
        keras.layers.Dense(units)


def test_nothing_to_train_returns_an_empty_history():
    empty_x, empty_y = np.zeros((0, 3), "float32"), np.zeros((0, 2), "float32")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for kwargs in ({"epochs": 0}, {"epochs": -1}, {"epochs": 2, "initial_epoch": 2}):
            history = _model().fit(X, Y, verbose=0, **kwargs)
            assert isinstance(history, keras.callbacks.History) and history.history == {}
        history = _model().fit(empty_x, empty_y, verbose=0)
        assert isinstance(history, keras.callbacks.History) and history.history == {}
        model = _model()
        assert model.evaluate(empty_x, empty_y, verbose=0) == []   # as Keras: no results
        assert model.evaluate(empty_x, empty_y, verbose=0, return_dict=True) == {}


def test_zero_steps_mean_all_batches_as_in_keras():
    model = _model()
    model.fit(X, Y, verbose=0)   # any loss > 0 shows that steps ran
    history = model.fit(X, Y, steps_per_epoch=0, verbose=0)
    assert history.history["loss"][0] > 0.0
    assert model.evaluate(X, Y, steps=0, verbose=0) == pytest.approx(
        model.evaluate(X, Y, verbose=0))
    assert model.predict(X, steps=0, verbose=0).shape == (10, 2)
    history = model.fit(X, Y, validation_data=(X, Y), validation_steps=0, verbose=0)
    assert history.history["val_loss"][0] > 0.0


def test_bool_inputs_are_cast_to_float32_as_keras():
    model = _model()
    history = model.fit(np.ones((10, 3), bool), Y, verbose=0)
    assert np.isfinite(history.history["loss"][0])
