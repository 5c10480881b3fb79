"""Uploaded files waiting for the user's decision, kept on disk under their SHA-256.

Nothing about an upload goes into the session cookie: the browser only
carries the digest in the URL.  ``<uploads>/staging/<sha256><ext>`` holds
the file, ``<sha256>.json`` who uploaded it under which name, and
``<sha256>.<kind>.preview.json`` the preview computed for it, so reloading
the preview page does not read a large file again.  Files older than
STAGING_DAYS are removed on the next upload.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from werkzeug.datastructures import FileStorage

from etl.store import StoreUnwritable, uploads_path, write_failure

# .xml: the "XML 表格" WPS and Excel save (XML Spreadsheet 2003); etl.read refuses any other XML
ALLOWED_SUFFIXES = (".xlsx", ".xls", ".xml", ".csv", ".txt")
STAGING_DAYS = 7
SHA256 = re.compile(r"^[0-9a-f]{64}$")


def uploads_dir() -> Path:
    """Where originals are archived: UPLOADS, FUNDQUERY_UPLOADS, or uploads/ beside the database."""
    return uploads_path(current_app.config["DATABASE"], current_app.config.get("UPLOADS"))


def staging_dir() -> Path:
    folder = uploads_dir() / "staging"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass(frozen=True)
class StagedFile:
    sha256: str
    file_name: str
    path: Path
    size: int
    staged_by: tuple[str, ...]


def _meta_path(sha256: str) -> Path:
    return staging_dir() / f"{sha256}.json"


def _write_json(path: Path, data: dict) -> None:
    write_bytes(path, json.dumps(data, ensure_ascii=False, default=str).encode("utf-8"))


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all: a .part file of this writer's own, renamed over it (two
    requests writing the same note at once never write into one file)."""
    tmp = part_file(path)
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise


def part_file(path: Path) -> Path:
    """A new empty .part file beside ``path``, this writer's own, to be renamed over it when complete."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".part")
    os.close(fd)
    return Path(tmp)


def suffix_of(file_name: str) -> str:
    suffix = Path(file_name).suffix.lower()
    return suffix if suffix in ALLOWED_SUFFIXES else ""


MAX_NAME_CHARS = 120
_UNSAFE_IN_NAME = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\"<>|*?:]")


def clean_file_name(sent: str | None) -> str:
    """The name a browser sent, as shown back and written into headers: no folders, no control characters.

    The file itself is stored under its digest; this name is only ever shown, logged and offered
    as a download name.  A Windows path (``C:\\Users\\…\\清册.xlsx``) keeps its last part; quotes,
    newlines and the characters Windows forbids in names become ``_``; a very long name keeps its
    start and its suffix.
    """
    name = (sent or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_IN_NAME.sub("_", name).strip(" ").rstrip(".") or "upload"
    name = "upload" if set(name) <= {"."} else name
    if len(name) > MAX_NAME_CHARS:
        stem, dot, suffix = name.rpartition(".")
        suffix = dot + suffix if dot and len(suffix) <= 8 else ""
        name = (stem if suffix else name)[: MAX_NAME_CHARS - len(suffix)] + suffix
    return name


def stage(upload: FileStorage, username: str) -> StagedFile:
    """Stream the upload to disk, name it by its digest, and note who sent it."""
    folder = staging_dir()
    prune(folder)
    file_name = clean_file_name(upload.filename)
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=folder, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            while block := upload.stream.read(1 << 20):
                digest.update(block)
                out.write(block)
                size += len(block)
    except OSError as exc:  # issue 8: a full disk is named, and no partial file is left behind
        Path(tmp_name).unlink(missing_ok=True)
        message = write_failure(exc)
        if message:
            raise StoreUnwritable(message) from exc
        raise
    sha = digest.hexdigest()
    path = folder / (sha + suffix_of(file_name))
    os.replace(tmp_name, path)
    meta_path = _meta_path(sha)
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    staged_by = sorted(set(meta.get("staged_by", [])) | {username})
    meta = {
        "sha256": sha,
        "file_name": file_name,
        "stored_as": path.name,
        "size": size,
        "staged_by": staged_by,
        "staged_at": time.time(),
    }
    _write_json(meta_path, meta)
    return StagedFile(sha, file_name, path, size, tuple(staged_by))


def get(sha256: str, username: str) -> StagedFile | None:
    """The staged file if it exists and ``username`` uploaded it; else None."""
    if not SHA256.match(sha256):
        return None
    meta_path = _meta_path(sha256)
    if not meta_path.exists():
        return None
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    path = staging_dir() / meta["stored_as"]
    if username not in meta["staged_by"] or not path.exists():
        return None
    return StagedFile(sha256, meta["file_name"], path, meta["size"], tuple(meta["staged_by"]))


def _preview_path(sha256: str, kind: str) -> Path:
    return staging_dir() / f"{sha256}.{kind}.preview.json"


def cached_preview(sha256: str, kind: str) -> dict | None:
    path = _preview_path(sha256, kind)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def keep_preview(sha256: str, kind: str, preview: dict) -> None:
    _write_json(_preview_path(sha256, kind), preview)


def _choice_path(sha256: str) -> Path:
    return staging_dir() / f"{sha256}.choice.json"


def keep_choice(sha256: str, username: str, choice: dict) -> None:
    """The clerk's mapping and values for this file (until it is loaded): nothing goes to the store yet."""
    path = _choice_path(sha256)
    kept = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    kept[username] = choice
    _write_json(path, kept)


def get_choice(sha256: str, username: str) -> dict | None:
    path = _choice_path(sha256)
    return json.loads(path.read_text(encoding="utf-8")).get(username) if path.exists() else None


def forget_choice(sha256: str, username: str) -> None:
    path = _choice_path(sha256)
    if path.exists():
        kept = json.loads(path.read_text(encoding="utf-8"))
        kept.pop(username, None)
        _write_json(path, kept)


def forget_previews(sha256: str) -> None:
    """Drop cached previews (after a load the duplicate check answers differently)."""
    for path in staging_dir().glob(f"{sha256}.*.preview.json"):
        path.unlink(missing_ok=True)


def prune(folder: Path, max_age_days: int = STAGING_DAYS) -> None:
    """Remove staged files and their notes older than ``max_age_days``."""
    cutoff = time.time() - max_age_days * 86400
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:
            continue
