"""fundquery — 财政资金公开查询系统: the Flask application, built by ``create_app``."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

REPO_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app (fundquery.web.app); outside tests, raise ConfigError when no secret key is set."""
    # The web app is imported when an app is built, not with the package: every `fundquery`
    # command, the lake runner and etl's callers import this package, and the views' imports
    # (plotly, pypinyin, every blueprint) would add ~80 MB and seconds to each of them.
    from fundquery.web.app import create_app as build_app

    return build_app(test_config)
