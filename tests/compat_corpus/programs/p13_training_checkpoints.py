"""TF guide "Training checkpoints": tf.train.Checkpoint of a model and optimizer, a
CheckpointManager keeping the last checkpoints, restore into a fresh object, list_variables."""

import os
import tempfile

import numpy as np

from _common import rounded


def main(tf):
    out = {}

    class Net(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.l1 = tf.keras.layers.Dense(5)

        def call(self, x):
            return self.l1(x)

    def toy_dataset():
        inputs = tf.range(10.0)[:, None]
        labels = inputs * 5.0 + tf.range(5.0)[None, :]
        return tf.data.Dataset.from_tensor_slices(dict(x=inputs, y=labels)).repeat().batch(2)

    def train_step(net, example, optimizer):
        with tf.GradientTape() as tape:
            output = net(example["x"])
            loss = tf.reduce_mean(tf.abs(output - example["y"]))
        variables = net.trainable_variables
        gradients = tape.gradient(loss, variables)
        optimizer.apply_gradients(zip(gradients, variables))
        return loss

    net = Net()
    net(tf.zeros([1, 1]))
    net.set_weights([np.full((1, 5), 0.5, np.float32), np.zeros(5, np.float32)])
    opt = tf.keras.optimizers.Adam(0.1)
    dataset = toy_dataset()
    iterator = iter(dataset)
    with tempfile.TemporaryDirectory() as tmp:
        ckpt = tf.train.Checkpoint(step=tf.Variable(1), optimizer=opt, net=net)
        manager = tf.train.CheckpointManager(ckpt, os.path.join(tmp, "tf_ckpts"), max_to_keep=3)
        losses = []
        for _ in range(50):
            example = next(iterator)
            loss = train_step(net, example, opt)
            ckpt.step.assign_add(1)
            if int(ckpt.step) % 10 == 0:
                manager.save()
                losses.append(float(loss))
        out["losses"] = rounded(losses, 4)
        out["kept"] = len(manager.checkpoints)
        out["latest_is_manager"] = manager.latest_checkpoint == tf.train.latest_checkpoint(
            os.path.join(tmp, "tf_ckpts"))
        new_net = Net()
        new_ckpt = tf.train.Checkpoint(step=tf.Variable(1), net=new_net)
        new_ckpt.restore(manager.latest_checkpoint).expect_partial()
        out["restored_step"] = int(new_ckpt.step)
        out["restored_equal"] = bool(np.allclose(new_net(tf.ones([1, 1])), net(tf.ones([1, 1]))))
        names = [name for name, _ in tf.train.list_variables(manager.latest_checkpoint)]
        out["has_step"] = any(name.startswith("step") for name in names)
    print(out)
    return out
