"""One benchmark workload in one framework, run in a fresh process by ``bench/run.py``.

Usage: python bench/workloads.py FRAMEWORK WORKLOAD [--quick]
Prints one JSON line: {"value": ..., "unit": ..., "rss_mb": ...}.
Frameworks: neuroflow, numpy, torch, tensorflow, jax. Workloads: import, mlp_fit_b32,
mlp_fit_b256, mlp_loop_b32, mlp_loop_b256, cnn_b64, predict_1, predict_10k, gemm.
The MLP is the lecture's 784-64-32-10 (ReLU, softmax, Adam 1e-3, cross-entropy) on
Fashion-MNIST (or a generated stand-in of the same shape); the CNN is
Conv2D(32,3)-MaxPool-Conv2D(64,3)-MaxPool-Flatten-Dense(128)-Dense(10) at batch 64.
"""

import json
import os
import resource
import sys
import time

import numpy as np

QUICK = "--quick" in sys.argv


FASHION = "/usr/share/datasets/fashion-mnist"


def _idx(path):
    import gzip

    with gzip.open(path, "rb") as f:
        raw = f.read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * dims).reshape(shape)


def data(flat=True, n=None):
    """Fashion-MNIST training images (float32 in [0, 1]) and int labels, 60k unless quick.

    Read here without neuroflow so peers' processes import only their own framework; falls
    back to random images of the same shape when the dataset is not installed.
    """
    n = n or (6000 if QUICK else 60000)
    try:
        x = _idx(os.path.join(FASHION, "train-images-idx3-ubyte.gz"))[:n]
        y = _idx(os.path.join(FASHION, "train-labels-idx1-ubyte.gz"))[:n]
    except OSError:
        rng = np.random.default_rng(0)
        x, y = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), rng.integers(0, 10, n)
    x = x.reshape((-1, 784) if flat else (-1, 28, 28, 1)).astype(np.float32)
    x /= 255.0   # in place: the harness itself should not dominate the peak memory
    return x, y.astype(np.int64)


