"""How fast an XML Spreadsheet 2003 (.xls from a Java system) is read, beside the same rows as an xlsx.

A benchmark, not a test: it prints figures and fails only when a read breaks.  load_bench's synthetic
payment rows are written twice into bench/out/xmlss-<rows>-<seed>/: as the SpreadsheetML a FreeMarker
export writes (a title merged across the columns, text as String, areas, standards and amounts as
Number, dates as DateTime) and as an xlsx (xlsxwriter).  Each read (etl.read.read, kind payments) runs
in a fresh subprocess, so its peak RSS is its own; the two formats alternate, and the load average is
printed beside every figure.

    .venv/bin/python bench/spreadsheetml_bench.py [--rows 100000] [--runs 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))  # load_bench, beside this file
from load_bench import HEADER as LOAD_HEADER  # noqa: E402

# load_bench's columns but the year, which its csv rows carry and these rows (its _rows) do not
HEADER = [h for h in LOAD_HEADER if h != "年度"]


def _values(row: tuple) -> list:
    """load_bench's row as cell values: text as text, a number as ("Number", its text), a date."""
    fund, period, town, village, group, name, number, household, area, standard, fen, paid, st = row
    return [
        fund,
        period,
        town,
        village,
        group,
        name,
        number,
        household,
        ("Number", f"{area // 100}.{area % 100:02d}"),
        ("Number", str(standard)),
        ("Number", f"{fen // 100}.{fen % 100:02d}"),
        paid,
        st,
    ]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return f'<Cell><Data ss:Type="{value[0]}">{value[1]}</Data></Cell>'
    if isinstance(value, dt.date):
        return f'<Cell><Data ss:Type="DateTime">{value.isoformat()}T00:00:00.000</Data></Cell>'
    return f'<Cell><Data ss:Type="String">{escape(value)}</Data></Cell>'


def write_files(folder: Path, rows: int, seed: int) -> None:
    import xlsxwriter
    from load_bench import _rows

    folder.mkdir(parents=True, exist_ok=True)
    title = "2024年耕地地力保护补贴发放清册"
    with open(folder / "payments.xls", "w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<?mso-application progid="Excel.Sheet"?>\n'
            '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"'
            ' xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"'
            ' xmlns:html="http://www.w3.org/TR/REC-html40">\n'
            '<Worksheet ss:Name="清册"><Table>\n'
            f'<Row><Cell ss:MergeAcross="{len(HEADER) - 1}"><Data ss:Type="String">{title}</Data>'
            "</Cell></Row>\n"
            f"<Row>{''.join(_cell(h) for h in HEADER)}</Row>\n"
        )
        for row in _rows(rows, seed):
            values = _values(row)
            cells = []
            skipped = False
            for c, v in enumerate(values):
                if v is None:
                    skipped = True
                    continue
                text = _cell(v)
                cells.append(
                    text.replace("<Cell>", f'<Cell ss:Index="{c + 1}">') if skipped else text
                )
                skipped = False
            out.write(f"<Row>{''.join(cells)}</Row>\n")
        out.write("</Table></Worksheet>\n</Workbook>\n")
    book = xlsxwriter.Workbook(str(folder / "payments.xlsx"), {"constant_memory": True})
    ws = book.add_worksheet("清册")
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_string(0, 0, title)
    ws.write_row(1, 0, HEADER)
    for r, row in enumerate(_rows(rows, seed), start=2):
        for c, v in enumerate(_values(row)):
            if v is None:
                continue
            if isinstance(v, tuple):
                ws.write_number(r, c, float(v[1]))
            elif isinstance(v, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(v, dt.time()), date_fmt)
            else:
                ws.write_string(r, c, v)
    book.close()


def child(path: str) -> None:
    """One read, its wall and CPU seconds and the process's peak RSS, as JSON on stdout."""
    import resource

    from etl.read import read

    used0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    extract = read(path, "payments", values={"year": "2024"})
    seconds = time.perf_counter() - t0
    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu = used.ru_utime + used.ru_stime - used0.ru_utime - used0.ru_stime
    print(
        json.dumps(
            {
                "format": extract.file_format,
                "rows": extract.table.num_rows,
                "seconds": round(seconds, 2),
                "cpu_seconds": round(cpu, 2),
                "peak_mib": round(used.ru_maxrss / 1024),
            }
        )
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child)
        return 0
    folder = OUT / f"xmlss-{args.rows}-{args.seed}"
    if not (folder / "payments.xlsx").exists():
        t0 = time.perf_counter()
        write_files(folder, args.rows, args.seed)
        print(f"generated {args.rows:,} rows in {time.perf_counter() - t0:.1f} s")
    for name in ("payments.xls", "payments.xlsx"):
        print(f"{name}: {(folder / name).stat().st_size / 2**20:,.1f} MiB")
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    failed = False
    for run in range(1, args.runs + 1):
        for name in ("payments.xls", "payments.xlsx"):
            load = Path("/proc/loadavg").read_text().split()[:3]
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(folder / name)],
                capture_output=True,
                text=True,
                env=env,
                check=False,
            )
            if done.returncode:
                print(f"run {run} {name}: FAILED\n{done.stderr[-2000:]}")
                failed = True
                continue
            got = json.loads(done.stdout.strip().splitlines()[-1])
            print(
                f"run {run} {name:14} {got['format']:13} {got['rows']:,} rows  "
                f"{got['seconds']:6.2f} s  cpu {got['cpu_seconds']:6.2f} s  "
                f"peak {got['peak_mib']:5} MiB  (load average before: {' '.join(load)})"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
