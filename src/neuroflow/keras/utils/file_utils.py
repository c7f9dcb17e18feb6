"""``get_file``: Keras's download-and-cache, with a SHA-256 check and resumable downloads.

A download goes to ``<target>.part`` first; an interrupted one resumes from where it stopped
with an HTTP ``Range`` request, and only a complete file (whose hash matches, when one is
given) is renamed to its final name, so the cache never holds half a file under its real name.
"""

import hashlib
import http.client
import os
import shutil
import sys
import tarfile
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile

from .progbar import Progbar

__all__ = ["get_file", "keras_home", "validate_file"]

CHUNK = 1 << 16
TIMEOUT_S = 20


def keras_home():
    """The cache root: ``$KERAS_HOME`` when set, else ``~/.keras``."""
    return os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")


def _hasher(file_hash, algorithm):
    if algorithm == "auto":
        algorithm = "sha256" if len(file_hash) == 64 else "md5"
    if algorithm not in ("sha256", "md5"):
        raise ValueError(f"get_file: hash_algorithm must be 'sha256', 'md5' or 'auto', "
                         f"got {algorithm!r}")
    return hashlib.new(algorithm), algorithm


def validate_file(fpath, file_hash, algorithm="auto", chunk_size=CHUNK):
    """Whether the file at ``fpath`` has hash ``file_hash`` (sha256, or md5 for 32 digits).

    Example:
        >>> nf.keras.utils.validate_file("mnist.npz", "731c5ac6...")
        True
    """
    hasher, _ = _hasher(file_hash, algorithm)
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest() == str(file_hash).lower()


def _cache_dir(cache_dir, cache_subdir):
    base = os.path.expanduser(cache_dir if cache_dir is not None else keras_home())
    os.makedirs(base, exist_ok=True)
    if not os.access(base, os.W_OK):   # as Keras: fall back to a writable temporary cache
        base = os.path.join(tempfile.gettempdir(), ".keras")
    folder = os.path.join(base, cache_subdir)
    os.makedirs(folder, exist_ok=True)
    return folder


def _targets(fname, origin, folder, extract):
    """(download path, extraction folder or None)."""
    name = os.fspath(fname) if fname else os.path.basename(urllib.parse.urlsplit(origin).path)
    if not name:
        raise ValueError(f"get_file: cannot take a file name from origin {origin!r}; "
                         "pass `fname`")
    if os.sep in name:
        raise ValueError(f"get_file: `fname` must be a file name, not a path (use `cache_dir` "
                         f"for the folder). Received: fname={name}")
    if not extract:
        return os.path.join(folder, name), None
    if fname and "." in name:
        stem = name[:name.find(".")]
        return os.path.join(folder, name), os.path.join(folder, f"{stem}_extracted")
    return os.path.join(folder, f"{name}_archive"), os.path.join(folder, name)


def _open(origin, start):
    request = urllib.request.Request(origin, headers={"User-Agent": "neuroflow"})
    if start:
        request.add_header("Range", f"bytes={start}-")
    return urllib.request.urlopen(request, timeout=TIMEOUT_S)


def _download(origin, target):
    """Fetches ``origin`` into ``target``, resuming ``target + '.part'`` when one is there."""
    part = target + ".part"
    start = os.path.getsize(part) if os.path.exists(part) else 0
    try:
        response = _open(origin, start)
    except urllib.error.HTTPError as error:
        if error.code != 416 or not start:   # 416: the partial file is already whole
            raise
        os.replace(part, target)
        return
    with response:
        resumed = start and response.status == 206
        length = response.headers.get("Content-Length")
        total = (int(length) + (start if resumed else 0)) if length else None
        bar = Progbar(total, unit_name="byte") if total else None
        done = start if resumed else 0
        with open(part, "ab" if resumed else "wb") as f:
            for chunk in iter(lambda: response.read(CHUNK), b""):
                f.write(chunk)
                done += len(chunk)
                if bar is not None:
                    bar.update(min(done, total))
    if total is not None and done < total:
        raise OSError(f"incomplete download: {done} of {total} bytes (run again to resume)")
    os.replace(part, target)


