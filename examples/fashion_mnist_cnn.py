"""A small CNN on Fashion-MNIST: Conv2D-MaxPool-Conv2D-MaxPool-Flatten-Dense-Dense."""

from _common import args, data

import neuroflow as tf

opts = args(__doc__)
(x_train, y_train), (x_test, y_test) = data(opts.quick, flat=False)
model = tf.keras.Sequential([
    tf.keras.Input(shape=(28, 28, 1)),
    tf.keras.layers.Conv2D(32, 3, activation='relu'),
    tf.keras.layers.MaxPooling2D(),
    tf.keras.layers.Conv2D(64, 3, activation='relu'),
    tf.keras.layers.MaxPooling2D(),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(128, activation='relu'),
    tf.keras.layers.Dense(10, activation='softmax'),
])
model.summary()
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
model.fit(x_train, y_train, epochs=opts.epochs or (1 if opts.quick else 3), batch_size=64)
print("test accuracy: %.4f" % model.evaluate(x_test, y_test, verbose=0)[1])
