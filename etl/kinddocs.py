"""docs/kinds.md, generated from the declared specs: every kind, its columns, headers and who sees it.

``python -m etl.kinddocs > docs/kinds.md`` rewrites it; tests/test_kinds.py fails when the file
and the specs disagree.
"""

from __future__ import annotations

from etl import kinds
from etl.specs import SPECS
from etl.spectypes import Column, Spec

HEADER = """# Dataset kinds (数据类型)

Generated from `etl/specs.py` by `python -m etl.kinddocs > docs/kinds.md`; do not edit by hand.
Each kind is one declaration: its table and `live_`/`public_` views (etl/kinds.py), its open data
(the columns marked public), the lake export, the blank upload template and `fundquery load KIND`
all follow from it.  A register from another department is uploaded by inspectors and
administrators, is never published, and every view of its rows is audit-logged.
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _year(spec: Spec) -> str:
    if not spec.year_from:
        return ""
    text = f", year from `{spec.year_from}`"
    return text + (f" (`{spec.year_else}` where it is empty)" if spec.year_else else "")


def _required(col: Column) -> str:
    return "yes" if col.required else ("if the column is there" if col.required_if_present else "")


def _absent_notes(spec: Spec) -> list[str]:
    """What a file without a column required if present gets (etl.validate: one warning)."""
    return [
        f"- a file without `{c.name}` ({c.label_zh}) loads with one warning: “{c.absent_zh}”"
        + (f"; each row then needs `{c.needed_without}`" if c.needed_without else "")
        for c in spec.columns
        if c.required_if_present and c.absent_zh
    ]


def kind_section(spec: Spec) -> str:
    public = "never public (register)" if spec.register else ("published after review")
    if not spec.register and not spec.public_columns:
        public = "not in open data"
    views = ", ".join(f"`{p}{spec.table}`" for p in kinds.views(spec))
    lines = [
        f"## `{spec.kind}` — {spec.title_zh} / {spec.title_en}",
        "",
        f"- table `{spec.table}`; views {views}",
        f"- uploaded by: {', '.join(spec.uploaders)}; {public}",
        f"- lake partition: county{_year(spec)}",
        *_absent_notes(spec),
        "",
        "| column | type | required | public | headers (the first is the template's) |",
        "| --- | --- | --- | --- | --- |",
    ]
    shown = {c.name for c in spec.public_columns}
    for c in spec.columns:
        if not c.stored:
            continue
        lines.append(
            f"| `{c.name}` | {c.type} | {_required(c)} |"
            f" {'yes' if c.name in shown else ''} | {_cell('、'.join(c.aliases))} |"
        )
    # Columns read for a check and not stored (应发金额 beside 实发金额, a 火化日期): a file's column with
    # these headers is read, not listed among the columns not loaded.
    read_only = [c for c in spec.columns if not c.stored]
    if read_only:
        lines += ["", "Read for a check, not stored:", ""]
        lines += [
            f"- `{c.name}` ({c.type}): {_cell('、'.join(c.aliases))}"
            + (f" — {c.note_zh}" if c.note_zh else "")
            for c in read_only
        ]
    return "\n".join(lines) + "\n"


def markdown() -> str:
    return HEADER + "".join("\n" + kind_section(s) for s in SPECS.values())


if __name__ == "__main__":
    print(markdown(), end="")
