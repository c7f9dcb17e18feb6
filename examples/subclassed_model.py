"""A subclassed Model: layers made in __init__, the math in call()."""

from _common import args, data

import neuroflow as tf


class MLP(tf.keras.Model):
    """784 -> 64 -> 32 -> 10 with dropout, written as a subclass."""

    def __init__(self):
        super().__init__()
        self.hidden1 = tf.keras.layers.Dense(64, activation='relu')
        self.hidden2 = tf.keras.layers.Dense(32, activation='relu')
        self.dropout = tf.keras.layers.Dropout(0.2)
        self.out = tf.keras.layers.Dense(10, activation='softmax')

    def call(self, inputs, training=False):
        x = self.hidden1(inputs)
        x = self.dropout(self.hidden2(x), training=training)
        return self.out(x)


opts = args(__doc__)
(x_train, y_train), (x_test, y_test) = data(opts.quick)
model = MLP()
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
model.fit(x_train, y_train, epochs=opts.epochs or (1 if opts.quick else 3), batch_size=32)
print("test accuracy: %.4f" % model.evaluate(x_test, y_test, verbose=0)[1])
