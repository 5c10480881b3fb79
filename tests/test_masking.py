"""Masking rules: names on notices (Python and SQL agree), spreadsheet formula injection."""

from __future__ import annotations

import pytest

from fundquery.resident.masking import mask_name, neutralise

NAMES = [
    ("张三", "张*"),
    ("张小静", "张*静"),
    ("欧阳小平", "欧**平"),
    ("王", "*"),
    (" 李四 ", "李*"),
    ("阿不都·热合曼", "阿*****曼"),
    ("", "*"),
]


@pytest.mark.parametrize(("name", "masked"), NAMES, ids=[n or "empty" for n, _ in NAMES])
def test_mask_name_follows_the_notice_convention(store, name, masked):
    assert mask_name(name) == masked
    assert store.execute("SELECT mask_name(?)", [name]).fetchone()[0] == masked


def test_mask_name_keeps_null(store):
    assert mask_name(None) is None
    assert store.execute("SELECT mask_name(NULL)").fetchone()[0] is None


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("县财政局", "县财政局"),
        ("a=b", "a=b"),
        (-5, -5),
        (None, None),
    ],
    ids=["equals", "plus", "minus", "at", "tab", "plain", "inner", "number", "none"],
)
def test_neutralise_escapes_formula_starts(value, shown):
    assert neutralise(value) == shown
