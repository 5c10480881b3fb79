"""Load a built layout through the real loader and say what did not go as declared.

Shared by tests/test_layouts.py and bench/layouts_corpus.py.  ``check`` builds
the layout twice: clean (it must load: status ``loaded``, every declared
column stored in its canonical column) and with its planted findings (the
findings must be exactly the planted ones, at their spreadsheet rows, and the
cells the loader read must be the cells the builder wrote).  It returns the
problems as sentences; an empty list is a pass.
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from etl.extract import UnreadableFile
from etl.filevalues import generated_fund_code, money, standard_text
from etl.idnum import Hasher, mask
from etl.load import LoadResult, load_file
from etl.specs import SPECS
from etl.store import connect
from etl.text import cell_text, header_key, header_unit, norm
from etl.vocabulary import IGNORED_HEADERS
from tests.layouts.build import VILLAGES, Built, build
from tests.sheets import FUNDS_HEADER, FUNDS_ROWS, write_xlsx

HASHER = Hasher(b"layouts-key-0123456789abcdef0123")
NEEDS_FUNDS = ("payments", "disbursements", "projects", "allocations")
# A village written as its committee (东风村委会, 红星村村民委员会, 新华社区居委会) is stored as the village it
# names, on every form (held7).
_COMMITTEE = re.compile(r"(村|社区)(村?委会|村?民委员会|居委会|居民委员会)$")
# A unit written code-name (101001-县财政局, [101001]县财政局) is stored as its name (branch codename).
_UNITS = ("department", "agency_name", "payee", "contractor", "recipient")
_UNIT_CODE = re.compile(
    r"^(?:[\[【(（][A-Za-z]{0,4}\d{3,}[\]】)）]|[A-Za-z]{0,4}\d{3,}\s*[-－—–]|[A-Za-z]{0,4}\d{3,}\s)\s*(?=\S*[\u4e00-\u9fff])"
)


def loader_takes_mapping() -> bool:
    """Whether etl.load.load_file has a ``mapping`` parameter yet (issue 14: being added)."""
    return "mapping" in inspect.signature(load_file).parameters


def _key(col: dict) -> str:
    h = col["header"]
    return col.get("key", h if isinstance(h, str) else "/".join(h))


def _open(tmp: Path, kind: str):
    tmp.mkdir(parents=True, exist_ok=True)
    con = connect(tmp / "store.duckdb")
    if kind in NEEDS_FUNDS:  # payments and the like name fund codes: a small catalogue first
        funds = write_xlsx(tmp / "funds.xlsx", [["2024年专项资金目录"], FUNDS_HEADER, *FUNDS_ROWS])
        res = load_file(
            con, funds, "funds", hasher=HASHER, uploaded_by="tester", archive_dir=tmp / "uploads"
        )
        assert res.status == "loaded", res.as_json()
    return con


def load(
    con, built: Built, kind: str, tmp: Path, mapping: dict | None = None, values: dict | None = None
) -> LoadResult:
    kw = {"mapping": mapping} if mapping is not None else {}
    if values:
        kw["values"] = values
    return load_file(
        con,
        built.path,
        kind,
        hasher=HASHER,
        uploaded_by="tester",
        archive_dir=tmp / "uploads",
        **kw,
    )


def first_error(result: LoadResult) -> str:
    """The loader's own words for why a file did not load (first error)."""
    if result.report and result.report.errors:
        f = result.report.errors[0]
        more = len(result.report.errors) - 1
        return f"{f.rule}: {f.message}" + (f" (+{more} more)" if more else "")
    return result.status


def _text(v) -> str | None:
    return norm(cell_text(v))


def _num(v) -> Decimal | None:
    t = _text(v)
    if t is None:
        return None
    try:
        return Decimal(t.replace(",", "").replace("元", ""))
    except InvalidOperation:
        return None


def _date(v) -> dt.date | None:
    if isinstance(v, dt.date):
        return v if not isinstance(v, dt.datetime) else v.date()
    t = _text(v)
    if t is None:
        return None
    t = t.split(" ")[0]
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y%m%d"):
        try:
            return dt.datetime.strptime(t, fmt).date()
        except ValueError:
            continue
    return None


def _title_wan(layout: dict) -> bool:
    """Whether a title line says the table's unit is 万元 (单位：万元): its amounts are stored ×10000."""
    cells = [
        c.get("text") if isinstance(c, dict) else c for row in layout["title_rows"] for c in row
    ]
    return any(
        re.search(r"(?:^|[^\u4e00-\u9fff])(?:金额)?单位:万元", (norm(c) or "").replace(" ", ""))
        for c in cells
        if c
    )


