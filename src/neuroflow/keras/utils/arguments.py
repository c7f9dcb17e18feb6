"""Checks of the arguments of ``fit``/``evaluate``/``predict``.

Each check names the argument and what it got: a wrong type raises ``TypeError``, a value out
of range ``ValueError``. Where Keras gives a working meaning to an odd value (``steps=0``
means "all batches", as ``steps=None``), the check keeps that meaning.
"""

import numbers

__all__ = ["check_batch_size", "check_epochs", "check_fit_arguments", "check_steps",
           "check_validation_split"]


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_batch_size(value, name="batch_size"):
    """``value`` as a positive int, or None (the default, 32)."""
    if value is None:
        return None
    if not _is_int(value):
        raise TypeError(f"`{name}` must be a positive integer or None, got {value!r} of type "
                        f"{type(value).__name__}")
    if value <= 0:
        raise ValueError(f"`{name}` must be a positive integer or None, got {value}")
    return int(value)


def check_steps(value, name="steps"):
    """``value`` as a positive int, or None for "all batches" (0 also means that, as in
    Keras)."""
    if value is None:
        return None
    if not _is_int(value):
        raise TypeError(f"`{name}` must be a non-negative integer or None, got {value!r} of "
                        f"type {type(value).__name__}")
    if value < 0:
        raise ValueError(f"`{name}` must be a non-negative integer or None, got {value}")
    return int(value) or None


def check_epochs(epochs, initial_epoch):
    """``epochs`` and ``initial_epoch`` as ints (``initial_epoch >= epochs`` trains nothing
    and ``fit`` returns an empty History, as in Keras)."""
    for name, value in (("epochs", epochs), ("initial_epoch", initial_epoch)):
        if not _is_int(value):
            raise TypeError(f"`{name}` must be an integer, got {value!r} of type "
                            f"{type(value).__name__}")
    if initial_epoch < 0:
        raise ValueError(f"`initial_epoch` must be >= 0, got {initial_epoch}")
    return int(epochs), int(initial_epoch)


def check_validation_split(value):
    """``value`` as a float in [0, 1)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"`validation_split` must be a float in [0, 1), got {value!r} of type "
                        f"{type(value).__name__}")
    if not 0.0 <= value < 1.0:
        raise ValueError(f"`validation_split` must be in [0, 1), got {value}")
    return float(value)


def _check_validation_freq(value):
    if not _is_int(value):
        raise TypeError(f"`validation_freq` must be a positive integer, got {value!r}")
    if value <= 0:
        raise ValueError(f"`validation_freq` must be a positive integer, got {value}")


def _check_class_weight(value):
    if value is not None and not isinstance(value, dict):
        raise TypeError("`class_weight` must be a dict {class_index: weight}, got "
                        f"{type(value).__name__}")


def check_fit_arguments(batch_size, epochs, initial_epoch, validation_split, steps_per_epoch,
                        validation_steps, validation_batch_size, validation_freq,
                        class_weight):
    """``fit``'s arguments checked; returns the first seven normalized, in their order."""
    epochs, initial_epoch = check_epochs(epochs, initial_epoch)
    _check_validation_freq(validation_freq)
    _check_class_weight(class_weight)
    return (check_batch_size(batch_size), epochs, initial_epoch,
            check_validation_split(validation_split),
            check_steps(steps_per_epoch, "steps_per_epoch"),
            check_steps(validation_steps, "validation_steps"),
            check_batch_size(validation_batch_size, "validation_batch_size"))
