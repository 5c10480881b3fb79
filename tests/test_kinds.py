"""A dataset kind is one declaration (issue 16): its table, views, open data, lake export, upload
template, the CLI's choice and the docs all follow from its spec.

The kinds here are declared in the test alone: nothing else in the tree names them.
"""

from __future__ import annotations

import duckdb
import pytest

from etl import kinddocs, kinds, store
from etl.specs import SPECS, register, unregister
from etl.spectypes import Column, OpenData, Spec
from etl.store import connect
from fundquery import REPO_ROOT
from fundquery.queries.batches import PUBLIC_VIEW
from fundquery.queries.datasets import DATASETS
from tests.sheets import make_id
from tests.web.staffing import finance, load, preview, staff_app  # noqa: F401

COLUMNS_SQL = (
    "SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns"
    " WHERE table_name = ? ORDER BY ordinal_position"
)
CONSTRAINTS_SQL = (
    "SELECT constraint_type, expression, constraint_column_names FROM duckdb_constraints()"
    " WHERE table_name = ? ORDER BY ALL"
)
ORIGINAL_KINDS = ("funds", "disbursements", "payments", "projects", "budgets", "agencies", "staff")

# A kind nobody else declares: a county's 林业补助 roll, public by township and amount only.
GRANTS = Spec(
    "forest_grants",
    "林业补助发放表",
    "Forestry grants",
    "forest_grants",
    (
        Column("year", ("补助年度",), "year", True, public=True),
        Column("township", ("所在乡镇",), "text", True, public=True),
        Column("name", ("林农姓名",), "text", True),
        Column(
            "id_number", ("林农身份证号",), "id_number", True, public=True
        ),  # never shown anyway
        Column("amount_yuan", ("补助金额",), "amount", True, public=True),
        Column("paid_on", ("补助发放日期",), "date"),
    ),
    open_data=OpenData("year, township", {"year": "int"}, total="amount_yuan", group_by="township"),
    year_from="paid_on",
)
GRANTS_HEADER = ["补助年度", "所在乡镇", "林农姓名", "林农身份证号", "补助金额", "补助发放日期"]
GRANTS_ROWS = [
    [2024, "城关镇", "赵林生", make_id(seq=11), "1,200.00", "2024-05-06"],
    [2024, "东风镇", "钱木根", make_id(seq=12, sex="f"), "800.50", "2025-01-03"],
]

# A register from another department, declared in the test: never public.
LICENCES = Spec(
    "hunting_licences",
    "狩猎证登记",
    "Hunting licences",
    "hunting_licences",
    (
        Column("name", ("持证人",), "text", True, public=True),
        Column("id_number", ("持证人身份证号",), "id_number", True),
        Column("paid_on", ("发证日期",), "date", True, public=True),
    ),
    open_data=OpenData("name"),  # ignored: a register has no open data
    register=True,
    year_from="paid_on",
    uploaders=("inspector", "admin"),
)


@pytest.fixture
def grants():
    register(GRANTS)
    yield GRANTS
    unregister(GRANTS.kind)


@pytest.fixture
def licences():
    register(LICENCES)
    yield LICENCES
    unregister(LICENCES.kind)


def schema(con: duckdb.DuckDBPyConnection, table: str) -> tuple[list, list]:
    return con.execute(COLUMNS_SQL, [table]).fetchall(), con.execute(
        CONSTRAINTS_SQL, [table]
    ).fetchall()


def test_generated_tables_are_the_schema_existing_stores_have():
    """The DDL made from each original spec is 001_init.sql's table as the later migrations change it
    (021's funds.means_tested, 023's funds.notice_days, 024's disbursements.approved_on and 026's
    funds.budget_yuan and payments.village no longer NOT NULL): types, NOT NULL, defaults, CHECKs."""
    old = duckdb.connect()
    store.migrate(old, store.migrations())  # every schema file, without etl.kinds.ensure
    new = duckdb.connect()
    for kind in ORIGINAL_KINDS:
        new.execute(kinds.table_ddl(SPECS[kind]))
        columns, constraints = schema(old, SPECS[kind].table)
        assert columns, kind
        assert schema(new, SPECS[kind].table) == (columns, constraints), kind


def test_a_store_made_today_has_nothing_missing_and_one_made_before_gets_nothing_new(tmp_path):
    con = connect(tmp_path / "store.duckdb")
    assert kinds.missing(con) == []
    for kind in ORIGINAL_KINDS:
        for prefix in ("live_", "public_"):
            assert con.execute(f"SELECT count(*) FROM {prefix}{kind}").fetchone() == (0,)  # noqa: S608
    con.close()


def test_a_register_declared_in_a_test_is_never_public(licences, tmp_path):
    con = connect(tmp_path / "store.duckdb")
    names = {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    assert {licences.table, f"live_{licences.table}"} <= names
    assert f"public_{licences.table}" not in names
    assert licences.kind not in DATASETS and licences.kind not in PUBLIC_VIEW
    assert licences.public_columns == ()
    section = kinddocs.markdown().split(f"## `{licences.kind}`")[1]
    assert "never public" in section and "inspector, admin" in section
    con.close()


def test_a_kind_is_declared_once():
    with pytest.raises(ValueError, match="declared twice"):
        register(Spec("funds", "另一个", "Another", "funds2", ()))


def test_docs_kinds_md_is_generated_from_the_specs():
    assert (REPO_ROOT / "docs" / "kinds.md").read_text(encoding="utf-8") == kinddocs.markdown(), (
        "run: python -m etl.kinddocs > docs/kinds.md"
    )
