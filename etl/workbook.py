"""Read a workbook: xlsx through fastexcel (calamine straight to Arrow), else cell by cell (python-calamine).

The header is found in each sheet's first rows; only the columns the spec needs
are turned into text (etl.text), and the rows end in etl.extract's finish.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import tempfile
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from xml.etree.ElementTree import ParseError

import fastexcel
import pyarrow as pa
import pyarrow.compute as pc
import python_calamine

from etl import filevalues, sheetsplit, xlsx
from etl.extract import (
    POOL,
    Extract,
    UnreadableFile,
    column_positions,
    finish,
    no_header,
    release_memory,
    row_numbers,
)
from etl.headermatch import HeaderMatch, kind_tie_message
from etl.headers import HEAD_ROWS, detect, sheet_rank
from etl.text import cell_text, column_text, float_text, norm, norm_array

CHUNK_ROWS = 50_000

# fastexcel logs “Could not determine dtype for column 1, falling back to string” (a mixed column read as
# text) through Python's logging: with nothing configured, a clerk running the CLI saw it on stderr.
# Every cell is read as text here on purpose; the reader's own errors still raise.
logging.getLogger("fastexcel").setLevel(logging.ERROR)


def damaged(name: str, exc: Exception | str) -> UnreadableFile:
    return UnreadableFile(
        f"文件 {name} 看起来是 Excel 文件，但已损坏或无法读取（{exc}）。"
        f" / {name} looks like an Excel file but is damaged or unreadable."
    )


def too_large(name: str, exc: xlsx.SheetTooLarge) -> UnreadableFile:
    """The sentence for a sheet whose grid is over the limit: the workbook readers' and SpreadsheetML's."""
    return UnreadableFile(
        f"文件 {name} 的工作表“{exc.sheet}”范围过大（约 {exc.rows:,} 行 × {exc.cols:,} 列，"
        f"可能有远处的零散单元格），超过 {xlsx.MAX_GRID_CELLS:,} 个单元格的上限：请删除多余的行列或把数据分成几个文件。"
        f" / In {name}, sheet {exc.sheet} spans about {exc.rows:,} rows by {exc.cols:,} columns (a stray cell far away?),"
        f" over the {xlsx.MAX_GRID_CELLS:,}-cell limit: delete the stray rows and columns or split the file."
    )


_XLSX_ERRORS = (
    zipfile.BadZipFile,
    ParseError,
    KeyError,
    ValueError,
    EOFError,
    zlib.error,
    OSError,
    RuntimeError,
    NotImplementedError,
)


def read_xlsx(
    path: Path,
    kind: str | None,
    name: str,
    mapping: dict[str, str] | None,
    values: dict[str, str] | None,
) -> Extract | None:
    """An xlsx through fastexcel (calamine straight to Arrow); None: read it through python-calamine.

    The header is found in each sheet's first rows, read from the XML (etl.xlsx), so
    the chosen sheet is parsed once, after its extent was checked.  Only the columns
    the spec needs are converted, each with one type for the whole column; a column
    mixing types (text and numbers), or a cell fastexcel cannot convert, sends the
    file to python-calamine, whose cell-by-cell text is the reference (etl.text).
    """
    # the pieces' folder, if any, removed on the way out
    with contextlib.ExitStack() as pieces_folder:
        found = _checked_sheet(path, kind, name, mapping, values, pieces_folder)
        if found is None:
            return None
        sheet_name, match, skip, pieces = found
        table = _fastexcel_columns(path, sheet_name, match, skip, pieces)
    if table is None:
        return None
    return finish(path, "xlsx", sheet_name, None, match, table)


def _checked_sheet(
    path: Path,
    kind: str | None,
    name: str,
    mapping: dict[str, str] | None,
    values: dict[str, str] | None,
    pieces_folder: contextlib.ExitStack,
) -> tuple[str, HeaderMatch, int, list[sheetsplit.Piece] | None] | None:
    """The sheet that holds the header, its match, the rows above its data, and its pieces (etl.sheetsplit)
    for a big sheet, once every sheet's extent was checked; None: read the file through python-calamine."""
    try:
        package = xlsx.Package(path)
    except xlsx.NoWorkbookPart:
        return None  # an .ods or another zip: calamine says what it is
    except (xlsx.NotPlainXlsx, ParseError):
        # A workbook part this module does not follow (e.g. strict OOXML's namespace): calamine
        # may read it, once every worksheet part has been checked.
        try:
            xlsx.check_every_sheet(path)
        except xlsx.SheetTooLarge as exc:
            raise too_large(name, exc) from exc
        except _XLSX_ERRORS as exc:
            raise damaged(name, exc) from exc
        return None
    except _XLSX_ERRORS as exc:
        raise damaged(name, exc) from exc
    cutter = None
    try:
        best = None
        for sheet_name, part in package.sheets:
            head = package.head(part, HEAD_ROWS)
            rows = [[norm(cell_text(v)) for v in row] for row in head.rows]
            match = detect(rows, kind, mapping, values)
            if match and (best is None or sheet_rank(match, rows) > sheet_rank(best[2], best[4])):
                best = (sheet_name, part, match, head, rows)
        if best is None:
            # No header in the first rows as the XML has them: let calamine look (dates as dates), after
            # every sheet's extent was checked.
            for sheet_name, part in package.sheets:
                package.check_extent(sheet_name, part)
            return None
        sheet_name, part, match, head, rows = best
        filevalues.apply(match, values, filevalues.notes_above(rows, match))
        if match.kind_tie:
            raise UnreadableFile(kind_tie_message(match, name))
        skip = head.first_row + match.data_start
        size = package.zip.getinfo(part).file_size
        copied = package.parts_calamine_reads()
        parts = sheetsplit.count(size, sum(package.zip.getinfo(c).file_size for c in copied))
        room = sheetsplit.room_for(path, size) if parts > 1 else None
        folder = None
        if room is not None:
            with contextlib.suppress(OSError):  # no folder there after all: the sheet is read whole
                folder = pieces_folder.enter_context(
                    tempfile.TemporaryDirectory(prefix="fundquery-pieces-", dir=room)
                )
        if folder is not None:
            others = [p for _s, p in package.sheets if p != part]
            cutter = sheetsplit.Pieces(
                package.zip, part, others, copied, parts, head.first_col, skip, Path(folder)
            )
        # Every sheet is checked (python-calamine, the fallback, loads them all); the chosen one
        # also for a cell left of its head, which would shift every column.
        plain = True
        for other, other_part in package.sheets:
            if other_part == part:
                sink = cutter.feed if cutter is not None else None
                plain = package.check_extent(sheet_name, part, head.first_col, sink)
            else:
                package.check_extent(other, other_part)
        pieces = cutter.close() if cutter is not None else None
    except xlsx.SheetTooLarge as exc:
        raise too_large(name, exc) from exc
    except (xlsx.NotPlainXlsx, *_XLSX_ERRORS) as exc:
        raise damaged(name, exc) from exc
    finally:
        if cutter is not None:
            cutter.close()  # its files, on the way out of an error too
        package.close()
    return (sheet_name, match, skip, pieces) if plain else None


