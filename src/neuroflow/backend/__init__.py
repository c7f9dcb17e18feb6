"""Lowest layer: dtypes, devices and the array namespace (NumPy | CuPy), random state, errors."""
