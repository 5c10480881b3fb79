"""The app factory: configuration, the database, language, security, and every blueprint."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from fundquery.views import blueprints
from fundquery.web import (
    cli_socket,
    config,
    db,
    i18n,
    memory_log,
    page_cache,
    page_warm,
    public_snapshot,
    report_cache,
    security,
)

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app; outside tests, raise ConfigError when no secret key is set."""
    # Named after the package, not this module: static files, translations and
    # the default instance folder are found from the package's folder.
    app = Flask(
        "fundquery",
        template_folder=str(TEMPLATES),
        instance_path=config.instance_path_from_env(),
        instance_relative_config=True,
    )
    config.load_config(app, test_config)
    app.json.ensure_ascii = False
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    db.init_app(app)
    cli_socket.init_app(app)  # listens once `fundquery serve` gives it the commands (issue 18)
    i18n.init_app(app)
    security.init_app(app)
    blueprints.init_app(app)
    public_snapshot.init_app(app)  # a public server on a published snapshot (issue 18)
    page_cache.init_app(app)  # after the access checks: a cached page is served past none of them
    page_warm.init_app(app)  # the most-read pages computed again after each publication
    report_cache.init_app(app)  # inspectors' report data computed once per store state
    memory_log.init_app(app)  # what the process's memory is made of, when asked (the soak)
    return app
