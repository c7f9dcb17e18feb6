"""Same math, same accuracy: the benchmark models trained the same way in each framework.

Usage: python bench/accuracy.py [--frameworks neuroflow tensorflow torch] [--seeds 2]
Trains the lecture's MLP (5 epochs, batch 32) and the benchmark CNN (1 epoch, batch 64) with
Adam 1e-3 on Fashion-MNIST's 60k training images, in a fresh process per framework and seed,
and prints the test accuracy on its 10k test images (a generated stand-in when the data set is
not installed: then only the agreement between frameworks means anything).
"""

import argparse
import json
import os
import subprocess
import sys

import numpy as np

import workloads

EPOCHS = {"mlp": 5, "cnn": 1}
BATCH = {"mlp": 32, "cnn": 64}


def test_data(flat):
    """Fashion-MNIST's 10k test images (float32 in [0, 1]) and labels, or a stand-in."""
    try:
        x = workloads._idx(os.path.join(workloads.FASHION, "t10k-images-idx3-ubyte.gz"))
        y = workloads._idx(os.path.join(workloads.FASHION, "t10k-labels-idx1-ubyte.gz"))
    except OSError:
        rng = np.random.default_rng(1)
        x, y = rng.integers(0, 256, (10000, 28, 28), dtype=np.uint8), rng.integers(0, 10, 10000)
    x = x.reshape((-1, 784) if flat else (-1, 28, 28, 1)).astype(np.float32) / 255.0
    return x, y.astype(np.int64)


def keras_like(tf, model_name, seed):
    """Test accuracy of the model trained with ``tf``'s Keras (neuroflow or TensorFlow)."""
    tf.keras.utils.set_random_seed(seed)
    flat = model_name == "mlp"
    x, y = workloads.data(flat=flat)
    tx, ty = test_data(flat)
    layers = tf.keras.layers
    if flat:
        model = tf.keras.Sequential([
            tf.keras.Input(shape=(784,)), layers.Dense(64, activation="relu"),
            layers.Dense(32, activation="relu"), layers.Dense(10, activation="softmax")])
    else:
        model = tf.keras.Sequential([
            tf.keras.Input(shape=(28, 28, 1)), layers.Conv2D(32, 3, activation="relu"),
            layers.MaxPooling2D(), layers.Conv2D(64, 3, activation="relu"),
            layers.MaxPooling2D(), layers.Flatten(), layers.Dense(128, activation="relu"),
            layers.Dense(10, activation="softmax")])
    model.compile(optimizer=tf.keras.optimizers.Adam(1e-3),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, batch_size=BATCH[model_name], epochs=EPOCHS[model_name], verbose=0)
    return float(model.evaluate(tx, ty, batch_size=1000, verbose=0)[1])


def torch_accuracy(model_name, seed):
    """Test accuracy of the same model trained with an eager PyTorch loop."""
    import torch

    torch.manual_seed(seed)
    nn = torch.nn
    flat = model_name == "mlp"
    if flat:
        model = nn.Sequential(nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(),
                              nn.Linear(32, 10))
    else:
        model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                              nn.Linear(1600, 128), nn.ReLU(), nn.Linear(128, 10))
    x, y = workloads.data(flat=flat)
    tx, ty = test_data(flat)
    if not flat:
        x, tx = x.transpose(0, 3, 1, 2).copy(), tx.transpose(0, 3, 1, 2).copy()
    x, y, tx = torch.from_numpy(x), torch.from_numpy(y), torch.from_numpy(tx)
    optimizer = torch.optim.Adam(model.parameters(), 1e-3, eps=1e-7)
    loss_fn, batch = nn.CrossEntropyLoss(), BATCH[model_name]
    for _ in range(EPOCHS[model_name]):
        order = torch.randperm(len(x))
        for i in range(0, len(x), batch):
            rows = order[i:i + batch]
            optimizer.zero_grad()
            loss_fn(model(x[rows]), y[rows]).backward()
            optimizer.step()
    with torch.no_grad():
        return float((model(tx).argmax(1).numpy() == ty).mean())


def run_one(framework, model_name, seed):
    if framework == "torch":
        return torch_accuracy(model_name, seed)
    if framework == "tensorflow":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow as tf
    else:
        import neuroflow as tf
    return keras_like(tf, model_name, seed)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frameworks", nargs="+", default=["neuroflow", "tensorflow", "torch"])
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--one", nargs=3, help=argparse.SUPPRESS)   # framework model seed
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], args.one[1], int(args.one[2]))))
        return
    rows = []
    for framework in args.frameworks:
        cells = []
        for model_name in ("mlp", "cnn"):
            scores = []
            for seed in range(args.seeds):
                done = subprocess.run(
                    [sys.executable, __file__, "--one", framework, model_name, str(seed)],
                    capture_output=True, text=True)
                if done.returncode != 0:
                    scores = None
                    break
                scores.append(json.loads(done.stdout.strip().splitlines()[-1]))
            cells.append("-" if scores is None else
                         " / ".join(f"{s:.4f}" for s in scores))
        rows.append(f"| {framework} | {cells[0]} | {cells[1]} |")
    print(f"| framework | MLP, {EPOCHS['mlp']} epochs (seeds) | CNN, {EPOCHS['cnn']} epoch "
          f"(seeds) |\n|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
