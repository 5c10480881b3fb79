"""Open data: every public table as CSV, XLSX or JSON, and the read-only JSON API /api/v1/."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, abort, jsonify, stream_with_context, url_for

from fundquery.queries.datasets import DATASETS, Dataset
from fundquery.views import render
from fundquery.views.pages import args_of, paging
from fundquery.views.public import bp
from fundquery.web import exports
from fundquery.web.db import get_db
from fundquery.web.formatting import jsonable
from fundquery.web.i18n import current_language
from fundquery.web.params import MAX_INT, parse_int

api = Blueprint("api", __name__, url_prefix="/api/v1")

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}


def _dataset(name: str) -> tuple[Dataset, dict[str, str]]:
    dataset = DATASETS.get(name)
    if dataset is None:
        abort(404)
    chosen = args_of(dataset.filters)
    for key, kind in dataset.filters.items():
        if kind == "int" and key in chosen:
            parse_int(key, chosen[key], high=MAX_INT)  # 400 unless a whole number
    return dataset, chosen


def _describe(dataset: Dataset, language: str) -> dict:
    return {
        "name": dataset.name,
        "title": dataset.title(language),
        "columns": [
            {"name": c.name, "label": dataset.label(c, language), "type": c.kind}
            for c in dataset.columns
        ],
        "filters": list(dataset.filters),
        "downloads": {f: url_for("public.download", name=dataset.name, fmt=f) for f in MIMETYPES},
        "api": url_for("api.rows", name=dataset.name),
    }


@bp.get("/opendata")
def opendata() -> Response | str:
    """数据下载: every published table, with its row count and formats."""
    language = current_language()
    datasets = [
        {**_describe(d, language), "row_count": d.count(get_db(), {})} for d in DATASETS.values()
    ]
    return render("public/opendata.html", {"datasets": datasets, "api_index": url_for("api.index")})


@bp.get("/opendata/<name>.<any(csv, xlsx, json):fmt>")
def download(name: str, fmt: str) -> Response:
    """One dataset, filtered as its page is, streamed."""
    dataset, chosen = _dataset(name)
    language = current_language()
    if fmt == "csv":
        body = exports.csv_stream(dataset, chosen, language)
    elif fmt == "xlsx":
        body = exports.xlsx_stream(dataset, chosen, language)
    else:
        body = exports.json_stream(dataset, chosen)
    # The filter values come from the query string: percent-encoded whole (RFC 5987), length capped.
    filename = "_".join([dataset.title(language), *chosen.values()])[:100] + "." + fmt
    response = Response(stream_with_context(body), content_type=MIMETYPES[fmt])  # as written, once
    response.headers["Content-Disposition"] = (
        f"attachment; filename={dataset.name}.{fmt}; filename*=UTF-8''{quote(filename, safe='')}"
    )
    return response


@api.get("/")
def index() -> Response:
    """The datasets the API serves."""
    language = current_language()
    return jsonify({"datasets": [_describe(d, language) for d in DATASETS.values()]})


@api.get("/<name>")
def rows(name: str) -> Response:
    """One page of a dataset's rows: ?page=, ?per_page= (at most 1,000) and the dataset's filters."""
    dataset, chosen = _dataset(name)
    number, per_page = paging()
    total = dataset.count(get_db(), chosen)
    found = dataset.page(get_db(), chosen, per_page, (number - 1) * per_page)
    more = number * per_page < total
    return jsonify(
        jsonable(
            {
                "dataset": name,
                "filters": chosen,
                "page": number,
                "per_page": per_page,
                "total": total,
                "next": url_for("api.rows", name=name, **chosen, page=number + 1, per_page=per_page)
                if more
                else None,
                "rows": found,
            }
        )
    )