def _fastexcel_columns(
    path: Path,
    sheet_name: str,
    match: HeaderMatch,
    skip: int,
    pieces: list[sheetsplit.Piece] | None = None,
) -> pa.Table | None:
    """The data rows' columns as text, or None when a column needs the cell-by-cell reader.

    A sheet cut into ``pieces`` is read a piece per thread, each piece's columns made text in its own
    thread as soon as it is read (while the others are still parsed); if any piece cannot be read that
    way, the whole sheet is read as it is (the pieces only ever save time)."""
    positions = column_positions(match)
    if pieces:
        with ThreadPoolExecutor(len(pieces), thread_name_prefix="fundquery-piece") as pool:
            texts = list(
                pool.map(
                    _piece_texts, pieces, [sheet_name] * len(pieces), [positions] * len(pieces)
                )
            )
        if all(t is not None for t in texts):
            table = _joined(texts, [p.skip for p in pieces], positions)
            if table is not None:
                return table
        del texts
    source = str(path) if path.suffix.lower() in (".xlsx", ".xlsm") else path.read_bytes()
    batch = _fastexcel_batch(source, skip, sheet_name, positions)
    if batch is None:
        return None
    # a column per core (pyarrow lets go of the GIL)
    texts = _batch_texts(batch, positions, POOL.map)
    del batch
    return None if texts is None else _joined([texts], [skip], positions)


