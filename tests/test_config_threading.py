"""``nf.config.threading``: TF's thread settings round-trip, reject bad values, and the
intra-op one drives the split kernels (backend/parallel.py)."""

import pytest

import neuroflow as nf
from neuroflow.backend import parallel

threading = nf.config.threading


@pytest.fixture(autouse=True)
def _restore_settings():
    intra = threading.get_intra_op_parallelism_threads()
    inter = threading.get_inter_op_parallelism_threads()
    yield
    threading.set_intra_op_parallelism_threads(intra)
    threading.set_inter_op_parallelism_threads(inter)


def test_defaults_are_zero_meaning_decided_by_the_system():
    assert threading.get_intra_op_parallelism_threads() == 0
    assert threading.get_inter_op_parallelism_threads() == 0


@pytest.mark.parametrize("n", [0, 1, 3, 64])
def test_intra_op_setting_round_trips(n):
    threading.set_intra_op_parallelism_threads(n)
    assert threading.get_intra_op_parallelism_threads() == n


@pytest.mark.parametrize("n", [0, 1, 3, 64])
def test_inter_op_setting_round_trips(n):
    threading.set_inter_op_parallelism_threads(n)
    assert threading.get_inter_op_parallelism_threads() == n


def test_intra_op_setting_is_the_number_of_slices_of_a_split_kernel():
    threading.set_intra_op_parallelism_threads(3)
    assert parallel.threads() == 3
    assert len(parallel.split(lambda start, stop: stop - start, 30)) == 3
    threading.set_intra_op_parallelism_threads(1)
    assert parallel.split(lambda start, stop: stop - start, 30) == [30]


def test_the_two_settings_are_independent():
    threading.set_intra_op_parallelism_threads(2)
    threading.set_inter_op_parallelism_threads(5)
    assert threading.get_intra_op_parallelism_threads() == 2
    assert threading.get_inter_op_parallelism_threads() == 5


@pytest.mark.parametrize("bad", [-1, 1.5, 2.0, "4", None, True])
def test_intra_op_rejects_bad_values_and_keeps_the_setting(bad):
    threading.set_intra_op_parallelism_threads(2)
    with pytest.raises(ValueError):
        threading.set_intra_op_parallelism_threads(bad)
    assert threading.get_intra_op_parallelism_threads() == 2


@pytest.mark.parametrize("bad", [-1, 1.5, 2.0, "4", None])
def test_inter_op_rejects_bad_values_and_keeps_the_setting(bad):
    threading.set_inter_op_parallelism_threads(2)
    with pytest.raises(ValueError):
        threading.set_inter_op_parallelism_threads(bad)
    assert threading.get_inter_op_parallelism_threads() == 2


def test_inter_op_rejects_a_bool_like_intra_op():
    with pytest.raises(ValueError):
        threading.set_inter_op_parallelism_threads(True)
