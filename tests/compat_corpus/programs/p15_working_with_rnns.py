"""Keras guide "Working with RNNs": SimpleRNN/LSTM/GRU output shapes, return_sequences,
return_state, initial states, Bidirectional, stacking, outputs from equal weights."""

import numpy as np

from _common import rounded, seeded_weights


def main(tf):
    out = {}
    keras, layers = tf.keras, tf.keras.layers
    model = keras.Sequential([keras.Input(shape=(None,), dtype="int32"),
                              layers.Embedding(input_dim=50, output_dim=8),
                              layers.LSTM(6),
                              layers.Dense(3)])
    seeded_weights(model, 9)
    tokens = np.array([[1, 5, 9, 2, 0], [3, 3, 7, 8, 1]])
    out["lstm_model"] = rounded(model(tokens))
    out["lstm_params"] = model.count_params()
    x = np.linspace(-1, 1, 2 * 5 * 4, dtype=np.float32).reshape(2, 5, 4)
    gru = layers.GRU(3, return_sequences=True)
    seq = keras.Sequential([keras.Input((5, 4)), gru])
    seeded_weights(seq, 10)
    out["gru_sequences"] = rounded(seq(x))
    inp = keras.Input((5, 4))
    whole, state_h, state_c = layers.LSTM(3, return_state=True)(inp)
    state_model = keras.Model(inp, [whole, state_h, state_c])
    seeded_weights(state_model, 11)
    whole, state_h, state_c = state_model(x)
    out["state_h_is_output"] = bool(np.allclose(whole, state_h))
    out["state_c"] = rounded(state_c)
    bi = keras.Sequential([keras.Input((5, 4)),
                           layers.Bidirectional(layers.LSTM(2, return_sequences=True)),
                           layers.Bidirectional(layers.SimpleRNN(2))])
    seeded_weights(bi, 12)
    out["bidirectional"] = rounded(bi(x))
    out["bidirectional_weights"] = [list(w.shape) for w in bi.weights]
    cell_rnn = keras.Sequential([keras.Input((5, 4)), layers.RNN(layers.LSTMCell(3))])
    seeded_weights(cell_rnn, 13)
    out["rnn_cell"] = rounded(cell_rnn(x))
    print(out)
    return out
