"""What the public pages share: paging, filters, optional links (rendering: ``fundquery.views.render``)."""

from __future__ import annotations

from typing import Any

from flask import current_app, request, url_for

from fundquery.web.params import MAX_PAGE, int_arg

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 1000


def paging() -> tuple[int, int]:
    """(page number from 1, rows per page) from ?page= and ?per_page=; 400 when not numbers."""
    number = max(1, int_arg("page", 1, high=MAX_PAGE))
    per_page = min(MAX_PER_PAGE, max(1, int_arg("per_page", DEFAULT_PER_PAGE, high=MAX_PAGE)))
    return number, per_page


def pager(number: int, per_page: int, total: int) -> dict[str, Any]:
    """Links to the previous and next pages, other query arguments kept."""
    args = request.args.to_dict()
    last = max(1, -(-total // per_page))

    def link(n: int) -> str | None:
        if n < 1 or n > last or n == number:
            return None
        return url_for(request.endpoint, **{**(request.view_args or {}), **args, "page": n})

    return {
        "page": number,
        "per_page": per_page,
        "total": total,
        "pages": last,
        "previous": link(number - 1),
        "next": link(number + 1),
    }


def args_of(names) -> dict[str, str]:
    """The chosen filters: the request arguments in ``names`` that are not empty."""
    return {k: v for k in names if (v := request.args.get(k, "").strip())}


def endpoint_url(endpoint: str, **values: Any) -> str | None:
    """The URL of a page that may not exist yet (e.g. the complaints form), else None."""
    return url_for(endpoint, **values) if endpoint in current_app.view_functions else None
