"""``nf.keras.models``: Model, Sequential, the functional API's Functional, ``clone_model``,
and ``load_model``/``save_model`` (from ``nf.keras.saving``)."""

from ..saving.saving_lib import load_model, model_from_json, save_model
from .cloning import clone_model
from .model import Functional, Model
from .sequential import Sequential

__all__ = ["Model", "Sequential", "Functional", "clone_model", "load_model", "model_from_json",
           "save_model"]
