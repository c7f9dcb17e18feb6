"""Multi-process tests: 2 (and 4, oversubscribed) MPI ranks launched by ``neuroflow launch``.

Each test runs ``mpi_worker.py SCENARIO`` on every rank and compares what rank 0 wrote with
the same training in this single process. Skipped without mpi4py or an mpiexec.
"""

import os
import pathlib
import subprocess
import sys
import time

import numpy as np
import pytest

import neuroflow as nf
from neuroflow import keras

pytest.importorskip("mpi4py")
launch = pytest.importorskip("neuroflow.distribute.launch")
try:
    launch.find_mpiexec()
except FileNotFoundError:
    pytest.skip("no mpiexec installed", allow_module_level=True)

import mpi_worker as worker  # noqa: E402 - after the skips: it imports nothing MPI itself

WORKER = pathlib.Path(__file__).with_name("mpi_worker.py")
SRC = pathlib.Path(nf.__file__).parents[1]


def run_ranks(n, scenario, tmp_path, timeout=120, name="out.npz"):
    """``neuroflow launch -n N mpi_worker.py SCENARIO OUT``: (process, seconds, OUT path)."""
    out = tmp_path / name
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(SRC), str(WORKER.parent)]))
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "neuroflow", "launch", "-n", str(n),
                           str(WORKER), scenario, str(out)], capture_output=True, text=True,
                          timeout=timeout, env=env, check=False)
    return proc, time.monotonic() - start, out


def single_process(epochs=2, shuffle=False, data=None, callbacks=None):
    """The reference: the worker's model trained in one process on the global batches."""
    x, y = worker.data()
    model = worker.make_model(seed=1)
    history = model.fit(data if data is not None else x, None if data is not None else y,
                        batch_size=worker.BATCH, epochs=epochs, shuffle=shuffle, verbose=0,
                        callbacks=callbacks)
    return model, history


def assert_same_weights(got, want):
    assert len(got) == len(want)
    for a, b in zip(got, want):
        np.testing.assert_allclose(np.asarray(a, np.float32), b, rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize("ranks", [2, 4])
def test_fit_on_ranks_equals_one_process(tmp_path, ranks):
    # 4 ranks on this machine's cores: launch oversubscribes.
    proc, _, out = run_ranks(ranks, "fit", tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = np.load(out, allow_pickle=True)
    model, history = single_process()
    assert_same_weights(got["weights"], model.get_weights())
    np.testing.assert_allclose(got["loss"], history.history["loss"], rtol=1e-5)
    np.testing.assert_allclose(got["accuracy"], history.history["accuracy"], rtol=1e-6)
    x, y = worker.data()
    evaluated = model.evaluate(x, y, batch_size=worker.BATCH, verbose=0, return_dict=True)
    np.testing.assert_allclose(got["eval_loss"], evaluated["loss"], rtol=1e-5)
    np.testing.assert_allclose(got["eval_accuracy"], evaluated["accuracy"], rtol=1e-6)
    ds = nf.data.Dataset.from_tensor_slices((x, y)).batch(worker.BATCH)
    assert_same_weights(got["weights_ds"], single_process(epochs=1, data=ds)[0].get_weights())
    # collectives: allgather of rank r's (r+1, 2) block of r's, mean over all elements
    want = np.concatenate([np.full((r + 1, 2), r, np.float32) for r in range(ranks)])
    np.testing.assert_array_equal(got["gathered"], want)
    every = np.concatenate([np.arange(r + 2.0) for r in range(ranks)])
    np.testing.assert_allclose(got["reduced"], every.mean())
    assert got["reduced"].shape == () and got["sum"] == sum(range(1, ranks + 1))
    assert int(got["object"]) == 0 and int(got["size"]) == int(got["replicas"]) == ranks


def test_horovod_style_loop_equals_one_process(tmp_path):
    proc, _, out = run_ranks(2, "custom_loop", tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    x, y = worker.data()
    model = worker.make_model(seed=1)
    optimizer = keras.optimizers.SGD(0.1)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    for start in range(0, worker.SAMPLES, worker.BATCH):
        with nf.GradientTape() as tape:
            loss = loss_fn(y[start:start + worker.BATCH],
                           model(x[start:start + worker.BATCH], training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
    assert_same_weights(np.load(out, allow_pickle=True)["weights"],
                        [v.numpy() for v in model.trainable_variables])


@pytest.mark.parametrize("how", ["raise", "exit"])
def test_a_failing_rank_stops_the_job(tmp_path, how):
    # Rank 1 fails at its third batch of a 50-epoch fit; rank 0 must not wait for it.
    proc, seconds, _ = run_ranks(2, how, tmp_path, timeout=60)
    assert proc.returncode != 0
    assert seconds < 30, f"the job took {seconds:.0f} s to stop"
    if how == "raise":
        assert "RuntimeError: rank 1 failed on purpose" in proc.stderr
        assert "aborting the job" in proc.stderr


def test_a_missing_peer_times_out(tmp_path):
    proc, seconds, _ = run_ranks(2, "hang", tmp_path, timeout=60)
    assert proc.returncode != 0
    assert "DeadlineExceededError" in proc.stderr
    assert "did not complete within 2 s" in proc.stderr
    assert seconds < 30


def test_backup_and_restore_resumes_to_the_uninterrupted_result(tmp_path):
    crashed, _, _ = run_ranks(2, "crash", tmp_path, name="crash.npz")
    assert crashed.returncode != 0 and (tmp_path / "backup").exists()
    proc, _, out = run_ranks(2, "resume", tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = np.load(out, allow_pickle=True)
    assert str(got["epochs"]) == "[2, 3]"          # resumed after the 2 backed-up epochs
    model, _ = single_process(epochs=4)
    assert_same_weights(got["weights"], model.get_weights())
