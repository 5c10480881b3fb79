"""The app factory and its configuration: instance folder, secret key, env vars."""

from __future__ import annotations

import stat
import subprocess
import sys

import pytest

from fundquery import create_app
from fundquery.web.config import ConfigError, ensure_instance


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in ("FUNDQUERY_DB", "FUNDQUERY_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FUNDQUERY_INSTANCE", str(tmp_path / "instance"))
    return tmp_path / "instance"


def test_missing_secret_key_stops_start_up(clean_env):
    with pytest.raises(ConfigError, match="fundquery init"):
        create_app()


def test_ensure_instance_creates_a_private_key_once(tmp_path):
    folder = tmp_path / "instance"
    ensure_instance(folder)
    key_file = folder / "secret_key"
    first = key_file.read_text()
    assert len(first.strip()) == 64
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    ensure_instance(folder)
    assert key_file.read_text() == first


def test_app_starts_with_instance_key_and_env_database(clean_env, monkeypatch, tmp_path):
    ensure_instance(clean_env)
    monkeypatch.setenv("FUNDQUERY_DB", str(tmp_path / "env.duckdb"))
    app = create_app()
    assert app.instance_path == str(clean_env)
    assert app.config["SECRET_KEY"] == (clean_env / "secret_key").read_text().strip()
    assert app.config["DATABASE"] == str(tmp_path / "env.duckdb")


def test_instance_config_py_is_read_and_env_wins(clean_env, monkeypatch, tmp_path):
    ensure_instance(clean_env)
    (clean_env / "config.py").write_text(f"DATABASE = {str(tmp_path / 'inst.duckdb')!r}\n")
    assert create_app().config["DATABASE"] == str(tmp_path / "inst.duckdb")
    monkeypatch.setenv("FUNDQUERY_DB", str(tmp_path / "env.duckdb"))
    assert create_app().config["DATABASE"] == str(tmp_path / "env.duckdb")


def test_creating_the_app_opens_no_database(tmp_path):
    create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE": str(tmp_path / "lazy.duckdb")})
    assert not (tmp_path / "lazy.duckdb").exists()


@pytest.mark.parametrize("module", ["etl", "etl.store", "etl.specs"])
def test_etl_never_pulls_in_flask(module):
    code = f"import {module}, sys; assert 'flask' not in sys.modules, 'flask imported'"
    subprocess.run([sys.executable, "-c", code], check=True)