def _piece_texts(
    piece: sheetsplit.Piece, sheet_name: str, positions: list[int]
) -> tuple[int, list[pa.Array]] | None:
    """A piece's rows, and its columns as text; a pinned piece is read from the sheet's top, and nothing
    may lie above its rows."""
    if not piece.pinned:
        batch = _fastexcel_batch(str(piece.path), piece.skip, sheet_name, positions)
    else:
        batch = _fastexcel_batch(str(piece.path), 0, sheet_name, positions)
        if batch is None or batch.num_rows < piece.skip:
            return None
        above = batch.slice(0, piece.skip)
        if any(column.null_count < len(column) for column in above.columns):
            return None  # a row out of order, above the piece: the sheet is read whole
        batch = batch.slice(piece.skip)
    return None if batch is None else _batch_texts(batch, positions, map)


def _fastexcel_batch(
    data: str | bytes, skip: int, sheet_name: str, positions: list[int]
) -> pa.RecordBatch | None:
    """fastexcel's record batch of the wanted columns from row ``skip`` on (None: read cell by cell)."""
    wanted = set(positions)
    try:
        reader = fastexcel.read_excel(data)
        sheet = reader.load_sheet(
            sheet_name,
            header_row=None,
            skip_rows=skip,
            schema_sample_rows=None,
            dtype_coercion="strict",
            use_columns=lambda c: c.index in wanted,
        )
        batch, errors = sheet.to_arrow_with_errors()
    except fastexcel.FastExcelError:
        return None
    if errors is not None and any("got 'Error(" not in e.detail for e in errors.errors):
        return None  # e.g. "N/A" typed in a number column: fastexcel would drop it
    return batch


def _batch_texts(
    batch: pa.RecordBatch, positions: list[int], mapper
) -> tuple[int, list[pa.Array]] | None:
    """The rows of ``batch`` and its wanted columns as text, each converted and normalised on its own
    (``mapper``: ``map`` in a piece's thread, the pool's for a whole sheet); None: read cell by cell."""
    n = batch.num_rows
    by_index = {int(c.removeprefix("__UNNAMED__")): batch.column(c) for c in batch.schema.names}
    columns = [by_index.get(pos) for pos in positions]
    del by_index, batch
    texts = list(mapper(_column_text, columns, [n] * len(columns)))
    return None if any(t is None for t in texts) else (n, texts)


def _joined(
    parts: list[tuple[int, list[pa.Array]]], skips: list[int], positions: list[int]
) -> pa.Table | None:
    """The pieces' rows as one table; the blank rows between a piece's last value and the next piece's
    first row (the whole sheet's grid has them) put back."""
    release_memory()
    last = max((i for i, (n, _t) in enumerate(parts) if n), default=0)
    tables = []
    for i, (n, texts) in enumerate(parts[: last + 1]):
        gap = skips[i + 1] - (skips[i] + n) if i < last else 0
        if gap < 0:
            return None  # a piece overlaps the next: never, if the cuts were right
        if gap:
            texts = [pa.concat_arrays([t, pa.nulls(gap, pa.string())]) for t in texts]
        arrays = {"_row": row_numbers(skips[i] + 1, n + gap)}
        for pos, arr in zip(positions, texts, strict=True):
            arrays[f"c{pos}"] = arr
        tables.append(pa.table(arrays))
    return pa.concat_tables(tables)


