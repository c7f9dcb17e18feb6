"""Allocator tuning: applied once, harmless anywhere."""

import sys

from neuroflow.backend import memory


def test_keep_freed_memory_is_idempotent():
    first = memory.keep_freed_memory()
    assert memory.keep_freed_memory() is first
    if sys.platform.startswith("linux"):
        assert first in (True, False)
