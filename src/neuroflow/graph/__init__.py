"""Graph mode: nf.function traces Python into a dataflow graph, optimizes it and runs it."""

__all__ = []
