"""Flattening and rebuilding nested lists, tuples and dicts of tensors (like ``tf.nest``)."""


def is_nested(structure):
    """True for lists, tuples and dicts (the containers ``flatten`` walks into)."""
    return isinstance(structure, (list, tuple, dict))


def _is_composite(x):
    """A value made of tensors (``nf.TensorArray``): it flattens into ``_nest_components()``
    and is rebuilt by ``_nest_rebuild(components)``, so loops and functions can carry it."""
    return hasattr(type(x), "_nest_components")


def flatten(structure):
    """The leaves of ``structure`` in order (dicts by sorted key), as a list.

    Example:
        >>> nf.nest.flatten({'b': 2, 'a': [1, 3]})
        [1, 3, 2]
    """
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in flatten(structure[key])]
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in flatten(item)]
    if _is_composite(structure):
        return list(structure._nest_components())
    return [structure]


def pack_sequence_as(structure, flat):
    """Rebuilds ``structure`` with its leaves replaced, in order, by the items of ``flat``."""
    flat = list(flat)
    result, used = _pack(structure, flat, 0)
    if used != len(flat):
        raise ValueError(f"Structure has {used} leaves but {len(flat)} values were given")
    return result


def _pack(structure, flat, i):
    if isinstance(structure, dict):
        packed = {}
        for key in sorted(structure):
            packed[key], i = _pack(structure[key], flat, i)
        return type(structure)((k, packed[k]) for k in structure), i
    if isinstance(structure, (list, tuple)):
        items = []
        for item in structure:
            value, i = _pack(item, flat, i)
            items.append(value)
        if hasattr(structure, "_fields"):  # namedtuple
            return type(structure)(*items), i
        return type(structure)(items), i
    if _is_composite(structure):
        n = len(structure._nest_components())
        return structure._nest_rebuild(flat[i:i + n]), i + n
    return flat[i], i + 1


def map_structure(fn, *structures):
    """Applies ``fn`` to corresponding leaves of ``structures`` and rebuilds the first's shape."""
    flats = [flatten(s) for s in structures]
    if len({len(f) for f in flats}) > 1:
        raise ValueError("map_structure: structures have different numbers of leaves")
    return pack_sequence_as(structures[0], [fn(*leaves) for leaves in zip(*flats)])
