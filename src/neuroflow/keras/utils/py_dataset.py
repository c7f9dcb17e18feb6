"""``PyDataset`` (Keras 2's ``Sequence``): a Python object that serves batches by index."""

__all__ = ["PyDataset", "Sequence"]


class PyDataset:
    """Base class for datasets that return whole batches: write ``__len__`` (batches per
    epoch) and ``__getitem__(index)`` (one ``(x, y)`` or ``(x, y, sample_weight)`` batch);
    ``on_epoch_end`` runs after every epoch (to reshuffle, say). ``fit``, ``evaluate`` and
    ``predict`` accept it. ``workers``/``use_multiprocessing``/``max_queue_size`` are
    accepted for compatibility; batches are made in the calling thread.

    Example:
        >>> class Batches(nf.keras.utils.PyDataset):
        ...     def __init__(self, x, y, batch_size, **kwargs):
        ...         super().__init__(**kwargs)
        ...         self.x, self.y, self.batch_size = x, y, batch_size
        ...     def __len__(self):
        ...         return -(-len(self.x) // self.batch_size)
        ...     def __getitem__(self, i):
        ...         s = slice(i * self.batch_size, (i + 1) * self.batch_size)
        ...         return self.x[s], self.y[s]
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self.workers, self.use_multiprocessing = workers, use_multiprocessing
        self.max_queue_size = max_queue_size

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __len__")

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    @property
    def num_batches(self):
        """Batches per epoch (``len(self)``)."""
        return len(self)

    def on_epoch_end(self):
        """Called at the end of every epoch; override to reshuffle."""


Sequence = PyDataset
