"""Shared pytest setup: a fixed random seed per test."""

import numpy as np
import pytest

import neuroflow as nf


@pytest.fixture(autouse=True)
def _seed():
    nf.random.set_seed(1234)
    np.random.seed(1234)
    yield
