"""The order every loader follows: Keras's download/cache first, then local files."""

from ..utils.file_utils import get_file

__all__ = ["KERAS_ORIGIN", "download_or_local", "get_file"]

KERAS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def download_or_local(name, download, local):
    """``download()`` (``get_file``: the cache, else the network), else ``local()``.

    Raises:
        FileNotFoundError: when both fail, with both reasons (what to install or where to put
            the files).
    """
    try:
        return download()
    except Exception as error:  # noqa: BLE001 - any download failure falls back to local files
        download_error = error
    try:
        return local()
    except FileNotFoundError as error:
        raise FileNotFoundError(f"{name}: the download failed ({download_error}) and no local "
                                f"copy was found.\n{error}") from None
