"""``nf.nest``: flatten and rebuild nested structures."""

from .core.nest import flatten, is_nested, map_structure, pack_sequence_as

__all__ = ["flatten", "is_nested", "map_structure", "pack_sequence_as"]