def rss_mb():
    """Peak resident set size of this process in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_epochs(run_epoch, n_samples, epochs=2):
    """Samples/s of the best of ``epochs`` epochs after one warm-up epoch."""
    run_epoch()
    best = float("inf")
    for _ in range(epochs):
        start = time.perf_counter()
        run_epoch()
        best = min(best, time.perf_counter() - start)
    return n_samples / best


def timed_custom_loop(fw, model, loss_fn, optimizer, x, y, batch, feed=None):
    """Samples/s of a TF2 custom training loop over shuffled batches: a ``fw.function`` step
    with ``fw.GradientTape`` (``fw`` is neuroflow or tensorflow); ``feed`` converts each batch
    before the step (default: pass the NumPy arrays as they are)."""

    @fw.function
    def step(xb, yb):
        with fw.GradientTape() as tape:
            loss = loss_fn(yb, model(xb, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    def epoch():
        order = np.random.permutation(len(x))
        xs, ys = x[order], y[order]
        for i in range(0, len(x) - batch + 1, batch):
            xb, yb = xs[i:i + batch], ys[i:i + batch]
            if feed is not None:
                xb, yb = feed(xb), feed(yb)
            step(xb, yb)

    return timed_epochs(epoch, len(x) // batch * batch)


# -- neuroflow ---------------------------------------------------------------------------------
def nf_mlp(nf):
    return nf.keras.Sequential([
        nf.keras.Input(shape=(784,)),
        nf.keras.layers.Dense(64, activation="relu"),
        nf.keras.layers.Dense(32, activation="relu"),
        nf.keras.layers.Dense(10, activation="softmax"),
    ])


def nf_cnn(nf):
    layers = nf.keras.layers
    return nf.keras.Sequential([
        nf.keras.Input(shape=(28, 28, 1)), layers.Conv2D(32, 3, activation="relu"),
        layers.MaxPooling2D(), layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(),
        layers.Flatten(), layers.Dense(128, activation="relu"),
        layers.Dense(10, activation="softmax")])


def neuroflow(workload):
    import neuroflow as nf

    if workload.startswith("mlp_fit") or workload == "cnn_b64":
        batch = int(workload.rsplit("b", 1)[1])
        cnn = workload == "cnn_b64"
        x, y = data(flat=not cnn, n=6400 if cnn else None)
        model = nf_cnn(nf) if cnn else nf_mlp(nf)
        model.compile(optimizer=nf.keras.optimizers.Adam(1e-3),
                      loss="sparse_categorical_crossentropy")  # no metrics, like the loops
        return timed_epochs(lambda: model.fit(x, y, batch_size=batch, epochs=1, verbose=0),
                            len(x))
    if workload.startswith("mlp_loop"):
        batch = int(workload.rsplit("b", 1)[1])
        x, y = data()
        model = nf_mlp(nf)
        loss_fn = nf.keras.losses.SparseCategoricalCrossentropy()
        optimizer = nf.keras.optimizers.Adam(1e-3)
        return timed_custom_loop(nf, model, loss_fn, optimizer, x, y, batch)
    if workload.startswith("predict"):
        model = nf_mlp(nf)
        if workload == "predict_1":
            sample = np.random.rand(1, 784).astype(np.float32)
            model.predict(sample, verbose=0)
            return per_call_us(lambda: model.predict(sample, verbose=0))
        xs = np.random.rand(10000, 784).astype(np.float32)
        model.predict(xs, verbose=0)
        return 10000 / best_seconds(lambda: model.predict(xs, batch_size=10000, verbose=0))
    raise KeyError(workload)


def per_call_us(fn, number=2000):
    """Best-of-5 microseconds per call."""
    return best_seconds(lambda: [fn() for _ in range(number)], 5) / number * 1e6


def best_seconds(fn, repeat=5):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


# -- hand-written NumPy ------------------------------------------------------------------------
def numpy_(workload):
    rng = np.random.default_rng(0)
    sizes = [784, 64, 32, 10]
    params = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        limit = np.sqrt(6 / (a + b))
        params += [rng.uniform(-limit, limit, (a, b)).astype(np.float32),
                   np.zeros(b, np.float32)]
    if workload.startswith("predict"):
        def forward(x):
            h = np.maximum(x @ params[0] + params[1], 0)
            h = np.maximum(h @ params[2] + params[3], 0)
            z = h @ params[4] + params[5]
            e = np.exp(z - z.max(1, keepdims=True))
            return e / e.sum(1, keepdims=True)
        if workload == "predict_1":
            sample = rng.random((1, 784), dtype=np.float32)
            return per_call_us(lambda: forward(sample))
        xs = rng.random((10000, 784), dtype=np.float32)
        return 10000 / best_seconds(lambda: forward(xs))
    if not workload.startswith(("mlp_fit", "mlp_loop")):
        raise KeyError(workload)
    batch = int(workload.rsplit("b", 1)[1])
    x, y = data()
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    state = {"t": 0}

    def step(xb, yb):
        w1, b1, w2, b2, w3, b3 = params
        z1 = xb @ w1 + b1
        h1 = np.maximum(z1, 0)
        z2 = h1 @ w2 + b2
        h2 = np.maximum(z2, 0)
        z3 = h2 @ w3 + b3
        e = np.exp(z3 - z3.max(1, keepdims=True))
        p = e / e.sum(1, keepdims=True)
        g3 = p
        g3[np.arange(len(yb)), yb] -= 1
        g3 /= len(yb)
        gw3, gb3 = h2.T @ g3, g3.sum(0)
        g2 = (g3 @ w3.T) * (z2 > 0)
        gw2, gb2 = h1.T @ g2, g2.sum(0)
        g1 = (g2 @ w2.T) * (z1 > 0)
        gw1, gb1 = xb.T @ g1, g1.sum(0)
        state["t"] += 1
        t = state["t"]
        alpha = 1e-3 * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
        for p_, g, m_, v_ in zip(params, (gw1, gb1, gw2, gb2, gw3, gb3), m, v):
            m_ += (g - m_) * 0.1
            v_ += (g * g - v_) * 0.001
            p_ -= alpha * m_ / (np.sqrt(v_) + 1e-7)

    def epoch():
        order = rng.permutation(len(x))
        xs, ys = x[order], y[order]
        for i in range(0, len(x) - batch + 1, batch):
            step(xs[i:i + batch], ys[i:i + batch])

    return timed_epochs(epoch, len(x) // batch * batch)


# -- PyTorch -----------------------------------------------------------------------------------
def torch_(workload):
    import torch

    torch.set_num_threads(2)
    nn = torch.nn

    def mlp():
        return nn.Sequential(nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(),
                             nn.Linear(32, 10))

    def cnn():
        return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                             nn.Linear(1600, 128), nn.ReLU(), nn.Linear(128, 10))

    if workload.startswith("predict"):
        model = mlp().eval()
        with torch.no_grad():
            if workload == "predict_1":
                sample = torch.rand(1, 784)
                return per_call_us(lambda: torch.softmax(model(sample), 1))
            xs = torch.rand(10000, 784)
            return 10000 / best_seconds(lambda: torch.softmax(model(xs), 1))
    cnn_mode = workload == "cnn_b64"
    if not (cnn_mode or workload.startswith(("mlp_fit", "mlp_loop"))):
        raise KeyError(workload)
    batch = int(workload.rsplit("b", 1)[1])
    x, y = data(flat=not cnn_mode, n=6400 if cnn_mode else None)
    if cnn_mode:
        x = x.transpose(0, 3, 1, 2).copy()
    x, y = torch.from_numpy(x), torch.from_numpy(y)
    model = cnn() if cnn_mode else mlp()
    optimizer = torch.optim.Adam(model.parameters(), 1e-3, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()

    def epoch():
        order = torch.randperm(len(x))
        xs, ys = x[order], y[order]
        for i in range(0, len(x) - batch + 1, batch):
            optimizer.zero_grad()
            loss_fn(model(xs[i:i + batch]), ys[i:i + batch]).backward()
            optimizer.step()

    return timed_epochs(epoch, len(x) // batch * batch)


# -- TensorFlow / Keras ------------------------------------------------------------------------
def tensorflow_(workload):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    def mlp():
        return tf.keras.Sequential([
            tf.keras.Input(shape=(784,)), tf.keras.layers.Dense(64, activation="relu"),
            tf.keras.layers.Dense(32, activation="relu"),
            tf.keras.layers.Dense(10, activation="softmax")])

    if workload.startswith("predict"):
        model = mlp()
        if workload == "predict_1":
            sample = np.random.rand(1, 784).astype(np.float32)
            model.predict(sample, verbose=0)
            return per_call_us(lambda: model.predict(sample, verbose=0), number=50)
        xs = np.random.rand(10000, 784).astype(np.float32)
        model.predict(xs, verbose=0)
        return 10000 / best_seconds(lambda: model.predict(xs, batch_size=10000, verbose=0))
    cnn_mode = workload == "cnn_b64"
    batch = int(workload.rsplit("b", 1)[1])
    x, y = data(flat=not cnn_mode, n=6400 if cnn_mode else None)
    if cnn_mode:
        layers = tf.keras.layers
        model = tf.keras.Sequential([
            tf.keras.Input(shape=(28, 28, 1)), layers.Conv2D(32, 3, activation="relu"),
            layers.MaxPooling2D(), layers.Conv2D(64, 3, activation="relu"),
            layers.MaxPooling2D(), layers.Flatten(), layers.Dense(128, activation="relu"),
            layers.Dense(10, activation="softmax")])
    else:
        model = mlp()
    optimizer = tf.keras.optimizers.Adam(1e-3)
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy()
    if workload.startswith("mlp_loop"):
        return timed_custom_loop(tf, model, loss_fn, optimizer, x, y, batch, feed=tf.constant)
    model.compile(optimizer=optimizer, loss=loss_fn)  # no metrics, like the loops
    return timed_epochs(lambda: model.fit(x, y, batch_size=batch, epochs=1, verbose=0), len(x))


# -- JAX ---------------------------------------------------------------------------------------
def jax_(workload):
    import jax
    import jax.numpy as jnp
    import optax

    if not workload.startswith(("mlp_fit", "mlp_loop", "predict")):
        raise KeyError(workload)
    key = jax.random.PRNGKey(0)
    sizes = [784, 64, 32, 10]
    params = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        key, sub = jax.random.split(key)
        limit = np.sqrt(6 / (a + b))
        params.append((jax.random.uniform(sub, (a, b), minval=-limit, maxval=limit),
                       jnp.zeros(b)))

    def forward(params, x):
        for w, b in params[:-1]:
            x = jax.nn.relu(x @ w + b)
        return x @ params[-1][0] + params[-1][1]

    if workload.startswith("predict"):
        fwd = jax.jit(lambda p, x: jax.nn.softmax(forward(p, x)))
        if workload == "predict_1":
            sample = jnp.asarray(np.random.rand(1, 784).astype(np.float32))
            fwd(params, sample).block_until_ready()
            return per_call_us(lambda: fwd(params, sample).block_until_ready())
        xs = jnp.asarray(np.random.rand(10000, 784).astype(np.float32))
        fwd(params, xs).block_until_ready()
        return 10000 / best_seconds(lambda: fwd(params, xs).block_until_ready())
    batch = int(workload.rsplit("b", 1)[1])
    x, y = data()
    tx = optax.adam(1e-3, eps=1e-7)
    state = {"params": params, "opt": tx.init(params)}

    @jax.jit
    def step(params, opt_state, xb, yb):
        def loss_fn(p):
            logits = forward(p, xb)
            return optax.softmax_cross_entropy_with_integer_labels(logits, yb).mean()
        loss, grads = jax.value_and_grad(loss_fn)(params)
        updates, opt_state = tx.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, loss

    def epoch():
        order = np.random.permutation(len(x))
        xs, ys = x[order], y[order]
        p, o = state["params"], state["opt"]
        for i in range(0, len(x) - batch + 1, batch):
            p, o, loss = step(p, o, xs[i:i + batch], ys[i:i + batch])
        loss.block_until_ready()
        state["params"], state["opt"] = p, o

    return timed_epochs(epoch, len(x) // batch * batch)


FRAMEWORKS = {"neuroflow": ("neuroflow", neuroflow), "numpy": (None, numpy_),
              "torch": ("torch", torch_), "tensorflow": ("tensorflow", tensorflow_),
              "jax": ("jax", jax_)}
UNITS = {"import": "s", "predict_1": "µs", "gemm": "GFLOP/s"}


def gemm_gflops(n=1024):
    """NumPy float32 GEMM throughput (the ceiling every framework's matmuls share here)."""
    a = np.random.rand(n, n).astype(np.float32)
    b = np.random.rand(n, n).astype(np.float32)
    a @ b
    return 2 * n ** 3 / best_seconds(lambda: a @ b) / 1e9


def main():
    framework, workload = sys.argv[1], sys.argv[2]
    module, fn = FRAMEWORKS[framework]
    if workload == "import":  # in a fresh interpreter, best of 5
        import subprocess

        code = ("import time; t = time.perf_counter(); import " + (module or "numpy") +
                "; print(time.perf_counter() - t)")
        value = min(float(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                         text=True, check=True).stdout) for _ in range(5))
    elif workload == "gemm":
        value = gemm_gflops()
    else:
        value = fn(workload)
    print(json.dumps({"value": value, "unit": UNITS.get(workload, "samples/s"),
                      "rss_mb": rss_mb()}))


if __name__ == "__main__":
    main()
