"""Save a trained model to a .keras file, load it back, and check predictions are identical."""

import os
import tempfile

import numpy as np
from _common import args, data

import neuroflow as tf

opts = args(__doc__)
(x_train, y_train), (x_test, y_test) = data(opts.quick)
model = tf.keras.Sequential([
    tf.keras.Input(shape=(784,)),
    tf.keras.layers.Dense(64, activation='relu'),
    tf.keras.layers.Dense(10, activation='softmax'),
])
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
model.fit(x_train, y_train, epochs=1, batch_size=32, verbose=0)

folder = tempfile.mkdtemp()
path = os.path.join(folder, 'mlp.keras')
model.save(path)
restored = tf.keras.models.load_model(path)
same = np.array_equal(model.predict(x_test, verbose=0), restored.predict(x_test, verbose=0))
print(f"saved to {path} ({os.path.getsize(path)} bytes); identical predictions: {same}")
model.save_weights(os.path.join(folder, 'mlp.weights.h5'))
print("weights saved to", os.path.join(folder, 'mlp.weights.h5'))
