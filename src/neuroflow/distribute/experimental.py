"""``nf.distribute.experimental``: the options of the collectives."""

from .strategy import CommunicationImplementation, CommunicationOptions, MultiWorkerMirroredStrategy

__all__ = ["CommunicationOptions", "CommunicationImplementation", "MultiWorkerMirroredStrategy"]
