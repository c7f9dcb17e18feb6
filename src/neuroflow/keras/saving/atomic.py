"""Atomic file writes: a crash at any moment leaves either the old file or the new one."""

import os
import tempfile

__all__ = ["atomic_write"]


def atomic_write(path, data):
    """Writes ``data`` (bytes) to ``path`` atomically.

    The bytes go to a temporary file in the same folder, which is flushed and fsynced, then
    renamed over ``path`` (``os.replace`` is atomic on POSIX and Windows); the folder is
    fsynced too so the rename itself survives a power loss.
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    fd, temp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp",
                                dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.remove(temp)
        raise
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
