"""A full disk seen from the web (issue 8): the clerk is told the cause, and nothing is half-written.

The real server, with the store (or the upload folder) on a small tmpfs that
fills up.  Needs root to mount; skipped with the reason otherwise.
"""

from __future__ import annotations

import shutil
import urllib.error

import pytest

from bench.liveserver import Browser, Server, prepare_store
from etl.load import sha256_file
from tests.bigfile import payments_csv
from tests.test_store_faults import everything, tmpfs  # noqa: F401  (the fixture)


def test_disk_full_during_a_web_load_is_named_on_the_page(tmp_path, tmpfs):  # noqa: F811
    store = prepare_store(tmp_path / "work", 20)
    fs = tmpfs("db", "9m")
    db = fs.path / "fundquery.duckdb"
    shutil.copyfile(store["db"], db)
    before = everything(db)
    big = payments_csv(tmp_path / "清册.csv", 100_000)
    with Server(db, store["instance"], store["uploads"], tmp_path / "server.log") as server:
        clerk = Browser(server.url).sign_in("clerk")
        sha = clerk.upload(big, "payments")
        page = clerk.load(sha, "payments", clerk.preview(sha, "payments"))
        assert "磁盘已满" in page and "没有存入任何数据" in page
        assert "已导入批次" not in page
        fs.remount("size=256m")
        # The same server goes on once space is freed: the clerk loads the file again.
        page = clerk.load(sha, "payments", clerk.preview(sha, "payments"))
        assert "已导入批次" in page
    after = everything(db)
    assert {
        k: v for k, v in after.items() if k not in ("batches", "payments", "upload_reports")
    } == {k: v for k, v in before.items() if k not in ("batches", "payments", "upload_reports")}
    assert len(after["payments"]) == len(before["payments"]) + 100_000
    assert (
        len(after["batches"]) == len(before["batches"]) + 1
    )  # one batch, not a half one before it
    assert sha256_file(store["uploads"] / f"{sha}.csv") == sha


def test_upload_onto_a_full_disk_says_so_and_leaves_no_partial_file(tmp_path, tmpfs):  # noqa: F811
    store = prepare_store(tmp_path / "work", 20)
    fs = tmpfs("uploads", "3m")
    (fs.path / "staging").mkdir()
    big = payments_csv(tmp_path / "清册.csv", 40_000)  # 5 MB
    with Server(store["db"], store["instance"], fs.path, tmp_path / "server.log") as server:
        clerk = Browser(server.url).sign_in("clerk")
        with pytest.raises(urllib.error.HTTPError) as refused:
            clerk.upload(big, "payments")
        assert refused.value.code == 503
        assert "磁盘已满" in refused.value.read().decode()
    assert [p.name for p in (fs.path / "staging").iterdir()] == []
