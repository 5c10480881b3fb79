"""A big sheet cut into pieces at row boundaries, so that calamine parses them on every core at once.

fastexcel (calamine) parses a sheet on one thread: load_bench's 1 M-row sheet
takes 6-7 s while the second core waits.  The extent check (etl.xlsx) inflates
the whole sheet first anyway; fed the same blocks, ``Pieces`` writes them into
small stored (uncompressed) xlsx files, one per core, each cut after a
``</row>`` near an equal share of the sheet's size, and fastexcel reads the
pieces in parallel threads (it lets go of the GIL).  On that sheet: 3.6 s for
the two halves against 6.8 s for the whole, the cutting 0.5 s with the
inflating the check does anyway.

Each piece is an xlsx of its own: the workbook's parts that calamine reads to
lay out values (the workbook, its relationships, the styles that say which
numbers are dates, the shared strings), the chosen sheet's part holding the
sheet's opening (without its ``<dimension>``, which would have calamine
reserve room for the whole sheet in every piece), the piece's rows and a
closing, and every other sheet empty.  Rows keep their own ``r`` numbers, so
each piece's grid starts where its rows do; a one-cell row just above a
piece's first row, in the head's first column, pins the grid's first column
where the whole sheet's is.  A piece is read from the sheet's first row
(fastexcel counts rows from there and gives the rows above a grid as empty):
a value above the piece's first row (a row out of order, which Excel would
repair) sends the sheet to be read whole.

Nothing is guessed: a sheet whose rows do not say their numbers where a cut
falls, or whose rows cannot be found, is read whole (``close`` returns None).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from etl.xlsx import column_letter

# A sheet is cut into a piece per core, each at least PART_BYTES of XML (a 16 MiB piece is ~20,000 rows of
# a 14-column roster): below that the threads and the copies cost more than they save.
PART_BYTES = 16 << 20
SPLIT_PARTS = min(4, len(os.sched_getaffinity(0)))
# Every piece carries the shared strings and the styles, and calamine parses them once per piece: a
# workbook whose shared strings are bigger than this is read whole (a 1 M-row roster's, every name, ID
# number and household number different, would be about 85 MB of XML: three <si><t></t></si> of 16 bytes
# and ~35 bytes of text a row, an estimate; a 300,000-row roster of repeated names and IDs had 8.1 MB).
COPIED_LIMIT = 128 << 20
ROOM_TO_SPARE = 256 << 20  # free space left on the disk after the pieces are written
_IN_MEMORY = {"tmpfs", "ramfs"}
_OPENING_LIMIT = 8 << 20  # the sheet's opening (views, columns ...) before <sheetData> is small
_SHEET_DATA = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?sheetData(\s[^>]*)?(/?)>")
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*/>")
_EMPTY_SHEET = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>'
)


@dataclass
class Piece:
    path: Path
    skip: int  # rows above the piece's first row to read, from the sheet's top
    pinned: bool  # a #N/A cell on the row above its first (every piece but the first)


def count(size: int, copied: int = 0) -> int:
    """How many pieces a sheet part of ``size`` inflated bytes is read in (1: whole), each carrying
    ``copied`` bytes of the workbook's other parts."""
    if copied > COPIED_LIMIT:
        return 1
    return max(1, min(SPLIT_PARTS, size // PART_BYTES))


def room_for(path: Path, size: int) -> Path | None:
    """Where the pieces of a sheet of ``size`` inflated bytes may be written: the system's temporary
    folder (``TMPDIR``), else the folder of the file read (for the web, the uploads folder beside the
    store), whichever is writable, has room for them with ROOM_TO_SPARE left, and is on a disk rather
    than in memory (a tmpfs, as Debian's /tmp now is, would hold the pieces in the RAM the read needs).
    None: the sheet is read whole."""
    for folder in (Path(tempfile.gettempdir()), Path(path).resolve().parent):
        try:
            if (
                os.access(folder, os.W_OK)
                and _filesystem(folder) not in _IN_MEMORY
                and shutil.disk_usage(folder).free > size + ROOM_TO_SPARE
            ):
                return folder
        except OSError:
            continue
    return None


def _filesystem(folder: Path) -> str | None:
    """The type of the filesystem ``folder`` lies on, from /proc/self/mounts (None where that says nothing)."""
    try:
        with open("/proc/self/mounts", encoding="utf-8", errors="replace") as fh:
            mounts = [line.split()[1:3] for line in fh if len(line.split()) >= 3]
    except OSError:
        return None
    where = str(folder.resolve())
    best, kind = "", None
    for point, fstype in mounts:
        point = point.replace("\\040", " ")
        inside = where == point or where.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, fstype
    return kind


class Pieces:
    """Fed a sheet part's inflated blocks in order, writes them into ``parts`` piece files under ``folder``."""

    def __init__(
        self,
        zf: zipfile.ZipFile,
        part: str,
        other_sheets: list[str],
        copied: list[str],
        parts: int,
        first_col: int,
        skip: int,
        folder: Path,
    ):
        self.zf, self.part, self.others, self.copied = zf, part, other_sheets, copied
        self.first_col, self.skip, self.folder = first_col, skip, Path(folder)
        size = zf.getinfo(part).file_size
        self.targets = [size * k // parts for k in range(1, parts)]  # where each cut is looked for
        self.pos = 0  # bytes of the part seen
        self.opening = b""  # the part's bytes up to <sheetData>, until it is found
        self.prefix: bytes | None = None  # the sheet's namespace prefix ("x:") or b""
        # bytes held back: a cut's </row> or the next row's start tag may span blocks
        self.pending = b""
        # what pending waits for: "cut" (a </row>) or "row" (the next <row ...>)
        self.finding = "cut"
        self.books: list[zipfile.ZipFile] = []
        self.pieces: list[Piece] = []
        self.out = None
        self.failed = False

    def feed(self, block: bytes) -> None:
        if self.failed:
            return
        start, self.pos = self.pos, self.pos + len(block)
        try:
            if self.prefix is None:
                self._opening(block)
            elif self.pending or (self.targets and self.pos > self.targets[0]):
                self._cut(block, start)
            else:
                self.out.write(block)
        except OSError:  # the disk filled up while the pieces were written: the sheet is read whole
            self._give_up()

    def _opening(self, block: bytes) -> None:
        self.opening += block
        found = _SHEET_DATA.search(self.opening)
        if found is None or found.group(3):  # not yet, or <sheetData/>: no rows to cut
            if found is not None or len(self.opening) > _OPENING_LIMIT:
                self._give_up()
            return
        self.prefix = found.group(1) + b":" if found.group(1) else b""
        self.head = _DIMENSION.sub(b"", self.opening[: found.end()])
        rest, self.opening = self.opening[found.end() :], b""
        self._new_piece(self.skip, pinned=False)
        self.pending, self.finding = b"", "cut"
        if rest:
            self.pos -= len(rest)
            self.feed(rest)

    def _cut(self, block: bytes, start: int) -> None:
        data = self.pending + block
        offset = start - len(self.pending)  # where data lies in the part
        self.pending = b""
        while data:
            if self.finding == "cut":
                if not self.targets or offset + len(data) <= self.targets[0]:
                    self.out.write(data)
                    return
                close = b"</" + self.prefix + b"row>"
                at = data.find(close, max(0, self.targets[0] - offset))
                if at < 0:
                    keep = len(close) - 1
                    self.out.write(data[:-keep])
                    self.pending = data[-keep:]
                    return
                end = at + len(close)
                self.out.write(data[:end])
                data, offset = data[end:], offset + end
                self.finding = "row"
            else:
                row = re.match(rb"\s*<" + re.escape(self.prefix) + rb"row\b([^>]*)>", data)
                if row is None:
                    if re.fullmatch(rb"\s*(<[^>]*)?", data) and len(data) < 4096:
                        self.pending = data  # the next tag is cut by the block's end
                        return
                    # Not a row after the cut (the sheet's rows end here): the rest stays in this piece.
                    self.targets, self.finding = [], "cut"
                    continue
                number = re.search(rb"""\sr\s*=\s*["'](\d+)["']""", row.group(1))
                if number is None:  # rows without their numbers: calamine counts them from the top
                    return self._give_up()
                first = int(number.group(1))  # the row's 1-based number
                self.targets.pop(0)
                self.finding = "cut"
                if first - 1 <= self.skip:
                    continue  # a cut before the first data row: no piece here
                self.out.write(b"</%ssheetData></%sworksheet>" % (self.prefix, self.prefix))
                self._new_piece(first - 1, pinned=True)
                self.out.write(self._pin(first - 1))

    def _pin(self, row: int) -> bytes:
        """An error cell (#N/A) in the head's first column on ``row`` (1-based), just above the piece's rows:
        it starts the piece's grid in the whole sheet's first column, and fastexcel reads it as empty
        without letting it decide a column's type."""
        p = self.prefix
        ref = b"%s%d" % (column_letter(self.first_col).encode(), row)
        return b'<%srow r="%d"><%sc r="%s" t="e"><%sv>#N/A</%sv></%sc></%srow>' % (
            p, row, p, ref, p, p, p, p,
        )  # fmt: skip

    def _new_piece(self, skip: int, pinned: bool) -> None:
        path = self.folder / f"piece{len(self.pieces)}.xlsx"
        book = zipfile.ZipFile(path, "w", zipfile.ZIP_STORED)
        self.books.append(book)
        for name in self.copied:
            book.writestr(name, self.zf.read(name))
        for name in self.others:
            book.writestr(name, _EMPTY_SHEET)
        self.out = book.open(self.part, "w")
        self.out.write(self.head)
        self.pieces.append(Piece(path, skip, pinned))

    def _give_up(self) -> None:
        self.failed = True
        self._close_books()

    def _close_books(self) -> None:
        with contextlib.suppress(OSError):
            if self.out is not None:
                self.out.close()
        self.out = None
        for book in self.books:
            with contextlib.suppress(OSError):
                book.close()

    def close(self) -> list[Piece] | None:
        """The pieces once every block was fed (None: read the sheet whole).  Closing again closes nothing."""
        if self.failed or self.prefix is None:
            self._close_books()
            return None
        try:
            if self.out is not None:
                self.out.write(self.pending)
                self.pending = b""
                self.out.close()
                self.out = None
            for book in self.books:
                book.close()
        except OSError:
            self._give_up()
            return None
        return self.pieces if len(self.pieces) > 1 else None
