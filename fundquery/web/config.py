"""Configuration: defaults, the instance folder, environment variables, the secret key."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

from etl.idnum import load_key
from etl.store import DEFAULT_DB, default_db_path

SECRET_KEY_FILE = "secret_key"  # noqa: S105 -- the file's name, not a key


class ConfigError(RuntimeError):
    """The configuration cannot start the application; the message tells the admin what to do."""


def instance_path_from_env() -> str | None:
    """The instance folder named by FUNDQUERY_INSTANCE, or None for Flask's default."""
    value = os.environ.get("FUNDQUERY_INSTANCE")
    return str(Path(value).resolve()) if value else None


def ensure_instance(instance_path: str | os.PathLike) -> None:
    """Create the instance folder and a random secret key file (mode 0600) if missing."""
    folder = Path(instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    key_file = folder / SECRET_KEY_FILE
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(secrets.token_hex(32) + "\n")


def read_secret_key(instance_path: str | os.PathLike) -> str | None:
    """The secret key stored in the instance folder, or None when there is none."""
    key_file = Path(instance_path) / SECRET_KEY_FILE
    if not key_file.is_file():
        return None
    return key_file.read_text(encoding="ascii").strip() or None


def id_hash_key(app: Flask) -> bytes:
    """The deployment's ID-hash key: ID_HASH_KEY (hex) in the config, else FUNDQUERY_ID_KEY or the instance key.

    The upload and the lookup both hash with this key, so an ID stored by one is found by the other.
    """
    key = app.config.get("ID_HASH_KEY")
    if isinstance(key, str):
        return bytes.fromhex(key)
    return key or load_key(app.instance_path)


def load_config(app: Flask, test_config: dict | None) -> None:
    """Fill app.config: defaults, then instance config.py and env vars, or the test dict."""
    app.config.from_mapping(
        DATABASE=str(DEFAULT_DB),
        SECRET_KEY=None,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        BABEL_DEFAULT_LOCALE="zh",
        BABEL_TRANSLATION_DIRECTORIES="translations",
        LANGUAGES=("zh", "en"),
    )
    if test_config is not None:
        app.config.from_mapping(test_config)
        return
    app.config.from_pyfile("config.py", silent=True)
    app.config["DATABASE"] = str(default_db_path(app.config["DATABASE"]))
    if os.environ.get("FUNDQUERY_PUBLIC_SNAPSHOT"):  # `fundquery serve --public-snapshot DIR`
        app.config["PUBLIC_SNAPSHOT"] = os.environ["FUNDQUERY_PUBLIC_SNAPSHOT"]
    if os.environ.get("FUNDQUERY_SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ["FUNDQUERY_SECRET_KEY"]
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = read_secret_key(app.instance_path)
    if not app.config["SECRET_KEY"]:
        raise ConfigError(
            f"没有找到密钥文件 {Path(app.instance_path) / SECRET_KEY_FILE}。请先运行 `fundquery init`。"
            " / No secret key: run `fundquery init` first to create the instance folder and its key."
        )
    app.config["DATABASE"] = str(Path(app.config["DATABASE"]).resolve())
