"""TF guide "Introduction to modules, layers, and models": tf.Module, name scopes, variables."""

import numpy as np

from _common import rounded


def main(tf):
    out = {}

    class SimpleModule(tf.Module):
        def __init__(self, name=None):
            super().__init__(name=name)
            self.a_variable = tf.Variable(5.0, name="train_me")
            self.non_trainable_variable = tf.Variable(5.0, trainable=False, name="do_not_train_me")

        def __call__(self, x):
            return self.a_variable * x + self.non_trainable_variable

    simple_module = SimpleModule(name="simple")
    out["call"] = float(simple_module(tf.constant(5.0)))
    out["trainable"] = [v.name for v in simple_module.trainable_variables]
    out["all"] = sorted(v.name for v in simple_module.variables)

    class Dense(tf.Module):
        def __init__(self, in_features, out_features, seed, name=None):
            super().__init__(name=name)
            rng = np.random.default_rng(seed)
            self.w = tf.Variable(rng.standard_normal((in_features, out_features)).astype(
                np.float32), name="w")
            self.b = tf.Variable(tf.zeros([out_features]), name="b")

        def __call__(self, x):
            y = tf.matmul(x, self.w) + self.b
            return tf.nn.relu(y)

    class SequentialModule(tf.Module):
        def __init__(self, name=None):
            super().__init__(name=name)
            self.dense_1 = Dense(in_features=3, out_features=3, seed=1)
            self.dense_2 = Dense(in_features=3, out_features=2, seed=2)

        def __call__(self, x):
            return self.dense_2(self.dense_1(x))

    my_model = SequentialModule(name="the_model")
    out["model"] = rounded(my_model(tf.constant([[2.0, 2.0, 2.0]])))
    out["submodules"] = len(my_model.submodules)
    out["n_variables"] = len(my_model.variables)
    out["module_name"] = my_model.name

    class FlexibleDense(tf.Module):
        def __init__(self, out_features, name=None):
            super().__init__(name=name)
            self.is_built = False
            self.out_features = out_features

        @tf.Module.with_name_scope
        def __call__(self, x):
            if not self.is_built:
                self.w = tf.Variable(tf.ones([x.shape[-1], self.out_features]), name="w")
                self.b = tf.Variable(tf.zeros([self.out_features]), name="b")
                self.is_built = True
            return tf.matmul(x, self.w) + self.b

    flexible = FlexibleDense(2, name="flex")
    out["flexible"] = rounded(flexible(tf.constant([[1.0, 2.0, 3.0, 4.0]])))
    out["scoped_name"] = flexible.w.name
    print(out)
    return out
