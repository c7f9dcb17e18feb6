"""Allocator tuning: scoped to the block, harmless anywhere."""

import sys

from neuroflow.backend import memory


def test_reuse_freed_memory_is_scoped_and_nests():
    with memory.reuse_freed_memory() as outer:
        assert outer in (True, False)
        assert memory._STATE["depth"] == 1
        with memory.reuse_freed_memory() as inner:
            assert inner in (True, False)
            assert memory._STATE["depth"] == 2
    assert memory._STATE["depth"] == 0
    if not sys.platform.startswith("linux"):
        assert outer is False


def test_a_user_tuned_allocator_is_left_alone(monkeypatch):
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "1000000")
    with memory.reuse_freed_memory() as applied:
        assert applied is False
