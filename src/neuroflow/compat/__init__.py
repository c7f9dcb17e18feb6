"""TF1 compatibility: ``import neuroflow.compat.v1 as tf``."""
