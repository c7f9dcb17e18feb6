"""Run on every rank by tests/distribute/test_mpi.py: ``python mpi_worker.py SCENARIO OUT``.

Each scenario trains or communicates, and rank 0 writes what the test checks to ``OUT``
(an ``.npz``). Nothing here asserts: the test compares against a single-process run.
"""

import json
import os
import sys
import time

import numpy as np

import neuroflow as nf
from neuroflow import keras
from neuroflow.distribute import mpi as hvd

SAMPLES, FEATURES, CLASSES, BATCH = 96, 12, 4, 16


def data():
    """The data every scenario trains on (the same on every rank)."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(SAMPLES, FEATURES)).astype("float32")
    return x, rng.integers(0, CLASSES, SAMPLES)


def make_model(seed):
    """The MLP every scenario trains, initialized from ``seed``."""
    keras.utils.set_random_seed(seed)
    # No BatchNormalization: each rank normalizes by its own batch's statistics (as TF's
    # non-synchronized layer does), which a single process with the global batch does not.
    model = keras.Sequential([keras.Input((FEATURES,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(CLASSES)])
    model.compile(optimizer="adam", metrics=["accuracy"],
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


class Fail(keras.callbacks.Callback):
    """On rank ``rank``, at the end of epoch ``epoch`` (or batch ``batch``): raise, or exit."""

    def __init__(self, rank, how, epoch=None, batch=None):
        super().__init__()
        self.rank, self.how, self.epoch, self.batch = rank, how, epoch, batch

    def _fail(self):
        if hvd.rank() != self.rank:
            return
        if self.how == "exit":
            os._exit(3)
        raise RuntimeError(f"rank {self.rank} failed on purpose")

    def on_train_batch_end(self, batch, logs=None):
        if batch == self.batch:
            self._fail()

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.epoch:
            self._fail()


def fit(out):
    """2-4 ranks: weights, history and evaluate results of a distributed fit; collectives."""
    strategy = nf.distribute.MultiWorkerMirroredStrategy()
    x, y = data()
    with strategy.scope():
        model = make_model(seed=1 + hvd.rank())   # different per rank: rank 0's must win
    history = model.fit(x, y, batch_size=BATCH, epochs=2, shuffle=False, verbose=0)
    evaluated = model.evaluate(x, y, batch_size=BATCH, verbose=0, return_dict=True)
    ds = nf.data.Dataset.from_tensor_slices((x, y)).batch(BATCH)
    with strategy.scope():
        model2 = make_model(seed=1 + hvd.rank())
    model2.fit(ds, epochs=1, verbose=0)
    gathered = hvd.allgather(nf.fill([hvd.rank() + 1, 2], float(hvd.rank())))
    reduced = strategy.reduce("MEAN", nf.constant(np.arange(hvd.rank() + 2.0)), axis=0)
    result = {"weights": model.get_weights(), "weights_ds": model2.get_weights(),
              "loss": history.history["loss"], "accuracy": history.history["accuracy"],
              "eval_loss": evaluated["loss"], "eval_accuracy": evaluated["accuracy"],
              "gathered": gathered.numpy(), "reduced": reduced.numpy(),
              "sum": hvd.allreduce(nf.constant(float(hvd.rank() + 1)), op=hvd.Sum).numpy(),
              "object": hvd.broadcast_object({"rank": hvd.rank()}, 0)["rank"],
              "size": hvd.size(), "replicas": strategy.num_replicas_in_sync}
    if hvd.rank() == 0:
        np.savez(out, **{k: np.asarray(v, dtype=object) if k.startswith("weights")
                         else np.asarray(v) for k, v in result.items()})


def custom_loop(out):
    """A Horovod-style loop: DistributedGradientTape + broadcast_variables, one local batch."""
    x, y = data()
    model = make_model(seed=1 + hvd.rank())
    optimizer = keras.optimizers.SGD(0.1)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    hvd.broadcast_variables(model.variables, root_rank=0)
    rows = slice(hvd.rank() * BATCH // hvd.size(), (hvd.rank() + 1) * BATCH // hvd.size())

    @nf.function
    def step(xb, yb):
        with nf.GradientTape() as tape:
            loss = loss_fn(yb, model(xb, training=True))
        tape = hvd.DistributedGradientTape(tape)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    for start in range(0, SAMPLES, BATCH):
        step(x[start:start + BATCH][rows], y[start:start + BATCH][rows])
    if hvd.rank() == 0:
        np.savez(out, weights=np.asarray(model.trainable_variables and [
            v.numpy() for v in model.trainable_variables], dtype=object))


def fail(out, how):
    """Rank 1 raises (or exits) at its third batch while rank 0 keeps training."""
    strategy = nf.distribute.MultiWorkerMirroredStrategy()
    x, y = data()
    with strategy.scope():
        model = make_model(seed=1)
    model.fit(x, y, batch_size=BATCH, epochs=50, verbose=0,
              callbacks=[Fail(rank=1, how=how, batch=2)])


def hang(out):
    """Rank 1 skips a collective: rank 0's must time out (2 s) instead of waiting forever."""
    hvd.init(timeout=2)
    if hvd.rank() == 1:
        time.sleep(60)
    hvd.allreduce(nf.constant(1.0))


def resume(out, crash):
    """fit with BackupAndRestore; with ``crash``, rank 0 dies after the second epoch."""
    strategy = nf.distribute.MultiWorkerMirroredStrategy()
    x, y = data()
    with strategy.scope():
        model = make_model(seed=1)
    callbacks = [keras.callbacks.BackupAndRestore(os.path.join(os.path.dirname(out), "backup"))]
    if crash:
        callbacks.append(Fail(rank=0, how="raise", epoch=1))
    history = model.fit(x, y, batch_size=BATCH, epochs=4, shuffle=False, verbose=0,
                        callbacks=callbacks)
    if hvd.rank() == 0:
        np.savez(out, weights=np.asarray(model.get_weights(), dtype=object),
                 epochs=np.asarray(json.dumps(history.epoch)))


def main():
    scenario, out = sys.argv[1], sys.argv[2]
    if scenario not in ("hang",):
        hvd.init()
    {"fit": fit, "custom_loop": custom_loop, "raise": lambda o: fail(o, "raise"),
     "exit": lambda o: fail(o, "exit"), "hang": hang,
     "crash": lambda o: resume(o, True), "resume": lambda o: resume(o, False)}[scenario](out)


if __name__ == "__main__":
    main()