def _fetch(origin, target):
    """``_download`` with Keras's error message; a clear one when the machine is offline."""
    if os.environ.get("NEUROFLOW_OFFLINE"):
        raise Exception(f"URL fetch failure on {origin}: not downloaded because "
                        f"$NEUROFLOW_OFFLINE is set. Put the file at {target} by hand, or "
                        "unset NEUROFLOW_OFFLINE.")
    print(f"Downloading data from {origin}", file=sys.stdout)
    try:
        _download(origin, target)
    except urllib.error.HTTPError as error:
        raise Exception(f"URL fetch failure on {origin}: {error.code} -- {error.msg}") from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
        reason = getattr(error, "reason", error)
        raise Exception(
            f"URL fetch failure on {origin}: None -- {reason}. Cannot download (is this "
            f"machine offline?). Put the file at {target} by hand to use it without a "
            f"network; an interrupted download resumes from {target}.part.") from None


def _extract(archive, folder, archive_format):
    formats = ("tar", "zip") if archive_format == "auto" else (archive_format or ())
    formats = (formats,) if isinstance(formats, str) else formats
    for kind in formats:
        if kind == "tar" and tarfile.is_tarfile(archive):
            with tarfile.open(archive) as tar:
                # "data": no absolute paths, links out of the folder or device files.
                extra = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
                tar.extractall(folder, **extra)
            return
        if kind == "zip" and zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as z:
                z.extractall(folder)
            return
    raise ValueError(f"get_file: {archive} is not a {' or '.join(formats) or 'known'} archive")


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None,
             cache_subdir="datasets", hash_algorithm="auto", extract=False,
             archive_format="auto", cache_dir=None, force_download=False):
    """Downloads a file from a URL if it is not already in the cache.

    The file goes to ``cache_dir/cache_subdir/fname`` (``~/.keras/datasets/fname`` by default;
    ``$KERAS_HOME`` replaces ``~/.keras``). A cached file whose hash does not match is
    downloaded again. An interrupted download resumes (HTTP ``Range``) on the next call.
    With ``$NEUROFLOW_OFFLINE`` set, cached files are returned and nothing is downloaded.

    Args:
        fname: local file name (None: the last part of ``origin``). With ``extract``, a name
            without an extension names the extraction folder.
        origin: the file's URL.
        untar: deprecated, same as ``extract=True``.
        md5_hash: deprecated, an md5 ``file_hash``.
        file_hash: expected sha256 (64 hex digits) or md5 (32) of the file.
        cache_subdir: folder under the cache root (an absolute path is used as is).
        hash_algorithm: ``'sha256'``, ``'md5'`` or ``'auto'``.
        extract: extract a tar/zip archive and return the extraction folder.
        archive_format: ``'auto'`` (tar then zip), ``'tar'``, ``'zip'`` or None.
        cache_dir: cache root (None: ``$KERAS_HOME`` or ``~/.keras``).
        force_download: download even when the file is cached.

    Returns:
        The path of the file (or of the extraction folder with ``extract``).

    Raises:
        ValueError: no origin, a path as ``fname``, or a downloaded file whose hash differs.
        Exception: ``"URL fetch failure on <origin>: ..."`` when the download fails
            (the message says what to do offline), as Keras raises.

    Example:
        >>> path = nf.keras.utils.get_file(
        ...     origin="https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz")
    """
    if origin is None:
        raise ValueError('Please specify the "origin" argument (URL of the file to download).')
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    extract = extract or untar
    target, extracted = _targets(fname, origin, _cache_dir(cache_dir, cache_subdir), extract)
    fresh = force_download or not os.path.exists(target)
    if not fresh and file_hash is not None and not validate_file(target, file_hash,
                                                                 hash_algorithm):
        print(f"A local file was found, but its {_hasher(file_hash, hash_algorithm)[1]} hash "
              f"does not match {file_hash}, so it is downloaded again.")
        fresh = True
    if fresh:
        _fetch(origin, target)
        if file_hash is not None and not validate_file(target, file_hash, hash_algorithm):
            os.remove(target)
            raise ValueError(f"Incomplete or corrupted file detected: the "
                             f"{_hasher(file_hash, hash_algorithm)[1]} hash of {origin} does "
                             f"not match the provided value {file_hash}.")
    if extracted is None:
        return target
    if fresh or not os.path.isdir(extracted):
        shutil.rmtree(extracted, ignore_errors=True)
        _extract(target, extracted, archive_format)
    return extracted
