"""``TensorShape``: a tuple of dimensions where ``None`` means unknown."""


class TensorShape(tuple):
    """The shape of a tensor, like ``tf.TensorShape``; a tuple whose unknown dims are None.

    Example:
        >>> nf.TensorShape([None, 784]).as_list()
        [None, 784]
    """

    __slots__ = ()

    def __new__(cls, dims=()):
        if dims is None:
            raise ValueError("Shapes of unknown rank are not supported; give a list of dims")
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
        return len(self) == len(other) and all(
            a is None or b is None or a == b for a, b in zip(self, other))

    def merge_with(self, other):
        """The most specific shape compatible with both; ValueError if they conflict."""
        other = TensorShape(other)
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
