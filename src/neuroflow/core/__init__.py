"""The engine: Tensor, Variable, the op registry, the ops, GradientTape."""
