"""fundquery — 财政资金公开查询系统: the Flask application (built by ``create_app``)."""

from __future__ import annotations

from fundquery.web.app import REPO_ROOT, create_app

__all__ = ["REPO_ROOT", "create_app"]
