"""TF tutorial "Custom layers": layers from scratch with build(), a ResNet identity block of
Conv2D and BatchNormalization composed as a Model, its variables and outputs."""

import numpy as np

from _common import rounded, seeded_weights


def main(tf):
    out = {}
    keras = tf.keras
    layer = keras.layers.Dense(10)
    layer.build((None, 5))
    out["dense_vars"] = [list(v.shape) for v in layer.variables]

    class MyDenseLayer(keras.layers.Layer):
        def __init__(self, num_outputs):
            super().__init__()
            self.num_outputs = num_outputs

        def build(self, input_shape):
            self.kernel = self.add_weight(name="kernel",
                                          shape=[int(input_shape[-1]), self.num_outputs])

        def call(self, inputs):
            return tf.matmul(inputs, self.kernel)

    layer = MyDenseLayer(10)
    layer(tf.zeros([10, 5]))
    out["my_dense_vars"] = [list(v.shape) for v in layer.trainable_variables]

    class ResnetIdentityBlock(keras.Model):
        def __init__(self, kernel_size, filters):
            super().__init__(name="")
            filters1, filters2, filters3 = filters
            self.conv2a = keras.layers.Conv2D(filters1, (1, 1))
            self.bn2a = keras.layers.BatchNormalization()
            self.conv2b = keras.layers.Conv2D(filters2, kernel_size, padding="same")
            self.bn2b = keras.layers.BatchNormalization()
            self.conv2c = keras.layers.Conv2D(filters3, (1, 1))
            self.bn2c = keras.layers.BatchNormalization()

        def call(self, input_tensor, training=False):
            x = self.conv2a(input_tensor)
            x = self.bn2a(x, training=training)
            x = tf.nn.relu(x)
            x = self.conv2b(x)
            x = self.bn2b(x, training=training)
            x = tf.nn.relu(x)
            x = self.conv2c(x)
            x = self.bn2c(x, training=training)
            x += input_tensor
            return tf.nn.relu(x)

    block = ResnetIdentityBlock(1, [1, 2, 3])
    x = np.linspace(-1, 1, 2 * 2 * 3 * 3, dtype=np.float32).reshape(1, 2, 3, 3 * 2)[..., :3]
    block(x)
    seeded_weights(block, 19)
    out["block_n_layers"] = len(block.layers)
    out["block_n_vars"] = len(block.variables)
    out["block_trainable"] = len(block.trainable_variables)
    out["block_inference"] = rounded(block(x, training=False), 5)
    out["block_training"] = rounded(block(x, training=True), 5)
    my_seq = keras.Sequential([keras.layers.Conv2D(1, (1, 1), input_shape=(None, None, 3)),
                               keras.layers.BatchNormalization(),
                               keras.layers.Conv2D(2, 1, padding="same"),
                               keras.layers.BatchNormalization(),
                               keras.layers.Conv2D(3, (1, 1)),
                               keras.layers.BatchNormalization()])
    out["seq_params"] = my_seq.count_params()
    print(out)
    return out
