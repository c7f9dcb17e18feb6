"""``nf.onnx``: export Keras models to ONNX (``nf.onnx.export(model, 'm.onnx')``).

Needs the optional ``onnx`` package (``pip install onnx``); run the files with onnxruntime.
"""

from .export import export, to_proto

__all__ = ["export", "to_proto"]
