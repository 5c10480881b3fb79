"""fundquery — 财政资金公开查询系统: the Flask application."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

REPO_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app; outside tests, raise ConfigError when no secret key is set."""
    from fundquery import views
    from fundquery.web import config, db, i18n, security

    app = Flask(
        __name__,
        template_folder=str(REPO_ROOT / "templates"),
        instance_path=config.instance_path_from_env(),
        instance_relative_config=True,
    )
    config.load_config(app, test_config)
    app.json.ensure_ascii = False
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    db.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    views.init_app(app)
    return app
