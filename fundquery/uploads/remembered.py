"""A clerk's mapping for a form: found again for the next file, saved after a load (web and CLI alike).

No Flask here: ``fundquery load`` and the web upload both call these with the
store's connection.  A remembered mapping applies when a file of the same
office and kind has the same header layout (``etl.headermatch.fingerprint``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from etl.load import LoadResult
from etl.peek import peek
from etl.specs import SPECS
from etl.text import header_key
from fundquery.queries import mappings

NOT_NEEDED = {"", "-", "不需要", "not needed", "none"}


class UnknownColumn(ValueError):
    """A mapping names a column the kind does not have; ``str()`` lists the kind's columns."""


@dataclass
class Choice:
    """What a file is read with: the clerk's mapping and file-level values, and the saved mapping they came from."""

    mapping: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    recalled: dict | None = None  # the saved mapping used (queries.mappings row), if any

    @property
    def empty(self) -> bool:
        return not self.mapping and not self.values


def kind_columns(kind: str) -> str:
    """The kind's columns as a clerk reads them: 姓名 (name)、身份证号 (id_number) …"""
    return "、".join(f"{c.label_zh} ({c.name})" for c in SPECS[kind].columns)


def target(kind: str, name: str) -> str:
    """A mapping's right side as canonical column: a canonical name or the kind's Chinese label; "" = not needed."""
    name = name.strip()
    if name.lower() in NOT_NEEDED:
        return ""
    spec = SPECS[kind]
    for col in spec.columns:
        if name == col.name or header_key(name) in {
            header_key(col.label_zh),
            header_key(col.label_en),
        }:
            return col.name
    raise UnknownColumn(
        f"“{spec.title_zh}”没有“{name}”这一列。可选的列：{kind_columns(kind)}，或“不需要”。"
        f" / {spec.title_en} has no column “{name}”; its columns: {', '.join(c.name for c in spec.columns)},"
        " or “not needed”."
    )


def recall(
    con: duckdb.DuckDBPyConnection,
    path: str | Path,
    kind: str,
    office: str | None,
    name: str | None = None,
) -> dict | None:
    """The saved mapping for this office and the file's header layout, if there is one.

    The file's header is detected without a mapping, and with each saved mapping of the office:
    a two-level header that the mapping decided has the fingerprint it was saved under.
    """
    asked = None if kind == "auto" else kind
    saved_here = mappings.listing(con, office)
    if not saved_here:  # nothing saved for this office: no need to look at the header
        return None
    bare = peek(path, asked, name=name).match
    if bare is not None:
        found = mappings.find(con, office, bare.spec.kind, bare.fingerprint) or (
            mappings.find(con, office, None, bare.fingerprint) if asked is None else None
        )
        if found:
            return found
    for saved in saved_here:
        if asked and saved["kind"] != asked:
            continue
        again = peek(path, saved["kind"], name=name, mapping=saved["mapping"]).match
        if again is not None and again.fingerprint == saved["fingerprint"]:
            return saved
    return None


def choose(
    con: duckdb.DuckDBPyConnection,
    path: str | Path,
    kind: str,
    office: str | None,
    *,
    mapping: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    name: str | None = None,
    use_saved: bool = True,
) -> Choice:
    """The clerk's own mapping and values, completed by the office's saved mapping for this form."""
    saved = recall(con, path, kind, office, name) if use_saved else None
    if saved is None:
        return Choice(dict(mapping or {}), dict(values or {}))
    merged_values = {**saved["values"], **(values or {})}
    return Choice({**saved["mapping"], **(mapping or {})}, merged_values, saved)


def remember(
    con: duckdb.DuckDBPyConnection,
    result: LoadResult,
    choice: Choice,
    *,
    office: str | None,
    username: str,
) -> int | None:
    """After a load: save the mapping and stable values used for this office and form; return its id.

    A load that used a saved mapping as it was only notes the use; a load with nothing chosen saves nothing.
    """
    if result.status != "loaded" or result.report is None:
        return None
    report = result.report
    chosen = {k: v["value"] for k, v in report.values.items() if v.get("source") == "clerk"}
    stable = {k: v for k, v in chosen.items() if k in mappings.STABLE_VALUES}
    if not report.mapping and not stable:
        return None
    saved = choice.recalled
    if (
        saved
        and saved["kind"] == result.kind
        and saved["fingerprint"] == report.fingerprint
        and saved["mapping"] == report.mapping
        and saved["values"] == stable
    ):
        mappings.used(con, saved["mapping_id"])
        return saved["mapping_id"]
    labels = result.extract.match.labels if result.extract else []
    return mappings.remember(
        con,
        office=office,
        kind=result.kind,
        fingerprint=report.fingerprint,
        mapping=report.mapping,
        values=stable,
        headers=[label for label in labels if label],
        file_name=result.file_name,
        saved_by=username,
    )
