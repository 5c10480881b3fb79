"""One vocabulary of column labels (etl/labels.py) for the upload specs, the public datasets and the inspectors' checks.

A declaration may name narrower labels for its column (a disbursement's amount is
拨付金额), never type the vocabulary's own labels again.
"""

from __future__ import annotations

import re

from etl.labels import LABELS
from etl.specs import SPECS
from fundquery import REPO_ROOT
from fundquery.inspect import CHECKS
from fundquery.queries.datasets import DATASETS

DECLARED = re.compile(r'\b(?:Col|Column)\("(\w+)", "([^"]*)", "([^"]*)"')


def test_no_declaration_types_the_vocabulary_again():
    again = []
    for folder in ("etl", "fundquery"):
        for path in sorted((REPO_ROOT / folder).rglob("*.py")):
            if path.name == "labels.py":
                continue
            for name, zh, en in DECLARED.findall(path.read_text(encoding="utf-8")):
                if name in LABELS and LABELS[name] == (zh, en):
                    again.append(f"{path.relative_to(REPO_ROOT)}: {name}")
    assert again == [], "take these labels from etl/labels.py"


def test_specs_datasets_and_checks_share_the_labels():
    township = LABELS["township"]
    seen = [
        (c.label_zh, c.label_en)
        for d in DATASETS.values()
        for c in d.columns
        if c.name == "township"
    ]
    seen += [
        (c.zh, c.en) for check in CHECKS.values() for c in check.columns if c.name == "township"
    ]
    assert seen and set(seen) == {township}
    for spec in SPECS.values():
        for column in spec.columns:
            assert column.label_en == LABELS[column.name].en, (spec.kind, column.name)
