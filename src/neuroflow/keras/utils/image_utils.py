"""Images as arrays and back: ``array_to_img``, ``img_to_array``, ``load_img``, ``save_img``.

As Keras, these use Pillow (the ``io`` extra), imported when first needed.
"""

import numpy as np

from .. import backend

__all__ = ["array_to_img", "img_to_array", "load_img", "save_img"]

_MODES = {1: "L", 3: "RGB", 4: "RGBA"}


def _pil_image():
    try:
        from PIL import Image
    except ImportError:
        raise ImportError("Could not import PIL.Image. The use of `array_to_img`, "
                          "`img_to_array`, `load_img` and `save_img` requires Pillow: "
                          "pip install pillow (or neuroflow[io])") from None
    return Image


def _channels_last(data_format):
    data_format = data_format or backend.image_data_format()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(f"Invalid data_format: {data_format}")
    return data_format == "channels_last"


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """A PIL image from a 3-D array (height, width, channels) of 1, 3 or 4 channels.

    Args:
        x: array or tensor.
        data_format: ``'channels_last'`` (default) or ``'channels_first'``.
        scale: rescale the values to [0, 255] (by the array's min and max).
        dtype: accepted for Keras compatibility.
    """
    image = _pil_image()
    x = np.asarray(x, dtype=dtype or backend.floatx())
    if x.ndim != 3:
        raise ValueError(f"Expected image array to have rank 3 (single image). Got array with "
                         f"shape: {x.shape}")
    if not _channels_last(data_format):
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        top = np.max(x)
        if top != 0:
            x = x / top
        x = x * 255
    channels = x.shape[2]
    if channels not in _MODES:
        raise ValueError(f"Unsupported channel number: {channels}")
    pixels = x.astype("uint8")
    return image.fromarray(pixels[:, :, 0] if channels == 1 else pixels, _MODES[channels])


def img_to_array(img, data_format=None, dtype=None):
    """A 3-D float array (height, width, channels) from a PIL image.

    Args:
        img: a PIL image (or anything ``np.asarray`` takes).
        data_format: ``'channels_last'`` (default) or ``'channels_first'``.
        dtype: default ``floatx()``.
    """
    x = np.asarray(img, dtype=dtype or backend.floatx())
    if x.ndim == 2:
        x = x[:, :, None]
    if x.ndim != 3:
        raise ValueError(f"Unsupported image shape: {x.shape}")
    return x if _channels_last(data_format) else x.transpose(2, 0, 1)


def load_img(path, color_mode="rgb", target_size=None, interpolation="nearest",
             keep_aspect_ratio=False):
    """Loads an image file into a PIL image.

    Args:
        path: file path.
        color_mode: ``'grayscale'``, ``'rgb'`` or ``'rgba'``.
        target_size: ``(height, width)`` to resize to, or None.
        interpolation: ``'nearest'``, ``'bilinear'``, ``'bicubic'``, ...
    """
    image = _pil_image()
    modes = {"grayscale": "L", "rgb": "RGB", "rgba": "RGBA"}
    if color_mode not in modes:
        raise ValueError('color_mode must be "grayscale", "rgb", or "rgba"')
    with open(path, "rb") as f:
        img = image.open(f)
        img.load()
    if img.mode != modes[color_mode]:
        img = img.convert(modes[color_mode])
    if target_size is not None and img.size != (target_size[1], target_size[0]):
        resample = getattr(image.Resampling, interpolation.upper(), None)
        if resample is None:
            raise ValueError(f"Invalid interpolation method {interpolation!r}")
        img = img.resize((target_size[1], target_size[0]), resample)
    return img


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Saves a 3-D array as an image file (the format from ``file_format`` or the name)."""
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and (file_format == "jpg" or str(path).lower().endswith(
            (".jpg", ".jpeg"))):
        img = img.convert("RGB")
    img.save(path, format="jpeg" if file_format == "jpg" else file_format, **kwargs)