def _wan_columns(layout: dict) -> set[str]:
    """The canonical amount columns the loader reads in 万元 (their header or the title says so)."""
    spec = SPECS[layout["kind"]]
    names = {c.name for c in spec.columns if c.type == "amount"}
    out = set()
    for col in layout["columns"]:
        if col["expect"] in names and not col.get("group"):
            unit = header_unit(norm(_key(col)))
            if unit == "万元" or (unit is None and _title_wan(layout)):
                out.add(col["expect"])
    return out


def _expected_stored(ctype: str, col_spec, v):
    """What the store should hold for the written cell ``v`` of a column of type ``ctype``."""
    if ctype in ("amount", "decimal"):
        return _num(v)
    if ctype in ("int", "year"):
        n = _num(v)
        return int(n) if n is not None else None
    if ctype == "date":
        return _date(v)
    if ctype == "enum":
        t = (_text(v) or "").replace(" ", "").lower()
        return next(
            (
                val
                for k, val in col_spec.values.items()
                if (norm(k) or "").replace(" ", "").lower() == t
            ),
            None,
        )
    t = _text(v)
    if ctype == "code" and t is not None:
        return t.replace(" ", "")
    if col_spec.name == "name" and t is not None:
        return t.replace(" ", "")
    if col_spec.name == "village" and t is not None:
        return _COMMITTEE.sub(r"\1", t)
    if col_spec.name in _UNITS and t is not None:
        return _UNIT_CODE.sub("", t).strip()
    return t


def _planted_cells(layout: dict, built: Built) -> set[tuple[int, str]]:
    rows = [d["row"] for d in built.data]
    return (
        {(rows[p["data_row"]], p["column"]) for p in layout.get("plant", [])}
        if built.planted
        else set()
    )


def _landing(layout: dict, built: Built, result: LoadResult) -> list[str]:
    """Every declared column read into its canonical column, with the text the builder wrote."""
    problems = []
    table = result.extract.table
    got = {name: table[name].to_pylist() for name in table.column_names}
    skip = _planted_cells(layout, built)
    cols = [c for c in layout["columns"] if c["expect"]]
    wide = [c for c in cols if c.get("group")]
    if wide:
        have = {}
        for i, r in enumerate(got["_row"]):
            have[(r, got.get("staffing_type", [None] * len(got["_row"]))[i])] = {
                k: v[i] for k, v in got.items()
            }
    for pos, col in enumerate(layout["columns"]):
        if not col["expect"]:
            continue
        canonical = col["expect"]
        if canonical not in got:
            problems.append(
                f"列“{_key(col)}”没有落到 {canonical}（读到的列：{', '.join(sorted(set(got) - {'_row'}))}）"
            )
            continue
        for d in built.data:
            if (d["row"], _key(col)) in skip:
                continue
            want = _text(d["cells"][pos])
            if col.get("group"):
                if want in (None, "0"):
                    continue
                row = have.get((d["row"], col["group"]))
                seen = row.get(canonical) if row else "<no row>"
            else:
                seen = (
                    got[canonical][got["_row"].index(d["row"])]
                    if d["row"] in got["_row"]
                    else "<no row>"
                )
            if seen != want:
                problems.append(
                    f"第 {d['row']} 行“{_key(col)}”：写入 {want!r}，读到 {canonical}={seen!r}"
                )
                break
    return problems


def _reads_group(layout: dict) -> bool:
    """Whether a 村组 cell gives the group too: the kind has a group column and the form has none."""
    names = {c.name for c in SPECS[layout["kind"]].columns}
    return "village_group" in names and not any(
        c["expect"] == "village_group" for c in layout["columns"]
    )


