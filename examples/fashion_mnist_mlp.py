"""The lecture's MLP (784-64-32-10) on Fashion-MNIST with the lecture's Adam settings."""

from _common import args, data

import neuroflow as tf

opts = args(__doc__)
(x_train, y_train), (x_test, y_test) = data(opts.quick)
model = tf.keras.Sequential([
    tf.keras.Input(shape=(784,)),
    tf.keras.layers.Dense(64, activation='relu'),
    tf.keras.layers.Dense(32, activation='relu'),
    tf.keras.layers.Dense(10, activation='softmax'),
])
model.compile(optimizer=tf.keras.optimizers.Adam(lr=0.001, beta_1=0.9, beta_2=0.999,
                                                 epsilon=1e-08, decay=0.0),
              loss='sparse_categorical_crossentropy', metrics=['accuracy'])
history = model.fit(x_train, y_train, epochs=opts.epochs or (1 if opts.quick else 5),
                    batch_size=32, validation_data=(x_test, y_test))
print("final test accuracy: %.4f" % history.history['val_accuracy'][-1])