def _column_text(arr: pa.Array | None, rows: int) -> pa.Array | None:
    """One column of fastexcel's batch as normalised text (None: it needs the cell-by-cell reader).
    Text made from numbers, dates and booleans is already normal (digits, ISO dates, 是/否)."""
    if arr is None:
        return pa.nulls(rows, pa.string())
    text = _distinct_text(arr)
    if text is None or not pa.types.is_string(arr.type):
        return text
    return norm_array(text)


def _distinct_text(arr: pa.Array) -> pa.Array | None:
    """``_arrow_text`` of each distinct value of a long typed column, taken back to every row."""
    if len(arr) > 10_000 and not (pa.types.is_string(arr.type) or pa.types.is_null(arr.type)):
        encoded = pc.dictionary_encode(arr)
        if len(encoded.dictionary) < len(arr) // 2:
            text = _arrow_text(encoded.dictionary)
            return None if text is None else pc.take(text, encoded.indices)
    return _arrow_text(arr)


# python-calamine's reading of Excel serials (etl.text.cell_text of what it returns): under 1, a
# time of day; from 1 to 9999-12-31, a date (midnight) or a datetime.  fastexcel gives timestamps.
# calamine reads serials below 60 with Lotus' 1900 leap day taken out: serial 0 is 1899-12-31.
_MS_SERIAL_0 = -2_209_075_200_000  # 1899-12-31 00:00, serial 0
_MS_SERIAL_1 = -2_208_988_800_000  # 1900-01-01 00:00, serial 1
_MS_MAX = 253_402_300_799_999  # 9999-12-31 23:59:59.999


def _arrow_text(arr: pa.Array) -> pa.Array | None:
    """One typed column as the text etl.text gives each cell, or None where that is not known."""
    kind = arr.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return arr.cast(pa.string())
    if pa.types.is_null(kind):
        return pa.nulls(len(arr), pa.string())
    if pa.types.is_floating(kind):
        return float_text(arr)
    if pa.types.is_integer(kind):
        return pc.cast(arr, pa.string())
    if pa.types.is_boolean(kind):
        return pc.if_else(arr, "是", "否")
    if pa.types.is_timestamp(kind):
        ms = pc.cast(arr.cast(pa.timestamp("ms")), pa.int64())
        if pc.any(pc.or_(pc.less(ms, _MS_SERIAL_0), pc.greater(ms, _MS_MAX))).as_py():
            return None  # python-calamine keeps these as numbers
        return _timestamp_text(ms)
    return None  # dates written as ISO text in the XML, durations: rare, read cell by cell


def _timestamp_text(ms: pa.Array) -> pa.Array | None:
    """Milliseconds since 1970 as cell_text writes python-calamine's date, datetime or time."""
    frac_ms = pc.subtract(ms, pc.multiply(pc.divide(ms, 1000), 1000))  # truncated: the sign of ms
    fractional = pc.not_equal(frac_ms, 0)
    if pc.any(pc.and_(fractional, pc.less(ms, 0))).as_py():
        return None  # a fraction of a second before 1970: rare, read cell by cell
    seconds = pc.cast(pc.divide(ms, 1000), pa.int64()).cast(pa.timestamp("s"))
    day = pc.strftime(seconds, "%Y-%m-%d")
    clock = pc.strftime(seconds, "%H:%M:%S")
    micros = pc.utf8_lpad(pc.cast(pc.multiply(frac_ms, 1000), pa.string()), 6, "0")
    clock = pc.if_else(fractional, pc.binary_join_element_wise(clock, micros, "."), clock)
    midnight = pc.and_(pc.equal(clock, "00:00:00"), pc.invert(fractional))
    stamp = pc.if_else(midnight, day, pc.binary_join_element_wise(day, clock, " "))
    return pc.if_else(pc.less(ms, _MS_SERIAL_1), clock, stamp)


