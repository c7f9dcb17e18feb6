"""Shared pytest setup: a fixed random seed per test; no dataset downloads."""

import os

import numpy as np
import pytest

import neuroflow as nf

# Tests never reach the network: get_file serves only cached files (its own tests serve files
# from a local HTTP server and unset this).
os.environ["NEUROFLOW_OFFLINE"] = "1"


@pytest.fixture(autouse=True)
def _seed():
    nf.random.set_seed(1234)
    np.random.seed(1234)
    yield
