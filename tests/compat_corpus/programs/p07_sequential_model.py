"""Keras guide "The Sequential model": building, layers, weights, summary figures, pop,
feature extraction."""

import numpy as np

from _common import rounded, seeded_weights


def main(tf):
    out = {}
    keras = tf.keras
    layers = keras.layers
    model = keras.Sequential([
        layers.Dense(2, activation="relu", name="layer1"),
        layers.Dense(3, activation="relu", name="layer2"),
        layers.Dense(4, name="layer3"),
    ])
    x = np.ones((3, 3), np.float32)
    model(x)
    seeded_weights(model, 1)
    out["y"] = rounded(model(x))
    out["n_layers"] = len(model.layers)
    out["n_weights"] = len(model.weights)
    out["params"] = model.count_params()
    model.pop()
    out["after_pop"] = len(model.layers)
    model = keras.Sequential()
    model.add(keras.Input(shape=(4,)))
    model.add(layers.Dense(2, activation="relu"))
    out["input_shape_weights"] = [list(w.shape) for w in model.weights]
    model = keras.Sequential([
        keras.Input(shape=(250, 250, 3)),
        layers.Conv2D(32, 5, strides=2, activation="relu"),
        layers.Conv2D(32, 3, activation="relu"),
        layers.MaxPooling2D(3),
    ])
    out["conv_output_shape"] = list(model.output_shape)
    model.add(layers.GlobalMaxPooling2D())
    model.add(layers.Dense(10))
    out["conv_params"] = model.count_params()
    initial = keras.Sequential([
        keras.Input(shape=(5,)),
        layers.Dense(4, activation="relu"),
        layers.Dense(3, activation="relu", name="my_intermediate_layer"),
        layers.Dense(2),
    ])
    seeded_weights(initial, 2)
    extractor = keras.Model(inputs=initial.inputs,
                            outputs=initial.get_layer(name="my_intermediate_layer").output)
    features = extractor(np.linspace(-1, 1, 10, dtype=np.float32).reshape(2, 5))
    out["features"] = rounded(features)
    print(out)
    return out
