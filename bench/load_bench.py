"""Benchmark of the spreadsheet loader on a county-sized payments file.

Not a test: it prints figures.  ``make bench`` (or ``.venv/bin/python
bench/load_bench.py``) makes a 1,000,000-row 补贴发放清册 as xlsx and as GBK
csv (cached in bench/out/ by a hash of the parameters), then times, each step
in a fresh subprocess so that peak memory is the step's own:

  (a) pandas.read_excel(engine="openpyxl", dtype=str) on the xlsx
  (b) python-calamine alone: CalamineWorkbook ... to_python()
  (b2) fastexcel alone: read_excel ... load_sheet(eager=True), calamine straight to Arrow
  (b3) fastexcel on every core: the sheet cut into pieces as the loader cuts it (etl.sheetsplit,
       without the extent check), each piece read by fastexcel in its own thread (for information)
  (c) DuckDB read_csv(all_varchar, header) of a UTF-8 copy of the csv, to arrow
  (c2) pyarrow.csv.read_csv of the GBK csv (encoding='gb18030', every column text)
  (d) etl.load.load_file of the xlsx into a fresh store (after the funds file)
  (e) etl.load.load_file of the GBK csv into another fresh store

and prints the table, the ratios the project targets (PASS/MISS), a
per-stage breakdown of both loads, and writes every figure to
bench/out/last.json.  ``--profile`` runs the two loads under cProfile instead
(bench/out/load_*.prof) and prints the top entries.  See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import hashlib
import io
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
GEN_VERSION = 2  # bump when the generated files change
YEAR = 2024
KEY = b"k" * 32

# Targets the project set for the loader (issue / DESIGN.md §7 figures).
TARGET_VS_OPENPYXL = 4.0  # validated xlsx load at least this many times faster than openpyxl
TARGET_VS_CALAMINE = 1.5  # validated xlsx load at most this many times calamine alone
TARGET_VS_DUCKDB = 5.0  # validated csv load at most this many times bare DuckDB read_csv
TARGET_RSS_MIB = 2048  # peak RSS of each load below 2 GiB

STEPS = {
    "openpyxl": "(a) pandas.read_excel openpyxl, xlsx",
    "calamine": "(b) calamine to_python, xlsx",
    "fastexcel": "(b2) fastexcel to Arrow, xlsx",
    "fastexcel_pieces": "(b3) fastexcel on pieces, every core, xlsx",
    "duckdb_csv": "(c) DuckDB read_csv, UTF-8 csv",
    "pyarrow_csv": "(c2) pyarrow.csv gb18030, GBK csv",
    "load_xlsx": "(d) validated load, xlsx",
    "load_csv": "(e) validated load, GBK csv",
}
LOADS = ("load_xlsx", "load_csv")

# --- synthetic county ---------------------------------------------------------

HEADER = [
    "资金编码",
    "年度",
    "期间",
    "乡镇",
    "村",
    "组",
    "姓名",
    "身份证号",
    "户号",
    "面积",
    "补助标准",
    "发放金额",
    "发放日期",
    "发放状态",
]
TITLE = f"某县{YEAR}年惠民惠农财政补贴资金发放清册"

# (code, name, department, standard in whole yuan per 亩, area range in 亩): area
# in hundredths of a 亩 times a whole-yuan standard is exact to the fen.
FUNDS = [
    (f"ZJ{YEAR}001", "耕地地力保护补贴", "县农业农村局", 105, (0.5, 18.0)),
    (f"ZJ{YEAR}002", "生态公益林补偿", "县林业局", 16, (1.0, 60.0)),
    (f"ZJ{YEAR}003", "退耕还林补助", "县林业局", 120, (0.3, 8.0)),
    (f"ZJ{YEAR}004", "实际种粮农民一次性补贴", "县农业农村局", 15, (0.5, 18.0)),
    (f"ZJ{YEAR}005", "玉米生产者补贴", "县农业农村局", 80, (0.5, 12.0)),
    (f"ZJ{YEAR}006", "草原生态保护补助奖励", "县农业农村局", 7, (5.0, 120.0)),
]
ROWS_PER_PERSON = 4  # each household head appears once in each of 4 fund rounds

# Main region code valid for every birth year (清徐县 140121); a few people
# married in from a county whose code only exists from 1986 on (real IDs of
# older people then carry a code stdnum does not know: a warning, DESIGN.md §7).
REGIONS = [("140121", 0.97), ("130521", 0.03)]

SURNAMES = (
    "王71 李70 张67 刘54 陈45 杨31 黄22 赵20 吴20 周19 徐16 孙15 马15 朱13 胡13 郭12 何12 高11 "
    "林11 罗9 郑9 梁9 谢8 宋8 唐8 许7 韩7 冯7 邓7 曹7 彭6 曾6 肖6 田6 董5 袁5 潘5 于5 蒋5 蔡5 "
    "余5 杜5 叶4 程4 苏4 魏4 吕4 丁4 任4 沈4 姚4 卢4 姜3 崔3 钟3 谭3 陆3 汪3 范3 金3 石3 廖3 "
    "贾3 夏3 韦2 付2 方2 白2 邹2 孟2 熊2 秦2 邱2 江2 尹2 薛2 闫2 段2 雷2 侯2 龙2 史2 陶2 黎2 "
    "贺2 顾2 毛2 郝2 龚2 邵2 万2 钱2 严2 武2 戴2 孔2 汤2 欧阳1 司马1 诸葛1"
)
MALE_CHARS = "建国明军华伟强平刚勇峰磊涛斌杰鹏海林波辉文志福德成金山春生学永宝忠喜发贵新全庆兴长红民保义双树俊彬龙超浩宇亮健"
FEMALE_CHARS = "秀英兰芳玉梅珍丽凤霞娟敏静燕桂艳琴云萍红莲花荣慧婷雪华美淑月翠春香丹娜洁颖琳素"
TOWNSHIPS = (
    "城关镇 石桥镇 杨集镇 李庄乡 双河镇 白马乡 柳林镇 青龙乡 黄岗镇 马店镇 王楼乡 刘集镇 "
    "新安镇 太平乡 龙泉镇 高庙乡"
).split()
VILLAGE_STEMS = (
    "东风 红旗 前进 张庄 李楼 王寨 赵湾 孙岗 前营 后营 大刘 小王 河西 杏花 桃园 新华 胜利 光明 和平 "
    "幸福 马庄 周集 吴店 郑岗 黄湾 高楼 林场 罗庄 梁寨 宋庄 唐营 韩桥 冯庄 邓楼 曹集 彭店 田庄 董寨 "
    "袁湾 潘庄 徐楼 朱集 胡岗 郭庄 何寨 杨湾 陈楼 石门 柳河 双庙 三里 五里 七里 十八里 北关 南关 "
    "西关 东关"
).split()
VILLAGES_PER_TOWNSHIP = 25
GROUPS_PER_VILLAGE = 12
EXCEL_EPOCH = dt.date(1899, 12, 30)


def _id_number(region: str, birth: dt.date, seq: int) -> str:
    from stdnum.cn import ric

    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def _people(count: int, rng: random.Random) -> list[tuple]:
    """Household heads, ordered by township, village, group: (township, village, group, name, id, household)."""
    surnames, weights = [], []
    for item in SURNAMES.split():
        surnames.append(item.rstrip("0123456789"))
        weights.append(int(item[len(surnames[-1]) :]))
    cum_surnames = list(_cumulative(weights))
    villages = []
    for t, town in enumerate(TOWNSHIPS):
        stems = rng.sample(VILLAGE_STEMS, VILLAGES_PER_TOWNSHIP)
        villages += [(t, town, v, stem + "村") for v, stem in enumerate(stems)]
    birth_lo, birth_hi = dt.date(1935, 1, 1).toordinal(), dt.date(2000, 12, 31).toordinal()
    regions = [r for r, _ in REGIONS]
    cum_regions = list(_cumulative([w for _, w in REGIONS]))
    seen: set[str] = set()
    people = []
    n_villages = len(villages)
    for k in range(count):
        v = k * n_villages // count
        v_first = (v * count + n_villages - 1) // n_villages
        v_next = ((v + 1) * count + n_villages - 1) // n_villages
        in_village = k - v_first
        group = in_village * GROUPS_PER_VILLAGE // max(1, v_next - v_first) + 1
        t, town, v_in_town, village = villages[v]
        male = rng.random() < 0.78  # household heads are mostly men
        chars = MALE_CHARS if male else FEMALE_CHARS
        given = "".join(rng.sample(chars, 2 if rng.random() < 0.7 else 1))
        name = rng.choices(surnames, cum_weights=cum_surnames)[0] + given
        region = rng.choices(regions, cum_weights=cum_regions)[0]
        while True:
            birth = dt.date.fromordinal(rng.randint(birth_lo, birth_hi))
            seq = rng.randrange(50) * 10 + rng.randrange(5) * 2 + (1 if male else 0)
            number = _id_number(region, birth, seq)
            if number not in seen:
                seen.add(number)
                break
        household = f"{t + 1:02d}{v_in_town + 1:02d}{group:02d}{in_village + 1:04d}"
        people.append((town, village, f"{group}组", name, number, household))
    return people


def _cumulative(weights):
    total = 0
    for w in weights:
        total += w
        yield total


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def _rows(n: int, seed: int):
    """The payment rows, as tuples of plain values shared by the xlsx and csv writers.

    (fund, period, township, village, group, name, id, household, area_hundredths,
    standard_yuan, amount_fen, paid_on or None, status)
    """
    rng = random.Random(seed)
    per_round = -(-n // ROWS_PER_PERSON)
    people = _people(per_round, rng)
    for i in range(n):
        r, k = divmod(i, per_round)
        code, _name, _dept, standard, (lo, hi) = FUNDS[r % len(FUNDS)]
        month = 3 + 2 * r
        town, village, group, name, number, household = people[k]
        area = rng.randint(int(lo * 100), int(hi * 100))
        amount = area * standard  # fen: hundredths of a 亩 × whole yuan
        u = rng.random()
        status = "已发放" if u < 0.95 else ("待发放" if u < 0.98 else "退回")
        paid = None if status == "待发放" else dt.date(YEAR, month, rng.randint(5, 28))
        yield (
            code,
            f"{YEAR}-{month:02d}",
            town,
            village,
            group,
            name,
            number,
            household,
            area,
            standard,
            amount,
            paid,
            status,
        )


def data_params(rows: int, seed: int) -> dict:
    return {"rows": rows, "seed": seed, "gen_version": GEN_VERSION}


def data_dir(params: dict) -> Path:
    digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:12]
    return OUT / f"data-{params['rows']}-{digest}"


def ensure_data(rows: int, seed: int) -> tuple[Path, dict, bool]:
    """(folder, meta, reused): the generated files, made once per parameter hash."""
    params = data_params(rows, seed)
    folder = data_dir(params)
    meta_path = folder / "meta.json"
    if meta_path.exists():
        return folder, json.loads(meta_path.read_text()), True
    if folder.exists():
        shutil.rmtree(folder)  # an interrupted generation
    folder.mkdir(parents=True)
    t0 = time.perf_counter()
    sums = _write_payments(folder, rows, seed)
    _write_funds(folder / "funds.xlsx", sums)
    meta = {
        **params,
        "hash": folder.name.rsplit("-", 1)[1],
        "generated_at": dt.datetime.now().isoformat(timespec="seconds"),
        "generate_seconds": round(time.perf_counter() - t0, 1),
        "files": {p.name: p.stat().st_size for p in sorted(folder.iterdir())},
        "fund_rows": {code: n for code, (n, _a, _f) in sums.items()},
        "total_amount_yuan": _yuan(sum(f for _n, _a, f in sums.values())),
    }
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=1))
    return folder, meta, False


def _write_payments(folder: Path, n: int, seed: int) -> dict[str, list]:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(folder / "payments.xlsx"), {"constant_memory": True})
    ws = book.add_worksheet("发放清册")
    title_fmt = book.add_format({"bold": True, "font_size": 14, "align": "center"})
    head_fmt = book.add_format({"bold": True, "border": 1, "align": "center"})
    money = book.add_format({"num_format": "0.00"})
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    for col, width in enumerate((11, 6, 9, 9, 10, 6, 8, 21, 12, 8, 9, 11, 11, 9)):
        ws.set_column(col, col, width)
    ws.merge_range(0, 0, 0, len(HEADER) - 1, TITLE, title_fmt)
    for c, h in enumerate(HEADER):
        ws.write_string(1, c, h, head_fmt)

    gbk = open(folder / "payments_gbk.csv", "wb")
    utf8 = open(folder / "payments_utf8.csv", "wb")
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\r\n")
    out.writerow([TITLE] + [""] * (len(HEADER) - 1))
    out.writerow(HEADER)

    def flush():
        text = buf.getvalue()
        gbk.write(text.encode("gbk"))
        utf8.write(text.encode("utf-8"))
        buf.seek(0)
        buf.truncate()

    sums: dict[str, list] = {}  # fund -> [rows, area hundredths, amount fen]
    ws_s, ws_n = ws.write_string, ws.write_number
    row = 1
    t0 = time.perf_counter()
    for row, values in enumerate(_rows(n, seed), start=2):
        (
            code,
            period,
            town,
            village,
            group,
            name,
            number,
            household,
            area,
            standard,
            amount,
            paid,
            status,
        ) = values
        s = sums.setdefault(code, [0, 0, 0])
        s[0] += 1
        s[1] += area
        s[2] += amount
        ws_s(row, 0, code)
        ws_n(row, 1, YEAR)
        ws_s(row, 2, period)
        ws_s(row, 3, town)
        ws_s(row, 4, village)
        ws_s(row, 5, group)
        ws_s(row, 6, name)
        ws_s(row, 7, number)  # text cell: an ID number never becomes a float
        ws_s(row, 8, household)
        ws_n(row, 9, area / 100, money)
        ws_n(row, 10, standard, money)
        ws_n(row, 11, amount / 100, money)
        if paid is not None:
            ws_n(row, 12, (paid - EXCEL_EPOCH).days, date_fmt)
        ws_s(row, 13, status)
        out.writerow(
            (
                code,
                YEAR,
                period,
                town,
                village,
                group,
                name,
                number,
                household,
                _yuan(area),
                f"{standard}.00",
                _yuan(amount),
                f"{paid.year}/{paid.month}/{paid.day}" if paid else "",
                status,
            )
        )
        if (row - 1) % 50_000 == 0:
            flush()
            if (row - 1) % 200_000 == 0:
                print(
                    f"  generated {row - 1:,} rows ({time.perf_counter() - t0:.0f} s)",
                    file=sys.stderr,
                    flush=True,
                )
    area_total = sum(s[1] for s in sums.values())
    amount_total = sum(s[2] for s in sums.values())
    total = row + 1
    ws.write_string(total, 0, "合计")
    ws.write_number(total, 9, area_total / 100, money)
    ws.write_number(total, 11, amount_total / 100, money)
    out.writerow(["合计"] + [""] * 8 + [_yuan(area_total), "", _yuan(amount_total), "", ""])
    flush()
    gbk.close()
    utf8.close()
    book.close()
    return sums


def _write_funds(path: Path, sums: dict[str, list]) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("资金目录")
    head = [
        "资金编码",
        "资金名称",
        "资金类别",
        "主管部门",
        "资金级次",
        "年度",
        "预算金额",
        "发放对象",
        "补助标准",
        "政策依据",
    ]
    ws.write_string(0, 0, f"{YEAR}年专项资金目录")
    for c, h in enumerate(head):
        ws.write_string(1, c, h)
    row = 2
    for code, name, dept, standard, _area in FUNDS:
        if code not in sums:
            continue
        budget = -(-sums[code][2] // 1_000_000) * 10_000  # yuan, rounded up to 万元
        values = [
            code,
            name,
            "农业",
            dept,
            "中央",
            YEAR,
            budget,
            "到户",
            standard,
            f"财农〔{YEAR}〕{row}号",
        ]
        for c, v in enumerate(values):
            (ws.write_string if isinstance(v, str) else ws.write_number)(row, c, v)
        row += 1
    book.close()


# --- one step, in its own process ----------------------------------------------


def _rss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _cpu_seconds() -> float:
    """User + system CPU seconds of this process, every thread: less skewed than the wall clock
    when other work shares the cores."""
    import resource

    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


@contextlib.contextmanager
def _timed(res: dict):
    """The wall clock and the CPU seconds of the block, into ``res``."""
    c0, t0 = _cpu_seconds(), time.perf_counter()
    yield
    res["seconds"] = time.perf_counter() - t0
    res["cpu_seconds"] = _cpu_seconds() - c0


def child(
    step: str, folder: Path, rows: int, result_path: Path, profile: Path | None, keep: bool
) -> None:
    """Run one step and write its figures as JSON to ``result_path``."""
    sys.path.insert(0, str(ROOT))
    res: dict = {"step": step, "ok": False}
    try:
        if step == "openpyxl":
            import pandas as pd

            base = _rss_mib()
            with _timed(res):
                df = pd.read_excel(folder / "payments.xlsx", engine="openpyxl", dtype=str)
            res["shape"] = list(df.shape)
            res["ok"] = df.shape[0] >= rows
        elif step == "calamine":
            import python_calamine

            base = _rss_mib()
            with _timed(res):
                data = (
                    python_calamine.CalamineWorkbook.from_path(str(folder / "payments.xlsx"))
                    .get_sheet_by_index(0)
                    .to_python()
                )
            res["shape"] = [len(data), max(len(r) for r in data)]
            res["ok"] = len(data) >= rows
        elif step == "fastexcel":
            import fastexcel

            base = _rss_mib()
            with _timed(res):
                batch = fastexcel.read_excel(str(folder / "payments.xlsx")).load_sheet(
                    0, header_row=1, eager=True
                )
            res["shape"] = [batch.num_rows, batch.num_columns]
            res["ok"] = batch.num_rows >= rows
        elif step == "fastexcel_pieces":
            import tempfile
            import zipfile
            from concurrent.futures import ThreadPoolExecutor

            import fastexcel

            from etl import sheetsplit, xlsx

            base = _rss_mib()
            with _timed(res):
                path = folder / "payments.xlsx"
                with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(path) as zf:
                    part = "xl/worksheets/sheet1.xml"
                    keep = [
                        n for n in zf.namelist() if n != part and not n.startswith("xl/worksheets/")
                    ]
                    count = sheetsplit.count(zf.getinfo(part).file_size)
                    cutter = sheetsplit.Pieces(zf, part, [], keep, count, 0, 2, Path(tmp))
                    for block in xlsx._blocks(zf, part):
                        cutter.feed(block)
                    pieces = cutter.close() or [sheetsplit.Piece(path, 2, False)]

                    def load(piece):
                        return fastexcel.read_excel(str(piece.path)).load_sheet(
                            0, header_row=None, skip_rows=piece.skip, eager=True
                        )

                    with ThreadPoolExecutor(len(pieces)) as pool:
                        batches = list(pool.map(load, pieces))
            res["shape"] = [sum(b.num_rows for b in batches), len(pieces)]
            res["ok"] = res["shape"][0] >= rows
        elif step == "pyarrow_csv":
            import pyarrow as pa
            import pyarrow.csv as pacsv

            base = _rss_mib()
            with _timed(res):
                table = pacsv.read_csv(
                    folder / "payments_gbk.csv",
                    read_options=pacsv.ReadOptions(encoding="gb18030", skip_rows=1),
                    convert_options=pacsv.ConvertOptions(
                        column_types=dict.fromkeys(HEADER, pa.string())
                    ),
                )
            res["shape"] = [table.num_rows, table.num_columns]
            res["ok"] = table.num_rows >= rows
        elif step == "duckdb_csv":
            import duckdb

            base = _rss_mib()
            with _timed(res):
                con = duckdb.connect()
                table = con.read_csv(
                    str(folder / "payments_utf8.csv"), header=True, all_varchar=True, skiprows=1
                ).to_arrow_table()
            res["shape"] = [table.num_rows, table.num_columns]
            res["ok"] = table.num_rows >= rows
        elif step in LOADS:
            base = _load(step, folder, rows, res, profile, keep)
        else:
            raise ValueError(f"unknown step {step}")
        res["baseline_rss_mib"] = base
    except BaseException:  # report everything, including MemoryError
        res["error"] = traceback.format_exc()
    res["peak_rss_mib"] = _rss_mib()
    result_path.write_text(json.dumps(res, ensure_ascii=False, indent=1, default=str))


def _load(step: str, folder: Path, rows: int, res: dict, profile: Path | None, keep: bool) -> float:
    from etl import load, store
    from etl.idnum import Hasher

    work = OUT / "work" / f"{step}-{os.getpid()}"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    try:
        con = store.connect(work / "store.duckdb")
        hasher = Hasher(KEY)
        funds = load.load_file(
            con,
            folder / "funds.xlsx",
            "funds",
            hasher=hasher,
            uploaded_by="bench",
            archive_dir=work / "archive",
        )
        if funds.status != "loaded":
            res["error"] = (
                f"funds file not loaded: {funds.status} {json.dumps(funds.as_json(), ensure_ascii=False)[:2000]}"
            )
            return _rss_mib()
        path = folder / ("payments.xlsx" if step == "load_xlsx" else "payments_gbk.csv")
        marks: list[tuple[str, float, float, float]] = []

        def on_stage(name: str) -> None:
            marks.append((name, time.perf_counter(), _rss_mib(), _cpu_seconds()))

        base = _rss_mib()
        prof = None
        if profile is not None:
            import cProfile

            prof = cProfile.Profile()
        c0 = _cpu_seconds()
        t0 = time.perf_counter()
        if prof:
            prof.enable()
        try:
            result = load.load_file(
                con,
                path,
                "payments",
                hasher=hasher,
                uploaded_by="bench",
                archive_dir=work / "archive",
                on_stage=on_stage,
            )
        finally:
            if prof:
                prof.disable()
            t1 = time.perf_counter()
            marks.append(("end", t1, _rss_mib(), _cpu_seconds()))
            res["stages"] = [
                {
                    "stage": name,
                    "seconds": round(marks[i + 1][1] - at, 3),
                    "cpu_seconds": round(marks[i + 1][3] - _c, 3),
                    "peak_rss_mib_at_end": round(marks[i + 1][2], 1),
                }
                for i, (name, at, _r, _c) in enumerate(marks[:-1])
            ]
        con.close()
        res["close_seconds"] = round(time.perf_counter() - t1, 3)
        res["seconds"] = t1 - t0
        res["cpu_seconds"] = marks[-1][3] - c0
        if prof:
            _profile_report(prof, profile, res)
        report = result.report
        res["status"] = result.status
        res["rows"] = result.rows
        res["rows_read"] = report.rows_read if report else None
        res["skipped"] = {k: len(v) for k, v in (report.skipped if report else {}).items()}
        res["findings_listed"] = len(report.findings) if report else 0
        res["findings_by_rule"] = {
            f"{rule}/{col}": n for (rule, col), n in (report.counts if report else {}).items()
        }
        res["errors_listed"] = len(report.errors) if report else 0
        res["warnings_total"] = report.total("warning") if report else 0
        if report and report.errors:
            res["first_errors"] = [
                f"row {f.row} {f.column}: {f.message}" for f in report.errors[:10]
            ]
        res["db_mib"] = round((work / "store.duckdb").stat().st_size / 2**20, 1)
        res["ok"] = result.status == "loaded" and result.rows == rows
        if not res["ok"]:
            res["error"] = (
                f"expected status 'loaded' and {rows:,} rows, got {result.status!r} and {result.rows:,} rows"
            )
        return base
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def _profile_report(prof, path: Path, res: dict) -> None:
    import pstats

    prof.dump_stats(str(path))
    for key, top in (("cumulative", 25), ("tottime", 15)):
        s = io.StringIO()
        stats = pstats.Stats(prof, stream=s)
        stats.strip_dirs().sort_stats(key).print_stats(top)
        text = s.getvalue()
        start = text.find("   ncalls")
        res[f"profile_{key}"] = text[start:].rstrip() if start >= 0 else text
    path.with_suffix(".txt").write_text(
        res["profile_cumulative"] + "\n\n" + res["profile_tottime"] + "\n"
    )


# --- the parent: run the steps, print, compare ------------------------------------


def run_step(step: str, folder: Path, rows: int, profile: bool, keep: bool) -> dict:
    result_path = OUT / f".result-{step}.json"
    result_path.unlink(missing_ok=True)
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        step,
        "--data",
        str(folder),
        "--rows",
        str(rows),
        "--result",
        str(result_path),
    ]
    if profile:
        cmd += ["--profile-out", str(OUT / f"{step}.prof")]
    if keep:
        cmd.append("--keep-work")
    print(f"  running {STEPS[step]} ...", file=sys.stderr, flush=True)
    wall0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - wall0
    if result_path.exists():
        res = json.loads(result_path.read_text())
        result_path.unlink()
    else:
        res = {
            "step": step,
            "ok": False,
            "error": f"the child process died (exit {proc.returncode})",
        }
    res["process_seconds"] = round(wall, 2)
    res["exit_code"] = proc.returncode
    if proc.stderr.strip():
        res["stderr"] = proc.stderr.strip()[-4000:]
    return res


def _ratio(num, den):
    return num / den if num and den else None


def _ratio_row(what: str, num, den, *, most: float | None, digits: int = 2) -> dict:
    """One compared figure: ``num`` ÷ ``den`` against at most ``most`` (None: for information only)."""
    r = _ratio(num, den)
    return {
        "what": what,
        "value": r,
        "shown": f"{r:.{digits}f}× as long" if r else "n/a",
        "target": "(for information)" if most is None else f"≤ {most:g}×",
        "pass": None if r is None or most is None else r <= most,
    }


def compare(results: dict[str, dict]) -> list[dict]:
    def secs(step):
        r = results.get(step)
        return r["seconds"] if r and r.get("ok") and r.get("seconds") else None

    r = _ratio(secs("openpyxl"), secs("load_xlsx"))
    out = [
        {
            "what": "validated xlsx load vs openpyxl read",
            "value": r,
            "shown": f"{r:.1f}× faster" if r else "n/a",
            "target": f"≥ {TARGET_VS_OPENPYXL:g}× faster",
            "pass": None if r is None else r >= TARGET_VS_OPENPYXL,
        }
    ]
    bare = [(secs(s), s) for s in ("calamine", "fastexcel") if secs(s)]
    fastest = min(bare) if bare else (None, None)
    xlsx = secs("load_xlsx")
    out += [
        _ratio_row(
            "validated xlsx load vs calamine-alone read",
            xlsx,
            secs("calamine"),
            most=TARGET_VS_CALAMINE,
        ),
        _ratio_row(
            f"validated xlsx load vs fastest bare read ({fastest[1] or '-'})",
            xlsx,
            fastest[0],
            most=TARGET_VS_CALAMINE,
        ),
        _ratio_row(
            "validated xlsx load vs fastexcel on pieces (b3)",
            xlsx,
            secs("fastexcel_pieces"),
            most=None,
        ),
        _ratio_row(
            "validated csv load vs bare DuckDB read",
            secs("load_csv"),
            secs("duckdb_csv"),
            most=TARGET_VS_DUCKDB,
            digits=1,
        ),
        _ratio_row(
            "validated csv load vs bare pyarrow GBK read",
            secs("load_csv"),
            secs("pyarrow_csv"),
            most=None,
            digits=1,
        ),
    ]
    for step in LOADS:
        res = results.get(step)
        peak = res.get("peak_rss_mib") if res and res.get("ok") else None
        out.append(
            {
                "what": f"peak RSS of {STEPS[step][4:]}",
                "value": peak,
                "shown": f"{peak:,.0f} MiB" if peak else "n/a",
                "target": f"< {TARGET_RSS_MIB:,} MiB (2 GiB)",
                "pass": None if peak is None else peak < TARGET_RSS_MIB,
            }
        )
    return out


def print_report(results: dict[str, dict], ratios: list[dict], rows: int, notes: list[str]) -> None:
    print()
    print(f"{'step':<40} {'seconds':>9} {'cpu s':>7} {'rows/s':>10} {'peak RSS MiB':>13}")
    print("-" * 83)
    for step, label in STEPS.items():
        res = results.get(step)
        if res is None:
            continue
        if res.get("ok") and res.get("seconds"):
            mark = " *" if res.get("reused") else ""
            peak = res.get("peak_rss_mib")
            cpu = (
                f"{res['cpu_seconds']:>7.2f}" if res.get("cpu_seconds") is not None else f"{'-':>7}"
            )
            print(
                f"{label:<40} {res['seconds']:>9.2f} {cpu} {rows / res['seconds']:>10,.0f} "
                f"{peak:>13,.0f}{mark}"
            )
        else:
            print(f"{label:<40} {'FAILED':>9}   (see below)")
    if any(r.get("reused") for r in results.values()):
        print("  * not measured in this run: figure reused from an earlier run (--skip-openpyxl)")
    for note in notes:
        print(f"  {note}")
    print()
    print("targets")
    for r in ratios:
        verdict = (
            {True: "PASS", False: "MISS", None: "n/a"}[r["pass"]] if r["target"][0] != "(" else ""
        )
        print(f"  {r['what']:<44} {r['shown']:>16}   target {r['target']:<26} {verdict}")


def print_loads(results: dict[str, dict], profile: bool) -> None:
    for step in LOADS:
        res = results.get(step)
        if res is None:
            continue
        print()
        print(f"{STEPS[step]}" + ("  [under cProfile: times inflated]" if profile else ""))
        if res.get("stages"):
            print(
                f"  {'stage':<10} {'seconds':>9} {'share':>6} {'cpu s':>7} {'peak RSS MiB so far':>20}"
            )
            total = sum(s["seconds"] for s in res["stages"]) or 1
            for s in res["stages"]:
                print(
                    f"  {s['stage']:<10} {s['seconds']:>9.2f} {s['seconds'] / total:>6.0%}"
                    f" {s.get('cpu_seconds', 0):>7.2f} {s['peak_rss_mib_at_end']:>20,.0f}"
                )
            print(
                f"  {'(close)':<10} {res.get('close_seconds', 0):>9.2f}   DuckDB close/checkpoint after load_file, not in the step's seconds"
            )
        if "status" in res:
            print(
                f"  result: status={res['status']} rows={res['rows']:,} rows_read={res.get('rows_read'):,} "
                f"skipped={res.get('skipped')} store={res.get('db_mib')} MiB"
            )
            print(
                f"  findings: {res.get('findings_listed', 0)} listed ({res.get('errors_listed', 0)} errors), "
                f"complete counts by rule/column: {res.get('findings_by_rule') or '{}'}"
            )
            for line in res.get("first_errors", []):
                print(f"    {line}")
        if profile and res.get("profile_cumulative"):
            print(f"  profile written to bench/out/{step}.prof; top 25 by cumulative time:")
            print(_indent(res["profile_cumulative"]))
            print("  top 15 by own (tottime) time:")
            print(_indent(res["profile_tottime"]))


def print_failures(results: dict[str, dict]) -> bool:
    failed = False
    for step, res in results.items():
        if res.get("ok"):
            if res.get("stderr"):
                print(
                    f"\n{STEPS[step]}: stderr of the step (it succeeded):\n{_indent(res['stderr'])}"
                )
            continue
        failed = True
        print(f"\nFAILED: {STEPS[step]}")
        print(_indent(res.get("error") or "(no error recorded)"))
        if res.get("stderr"):
            print("  stderr:")
            print(_indent(res["stderr"]))
    return failed


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def _versions() -> dict:
    from importlib import metadata

    found = {"python": platform.python_version()}
    for pkg in (
        "duckdb",
        "pandas",
        "pyarrow",
        "openpyxl",
        "python-calamine",
        "fastexcel",
        "xlsxwriter",
        "python-stdnum",
    ):
        try:
            found[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            found[pkg] = None
    return found


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="payment rows (default 1,000,000)")
    ap.add_argument(
        "--seed", type=int, default=20240315, help="random seed of the generated county"
    )
    ap.add_argument(
        "--skip-openpyxl",
        action="store_true",
        help="do not run (a); reuse its last figure measured on the same data (bench/out/openpyxl-*.json)",
    )
    ap.add_argument("--steps", help=f"comma-separated subset of {','.join(STEPS)}")
    ap.add_argument(
        "--profile",
        action="store_true",
        help="run only the two loads, under cProfile: bench/out/load_*.prof and the top entries",
    )
    ap.add_argument(
        "--keep-work", action="store_true", help="keep the stores and archives in bench/out/work/"
    )
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--data", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    ap.add_argument("--profile-out", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child:
        child(
            args.child,
            Path(args.data),
            args.rows,
            Path(args.result),
            Path(args.profile_out) if args.profile_out else None,
            args.keep_work,
        )
        return 0

    OUT.mkdir(parents=True, exist_ok=True)
    steps = list(LOADS) if args.profile else list(STEPS)
    if args.steps:
        wanted = [s.strip() for s in args.steps.split(",") if s.strip()]
        unknown = [s for s in wanted if s not in STEPS]
        if unknown:
            ap.error(f"unknown steps {unknown}; choose among {list(STEPS)}")
        steps = [s for s in steps if s in wanted]

    print(
        f"fundquery load benchmark: {args.rows:,} payment rows"
        + (
            " — PROFILE mode (cProfile; the times are inflated, use them for shares only)"
            if args.profile
            else ""
        )
    )
    t0 = time.perf_counter()
    folder, meta, reused = ensure_data(args.rows, args.seed)
    gen = (
        f"reused (generated {meta['generated_at']} in {meta['generate_seconds']} s)"
        if reused
        else f"generated now in {time.perf_counter() - t0:.0f} s"
    )
    sizes = ", ".join(f"{name} {size / 2**20:.1f} MiB" for name, size in meta["files"].items())
    print(f"data: {folder.relative_to(ROOT)} {gen}\n      {sizes}")
    versions = _versions()
    load_start = os.getloadavg()
    print(
        f"machine: {os.cpu_count()} cores, {platform.machine()}, load average {load_start[0]:.2f} at start; "
        + ", ".join(f"{k} {v}" for k, v in versions.items())
    )

    results: dict[str, dict] = {}
    notes: list[str] = []
    stored = OUT / f"openpyxl-{meta['hash']}.json"
    for step in steps:
        if step == "openpyxl" and args.skip_openpyxl:
            if stored.exists():
                res = json.loads(stored.read_text())
                res["reused"] = True
                notes.append(
                    f"(a) NOT measured in this run (--skip-openpyxl): figure of {res.get('measured_at')} "
                    f"reused from {stored.relative_to(ROOT)}"
                )
            else:
                res = {
                    "step": step,
                    "ok": False,
                    "reused": True,
                    "error": f"--skip-openpyxl given but no earlier measurement on this data ({stored.relative_to(ROOT)})",
                }
            results[step] = res
            continue
        if step == "openpyxl" and versions.get("openpyxl") is None:
            results[step] = {
                "step": step,
                "ok": False,
                "error": "openpyxl is not installed: .venv/bin/pip install -r bench/requirements.txt",
            }
            continue
        res = run_step(step, folder, args.rows, args.profile, args.keep_work)
        res["measured_at"] = dt.datetime.now().isoformat(timespec="seconds")
        results[step] = res
        if step == "openpyxl" and res.get("ok"):
            stored.write_text(json.dumps(res, ensure_ascii=False, indent=1))
    load_end = os.getloadavg()
    notes.append(
        f"load average {load_start[0]:.2f} at start, {load_end[0]:.2f} at end (2 cores: other work on the machine skews the times)"
    )

    ratios = [] if args.profile else compare(results)
    if not args.profile:
        print_report(results, ratios, args.rows, notes)
    print_loads(results, args.profile)
    failed = print_failures(results)

    record = {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "rows": args.rows,
        "profile": args.profile,
        "data": {"folder": str(folder.relative_to(ROOT)), "reused": reused, **meta},
        "machine": {
            "cores": os.cpu_count(),
            "loadavg_start": load_start,
            "loadavg_end": load_end,
            **versions,
        },
        "steps": {
            step: {
                **res,
                "label": STEPS[step],
                "rows_per_s": args.rows / res["seconds"]
                if res.get("ok") and res.get("seconds")
                else None,
            }
            for step, res in results.items()
        },
        "ratios": ratios,
    }
    target = OUT / ("last_profile.json" if args.profile else "last.json")
    target.write_text(json.dumps(record, ensure_ascii=False, indent=1, default=str))
    print(f"\nfigures written to {target.relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
