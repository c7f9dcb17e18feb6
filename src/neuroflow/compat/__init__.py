"""TF1 compatibility: ``import neuroflow.compat.v1 as tf`` (or ``nf.compat.v1``)."""

from . import v1

__all__ = ["v1"]
