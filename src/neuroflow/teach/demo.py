"""``neuroflow demo``: the lecture's Sequential model trained on Fashion-MNIST, end to end.

model = Sequential([Dense(64, relu), Dense(32, relu), Dense(10, softmax)]), Adam,
categorical cross-entropy, accuracy; then evaluate, predict, confusion matrix and figures.
"""

import time

import numpy as np

from .. import keras
from . import _plot
from .data import CLASS_NAMES, load


def build_model(optimizer="adam"):
    """The lecture's model: 784 -> 64 (ReLU) -> 32 (ReLU) -> 10 (softmax)."""
    model = keras.Sequential([
        keras.Input(shape=(784,), name="img"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=optimizer, loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def confusion_matrix(y_true, y_pred, n=10):
    """Counts[i, j] of samples of class i predicted as j."""
    counts = np.zeros((n, n), dtype=np.int64)
    np.add.at(counts, (y_true, y_pred), 1)
    return counts


def run(epochs=5, batch_size=32, optimizer="adam", out_dir="neuroflow-demo", limit=None,
        verbose=1, echo=print):
    """Trains, evaluates and draws; returns a dict with history, test accuracy and matrix."""
    (x_train, y_train), (x_test, y_test), source = load(limit, echo)
    echo(f"data: {source}, {len(x_train)} training and {len(x_test)} test images")
    x_train = x_train.reshape(len(x_train), 784).astype(np.float32) / 255.0
    x_test_flat = x_test.reshape(len(x_test), 784).astype(np.float32) / 255.0
    y_train_1hot = keras.utils.to_categorical(y_train, 10)
    y_test_1hot = keras.utils.to_categorical(y_test, 10)
    model = build_model(optimizer)
    if verbose:
        model.summary(print_fn=echo)
    start = time.perf_counter()
    history = model.fit(x_train, y_train_1hot, epochs=epochs, batch_size=batch_size,
                        validation_split=0.1, verbose=verbose)
    seconds = time.perf_counter() - start
    loss, accuracy = model.evaluate(x_test_flat, y_test_1hot, verbose=0)
    predicted = np.argmax(model.predict(x_test_flat, verbose=0), axis=1)
    matrix = confusion_matrix(y_test.astype(np.int64), predicted)
    echo(f"trained {epochs} epochs in {seconds:.1f} s "
         f"({epochs * len(x_train) / seconds:,.0f} samples/s)")
    echo(f"test loss {loss:.4f}, test accuracy {accuracy:.4f}")
    echo("confusion matrix (rows: true class, columns: predicted):")
    echo("             " + " ".join(f"{i:>5d}" for i in range(10)))
    for i, row in enumerate(matrix):
        echo(f"{CLASS_NAMES[i][:11]:>11s}  " + " ".join(f"{v:5d}" for v in row))
    result = {"history": history.history, "test_accuracy": float(accuracy),
              "confusion": matrix, "seconds": seconds}
    plt = _plot.pyplot()
    if plt is None:
        echo(_plot.HINT)
        return result
    _curves(plt, history.history, out_dir, echo)
    _grid(plt, x_test, y_test, predicted, out_dir, echo)
    return result


def _curves(plt, history, out_dir, echo):
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    epochs = range(1, len(history["loss"]) + 1)
    for ax, key, title in ((axes[0], "loss", "Loss (categorical cross-entropy)"),
                           (axes[1], "accuracy", "Accuracy")):
        ax.plot(epochs, history[key], "o-", label="training")
        if "val_" + key in history:
            ax.plot(epochs, history["val_" + key], "s--", label="validation")
        ax.set(title=title, xlabel="epoch", ylabel=key)
        ax.grid(alpha=0.3)
        ax.legend()
    _plot.save(fig, out_dir, "training.png", echo)


def _grid(plt, images, labels, predicted, out_dir, echo, rows=4, cols=8):
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.6, rows * 1.9))
    for ax, image, label, guess in zip(axes.ravel(), images, labels, predicted):
        ax.imshow(image.reshape(28, 28), cmap="gray_r")
        ok = int(label) == int(guess)
        ax.set_title(f"{CLASS_NAMES[guess][:10]}\n({'right' if ok else CLASS_NAMES[label][:10]})",
                     fontsize=7, color="green" if ok else "red")
        ax.axis("off")
    fig.suptitle("Test images with predictions (green: right, red: wrong - true class below)")
    _plot.save(fig, out_dir, "predictions.png", echo)
