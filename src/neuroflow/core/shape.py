"""``TensorShape``: a tuple of dimensions where ``None`` means unknown."""


class TensorShape(tuple):
    """The shape of a tensor, like ``tf.TensorShape``; a tuple whose unknown dims are None.

    Example:
        >>> nf.TensorShape([None, 784]).as_list()
        [None, 784]
    """

    __slots__ = ()

    def __new__(cls, dims=()):
        if dims is None or isinstance(dims, _UnknownRank):
            return UNKNOWN_RANK
        if isinstance(dims, int):
            dims = (dims,)
        return tuple.__new__(cls, (None if d is None else int(d) for d in dims))

    @property
    def rank(self):
        """Number of dimensions."""
        return len(self)

    ndims = rank

    def as_list(self):
        """The dims as a list (None for unknown ones)."""
        return list(self)

    def num_elements(self):
        """Product of the dims, or None when one is unknown."""
        n = 1
        for d in self:
            if d is None:
                return None
            n *= d
        return n

    def is_fully_defined(self):
        """True when no dim is None."""
        return None not in self

    def is_compatible_with(self, other):
        """True when the shapes have equal rank and agree on every dim known in both."""
        other = TensorShape(other)
        if other.rank is None:
            return True
        return len(self) == len(other) and all(
            a is None or b is None or a == b for a, b in zip(self, other))

    def merge_with(self, other):
        """The most specific shape compatible with both; ValueError if they conflict."""
        other = TensorShape(other)
        if other.rank is None:
            return self
        if not self.is_compatible_with(other):
            raise ValueError(f"Shapes {self} and {other} are not compatible")
        return TensorShape(a if a is not None else b for a, b in zip(self, other))

    def __getitem__(self, key):
        item = tuple.__getitem__(self, key)
        return TensorShape(item) if isinstance(key, slice) else item

    def __eq__(self, other):
        if isinstance(other, list):
            other = tuple(other)
        return tuple.__eq__(self, other)

    def __ne__(self, other):
        return not self == other

    __hash__ = tuple.__hash__

    def __add__(self, other):
        return TensorShape(tuple(self) + tuple(other))

    def concatenate(self, other):
        """This shape followed by ``other``'s dims."""
        return self + other

    def __repr__(self):
        return f"TensorShape({list(self)})"

    def __str__(self):
        if len(self) == 1:
            return f"({self[0]},)"
        return "(" + ", ".join("None" if d is None else str(d) for d in self) + ")"


class UnknownRankError(ValueError, TypeError):
    """``len()`` of a shape of unknown rank (a ValueError, as TF raises; also a TypeError so
    that ``tuple(shape)`` sees an empty shape)."""


class _UnknownRank(TensorShape):
    """``TensorShape(None)``: a shape whose rank is not known (TF's ``<unknown>``).

    Compatible with every shape; ``len()`` and ``as_list()`` raise ValueError as in TF. In a
    traced graph, an op with an input of unknown rank gives outputs of unknown rank.
    """

    __slots__ = ()

    @property
    def rank(self):
        """None: the rank is not known."""
        return None

    ndims = rank

    def __len__(self):
        raise UnknownRankError("Cannot take the length of shape with unknown rank.")

    def as_list(self):
        """Raises ValueError: the dims of an unknown shape are not known."""
        raise ValueError("as_list() is not defined on an unknown TensorShape.")

    def num_elements(self):
        """None."""
        return None

    def is_fully_defined(self):
        """False."""
        return False

    def is_compatible_with(self, other):
        """True: any shape may be this one."""
        return True

    def merge_with(self, other):
        """``other`` as a TensorShape."""
        return TensorShape(other)

    def __getitem__(self, key):
        return self if isinstance(key, slice) else None

    def __eq__(self, other):
        return isinstance(other, _UnknownRank)

    __hash__ = tuple.__hash__

    def __add__(self, other):
        return self

    def __bool__(self):
        return True    # not "a scalar": callers testing ``if shape:`` must not take it for ()

    def __repr__(self):
        return "TensorShape(None)"

    def __str__(self):
        return "<unknown>"


UNKNOWN_RANK = tuple.__new__(_UnknownRank, ())