def _stored(con, layout: dict, built: Built, result: LoadResult) -> list[str]:
    """The clean load's stored rows hold what the builder wrote (first and last data row)."""
    spec = SPECS[layout["kind"]]
    problems = []
    for d in (built.data[0], built.data[-1]):
        for pos, col in enumerate(layout["columns"]):
            canonical = col["expect"]
            if not canonical or col.get("group"):
                continue
            cs = spec.column(canonical)
            if (
                not cs.stored
            ):  # read and used (a cremation date standing in for the death date), not kept
                continue
            v = d["cells"][pos]
            if cs.type == "id_number":
                sql, want = "id_masked", mask(_text(v))
            elif col.get("parse") in ("address", "village_group"):  # the village written into it
                sql = f'"{canonical}"'
                want = next((name for name in VILLAGES if name in (_text(v) or "")), None)
                if col.get("parse") == "village_group" and _reads_group(layout):
                    sql += ", village_group"  # and the group written after it (东风村一组)
                    want = (want, (_text(v) or "").removeprefix(want or ""))
            elif canonical == "bank_account":
                sql, want = "bank_account_masked", "****" + _text(v)[-4:]
            else:
                sql, want = f'"{canonical}"', _expected_stored(cs.type, cs, v)
                if canonical in _wan_columns(layout) and want is not None:
                    want = want * 10_000
            row = con.execute(
                f"SELECT {sql} FROM {spec.table} WHERE batch_id = ? AND row_no = ?",  # noqa: S608
                [result.batch, d["row"]],
            ).fetchone()
            seen = (row if isinstance(want, tuple) else row[0]) if row else "<no row>"
            if isinstance(want, Decimal) and isinstance(seen, Decimal):
                same = want == seen
            else:
                same = seen == want
            if not same:
                problems.append(
                    f"第 {d['row']} 行“{_key(col)}”存为 {canonical}={seen!r}，应为 {want!r}"
                )
    return problems + _computed_stored(con, layout, built, result)


def _cell(layout: dict, d: dict, canonical: str):
    """The text the builder wrote for ``canonical`` in data row ``d``, else the clerk's value for the file."""
    for pos, col in enumerate(layout["columns"]):
        if col["expect"] == canonical and not col.get("group"):
            return _text(d["cells"][pos])
    return (layout.get("values") or {}).get(canonical)


def _computed_stored(con, layout: dict, built: Built, result: LoadResult) -> list[str]:
    """A column the form lacks and the loader computes is stored as computed, exactly.

    The amount of a roster with a quantity and the clerk's standard: quantity × standard, rounded half
    up to the fen.  The code of a catalogue that names its funds: etl.filevalues.generated_fund_code.
    """
    spec = SPECS[layout["kind"]]
    absent = set(layout.get("absent_required", []))
    problems = []
    for d in (built.data[0], built.data[-1]):
        want = {}
        if "amount_yuan" in absent and (layout.get("values") or {}).get("standard_yuan"):
            qty = _num(_cell(layout, d, "quantity"))
            std = Decimal(standard_text(layout["values"]["standard_yuan"])[0])
            want["amount_yuan"] = (qty * std).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if (
            spec.kind == "funds"
            and "fund_code" in absent
            and "fund_code" not in (layout.get("values") or {})
        ):
            want["fund_code"] = generated_fund_code(
                _num(_cell(layout, d, "year")), _cell(layout, d, "fund_name")
            )
        if (
            spec.kind != "funds"
            and "fund_code" in absent
            and "fund_code" not in (layout.get("values") or {})
        ):  # looked up in the small catalogue _open loads (tests/sheets.FUNDS_ROWS) by year and name
            year, name = _cell(layout, d, "year"), _cell(layout, d, "fund_name")
            want["fund_code"] = next(
                (r[0] for r in FUNDS_ROWS if r[1] == name and r[3] == str(year)), "<no fund>"
            )
        for canonical, value in want.items():
            row = con.execute(
                f'SELECT "{canonical}" FROM {spec.table} WHERE batch_id = ? AND row_no = ?',  # noqa: S608
                [result.batch, d["row"]],
            ).fetchone()
            seen = row[0] if row else "<no row>"
            if seen != value:
                problems.append(f"第 {d['row']} 行 {canonical} 存为 {seen!r}，应计算为 {value!r}")
    return problems


def _expected_computed(layout: dict, values: dict | None) -> set[str]:
    """The warnings a column computed for the whole file gives (once each), when the run gives what it needs."""
    absent = set(layout.get("absent_required", []))
    values = values or {}
    want = set()
    if "amount_yuan" in absent and values.get("standard_yuan"):
        want.add("amount_computed")
    if layout["kind"] == "funds" and "fund_code" in absent and "fund_code" not in values:
        want.add("fund_code_generated")
    names_fund = any(c["expect"] == "fund_name" for c in layout["columns"])
    if (
        layout["kind"] != "funds"
        and "fund_code" in absent
        and "fund_code" not in values
        and names_fund
    ):
        want.add("fund_code_looked_up")
    return want


