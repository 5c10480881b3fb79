"""Fixtures of the resident and public page tests: the small published county and an app on it.

The county is loaded from its spreadsheets once per session; each test gets
its own copy of the database file, so a test may change it freely.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from etl.idnum import Hasher
from etl.load import load_file
from etl.store import connect
from fundquery import create_app
from fundquery.web.db import EXTENSION
from tests.web.public.county import ID_KEY, build_county, county_config


@pytest.fixture(scope="session")
def county_template(tmp_path_factory) -> tuple[Path, dict]:
    """The county's database file (never opened by a test) and its batch ids by name."""
    work = tmp_path_factory.mktemp("county-template")
    con = connect(work / "county.duckdb")
    hasher = Hasher(ID_KEY)

    def load(path, kind="auto"):
        return load_file(
            con, path, kind, hasher=hasher, uploaded_by="tester", archive_dir=work / "uploads"
        )

    batches = build_county(load, con, work)
    con.close()
    return work / "county.duckdb", batches


@pytest.fixture
def county_db(county_template, tmp_path) -> Path:
    """This test's copy of the county's database."""
    path = tmp_path / "county.duckdb"
    shutil.copyfile(county_template[0], path)
    return path


@pytest.fixture
def county(county_template, county_db) -> dict:
    """The batch ids by name (funds, payments, unpublished, retracted, ...)."""
    return dict(county_template[1])


@pytest.fixture
def county_app(county_db):
    app = create_app(county_config(county_db))
    yield app
    app.extensions[EXTENSION].close()


@pytest.fixture
def county_client(county_app):
    return county_app.test_client()
