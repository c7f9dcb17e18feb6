"""Keras guide "The Functional API": a multi-input, multi-output model (ticket ranking), shared
layers, model as layer, and one fit step from equal weights."""

import numpy as np

from _common import rounded, seeded_weights

TOLERANCE = (1e-4, 1e-5)   # two epochs of float32 sums in a different order
# SGD with momentum, not the guide's Adam: TF hands Embedding gradients to Keras's Adam as
# IndexedSlices whose repeated token rows are squared one by one (sum g_i^2 where dense math has
# (sum g_i)^2); neuroflow's gradients are dense. Updates linear in the gradient agree exactly.


def main(tf):
    out = {}
    keras, layers = tf.keras, tf.keras.layers
    num_tags, num_words, num_departments = 6, 50, 3
    title_input = keras.Input(shape=(None,), name="title")
    body_input = keras.Input(shape=(None,), name="body")
    tags_input = keras.Input(shape=(num_tags,), name="tags")
    title_features = layers.Embedding(num_words, 8)(title_input)
    body_features = layers.Embedding(num_words, 8)(body_input)
    title_features = layers.GlobalAveragePooling1D()(title_features)
    body_features = layers.GlobalAveragePooling1D()(body_features)
    x = layers.concatenate([title_features, body_features, tags_input])
    priority_pred = layers.Dense(1, name="priority")(x)
    department_pred = layers.Dense(num_departments, name="department")(x)
    model = keras.Model(inputs=[title_input, body_input, tags_input],
                        outputs={"priority": priority_pred, "department": department_pred})
    out["params"] = model.count_params()
    out["n_layers"] = len(model.layers)
    seeded_weights(model, 3)
    rng = np.random.default_rng(0)
    title = rng.integers(num_words, size=(32, 5))
    body = rng.integers(num_words, size=(32, 7))
    tags = rng.integers(2, size=(32, num_tags)).astype("float32")
    priority = rng.random((32, 1)).astype("float32")
    # One-hot departments (the guide draws multi-hot ones): TF's softmax cross-entropy gradient
    # is softmax - labels, right only for labels summing to 1; neuroflow's is exact for any.
    dept = np.eye(num_departments, dtype="float32")[rng.integers(num_departments, size=32)]
    model.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.9),
                  loss={"priority": keras.losses.BinaryCrossentropy(from_logits=True),
                        "department": keras.losses.CategoricalCrossentropy(from_logits=True)},
                  loss_weights={"priority": 1.0, "department": 0.2})
    history = model.fit({"title": title, "body": body, "tags": tags},
                        {"priority": priority, "department": dept},
                        epochs=2, batch_size=16, shuffle=False, verbose=0)
    out["loss"] = rounded(history.history["loss"], 5)
    encoder_input = keras.Input(shape=(4,), name="img")
    hidden = layers.Dense(3, activation="relu")(encoder_input)
    encoder = keras.Model(encoder_input, hidden, name="encoder")
    decoder_input = keras.Input(shape=(3,))
    decoder = keras.Model(decoder_input, layers.Dense(4)(decoder_input), name="decoder")
    auto_input = keras.Input(shape=(4,))
    autoencoder = keras.Model(auto_input, decoder(encoder(auto_input)))
    seeded_weights(autoencoder, 4)
    out["autoencoder"] = rounded(autoencoder(np.ones((1, 4), np.float32)))
    out["autoencoder_layers"] = [type(layer).__name__ for layer in autoencoder.layers]
    print(out)
    return out