def read_workbook(
    path: Path,
    fmt: str,
    kind: str | None,
    name: str,
    mapping: dict[str, str] | None,
    values: dict[str, str] | None = None,
) -> Extract:
    try:
        if path.suffix.lower() in {"xlsx": (".xlsx", ".xlsm"), "xls": (".xls",)}.get(fmt, ()):
            book = python_calamine.CalamineWorkbook.from_path(str(path))
        else:  # calamine goes by the name: an xlsx named .xls (or a staged upload) is read from its bytes
            with open(path, "rb") as fh:
                book = python_calamine.CalamineWorkbook.from_filelike(fh)
        best = None
        for sheet_name in book.sheet_names:
            sheet = book.get_sheet_by_name(sheet_name)
            head = [
                [norm(cell_text(v)) for v in row]
                for row in itertools.islice(sheet.iter_rows(), HEAD_ROWS)
            ]
            match = detect(head, kind, mapping, values)
            if match and (best is None or sheet_rank(match, head) > sheet_rank(best[1], best[2])):
                best = (sheet, match, head)
        if best is None:
            raise no_header(name, kind)
        sheet, match, head = best
        filevalues.apply(match, values, filevalues.notes_above(head, match))
        if match.kind_tie:
            raise UnreadableFile(kind_tie_message(match, name))
        first_row_no = sheet.start[0] + 1 if sheet.start else 1
        rows = itertools.islice(sheet.iter_rows(), match.data_start, None)
        table = _columns(rows, match, first_row_no + match.data_start)
    except (python_calamine.CalamineError, ValueError, OSError) as exc:
        if isinstance(exc, UnreadableFile):
            raise
        raise damaged(name, exc) from exc
    return finish(path, fmt, sheet.name, None, match, table)


def checked_calamine_heads(path: Path, name: str) -> list[list[list[str | None]]]:
    """``calamine_heads`` of an xlsx that openpyxl could not stream, once every sheet's extent was checked."""
    try:
        xlsx.check_every_sheet(path)
    except xlsx.SheetTooLarge as exc:
        raise too_large(name, exc) from exc
    except _XLSX_ERRORS as exc:
        raise damaged(name, exc) from exc
    return calamine_heads(path, name)


def calamine_heads(path: Path, name: str) -> list[list[list[str | None]]]:
    """The first rows of each sheet as text (etl.peek), through calamine: every sheet is parsed whole."""
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        return [
            [
                [norm(cell_text(v)) for v in row]
                for row in itertools.islice(book.get_sheet_by_name(s).iter_rows(), HEAD_ROWS)
            ]
            for s in book.sheet_names
        ]
    except (python_calamine.CalamineError, ValueError, OSError) as exc:
        raise damaged(name, exc) from exc


def _columns(rows, match: HeaderMatch, first_row_no: int) -> pa.Table:
    """Chunked, columnar conversion of the data rows (only the columns we need)."""
    positions = column_positions(match)
    chunks: list[pa.Table] = []
    row_no = first_row_no
    while True:
        chunk = list(itertools.islice(rows, CHUNK_ROWS))
        if not chunk:
            break
        arrays = {"_row": row_numbers(row_no, len(chunk))}
        width = max(positions, default=-1) + 1
        if any(len(r) < width for r in chunk):
            chunk = [list(r) + [None] * (width - len(r)) for r in chunk]
        columns = list(zip(*chunk, strict=False))
        texts = [column_text(columns[pos]) for pos in positions]
        for pos, arr in zip(positions, POOL.map(norm_array, texts), strict=True):
            arrays[f"c{pos}"] = arr
        chunks.append(pa.table(arrays))
        row_no += len(chunk)
    if not chunks:
        schema = pa.schema([("_row", pa.int32())] + [(f"c{p}", pa.string()) for p in positions])
        return schema.empty_table()
    return pa.concat_tables(chunks)
