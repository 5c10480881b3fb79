# ruff: noqa: F811  (pytest fixtures imported from tests.web.staffing are parameters here)
"""A previewed file is read once: the load takes the preview's read (fundquery.uploads.readcache).

Each test loads through the test client and then looks at what the store holds, so a read kept
wrong (another file's, another mapping's) would show in the rows, not only in a flag.
"""

from __future__ import annotations

import logging
from decimal import Decimal

from fundquery.uploads import staging
from fundquery.web.db import get_db
from tests.sheets import PAY_HEADER, pay_row, write_xlsx
from tests.web.staffing import (  # noqa: F401 (fixtures)
    finance,
    funds_file,
    load,
    preview,
    staff_app,
    with_funds,
)

READ_REUSED = "(the preview's read)"


def _roster(tmp_path, name: str, amounts: list[str]):
    rows = [pay_row(n + 1, amount=a, area="1", standard=a) for n, a in enumerate(amounts)]
    return write_xlsx(tmp_path / name, [["2024年耕地地力保护补贴发放清册"], PAY_HEADER, *rows])


def _stored(app, batch: int) -> list[tuple[int, Decimal]]:
    with app.app_context():
        return (
            get_db()
            .execute(
                "SELECT row_no, amount_yuan FROM payments WHERE batch_id = ? ORDER BY row_no",
                [batch],
            )
            .fetchall()
        )


def _last_batch(app) -> int:
    with app.app_context():
        return get_db().execute("SELECT max(batch_id) FROM batches").fetchone()[0]


def _kept_files(app, sha256: str) -> list[str]:
    with app.app_context():
        return sorted(p.name[len(sha256) :] for p in staging.staging_dir().glob(f"{sha256}.read.*"))


def test_the_load_takes_the_previews_read_and_stores_the_files_rows(
    staff_app, with_funds, tmp_path, caplog
):
    amounts = ["105.00", "210.50", "99.99"]
    url, data = preview(with_funds, _roster(tmp_path, "清册.xlsx", amounts))
    assert data["error_total"] == 0
    assert _kept_files(staff_app, data["sha256"]) == [".read.arrow", ".read.meta"]
    with caplog.at_level(logging.INFO):
        assert load(with_funds, url, data).status_code == 302
    assert READ_REUSED in caplog.text
    # the rows the file holds (row numbers of the sheet: title on 1, header on 2)
    assert _stored(staff_app, _last_batch(staff_app)) == [
        (3, Decimal("105.00")),
        (4, Decimal("210.50")),
        (5, Decimal("99.99")),
    ]
    assert _kept_files(staff_app, data["sha256"]) == []  # gone with the previews after the load


def test_a_kept_read_with_a_wrong_signature_is_not_used(staff_app, with_funds, tmp_path, caplog):
    url, data = preview(with_funds, _roster(tmp_path, "清册.xlsx", ["105.00", "210.50"]))
    with staff_app.app_context():
        meta = staging.staging_dir() / f"{data['sha256']}.read.meta"
        signed = bytearray(meta.read_bytes())
        signed[-1] ^= 1  # one bit of the pickle changed: written by somebody else
        meta.write_bytes(bytes(signed))
    with caplog.at_level(logging.INFO):
        assert load(with_funds, url, data).status_code == 302
    assert "wrong signature" in caplog.text and READ_REUSED not in caplog.text
    stored = _stored(staff_app, _last_batch(staff_app))
    assert stored == [(3, Decimal("105.00")), (4, Decimal("210.50"))]  # read from the file


def test_a_changed_mapping_drops_the_kept_read(staff_app, with_funds, tmp_path, caplog):
    """The clerk marks 户号 not needed after the preview: the load reads the file with that choice."""
    from tests.web.test_upload_mapping import answer

    url, data = preview(with_funds, _roster(tmp_path, "清册.xlsx", ["105.00"]))
    assert _kept_files(staff_app, data["sha256"]) == [".read.arrow", ".read.meta"]
    assert answer(with_funds, url, data, 户号="-").status_code == 302
    assert _kept_files(staff_app, data["sha256"]) == []
    data = with_funds.get(url + "&format=json").get_json()  # the preview with the choice
    with caplog.at_level(logging.INFO):
        assert load(with_funds, url, data, anyway=True).status_code == 302
    assert READ_REUSED in caplog.text  # the new preview's read, kept with the new choice
    with staff_app.app_context():
        households = (
            get_db()
            .execute(
                "SELECT count(household_no) FROM payments WHERE batch_id = ?",
                [_last_batch(staff_app)],
            )
            .fetchone()[0]
        )
    assert households == 0  # 户号 was not needed: the read used is the one with the clerk's choice
