"""``get_file``: cache, hash check, resuming and the offline error, against a local server."""

import hashlib
import io
import os
import tarfile

import pytest

from filesrv import serve
from neuroflow import keras

DATA = bytes(range(256)) * 40   # 10 kB
SHA = hashlib.sha256(DATA).hexdigest()


@pytest.fixture(autouse=True)
def _online(monkeypatch):
    monkeypatch.delenv("NEUROFLOW_OFFLINE", raising=False)


def test_downloads_into_the_cache_then_uses_it(tmp_path):
    with serve({"/d.bin": DATA}) as server:
        path = keras.utils.get_file("d.bin", server.url + "/d.bin", file_hash=SHA,
                                    cache_dir=str(tmp_path))
        assert path == str(tmp_path / "datasets" / "d.bin")
        assert open(path, "rb").read() == DATA
        again = keras.utils.get_file("d.bin", server.url + "/d.bin", file_hash=SHA,
                                     cache_dir=str(tmp_path))
        assert again == path and len(server.requests) == 1   # served from the cache


def test_keras_home_and_name_from_origin(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    with serve({"/x/y.bin": DATA}) as server:
        path = keras.utils.get_file(origin=server.url + "/x/y.bin", cache_subdir="sub")
    assert path == str(tmp_path / "kh" / "sub" / "y.bin")


def test_a_stale_cached_file_is_downloaded_again(tmp_path, capsys):
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "d.bin").write_bytes(b"old")
    with serve({"/d.bin": DATA}) as server:
        path = keras.utils.get_file("d.bin", server.url + "/d.bin", file_hash=SHA,
                                    cache_dir=str(tmp_path))
    assert open(path, "rb").read() == DATA
    assert "does not match" in capsys.readouterr().out


def test_a_wrong_hash_is_an_error_and_leaves_no_file(tmp_path):
    with serve({"/d.bin": DATA}) as server:
        with pytest.raises(ValueError, match="corrupted"):
            keras.utils.get_file("d.bin", server.url + "/d.bin", file_hash="0" * 64,
                                 cache_dir=str(tmp_path))
    assert not os.path.exists(tmp_path / "datasets" / "d.bin")


def test_an_interrupted_download_resumes_with_a_range_request(tmp_path):
    with serve({"/d.bin": DATA}) as server:
        server.cut_after["/d.bin"] = 3000
        with pytest.raises(Exception, match="URL fetch failure"):
            keras.utils.get_file("d.bin", server.url + "/d.bin", cache_dir=str(tmp_path))
        part = tmp_path / "datasets" / "d.bin.part"
        assert part.stat().st_size == 3000 and not (tmp_path / "datasets" / "d.bin").exists()
        path = keras.utils.get_file("d.bin", server.url + "/d.bin", file_hash=SHA,
                                    cache_dir=str(tmp_path))
        assert server.requests[-1] == ("/d.bin", "bytes=3000-")
    assert open(path, "rb").read() == DATA and not part.exists()


def test_a_server_without_ranges_restarts_the_download(tmp_path):
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "d.bin.part").write_bytes(b"garbage")
    with serve({"/d.bin": DATA}, ranges=False) as server:
        path = keras.utils.get_file("d.bin", server.url + "/d.bin", file_hash=SHA,
                                    cache_dir=str(tmp_path))
    assert open(path, "rb").read() == DATA


def test_offline_gives_a_clear_error(tmp_path):
    with serve({}) as server:
        url = server.url
    with pytest.raises(Exception, match="URL fetch failure.*offline.*by hand"):
        keras.utils.get_file("d.bin", url + "/d.bin", cache_dir=str(tmp_path))
    with serve({}) as server:
        with pytest.raises(Exception, match="404"):
            keras.utils.get_file("d.bin", server.url + "/d.bin", cache_dir=str(tmp_path))


def test_neuroflow_offline_never_touches_the_network(tmp_path, monkeypatch):
    monkeypatch.setenv("NEUROFLOW_OFFLINE", "1")
    with serve({"/d.bin": DATA}) as server:
        with pytest.raises(Exception, match="NEUROFLOW_OFFLINE"):
            keras.utils.get_file("d.bin", server.url + "/d.bin", cache_dir=str(tmp_path))
        assert server.requests == []


def test_extract_a_tar_archive(tmp_path):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        info = tarfile.TarInfo("inner/a.txt")
        info.size = 5
        tar.addfile(info, io.BytesIO(b"hello"))
    with serve({"/a.tar.gz": buffer.getvalue()}) as server:
        folder = keras.utils.get_file("archive", server.url + "/a.tar.gz", extract=True,
                                      cache_dir=str(tmp_path))
    assert open(os.path.join(folder, "inner", "a.txt")).read() == "hello"


def test_bad_arguments():
    with pytest.raises(ValueError, match="origin"):
        keras.utils.get_file("x")
    with pytest.raises(ValueError, match="not a path"):
        keras.utils.get_file("a/b", "http://127.0.0.1:9/a")