def _expected_unused(layout: dict) -> set[str]:
    """The headers a ``column_unused`` warning must name: the layout's ``unimported``.

    Not a running number (序号), and not a wide table's 超配 / 缺配 under a 编制类型: the loader
    recognises them (quota minus actual) and reads them, it has no column to keep them in.
    """
    ignored = {header_key(h) for h in IGNORED_HEADERS}
    derived = {_key(c) for c in layout["columns"] if c.get("group") and not c["expect"]}
    return {
        norm(h)
        for h in layout.get("unimported", [])
        if header_key(h) not in ignored and h not in derived
    }


def _expected_absent(layout: dict, mapping: dict | None, values: dict | None = None) -> list[str]:
    """The columns required if present (etl.spectypes.Column.required_if_present) the form lacks and the
    clerk does not choose at upload (a roster's village): one ``column_absent`` warning each (issue 14:
    vouchers with no 审核签字日期, rosters with no 身份证号, no 村, catalogues with no 预算金额).  Not for
    one the layout's ``absent_required`` says its title names (东风村,城关镇,… above the table)."""
    have = {c["expect"] for c in layout["columns"]} | set((mapping or {}).values())
    have |= set(values or {}) | set(layout.get("absent_required", ()))
    return sorted(
        c.label_zh
        for c in SPECS[layout["kind"]].columns
        if c.required_if_present and c.absent_zh and c.name not in have
    )


def structural(
    layout: dict,
    result: LoadResult,
    values: dict | None,
    mapping: dict | None = None,
    rows: int | None = None,
) -> tuple[list, list[str]]:
    """The findings left to compare with the planted ones, and problems with the expected warnings.

    ``column_unused`` is expected whenever the layout declares ``unimported``: its message must name
    exactly those headers.  ``value_inferred`` (a file-level value read from the title) is expected
    only for a required column the form lacks, and must agree with the value the clerk would choose.
    ``column_other_states`` (an enum column's header over another thing's states) may name only a column
    the layout does not import.  ``amount_computed`` / ``fund_code_generated`` (a required column the form lacks, computed for every
    row) are expected exactly once each, exactly when the layout lacks that column and the run gives
    what it is computed from (the clerk's standard; a catalogue's fund names).
    """
    rest, problems = [], []
    want_unused = _expected_unused(layout)
    seen_unused: set[str] = set()
    want_computed, seen_computed = _expected_computed(layout, values), []
    # A village read out of an address column (etl.address): one warning naming that column.
    # (Not when the clerk's mapping names the column itself: its cells are then the village.)
    # A 村组 cell (parse "village_group") gives the village and, where the kind has a group column and
    # the form none, the group: one warning each.
    want_parsed = [
        _key(c)
        for c in layout["columns"]
        if c.get("parse") in ("address", "village_group") and _key(c) not in (mapping or {})
        for _ in range(2 if c.get("parse") == "village_group" and _reads_group(layout) else 1)
    ]
    seen_parsed = []
    want_wan = sorted(
        norm(_key(c))
        for c in layout["columns"]
        if c["expect"] in _wan_columns(layout) and not c.get("group")
    )
    seen_wan: list[str] = []
    want_absent, seen_absent = _expected_absent(layout, mapping, values), []
    for f in result.report.findings:
        if f.rule == "column_absent":  # once for the file, naming how many rows it leaves out
            seen_absent.append(f.column)
            # “本表无审核签字日期：N 张凭证…”, “本表无身份证号：N 条发放…”
            if rows is not None and f"：{rows} " not in f.message:
                problems.append(f"column_absent does not name the file's {rows} rows: {f.message}")
        elif f.rule == "village_from_address":
            seen_parsed.append(f.column)
        elif f.rule in ("amount_computed", "fund_code_generated", "fund_code_looked_up"):
            seen_computed.append(f.rule)
            standard = (values or {}).get("standard_yuan")
            if (
                f.rule == "amount_computed"
                and standard
                and money(standard_text(standard)[0]) not in f.message
            ):
                problems.append(
                    f"amount_computed does not name the clerk's standard {standard!r}: {f.message}"
                )
        elif f.rule == "amount_in_wan":
            seen_wan.append(f.column)
        elif f.rule == "unit_code_stripped":  # only a column the layout imports as a unit
            expect = {norm(_key(c)): c["expect"] for c in layout["columns"]}
            if expect.get(norm(f.column)) not in _UNITS and norm(f.column) not in {
                norm(k) for k, v in (mapping or {}).items() if v in _UNITS
            }:
                problems.append(f"unit_code_stripped names {f.column!r}, not a unit column")
        elif f.rule == "column_other_states":
            # a 状态 holding another thing's states (享受中): not loaded, so only a column the layout
            # does not import may be named
            if norm(f.column) not in want_unused:
                problems.append(f"column_other_states names {f.column!r}, which the layout imports")
        elif f.rule == "column_by_values":
            # a required column taken by what its cells hold (etl/bycontent.py): only a column the layout
            # says is that column (its values are checked where they land, as every column's are)
            label = f.expected.removesuffix("列").strip("“”")  # “分配单位”列
            canonical = next(c.name for c in SPECS[layout["kind"]].columns if c.label_zh == label)
            expect = {norm(_key(c)): c["expect"] for c in layout["columns"]}
            if expect.get(norm(f.column)) != canonical:
                problems.append(f"column_by_values took {f.column!r} for {canonical}: {f.message}")
        elif f.rule == "column_unused":
            # 、 between the headers; a header that holds one is quoted
            listed = f.message.split("：", 1)[1]
            seen_unused = {
                norm(quoted or plain)
                for quoted, plain in re.findall(r"“([^”]*)”|([^、“”]+)", listed)
            }
        elif f.rule == "value_inferred":
            col = next(c for c in SPECS[layout["kind"]].columns if c.label_zh == f.column)
            chosen = (layout.get("values") or {}).get(col.name)
            if col.name not in layout.get("absent_required", []):
                problems.append(f"value_inferred for {col.name}, which the form has: {f.message}")
            elif chosen is not None and str(chosen) != f.value:
                problems.append(
                    f"{col.name} taken from the title as {f.value!r}, the clerk's is {chosen!r}"
                )
        else:
            rest.append(f)
    if sorted(seen_absent) != want_absent:
        problems.append(f"column_absent names {sorted(seen_absent)}, expected {want_absent}")
    if [norm(h) for h in seen_parsed] != [norm(h) for h in want_parsed]:
        problems.append(f"village_from_address names {seen_parsed}, expected {want_parsed}")
    if sorted(norm(h) for h in seen_wan) != want_wan:
        problems.append(f"amount_in_wan names {seen_wan}, expected {want_wan}")
    if sorted(seen_computed) != sorted(want_computed):
        problems.append(
            f"computed-column warnings {sorted(seen_computed)}, expected {sorted(want_computed)}"
        )
    if seen_unused != want_unused:
        problems.append(
            f"column_unused names {sorted(seen_unused)}, the layout's unimported are {sorted(want_unused)}"
        )
    return rest, problems


