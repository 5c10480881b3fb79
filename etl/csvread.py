"""Read a csv: UTF-8 (with or without BOM), UTF-16 or GB18030, through pyarrow.csv, else through DuckDB.

DuckDB pads rows with fewer fields than the header and takes a quoted cell
running over several lines; its parser errors become a sentence for a person.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import tempfile
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv

from etl import filevalues, transcode
from etl.extract import (
    POOL,
    Extract,
    UnreadableFile,
    column_positions,
    finish,
    no_header,
    row_numbers,
)
from etl.headermatch import HeaderMatch, kind_tie_message
from etl.headers import HEAD_ROWS, detect
from etl.text import excel_text, excel_text_array, norm, norm_array


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Text and encoding of a csv: UTF-8 (with or without BOM), UTF-16, else GB18030."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    candidates = (
        ("utf-16",)
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        else ("utf-8", "gb18030")
    )
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(
        f"文件 {name} 既不是 UTF-8 也不是 GBK 编码的文本，无法读取。/ {name} is neither UTF-8 nor GBK text."
    )


def sniff_encoding(data: bytes, name: str) -> str:
    """``decode``'s choice of encoding without building the text: UTF-8 (BOM or valid), UTF-16 (BOM), else GB18030.

    GB18030 is only checked by the reader that decodes it (pyarrow raises on a byte sequence it cannot decode).
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(data), 1 << 24):
            decoder.decode(data[start : start + (1 << 24)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def read_csv(
    path: Path,
    data: bytes,
    kind: str | None,
    name: str,
    mapping: dict[str, str] | None,
    values: dict[str, str] | None = None,
) -> Extract:
    """A csv through pyarrow.csv (it transcodes GB18030 itself); files it cannot take go through DuckDB."""
    encoding = sniff_encoding(data, name)
    if encoding != "utf-16":
        start = codecs.getincrementaldecoder(encoding)(errors="strict")
        try:
            text = start.decode(data[:800_000])
        except UnicodeDecodeError as exc:
            raise _not_text(name) from exc
        first_lines = text[:200_000].splitlines()[: HEAD_ROWS + 2]
        trailing = trailing_blank_lines(data)
        quoted = (
            b'"' in data
        )  # without quotes no value holds a line break: pyarrow parses in parallel
        # GBK transcoded on every core (etl.transcode); None: pyarrow decodes it with Python's codec.
        utf8 = transcode.gbk_to_utf8(data) if encoding == "gb18030" else None
        del data, text
        found = _pyarrow_csv(
            path, name, kind, encoding, first_lines, max(trailing, 0), quoted, mapping, values, utf8
        )
        del utf8
        if found is not None:
            return found
        data = path.read_bytes()
    return read_csv_duckdb(path, data, kind, name, mapping, values)


def trailing_blank_lines(data: bytes) -> int:
    """Blank lines at the end of the file (they are not rows): ``data[len(data.rstrip()):].count(b"\\n") - 1``
    from the last blocks only, without copying the whole file as ``rstrip`` does."""
    end = len(data)
    while end > 0:
        start = max(0, end - 4096)
        kept = data[start:end].rstrip()
        if kept:
            return data[start + len(kept) :].count(b"\n") - 1
        end = start
    return data.count(b"\n") - 1


def head_rows(first_lines: list[str]) -> tuple[str, list[list[str | None]]]:
    """The delimiter (tab or comma, whichever the first lines use more) and the first rows, normalised
    (a ``="…"`` cell as the text inside, as ``csv_cells`` reads the rows)."""
    sample = "\n".join(first_lines)
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    rows = csv.reader(io.StringIO(sample), delimiter=delimiter)
    return delimiter, [[norm(excel_text(v)) for v in row] for row in rows][:HEAD_ROWS]


def _csv_head(
    first_lines: list[str],
    kind: str | None,
    name: str,
    mapping: dict[str, str] | None,
    values: dict[str, str] | None,
) -> tuple[str, HeaderMatch, int]:
    delimiter, head = head_rows(first_lines)
    match = detect(head, kind, mapping, values)
    if match is None:
        raise no_header(name, kind)
    if match.kind_tie:
        raise UnreadableFile(kind_tie_message(match, name))
    filevalues.apply(match, values, filevalues.notes_above(head, match))
    width = max(len(match.labels), max((len(r) for r in head), default=0))
    return delimiter, match, width


def _pyarrow_csv(
    path: Path,
    name: str,
    kind: str | None,
    encoding: str,
    first_lines: list[str],
    trailing_blank: int,
    quoted: bool,
    mapping: dict[str, str] | None,
    values: dict[str, str] | None,
    utf8: pa.Buffer | None = None,
) -> Extract | None:
    """None when a row has another number of fields than the header (DuckDB pads them), or a line is only spaces.

    ``utf8``: the file already transcoded to UTF-8, read instead of ``path``."""
    delimiter, match, width = _csv_head(first_lines, kind, name, mapping, values)
    names = [f"c{i}" for i in range(width)]
    uneven: list[object] = []

    def on_invalid(row) -> str:
        uneven.append(row)
        return "skip"

    try:
        raw = pacsv.read_csv(
            path if utf8 is None else pa.BufferReader(utf8),
            read_options=pacsv.ReadOptions(
                encoding="utf8" if utf8 is not None or encoding.startswith("utf-8") else encoding,
                column_names=names,
                skip_rows_after_names=match.data_start,
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=quoted,
                ignore_empty_lines=False,
                invalid_row_handler=on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except UnicodeDecodeError as exc:
        raise _not_text(name) from exc
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if uneven:
        return None
    if trailing_blank:
        raw = raw.slice(0, max(raw.num_rows - trailing_blank, 0))
    keep = column_positions(match)
    first = match.data_start + 1
    arrays = {"_row": row_numbers(first, raw.num_rows)}
    present = [pos for pos in keep if pos < width]
    # a file with no quote has no ="…" cell
    normed = POOL.map(
        csv_cells if quoted else norm_array, [raw.column(f"c{pos}") for pos in present]
    )
    arrays.update({f"c{pos}": arr for pos, arr in zip(present, normed, strict=True)})
    arrays.update({f"c{pos}": pa.nulls(raw.num_rows, pa.string()) for pos in keep if pos >= width})
    del raw
    return finish(path, "csv", None, encoding, match, pa.table(arrays))


def csv_cells(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    """A csv column's cells as the clerk sees them in Excel (``="0101"`` is 0101), normalised."""
    return norm_array(excel_text_array(arr))


def _not_text(name: str) -> UnreadableFile:
    return UnreadableFile(
        f"文件 {name} 既不是 UTF-8 也不是 GBK 编码的文本，无法读取。/ {name} is neither UTF-8 nor GBK text."
    )


def read_csv_duckdb(
    path: Path,
    data: bytes,
    kind: str | None,
    name: str,
    mapping: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Extract:
    text, encoding = decode(data, name)
    del data
    first_lines = text[:200_000].splitlines()[: HEAD_ROWS + 2]
    delimiter, match, width = _csv_head(first_lines, kind, name, mapping, values)
    # DuckDB skips empty lines; keep them (as one empty field) so row numbers stay those of the file.
    text = re.sub(r"(?m)^[ \t]*$", delimiter, text.replace("\r\n", "\n").rstrip())
    with tempfile.TemporaryDirectory(prefix="fundquery-csv-") as tmp:
        utf8 = Path(tmp) / "data.csv"
        utf8.write_text(text, encoding="utf-8")
        del text
        columns = {f"c{i}": "VARCHAR" for i in range(width)}
        con = duckdb.connect()
        con.execute("SET enable_progress_bar = false")  # stdout carries `fundquery load --json`
        try:
            raw = _duckdb_csv(con, utf8, delimiter, columns, parallel=True)
        except duckdb.Error as exc:
            if "parallel" not in str(exc):
                raise _csv_error(name, exc) from exc
            # A cell with a line break inside quotes (Alt+Enter in Excel): DuckDB's parallel
            # scanner cannot pad short rows around it, the single-threaded one can.
            try:
                raw = _duckdb_csv(con, utf8, delimiter, columns, parallel=False)
            except duckdb.Error as exc2:
                raise _csv_error(name, exc2) from exc2
        finally:
            con.close()
    raw = raw.slice(match.data_start)
    keep = column_positions(match)
    arrays = {
        "_row": pa.array(
            range(match.data_start + 1, match.data_start + 1 + raw.num_rows), pa.int32()
        )
    }
    present = [pos for pos in keep if pos < width]
    normed = POOL.map(csv_cells, [raw.column(f"c{pos}").combine_chunks() for pos in present])
    arrays.update({f"c{pos}": arr for pos, arr in zip(present, normed, strict=True)})
    arrays.update({f"c{pos}": pa.nulls(raw.num_rows, pa.string()) for pos in keep if pos >= width})
    return finish(path, "csv", None, encoding, match, pa.table(arrays))


def _duckdb_csv(
    con: duckdb.DuckDBPyConnection,
    utf8: Path,
    delimiter: str,
    columns: dict[str, str],
    *,
    parallel: bool,
) -> pa.Table:
    rel = con.read_csv(
        str(utf8),
        header=False,
        all_varchar=True,
        null_padding=True,
        strict_mode=False,
        parallel=parallel,
        auto_detect=False,
        delimiter=delimiter,
        quotechar='"',
        escapechar='"',
        columns=columns,
    )
    return rel.to_arrow_table()


def _csv_error(name: str, exc: Exception) -> UnreadableFile:
    """DuckDB's parser error as a sentence: the line it stopped at, never its settings dump."""
    found = re.search(r"Line: (\d+)", str(exc))
    line = f"第 {found.group(1)} 行附近" if found else ""
    line_en = f" near line {found.group(1)}" if found else ""
    return UnreadableFile(
        f"无法解析 CSV 文件 {name}：{line}的格式不对（常见原因：引号不成对，或一格内容跨了多行）。"
        f"请在 Excel 中打开后另存为 .xlsx 再上传。"
        f" / Cannot parse the CSV {name}{line_en} (an unmatched quote, or a cell running over several lines):"
        " open it in Excel and save it as .xlsx."
    )
