"""Keras guide "Save, serialize, and export models": .keras round trip, weights-only files,
get_config/from_config, a custom layer registered for serialization."""

import os
import tempfile

import numpy as np

from _common import rounded, seeded_weights


def main(tf):
    out = {}
    keras = tf.keras

    def get_model():
        inputs = keras.Input(shape=(4,))
        x = keras.layers.Dense(5, activation="relu")(inputs)
        outputs = keras.layers.Dense(2)(x)
        model = keras.Model(inputs, outputs)
        model.compile(optimizer="adam", loss="mean_squared_error")
        return model

    model = get_model()
    seeded_weights(model, 7)
    x = np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4)
    reference = model.predict(x, verbose=0)
    out["predict"] = rounded(reference)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "my_model.keras")
        model.save(path)
        reconstructed = keras.models.load_model(path)
        out["reloaded_equal"] = bool(np.allclose(reconstructed.predict(x, verbose=0),
                                                 reference, atol=1e-6))
        weights = os.path.join(tmp, "my.weights.h5")
        model.save_weights(weights)
        other = get_model()
        other.load_weights(weights)
        out["weights_equal"] = bool(np.allclose(other.predict(x, verbose=0), reference,
                                                atol=1e-6))
    config = model.get_config()
    clone = keras.Model.from_config(config)
    out["clone_params"] = clone.count_params()
    clone.set_weights(model.get_weights())
    out["clone_equal"] = bool(np.allclose(clone.predict(x, verbose=0), reference, atol=1e-6))
    sequential = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="d")])
    json_config = sequential.to_json()
    out["from_json_layers"] = [layer.name for layer in
                               keras.models.model_from_json(json_config).layers]
    print(out)
    return out