def check(
    layout: dict,
    tmp: Path,
    *,
    kind: str | None = None,
    mapping: dict | None = None,
    values: dict | None = None,
) -> list[str]:
    """Problems loading ``layout`` (kind given, or ``"auto"``); empty when it loads as declared.

    ``values`` are the file-level values a clerk chooses at upload (the layout's ``values``).
    """
    kind_arg = kind or layout["kind"]
    problems: list[str] = []
    for planted in (False, True):
        where = tmp / ("planted" if planted else "clean")
        con = _open(where, layout["kind"])
        try:
            built = build(layout, where, planted=planted)
            try:
                result = load(con, built, kind_arg, where, mapping, values)
            except UnreadableFile as exc:
                return [f"unreadable: {exc}"]
            if result.kind != layout["kind"]:
                return [f"kind: 读成了“{result.kind}”，应为“{layout['kind']}”"]
            if not planted:
                if result.status != "loaded":
                    return [f"not loaded: {first_error(result)}"]
                if result.rows < len(built.data):
                    problems.append(f"loaded {result.rows} rows, wrote {len(built.data)}")
                problems += _stored(con, layout, built, result)
                continue
            findings, wrong = structural(layout, result, values, mapping, len(built.data))
            problems += wrong
            found = {(f.rule, f.row) for f in findings}
            if found != built.planted:
                extra = [
                    f"{f.rule}@{f.row}: {f.message}"
                    for f in findings
                    if (f.rule, f.row) not in built.planted
                ]
                problems.append(
                    f"findings {sorted(found)} ≠ planted {sorted(built.planted)}; unexpected: {extra[:3]}"
                )
            skipped = result.report.skipped.get("total", [])
            if skipped != built.total_rows:
                problems.append(f"合计 rows skipped {skipped}, written at {built.total_rows}")
            problems += _landing(layout, built, result)
        finally:
            con.close()
    return problems
