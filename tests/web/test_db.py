"""The web app's one way to the database: one lazy connection, a cursor per request."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from fundquery.web.db import EXTENSION, get_db, query


def test_query_returns_dicts_with_parameters(app):
    with app.app_context():
        rows = query("SELECT ? AS name, ?::DECIMAL(18,2) AS amount_yuan", ["张三", "12.50"])
    assert [{k: str(v) for k, v in row.items()} for row in rows] == [
        {"name": "张三", "amount_yuan": "12.50"}
    ]


def test_each_request_gets_its_own_cursor_on_one_connection(app):
    holder = app.extensions[EXTENSION]
    with app.app_context():
        first = get_db()
        assert get_db() is first
        con = holder._con
    with app.app_context():
        assert get_db() is not first
        assert holder._con is con


def test_threads_query_concurrently(app):
    def count(n: int) -> int:
        with app.app_context():
            return query("SELECT count(*) AS n FROM range(?)", [n])[0]["n"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(count, range(40))) == list(range(40))
