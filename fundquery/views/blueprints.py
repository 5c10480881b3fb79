"""Every blueprint, registered on the app with the extensions the views need, and the navigation.

A new page goes in a module of this package; its blueprint is registered here.
"""

from __future__ import annotations

from flask import Flask

from fundquery.accounts import auth
from fundquery.resident import audit_queue
from fundquery.views import (
    admin,
    annual,  # noqa: F401 (routes on public.bp)
    assets,
    batches,
    budgets,  # noqa: F401 (routes on public.bp)
    errors,
    flag_answers,  # noqa: F401 (routes on staff.bp and inspect.bp)
    funds,  # noqa: F401 (routes on public.bp)
    message_desk,  # consultations and complaints (issue 6)
    message_desk_metrics,  # noqa: F401 (routes on message_desk.bp)
    messages,  # noqa: F401 (routes on public.bp)
    opendata,
    public,
    publication,
    rectification,
    resident,  # noqa: F401 (routes on public.bp)
    review,
    samples,  # noqa: F401 (routes on inspect.bp: field checks, issue 16)
    search,  # noqa: F401 (routes on public.bp)
    sections,
    staff,
    upload,
)
from fundquery.views import auth as auth_views
from fundquery.views import backup as backup_views
from fundquery.views import inspect as inspect_views
from fundquery.views import (
    usage as usage_views,  # noqa: F401 (routes on staff.bp)
)
from fundquery.web import formatting, limiter, usage


def init_app(app: Flask) -> None:
    """Register every blueprint and the navigation."""
    auth.init_app(app)
    limiter.init_app(app)
    audit_queue.init_app(app)
    formatting.init_app(app)
    usage.init_app(app)
    app.register_blueprint(public.bp)
    app.register_blueprint(opendata.api)
    app.register_blueprint(assets.bp)
    app.register_blueprint(auth_views.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(upload.bp)
    app.register_blueprint(batches.bp)
    app.register_blueprint(review.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(publication.bp)
    app.register_blueprint(inspect_views.bp)
    app.register_blueprint(rectification.public_bp)
    app.register_blueprint(message_desk.bp)
    app.register_blueprint(backup_views.bp)  # issue 8: backups
    errors.init_app(app)

    @app.context_processor
    def navigation() -> dict:
        return {"nav_sections": [s for s in sections() if s["url"]]}
