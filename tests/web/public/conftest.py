"""Fixtures of the resident and public page tests: the small published county and an app on it."""

from __future__ import annotations

import pytest

from fundquery import create_app
from fundquery.db import EXTENSION
from tests.web.public.county import build_county, county_config


@pytest.fixture
def county(load, store, tmp_path) -> dict:
    """The small county loaded into the test's store; the batch ids by name."""
    return build_county(load, store, tmp_path)


@pytest.fixture
def county_app(county, tmp_path):
    """The app on the county's store (the same file the `store` fixture holds)."""
    app = create_app(county_config(tmp_path / "store.duckdb"))
    yield app
    app.extensions[EXTENSION].close()


@pytest.fixture
def county_client(county_app):
    return county_app.test_client()
