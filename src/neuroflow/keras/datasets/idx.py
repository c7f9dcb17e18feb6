"""Reading MNIST-style IDX files (raw or gzip-compressed) and finding them on disk."""

import gzip
import os

import numpy as np

__all__ = ["find_file", "idx_arrays", "load_idx_dataset", "read_idx"]

_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: np.dtype(">i2"), 0x0C: np.dtype(">i4"),
           0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}


def read_idx(path):
    """The array stored in an IDX file (``.gz`` files are decompressed).

    The format: two zero bytes, a type code, the number of dimensions, one big-endian uint32
    per dimension, then the values.

    Raises:
        ValueError: when the file is not an IDX file or is truncated.
    """
    opener = gzip.open if str(path).endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            data = f.read()
    except (OSError, EOFError) as error:
        raise ValueError(f"Cannot read IDX file {path}: {error}") from None
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _DTYPES:
        raise ValueError(f"{path} is not an IDX file (bad magic number {data[:4].hex()})")
    dtype, ndim = np.dtype(_DTYPES[data[2]]), data[3]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError(f"{path}: truncated IDX header")
    shape = tuple(int(d) for d in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    count = int(np.prod(shape)) if shape else 1
    if len(data) - header < count * dtype.itemsize:
        raise ValueError(f"{path}: truncated IDX file: expected {count * dtype.itemsize} bytes "
                         f"of data for shape {shape}, found {len(data) - header}")
    array = np.frombuffer(data, dtype=dtype, count=count, offset=header).reshape(shape)
    return array.astype(dtype.newbyteorder("="), copy=True)


def search_dirs(name, system_dir):
    """Folders searched for dataset ``name``, in order."""
    dirs = []
    root = os.environ.get("NEUROFLOW_DATA")
    if root:
        dirs.append(os.path.join(root, name))
    dirs.append(os.path.join(os.path.expanduser("~"), ".neuroflow", "datasets", name))
    if system_dir:
        dirs.append(system_dir)
    return dirs


def find_file(stem, dirs):
    """The path of ``stem`` or ``stem.gz`` in the first folder holding one, else None."""
    for folder in dirs:
        for candidate in (stem + ".gz", stem):
            path = os.path.join(folder, candidate)
            if os.path.isfile(path):
                return path
    return None


def load_idx_dataset(name, system_dir, files, package_hint):
    """``((x_train, y_train), (x_test, y_test))`` from the four IDX ``files``.

    Raises:
        FileNotFoundError: naming the missing files and every folder searched.
    """
    dirs = search_dirs(name, system_dir)
    paths = [find_file(stem, dirs) for stem in files]
    missing = [stem for stem, path in zip(files, paths) if path is None]
    if missing:
        listed = "\n".join(f"  {d}" for d in dirs)
        raise FileNotFoundError(
            f"{name}: cannot find {', '.join(m + '[.gz]' for m in missing)}. Put the four IDX files ({', '.join(f + '.gz' for f in files)}; "
            f"gzip-compressed or raw) in one of these folders:\n{listed}\n"
            f"(set $NEUROFLOW_DATA to use $NEUROFLOW_DATA/{name}/){package_hint}")
    return idx_arrays(name, paths)


def idx_arrays(name, paths):
    """``((x_train, y_train), (x_test, y_test))`` read from the four IDX files ``paths``."""
    x_train, y_train, x_test, y_test = (read_idx(p) for p in paths)
    for x, y, split in ((x_train, y_train, "train"), (x_test, y_test, "test")):
        if x.shape[0] != y.shape[0]:
            raise ValueError(f"{name}: the {split} images ({x.shape[0]}) and labels "
                             f"({y.shape[0]}) differ in number")
    return (x_train, y_train), (x_test, y_test)
