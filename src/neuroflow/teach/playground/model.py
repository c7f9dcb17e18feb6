"""The network a playground configuration describes, built with ``nf.keras`` as the shown
code builds it, and the lecture's optimizer names mapped to Keras optimizers."""

from ... import keras

__all__ = ["build_model", "loss_name", "make_optimizer", "optimizer_code", "regularizer_code"]

# Lecture name -> (Keras class, extra arguments).
_OPTIMIZERS = {
    "SGD": ("SGD", {}), "Momentum": ("SGD", {"momentum": 0.9}),
    "Nesterov": ("SGD", {"momentum": 0.9, "nesterov": True}), "Adagrad": ("Adagrad", {}),
    "RMSprop": ("RMSprop", {}), "Adam": ("Adam", {}),
}


def optimizer_code(name, learning_rate):
    """The Python expression (after ``tf.keras.optimizers.``) of the lecture's optimizer."""
    cls, extra = _OPTIMIZERS[name]
    args = [f"learning_rate={learning_rate!r}"] + [f"{k}={v!r}" for k, v in extra.items()]
    return f"{cls}({', '.join(args)})"


def make_optimizer(name, learning_rate):
    """The Keras optimizer for the lecture's ``name`` (Momentum and Nesterov are SGD's)."""
    cls, extra = _OPTIMIZERS[name]
    return getattr(keras.optimizers, cls)(learning_rate=learning_rate, **extra)


def regularizer_code(kind, rate):
    """``"L2(0.001)"`` or None."""
    return None if kind == "none" or rate == 0 else f"{kind}({rate!r})"


def loss_name(n_classes):
    """Binary cross-entropy for two classes (one sigmoid output), else sparse categorical."""
    return "binary_crossentropy" if n_classes == 2 else "sparse_categorical_crossentropy"


def build_model(config, n_inputs, n_classes):
    """``Sequential``: the hidden ``Dense`` layers of ``config``, then the output layer.

    Weights start from ``GlorotUniform(seed=seed + i)`` per layer, so the page's network and
    the shown program start from the same numbers.
    """
    reg = regularizer_code(config["regularization"], config["regularization_rate"])
    layers = [keras.Input(shape=(n_inputs,))]
    for i, units in enumerate(config["hidden"]):
        layers.append(keras.layers.Dense(
            units, activation=config["activation"], name=f"hidden_{i + 1}",
            kernel_initializer=keras.initializers.GlorotUniform(seed=config["seed"] + i),
            kernel_regularizer=(getattr(keras.regularizers, config["regularization"])(
                config["regularization_rate"]) if reg else None)))
    units, activation = (1, "sigmoid") if n_classes == 2 else (n_classes, "softmax")
    layers.append(keras.layers.Dense(
        units, activation=activation, name="output",
        kernel_initializer=keras.initializers.GlorotUniform(
            seed=config["seed"] + len(config["hidden"]))))
    return keras.Sequential(layers)
