"""``timeseries_dataset_from_array``: sliding windows over a series as a batched dataset."""

import numpy as np

from ...data import Dataset

__all__ = ["timeseries_dataset_from_array"]


def _check(sequence_length, sequence_stride, sampling_rate, batch_size, start_index,
           end_index, size):
    for name, value in (("sequence_length", sequence_length),
                        ("sequence_stride", sequence_stride),
                        ("sampling_rate", sampling_rate), ("batch_size", batch_size)):
        if int(value) <= 0:
            raise ValueError(f"`{name}` must be higher than 0. Received: {name}={value}")
    if start_index is not None and not 0 <= start_index < size:
        raise ValueError(f"`start_index` must be 0 <= start_index < len(data). Received: "
                         f"start_index={start_index}")
    if end_index is not None and not (start_index or 0) < end_index <= size:
        raise ValueError(f"`end_index` must be higher than `start_index` and lower or equal "
                         f"to len(data). Received: end_index={end_index}")


def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1,
                                  sampling_rate=1, batch_size=128, shuffle=False, seed=None,
                                  start_index=None, end_index=None):
    """A dataset of sliding windows over ``data`` (and their targets), batched.

    Window ``i`` holds ``data[s, s + r, ..., s + r * (sequence_length - 1)]`` with
    ``s = start_index + i * sequence_stride`` and ``r = sampling_rate``; its target is
    ``targets[s]`` (shift ``targets`` to predict ahead).

    Args:
        data: array (time, ...) of the series.
        targets: array of targets indexed like ``data``, or None (the dataset then yields
            only windows).
        sequence_length: steps per window.
        sequence_stride: steps between the starts of successive windows.
        sampling_rate: steps between the samples inside a window.
        batch_size: windows per batch (None: unbatched windows).
        shuffle: visit the windows in a random order (a new one on each pass).
        seed: seed of that order.
        start_index, end_index: use only ``data[start_index:end_index]``.

    Returns:
        A ``Dataset`` of ``(windows, targets)`` batches, or of windows.

    Example:
        >>> ds = nf.keras.utils.timeseries_dataset_from_array(
        ...     np.arange(10), None, sequence_length=5, batch_size=2)
        >>> next(iter(ds)).numpy()[0]
        array([0, 1, 2, 3, 4])
    """
    data = np.asarray(data)
    targets = None if targets is None else np.asarray(targets)
    _check(sequence_length, sequence_stride, sampling_rate, batch_size or 1, start_index,
           end_index, len(data))
    start = start_index or 0
    stop = len(data) if end_index is None else end_index
    span = sampling_rate * (sequence_length - 1)
    starts = np.arange(0, max(stop - start - span, 0), sequence_stride, dtype=np.int64)
    if targets is not None:
        starts = starts[start + starts < len(targets)]
    offsets = np.arange(0, span + 1, sampling_rate, dtype=np.int64)
    rng = np.random.default_rng(seed)
    step = batch_size or 1

    def make():
        order = rng.permutation(starts) if shuffle else starts
        for first in range(0, len(order), step):
            rows = start + order[first:first + step]
            windows = data[rows[:, None] + offsets]
            if batch_size is None:
                windows, rows = windows[0], rows[0]
            yield windows if targets is None else (windows, targets[rows])

    batches = -(-len(starts) // step)
    return Dataset(make, batches, unknown_batch=batch_size is not None)
