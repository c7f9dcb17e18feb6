""""Show the code": the ``tf.keras`` program that builds and trains the page's network."""

from .datasets import FEATURES, IMAGE_DATASETS
from .model import loss_name, optimizer_code, regularizer_code

__all__ = ["program"]


def _layers(config, n_inputs, n_classes):
    reg = regularizer_code(config["regularization"], config["regularization_rate"])
    lines = [f"    tf.keras.Input(shape=({n_inputs},)),"]
    for i, units in enumerate(config["hidden"]):
        args = [str(units), f'activation="{config["activation"]}"', f'name="hidden_{i + 1}"',
                f"kernel_initializer=tf.keras.initializers.GlorotUniform(seed={config['seed'] + i})"]
        if reg:
            args.append(f"kernel_regularizer=tf.keras.regularizers.{reg}")
        lines.append(f"    tf.keras.layers.Dense({', '.join(args)}),")
    units, activation = (1, "sigmoid") if n_classes == 2 else (n_classes, "softmax")
    seed = config["seed"] + len(config["hidden"])
    lines.append(f'    tf.keras.layers.Dense({units}, activation="{activation}", name="output", '
                 f"kernel_initializer=tf.keras.initializers.GlorotUniform(seed={seed})),")
    return lines


def _features(config):
    if config["dataset"] in IMAGE_DATASETS:
        return ["def features(x):", "    return x  # 784 pixels in [0, 1]"]
    columns = ", ".join(FEATURES[n][0] for n in config["features"])
    return ["def features(x):", "    x1, x2 = x[:, 0], x[:, 1]",
            f"    return np.stack([{columns}], axis=1).astype(\"float32\")"]


def program(config, n_inputs, n_classes, epochs):
    """The Python source (``import neuroflow as tf``) of ``config`` trained ``epochs`` epochs."""
    c = config
    return "\n".join([
        f"# The playground's network: {c['dataset']}, hidden layers {c['hidden']}, "
        f"{c['activation']}, {c['optimizer']}.",
        "import numpy as np",
        "import neuroflow as tf",
        "from neuroflow.teach.playground.datasets import make_dataset",
        "",
        "# The same points the page drew (its data set, noise, split and seed).",
        f"(x_train, y_train), (x_test, y_test) = make_dataset(\"{c['dataset']}\", "
        f"n={c['samples']}, noise={c['noise']!r}, train_fraction={c['train_fraction']!r}, "
        f"seed={c['seed']})",
        "",
        *_features(c),
        "",
        "model = tf.keras.Sequential([",
        *_layers(c, n_inputs, n_classes),
        "])",
        f"model.compile(optimizer=tf.keras.optimizers.{optimizer_code(c['optimizer'], c['learning_rate'])},",
        f"              loss=\"{loss_name(n_classes)}\", metrics=[\"accuracy\"])",
        f"model.fit(features(x_train), y_train, batch_size={c['batch_size']}, "
        f"epochs={max(1, epochs)}, verbose=2)",
        "test_loss, test_accuracy = model.evaluate(features(x_test), y_test, verbose=0)",
        "print(f\"test loss {test_loss:.4f}, test accuracy {test_accuracy:.4f}\")",
        "",
    ])
