"""Keras guide "Understanding masking & padding": pad_sequences, Embedding(mask_zero=True),
Masking, compute_mask, and masked LSTM outputs from equal weights."""

import numpy as np

from _common import rounded, seeded_weights


def main(tf):
    out = {}
    keras, layers = tf.keras, tf.keras.layers
    raw_inputs = [[711, 632, 71], [73, 8, 3215, 55, 927], [83, 91, 1, 645, 1253, 927]]
    padded = keras.utils.pad_sequences(raw_inputs, padding="post")
    out["padded"] = padded.tolist()
    embedding = layers.Embedding(input_dim=5000, output_dim=4, mask_zero=True)
    masked_output = embedding(padded)
    out["mask"] = np.asarray(masked_output._keras_mask).tolist()
    out["compute_mask"] = np.asarray(embedding.compute_mask(padded)).tolist()
    unmasked = np.ones((2, 3, 2), np.float32)
    unmasked[0, 1] = 0.0
    masking_layer = layers.Masking()
    masked = masking_layer(unmasked)
    out["masking_mask"] = np.asarray(masked._keras_mask).tolist()
    model = keras.Sequential([keras.Input((None,), dtype="int32"),
                              layers.Embedding(input_dim=20, output_dim=3, mask_zero=True),
                              layers.LSTM(2)])
    seeded_weights(model, 14)
    seqs = np.array([[3, 5, 0, 0], [3, 5, 7, 1]])
    y = model(seqs)
    out["masked_lstm"] = rounded(y)
    short = model(seqs[:1, :2])
    out["mask_equals_truncation"] = bool(np.allclose(y[:1], short, atol=1e-6))
    print(out)
    return out
